// The trainer (tconv/trainer.hpp): options, the data (area reduction and
// seeded patches), the loss, Adam, and the measures (PSNR, checkerboard).
// The models themselves are in trainer_models.cpp.
#include "tconv/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <xtensor/xview.hpp>

#include "trainer_internal.hpp"

namespace tconv {

using detail::Pass;
using detail::TrainerParam;

namespace {

// Adam's constants, as torch.optim.Adam's defaults.
constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;
// Independent streams for the weights and the patches, so that changing how a
// model is initialised does not change which patches it trains on.
constexpr std::uint64_t kInitStream = 0x696E6974ull, kPatchStream = 0x7061746368ull;
// Floats per evaluation band (a tile of the low-resolution image and every
// activation of it): 8 M, 32 MB, whatever the image's size.
constexpr std::size_t kEvalBandFloats = std::size_t{8} << 20;

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

float clamp_byte(float v) { return std::min(255.0f, std::max(0.0f, v * 255.0f)); }

}  // namespace

TrainerModel parse_trainer_model(std::string_view function, std::string_view name) {
  if (name == "transposed-k3") return TrainerModel::transposed_k3;
  if (name == "transposed-k2f") return TrainerModel::transposed_k2f;
  if (name == "resize-conv") return TrainerModel::resize_conv;
  if (name == "subpixel") return TrainerModel::subpixel;
  if (name == "subpixel-icnr") return TrainerModel::subpixel_icnr;
  fail(function,
       "model must be one of transposed-k3, transposed-k2f, resize-conv, subpixel, "
       "subpixel-icnr, got " +
           quoted(name.substr(0, 40)));
}

std::string_view to_string(TrainerModel model) {
  switch (model) {
    case TrainerModel::transposed_k3:
      return "transposed-k3";
    case TrainerModel::transposed_k2f:
      return "transposed-k2f";
    case TrainerModel::resize_conv:
      return "resize-conv";
    case TrainerModel::subpixel:
      return "subpixel";
    case TrainerModel::subpixel_icnr:
      return "subpixel-icnr";
  }
  return "?";
}

namespace {

void check_factor(std::string_view function, std::int64_t factor) {
  if (factor < kTrainerMinFactor || factor > kTrainerMaxFactor) {
    fail(function, "factor must be 2, 3 or 4, got " + std::to_string(factor));
  }
}

}  // namespace

TrainerUpLayer trainer_up_layer(std::string_view function, TrainerModel model, std::int64_t factor) {
  check_factor(function, factor);
  TrainerOptions options;
  options.model = model;
  options.factor = factor;
  const detail::ModelSpec spec = detail::model_spec(options);
  if (spec.transposed) {
    return {"transposed", factor, spec.transposed_params.padding[0], spec.transposed_params.output_padding[0]};
  }
  const bool resize = model == TrainerModel::resize_conv;
  return {resize ? "resize" : "subpixel", factor, spec.up_params.padding[0], 0};
}

void check_trainer_options(std::string_view function, std::int64_t width, std::int64_t height,
                           const TrainerOptions& o) {
  const auto within = [&](std::string_view name, std::int64_t value, std::int64_t low, std::int64_t high) {
    if (value < low || value > high) {
      fail(function, std::string(name) + " must be an integer from " + std::to_string(low) + " to " +
                         std::to_string(high) + ", got " + std::to_string(value));
    }
  };
  check_factor(function, o.factor);
  if (o.hidden != 0 && (o.hidden < 3 || o.hidden > kTrainerMaxHidden)) {
    // Fewer than 3 channels could not carry R, G and B through the hidden layer.
    fail(function, "hidden must be 0 or an integer from 3 to " + std::to_string(kTrainerMaxHidden) + ", got " +
                       std::to_string(o.hidden));
  }
  within("patch", o.patch, kTrainerMinPatch, kTrainerMaxPatch);
  within("batch", o.batch, 1, kTrainerMaxBatch);
  check_integer(function, "seed", o.seed, Rule::non_negative);
  if (!(std::isfinite(o.learning_rate) && o.learning_rate > 0)) {
    fail(function, "learningRate must be a positive finite number, got " + format_number(o.learning_rate));
  }
  const std::int64_t side = o.patch * o.factor;
  if (width < side || height < side) {
    fail(function, "image " + std::to_string(width) + "×" + std::to_string(height) + " is too small for patch " +
                       std::to_string(o.patch) + " at factor " + std::to_string(o.factor) + ": it needs at least " +
                       std::to_string(side) + "×" + std::to_string(side) + " pixels");
  }
  const detail::ModelSpec spec = detail::model_spec(o);
  const std::size_t floats =
      detail::pass_floats(spec, std::size_t(o.batch), std::size_t(o.patch), std::size_t(o.patch), true);
  if (floats > kTrainerMaxFloats) {
    fail(function, "batch " + std::to_string(o.batch) + ", patch " + std::to_string(o.patch) + " and hidden " +
                       std::to_string(o.hidden) + " need " + std::to_string(floats) +
                       " floats of training buffers, more than the limit of " + std::to_string(kTrainerMaxFloats));
  }
}

xt::xarray<float> area_reduce(const RgbaImage& image, std::int64_t factor) {
  const std::size_t f = std::size_t(factor);
  const std::size_t h = image.shape()[0] / f, w = image.shape()[1] / f;
  xt::xarray<float> out = xt::xarray<float>::from_shape({3, h, w});
  const std::uint8_t* px = image.data();
  const std::size_t stride = image.shape()[1] * 4;
  // The block's sum of bytes is an exact integer; one division makes it the mean on [0, 1].
  const float scale = 1.0f / float(255 * f * f);
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t y = 0; y < h; ++y) {
      for (std::size_t x = 0; x < w; ++x) {
        std::uint32_t sum = 0;
        for (std::size_t i = 0; i < f; ++i) {
          const std::uint8_t* row = px + (y * f + i) * stride + x * f * 4 + c;
          for (std::size_t j = 0; j < f; ++j) sum += row[j * 4];
        }
        out(c, y, x) = float(sum) * scale;
      }
    }
  }
  return out;
}

