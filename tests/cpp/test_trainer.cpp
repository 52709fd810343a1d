// The trainer's pieces on small literal tensors (tconv/trainer.hpp): area
// reduction, nearest ×f and its backward, the PSNR and checkerboard measures,
// the interpolating initialisations, Adam's first step, and the options' messages.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <xtensor/xview.hpp>

#include "../../cpp/src/backward_internal.hpp"
#include "helpers.hpp"
#include "tconv/conv.hpp"
#include "tconv/interpolate.hpp"
#include "tconv/pixel_shuffle.hpp"
#include "tconv/trainer.hpp"

namespace tconv {
namespace {

using test::tensor;
using ::testing::HasSubstr;

// An RGBA image whose channel c at (y, x) is `value(y, x, c)`.
template <class F>
RgbaImage image_of(std::size_t h, std::size_t w, F value) {
  RgbaImage image = RgbaImage::from_shape({h, w, 4});
  for (std::size_t y = 0; y < h; ++y) {
    for (std::size_t x = 0; x < w; ++x) {
      for (std::size_t c = 0; c < 4; ++c) image(y, x, c) = std::uint8_t(value(y, x, c));
    }
  }
  return image;
}

// A smooth, varied test picture (no two neighbours equal, no clipping).
RgbaImage picture(std::size_t h, std::size_t w) {
  return image_of(h, w, [](std::size_t y, std::size_t x, std::size_t c) {
    if (c == 3) return 255.0;
    return 127.5 + 100 * std::sin(0.21 * double(x) + 0.5 * double(c)) * std::cos(0.17 * double(y) - 0.3 * double(c));
  });
}

TrainerOptions options_for(TrainerModel model, std::int64_t factor, std::int64_t hidden) {
  TrainerOptions o;
  o.model = model;
  o.factor = factor;
  o.hidden = hidden;
  o.patch = 8;
  o.batch = 2;
  return o;
}

TEST(Trainer, AreaReductionAveragesEachBlockAndCropsTheRemainder) {
  // 5 × 4 at factor 2: the last row is cropped; R = 10·y + x, G = 4, B = 255.
  const RgbaImage image = image_of(5, 4, [](std::size_t y, std::size_t x, std::size_t c) {
    return c == 0 ? double(10 * y + x) : c == 1 ? 4.0 : c == 2 ? 255.0 : 0.0;
  });
  const xt::xarray<float> low = area_reduce(image, 2);
  ASSERT_EQ(low.shape(), (std::vector<std::size_t>{3, 2, 2}));
  // Block (0, 0) holds R 0, 1, 10, 11: mean 5.5.
  EXPECT_FLOAT_EQ(low(0, 0, 0), 5.5f / 255.0f);
  EXPECT_FLOAT_EQ(low(0, 0, 1), 7.5f / 255.0f);
  EXPECT_FLOAT_EQ(low(0, 1, 0), 25.5f / 255.0f);
  EXPECT_FLOAT_EQ(low(1, 1, 1), 4.0f / 255.0f);
  EXPECT_EQ(low(2, 1, 0), 1.0f);
}

TEST(Trainer, NearestUpsampleIsInterpolateNearestAndBlockSumItsAdjoint) {
  const xt::xarray<float> x = tensor({1, 2, 2, 3}, {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6});
  xt::xarray<float> up = xt::xarray<float>::from_shape({1, 2, 6, 9});
  detail::nearest_upsample_planes(2, 2, 3, 3, x.data(), up.data());
  InterpolateOptions nearest;
  nearest.scale_factor = std::array<double, 2>{3, 3};
  EXPECT_EQ(up, interpolate(x, nearest));
  // ⟨up(x), g⟩ = ⟨x, block_sum(g)⟩ for any g: the block sum is nearest's backward.
  std::mt19937 rng(7);
  const xt::xarray<float> g = test::random_tensor({1, 2, 6, 9}, rng);
  xt::xarray<float> back = xt::xarray<float>::from_shape({1, 2, 2, 3});
  detail::block_sum_planes(2, 2, 3, 3, g.data(), back.data());
  EXPECT_NEAR(test::dot(up, g), test::dot(x, back), 1e-4);
  // The first block of the first plane, by hand.
  EXPECT_FLOAT_EQ(back(0, 0, 0, 0), g(0, 0, 0, 0) + g(0, 0, 0, 1) + g(0, 0, 0, 2) + g(0, 0, 1, 0) + g(0, 0, 1, 1) +
                                        g(0, 0, 1, 2) + g(0, 0, 2, 0) + g(0, 0, 2, 1) + g(0, 0, 2, 2));
}

TEST(Trainer, PsnrOfIdenticalImagesIsInfiniteAndOfAKnownErrorExact) {
  const RgbaImage image = image_of(
      6, 6, [](std::size_t y, std::size_t x, std::size_t c) { return c == 3 ? 255.0 : double(40 * c + 3 * y + x); });
  xt::xarray<float> same = xt::xarray<float>::from_shape({3, 6, 6});
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t y = 0; y < 6; ++y) {
      for (std::size_t x = 0; x < 6; ++x) same(c, y, x) = float(image(y, x, c)) / 255.0f;
    }
  }
  EXPECT_EQ(psnr_rgb(same, image, 1), std::numeric_limits<double>::infinity());
  // One value off by 51 inside the border (4 × 4 × 3 = 48 counted): MSE 51²/48.
  xt::xarray<float> off = same;
  off(1, 2, 3) += 51.0f / 255.0f;
  EXPECT_NEAR(psnr_rgb(off, image, 1), 10 * std::log10(255.0 * 255.0 * 48 / (51.0 * 51.0)), 1e-4);
  // In the border: not counted.
  off = same;
  off(0, 0, 5) = 1.0f;
  EXPECT_EQ(psnr_rgb(off, image, 1), std::numeric_limits<double>::infinity());
}

