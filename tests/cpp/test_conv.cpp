// conv2d (tconv/conv.hpp): the seed example and the parameters by hand, the
// output-size formulas of both directions, the optimised paths against the
// definition, results that do not depend on a pixel's position (what the
// upsampler's bands rely on), and the errors. conv_transpose2d, declared in
// the same header, has test_conv_transpose.cpp; the references both use are
// in conv_reference.hpp.
#include <chrono>
#include <cstring>
#include <xtensor/xio.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "../../cpp/src/conv_internal.hpp"  // conv2d_rows and conv2d_pixels, private to the core
#include "../../cpp/src/geometry.hpp"       // valid_range, private to the core
#include "conv_reference.hpp"
#include "helpers.hpp"
#include "tconv/conv.hpp"

namespace tconv {
namespace {

using test::bits_of_row;
using test::drop_rows;
using test::kSeedInput;
using test::kSeedKernel;
using test::naive_conv2d;
using test::random_tensor;
using test::scatter_reference;

TEST(conv2d, seed_example_by_hand) {
  // Top-left: 4·1 + 5·4 + 8·1 + 1·1 + 8·4 + 8·3 + 3·3 + 6·3 + 6·1 = 122.
  const xt::xarray<float> expected = {{{{122, 148}, {126, 134}}}};
  EXPECT_EQ(conv2d(kSeedInput, kSeedKernel), expected);
}

TEST(conv2d, stride_padding_dilation_bias_by_hand) {
  // 1×1×3×3 input 1..9, 2×2 kernel of ones, padding 1, stride 2 → 2×2 output
  // of the corner windows of the padded input.
  const xt::xarray<float> x = {{{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}}};
  const xt::xarray<float> ones = xt::ones<float>({1, 1, 2, 2});
  Conv2dParams p;
  p.stride = {2, 2};
  p.padding = {1, 1};
  EXPECT_EQ(conv2d(x, ones, std::nullopt, p), (xt::xarray<float>{{{{1, 5}, {11, 28}}}}));
  // Dilation 2 on the 3×3 input: the kernel touches the four corners.
  Conv2dParams d;
  d.dilation = {2, 2};
  const xt::xarray<float> bias = test::vector_of({0.5f});
  EXPECT_EQ(conv2d(x, ones, bias, d)(0, 0, 0, 0), 20.5f);
}

TEST(conv2d, groups_keep_channels_apart) {
  // Two groups, one channel each: output c only sees input c.
  const xt::xarray<float> x = {{{{1, 2}, {3, 4}}, {{10, 20}, {30, 40}}}};
  xt::xarray<float> w = xt::ones<float>({2, 1, 1, 1});
  w(1, 0, 0, 0) = 2;
  Conv2dParams p;
  p.groups = 2;
  EXPECT_EQ(conv2d(x, w, std::nullopt, p), (xt::xarray<float>{{{{1, 2}, {3, 4}}, {{20, 40}, {60, 80}}}}));
}

TEST(conv2d, unbatched_input_keeps_its_rank) {
  const xt::xarray<float> x = xt::view(kSeedInput, 0);
  const auto out = conv2d(x, kSeedKernel);
  ASSERT_EQ(out.dimension(), 3u);
  EXPECT_EQ(out, (xt::xarray<float>{{{122, 148}, {126, 134}}}));
}

TEST(conv_output_size, formulas) {
  Conv2dParams c;
  c.stride = {2, 3};
  c.padding = {1, 0};
  c.dilation = {1, 2};
  // H: floor((7 + 2 − 3) / 2) + 1 = 4; W: floor((7 − 5) / 3) + 1 = 1.
  EXPECT_EQ(conv2d_output_size({7, 7}, {3, 3}, c), (Pair{4, 1}));
  ConvTranspose2dParams t;
  t.stride = {2, 2};
  t.padding = {1, 1};
  t.output_padding = {1, 0};
  // (2 − 1)·2 − 2 + (3 − 1) + 1 + 1 = 4 and 3.
  EXPECT_EQ(conv_transpose2d_output_size({2, 2}, {3, 3}, t), (Pair{4, 3}));
}

TEST(conv2d, optimised_paths_equal_the_definition) {
  // Widths from 1 to 40 (partial and full 8-pixel blocks) and, one trial in
  // four, 60 to 140 (many blocks per row), 1–7 output channels per group
  // (blocks of 4 and their remainders), strides 1–3, padding, dilation and
  // groups.
  std::mt19937 rng(9);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int checked = 0;
  for (int trial = 0; trial < 150; ++trial) {
    Conv2dParams p;
    p.groups = pick(1, 2);
    p.stride = {pick(1, 2), trial % 3 == 0 ? pick(2, 3) : 1};
    p.padding = {pick(0, 2), pick(0, 2)};
    p.dilation = {pick(1, 2), pick(1, 2)};
    const std::size_t gin = std::size_t(pick(1, 3)), gout = std::size_t(pick(1, 7));
    const std::size_t kh = std::size_t(pick(1, 4)), kw = std::size_t(pick(1, 4));
    const std::size_t h = std::size_t(pick(1, 12)), w = std::size_t(trial % 4 ? pick(1, 40) : pick(60, 140));
    const bool fits = std::int64_t(h) + 2 * p.padding[0] >= p.dilation[0] * std::int64_t(kh - 1) + 1 &&
                      std::int64_t(w) + 2 * p.padding[1] >= p.dilation[1] * std::int64_t(kw - 1) + 1;
    if (!fits) continue;
    const std::size_t groups = std::size_t(p.groups);
    const auto x = random_tensor({std::size_t(pick(1, 2)), gin * groups, h, w}, rng);
    const auto k = random_tensor({gout * groups, gin, kh, kw}, rng);
    EXPECT_TRUE(xt::allclose(conv2d(x, k, std::nullopt, p), naive_conv2d(x, k, p), 1e-4, 1e-5)) << "trial " << trial;
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

TEST(conv2d, blocked_path_agrees_with_the_definition_across_row_bands) {
  // Wide inputs: the blocked path computes bands of a few rows at a time from
  // a zero-bordered copy of just the rows they read.
  std::mt19937 rng(33);
  for (const auto& [k, sh, dilation] : std::vector<std::array<std::int64_t, 3>>{{3, 1, 1}, {5, 1, 2}, {4, 2, 1}}) {
    Conv2dParams p;
    p.stride = {sh, 1};
    p.padding = {k / 2, k / 2};
    p.dilation = {dilation, dilation};
    const auto x = random_tensor({1, 3, 40, 1501}, rng);
    const auto w = random_tensor({3, 3, std::size_t(k), std::size_t(k)}, rng);
    EXPECT_TRUE(xt::allclose(conv2d(x, w, std::nullopt, p), naive_conv2d(x, w, p), 1e-4, 1e-5)) << "kernel " << k;
  }
}

TEST(conv2d, blocked_output_rows_do_not_depend_on_their_position) {
  std::mt19937 rng(22);
  int compared = 0;
  for (std::int64_t sh = 1; sh <= 2; ++sh) {
    for (std::size_t k = 1; k <= 7; ++k) {
      for (const auto& [channels, groups] : std::vector<std::pair<std::size_t, std::int64_t>>{{1, 1}, {3, 1}, {3, 3}}) {
        Conv2dParams p;
        p.stride = {sh, 1};  // column stride 1: the blocked path
        p.padding = {std::int64_t(k) / 2, std::int64_t(k - 1) / 2};
        p.groups = groups;
        const std::size_t h = 2 * std::size_t(rng() % 8) + 9;  // odd heights; wide inputs: several bands
        const std::size_t w = (k % 2 ? 0 : 1500) + std::size_t(rng() % 40) + k;
        const auto x = random_tensor({1, channels, h, w}, rng);
        const auto wt = random_tensor({channels, channels / std::size_t(groups), k, k}, rng);
        const auto bias = random_tensor({channels}, rng);
        const auto y = conv2d(x, wt, bias, p);
        for (std::size_t steps = 1; steps <= 3; ++steps) {
          const std::size_t shift = steps * std::size_t(sh);  // input rows dropped
          const auto y2 = conv2d(drop_rows(x, shift), wt, bias, p);
          const std::int64_t h2 = std::int64_t(h - shift);
          for (std::size_t oh = 0; oh < y2.shape()[2]; ++oh) {
            const std::int64_t top = std::int64_t(oh) * sh - p.padding[0];
            if (top < 0 || top + std::int64_t(k) > h2) continue;  // a tap in the padding
            for (std::size_t c = 0; c < channels; ++c) {
              ASSERT_EQ(bits_of_row(y2, c, oh), bits_of_row(y, c, oh + steps))
                  << "row stride " << sh << " kernel " << k << " channels " << channels << " groups " << groups
                  << " shift " << shift << " row " << oh;
            }
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 500);
}

// Columns too: bands always span the full width, but a pixel's value should
// not depend on which column block (or the partial last block) it falls in
// either. Drop the first columns instead of rows and compare the columns
// whose taps all land inside both inputs.
std::uint32_t bits_at(const xt::xarray<float>& y, std::size_t c, std::size_t row, std::size_t col) {
  std::uint32_t bits;
  std::memcpy(&bits, y.data() + (c * y.shape()[2] + row) * y.shape()[3] + col, sizeof bits);
  return bits;
}

TEST(conv, fused_output_columns_do_not_depend_on_their_position) {
  std::mt19937 rng(23);
  int compared = 0;
  for (std::int64_t s = 1; s <= 2; ++s) {
    for (std::size_t k = 1; k <= 5; ++k) {
      for (const auto& [channels, groups] : std::vector<std::pair<std::size_t, std::int64_t>>{{1, 1}, {3, 1}, {3, 3}}) {
        const std::int64_t pad = std::int64_t(k) / 2;
        const std::size_t h = 7, w = std::size_t(rng() % 50) + 20;
        const auto x = random_tensor({1, channels, h, w}, rng);
        const auto bias = random_tensor({channels}, rng);
        for (std::size_t shift = 1; shift <= 9; shift += 4) {
          const auto x2 = xt::eval(xt::view(x, xt::all(), xt::all(), xt::all(), xt::range(shift, w)));
          const std::int64_t w2 = std::int64_t(w - shift);
          // conv_transpose2d, column stride s (the fused direct kernels).
          ConvTranspose2dParams tp;
          tp.stride = {1, s};
          tp.padding = {pad, pad};
          tp.groups = groups;
          tp.algorithm = ConvAlgorithm::direct;
          const auto wt = random_tensor({channels, channels / std::size_t(groups), k, k}, rng);
          const auto y = conv_transpose2d(x, wt, bias, tp), y2 = conv_transpose2d(x2, wt, bias, tp);
          for (std::size_t ow = 0; ow < y2.shape()[3]; ++ow) {
            bool full = true;
            for (std::size_t kw = 0; kw < k; ++kw) {
              const std::int64_t num = std::int64_t(ow) + pad - std::int64_t(kw);
              if (num % s == 0 && (num < 0 || num / s >= w2)) full = false;
            }
            if (!full) continue;
            for (std::size_t c = 0; c < channels; ++c)
              for (std::size_t oh = 0; oh < y2.shape()[2]; ++oh)
                ASSERT_EQ(bits_at(y2, c, oh, ow), bits_at(y, c, oh, ow + shift * std::size_t(s)))
                    << "transposed, stride " << s << " kernel " << k << " shift " << shift << " column " << ow;
            ++compared;
          }
          // conv2d, stride 1 (the blocked path).
          Conv2dParams cp;
          cp.padding = {pad, pad};
          cp.groups = groups;
          const auto wc = random_tensor({channels, channels / std::size_t(groups), k, k}, rng);
          const auto z = conv2d(x, wc, bias, cp), z2 = conv2d(x2, wc, bias, cp);
          for (std::size_t ow = 0; ow < z2.shape()[3]; ++ow) {
            const std::int64_t left = std::int64_t(ow) - pad;
            if (left < 0 || left + std::int64_t(k) > w2) continue;
            for (std::size_t c = 0; c < channels; ++c)
              for (std::size_t oh = 0; oh < z2.shape()[2]; ++oh)
                ASSERT_EQ(bits_at(z2, c, oh, ow), bits_at(z, c, oh, ow + shift))
                    << "conv2d, kernel " << k << " shift " << shift << " column " << ow;
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 1000);
}

TEST(conv2d, rejects_invalid_arguments) {
  const xt::xarray<float> x = xt::zeros<float>({1, 4, 4, 4});
  const xt::xarray<float> w = xt::zeros<float>({4, 2, 3, 3});
  Conv2dParams g2;
  g2.groups = 2;
  EXPECT_ERROR(conv2d(xt::zeros<float>({4, 4}), w),
               "conv2d: input must be 3-D (C, H, W) or 4-D (N, C, H, W), got 2-D shape [4, 4]");
  EXPECT_ERROR(conv2d(x, xt::zeros<float>({1, 3, 3})),
               "conv2d: weight must be 4-D (out_channels, in_channels/groups, kH, kW), got 3-D shape [1, 3, 3]");
  EXPECT_ERROR(conv2d(xt::zeros<float>({1, 3, 4, 4}), w, std::nullopt, g2),
               "conv2d: input has 3 channels but weight [4, 2, 3, 3] with groups 2 expects 4 channels");
  Conv2dParams g3;
  g3.groups = 3;
  EXPECT_ERROR(conv2d(xt::zeros<float>({1, 6, 4, 4}), xt::zeros<float>({5, 2, 3, 3}), std::nullopt, g3),
               "conv2d: out_channels 5 (weight.shape[0]) must be divisible by groups 3");
  Conv2dParams g0;
  g0.groups = 0;
  EXPECT_ERROR(conv2d(x, w, std::nullopt, g0), "conv2d: groups must be a positive integer, got 0");
  EXPECT_ERROR(conv2d(x, w, xt::xarray<float>(xt::zeros<float>({3})), g2),
               "conv2d: bias must have 4 elements (one per output channel), got 3");
  Conv2dParams bad;
  bad.groups = 2;
  bad.stride = {0, 1};
  EXPECT_ERROR(conv2d(x, w, std::nullopt, bad), "conv2d: stride (0, 1) must be positive integers");
  bad = g2;
  bad.padding = {-1, 0};
  EXPECT_ERROR(conv2d(x, w, std::nullopt, bad), "conv2d: padding (-1, 0) must be non-negative integers");
  bad = g2;
  bad.dilation = {1, 0};
  EXPECT_ERROR(conv2d(x, w, std::nullopt, bad), "conv2d: dilation (1, 0) must be positive integers");
  bad = g2;
  bad.dilation = {2, 2};
  EXPECT_ERROR(conv2d(x, w, std::nullopt, bad),
               "conv2d: dilated kernel size (5, 5) is larger than padded input size (4, 4)");
  EXPECT_ERROR(conv2d(xt::zeros<float>({1, 4, 0, 4}), w, std::nullopt, g2),
               "input shape [1, 4, 0, 4] has an empty dimension");
}

TEST(conv2d, output_beyond_the_element_limit_is_rejected_before_allocating) {
  // 1×1 kernel, padding 2^13 on a 1×1 input: a (2^14 + 1)² output plane times
  // 2^10 channels is far over 2^28 elements.
  const xt::xarray<float> x = xt::zeros<float>({1, 1, 1, 1});
  const xt::xarray<float> w = xt::zeros<float>({1024, 1, 1, 1});
  Conv2dParams p;
  p.padding = {1 << 13, 1 << 13};
  EXPECT_ERROR(conv2d(x, w, std::nullopt, p),
               "more than the limit of 268435456 (1 GiB of float32), from padding (8192, 8192)");
  Conv2dParams huge;
  huge.padding = {std::int64_t(1) << 40, 0};
  EXPECT_ERROR(conv2d(x, w, std::nullopt, huge),
               "conv2d: padding (1099511627776, 0) is too large: padded input size (2199023255553, 1) is larger than "
               "the limit of 268435456");
}

TEST(conv2d, huge_parameters_are_named_in_the_message) {
  const xt::xarray<float> x = xt::zeros<float>({1, 16, 4, 4});
  const xt::xarray<float> w = xt::zeros<float>({4, 16, 2, 2});
  Conv2dParams p;
  p.dilation = {std::int64_t(1) << 40, 1};
  EXPECT_ERROR(conv2d(x, w, std::nullopt, p),
               "conv2d: dilation (1099511627776, 1) is too large: dilated kernel size (1099511627777, 2) is larger "
               "than padded input size (4, 4)");
  // Every integer parameter is bounded by 2^53, as from JavaScript.
  p = {};
  p.stride = {INT64_MAX, 1};
  EXPECT_ERROR(conv2d(x, w, std::nullopt, p),
               "conv2d: stride (9223372036854775807, 1) must be positive integers no larger than 2^53 "
               "(9007199254740992)");
  // groups · weight.shape[1] is exact (16 · 2^60 wrapped to 0 in 64 bits).
  p = {};
  p.groups = std::int64_t(1) << 53;
  EXPECT_ERROR(conv2d(x, w, std::nullopt, p),
               "conv2d: input has 16 channels but weight [4, 16, 2, 2] with groups 9007199254740992 expects "
               "144115188075855872 channels");
  p.groups = std::int64_t(1) << 60;
  EXPECT_ERROR(conv2d(x, w, std::nullopt, p),
               "conv2d: groups must be a positive integer no larger than 2^53 (9007199254740992), got "
               "1152921504606846976");
  // 2^32 + 1 is 1 in a 32-bit size_t (wasm): compared before any narrowing.
  p.groups = (std::int64_t(1) << 32) + 1;
  EXPECT_ERROR(conv2d(x, w, std::nullopt, p), "with groups 4294967297 expects 68719476752 channels");
}

// A kernel or dilation as tall as the padded input, on a one-row input: the
// blocked path's band of one output row held every padded row (68 MB for a
// 1×2048 output); the direct loop, which skips padding rows, takes it now.
TEST(conv2d, heavy_padding_costs_nothing_beyond_the_output) {
  std::mt19937 rng(13);
  const auto x = random_tensor({1, 1, 1, 2048}, rng);
  Conv2dParams tall, dilated;
  tall.padding = dilated.padding = {4096, 0};
  dilated.dilation = {8192, 1};
  for (const auto& [w, p] :
       {std::pair{random_tensor({1, 1, 8193, 1}, rng), tall}, std::pair{random_tensor({1, 1, 2, 3}, rng), dilated}}) {
    const auto y = test::within_allocation_budget(1 << 20, [&] { return conv2d(x, w, std::nullopt, p); });
    EXPECT_EQ(y.shape()[2], 1u);
    EXPECT_TRUE(xt::allclose(y, naive_conv2d(x, w, p), 1e-4, 1e-5));
  }
}

// Small outputs are summed pixel by pixel (detail::sums_pixels); each pixel
// must get the row loop's bits, whatever the stride, dilation, padding,
// groups and batch. Both paths run on the same geometry here.
TEST(conv2d, pixel_sums_give_the_row_loops_bits) {
  std::mt19937 rng(61);
  std::uniform_int_distribution<int> small(1, 3);
  int compared = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const std::size_t groups = std::size_t(small(rng)), group_in = std::size_t(small(rng));
    const std::size_t group_out = std::size_t(small(rng)), batch = std::size_t(small(rng) % 2 + 1);
    const std::size_t kh = std::size_t(small(rng) + trial % 2), kw = std::size_t(small(rng));
    const std::size_t h = std::size_t(kh + rng() % 6), w = std::size_t(kw + rng() % 6);
    Conv2dParams p;
    p.stride = {small(rng), small(rng)};
    p.padding = {std::int64_t(rng() % 3), std::int64_t(rng() % 3)};
    p.dilation = {small(rng) % 2 + 1, small(rng) % 2 + 1};
    p.groups = std::int64_t(groups);
    const auto x = random_tensor({batch, groups * group_in, h, w}, rng);
    const auto wt = random_tensor({groups * group_out, group_in, kh, kw}, rng);
    const auto bias = random_tensor({groups * group_out}, rng);
    detail::ConvGeometry g;
    try {
      g = detail::conv2d_geometry("conv2d", x, wt, bias, p);
    } catch (const InvalidArgument&) {
      continue;  // the dilated kernel reaches past the padded input
    }
    if (!detail::sums_pixels(g.out_h, g.out_w, g)) continue;  // a row of 8 or more
    xt::xarray<float> rows = xt::xarray<float>::from_shape(detail::output_shape(g));
    xt::xarray<float> pixels = xt::xarray<float>::from_shape(detail::output_shape(g));
    detail::fill_bias(g, bias.data(), rows.data());
    detail::fill_bias(g, bias.data(), pixels.data());
    detail::conv2d_rows(g, x.data(), wt.data(), rows.data());
    detail::conv2d_pixels(g, x.data(), wt.data(), pixels.data());
    ASSERT_EQ(std::memcmp(rows.data(), pixels.data(), rows.size() * sizeof(float)), 0) << "trial " << trial;
    EXPECT_TRUE(xt::allclose(pixels, naive_conv2d(x, wt, p) + xt::view(bias, xt::all(), xt::newaxis(), xt::newaxis()),
                             1e-4, 1e-5))
        << "trial " << trial;
    ++compared;
  }
  EXPECT_GT(compared, 250);
}

// Only small outputs take the pixel sums: wide rows, a tall output or a
// large kernel keep the row loop.
TEST(conv2d, only_small_outputs_are_summed_by_pixel) {
  const auto by_pixel = [](Shape input, Shape weight, std::int64_t padding = 0) {
    Conv2dParams p;
    p.padding = {padding, padding};
    const detail::ConvGeometry g = detail::conv2d_geometry("conv2d", xt::xarray<float>::from_shape(input),
                                                           xt::xarray<float>::from_shape(weight), std::nullopt, p);
    return detail::sums_pixels(g.out_h, g.out_w, g);
  };
  EXPECT_TRUE(by_pixel({1, 1, 4, 4}, {1, 1, 3, 3}));          // the explainer's 2 × 2
  EXPECT_FALSE(by_pixel({1, 1, 4, 10}, {1, 1, 3, 3}));        // 8 wide
  EXPECT_FALSE(by_pixel({1, 1, 2000, 4}, {1, 1, 3, 3}));      // 1998 × 2 · 9 taps
  EXPECT_TRUE(by_pixel({1, 1, 200, 4}, {1, 1, 200, 1}, 1));   // 3 × 6 · 200 taps
  EXPECT_FALSE(by_pixel({1, 1, 300, 4}, {1, 1, 300, 1}, 1));  // 3 × 6 · 300 taps
}

// The index range of the direct loops, for any int64 step and offset (it
// overflowed for a step of INT64_MAX with padding).
TEST(conv, valid_range_is_exact_for_any_step_and_offset) {
  using detail::valid_range;
  const auto range = [](std::size_t count, std::int64_t step, std::int64_t offset, std::size_t limit) {
    const detail::Range r = valid_range(count, step, offset, limit);
    return std::pair<std::size_t, std::size_t>{r.begin, r.end};
  };
  using R = std::pair<std::size_t, std::size_t>;
  EXPECT_EQ(range(10, 3, -4, 20), (R{2, 8}));  // i·3 − 4 ∈ [0, 20): i = 2..7
  EXPECT_EQ(range(10, INT64_MAX, -5, 100).first, range(10, INT64_MAX, -5, 100).second);  // none
  EXPECT_EQ(range(10, INT64_MAX, 3, 100), (R{0, 1}));
  EXPECT_EQ(range(10, INT64_MAX, INT64_MIN, 100).first, range(10, INT64_MAX, INT64_MIN, 100).second);
  EXPECT_EQ(range(10, 1, INT64_MIN, 100).first, range(10, 1, INT64_MIN, 100).second);
  EXPECT_EQ(range(10, 1, INT64_MAX, 100).first, range(10, 1, INT64_MAX, 100).second);
  EXPECT_EQ(range(4, 2, -(std::int64_t(1) << 62), std::size_t(1) << 40), (R{4, 4}));
}

// A tall dilated kernel: every band of rows re-read the kernel's whole reach,
// so a band of one output row copied 20001 input rows, for each of 20001 rows
// (2.6 s in wasm for a 20001 × 2 output; issue 10's JS fuzz suite found it).
// Bands now span at least that reach. Timed, with a wide margin: the copies
// took seconds, the call takes milliseconds.
TEST(conv, a_tall_dilated_kernel_copies_its_input_once_per_band) {
  std::mt19937 rng(14);
  const auto w = random_tensor({1, 1, 2, 1}, rng);
  const auto seconds = [](auto&& call) {
    const auto start = std::chrono::steady_clock::now();
    call();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  ConvTranspose2dParams t;
  t.dilation = {20000, 1};
  t.algorithm = ConvAlgorithm::direct;
  const auto x = random_tensor({1, 1, 1, 2}, rng);
  xt::xarray<float> y;
  EXPECT_LT(seconds([&] { y = conv_transpose2d(x, w, std::nullopt, t); }), 0.5);
  EXPECT_TRUE(xt::allclose(y, scatter_reference(x, w, {20001, 2}, t), 1e-5, 1e-6));
  Conv2dParams c;
  c.dilation = {20000, 1};
  const auto tall = random_tensor({1, 1, 40001, 2}, rng);
  EXPECT_LT(seconds([&] { y = conv2d(tall, w, std::nullopt, c); }), 0.5);
  EXPECT_TRUE(xt::allclose(y, naive_conv2d(tall, w, c), 1e-5, 1e-6));
}

}  // namespace
}  // namespace tconv