namespace {

// Σ (clamp(255·output) − original)² over RGB of rows/columns [border, size − border), and the count.
struct SquaredError {
  double sum = 0;
  std::size_t count = 0;
  double psnr() const {
    if (sum == 0) return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(255.0 * 255.0 / (sum / double(count)));
  }
};

}  // namespace

double psnr_rgb(const xt::xarray<float>& output, const RgbaImage& image, std::int64_t border) {
  const std::size_t h = output.shape()[output.dimension() - 2], w = output.shape()[output.dimension() - 1];
  const std::size_t b = std::size_t(border), stride = image.shape()[1] * 4;
  SquaredError e;
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t y = b; y + b < h; ++y) {
      const float* row = output.data() + (c * h + y) * w;
      for (std::size_t x = b; x + b < w; ++x) {
        const double d = double(clamp_byte(row[x])) - double(image.data()[y * stride + x * 4 + c]);
        e.sum += d * d;
      }
    }
  }
  e.count = 3 * (h > 2 * b ? h - 2 * b : 0) * (w > 2 * b ? w - 2 * b : 0);
  return e.psnr();
}

struct UpsamplerTrainer::State {
  TrainerOptions options;
  detail::ModelSpec spec;
  RgbaImage image;        ///< the cropped original
  xt::xarray<float> low;  ///< (3, H/f, W/f), its area reduction
  std::vector<TrainerParam> params;
  detail::TrainerRng patches{0};
  Pass train, band, flat;
  xt::xarray<float> target;  ///< (B, 3, P·f, P·f)
  double psnr_bilinear = 0, psnr_bicubic = 0;
  std::int64_t steps = 0;

