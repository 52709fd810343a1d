// conv_transpose2d (tconv/conv.hpp): the seed example and output_padding by
// hand, the adjoint of conv2d and the textbook zero-insertion construction
// over a parameter sweep, every algorithm (scatter, direct, the phase matrix
// products) against the scatter, output rows that do not depend on their
// position, the errors, and parameters far beyond the input that cost nothing
// beyond the output. One header usually has one test file; conv.hpp has two,
// since conv2d's and conv_transpose2d's tests together are far longer than a
// file a newcomer reads in one sitting. conv2d's are in test_conv.cpp; the
// references both use are in conv_reference.hpp.
#include <cstring>
#include <xtensor/xio.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "../../cpp/src/conv_internal.hpp"  // the scatter and the pixel sums, private to the core
#include "conv_reference.hpp"
#include "helpers.hpp"
#include "tconv/conv.hpp"

namespace tconv {
namespace {

using test::bits_of_row;
using test::dot;
using test::drop_rows;
using test::kSeedKernel;
using test::random_tensor;
using test::scatter_reference;

// The scatter's result (the plain definition), or nothing when the padding leaves no output.
std::optional<xt::xarray<float>> scatter_result(const xt::xarray<float>& x, const xt::xarray<float>& w,
                                                const xt::xarray<float>& bias, ConvTranspose2dParams p) {
  p.algorithm = ConvAlgorithm::scatter;
  try {
    return conv_transpose2d(x, w, bias, p);
  } catch (const InvalidArgument&) {
    return std::nullopt;
  }
}

TEST(conv_transpose2d, seed_example_by_hand) {
  // Each input value paints a scaled copy of the kernel into the 4×4 output;
  // overlapping copies add up: e.g. output(0, 1) = 2·4 + 1·1 = 9.
  const xt::xarray<float> y = {{{{2, 1}, {4, 4}}}};
  const xt::xarray<float> expected = {{{{2, 9, 6, 1}, {6, 29, 30, 7}, {10, 29, 33, 13}, {12, 24, 16, 4}}}};
  EXPECT_EQ(conv_transpose2d(y, kSeedKernel), expected);
}

TEST(conv_transpose2d, stride_two_output_padding_by_hand) {
  // A single 1 with stride 2 and a 2×2 kernel 1..4 copies the kernel; output
  // padding adds a row and column that nothing writes to (zeros plus bias).
  const xt::xarray<float> y = xt::ones<float>({1, 1, 1, 1});
  const xt::xarray<float> w = {{{{1, 2}, {3, 4}}}};
  ConvTranspose2dParams p;
  p.stride = {2, 2};
  p.output_padding = {1, 1};
  const xt::xarray<float> bias = test::vector_of({10});
  EXPECT_EQ(conv_transpose2d(y, w, bias, p), (xt::xarray<float>{{{{11, 12, 10}, {13, 14, 10}, {10, 10, 10}}}}));
}

// The transposed convolution by its textbook construction: insert stride − 1
// zeros between inputs, pad dilation·(k − 1) − padding around (cropping when
// negative, plus output_padding at the bottom/right), then convolve with
// stride 1 using the kernel flipped in both axes and with in/out swapped.
xt::xarray<float> zero_insertion_reference(const xt::xarray<float>& x, const xt::xarray<float>& w,
                                           const ConvTranspose2dParams& p) {
  const std::size_t n = x.shape()[0], c_in = x.shape()[1], h = x.shape()[2], wd = x.shape()[3];
  const std::size_t kh = w.shape()[2], kw = w.shape()[3];
  const std::size_t groups = std::size_t(p.groups), group_in = c_in / groups, group_out = w.shape()[1];
  const std::int64_t border_h = p.dilation[0] * std::int64_t(kh - 1) - p.padding[0];
  const std::int64_t border_w = p.dilation[1] * std::int64_t(kw - 1) - p.padding[1];
  const std::int64_t ph = std::int64_t(h - 1) * p.stride[0] + 1 + 2 * border_h + p.output_padding[0];
  const std::int64_t pw = std::int64_t(wd - 1) * p.stride[1] + 1 + 2 * border_w + p.output_padding[1];
  xt::xarray<float> padded = xt::zeros<float>({n, c_in, std::size_t(ph), std::size_t(pw)});
  for (std::size_t b = 0; b < n; ++b)
    for (std::size_t c = 0; c < c_in; ++c)
      for (std::size_t i = 0; i < h; ++i)
        for (std::size_t j = 0; j < wd; ++j) {
          const std::int64_t r = std::int64_t(i) * p.stride[0] + border_h;
          const std::int64_t s = std::int64_t(j) * p.stride[1] + border_w;
          if (r >= 0 && r < ph && s >= 0 && s < pw) padded(b, c, std::size_t(r), std::size_t(s)) = x(b, c, i, j);
        }
  xt::xarray<float> flipped = xt::zeros<float>({group_out * groups, group_in, kh, kw});
  for (std::size_t g = 0; g < groups; ++g)
    for (std::size_t ic = 0; ic < group_in; ++ic)
      for (std::size_t oc = 0; oc < group_out; ++oc)
        for (std::size_t a = 0; a < kh; ++a)
          for (std::size_t b = 0; b < kw; ++b)
            flipped(g * group_out + oc, ic, a, b) = w(g * group_in + ic, oc, kh - 1 - a, kw - 1 - b);
  Conv2dParams conv;
  conv.dilation = p.dilation;
  conv.groups = p.groups;
  return conv2d(padded, flipped, std::nullopt, conv);
}

struct Case {
  std::size_t batch, c_in, c_out, groups, h, w, kh, kw;
  Pair stride, padding, dilation;
};

// A deterministic sweep over the parameter space, small enough to run under
// the sanitizers in a few seconds.
std::vector<Case> sweep() {
  std::vector<Case> cases;
  std::mt19937 rng(7);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  while (cases.size() < 300) {
    Case c{};
    c.groups = std::size_t(pick(1, 3));
    c.c_in = c.groups * std::size_t(pick(1, 2));
    c.c_out = c.groups * std::size_t(pick(1, 2));
    c.batch = std::size_t(pick(1, 2));
    c.h = std::size_t(pick(1, 8));
    c.w = std::size_t(pick(1, 8));
    c.kh = std::size_t(pick(1, 4));
    c.kw = std::size_t(pick(1, 4));
    c.stride = {pick(1, 3), pick(1, 3)};
    c.padding = {pick(0, 2), pick(0, 2)};
    c.dilation = {pick(1, 3), pick(1, 3)};
    const bool fits = std::int64_t(c.h) + 2 * c.padding[0] >= c.dilation[0] * std::int64_t(c.kh - 1) + 1 &&
                      std::int64_t(c.w) + 2 * c.padding[1] >= c.dilation[1] * std::int64_t(c.kw - 1) + 1;
    if (fits) cases.push_back(c);
  }
  return cases;
}

TEST(conv_transpose2d, is_the_adjoint_of_conv2d) {
  std::mt19937 rng(1);
  for (const Case& c : sweep()) {
    Conv2dParams cp{c.stride, c.padding, c.dilation, std::int64_t(c.groups)};
    const auto x = random_tensor({c.batch, c.c_in, c.h, c.w}, rng);
    const auto w = random_tensor({c.c_out, c.c_in / c.groups, c.kh, c.kw}, rng);
    const auto y_shape = conv2d(x, w, std::nullopt, cp).shape();
    const auto y = random_tensor(Shape(y_shape.begin(), y_shape.end()), rng);
    // output_padding recovers the rows/columns the forward stride dropped.
    ConvTranspose2dParams tp{c.stride, c.padding, {}, c.dilation, std::int64_t(c.groups)};
    for (int d = 0; d < 2; ++d) {
      const std::int64_t in = d == 0 ? std::int64_t(c.h) : std::int64_t(c.w);
      const std::int64_t k = d == 0 ? std::int64_t(c.kh) : std::int64_t(c.kw);
      tp.output_padding[d] = (in + 2 * c.padding[d] - c.dilation[d] * (k - 1) - 1) % c.stride[d];
    }
    const auto xt_y = conv_transpose2d(y, w, std::nullopt, tp);
    ASSERT_EQ(xt_y.shape(), x.shape());
    const double lhs = dot(conv2d(x, w, std::nullopt, cp), y), rhs = dot(x, xt_y);
    EXPECT_NEAR(lhs, rhs, 1e-4 * (1 + std::abs(lhs)));
  }
}

TEST(conv_transpose2d, equals_zero_insertion_then_flipped_convolution) {
  std::mt19937 rng(2);
  int checked = 0;
  for (const Case& c : sweep()) {
    ConvTranspose2dParams tp{c.stride, c.padding, {0, 0}, c.dilation, std::int64_t(c.groups)};
    tp.output_padding = {std::min<std::int64_t>(c.h % 2, std::max(c.stride[0], c.dilation[0]) - 1),
                         std::min<std::int64_t>(c.w % 2, std::max(c.stride[1], c.dilation[1]) - 1)};
    const auto x = random_tensor({c.batch, c.c_in, c.h, c.w}, rng);
    const auto w = random_tensor({c.c_in, c.c_out / c.groups, c.kh, c.kw}, rng);
    xt::xarray<float> direct;
    try {
      direct = conv_transpose2d(x, w, std::nullopt, tp);
    } catch (const InvalidArgument&) {
      continue;  // output smaller than 1: heavy padding, nothing to compare
    }
    const auto reference = zero_insertion_reference(x, w, tp);
    ASSERT_EQ(direct.shape(), reference.shape());
    EXPECT_TRUE(xt::allclose(direct, reference, 1e-5, 1e-5));
    ++checked;
  }
  EXPECT_GT(checked, 250);
}

TEST(conv_transpose2d, every_algorithm_gives_the_same_result) {
  // The scatter (the plain definition) against the phase gather and the phase
  // matrix product: odd sizes up to 13×15 inputs (full and partial 8-column
  // blocks), every stride/padding/dilation/output_padding mix, groups, and
  // channel counts around the register blocks (4 channels, 4×8 tiles).
  std::mt19937 rng(4);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int checked = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t groups = std::size_t(pick(1, 2));
    const std::size_t group_in = std::size_t(pick(1, 19)), group_out = std::size_t(pick(1, 9));
    const std::size_t h = std::size_t(pick(1, 13)), w = std::size_t(pick(1, 15));
    const std::size_t kh = std::size_t(pick(1, 5)), kw = std::size_t(pick(1, 5));
    ConvTranspose2dParams p;
    p.stride = {pick(1, 3), pick(1, 3)};
    p.padding = {pick(0, 2), pick(0, 2)};
    p.dilation = {pick(1, 2), pick(1, 2)};
    p.output_padding = {pick(0, int(std::max(p.stride[0], p.dilation[0])) - 1),
                        pick(0, int(std::max(p.stride[1], p.dilation[1])) - 1)};
    p.groups = std::int64_t(groups);
    const auto x = random_tensor({std::size_t(pick(1, 2)), group_in * groups, h, w}, rng);
    const auto wt = random_tensor({group_in * groups, group_out, kh, kw}, rng);
    const auto bias = random_tensor({group_out * groups}, rng);
    const std::optional<xt::xarray<float>> scattered = scatter_result(x, wt, bias, p);
    if (!scattered) continue;  // padding leaves no output
    const xt::xarray<float>& reference = *scattered;
    for (ConvAlgorithm algorithm :
         {ConvAlgorithm::direct, ConvAlgorithm::gemm, ConvAlgorithm::gemm_columns, ConvAlgorithm::automatic}) {
      p.algorithm = algorithm;
      const auto result = conv_transpose2d(x, wt, bias, p);
      ASSERT_EQ(result.shape(), reference.shape());
      EXPECT_TRUE(xt::allclose(result, reference, 1e-4, 1e-5)) << "trial " << trial << " algorithm " << int(algorithm);
    }
    ++checked;
  }
  EXPECT_GT(checked, 150);
}

TEST(conv_transpose2d, fused_direct_kernels_agree_with_the_scatter) {
  // The direct path's fused kernels: column strides 1 and 2, channel blocks
  // of 1–4 (and 5–9: a full block plus a remainder), unrolled tap counts
  // (kernel 4, stride 2 and 2–4 input channels: 8, 12, 16 taps per column
  // phase) and the loop, the single-channel kernel with padding 1 (phases
  // sharing input vectors) and 0 or 2 (not), widths around the 8/16/32-pixel
  // blocks, odd widths (the odd phase one column short), widths of 100 and
  // more (many blocks per row), bias.
  std::mt19937 rng(31);
  for (std::int64_t s = 1; s <= 2; ++s) {
    for (std::size_t group_in = 1; group_in <= 4; ++group_in) {
      for (std::size_t group_out = 1; group_out <= 9; ++group_out) {
        for (const std::size_t w : {1, 7, 8, 16, 17, 33, 100, 131}) {
          ConvTranspose2dParams p;
          p.stride = {s, s};
          const std::int64_t pad = w == 1 ? 1 : std::int64_t(group_out + w) % 3;  // width 1 needs padding ≤ 1
          p.padding = {pad, pad};
          p.output_padding = {0, std::int64_t(w % 2) * (s - 1)};
          const auto x = random_tensor({1, group_in, 5, w}, rng);
          const auto wt = random_tensor({group_in, group_out, 4, 4}, rng);
          const auto bias = random_tensor({group_out}, rng);
          p.algorithm = ConvAlgorithm::scatter;
          const auto reference = conv_transpose2d(x, wt, bias, p);
          p.algorithm = ConvAlgorithm::direct;
          const auto result = conv_transpose2d(x, wt, bias, p);
          ASSERT_EQ(result.shape(), reference.shape());
          EXPECT_TRUE(xt::allclose(result, reference, 1e-5, 1e-5))
              << "stride " << s << " padding " << pad << " channels " << group_in << " → " << group_out << " width "
              << w;
        }
      }
    }
  }
}

// Small inputs are scattered pixel by pixel (detail::sums_pixels); each
// output pixel must get the scatter's bits, whatever the stride, dilation, padding,
// output_padding, groups and batch. Both paths run on the same geometry here.
TEST(conv_transpose2d, pixel_sums_give_the_scatters_bits) {
  std::mt19937 rng(67);
  std::uniform_int_distribution<int> small(1, 3);
  int compared = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const std::size_t groups = std::size_t(small(rng)), group_in = std::size_t(small(rng));
    const std::size_t group_out = std::size_t(small(rng)), batch = std::size_t(small(rng) % 2 + 1);
    ConvTranspose2dParams p;
    p.stride = {small(rng) + trial % 2, small(rng)};
    p.dilation = {small(rng), small(rng) % 2 + 1};
    p.padding = {std::int64_t(rng() % 4), std::int64_t(rng() % 3)};
    p.output_padding = {std::int64_t(rng() % std::uint64_t(std::max(p.stride[0], p.dilation[0]))), 0};
    p.groups = std::int64_t(groups);
    const auto x = random_tensor({batch, groups * group_in, 1 + rng() % 7, 1 + rng() % 7}, rng);
    const auto wt =
        random_tensor({groups * group_in, group_out, std::size_t(small(rng) + 1), std::size_t(small(rng))}, rng);
    const auto bias = random_tensor({groups * group_out}, rng);
    detail::ConvGeometry g;
    try {
      g = detail::conv_transpose2d_geometry("conv_transpose2d", x, wt, bias, p);
    } catch (const InvalidArgument&) {
      continue;  // the padding leaves no output
    }
    ASSERT_TRUE(detail::sums_pixels(g.in_h, g.in_w, g)) << "trial " << trial;
    xt::xarray<float> scatter = xt::xarray<float>::from_shape(detail::output_shape(g));
    xt::xarray<float> pixels = xt::xarray<float>::from_shape(detail::output_shape(g));
    detail::fill_bias(g, bias.data(), scatter.data());
    detail::fill_bias(g, bias.data(), pixels.data());
    detail::conv_transpose2d_scatter(g, x.data(), wt.data(), scatter.data());
    detail::conv_transpose2d_pixels(g, x.data(), wt.data(), pixels.data());
    ASSERT_EQ(std::memcmp(scatter.data(), pixels.data(), scatter.size() * sizeof(float)), 0) << "trial " << trial;
    ++compared;
  }
  EXPECT_GT(compared, 200);
}

