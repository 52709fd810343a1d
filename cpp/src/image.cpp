#include "tconv/image.hpp"

#include <algorithm>
#include <cmath>
#include <xtensor/xview.hpp>

#include "tconv/conv.hpp"

namespace tconv {

namespace {

constexpr std::string_view kUpsample = "upsample";
constexpr std::string_view kDifference = "difference";
constexpr std::int64_t kMaxFactor = 8;

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

// One channel as a (1, 1, H, W) plane of 0..255 floats; colour optionally
// premultiplied by alpha.
xt::xarray<float> channel_plane(const RgbaImage& image, std::size_t channel, bool premultiply) {
  const std::size_t h = image.shape()[0], w = image.shape()[1];
  xt::xarray<float> plane = xt::xarray<float>::from_shape({1, 1, h, w});
  const std::uint8_t* px = image.data();
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

std::uint8_t to_byte(float v) { return static_cast<std::uint8_t>(std::clamp(std::nearbyint(v), 0.0f, 255.0f)); }

// Writes a plane into one channel; colour is divided by the output's alpha
// (already written) when it was premultiplied.
void store_channel(RgbaImage& image, std::size_t channel, const xt::xarray<float>& plane, bool unpremultiply) {
  const std::size_t n = image.shape()[0] * image.shape()[1];
  std::uint8_t* px = image.data();
  const float* in = plane.data();
  for (std::size_t i = 0; i < n; ++i) {
    float v = in[i];
    if (unpremultiply) {
      const float alpha = px[4 * i + 3];
      v = alpha > 0 ? v * 255.0f / alpha : 0.0f;
    }
    px[4 * i + channel] = to_byte(v);
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

// Takes the top-left rows × cols of a (1, 1, H, W) plane.
xt::xarray<float> crop(const xt::xarray<float>& plane, const Pair& size) {
  if (std::int64_t(plane.shape()[2]) == size[0] && std::int64_t(plane.shape()[3]) == size[1]) return plane;
  return xt::view(plane, xt::all(), xt::all(), xt::range(0, size[0]), xt::range(0, size[1]));
}

xt::xarray<float> run_method(const xt::xarray<float>& plane, UpsampleMethod method, const UpsampleSpec& spec,
                             const Pair& out_size) {
  const std::int64_t f = spec.factor;
  switch (method) {
    case UpsampleMethod::nearest:
      return interpolate(plane, resize_to(out_size, InterpolateMode::nearest, false));
    case UpsampleMethod::bilinear:
      return interpolate(plane, resize_to(out_size, InterpolateMode::bilinear, spec.align_corners));
    case UpsampleMethod::bicubic:
      return interpolate(plane, resize_to(out_size, InterpolateMode::bicubic, spec.align_corners));
    case UpsampleMethod::transposed_bilinear: {
      const BilinearGeometry g = bilinear_geometry(f);
      ConvTranspose2dParams p;
      p.stride = {g.stride, g.stride};
      p.padding = {g.padding, g.padding};
      return conv_transpose2d(plane, weight_of(bilinear_kernel(f), 1.0f), std::nullopt, p);
    }
    case UpsampleMethod::transposed: {
      ConvTranspose2dParams p;
      p.stride = {f, f};
      for (int d = 0; d < 2; ++d) {
        const auto [pad, extra] = exact_transposed_padding(std::int64_t(spec.kernel.shape()[d]), f);
        p.padding[d] = pad;
        p.output_padding[d] = extra;
      }
      return conv_transpose2d(plane, weight_of(spec.kernel, float(f * f)), std::nullopt, p);
    }
    case UpsampleMethod::resize_conv_nearest:
    case UpsampleMethod::resize_conv_bilinear: {
      const InterpolateMode mode =
          method == UpsampleMethod::resize_conv_nearest ? InterpolateMode::nearest : InterpolateMode::bilinear;
      const auto resized = interpolate(plane, resize_to(out_size, mode, false));
      Conv2dParams p;
      p.padding = {std::int64_t(spec.kernel.shape()[0] / 2), std::int64_t(spec.kernel.shape()[1] / 2)};
      // An even kernel leaves one extra row/column: keep the output aligned with the input grid.
      return crop(conv2d(resized, weight_of(spec.kernel, 1.0f), std::nullopt, p), out_size);
    }
  }
  fail(kUpsample, "unknown method");
}

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

BilinearGeometry bilinear_geometry(std::int64_t factor) {
  if (factor < 1 || factor > kMaxFactor) {
    fail(kUpsample,
         "factor must be an integer from 1 to " + std::to_string(kMaxFactor) + ", got " + std::to_string(factor));
  }
  return {2 * factor - factor % 2, factor, factor / 2};  // ⌈(f − 1) / 2⌉ = ⌊f / 2⌋
}

xt::xtensor<float, 2> bilinear_kernel(std::int64_t factor) {
  const BilinearGeometry g = bilinear_geometry(factor);
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
  if (spec.factor < 2 || spec.factor > kMaxFactor) {
    fail(kUpsample,
         "factor must be an integer from 2 to " + std::to_string(kMaxFactor) + ", got " + std::to_string(spec.factor));
  }
  if (is_learned(spec.method)) {
    if (spec.kernel.size() == 0) fail(kUpsample, "this method needs a kernel");
    if (spec.kernel.shape()[0] > 15 || spec.kernel.shape()[1] > 15) {
      fail(kUpsample, "kernel size (" + std::to_string(spec.kernel.shape()[0]) + ", " +
                          std::to_string(spec.kernel.shape()[1]) + ") must be at most 15");
    }
  }
  if (spec.size && !is_interpolation(spec.method)) {
    fail(kUpsample, "an explicit output size works with nearest, bilinear and bicubic only");
  }
  if (spec.align_corners && spec.method != UpsampleMethod::bilinear && spec.method != UpsampleMethod::bicubic) {
    fail(kUpsample, "align_corners works with bilinear and bicubic only");
  }
  Pair out = spec.size ? *spec.size : Pair{input_size[0] * spec.factor, input_size[1] * spec.factor};
  check_pair(kUpsample, "output size", out, Rule::positive);
  checked_element_count(kUpsample, "output image",
                        {static_cast<std::size_t>(out[0]), static_cast<std::size_t>(out[1]), 4});
  return out;
}

RgbaImage upsample(const RgbaImage& image, const UpsampleSpec& spec, const Progress& progress) {
  check_image(kUpsample, image);
  const Pair in_size{std::int64_t(image.shape()[0]), std::int64_t(image.shape()[1])};
  const Pair out_size = upsample_output_size(in_size, spec);
  RgbaImage out = RgbaImage::from_shape({std::size_t(out_size[0]), std::size_t(out_size[1]), 4});

  const bool opaque = is_opaque(image);
  const int steps = opaque ? 3 : 4;
  int done = 0;
  auto report = [&] {
    ++done;
    if (progress) progress(double(done) / steps);
  };

  // Alpha first: the colour channels are divided by it.
  if (opaque) {
    xt::view(out, xt::all(), xt::all(), 3) = std::uint8_t{255};
  } else {
    const UpsampleMethod alpha_method = is_learned(spec.method) ? UpsampleMethod::bilinear : spec.method;
    UpsampleSpec alpha_spec = spec;
    alpha_spec.align_corners = is_learned(spec.method) ? false : spec.align_corners;
    store_channel(out, 3, run_method(channel_plane(image, 3, false), alpha_method, alpha_spec, out_size), false);
    report();
  }
  for (std::size_t c = 0; c < 3; ++c) {
    const auto result = run_method(channel_plane(image, c, !opaque), spec.method, spec, out_size);
    if (std::int64_t(result.shape()[2]) != out_size[0] || std::int64_t(result.shape()[3]) != out_size[1]) {
      fail(kUpsample, "internal: method produced the wrong size");  // guarded by the tests
    }
    store_channel(out, c, result, !opaque);
    report();
  }
  return out;
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