  void draw_batch() {
    const std::size_t f = spec.factor, p = train.h, lh = low.shape()[1], lw = low.shape()[2];
    const std::size_t q = p * f, stride = image.shape()[1] * 4;
    for (std::size_t n = 0; n < train.n; ++n) {
      const std::size_t top = patches.below(lh - p + 1), left = patches.below(lw - p + 1);
      for (std::size_t c = 0; c < 3; ++c) {
        for (std::size_t y = 0; y < p; ++y) {
          std::copy_n(&low(c, top + y, left), p, &train.x(n, c, y, 0));
        }
        for (std::size_t y = 0; y < q; ++y) {
          const std::uint8_t* src = image.data() + (top * f + y) * stride + left * f * 4 + c;
          float* dst = &target(n, c, y, 0);
          for (std::size_t x = 0; x < q; ++x) dst[x] = float(src[x * 4]) / 255.0f;
        }
      }
    }
  }

  // The loss of the current batch, and ∂L/∂y, as torch's mse_loss (mean) and its backward.
  double loss_and_gradient() {
    const float* y = train.y.data();
    const float* t = target.data();
    float* g = train.grad_y.data();
    const std::size_t count = train.y.size();
    const float scale = float(2.0 / double(count));
    double sum = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const float d = y[i] - t[i];
      sum += double(d) * double(d);
      g[i] = d * scale;
    }
    return sum / double(count);
  }

  // torch.optim.Adam (no weight decay, not amsgrad), in the order it computes.
  void adam() {
    const double t = double(steps);
    const double correction1 = 1.0 - std::pow(kBeta1, t), correction2 = 1.0 - std::pow(kBeta2, t);
    const float step_size = float(options.learning_rate / correction1);
    const float root2 = float(std::sqrt(correction2));
    const float b1 = float(kBeta1), b2 = float(kBeta2), eps = float(kEpsilon);
    for (TrainerParam& p : params) {
      float* value = p.value.data();
      float* m = p.m.data();
      float* v = p.v.data();
      const float* g = p.grad.data();
      for (std::size_t i = 0; i < p.value.size(); ++i) {
        m[i] = m[i] * b1 + g[i] * (1.0f - b1);
        v[i] = v[i] * b2 + g[i] * g[i] * (1.0f - b2);
        const float denom = std::sqrt(v[i]) / root2 + eps;
        value[i] -= step_size * (m[i] / denom);
      }
    }
  }

  double checkerboard() {
    detail::forward(spec, params, flat);
    const std::size_t side = flat.y.shape()[2], border = 8 * spec.factor;
    double worst = 0;
    for (std::size_t c = 0; c < 3; ++c) {
      float low_v = std::numeric_limits<float>::infinity(), high_v = -low_v;
      for (std::size_t y = border; y + border < side; ++y) {
        const float* row = &flat.y(0, c, y, 0);
        for (std::size_t x = border; x + border < side; ++x) {
          low_v = std::min(low_v, row[x]);
          high_v = std::max(high_v, row[x]);
        }
      }
      worst = std::max(worst, (double(high_v) - double(low_v)) * 255.0);
    }
    return worst;
  }
};