TEST(conv_transpose2d, direct_agrees_with_the_scatter_across_row_bands) {
  // Wide inputs: the direct path computes bands of a few rows at a time from
  // a zero-bordered copy of just the rows they read.
  std::mt19937 rng(32);
  for (const auto& [channels, groups, k, s] :
       std::vector<std::array<std::int64_t, 4>>{{3, 1, 4, 2}, {3, 3, 4, 2}, {2, 1, 3, 1}, {5, 1, 5, 3}}) {
    ConvTranspose2dParams p;
    p.stride = {s, s};
    p.padding = {1, 1};
    p.groups = groups;
    const auto x = random_tensor({1, std::size_t(channels), 21, 1501}, rng);
    const auto wt =
        random_tensor({std::size_t(channels), std::size_t(channels / groups), std::size_t(k), std::size_t(k)}, rng);
    const auto bias = random_tensor({std::size_t(channels)}, rng);
    p.algorithm = ConvAlgorithm::scatter;
    const auto reference = conv_transpose2d(x, wt, bias, p);
    p.algorithm = ConvAlgorithm::direct;
    EXPECT_TRUE(xt::allclose(conv_transpose2d(x, wt, bias, p), reference, 1e-5, 1e-5))
        << "kernel " << k << " stride " << s;
  }
}