TEST(Trainer, ConstantModelHasNoCheckerboard) {
  // Every weight zero, biases 0.3: the output is 0.3 everywhere.
  for (TrainerModel model : {TrainerModel::transposed_k3, TrainerModel::resize_conv, TrainerModel::subpixel}) {
    UpsamplerTrainer trainer(picture(20, 20), options_for(model, 2, 0));
    for (const auto& [name, tensor] : trainer.weights()) {
      std::vector<float> values(tensor->size(), name == "up.bias" ? 0.3f : 0.0f);
      trainer.set_weight(name, values.data(), values.size());
    }
    EXPECT_EQ(trainer.checkerboard(), 0.0) << to_string(model);
    const RgbaImage flat = trainer.flat_response();
    EXPECT_EQ(flat(10, 10, 0), 77) << to_string(model);  // round(0.3 · 255)
  }
}

TEST(Trainer, InterpolatingModelsStartWithoutCheckerboardAndRandomOnesWithOne) {
  for (std::int64_t f : {2, 3, 4}) {
    for (std::int64_t hidden : {0, 8}) {
      for (TrainerModel model : {TrainerModel::transposed_k3, TrainerModel::transposed_k2f, TrainerModel::resize_conv,
                                 TrainerModel::subpixel, TrainerModel::subpixel_icnr}) {
        UpsamplerTrainer trainer(picture(8 * std::size_t(f), 8 * std::size_t(f)), options_for(model, f, hidden));
        const double c = trainer.checkerboard();
        const bool random = model == TrainerModel::transposed_k3 || model == TrainerModel::subpixel;
        if (random) {
          EXPECT_GT(c, 0.5) << to_string(model) << " f " << f << " hidden " << hidden;
        } else {
          EXPECT_LT(c, 0.5) << to_string(model) << " f " << f << " hidden " << hidden;
        }
      }
    }
  }
}

TEST(Trainer, TransposedK2fStartsAsBilinearInterpolationInTheInterior) {
  for (std::int64_t f : {2, 3, 4}) {
    for (std::int64_t hidden : {0, 5}) {
      const std::size_t side = 16 * std::size_t(f);
      const RgbaImage image = picture(side, side);
      TrainerOptions o = options_for(TrainerModel::transposed_k2f, f, hidden);
      UpsamplerTrainer trainer(image, o);
      const TrainerEvaluation e = trainer.evaluate();
      // The same low-resolution input through interpolate bilinear, rounded to bytes.
      xt::xarray<float> low = area_reduce(image, f);
      low.reshape({1, 3, side / std::size_t(f), side / std::size_t(f)});
      InterpolateOptions bilinear;
      bilinear.mode = InterpolateMode::bilinear;
      bilinear.scale_factor = std::array<double, 2>{double(f), double(f)};
      const xt::xarray<float> expected = interpolate(low, bilinear);
      for (std::size_t y = std::size_t(2 * f); y < side - std::size_t(2 * f); ++y) {
        for (std::size_t x = std::size_t(2 * f); x < side - std::size_t(2 * f); ++x) {
          for (std::size_t c = 0; c < 3; ++c) {
            ASSERT_NEAR(double(e.image(y, x, c)), expected(0, c, y, x) * 255.0, 0.5 + 1e-3)
                << "f " << f << " hidden " << hidden << " at " << y << ", " << x;
          }
        }
      }
      // And so its PSNR is the bilinear one's (rounding to bytes aside: the PSNR is of the unrounded output).
      EXPECT_NEAR(e.psnr, e.psnr_bilinear, 1e-3) << "f " << f;
    }
  }
}

