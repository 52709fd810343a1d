#include <cmath>
#include <xtensor/xview.hpp>

#include "helpers.hpp"
#include "tconv/conv.hpp"
#include "tconv/image.hpp"

namespace tconv {
namespace {

RgbaImage gradient(std::size_t h, std::size_t w, std::uint8_t alpha = 255) {
  RgbaImage img = RgbaImage::from_shape({h, w, 4});
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < w; ++x) {
      img(y, x, 0) = std::uint8_t((x * 37 + y * 11) % 256);
      img(y, x, 1) = std::uint8_t((y * 53) % 256);
      img(y, x, 2) = std::uint8_t((x * y) % 256);
      img(y, x, 3) = alpha;
    }
  return img;
}

UpsampleSpec spec_of(UpsampleMethod m, std::int64_t factor = 2) {
  UpsampleSpec s;
  s.method = m;
  s.factor = factor;
  return s;
}

TEST(image, bilinear_geometry_maps_n_to_factor_times_n) {
  for (std::int64_t f = 1; f <= 8; ++f) {
    const BilinearGeometry g = bilinear_geometry(f);
    for (std::int64_t n : {1, 2, 7}) {
      ConvTranspose2dParams p;
      p.stride = {g.stride, g.stride};
      p.padding = {g.padding, g.padding};
      EXPECT_EQ(conv_transpose2d_output_size({n, n}, {g.kernel, g.kernel}, p), (Pair{f * n, f * n})) << f;
    }
  }
  EXPECT_EQ(bilinear_geometry(2).kernel, 4);
  EXPECT_EQ(bilinear_geometry(2).padding, 1);
}

TEST(image, bilinear_kernel_is_a_tent) {
  // Factor 2: the 1-D weights are 1/4, 3/4, 3/4, 1/4.
  const auto k = bilinear_kernel(2);
  const float w[4] = {0.25f, 0.75f, 0.75f, 0.25f};
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j) EXPECT_FLOAT_EQ(k(i, j), w[i] * w[j]);
  // Factor 3: 1/3, 2/3, 1, 2/3, 1/3.
  const auto k3 = bilinear_kernel(3);
  EXPECT_FLOAT_EQ(k3(2, 2), 1.0f);
  EXPECT_FLOAT_EQ(k3(0, 2), 1.0f / 3);
  // Its own name in its messages (it said "upsample: ").
  EXPECT_ERROR(bilinear_kernel(9), "bilinear_kernel: factor must be an integer from 1 to 8, got 9");
  EXPECT_ERROR(bilinear_geometry(0), "bilinear_geometry: factor must be an integer from 1 to 8, got 0");
}

TEST(image, nearest_times_two_repeats_every_pixel) {
  const RgbaImage img = gradient(3, 5, 200);
  const RgbaImage out = upsample(img, spec_of(UpsampleMethod::nearest));
  ASSERT_EQ(out.shape()[0], 6u);
  ASSERT_EQ(out.shape()[1], 10u);
  for (std::size_t y = 0; y < 6; ++y)
    for (std::size_t x = 0; x < 10; ++x)
      for (std::size_t c = 0; c < 4; ++c) EXPECT_EQ(out(y, x, c), img(y / 2, x / 2, c));
}

TEST(image, transposed_bilinear_equals_bilinear_interpolation_away_from_the_border) {
  const RgbaImage img = gradient(9, 11);
  for (std::int64_t f : {2, 4}) {
    const RgbaImage t = upsample(img, spec_of(UpsampleMethod::transposed_bilinear, f));
    const RgbaImage b = upsample(img, spec_of(UpsampleMethod::bilinear, f));
    ASSERT_EQ(t.shape(), b.shape());
    // One input pixel of border on each side sees zero padding instead of the edge value.
    for (std::size_t y = std::size_t(f); y + std::size_t(f) < t.shape()[0]; ++y)
      for (std::size_t x = std::size_t(f); x + std::size_t(f) < t.shape()[1]; ++x)
        for (std::size_t c = 0; c < 3; ++c) EXPECT_NEAR(t(y, x, c), b(y, x, c), 1) << y << "," << x;
    // At the border the transposed convolution darkens: its missing neighbours are zeros.
    EXPECT_LT(t(0, 5, 1) + 0, b(0, 5, 1) + 1);
  }
}