TEST(conv_transpose2d, matrix_product_agrees_on_big_weights_and_small_maps) {
  // A DCGAN-like shape: many channels (130 → 131, a partial last register
  // block), tiny odd feature maps whose phase rows are gathered several at a
  // time, strides 2 and 3 with output_padding.
  std::mt19937 rng(12);
  for (const auto& [h, w, s, op] : std::vector<std::array<std::int64_t, 4>>{{5, 3, 2, 1}, {4, 7, 3, 2}, {1, 1, 2, 0}}) {
    ConvTranspose2dParams p;
    p.stride = {s, s};
    p.padding = {1, 1};
    p.output_padding = {op, op};
    const auto x = random_tensor({2, 130, std::size_t(h), std::size_t(w)}, rng);
    const auto wt = random_tensor({130, 131, 4, 4}, rng);
    p.algorithm = ConvAlgorithm::scatter;
    const auto reference = conv_transpose2d(x, wt, std::nullopt, p);
    for (ConvAlgorithm algorithm : {ConvAlgorithm::gemm, ConvAlgorithm::gemm_columns, ConvAlgorithm::automatic}) {
      p.algorithm = algorithm;
      EXPECT_TRUE(xt::allclose(conv_transpose2d(x, wt, std::nullopt, p), reference, 1e-4, 1e-4))
          << h << "x" << w << " algorithm " << int(algorithm);
    }
  }
  // More input channels than one K block of the product (512), and a kernel
  // of 3×3 taps × 3 channels = 27 rows of Wᵀ: the last register tile has 3 rows.
  ConvTranspose2dParams p;
  p.stride = {2, 2};
  p.padding = {1, 1};
  const auto x = random_tensor({1, 520, 3, 2}, rng);
  const auto wt = random_tensor({520, 3, 3, 3}, rng);
  p.algorithm = ConvAlgorithm::scatter;
  const auto reference = conv_transpose2d(x, wt, std::nullopt, p);
  for (ConvAlgorithm algorithm : {ConvAlgorithm::gemm, ConvAlgorithm::gemm_columns}) {
    p.algorithm = algorithm;
    EXPECT_TRUE(xt::allclose(conv_transpose2d(x, wt, std::nullopt, p), reference, 1e-3, 1e-4))
        << "520 channels, algorithm " << int(algorithm);
  }
}