TEST(Trainer, ResizeConvStartsAsBilinearAtFactorTwo) {
  const RgbaImage image = picture(40, 40);
  UpsamplerTrainer trainer(image, options_for(TrainerModel::resize_conv, 2, 0));
  const TrainerEvaluation e = trainer.evaluate();
  EXPECT_NEAR(e.psnr, e.psnr_bilinear, 1e-3);
  EXPECT_GT(e.psnr_bicubic, e.psnr_bilinear);  // a smooth picture: bicubic is closer
}

// The model's output for the whole low-resolution image, from the public
// functions (conv2d, interpolate, conv_transpose2d, pixel_shuffle) and the
// trainer's weights: what evaluate() computes in bands of rows.
xt::xarray<float> whole_output(UpsamplerTrainer& trainer, const RgbaImage& image) {
  const TrainerOptions& o = trainer.options();
  const auto weights = trainer.weights();
  const auto weight = [&](const std::string& name) -> const xt::xarray<float>& {
    for (const auto& [n, t] : weights) {
      if (n == name) return *t;
    }
    throw std::runtime_error(name);
  };
  xt::xarray<float> x = area_reduce(image, o.factor);
  x.reshape({1, x.shape()[0], x.shape()[1], x.shape()[2]});
  if (o.hidden > 0) {
    Conv2dParams p;
    p.padding = {2, 2};
    x = xt::maximum(conv2d(x, weight("hidden.weight"), weight("hidden.bias"), p), 0.0f);
  }
  Conv2dParams same;
  same.padding = {1, 1};
  if (o.model == TrainerModel::resize_conv) {
    InterpolateOptions nearest;
    nearest.scale_factor = std::array<double, 2>{double(o.factor), double(o.factor)};
    return conv2d(interpolate(x, nearest), weight("up.weight"), weight("up.bias"), same);
  }
  return pixel_shuffle(conv2d(x, weight("up.weight"), weight("up.bias"), same), o.factor);
}

TEST(Trainer, EvaluationInBandsEqualsTheWholeImage) {
  // 600 rows at ×4 with 64 hidden channels: one band's tile holds fewer
  // low-resolution rows (about 76) than the image's 150, so evaluate() runs in bands.
  const RgbaImage image = picture(600, 256);
  for (TrainerModel model : {TrainerModel::resize_conv, TrainerModel::subpixel}) {
    TrainerOptions o = options_for(model, 4, 64);
    o.learning_rate = 0.01;
    UpsamplerTrainer trainer(image, o);
    trainer.step(2);
    const TrainerEvaluation e = trainer.evaluate();
    const xt::xarray<float> whole = whole_output(trainer, image);
    EXPECT_NEAR(psnr_rgb(xt::xarray<float>(xt::view(whole, 0)), image, 8), e.psnr, 1e-6) << to_string(model);
    for (std::size_t y = 0; y < 600; y += 7) {
      for (std::size_t x = 0; x < 256; x += 5) {
        for (std::size_t c = 0; c < 3; ++c) {
          const double v = std::clamp(double(whole(0, c, y, x)) * 255.0, 0.0, 255.0);
          ASSERT_NEAR(double(e.image(y, x, c)), v, 0.5 + 1e-3) << to_string(model) << " at " << y << ", " << x;
        }
      }
    }
  }
}

TEST(Trainer, StepsAreDeterministic) {
  for (TrainerModel model : {TrainerModel::transposed_k3, TrainerModel::transposed_k2f, TrainerModel::resize_conv,
                             TrainerModel::subpixel, TrainerModel::subpixel_icnr}) {
    TrainerOptions o = options_for(model, 2, 4);
    o.learning_rate = 1e-2;
    o.seed = 42;
    UpsamplerTrainer a(picture(32, 32), o), b(picture(32, 32), o);
    const double first = a.step().loss;
    EXPECT_EQ(first, b.step().loss) << to_string(model);
    const TrainerStep later = a.step(50);
    EXPECT_EQ(later.step, 51);
    EXPECT_EQ(later.loss, b.step(50).loss) << to_string(model);
    // Another seed draws other patches and weights.
    o.seed = 43;
    UpsamplerTrainer c(picture(32, 32), o);
    EXPECT_NE(c.step().loss, first) << to_string(model);
  }
}