TEST(image, learned_kernel_methods_keep_the_output_size) {
  const RgbaImage img = gradient(5, 4);
  for (std::size_t k : {1, 2, 3, 4, 5}) {
    for (std::int64_t f : {2, 3, 4}) {
      for (UpsampleMethod m :
           {UpsampleMethod::transposed, UpsampleMethod::resize_conv_nearest, UpsampleMethod::resize_conv_bilinear}) {
        UpsampleSpec s = spec_of(m, f);
        s.kernel = xt::ones<float>({k, k}) / float(k * k);
        const RgbaImage out = upsample(img, s);
        EXPECT_EQ(out.shape()[0], 5u * std::size_t(f));
        EXPECT_EQ(out.shape()[1], 4u * std::size_t(f));
      }
    }
  }
}

TEST(image, a_box_kernel_with_stride_dividing_it_keeps_flat_images_flat_and_one_that_does_not_makes_a_checkerboard) {
  RgbaImage flat = RgbaImage::from_shape({6, 6, 4});
  flat.fill(100);
  xt::view(flat, xt::all(), xt::all(), 3) = std::uint8_t{255};
  UpsampleSpec even = spec_of(UpsampleMethod::transposed, 2);
  even.kernel = xt::ones<float>({4, 4}) / 16.0f;
  const RgbaImage a = upsample(flat, even);
  for (std::size_t y = 2; y < 10; ++y)
    for (std::size_t x = 2; x < 10; ++x) EXPECT_EQ(a(y, x, 0), 100);
  UpsampleSpec odd = even;
  odd.kernel = xt::ones<float>({3, 3}) / 9.0f;
  const RgbaImage b = upsample(flat, odd);
  // Interior coverage alternates 1, 2, 4 placements: brightness 100·4/9 ×1, ×2, ×4.
  std::set<int> levels;
  for (std::size_t y = 2; y < 10; ++y)
    for (std::size_t x = 2; x < 10; ++x) levels.insert(b(y, x, 0));
  EXPECT_EQ(levels, (std::set<int>{44, 89, 178}));
  // Resize-convolution with the same 3×3 kernel stays flat.
  UpsampleSpec resize = odd;
  resize.method = UpsampleMethod::resize_conv_nearest;
  const RgbaImage c = upsample(flat, resize);
  for (std::size_t y = 1; y < 11; ++y)
    for (std::size_t x = 1; x < 11; ++x) EXPECT_EQ(c(y, x, 0), 100);
}

TEST(image, colour_is_premultiplied_so_transparent_pixels_do_not_bleed) {
  // Left pixel: opaque white. Right pixel: fully transparent *black*.
  RgbaImage img = RgbaImage::from_shape({1, 2, 4});
  img.fill(0);
  for (std::size_t c = 0; c < 4; ++c) img(0, 0, c) = 255;
  const RgbaImage out = upsample(img, spec_of(UpsampleMethod::bilinear));
  // Between them alpha falls off but the colour stays white instead of turning grey.
  EXPECT_GT(out(0, 2, 3), 0);
  EXPECT_LT(out(0, 2, 3), 255);
  EXPECT_GE(out(0, 2, 0), 254);  // straight interpolation would give ~191 (grey); ±1 from the 8-bit alpha
  EXPECT_EQ(out(0, 3, 3), 0);
}