TEST(conv_transpose2d, winograd_by_hand) {
  // Kernel 2, stride 1: one phase, a 2 × 2 convolution of the zero-bordered
  // input with the flipped kernel. 1 at the top left and 2 at the bottom
  // right of a 2 × 2 input paint the kernel 1..4 twice; they meet in the middle.
  const xt::xarray<float> y = {{{{1, 0}, {0, 2}}}};
  const xt::xarray<float> w = {{{{1, 2}, {3, 4}}}};
  ConvTranspose2dParams p;
  p.algorithm = ConvAlgorithm::winograd;
  EXPECT_EQ(conv_transpose2d(y, w, std::nullopt, p), (xt::xarray<float>{{{{1, 2, 0}, {3, 4 + 2, 4}, {0, 6, 8}}}}));
}

TEST(conv_transpose2d, winograd_agrees_with_the_scatter) {
  // Every geometry whose phases are 2 × 2 convolutions: kernel 2·stride
  // (2, 4, 6), any padding and output_padding, groups, batch 2, odd and even
  // sizes (a last 2 × 2 block with one row or column), channel counts around
  // the 16-channel weight blocks and the 4-row register tiles.
  std::mt19937 rng(16);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int checked = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const std::int64_t sh = pick(1, 3), sw = pick(1, 3);
    const std::size_t groups = std::size_t(pick(1, 2));
    const std::size_t group_in = std::size_t(pick(1, 20)), group_out = std::size_t(pick(1, 37));
    ConvTranspose2dParams p;
    p.stride = {sh, sw};
    p.padding = {pick(0, int(sh)), pick(0, int(sw))};
    p.output_padding = {pick(0, int(sh) - 1), pick(0, int(sw) - 1)};
    p.groups = std::int64_t(groups);
    const auto x = random_tensor(
        {std::size_t(pick(1, 2)), group_in * groups, std::size_t(pick(1, 11)), std::size_t(pick(1, 11))}, rng);
    const auto wt = random_tensor({group_in * groups, group_out, std::size_t(2 * sh), std::size_t(2 * sw)}, rng);
    const auto bias = random_tensor({group_out * groups}, rng);
    const std::optional<xt::xarray<float>> scattered = scatter_result(x, wt, bias, p);
    if (!scattered) continue;  // padding leaves no output
    const xt::xarray<float>& reference = *scattered;
    p.algorithm = ConvAlgorithm::winograd;
    try {
      const auto result = conv_transpose2d(x, wt, bias, p);
      EXPECT_TRUE(xt::allclose(result, reference, 1e-4, 1e-5)) << "trial " << trial;
      ++checked;
    } catch (const InvalidArgument&) {
      // Padding that crops a tap off a 1-pixel input leaves a phase one tap.
      EXPECT_TRUE(x.shape()[2] == 1 || x.shape()[3] == 1) << "trial " << trial;
    }
  }
  EXPECT_GT(checked, 200);
}

