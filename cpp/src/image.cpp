#include "tconv/image.hpp"

#include <algorithm>
#include <cmath>
#include <xtensor/xview.hpp>

#include "geometry.hpp"
#include "simd.hpp"
#include "tconv/conv.hpp"

namespace tconv {

namespace {

constexpr std::string_view kUpsample = "upsample";
constexpr std::string_view kDifference = "difference";

bool is_learned(UpsampleMethod m) {
  return m == UpsampleMethod::transposed || m == UpsampleMethod::resize_conv_nearest ||
         m == UpsampleMethod::resize_conv_bilinear;
}

bool is_interpolation(UpsampleMethod m) {
  return m == UpsampleMethod::nearest || m == UpsampleMethod::bilinear || m == UpsampleMethod::bicubic;
}

void check_image(std::string_view function, const RgbaImage& image) {
  if (image.shape()[2] != 4) fail(function, "image must have 4 channels (RGBA)");
  if (image.shape()[0] == 0 || image.shape()[1] == 0) {
    fail(function,
         "image size " + std::to_string(image.shape()[1]) + "×" + std::to_string(image.shape()[0]) + " is empty");
  }
}

// Rows [first_row, first_row + h) of one channel as a (1, 1, h, W) plane of
// 0..255 floats; colour optionally premultiplied by alpha.
xt::xarray<float> channel_plane(const RgbaImage& image, std::size_t channel, bool premultiply, std::size_t first_row,
                                std::size_t h) {
  const std::size_t w = image.shape()[1];
  xt::xarray<float> plane = xt::xarray<float>::from_shape({1, 1, h, w});
  const std::uint8_t* px = image.data() + first_row * w * 4;
  float* out = plane.data();
  for (std::size_t i = 0; i < h * w; ++i) {
    const float v = px[4 * i + channel];
    out[i] = premultiply ? v * (float(px[4 * i + 3]) / 255.0f) : v;
  }
  return plane;
}

bool is_opaque(const RgbaImage& image) {
  const std::uint8_t* px = image.data();
  for (std::size_t i = 0; i < image.shape()[0] * image.shape()[1]; ++i) {
    if (px[4 * i + 3] != 255) return false;
  }
  return true;
}

typedef std::int32_t i4 __attribute__((vector_size(16)));
typedef std::uint32_t u4 __attribute__((vector_size(16)));

// 0..255 as an integer, rounded half to even as nearbyint() does: clamped
// first (the bounds are integers, so clamping and rounding commute), then
// rounded by adding and removing 1.5·2²³, which leaves no fraction bits.
inline i4 to_bytes(detail::v4 v) {
  const i4 below = v < detail::splat4(0.0f);
  const i4 above = v > detail::splat4(255.0f);
  v = reinterpret_cast<detail::v4>((reinterpret_cast<i4>(v) & ~below & ~above) |
                                   (reinterpret_cast<i4>(detail::splat4(255.0f)) & above));
  const detail::v4 magic = detail::splat4(12582912.0f);
  return __builtin_convertvector((v + magic) - magic, i4);
}

// Writes rows of the result: colour planes (premultiplied when alpha is given)
// and alpha (null: opaque), four pixels at a time as packed RGBA words. Colour
// is divided by the rounded alpha, as it is stored.
void store_rows(RgbaImage& image, std::size_t first_row, const xt::xarray<float>* colour,
                const xt::xarray<float>* alpha) {
  const std::size_t w = image.shape()[1], n = colour[0].shape()[2] * w;
  std::uint8_t* px = image.data() + first_row * w * 4;
  const float* c[3] = {colour[0].data(), colour[1].data(), colour[2].data()};
  const float* a = alpha ? alpha->data() : nullptr;
  // Four pixels: colour and alpha vectors in, packed RGBA words out.
  const auto pack = [&](detail::v4 r, detail::v4 g, detail::v4 b, detail::v4 alpha_value) {
    const i4 alpha_bytes = to_bytes(alpha_value);
    detail::v4 v[3] = {r, g, b};
    i4 bytes[3];
    for (std::size_t k = 0; k < 3; ++k) {
      if (a) {
        const detail::v4 stored = __builtin_convertvector(alpha_bytes, detail::v4);
        const i4 visible = stored > detail::splat4(0.0f);
        const detail::v4 straight = v[k] * detail::splat4(255.0f) / stored;  // ∞ or NaN where alpha is 0: masked
        v[k] = reinterpret_cast<detail::v4>(reinterpret_cast<i4>(straight) & visible);
      }
      bytes[k] = to_bytes(v[k]);
    }
    return reinterpret_cast<u4>(bytes[0]) | (reinterpret_cast<u4>(bytes[1]) << 8) |
           (reinterpret_cast<u4>(bytes[2]) << 16) | (reinterpret_cast<u4>(alpha_bytes) << 24);
  };
  // Little-endian words: R, G, B, A in memory order.
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const u4 packed = pack(detail::load4(c[0] + i), detail::load4(c[1] + i), detail::load4(c[2] + i),
                           a ? detail::load4(a + i) : detail::splat4(255.0f));
    std::memcpy(px + 4 * i, &packed, sizeof packed);
  }
  if (i < n) {
    float tail[4][4] = {};
    for (std::size_t l = 0; l < n - i; ++l) {
      for (std::size_t k = 0; k < 3; ++k) tail[k][l] = c[k][i + l];
      tail[3][l] = a ? a[i + l] : 255.0f;
    }
    const u4 packed =
        pack(detail::load4(tail[0]), detail::load4(tail[1]), detail::load4(tail[2]), detail::load4(tail[3]));
    std::memcpy(px + 4 * i, &packed, 4 * (n - i));
  }
}

xt::xarray<float> weight_of(const xt::xtensor<float, 2>& kernel, float gain) {
  xt::xarray<float> w = xt::xarray<float>::from_shape({1, 1, kernel.shape()[0], kernel.shape()[1]});
  std::transform(kernel.begin(), kernel.end(), w.begin(), [gain](float v) { return v * gain; });
  return w;
}

InterpolateOptions resize_to(const Pair& size, InterpolateMode mode, bool align_corners) {
  InterpolateOptions o;
  o.size = size;
  o.mode = mode;
  o.align_corners = align_corners;
  return o;
}

// The padding and output_padding that make a transposed convolution with
// kernel k and stride s map n pixels to exactly s·n.
std::pair<std::int64_t, std::int64_t> exact_transposed_padding(std::int64_t k, std::int64_t s) {
  if (k >= s) {
    const std::int64_t p = (k - s + 1) / 2;
    return {p, 2 * p - (k - s)};
  }
  return {0, s - k};
}

// Rows [row0, row0 + rows) and the first `cols` columns of a (1, 1, H, W) plane.
xt::xarray<float> crop(const xt::xarray<float>& plane, std::int64_t row0, std::int64_t rows, std::int64_t cols) {
  if (row0 == 0 && std::int64_t(plane.shape()[2]) == rows && std::int64_t(plane.shape()[3]) == cols) return plane;
  return xt::view(plane, xt::all(), xt::all(), xt::range(row0, row0 + rows), xt::range(0, cols));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// How a band is computed: the whole image has `image_height` rows, the band's
// plane starts at row `first_row`, and output rows `rows` are wanted.
struct BandGeometry {
  std::int64_t image_height, first_row;
  RowRange rows;
  Pair out_size;  // of the whole result
};

// The geometry of the transposed convolutions along the rows: kernel height,
// stride, padding (the columns keep the whole width).
struct TransposedRows {
  std::int64_t kernel, stride, padding;
};

TransposedRows transposed_rows(UpsampleMethod method, const UpsampleSpec& spec) {
  if (method == UpsampleMethod::transposed_bilinear) {
    const BilinearGeometry g = bilinear_geometry(spec.factor);
    return {g.kernel, g.stride, g.padding};
  }
  const std::int64_t k = std::int64_t(spec.kernel.shape()[0]);
  return {k, spec.factor, exact_transposed_padding(k, spec.factor).first};
}

// The transposed convolution of a transposed method: the bilinear kernel, or
// the caller's filter times f² (each input pixel spreads over f² outputs, so
// the brightness stays); stride f, and the padding and output_padding that map
// n pixels to exactly f·n.
struct TransposedConv {
  xt::xarray<float> weight;
  ConvTranspose2dParams params;
};

TransposedConv transposed_conv(UpsampleMethod method, const UpsampleSpec& spec) {
  const std::int64_t f = spec.factor;
  TransposedConv t;
  t.params.stride = {f, f};
  t.params.algorithm = ConvAlgorithm::direct;  // one algorithm for every band size: the same sums
  if (method == UpsampleMethod::transposed_bilinear) {
    const BilinearGeometry g = bilinear_geometry(f);
    t.params.padding = {g.padding, g.padding};  // output_padding 0
    t.weight = weight_of(bilinear_kernel(f), 1.0f);
    return t;
  }
  const auto [pad_h, extra_h] = exact_transposed_padding(std::int64_t(spec.kernel.shape()[0]), f);
  const auto [pad_w, extra_w] = exact_transposed_padding(std::int64_t(spec.kernel.shape()[1]), f);
  t.params.padding = {pad_h, pad_w};
  t.params.output_padding = {extra_h, extra_w};
  t.weight = weight_of(spec.kernel, float(f * f));
  return t;
}

// The resize-convolution's conv2d pads by half the kernel, so that it is centred.
Pair resize_padding(const UpsampleSpec& spec) {
  return {std::int64_t(spec.kernel.shape()[0] / 2), std::int64_t(spec.kernel.shape()[1] / 2)};
}

// Local output rows of a transposed convolution of `n` input rows, with the
// largest output_padding (stride − 1): the band's extra rows are cropped.
std::int64_t transposed_band_height(const TransposedRows& t, std::int64_t n) {
  return (n - 1) * t.stride - 2 * t.padding + t.kernel + t.stride - 1;
}

// The input rows a transposed convolution reads for output rows `rows`: row
// y receives input row i through kernel row y + p − i·s, so i runs from
// ⌈(y + p − k + 1)/s⌉ to ⌊(y + p)/s⌋. The band's first row is also kept at or
// above ⌊begin/s⌋, so that the wanted rows start at or below the band's
// output, and it is extended down until its output reaches `rows.end`.
RowRange transposed_input_rows(const TransposedRows& t, std::int64_t image_height, const RowRange& rows) {
  std::int64_t first = std::min(floor_div(rows.begin + t.padding - t.kernel + 1, t.stride), rows.begin / t.stride);
  first = std::clamp<std::int64_t>(first, 0, image_height - 1);
  std::int64_t end =
      std::clamp<std::int64_t>(floor_div(rows.end - 1 + t.padding, t.stride) + 1, first + 1, image_height);
  while (end < image_height && first * t.stride + transposed_band_height(t, end - first) < rows.end) ++end;
  return {first, end};
}

// The rows of the resized image a resize-convolution reads for output rows `rows`.
RowRange resized_rows(const UpsampleSpec& spec, std::int64_t resized_height, const RowRange& rows) {
  const std::int64_t k = std::int64_t(spec.kernel.shape()[0]), pad = resize_padding(spec)[0];
  return {std::max<std::int64_t>(0, rows.begin - pad), std::min(resized_height, rows.end - pad + k - 1)};
}

InterpolateMode resize_mode(UpsampleMethod method) {
  return method == UpsampleMethod::resize_conv_nearest ? InterpolateMode::nearest : InterpolateMode::bilinear;
}

RowRange method_input_rows(UpsampleMethod method, const UpsampleSpec& spec, const Pair& image_size,
                           const Pair& out_size, const RowRange& rows) {
  switch (method) {
    case UpsampleMethod::nearest:
      return interpolate_input_rows(image_size, resize_to(out_size, InterpolateMode::nearest, false), rows);
    case UpsampleMethod::bilinear:
      return interpolate_input_rows(image_size, resize_to(out_size, InterpolateMode::bilinear, spec.align_corners),
                                    rows);
    case UpsampleMethod::bicubic:
      return interpolate_input_rows(image_size, resize_to(out_size, InterpolateMode::bicubic, spec.align_corners),
                                    rows);
    case UpsampleMethod::transposed_bilinear:
    case UpsampleMethod::transposed:
      return transposed_input_rows(transposed_rows(method, spec), image_size[0], rows);
    case UpsampleMethod::resize_conv_nearest:
    case UpsampleMethod::resize_conv_bilinear:
      return interpolate_input_rows(image_size, resize_to(out_size, resize_mode(method), false),
                                    resized_rows(spec, out_size[0], rows));
  }
  fail(kUpsample, "unknown method");
}

// Rows [first, end) of the whole image, from a band plane that starts at `band_first`.
xt::xarray<float> band_rows(const xt::xarray<float>& plane, std::int64_t band_first, const RowRange& wanted) {
  return crop(plane, wanted.begin - band_first, wanted.size(), std::int64_t(plane.shape()[3]));
}

// One method on one channel's band plane: output rows g.rows of the whole result.
xt::xarray<float> run_method_on(const xt::xarray<float>& plane, UpsampleMethod method, const UpsampleSpec& spec,
                                const BandGeometry& g) {
  const auto interpolation = [&](InterpolateMode mode, bool align_corners) {
    return interpolate_rows(plane, resize_to(g.out_size, mode, align_corners), g.image_height, g.first_row, g.rows);
  };
  switch (method) {
    case UpsampleMethod::nearest:
      return interpolation(InterpolateMode::nearest, false);
    case UpsampleMethod::bilinear:
      return interpolation(InterpolateMode::bilinear, spec.align_corners);
    case UpsampleMethod::bicubic:
      return interpolation(InterpolateMode::bicubic, spec.align_corners);
    case UpsampleMethod::transposed_bilinear:
    case UpsampleMethod::transposed: {
      // The band's rows are convolved on their own: an output row that only
      // reads rows inside the band gets the same sum as in the whole image
      // (the direct algorithm adds the taps in the same order wherever a row
      // is), and the band's partial border rows are cropped.
      const RowRange input = transposed_input_rows(transposed_rows(method, spec), g.image_height, g.rows);
      TransposedConv t = transposed_conv(method, spec);
      t.params.output_padding[0] = spec.factor - 1;  // the band's extra rows are cropped
      const auto local = conv_transpose2d(band_rows(plane, g.first_row, input), t.weight, std::nullopt, t.params);
      return crop(local, g.rows.begin - input.begin * spec.factor, g.rows.size(), g.out_size[1]);
    }
    case UpsampleMethod::resize_conv_nearest:
    case UpsampleMethod::resize_conv_bilinear: {
      const RowRange resized = resized_rows(spec, g.out_size[0], g.rows);
      const auto band = interpolate_rows(plane, resize_to(g.out_size, resize_mode(method), false), g.image_height,
                                         g.first_row, resized);
      Conv2dParams p;
      p.padding = resize_padding(spec);
      // An even kernel leaves one extra row/column: keep the output aligned with the input grid.
      return crop(conv2d(band, weight_of(spec.kernel, 1.0f), std::nullopt, p), g.rows.begin - resized.begin,
                  g.rows.size(), g.out_size[1]);
    }
  }
  fail(kUpsample, "unknown method");
}

// upsample_input_rows and upsample_output_size validate everything the
// interpolation and convolutions get; should one of them still refuse, the
// message says it is upsample's fault, not the caller's interpolate call.
xt::xarray<float> run_method(const xt::xarray<float>& plane, UpsampleMethod method, const UpsampleSpec& spec,
                             const BandGeometry& g) {
  try {
    return run_method_on(plane, method, spec, g);
  } catch (const InvalidArgument& error) {
    fail(kUpsample, std::string("internal: ") + error.what());
  }
}

UpsampleMethod alpha_method(UpsampleMethod method) { return is_learned(method) ? UpsampleMethod::bilinear : method; }

}  // namespace

UpsampleMethod parse_upsample_method(std::string_view name) {
  if (name == "nearest") return UpsampleMethod::nearest;
  if (name == "bilinear") return UpsampleMethod::bilinear;
  if (name == "bicubic") return UpsampleMethod::bicubic;
  if (name == "transposed-bilinear") return UpsampleMethod::transposed_bilinear;
  if (name == "transposed") return UpsampleMethod::transposed;
  if (name == "resize-conv-nearest") return UpsampleMethod::resize_conv_nearest;
  if (name == "resize-conv-bilinear") return UpsampleMethod::resize_conv_bilinear;
  fail(kUpsample,
       "method must be one of nearest, bilinear, bicubic, transposed-bilinear, transposed, resize-conv-nearest, "
       "resize-conv-bilinear, got \"" +
           std::string(name) + "\"");
}

namespace {

// The geometry, with messages in the name of the function called.
BilinearGeometry bilinear_geometry_of(std::string_view function, std::int64_t factor) {
  if (factor < 1 || factor > kMaxFactor) {
    fail(function,
         "factor must be an integer from 1 to " + std::to_string(kMaxFactor) + ", got " + std::to_string(factor));
  }
  return {2 * factor - factor % 2, factor, factor / 2};  // ⌈(f − 1) / 2⌉ = ⌊f / 2⌋
}

}  // namespace

BilinearGeometry bilinear_geometry(std::int64_t factor) { return bilinear_geometry_of("bilinear_geometry", factor); }

xt::xtensor<float, 2> bilinear_kernel(std::int64_t factor) {
  const BilinearGeometry g = bilinear_geometry_of("bilinear_kernel", factor);
  const std::size_t size = static_cast<std::size_t>(g.kernel);
  // Tent centred on the kernel, reaching zero one factor away.
  const double centre = size % 2 == 1 ? double(factor) - 1.0 : double(factor) - 0.5;
  xt::xtensor<float, 2> kernel = xt::xtensor<float, 2>::from_shape({size, size});
  for (std::size_t i = 0; i < size; ++i) {
    for (std::size_t j = 0; j < size; ++j) {
      kernel(i, j) = static_cast<float>((1.0 - std::fabs(double(i) - centre) / double(factor)) *
                                        (1.0 - std::fabs(double(j) - centre) / double(factor)));
    }
  }
  return kernel;
}

Pair upsample_output_size(const Pair& input_size, const UpsampleSpec& spec) {
  check_pair(kUpsample, "image size", input_size, Rule::positive);
  // The whole image must be one tconv can hold, even when only a band of it
  // is given (its height is then just a number): every size below is then
  // far from overflowing, and narrowing them to size_t (32 bits in wasm) is exact.
  checked_size_product(kUpsample, "image", {input_size[0], input_size[1], kRgbaChannels});
  if (spec.factor < kMinUpsampleFactor || spec.factor > kMaxFactor) {
    fail(kUpsample, "factor must be an integer from " + std::to_string(kMinUpsampleFactor) + " to " +
                        std::to_string(kMaxFactor) + ", got " + std::to_string(spec.factor));
  }
  if (is_learned(spec.method)) {
    if (spec.kernel.size() == 0) fail(kUpsample, "this method needs a kernel");
    if (std::int64_t(spec.kernel.shape()[0]) > kMaxKernelSize ||
        std::int64_t(spec.kernel.shape()[1]) > kMaxKernelSize) {
      fail(kUpsample, "kernel size (" + std::to_string(spec.kernel.shape()[0]) + ", " +
                          std::to_string(spec.kernel.shape()[1]) + ") must be at most " +
                          std::to_string(kMaxKernelSize));
    }
    // NaN or ±Infinity would spread over the whole result (the UI shows which cell).
    for (std::size_t i = 0; i < spec.kernel.shape()[0]; ++i) {
      for (std::size_t j = 0; j < spec.kernel.shape()[1]; ++j) {
        if (!std::isfinite(spec.kernel(i, j))) {
          fail(kUpsample, "kernel[" + std::to_string(i) + ", " + std::to_string(j) + "] is " +
                              format_number(spec.kernel(i, j)) + "; every weight must be a finite number");
        }
      }
    }
  }
  if (spec.size && !is_interpolation(spec.method)) {
    fail(kUpsample, "an explicit output size works with nearest, bilinear and bicubic only");
  }
  if (spec.align_corners && spec.method != UpsampleMethod::bilinear && spec.method != UpsampleMethod::bicubic) {
    fail(kUpsample, "align_corners works with bilinear and bicubic only");
  }
  if (spec.size) check_pair(kUpsample, "size", *spec.size, Rule::positive);
  // input_size · factor: at most 2^26 · 8, exact.
  const Pair out = spec.size ? *spec.size : Pair{input_size[0] * spec.factor, input_size[1] * spec.factor};
  checked_size_product(
      kUpsample, "output image", {out[0], out[1], kRgbaChannels},
      spec.size ? "from size " + format_pair(*spec.size)
                : "from factor " + std::to_string(spec.factor) + " of image size " + format_pair(input_size));
  return out;
}

namespace {

// A flat 1 through the method's own code: an n×n plane of ones, with n large
// enough that the rows and columns from `interior` on read no padding.
struct FlatResult {
  xt::xarray<float> plane;  // (1, 1, n·f, n·f)
  std::int64_t interior;
};

FlatResult flat_result(const UpsampleSpec& spec, const Pair& kernel_size) {
  const std::int64_t f = spec.factor;
  // An output pixel reads input pixels at most ⌈k/f⌉ + 1 away from its own
  // (both methods), and its own is ⌊position / f⌋: two more keep it clear.
  const std::int64_t reach = (std::max(kernel_size[0], kernel_size[1]) + f - 1) / f + 2;
  const std::int64_t n = 2 * reach + 1;
  xt::xarray<float> ones = xt::xarray<float>::from_shape({1, 1, std::size_t(n), std::size_t(n)});
  std::fill(ones.begin(), ones.end(), 1.0f);
  const BandGeometry whole{n, 0, {0, n * f}, {n * f, n * f}};
  return {run_method(ones, spec.method, spec, whole), reach * f};
}

}  // namespace

UpsampleGeometry upsample_geometry(const Pair& input_size, const UpsampleSpec& spec) {
  UpsampleGeometry g;
  g.output_size = upsample_output_size(input_size, spec);
  if (is_interpolation(spec.method)) return g;
  if (spec.method == UpsampleMethod::transposed_bilinear || spec.method == UpsampleMethod::transposed) {
    const TransposedConv t = transposed_conv(spec.method, spec);
    g.kernel_size = {std::int64_t(t.weight.shape()[2]), std::int64_t(t.weight.shape()[3])};
    g.stride = spec.factor;
    g.padding = t.params.padding;
    g.output_padding = t.params.output_padding;
  } else {
    g.kernel_size = {std::int64_t(spec.kernel.shape()[0]), std::int64_t(spec.kernel.shape()[1])};
    g.padding = resize_padding(spec);
  }
  const FlatResult flat = flat_result(spec, g.kernel_size);
  const std::size_t s = std::size_t(g.stride), side = flat.plane.shape()[3];
  const float* values = flat.plane.data();
  g.flat_tile.resize(s * s);
  for (std::size_t y = 0; y < s; ++y)
    for (std::size_t x = 0; x < s; ++x) g.flat_tile[y * s + x] = values[(flat.interior + y) * side + flat.interior + x];
  // The border: the deepest pixel, from its nearest edge, that is not its interior value.
  for (std::size_t y = 0; y < side; ++y) {
    for (std::size_t x = 0; x < side; ++x) {
      if (values[y * side + x] == g.flat_tile[(y % s) * s + x % s]) continue;
      const std::size_t depth = std::min({y, x, side - 1 - y, side - 1 - x}) + 1;
      g.border = std::max(g.border, std::int64_t(depth));
    }
  }
  return g;
}

namespace {

// The spec alpha goes through: the learned kernels' alpha is plain bilinear.
UpsampleSpec alpha_spec(const UpsampleSpec& spec) {
  UpsampleSpec a = spec;
  if (is_learned(spec.method)) a.align_corners = false;
  return a;
}

}  // namespace

RowRange upsample_input_rows(const Pair& image_size, const UpsampleSpec& spec, const RowRange& output_rows) {
  const Pair out_size = upsample_output_size(image_size, spec);
  if (output_rows.begin < 0 || output_rows.end > out_size[0] || output_rows.begin >= output_rows.end) {
    fail(kUpsample, "output rows " + format_rows(output_rows) + " must be a non-empty range within the result's " +
                        std::to_string(out_size[0]) + " rows");
  }
  const RowRange colour = method_input_rows(spec.method, spec, image_size, out_size, output_rows);
  // Alpha may go through another method: the band must hold what both read.
  const RowRange alpha =
      method_input_rows(alpha_method(spec.method), alpha_spec(spec), image_size, out_size, output_rows);
  return {std::min(colour.begin, alpha.begin), std::max(colour.end, alpha.end)};
}

RgbaImage upsample_band(const RgbaImage& band, const UpsampleSpec& spec, const UpsampleBand& where,
                        const Progress& progress) {
  check_image(kUpsample, band);
  const std::int64_t band_h = std::int64_t(band.shape()[0]), width = std::int64_t(band.shape()[1]);
  // Compared in 128 bits: first_row may be anything a C++ caller passes.
  if (where.first_row < 0 || detail::Wide(where.first_row) + band_h > detail::Wide(where.image_height)) {
    fail(kUpsample, "a band of rows [" + std::to_string(where.first_row) + ", " +
                        detail::format_wide(detail::Wide(where.first_row) + band_h) + ") does not fit an image of " +
                        std::to_string(where.image_height) + " rows");
  }
  const RowRange held{where.first_row, where.first_row + band_h};
  const Pair image_size{where.image_height, width};
  const RowRange needed = upsample_input_rows(image_size, spec, where.output_rows);
  if (needed.begin < held.begin || needed.end > held.end) {
    fail(kUpsample, "output rows " + format_rows(where.output_rows) + " read image rows " + format_rows(needed) +
                        ", but the band holds rows " + format_rows(held) + " (first_row " +
                        std::to_string(where.first_row) + " of an image of " + std::to_string(where.image_height) +
                        " rows)");
  }
  if (where.opaque && !is_opaque(band)) {
    fail(kUpsample, "the band has transparent pixels, but the image is said to be opaque");
  }
  const Pair out_size = upsample_output_size(image_size, spec);
  const RowRange rows = where.output_rows;
  RgbaImage out = RgbaImage::from_shape({std::size_t(rows.size()), std::size_t(out_size[1]), 4});

  // Strips of about 2¹⁸ pixels: every channel of a strip is computed from the
  // rows it reads and written out while still in cache, so no channel of the
  // whole result is ever held as floats. Each strip is itself a band, so the
  // values do not depend on where the strips are cut.
  const std::int64_t strip_rows = std::max<std::int64_t>(8, (std::int64_t{1} << 18) / out_size[1]);
  double reported = 0;
  for (std::int64_t first = rows.begin; first < rows.end; first += strip_rows) {
    const BandGeometry g{where.image_height, 0, {first, std::min(first + strip_rows, rows.end)}, out_size};
    const RowRange read = upsample_input_rows(image_size, spec, g.rows);
    const BandGeometry strip{g.image_height, read.begin, g.rows, out_size};
    const auto plane = [&](std::size_t channel, bool premultiply) {
      return channel_plane(band, channel, premultiply, std::size_t(read.begin - where.first_row),
                           std::size_t(read.size()));
    };
    const auto checked = [&](xt::xarray<float> result) {
      if (std::int64_t(result.shape()[2]) != strip.rows.size() || std::int64_t(result.shape()[3]) != out_size[1]) {
        fail(kUpsample, "internal: method produced the wrong size");  // guarded by the tests
      }
      return result;
    };
    xt::xarray<float> alpha;
    if (!where.opaque) alpha = checked(run_method(plane(3, false), alpha_method(spec.method), alpha_spec(spec), strip));
    const xt::xarray<float> colour[3] = {checked(run_method(plane(0, !where.opaque), spec.method, spec, strip)),
                                         checked(run_method(plane(1, !where.opaque), spec.method, spec, strip)),
                                         checked(run_method(plane(2, !where.opaque), spec.method, spec, strip))};
    store_rows(out, std::size_t(strip.rows.begin - rows.begin), colour, where.opaque ? nullptr : &alpha);
    const double done = double(strip.rows.end - rows.begin) / double(rows.size());
    if (progress && (done - reported >= 0.01 || done == 1.0)) {
      progress(done);
      reported = done;
    }
  }
  return out;
}

RgbaImage upsample(const RgbaImage& image, const UpsampleSpec& spec, const Progress& progress) {
  check_image(kUpsample, image);
  const std::int64_t height = std::int64_t(image.shape()[0]);
  const Pair out_size = upsample_output_size({height, std::int64_t(image.shape()[1])}, spec);
  return upsample_band(image, spec, {height, 0, {0, out_size[0]}, is_opaque(image)}, progress);
}

RgbaImage difference(const RgbaImage& a, const RgbaImage& b, double gain) {
  check_image(kDifference, a);
  check_image(kDifference, b);
  if (a.shape() != b.shape()) {
    fail(kDifference, "images differ in size: " + std::to_string(a.shape()[1]) + "×" + std::to_string(a.shape()[0]) +
                          " and " + std::to_string(b.shape()[1]) + "×" + std::to_string(b.shape()[0]));
  }
  if (!std::isfinite(gain) || gain <= 0) fail(kDifference, "gain must be positive, got " + format_number(gain));
  RgbaImage out = RgbaImage::from_shape(a.shape());
  const std::size_t n = a.shape()[0] * a.shape()[1];
  const std::uint8_t* pa = a.data();
  const std::uint8_t* pb = b.data();
  std::uint8_t* po = out.data();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < 3; ++c) {
      const double d = std::fabs(double(pa[4 * i + c]) - double(pb[4 * i + c])) * gain;
      po[4 * i + c] = static_cast<std::uint8_t>(std::min(255.0, std::nearbyint(d)));
    }
    po[4 * i + 3] = 255;
  }
  return out;
}

}  // namespace tconv