TEST(image, difference_is_amplified_and_clamped) {
  RgbaImage a = gradient(2, 2), b = a;
  b(0, 0, 0) = std::uint8_t(a(0, 0, 0) + 3);
  b(1, 1, 1) = std::uint8_t(a(1, 1, 1) ^ 0x80);
  const RgbaImage d = difference(a, b, 10);
  EXPECT_EQ(d(0, 0, 0), 30);
  EXPECT_EQ(d(1, 1, 1), 255);
  EXPECT_EQ(d(0, 1, 2), 0);
  EXPECT_EQ(d(0, 0, 3), 255);
}

// Every method, split into bands of every kind (one row, uneven, the whole
// image), stitched back: bit for bit the whole call. Kernels of sizes 1..5
// (even and odd), factors 2..4, opaque and transparent images, odd heights.
TEST(image, bands_stitch_to_exactly_the_whole_result) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> byte(0, 255);
  const UpsampleMethod methods[] = {UpsampleMethod::nearest,
                                    UpsampleMethod::bilinear,
                                    UpsampleMethod::bicubic,
                                    UpsampleMethod::transposed_bilinear,
                                    UpsampleMethod::transposed,
                                    UpsampleMethod::resize_conv_nearest,
                                    UpsampleMethod::resize_conv_bilinear};
  for (const std::size_t height : {1u, 2u, 7u, 13u}) {
    for (const bool transparent : {false, true}) {
      RgbaImage img = gradient(height, 5);
      for (auto& v : img) v = std::uint8_t(byte(rng));
      if (!transparent) xt::view(img, xt::all(), xt::all(), 3) = std::uint8_t{255};
      for (const UpsampleMethod method : methods) {
        for (std::int64_t factor = 2; factor <= 4; ++factor) {
          for (std::size_t k = 1; k <= 5; k += (method == UpsampleMethod::transposed ? 1 : 4)) {
            UpsampleSpec spec = spec_of(method, factor);
            spec.align_corners =
                transparent && (method == UpsampleMethod::bilinear || method == UpsampleMethod::bicubic);
            spec.kernel = xt::xtensor<float, 2>::from_shape({k, k});
            for (auto& v : spec.kernel) v = float(byte(rng)) / 255.0f / float(k);
            const RgbaImage whole = upsample(img, spec);
            const std::int64_t out_h = std::int64_t(whole.shape()[0]);
            for (const std::int64_t step : {std::int64_t{1}, std::int64_t{5}, out_h}) {
              for (std::int64_t begin = 0; begin < out_h; begin += step) {
                const RowRange rows{begin, std::min(out_h, begin + step)};
                const RowRange read = upsample_input_rows({std::int64_t(height), 5}, spec, rows);
                const RgbaImage band = xt::view(img, xt::range(read.begin, read.end), xt::all(), xt::all());
                const RgbaImage part =
                    upsample_band(band, spec, {std::int64_t(height), read.begin, rows, !transparent});
                const RgbaImage expected = xt::view(whole, xt::range(rows.begin, rows.end), xt::all(), xt::all());
                ASSERT_EQ(part, expected)
                    << "method " << int(method) << " ×" << factor << " kernel " << k << " height " << height
                    << " rows [" << rows.begin << ", " << rows.end << ") transparent " << transparent;
              }
            }
          }
        }
      }
    }
  }
}

TEST(image, input_rows_of_a_band) {
  // Transposed bilinear ×2 (kernel 4, stride 2, padding 1): output row y reads
  // input rows ⌈(y − 2) / 2⌉ .. ⌊(y + 1) / 2⌋, so rows 4..7 read rows 1..4.
  EXPECT_EQ(upsample_input_rows({10, 3}, spec_of(UpsampleMethod::transposed_bilinear), {4, 8}), (RowRange{1, 5}));
  // Bilinear ×2: rows 4..7 sample 1.75 .. 3.25, reading rows 1..4.
  EXPECT_EQ(upsample_input_rows({10, 3}, spec_of(UpsampleMethod::bilinear), {4, 8}), (RowRange{1, 5}));
  // Resize-conv with a 3×3 kernel: output rows 4..7 read resized rows 3..8, nearest rows 1..4.
  UpsampleSpec rc = spec_of(UpsampleMethod::resize_conv_nearest);
  rc.kernel = xt::ones<float>({3, 3});
  EXPECT_EQ(upsample_input_rows({10, 3}, rc, {4, 8}), (RowRange{1, 5}));
}