UpsamplerTrainer::UpsamplerTrainer(const RgbaImage& image, const TrainerOptions& options, std::string_view function)
    : state_(std::make_unique<State>()) {
  const std::int64_t height = std::int64_t(image.shape()[0]), width = std::int64_t(image.shape()[1]);
  check_trainer_options(function, width, height, options);
  State& s = *state_;
  s.options = options;
  s.spec = detail::model_spec(options);
  const std::size_t f = s.spec.factor;
  const std::size_t ch = std::size_t(height) / f * f, cw = std::size_t(width) / f * f;
  s.image = xt::view(image, xt::range(0, ch), xt::range(0, cw), xt::all());
  s.low = area_reduce(s.image, options.factor);
  const std::size_t lh = ch / f, lw = cw / f;

  s.params = detail::make_params(s.spec);
  detail::TrainerRng init(std::uint64_t(options.seed) ^ kInitStream);
  detail::initialise(s.spec, init, s.params);
  s.patches = detail::TrainerRng(std::uint64_t(options.seed) ^ kPatchStream);

  const std::size_t b = std::size_t(options.batch), p = std::size_t(options.patch);
  s.train = detail::make_pass(s.spec, s.params, b, p, p, true);
  s.target = xt::xarray<float>::from_shape({b, 3, p * f, p * f});
  s.flat = detail::make_pass(s.spec, s.params, 1, kFlatSize, kFlatSize, false);
  std::fill(s.flat.x.begin(), s.flat.x.end(), kFlatValue);
  // Evaluation tiles: full width, as many rows as the budget allows beyond
  // the receptive field's halo on each side (every row, for a small image).
  const std::size_t halo = detail::receptive_radius(s.spec);
  const std::size_t per_row = detail::pass_floats(s.spec, 1, 1, lw, false);
  const std::size_t rows = std::min(lh, std::max(2 * halo + 1, kEvalBandFloats / std::max<std::size_t>(per_row, 1)));
  s.band = detail::make_pass(s.spec, s.params, 1, rows, lw, false);

  // The interpolations' PSNR does not change: measured once.
  InterpolateOptions interpolation;
  interpolation.scale_factor = std::array<double, 2>{double(f), double(f)};
  xt::xarray<float> low4 = s.low;
  low4.reshape({1, 3, lh, lw});
  interpolation.mode = InterpolateMode::bilinear;
  s.psnr_bilinear = psnr_rgb(xt::xarray<float>(xt::view(interpolate(low4, interpolation), 0)), s.image, 2 * f);
  interpolation.mode = InterpolateMode::bicubic;
  s.psnr_bicubic = psnr_rgb(xt::xarray<float>(xt::view(interpolate(low4, interpolation), 0)), s.image, 2 * f);

  s.draw_batch();
}

UpsamplerTrainer::~UpsamplerTrainer() = default;

TrainerStep UpsamplerTrainer::step(std::int64_t count) {
  check_integer("upsampler_trainer", "count", count, Rule::positive);
  State& s = *state_;
  double loss = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    detail::forward(s.spec, s.params, s.train);
    loss = s.loss_and_gradient();
    detail::backward(s.spec, s.params, s.train);
    ++s.steps;
    s.adam();
    s.draw_batch();
  }
  return {s.steps, loss};
}

TrainerEvaluation UpsamplerTrainer::evaluate() {
  State& s = *state_;
  TrainerEvaluation result;
  const std::size_t f = s.spec.factor, lh = s.low.shape()[1], lw = s.low.shape()[2];
  const std::size_t ch = lh * f, cw = lw * f, border = 2 * f;
  const std::size_t tile = s.band.h, halo = detail::receptive_radius(s.spec);
  const std::size_t step_rows = tile == lh ? lh : tile - 2 * halo;
  result.image = RgbaImage::from_shape({ch, cw, 4});
  const std::size_t stride = cw * 4;
  SquaredError e;
  for (std::size_t r0 = 0; r0 < lh; r0 += step_rows) {
    const std::size_t r1 = std::min(lh, r0 + step_rows);
    // The tile's first row: halo rows above r0 where the image has them, and
    // never past the bottom, so that every kept row sees its whole field.
    const std::size_t top = std::min(r0 > halo ? r0 - halo : 0, lh - tile);
    for (std::size_t c = 0; c < 3; ++c) std::copy_n(&s.low(c, top, 0), tile * lw, &s.band.x(0, c, 0, 0));
    detail::forward(s.spec, s.params, s.band);
    for (std::size_t y = r0 * f; y < r1 * f; ++y) {
      const std::size_t local = y - top * f;
      const std::uint8_t* original = s.image.data() + y * stride;
      std::uint8_t* out = result.image.data() + y * stride;
      const bool counted = y >= border && y + border < ch;
      for (std::size_t c = 0; c < 3; ++c) {
        const float* row = &s.band.y(0, c, local, 0);
        for (std::size_t x = 0; x < cw; ++x) {
          const float v = clamp_byte(row[x]);
          out[x * 4 + c] = std::uint8_t(std::lround(v));
          if (counted && x >= border && x + border < cw) {
            const double d = double(v) - double(original[x * 4 + c]);
            e.sum += d * d;
          }
        }
      }
      for (std::size_t x = 0; x < cw; ++x) out[x * 4 + 3] = original[x * 4 + 3];
    }
  }
  e.count = 3 * (ch > 2 * border ? ch - 2 * border : 0) * (cw > 2 * border ? cw - 2 * border : 0);
  result.psnr = e.psnr();
  result.psnr_bilinear = s.psnr_bilinear;
  result.psnr_bicubic = s.psnr_bicubic;
  result.checkerboard = s.checkerboard();
  return result;
}