TEST(conv_transpose2d, winograd_agrees_on_the_dcgan_layer_and_in_several_passes) {
  // The benchmark's DCGAN shape with fewer channels (the full layer is
  // 512 → 256), and a wide input whose transformed tiles take several passes.
  std::mt19937 rng(17);
  for (const auto& [c, h, w] : std::vector<std::array<std::size_t, 3>>{{64, 8, 8}, {130, 7, 9}, {40, 40, 100}}) {
    ConvTranspose2dParams p;
    p.stride = {2, 2};
    p.padding = {1, 1};
    const auto x = random_tensor({1, c, h, w}, rng);
    const auto wt = random_tensor({c, 33, 4, 4}, rng);
    p.algorithm = ConvAlgorithm::scatter;
    const auto reference = conv_transpose2d(x, wt, std::nullopt, p);
    p.algorithm = ConvAlgorithm::winograd;
    EXPECT_TRUE(xt::allclose(conv_transpose2d(x, wt, std::nullopt, p), reference, 1e-4, 1e-4)) << c << " " << h;
  }
}

TEST(conv_transpose2d, a_weight_cache_gives_the_same_bits_and_is_rebuilt_for_another_layout) {
  // One cache for one weight over calls whose geometries differ (input size,
  // padding, batch, several passes and chunks): each result is bit for bit
  // the uncached one, and the cache holds the transformed weights after.
  std::mt19937 rng(18);
  const auto wt = random_tensor({130, 33, 4, 4}, rng);
  WeightCache cache;
  struct Case {
    Shape input;
    std::int64_t padding;
  };
  for (const Case& c : {Case{{1, 130, 8, 8}, 1}, Case{{1, 130, 8, 8}, 1}, Case{{2, 130, 5, 7}, 1},
                        Case{{1, 130, 8, 8}, 2}, Case{{1, 130, 40, 90}, 1}, Case{{1, 130, 8, 8}, 1}}) {
    ConvTranspose2dParams p;
    p.stride = {2, 2};
    p.padding = {c.padding, c.padding};
    p.algorithm = ConvAlgorithm::winograd;
    const auto x = random_tensor(c.input, rng);
    const auto plain = conv_transpose2d(x, wt, std::nullopt, p);
    const auto with_cache = conv_transpose2d(x, wt, std::nullopt, p, &cache);
    ASSERT_EQ(with_cache.shape(), plain.shape());
    EXPECT_TRUE(std::equal(plain.begin(), plain.end(), with_cache.begin())) << format_shape(c.input);
    EXPECT_GT(cache.data.size(), 2 * wt.size());  // 9 sums per 4 taps, padded
  }
}