TEST(image, bands_reject_missing_rows_and_a_false_opaque_flag) {
  const RgbaImage img = gradient(4, 3, 100);
  const UpsampleSpec spec = spec_of(UpsampleMethod::bilinear);
  EXPECT_ERROR(
      upsample_band(img, spec, {10, 0, {8, 12}, false}),
      "upsample: output rows [8, 12) read image rows [3, 7), but the band holds rows [0, 4) (first_row 0 of an "
      "image of 10 rows)");
  EXPECT_ERROR(upsample_band(img, spec, {10, 8, {0, 2}, false}),
               "upsample: a band of rows [8, 12) does not fit an image of 10 rows");
  EXPECT_ERROR(upsample_band(img, spec, {4, 0, {0, 8}, true}),
               "upsample: the band has transparent pixels, but the image is said to be opaque");
  EXPECT_ERROR(upsample_input_rows({4, 3}, spec, {0, 9}),
               "upsample: output rows [0, 9) must be a non-empty range within the result's 8 rows");
}

TEST(image, rejects_invalid_specs) {
  const RgbaImage img = gradient(2, 2);
  EXPECT_ERROR(upsample(img, spec_of(UpsampleMethod::nearest, 1)),
               "upsample: factor must be an integer from 2 to 8, got 1");
  EXPECT_ERROR(upsample(img, spec_of(UpsampleMethod::transposed)), "upsample: this method needs a kernel");
  UpsampleSpec s = spec_of(UpsampleMethod::nearest);
  s.align_corners = true;
  EXPECT_ERROR(upsample(img, s), "align_corners works with bilinear and bicubic only");
  EXPECT_ERROR(parse_upsample_method("lanczos"), "upsample: method must be one of nearest, bilinear");
  UpsampleSpec big = spec_of(UpsampleMethod::nearest);
  big.size = Pair{16384, 16384};
  EXPECT_ERROR(upsample(img, big), "upsample: output image shape [16384, 16384, 4] has 1073741824 elements");
  EXPECT_ERROR(upsample(img, big), "(1 GiB of float32), from size (16384, 16384)");
  EXPECT_ERROR(difference(img, gradient(2, 3), 1), "difference: images differ in size: 2×2 and 3×2");
}

// Issue 10: NaN or ±Infinity in a user kernel spread over the whole result.
// The message names the cell (row, column), with the value as JS prints it.
TEST(image, non_finite_kernel_weights_are_refused_with_their_cell) {
  const RgbaImage img = gradient(4, 4);
  const std::pair<float, const char*> bad[] = {
      {std::nanf(""), "upsample: kernel[1, 2] is NaN; every weight must be a finite number"},
      {INFINITY, "upsample: kernel[1, 2] is Infinity; every weight must be a finite number"},
      {-INFINITY, "upsample: kernel[1, 2] is -Infinity; every weight must be a finite number"}};
  for (UpsampleMethod m :
       {UpsampleMethod::transposed, UpsampleMethod::resize_conv_nearest, UpsampleMethod::resize_conv_bilinear}) {
    for (const auto& [value, message] : bad) {
      UpsampleSpec s = spec_of(m);
      s.kernel = xt::ones<float>({3, 3});
      s.kernel(1, 2) = value;
      s.kernel(2, 0) = value;  // the first bad cell in row order is named
      EXPECT_ERROR(upsample(img, s), message);
      EXPECT_ERROR(upsample_input_rows({4, 4}, s, {0, 2}), message);
    }
  }
}