double UpsamplerTrainer::checkerboard() { return state_->checkerboard(); }

RgbaImage UpsamplerTrainer::flat_response() {
  State& s = *state_;
  detail::forward(s.spec, s.params, s.flat);
  const std::size_t side = s.flat.y.shape()[2];
  RgbaImage out = RgbaImage::from_shape({side, side, 4});
  for (std::size_t y = 0; y < side; ++y) {
    for (std::size_t x = 0; x < side; ++x) {
      for (std::size_t c = 0; c < 3; ++c) out(y, x, c) = std::uint8_t(std::lround(clamp_byte(s.flat.y(0, c, y, x))));
      out(y, x, 3) = 255;
    }
  }
  return out;
}

std::vector<std::pair<std::string, const xt::xarray<float>*>> UpsamplerTrainer::weights() const {
  std::vector<std::pair<std::string, const xt::xarray<float>*>> out;
  for (const TrainerParam& p : state_->params) out.emplace_back(p.name, &p.value);
  return out;
}

const xt::xarray<float>& UpsamplerTrainer::batch_input() const { return state_->train.x; }
const xt::xarray<float>& UpsamplerTrainer::batch_target() const { return state_->target; }
const TrainerOptions& UpsamplerTrainer::options() const { return state_->options; }

Pair UpsamplerTrainer::cropped_size() const {
  return {std::int64_t(state_->image.shape()[0]), std::int64_t(state_->image.shape()[1])};
}

void UpsamplerTrainer::set_weight(std::string_view name, const float* data, std::size_t length) {
  for (TrainerParam& p : state_->params) {
    if (p.name != name) continue;
    if (length != p.value.size()) {
      fail("upsampler_trainer", "weight " + quoted(name) + " has " + std::to_string(p.value.size()) + " values, got " +
                                    std::to_string(length));
    }
    std::copy_n(data, length, p.value.data());
    return;
  }
  std::string names;
  for (const TrainerParam& p : state_->params) names += (names.empty() ? "" : ", ") + p.name;
  fail("upsampler_trainer", "no weight named " + quoted(name.substr(0, 40)) + "; this model has " + names);
}

void UpsamplerTrainer::set_batch(const float* input, std::size_t input_length, const float* target,
                                 std::size_t target_length) {
  State& s = *state_;
  if (input_length != s.train.x.size() || target_length != s.target.size()) {
    fail("upsampler_trainer", "a batch has " + std::to_string(s.train.x.size()) + " input and " +
                                  std::to_string(s.target.size()) + " target values, got " +
                                  std::to_string(input_length) + " and " + std::to_string(target_length));
  }
  std::copy_n(input, input_length, s.train.x.data());
  std::copy_n(target, target_length, s.target.data());
}

}  // namespace tconv