TEST(conv_transpose2d, a_weight_cache_is_used_while_its_layout_holds) {
  // The cache is the caller's promise that the weight has not changed: a call
  // with other weight values but the same cache computes with the cached
  // transform (the contract WeightCache states), which shows it was reused.
  std::mt19937 rng(19);
  const auto x = random_tensor({1, 64, 8, 8}, rng);
  const auto w1 = random_tensor({64, 16, 4, 4}, rng), w2 = random_tensor({64, 16, 4, 4}, rng);
  ConvTranspose2dParams p;
  p.stride = {2, 2};
  p.padding = {1, 1};
  WeightCache cache;
  const auto first = conv_transpose2d(x, w1, std::nullopt, p, &cache);
  const auto again = conv_transpose2d(x, w2, std::nullopt, p, &cache);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), again.begin()));
  // Another layout (kernel 2 at stride 1: other taps) is transformed afresh.
  ConvTranspose2dParams k2;
  const auto w3 = random_tensor({64, 16, 2, 2}, rng);
  EXPECT_TRUE(
      xt::allclose(conv_transpose2d(x, w3, std::nullopt, k2, &cache), conv_transpose2d(x, w3, std::nullopt, k2), 0, 0));
}

TEST(conv_transpose2d, winograd_values_near_the_float_limit_give_the_direct_sums) {
  // Weights of 3e38: Winograd's weight transform adds two of them (6e38, past
  // FLT_MAX), where each direct sum, 3e38 · 1e-30 over four taps, is about 1e9.
  // The fuzzer found NaN there; the call now computes such a layer again by
  // the column product.
  std::mt19937 rng(32);
  ConvTranspose2dParams p;
  p.stride = {2, 2};
  p.padding = {1, 1};
  p.algorithm = ConvAlgorithm::winograd;
  xt::xarray<float> x = random_tensor({1, 2, 8, 8}, rng);
  x = (x + 2.0f) * 1e-30f;
  const xt::xarray<float> w = xt::ones<float>({2, 3, 4, 4}) * 3e38f;
  const auto y = conv_transpose2d(x, w, std::nullopt, p);
  EXPECT_TRUE(xt::all(xt::isfinite(y)));
  EXPECT_TRUE(xt::allclose(y, scatter_reference(x, w, {16, 16}, p), 1e-5, 0));
}

TEST(conv_transpose2d, winograd_refuses_what_it_cannot_compute) {
  ConvTranspose2dParams p;
  p.stride = {2, 2};
  p.algorithm = ConvAlgorithm::winograd;
  const auto x = xt::ones<float>({1, 1, 3, 3});
  EXPECT_THROW(conv_transpose2d(x, xt::ones<float>({1, 1, 3, 3}), std::nullopt, p), InvalidArgument);  // 2 and 1 taps
  p.dilation = {2, 2};
  EXPECT_THROW(conv_transpose2d(x, xt::ones<float>({1, 1, 4, 4}), std::nullopt, p), InvalidArgument);  // taps 2 apart
  // Kernel 3 × 2 at stride (2, 1), padding 2: the taps that reach this small
  // input are two per phase, but the kernel is not 2 · stride (the fuzzer's
  // heap overflow). Refused when asked for; automatic computes it otherwise.
  std::mt19937 rng(31);
  ConvTranspose2dParams q;
  q.stride = {2, 1};
  q.padding = {2, 0};
  q.groups = 3;
  q.algorithm = ConvAlgorithm::winograd;
  const auto small = random_tensor({2, 48, 2, 60}, rng);  // 2 × 12 × 1 × 61 outputs: more than the scatter takes
  const auto w = random_tensor({48, 4, 3, 2}, rng);
  EXPECT_THROW(conv_transpose2d(small, w, std::nullopt, q), InvalidArgument);
  q.algorithm = ConvAlgorithm::automatic;
  EXPECT_TRUE(
      xt::allclose(conv_transpose2d(small, w, std::nullopt, q), scatter_reference(small, w, {1, 61}, q), 1e-4, 1e-5));
}