TEST(Trainer, RandomlyInitialisedModelsLearn) {
  for (TrainerModel model : {TrainerModel::transposed_k3, TrainerModel::subpixel}) {
    for (std::int64_t hidden : {0, 4}) {
      TrainerOptions o = options_for(model, 2, hidden);
      o.learning_rate = 1e-2;
      UpsamplerTrainer trainer(picture(48, 48), o);
      // Summed over 20 batches each: the loss 200 steps later is well below the first.
      double early = 0, late = 0;
      for (int i = 0; i < 20; ++i) early += trainer.step().loss;
      trainer.step(200);
      for (int i = 0; i < 20; ++i) late += trainer.step().loss;
      EXPECT_LT(late, 0.5 * early) << to_string(model) << " hidden " << hidden;
    }
  }
}

TEST(Trainer, OptionsAreCheckedWithTheirNames) {
  const RgbaImage image = picture(32, 32);
  const auto message = [&](TrainerOptions o, const RgbaImage& img) {
    try {
      UpsamplerTrainer trainer(img, o, "createUpsamplerTrainer");
    } catch (const InvalidArgument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  TrainerOptions o = options_for(TrainerModel::resize_conv, 5, 0);
  EXPECT_THAT(message(o, image), HasSubstr("createUpsamplerTrainer: factor must be 2, 3 or 4, got 5"));
  o = options_for(TrainerModel::resize_conv, 2, 1000000000);
  EXPECT_THAT(message(o, image), HasSubstr("hidden must be 0 or an integer from 3 to 64, got 1000000000"));
  o = options_for(TrainerModel::resize_conv, 2, 0);
  o.learning_rate = std::nan("");
  EXPECT_THAT(message(o, image), HasSubstr("learningRate must be a positive finite number, got NaN"));
  o = options_for(TrainerModel::resize_conv, 4, 0);
  o.patch = 9;
  EXPECT_THAT(message(o, image), HasSubstr("image 32×32 is too small for patch 9 at factor 4"));
  o = options_for(TrainerModel::resize_conv, 2, 64);
  o.patch = 256;
  o.batch = 64;
  EXPECT_THAT(message(o, picture(512, 512)), HasSubstr("floats of training buffers, more than the limit"));
  EXPECT_THROW(parse_trainer_model("createUpsamplerTrainer", "transposed"), InvalidArgument);
}

// Hand-derived from issue 14's definitions: an output exactly f× the input
// needs (in − 1)·f − 2p + k + output_padding = f·in, so output_padding = 2p + f − k.
TEST(Trainer, UpLayerGivesEachModelsOperationAndGeometry) {
  const auto layer = [](TrainerModel m, std::int64_t f) { return trainer_up_layer("trainerUpLayer", m, f); };
  struct Expected {
    TrainerModel model;
    std::int64_t factor;
    std::string_view kind;
    std::int64_t padding, output_padding;
  };
  const Expected table[] = {
      {TrainerModel::transposed_k3, 2, "transposed", 1, 1},   // k 3: 2 + 2 − 3
      {TrainerModel::transposed_k3, 4, "transposed", 1, 3},   // 2 + 4 − 3
      {TrainerModel::transposed_k2f, 2, "transposed", 1, 0},  // k 4, p 1: 2 + 2 − 4
      {TrainerModel::transposed_k2f, 3, "transposed", 2, 1},  // k 6, p 2: 4 + 3 − 6
      {TrainerModel::transposed_k2f, 4, "transposed", 2, 0},  // k 8, p 2: 4 + 4 − 8
      {TrainerModel::resize_conv, 3, "resize", 1, 0},        {TrainerModel::subpixel, 2, "subpixel", 1, 0},
      {TrainerModel::subpixel_icnr, 4, "subpixel", 1, 0},
  };
  for (const Expected& e : table) {
    const TrainerUpLayer l = layer(e.model, e.factor);
    EXPECT_EQ(l.kind, e.kind) << to_string(e.model) << " f " << e.factor;
    EXPECT_EQ(l.factor, e.factor);
    EXPECT_EQ(l.padding, e.padding) << to_string(e.model) << " f " << e.factor;
    EXPECT_EQ(l.output_padding, e.output_padding) << to_string(e.model) << " f " << e.factor;
  }
  EXPECT_THROW(layer(TrainerModel::subpixel, 1), InvalidArgument);
  EXPECT_THROW(layer(TrainerModel::subpixel, 5), InvalidArgument);
}

}  // namespace
}  // namespace tconv