// Issue 10: the image height of a band and the output size were multiplied
// and narrowed to size_t unchecked: 2^62 · 4 overflowed to 0 (and in wasm
// 2^32 + 1 rows became 1, so upsampleBand accepted what the native build
// refused, then failed inside interpolate). Counted in 64 bits now, the
// whole image within the element limit even when only a band is given.
TEST(image, image_and_output_sizes_are_counted_before_narrowing) {
  UpsampleSpec spec = spec_of(UpsampleMethod::bilinear, 4);
  EXPECT_ERROR(upsample_output_size({std::int64_t(1) << 62, 1}, spec),
               "upsample: image size (4611686018427387904, 1) must be positive integers no larger than 2^53");
  EXPECT_ERROR(upsample_output_size({std::int64_t(1) << 50, 1}, spec),
               "upsample: image shape [1125899906842624, 1, 4] has a dimension of 1125899906842624");
  EXPECT_ERROR(
      upsample_output_size({1 << 13, 1 << 13}, spec),
      "upsample: output image shape [32768, 32768, 4] has 4294967296 elements, more than the limit of 268435456 "
      "(1 GiB of float32), from factor 4 of image size (8192, 8192)");
  // A band of an image taller than any tensor: refused by upsample, never by
  // the interpolation inside it (whose message would name interpolate).
  spec.size = Pair{1, 4};
  const RgbaImage band = gradient(2, 4);
  for (std::int64_t height : {std::int64_t(1) << 31, (std::int64_t(1) << 32) + 1}) {
    const std::string message = test::error_of([&] {
      upsample_band(band, spec, {height, height / 2 - 1, {0, 1}, true});
    });
    EXPECT_THAT(message, testing::StartsWith("upsample: image shape [" + std::to_string(height) + ", 4, 4] has"));
  }
}

// upsample_geometry: every expectation below is derived by hand from the
// transposed convolution's rule (output o takes kernel tap o + padding − i·stride
// of input i) or the resize-convolution's centred conv2d.
TEST(image, geometry_of_transposed_bilinear) {
  // ×2: kernel 4, stride 2, padding 1; output row 0 takes tap 3 of input −1 (the padding).
  const UpsampleGeometry g = upsample_geometry({5, 7}, spec_of(UpsampleMethod::transposed_bilinear, 2));
  EXPECT_EQ(g.output_size, (Pair{10, 14}));
  EXPECT_EQ(g.kernel_size, (Pair{4, 4}));
  EXPECT_EQ(g.stride, 2);
  EXPECT_EQ(g.padding, (Pair{1, 1}));
  EXPECT_EQ(g.output_padding, (Pair{0, 0}));
  EXPECT_EQ(g.border, 1);
  // Each phase takes taps 1/4 and 3/4 per axis: exactly 1 (dyadic) everywhere.
  EXPECT_EQ(g.flat_tile, (std::vector<float>{1, 1, 1, 1}));
  // ×3: kernel 5, padding 1, border 1; ×4: kernel 8, padding 2, border 2 (⌊f/2⌋).
  const UpsampleGeometry g3 = upsample_geometry({2, 2}, spec_of(UpsampleMethod::transposed_bilinear, 3));
  EXPECT_EQ(g3.kernel_size, (Pair{5, 5}));
  EXPECT_EQ(g3.padding, (Pair{1, 1}));
  EXPECT_EQ(g3.border, 1);
  ASSERT_EQ(g3.flat_tile.size(), 9u);
  for (float v : g3.flat_tile) EXPECT_NEAR(v, 1.0f, 1e-6f);
  const UpsampleGeometry g4 = upsample_geometry({2, 2}, spec_of(UpsampleMethod::transposed_bilinear, 4));
  EXPECT_EQ(g4.kernel_size, (Pair{8, 8}));
  EXPECT_EQ(g4.padding, (Pair{2, 2}));
  EXPECT_EQ(g4.border, 2);
}