TEST(conv_transpose2d, direct_output_rows_do_not_depend_on_their_position) {
  std::mt19937 rng(21);
  int compared = 0;
  for (std::int64_t s = 2; s <= 4; ++s) {
    for (std::size_t k = 1; k <= 7; ++k) {
      // 1→1 channel (the upsampler), 3→3 and depthwise 3 (the image benches).
      for (const auto& [channels, groups] : std::vector<std::pair<std::size_t, std::int64_t>>{{1, 1}, {3, 1}, {3, 3}}) {
        ConvTranspose2dParams p;
        p.stride = {s, s};
        p.padding = {std::int64_t(k) / 2, std::int64_t(k - 1) / 2};
        p.groups = groups;
        p.algorithm = ConvAlgorithm::direct;
        // Odd heights; every other kernel size a wide input, which the kernels
        // process in bands of rows (the band buffer holds 64 Ki floats), so
        // rows at band edges are compared too.
        const std::size_t h = 2 * std::size_t(rng() % 8) + 9;
        const std::size_t w = (k % 2 ? 0 : 1500) + std::size_t(rng() % 40) + 3;
        const auto x = random_tensor({1, channels, h, w}, rng);
        const auto wt = random_tensor({channels, channels / std::size_t(groups), k, k}, rng);
        const auto bias = random_tensor({channels}, rng);
        const auto y = conv_transpose2d(x, wt, bias, p);
        for (std::size_t shift = 1; shift <= 3; ++shift) {
          const auto y2 = conv_transpose2d(drop_rows(x, shift), wt, bias, p);
          const std::int64_t h2 = std::int64_t(h - shift);
          for (std::size_t oh = 0; oh < y2.shape()[2]; ++oh) {
            // Full support: every kernel row reaching output row oh reads an
            // input row of the shortened input (so also of the full one).
            bool full = true;
            for (std::size_t kh = 0; kh < k; ++kh) {
              const std::int64_t num = std::int64_t(oh) + p.padding[0] - std::int64_t(kh);
              if (num % s == 0 && (num < 0 || num / s >= h2)) full = false;
            }
            if (!full) continue;
            for (std::size_t c = 0; c < channels; ++c) {
              ASSERT_EQ(bits_of_row(y2, c, oh), bits_of_row(y, c, oh + shift * std::size_t(s)))
                  << "stride " << s << " kernel " << k << " channels " << channels << " groups " << groups << " shift "
                  << shift << " row " << oh;
            }
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 500);
}

TEST(conv_transpose2d, rejects_invalid_arguments) {
  const xt::xarray<float> y = xt::zeros<float>({1, 4, 2, 2});
  const xt::xarray<float> w = xt::zeros<float>({4, 2, 3, 3});
  EXPECT_ERROR(conv_transpose2d(y, xt::zeros<float>({4, 2, 3})),
               "conv_transpose2d: weight must be 4-D (in_channels, out_channels/groups, kH, kW), got 3-D shape");
  EXPECT_ERROR(conv_transpose2d(xt::zeros<float>({1, 3, 2, 2}), w),
               "conv_transpose2d: input has 3 channels but weight [4, 2, 3, 3] expects 4 channels");
  ConvTranspose2dParams g3;
  g3.groups = 3;
  EXPECT_ERROR(conv_transpose2d(xt::zeros<float>({1, 5, 2, 2}), xt::zeros<float>({5, 1, 3, 3}), std::nullopt, g3),
               "conv_transpose2d: in_channels 5 (weight.shape[0]) must be divisible by groups 3");
  ConvTranspose2dParams op;
  op.stride = {2, 2};
  op.output_padding = {2, 0};
  EXPECT_ERROR(conv_transpose2d(y, w, std::nullopt, op),
               "conv_transpose2d: output_padding (2, 0) must be smaller than either stride (2, 2) or dilation (1, 1)");
  op.output_padding = {-1, 0};
  EXPECT_ERROR(conv_transpose2d(y, w, std::nullopt, op),
               "conv_transpose2d: output_padding (-1, 0) must be non-negative integers");
  ConvTranspose2dParams pad;
  pad.padding = {2, 2};
  // (2 − 1)·1 − 4 + 2 + 0 + 1 = 0.
  EXPECT_ERROR(conv_transpose2d(y, w, std::nullopt, pad),
               "conv_transpose2d: padding (2, 2) is too large: output size (0, 0) is too small, each dimension must be "
               "at least 1");
  pad.padding = {std::int64_t(1) << 40, 0};
  EXPECT_ERROR(conv_transpose2d(y, w, std::nullopt, pad),
               "conv_transpose2d: padding (1099511627776, 0) is too large: output size (-2199023255548, 4) is too "
               "small");
  ConvTranspose2dParams far;
  far.stride = {std::int64_t(1) << 40, 1};
  EXPECT_ERROR(conv_transpose2d(y, w, std::nullopt, far),
               "conv_transpose2d: input_size (2, 2), stride (1099511627776, 1), dilation (1, 1) and kernel_size (3, "
               "3) give output size (1099511627779, 4), larger than the limit of 268435456");
  far.stride = {1 << 14, 1 << 14};  // (2^14 + 2)² pixels, each side within the limit
  EXPECT_ERROR(conv_transpose2d(y, w, std::nullopt, far),
               "(1 GiB of float32), from stride (16384, 16384), dilation (1, 1) and kernel_size (3, 3)");
  // groups is compared in 64 bits: 2^40 is 0 in a 32-bit size_t (wasm), and x % 0 traps.
  ConvTranspose2dParams groups;
  groups.groups = std::int64_t(1) << 40;
  EXPECT_ERROR(conv_transpose2d(y, w, std::nullopt, groups),
               "conv_transpose2d: in_channels 4 (weight.shape[0]) must be divisible by groups 1099511627776");
  EXPECT_ERROR(
      conv_transpose2d(y, w, xt::xarray<float>(xt::zeros<float>({4}))),
      "conv_transpose2d: bias must have 2 elements (one per output channel: weight.shape[1] * groups = 2 * 1), got 4");
  // output_padding below the dilation is allowed even when it is not below the stride.
  ConvTranspose2dParams dil;
  dil.dilation = {3, 3};
  dil.output_padding = {2, 2};
  EXPECT_EQ(conv_transpose2d(y, w, std::nullopt, dil).shape()[2], 2u + 6 + 2);
}

// What a call may allocate beyond its output: the phase algorithms' bands
// and plans are far smaller for the geometries below.
constexpr std::size_t kScratchBytes = std::size_t{2} << 20;

// winograd is not among them: it refuses these geometries (one tap per phase,
// or taps a dilation apart; winograd_refuses_what_it_cannot_compute).
constexpr ConvAlgorithm kEveryAlgorithm[] = {ConvAlgorithm::automatic, ConvAlgorithm::scatter, ConvAlgorithm::direct,
                                             ConvAlgorithm::gemm, ConvAlgorithm::gemm_columns};

// Issue 10: a stride of 10^9 planned one phase per stride step (24 GB), and
// 10^6 took 58 ms; the plan is now O(kernel), so every algorithm answers at once.
TEST(conv_transpose2d, a_huge_stride_costs_nothing_beyond_the_output) {
  std::mt19937 rng(10);
  struct Case {
    Shape input, weight;
    Pair stride;
  };
  const Case cases[] = {
      {{1, 1, 1, 1100}, {1, 1, 1, 1}, {1000000000, 1}},     // the call: a 1×1100 answer
      {{1, 1, 1100, 1}, {1, 1, 1, 1}, {1, 1000000000}},     // the same across
      {{3, 2, 3, 1}, {2, 3, 2, 3}, {1000, 1000000000}},     // rows that are far apart
      {{1, 16, 1, 9}, {16, 4, 1, 1}, {kMaxInteger, 3}},     // channel-rich, the largest stride
      {{1100, 1, 1, 1100}, {1, 1, 1, 1}, {1000000000, 1}},  // a batch of 1,100
  };
  for (const Case& c : cases) {
    const auto x = random_tensor(c.input, rng), w = random_tensor(c.weight, rng);
    ConvTranspose2dParams p;
    p.stride = c.stride;
    const Pair out = conv_transpose2d_output_size({std::int64_t(c.input[2]), std::int64_t(c.input[3])},
                                                  {std::int64_t(c.weight[2]), std::int64_t(c.weight[3])}, p);
    const auto reference = scatter_reference(x, w, out, p);
    for (ConvAlgorithm algorithm : kEveryAlgorithm) {
      p.algorithm = algorithm;
      const std::size_t out_bytes = c.input[0] * c.weight[1] * std::size_t(out[0] * out[1]) * sizeof(float);
      const auto y = test::within_allocation_budget(out_bytes + kScratchBytes,
                                                    [&] { return conv_transpose2d(x, w, std::nullopt, p); });
      EXPECT_TRUE(xt::allclose(y, reference, 1e-5, 1e-6))
          << "algorithm " << int(algorithm) << ", input " << format_shape(c.input);
    }
  }
}

// Padding and dilation far beyond the input that still leave a small output:
// the phase algorithms bordered the input with every row a tap could reach
// (2^41 of them); taps that read only the border are dropped now.
TEST(conv_transpose2d, huge_padding_and_dilation_cost_nothing_beyond_the_output) {
  std::mt19937 rng(11);
  const auto x = random_tensor({1, 16, 4, 5}, rng), w = random_tensor({16, 2, 2, 3}, rng);
  ConvTranspose2dParams p;
  p.padding = {std::int64_t(1) << 40, 1};
  p.dilation = {(std::int64_t(1) << 41) + 3, 2};  // H: 3 − 2^41 + 2^41 + 3 + 1 = 7 rows
  const Pair out = conv_transpose2d_output_size({4, 5}, {2, 3}, p);
  EXPECT_EQ(out, (Pair{7, 7}));
  for (ConvAlgorithm algorithm : kEveryAlgorithm) {
    p.algorithm = algorithm;
    const auto y =
        test::within_allocation_budget(kScratchBytes, [&] { return conv_transpose2d(x, w, std::nullopt, p); });
    EXPECT_TRUE(xt::allclose(y, scatter_reference(x, w, out, p), 1e-5, 1e-6)) << "algorithm " << int(algorithm);
  }
}

// UBSan, issue 10: with stride 3 and a 1×1 kernel, eight of the nine phases
// have no tap, and packing their (empty) weights offset a null pointer.
TEST(conv_transpose2d, phases_without_taps_are_skipped) {
  std::mt19937 rng(12);
  const auto x = random_tensor({1, 16, 17, 17}, rng), w = random_tensor({16, 16, 1, 1}, rng);
  for (ConvAlgorithm algorithm : kEveryAlgorithm) {
    ConvTranspose2dParams p;
    p.stride = {3, 3};
    p.algorithm = algorithm;
    EXPECT_TRUE(xt::allclose(conv_transpose2d(x, w, std::nullopt, p), scatter_reference(x, w, {49, 49}, p), 1e-5, 1e-6))
        << "algorithm " << int(algorithm);
  }
}

}  // namespace
}  // namespace tconv
