#include <cstring>
#include <xtensor/xview.hpp>

#include "helpers.hpp"
#include "tconv/interpolate.hpp"

namespace tconv {
namespace {

InterpolateOptions by_size(std::int64_t h, std::int64_t w, InterpolateMode mode, bool align = false) {
  InterpolateOptions o;
  o.size = Pair{h, w};
  o.mode = mode;
  o.align_corners = align;
  return o;
}

InterpolateOptions by_scale(double h, double w, InterpolateMode mode, bool align = false) {
  InterpolateOptions o;
  o.scale_factor = std::array<double, 2>{h, w};
  o.mode = mode;
  o.align_corners = align;
  return o;
}

const xt::xarray<float> k2x2 = {{{{1, 2}, {3, 4}}}};

TEST(interpolate, nearest_doubles_each_pixel) {
  const xt::xarray<float> expected = {{{{1, 1, 2, 2}, {1, 1, 2, 2}, {3, 3, 4, 4}, {3, 3, 4, 4}}}};
  EXPECT_EQ(interpolate(k2x2, by_scale(2, 2, InterpolateMode::nearest)), expected);
  EXPECT_EQ(interpolate(k2x2, by_size(4, 4, InterpolateMode::nearest_exact)), expected);
}

TEST(interpolate, nearest_floors_and_nearest_exact_rounds) {
  // 3 → 2 pixels: nearest takes floor(dst · 1.5) = 0, 1; nearest-exact takes
  // floor((dst + 0.5) · 1.5) = 0, 2.
  const xt::xarray<float> row = {{{{10, 20, 30}}}};
  EXPECT_EQ(interpolate(row, by_size(1, 2, InterpolateMode::nearest)), (xt::xarray<float>{{{{10, 20}}}}));
  EXPECT_EQ(interpolate(row, by_size(1, 2, InterpolateMode::nearest_exact)), (xt::xarray<float>{{{{10, 30}}}}));
}

TEST(interpolate, bilinear_half_pixel_centres) {
  // 2 → 4 without align_corners: sources −0.25 (clamped to 0), 0.25, 0.75, 1.25
  // (clamped to the last pixel) → 1, 1.25, 1.75, 2 along a row [1, 2].
  const xt::xarray<float> row = {{{{1, 2}}}};
  EXPECT_TRUE(xt::allclose(interpolate(row, by_size(1, 4, InterpolateMode::bilinear)),
                           xt::xarray<float>{{{{1, 1.25f, 1.75f, 2}}}}));
  // With align_corners the corners map onto each other: 1, 4/3, 5/3, 2.
  EXPECT_TRUE(xt::allclose(interpolate(row, by_size(1, 4, InterpolateMode::bilinear, true)),
                           xt::xarray<float>{{{{1, 4.f / 3, 5.f / 3, 2}}}}));
}

TEST(interpolate, bicubic_uses_keys_kernel_with_a_minus_three_quarters) {
  // align_corners, 4 → 7 pixels: output 3 samples source 1.5, halfway between
  // pixels 1 and 2. Keys' weights at t = 0.5 with a = −0.75 are
  // (−0.09375, 0.59375, 0.59375, −0.09375), so [1, 2, 4, 8] gives
  // −0.09375 + 1.1875 + 2.375 − 0.75 = 2.71875.
  const xt::xarray<float> row = {{{{1, 2, 4, 8}}}};
  const auto up = interpolate(row, by_size(1, 7, InterpolateMode::bicubic, true));
  EXPECT_FLOAT_EQ(up(0, 0, 0, 3), 2.71875f);
  EXPECT_FLOAT_EQ(up(0, 0, 0, 0), 1.0f);  // corners map onto corners
  EXPECT_FLOAT_EQ(up(0, 0, 0, 6), 8.0f);
  // A step 0 → 1 rings below 0 and above 1.
  const xt::xarray<float> step = {{{{0, 0, 1, 1}}}};
  const auto s = interpolate(step, by_scale(1, 4, InterpolateMode::bicubic));
  EXPECT_LT(xt::amin(s)(), 0.0f);
  EXPECT_GT(xt::amax(s)(), 1.0f);
}

TEST(interpolate, scale_factor_is_used_as_given) {
  // 5 rows ×1.3 → floor(6.5) = 6 rows, but the mapping uses 1/1.3, not 5/6:
  // the last output row (5) samples source floor(5 / 1.3) = 3, not 4.
  xt::xarray<float> col = xt::zeros<float>({1, 1, 5, 1});
  for (std::size_t i = 0; i < 5; ++i) col(0, 0, i, 0) = float(i);
  const auto out = interpolate(col, by_scale(1.3, 1, InterpolateMode::nearest));
  ASSERT_EQ(out.shape()[2], 6u);
  EXPECT_EQ(out(0, 0, 5, 0), 3.0f);
}

TEST(interpolate, output_size) {
  EXPECT_EQ(interpolate_output_size({5, 7}, by_scale(1.5, 0.5, InterpolateMode::nearest)), (Pair{7, 3}));
  EXPECT_EQ(interpolate_output_size({5, 7}, by_size(2, 9, InterpolateMode::bicubic)), (Pair{2, 9}));
}

TEST(interpolate, input_rows_are_the_rows_the_taps_reach) {
  // ×2 bilinear of 8 rows: output row y samples (y + 0.5) / 2 − 0.5, so rows 4..7
  // sample 1.75 .. 3.25 and read input rows 1..4; bicubic adds one row on each
  // side; nearest reads y / 2. Ranges are half-open.
  EXPECT_EQ(interpolate_input_rows({8, 3}, by_scale(2, 2, InterpolateMode::bilinear), {4, 8}), (RowRange{1, 5}));
  EXPECT_EQ(interpolate_input_rows({8, 3}, by_scale(2, 2, InterpolateMode::bicubic), {4, 8}), (RowRange{0, 6}));
  EXPECT_EQ(interpolate_input_rows({8, 3}, by_scale(2, 2, InterpolateMode::nearest), {4, 8}), (RowRange{2, 4}));
  // Taps clamped at the border: the first rows read row 0 only (bicubic: rows 0..1 around it).
  EXPECT_EQ(interpolate_input_rows({8, 3}, by_scale(2, 2, InterpolateMode::bilinear), {0, 1}), (RowRange{0, 2}));
  EXPECT_EQ(interpolate_input_rows({8, 3}, by_scale(2, 2, InterpolateMode::bicubic), {15, 16}), (RowRange{6, 8}));
}

TEST(interpolate, rows_from_a_band_equal_the_whole_call_bit_for_bit) {
  std::mt19937 rng(7);
  const std::vector<InterpolateOptions> cases = {
      by_scale(2, 2, InterpolateMode::nearest),  by_scale(3, 2, InterpolateMode::nearest_exact),
      by_scale(2, 3, InterpolateMode::bilinear), by_size(31, 9, InterpolateMode::bilinear, true),
      by_scale(3, 3, InterpolateMode::bicubic),  by_size(17, 10, InterpolateMode::bicubic, true),
      by_size(23, 5, InterpolateMode::bicubic),  by_scale(1.7, 1.3, InterpolateMode::bilinear),
      by_size(11, 6, InterpolateMode::bilinear),  // 11 rows from 11: the copy case
  };
  for (const std::size_t channels : {1u, 3u}) {
    const xt::xarray<float> input = test::random_tensor({1, channels, 11, 6}, rng);
    for (const auto& options : cases) {
      const xt::xarray<float> whole = interpolate(input, options);
      const std::int64_t out_h = std::int64_t(whole.shape()[2]);
      for (std::int64_t begin = 0; begin < out_h; begin += 3) {
        const RowRange rows{begin, std::min(out_h, begin + 1 + begin % 4)};
        const RowRange read = interpolate_input_rows({11, 6}, options, rows);
        const xt::xarray<float> band =
            xt::view(input, xt::all(), xt::all(), xt::range(read.begin, read.end), xt::all());
        const xt::xarray<float> part = interpolate_rows(band, options, 11, read.begin, rows);
        const xt::xarray<float> expected =
            xt::view(whole, xt::all(), xt::all(), xt::range(rows.begin, rows.end), xt::all());
        ASSERT_EQ(part.shape(), expected.shape());
        for (std::size_t i = 0; i < part.size(); ++i) {
          ASSERT_EQ(part.data()[i], expected.data()[i])
              << to_string(options.mode) << " rows [" << rows.begin << ", " << rows.end << ") element " << i;
        }
      }
    }
  }
}

TEST(interpolate, rows_reject_a_band_that_misses_a_row) {
  const xt::xarray<float> band = xt::zeros<float>({1, 1, 2, 3});
  const auto options = by_scale(2, 2, InterpolateMode::bilinear);
  EXPECT_ERROR(
      interpolate_rows(band, options, 8, 0, {4, 8}),
      "interpolate: output rows [4, 8) read input rows [1, 5), but the band holds rows [0, 2) (first_row 0 of an input "
      "of 8 rows)");
  EXPECT_ERROR(interpolate_rows(band, options, 8, 7, {0, 1}),
               "interpolate: a band of rows [7, 9) does not fit an input of 8 rows");
  EXPECT_ERROR(interpolate_rows(band, options, 8, 0, {3, 3}),
               "interpolate: output rows [3, 3) must be a non-empty range within the output's 16 rows");
  EXPECT_ERROR(interpolate_input_rows({8, 3}, options, {10, 17}), "output rows [10, 17) must be a non-empty range");
}

// ×2 bilinear has a vectorised path for the rows' horizontal pass; it must
// give the separable double sums bit for bit: each output is
// float((0 + wy0·h(y0)) + wy1·h(y1)) with h(y) = (0 + wx0·in(y, x0)) + wx1·in(y, x1).
TEST(interpolate, bilinear_doubling_equals_the_separable_sums_bit_for_bit) {
  std::mt19937 rng(5);
  for (const std::size_t w : {2u, 3u, 4u, 9u, 16u}) {
    const std::size_t h = 5;
    const xt::xarray<float> input = test::random_tensor({1, 2, h, w}, rng);
    const xt::xarray<float> out = interpolate(input, by_scale(2, 2, InterpolateMode::bilinear));
    const auto taps = [](std::size_t dst, std::size_t n) {
      const float src = std::max(0.5f * (float(dst) + 0.5f) - 0.5f, 0.0f);
      const std::size_t i0 = std::min<std::size_t>(std::size_t(src), n - 1), i1 = i0 + (i0 + 1 < n ? 1 : 0);
      const float l = std::min(std::max(src - float(i0), 0.0f), 1.0f);
      return std::array<double, 4>{double(i0), double(i1), double(1.0f - l), double(l)};
    };
    for (std::size_t c = 0; c < 2; ++c) {
      for (std::size_t y = 0; y < 2 * h; ++y) {
        for (std::size_t x = 0; x < 2 * w; ++x) {
          const auto ty = taps(y, h), tx = taps(x, w);
          const auto across = [&](std::size_t row) {
            return (0.0 + tx[2] * double(input(0, c, row, std::size_t(tx[0])))) +
                   tx[3] * double(input(0, c, row, std::size_t(tx[1])));
          };
          const float expected = float((0.0 + ty[2] * across(std::size_t(ty[0]))) + ty[3] * across(std::size_t(ty[1])));
          ASSERT_EQ(out(0, c, y, x), expected) << "width " << w << " at " << y << ", " << x;
        }
      }
    }
  }
}

// The same for bicubic ×2 (four taps, Keys' kernel with a = −0.75, borders clamped).
TEST(interpolate, bicubic_doubling_equals_the_separable_sums_bit_for_bit) {
  constexpr double A = -0.75;
  const auto near = [](double x) { return ((A + 2) * x - (A + 3)) * x * x + 1; };
  const auto far = [](double x) { return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; };
  std::mt19937 rng(6);
  for (const std::size_t w : {4u, 5u, 6u, 9u, 16u}) {
    const std::size_t h = 6;
    const xt::xarray<float> input = test::random_tensor({1, 1, h, w}, rng);
    const xt::xarray<float> out = interpolate(input, by_scale(2, 2, InterpolateMode::bicubic));
    struct CubicTaps {
      std::size_t index[4];
      double weight[4];
    };
    const auto taps = [&](std::size_t dst, std::size_t n) {
      const float src = 0.5f * (float(dst) + 0.5f) - 0.5f;
      const std::int64_t i = std::int64_t(std::floor(src));
      const float t = src - float(i), x2 = 1.0f - t;
      CubicTaps c{{}, {far(double(t) + 1.0), near(t), near(x2), far(double(x2) + 1.0)}};
      for (std::size_t k = 0; k < 4; ++k)
        c.index[k] = std::size_t(std::clamp<std::int64_t>(i - 1 + std::int64_t(k), 0, std::int64_t(n) - 1));
      return c;
    };
    for (std::size_t y = 0; y < 2 * h; ++y) {
      for (std::size_t x = 0; x < 2 * w; ++x) {
        const CubicTaps ty = taps(y, h), tx = taps(x, w);
        const auto across = [&](std::size_t row) {
          double sum = 0.0;
          for (std::size_t k = 0; k < 4; ++k) sum += tx.weight[k] * double(input(0, 0, row, tx.index[k]));
          return sum;
        };
        double sum = 0.0;
        for (std::size_t k = 0; k < 4; ++k) sum += ty.weight[k] * across(ty.index[k]);
        ASSERT_EQ(out(0, 0, y, x), float(0.0 + sum)) << "width " << w << " at " << y << ", " << x;
      }
    }
  }
}

TEST(interpolate, rejects_invalid_arguments) {
  EXPECT_ERROR(interpolate(xt::zeros<float>({1, 4, 4}), by_size(2, 2, InterpolateMode::nearest)),
               "interpolate: input must be 4-D (N, C, H, W), got 3-D shape [1, 4, 4]");
  EXPECT_ERROR(parse_interpolate_mode("area"),
               "interpolate: mode must be one of nearest, nearest-exact, bilinear, bicubic, got \"area\"");
  InterpolateOptions neither;
  EXPECT_ERROR(interpolate(k2x2, neither), "interpolate: give exactly one of size and scale_factor");
  InterpolateOptions both = by_size(2, 2, InterpolateMode::nearest);
  both.scale_factor = std::array<double, 2>{2, 2};
  EXPECT_ERROR(interpolate(k2x2, both), "interpolate: give exactly one of size and scale_factor");
  EXPECT_ERROR(interpolate(k2x2, by_scale(0, 2, InterpolateMode::nearest)),
               "interpolate: scale_factor (0, 2) must be positive and finite");
  EXPECT_ERROR(interpolate(k2x2, by_scale(std::nan(""), 2, InterpolateMode::nearest)), "scale_factor (NaN, 2)");
  EXPECT_ERROR(interpolate(k2x2, by_size(0, 4, InterpolateMode::nearest)),
               "interpolate: size (0, 4) must be positive integers");
  EXPECT_ERROR(interpolate(k2x2, by_scale(0.25, 2, InterpolateMode::nearest)),
               "interpolate: output size (0, 4) is too small: each dimension must be at least 1");
  EXPECT_ERROR(interpolate(k2x2, by_size(4, 4, InterpolateMode::nearest, true)),
               "interpolate: align_corners is only valid for bilinear and bicubic, not nearest");
  EXPECT_ERROR(interpolate(k2x2, by_scale(1e6, 1e6, InterpolateMode::nearest)),
               "interpolate: output shape [1, 1, 2000000, 2000000] has 4000000000000 elements");
  EXPECT_ERROR(interpolate(k2x2, by_scale(1e300, 1, InterpolateMode::nearest)),
               "interpolate: scale_factor (1e+300, 1) is too large: output size (2e+300, 2) is larger than the limit "
               "of 268435456");
}

// Issue 10: the per-row tables were built before the size check (1.2 s, then
// 'vector' or out of memory in wasm). Refused now before any allocation.
TEST(interpolate, fuzz_findings_stay_fixed) {
  // An empty batch whose output plane spans several chunks: nothing to offset into.
  const xt::xarray<float> empty = xt::zeros<float>({0, 1, 1, 1});
  InterpolateOptions tall;
  tall.size = Pair{15359, 1};
  EXPECT_EQ(interpolate(empty, tall).shape(), (Shape{0, 1, 15359, 1}));
  // first_row near INT64_MAX: refused, not overflowed.
  const xt::xarray<float> band = xt::zeros<float>({1, 1, 2, 3});
  EXPECT_ERROR(interpolate_rows(band, by_scale(2, 2, InterpolateMode::bilinear), 8, INT64_MAX, {0, 1}),
               "interpolate: a band of rows [9223372036854775807, 9223372036854775809) does not fit an input of 8 rows");
  // One channel, 'nearest' at 1.05: torch's one-channel kernel reads other
  // rows than its many-channel one; the rows named must hold what it reads.
  const auto options = by_scale(1.05, 1.05, InterpolateMode::nearest);
  const RowRange rows{1, 4};
  const RowRange needed = interpolate_input_rows({10, 10}, options, rows);
  xt::xarray<float> whole = xt::arange<float>(100.0f).reshape({1, 1, 10, 10});
  const xt::xarray<float> part = xt::view(whole, xt::all(), xt::all(), xt::range(needed.begin, needed.end), xt::all());
  const xt::xarray<float> got = interpolate_rows(part, options, 10, needed.begin, rows);
  const xt::xarray<float> all = interpolate(whole, options);
  EXPECT_EQ(got, xt::xarray<float>(xt::view(all, xt::all(), xt::all(), xt::range(1, 4), xt::all())));
  // One rule for every channel count: output row 6 reads input row 5 with
  // three channels, so a one-channel band from row 6 is refused too.
  const RowRange tail{6, 10};
  ASSERT_EQ(interpolate_input_rows({10, 10}, options, tail).begin, 5);
  const xt::xarray<float> short_band = xt::view(whole, xt::all(), xt::all(), xt::range(6, 10), xt::all());
  EXPECT_ERROR(interpolate_rows(short_band, options, 10, 6, tail),
               "interpolate: output rows [6, 10) read input rows [5, 10), but the band holds rows [6, 10) (first_row 6 "
               "of an input of 10 rows)");
}

TEST(interpolate, sizes_are_checked_before_any_table) {
  const xt::xarray<float> rgb = xt::zeros<float>({1, 3, 2, 2});
  const auto refused = [&](const xt::xarray<float>& x, const InterpolateOptions& o) {
    return test::error_of([&] { test::within_allocation_budget(1 << 16, [&] { return interpolate(x, o); }); });
  };
  EXPECT_THAT(refused(k2x2, by_size(1 << 28, 1 << 28, InterpolateMode::bilinear)),
              testing::HasSubstr("interpolate: output shape [1, 1, 268435456, 268435456] has"));
  // The message names the argument that made the output that large.
  EXPECT_THAT(refused(k2x2, by_size(1 << 28, 1 << 28, InterpolateMode::bilinear)),
              testing::EndsWith("(1 GiB of float32), from size (268435456, 268435456)"));
  EXPECT_THAT(refused(rgb, by_scale(1e8, 1, InterpolateMode::bicubic)),
              testing::EndsWith("(1 GiB of float32), from scale_factor (100000000, 1)"));
  EXPECT_THAT(refused(rgb, by_size(1, 1 << 27, InterpolateMode::bicubic)),
              testing::HasSubstr("interpolate: output shape [1, 3, 1, 134217728] has 402653184 elements"));
  EXPECT_THAT(refused(rgb, by_scale(1e8, 1, InterpolateMode::bicubic)),
              testing::HasSubstr("interpolate: output shape [1, 3, 200000000, 2] has 1200000000 elements"));
  EXPECT_THAT(refused(rgb, by_scale(1e8, 1e8, InterpolateMode::nearest)),
              testing::HasSubstr("interpolate: output shape [1, 3, 200000000, 200000000] has"));
  // An input no tensor can hold: its rows would not fit a 32-bit size_t.
  EXPECT_ERROR(interpolate_input_rows({std::int64_t(1) << 40, 1}, by_size(4, 4, InterpolateMode::nearest), {0, 4}),
               "interpolate: input shape [1099511627776, 1] has a dimension of 1099511627776");
  EXPECT_ERROR(interpolate_rows(k2x2, by_size(4, 2, InterpolateMode::nearest), std::int64_t(1) << 40, 0, {0, 4}),
               "interpolate: input shape [1, 1, 1099511627776, 2] has a dimension of 1099511627776");
}

// A valid output of 2^21 rows or columns: the taps are made in chunks of rows
// and tiles of columns (about 100 bytes per row or column were held at once,
// and 2^28 rows needed 8 GB). A one-column input stretched down and a one-row
// input stretched across sum the same taps in the same order, and single rows
// (whose taps are made on their own) check the chunk and tile boundaries.
TEST(interpolate, tall_and_wide_outputs_hold_a_bounded_table) {
  constexpr std::int64_t n = std::int64_t(1) << 21;
  const xt::xarray<float> row = {{{{3.0f, -1.0f, 4.0f, 1.5f}}}};
  const xt::xarray<float> column = xt::xarray<float>(xt::reshape_view(row, {1, 1, 4, 1}));
  const std::size_t budget = std::size_t(n) * sizeof(float) + (16 << 20);
  for (InterpolateMode mode : {InterpolateMode::nearest, InterpolateMode::bilinear, InterpolateMode::bicubic}) {
    const auto tall = test::within_allocation_budget(budget, [&] { return interpolate(column, by_size(n, 1, mode)); });
    const auto wide = test::within_allocation_budget(budget, [&] { return interpolate(row, by_size(1, n, mode)); });
    ASSERT_EQ(tall.size(), std::size_t(n));
    ASSERT_EQ(wide.size(), std::size_t(n));
    EXPECT_EQ(std::memcmp(tall.data(), wide.data(), std::size_t(n) * sizeof(float)), 0) << to_string(mode);
    for (std::int64_t y : {std::int64_t(0), std::int64_t(4095), std::int64_t(4096), std::int64_t(65535),
                           std::int64_t(65536), n / 3, n - 1}) {
      const auto one = interpolate_rows(column, by_size(n, 1, mode), 4, 0, {y, y + 1});
      EXPECT_EQ(one(0, 0, 0, 0), tall(0, 0, std::size_t(y), 0)) << to_string(mode) << " row " << y;
    }
  }
}

}  // namespace
}  // namespace tconv