TEST(image, geometry_of_a_box_kernel_at_x2_is_a_checkerboard) {
  // 3×3 box (1/9 each, ×f² = 4/9 per tap), stride 2: padding (3 − 2 + 1)/2 = 1,
  // output_padding 2·1 − (3 − 2) = 1. An even output takes tap 1 only, an odd
  // one taps 0 and 2: 1 or 2 taps per axis, so the tile is 4/9 · (1·1, 1·2; 2·1, 2·2).
  UpsampleSpec s = spec_of(UpsampleMethod::transposed, 2);
  s.kernel = xt::ones<float>({3, 3}) / 9.0f;
  const UpsampleGeometry g = upsample_geometry({4, 5}, s);
  EXPECT_EQ(g.output_size, (Pair{8, 10}));
  EXPECT_EQ(g.kernel_size, (Pair{3, 3}));
  EXPECT_EQ(g.stride, 2);
  EXPECT_EQ(g.padding, (Pair{1, 1}));
  EXPECT_EQ(g.output_padding, (Pair{1, 1}));
  ASSERT_EQ(g.flat_tile.size(), 4u);
  EXPECT_NEAR(g.flat_tile[0], 4.0f / 9, 1e-6f);
  EXPECT_NEAR(g.flat_tile[1], 8.0f / 9, 1e-6f);
  EXPECT_NEAR(g.flat_tile[2], 8.0f / 9, 1e-6f);
  EXPECT_NEAR(g.flat_tile[3], 16.0f / 9, 1e-6f);
  // The first output reads no padding (tap 1 of input 0); the last one loses
  // tap 0 of input n: one pixel along the bottom and right edges.
  EXPECT_EQ(g.border, 1);
  // The tile is what upsample() gives a flat grey inside the image.
  RgbaImage flat = RgbaImage::from_shape({4, 5, 4});
  flat.fill(90);
  xt::view(flat, xt::all(), xt::all(), 3) = std::uint8_t{255};
  const RgbaImage out = upsample(flat, s);
  for (std::size_t y = 1; y < 7; ++y)
    for (std::size_t x = 1; x < 9; ++x) EXPECT_EQ(out(y, x, 0), std::nearbyint(90 * g.flat_tile[(y % 2) * 2 + x % 2]));
}

TEST(image, geometry_of_other_kernels) {
  // 1×1 at ×3: k < s, so padding 0 and output_padding 3 − 1 = 2; only outputs
  // ≡ 0 (mod 3) take the tap, times 9; nothing reads the padding.
  UpsampleSpec nails = spec_of(UpsampleMethod::transposed, 3);
  nails.kernel = xt::ones<float>({1, 1});
  const UpsampleGeometry a = upsample_geometry({3, 3}, nails);
  EXPECT_EQ(a.padding, (Pair{0, 0}));
  EXPECT_EQ(a.output_padding, (Pair{2, 2}));
  EXPECT_EQ(a.flat_tile, (std::vector<float>{9, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(a.border, 0);
  // A 3×3 delta at ×2: taps 0 and 2 are zero, so the last output reads the
  // padding only through zeros: no border.
  UpsampleSpec delta = spec_of(UpsampleMethod::transposed, 2);
  delta.kernel = xt::zeros<float>({3, 3});
  delta.kernel(1, 1) = 1;
  const UpsampleGeometry d = upsample_geometry({3, 3}, delta);
  EXPECT_EQ(d.flat_tile, (std::vector<float>{4, 0, 0, 0}));
  EXPECT_EQ(d.border, 0);
  // 3 rows × 2 columns (1/6 each, ×4): rows as the box above (padding 1,
  // output_padding 1), columns k = s: padding 0, output_padding 0, one tap each.
  UpsampleSpec wide = spec_of(UpsampleMethod::transposed, 2);
  wide.kernel = xt::ones<float>({3, 2}) / 6.0f;
  const UpsampleGeometry w = upsample_geometry({3, 3}, wide);
  EXPECT_EQ(w.kernel_size, (Pair{3, 2}));
  EXPECT_EQ(w.padding, (Pair{1, 0}));
  EXPECT_EQ(w.output_padding, (Pair{1, 0}));
  ASSERT_EQ(w.flat_tile.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(w.flat_tile[i], i < 2 ? 2.0f / 3 : 4.0f / 3, 1e-6f);
  // Resize-convolution, 3×3 box: stride 1, padding 1, a 1×1 tile of the kernel's
  // sum; the outermost pixel reads one padded pixel.
  UpsampleSpec resize = spec_of(UpsampleMethod::resize_conv_nearest, 2);
  resize.kernel = xt::ones<float>({3, 3}) / 9.0f;
  const UpsampleGeometry r = upsample_geometry({4, 4}, resize);
  EXPECT_EQ(r.output_size, (Pair{8, 8}));
  EXPECT_EQ(r.stride, 1);
  EXPECT_EQ(r.padding, (Pair{1, 1}));
  ASSERT_EQ(r.flat_tile.size(), 1u);
  EXPECT_NEAR(r.flat_tile[0], 1.0f, 1e-6f);
  EXPECT_EQ(r.border, 1);
  // An even 4×4 kernel is padded by 2 and cropped at the end: 2 pixels at the
  // top and left read padding, 4 − 1 − 2 = 1 at the bottom and right.
  resize.method = UpsampleMethod::resize_conv_bilinear;
  resize.kernel = xt::ones<float>({4, 4}) / 16.0f;
  const UpsampleGeometry r4 = upsample_geometry({4, 4}, resize);
  EXPECT_EQ(r4.padding, (Pair{2, 2}));
  EXPECT_EQ(r4.border, 2);
}

TEST(image, geometry_of_interpolation_is_only_a_size) {
  for (UpsampleMethod m : {UpsampleMethod::nearest, UpsampleMethod::bilinear, UpsampleMethod::bicubic}) {
    const UpsampleGeometry g = upsample_geometry({4, 5}, spec_of(m, 3));
    EXPECT_EQ(g.output_size, (Pair{12, 15}));
    EXPECT_EQ(g.kernel_size, (Pair{0, 0}));
    EXPECT_EQ(g.stride, 1);
    EXPECT_EQ(g.padding, (Pair{0, 0}));
    EXPECT_EQ(g.border, 0);
    EXPECT_TRUE(g.flat_tile.empty());
  }
  UpsampleSpec sized = spec_of(UpsampleMethod::bicubic);
  sized.size = Pair{7, 9};
  EXPECT_EQ(upsample_geometry({4, 5}, sized).output_size, (Pair{7, 9}));
}

TEST(image, geometry_refuses_what_upsample_refuses_with_the_named_caps) {
  EXPECT_ERROR(upsample_geometry({4, 4}, spec_of(UpsampleMethod::bilinear, kMaxFactor + 1)),
               "upsample: factor must be an integer from 2 to 8, got 9");
  UpsampleSpec s = spec_of(UpsampleMethod::transposed);
  s.kernel = xt::ones<float>({std::size_t(kMaxKernelSize) + 1, std::size_t{1}});
  EXPECT_ERROR(upsample_geometry({4, 4}, s), "upsample: kernel size (16, 1) must be at most 15");
  s.kernel = xt::ones<float>({std::size_t(kMaxKernelSize), std::size_t(kMaxKernelSize)});
  EXPECT_EQ(upsample_geometry({4, 4}, s).kernel_size, (Pair{15, 15}));
  EXPECT_ERROR(upsample_geometry({0, 4}, s), "upsample: image size (0, 4) must be positive integers");
  // The image limit: kMaxImagePixels RGBA pixels in and out.
  EXPECT_EQ(kMaxImagePixels, std::int64_t(1) << 26);
  EXPECT_EQ(upsample_geometry({4096, 4096}, spec_of(UpsampleMethod::nearest)).output_size, (Pair{8192, 8192}));
  EXPECT_ERROR(upsample_geometry({4096, 4097}, spec_of(UpsampleMethod::nearest)),
               "output image shape [8192, 8194, 4] has 268500992 elements, more than the limit of 268435456");
}

}  // namespace
}  // namespace tconv
