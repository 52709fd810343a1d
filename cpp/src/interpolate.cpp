#include "tconv/interpolate.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "geometry.hpp"

namespace tconv {

namespace {

constexpr std::string_view kInterpolate = "interpolate";

// The index arithmetic below repeats torch's (aten/src/ATen/native/UpSample.h)
// operation by operation, in float, because a source index is floor()ed: the
// same formula in double picks a different pixel for some sizes.

float input_per_output(std::int64_t in, std::int64_t out, const std::optional<double>& scale_factor) {
  return scale_factor ? static_cast<float>(1.0 / *scale_factor) : static_cast<float>(in) / static_cast<float>(out);
}

float linear_scale(std::int64_t in, std::int64_t out, bool align_corners, const std::optional<double>& scale_factor) {
  if (align_corners) return out > 1 ? static_cast<float>(in - 1) / static_cast<float>(out - 1) : 0.0f;
  return input_per_output(in, out, scale_factor);
}

float source_coordinate(float scale, std::int64_t dst, bool align_corners, bool cubic) {
  if (align_corners) return scale * static_cast<float>(dst);
  const float src = scale * (static_cast<float>(dst) + 0.5f) - 0.5f;
  return (!cubic && src < 0.0f) ? 0.0f : src;
}

// torch 1.13 runs 'nearest' through two kernels: the channels-last one (which
// a 1-channel NCHW tensor also takes) returns the index itself when out == in
// and dst / 2 when out == 2·in, whatever the scale factor; the generic one
// always uses floor(dst · scale). With a scale factor such as 1.05 they pick
// different pixels, so `legacy_sizes` selects the channels-last behaviour.
std::vector<std::size_t> nearest_indices(std::int64_t in, std::int64_t out, const std::optional<double>& scale_factor,
                                         bool exact, bool legacy_sizes) {
  std::vector<std::size_t> index(static_cast<std::size_t>(out));
  const float scale = input_per_output(in, out, scale_factor);
  for (std::int64_t dst = 0; dst < out; ++dst) {
    if (legacy_sizes && !exact && out == in) {
      index[static_cast<std::size_t>(dst)] = static_cast<std::size_t>(dst);
      continue;
    }
    if (legacy_sizes && !exact && out == 2 * in) {
      index[static_cast<std::size_t>(dst)] = static_cast<std::size_t>(dst >> 1);
      continue;
    }
    const float src =
        exact ? static_cast<float>((static_cast<double>(dst) + 0.5) * scale) : static_cast<float>(dst) * scale;
    index[static_cast<std::size_t>(dst)] =
        static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(std::floor(src)), in - 1));
  }
  return index;
}

// One output coordinate of a separable filter: `taps` input indices (already
// clamped to the border) and their weights.
struct Taps {
  std::vector<std::size_t> index;
  std::vector<double> weight;
  std::size_t count;
};

Taps linear_taps(std::int64_t in, std::int64_t out, bool align_corners, const std::optional<double>& scale_factor) {
  const std::size_t n = static_cast<std::size_t>(out);
  Taps taps{std::vector<std::size_t>(2 * n), std::vector<double>(2 * n), 2};
  const float scale = linear_scale(in, out, align_corners, scale_factor);
  for (std::size_t dst = 0; dst < n; ++dst) {
    if (out == in) {  // torch copies along a dimension whose size does not change
      taps.index[2 * dst] = taps.index[2 * dst + 1] = dst;
      taps.weight[2 * dst] = 1.0f;
      taps.weight[2 * dst + 1] = 0.0f;
      continue;
    }
    const float src = source_coordinate(scale, std::int64_t(dst), align_corners, false);
    const std::int64_t i0 = std::min(static_cast<std::int64_t>(src), in - 1);
    const std::int64_t i1 = i0 + (i0 < in - 1 ? 1 : 0);
    const float lambda1 = std::min(std::max(src - static_cast<float>(i0), 0.0f), 1.0f);
    taps.index[2 * dst] = static_cast<std::size_t>(i0);
    taps.index[2 * dst + 1] = static_cast<std::size_t>(i1);
    taps.weight[2 * dst] = 1.0f - lambda1;
    taps.weight[2 * dst + 1] = lambda1;
  }
  return taps;
}

// Keys' cubic convolution with a = -0.75, as torch uses. The polynomial is
// evaluated in double: torch's float build contracts it into fused
// multiply-adds (more exact than plain float steps, which wasm has no FMA for),
// and double lands closer to those weights than float arithmetic does.
constexpr double kCubicA = -0.75;
double cubic_near(double x) { return ((kCubicA + 2) * x - (kCubicA + 3)) * x * x + 1; }
double cubic_far(double x) { return ((kCubicA * x - 5 * kCubicA) * x + 8 * kCubicA) * x - 4 * kCubicA; }

Taps cubic_taps(std::int64_t in, std::int64_t out, bool align_corners, const std::optional<double>& scale_factor) {
  const std::size_t n = static_cast<std::size_t>(out);
  Taps taps{std::vector<std::size_t>(4 * n), std::vector<double>(4 * n), 4};
  const float scale = linear_scale(in, out, align_corners, scale_factor);
  for (std::size_t dst = 0; dst < n; ++dst) {
    const float src = source_coordinate(scale, std::int64_t(dst), align_corners, true);
    const std::int64_t i = static_cast<std::int64_t>(std::floor(src));
    const float t = src - static_cast<float>(i);
    const float x2 = 1.0f - t;  // rounded before adding 1, as torch does
    const double weights[4] = {cubic_far(double(t) + 1.0), cubic_near(t), cubic_near(x2), cubic_far(double(x2) + 1.0)};
    for (std::size_t k = 0; k < 4; ++k) {
      taps.index[4 * dst + k] = static_cast<std::size_t>(std::clamp<std::int64_t>(i - 1 + std::int64_t(k), 0, in - 1));
      taps.weight[4 * dst + k] = weights[k];
    }
  }
  return taps;
}

// Separable resampling of every plane: out(y, x) = Σ_j Σ_k wy_j · wx_k · in(iy_j, ix_k).
// Source coordinates are float, exactly as torch computes them (they pick the
// pixels); weights and sums are double, because with 0–255 pixel values a
// float sum that cancels to near zero is off by ~1e-4, more than torch's own
// float error. Double keeps tconv within torch's rounding of the exact result.
void resample(const float* in, float* out, std::size_t planes, std::size_t in_h, std::size_t in_w, std::size_t out_h,
              std::size_t out_w, const Taps& rows, const Taps& cols) {
  // Separable, in two passes with the same double sums: each input row is
  // resampled across once (into a small cache of rows, since consecutive
  // output rows reuse most of their input rows), then every output row blends
  // a few cached rows down, a contiguous loop that vectorises.
  constexpr std::size_t kCacheRows = 8;
  std::vector<double> cache(kCacheRows * out_w);
  std::vector<std::size_t> cached(kCacheRows);
  const double* taps[4];
  for (std::size_t p = 0; p < planes; ++p) {
    const float* src = in + p * in_h * in_w;
    float* dst = out + p * out_h * out_w;
    std::fill(cached.begin(), cached.end(), in_h);  // no row cached yet
    const auto across = [&](std::size_t iy) -> const double* {
      const std::size_t slot = iy % kCacheRows;
      double* line = cache.data() + slot * out_w;
      if (cached[slot] != iy) {
        const float* row = src + iy * in_w;
        for (std::size_t x = 0; x < out_w; ++x) {
          double sum = 0.0;
          for (std::size_t k = 0; k < cols.count; ++k) {
            sum += cols.weight[x * cols.count + k] * double(row[cols.index[x * cols.count + k]]);
          }
          line[x] = sum;
        }
        cached[slot] = iy;
      }
      return line;
    };
    for (std::size_t y = 0; y < out_h; ++y) {
      for (std::size_t j = 0; j < rows.count; ++j) taps[j] = across(rows.index[y * rows.count + j]);
      const double* w = rows.weight.data() + y * rows.count;
      float* out_row = dst + y * out_w;
      if (rows.count == 2) {
        for (std::size_t x = 0; x < out_w; ++x) {
          out_row[x] = static_cast<float>(0.0 + w[0] * taps[0][x] + w[1] * taps[1][x]);
        }
      } else {
        for (std::size_t x = 0; x < out_w; ++x) {
          out_row[x] =
              static_cast<float>(0.0 + w[0] * taps[0][x] + w[1] * taps[1][x] + w[2] * taps[2][x] + w[3] * taps[3][x]);
        }
      }
    }
  }
}

}  // namespace

InterpolateMode parse_interpolate_mode(std::string_view name) {
  if (name == "nearest") return InterpolateMode::nearest;
  if (name == "nearest-exact") return InterpolateMode::nearest_exact;
  if (name == "bilinear") return InterpolateMode::bilinear;
  if (name == "bicubic") return InterpolateMode::bicubic;
  fail(kInterpolate,
       "mode must be one of nearest, nearest-exact, bilinear, bicubic, got \"" + std::string(name) + "\"");
}

std::string_view to_string(InterpolateMode mode) {
  switch (mode) {
    case InterpolateMode::nearest:
      return "nearest";
    case InterpolateMode::nearest_exact:
      return "nearest-exact";
    case InterpolateMode::bilinear:
      return "bilinear";
    case InterpolateMode::bicubic:
      return "bicubic";
  }
  return "unknown";
}

Pair interpolate_output_size(const Pair& input_size, const InterpolateOptions& options) {
  check_pair(kInterpolate, "input size", input_size, Rule::positive);
  if (options.size.has_value() == options.scale_factor.has_value()) {
    fail(kInterpolate, "give exactly one of size and scale_factor");
  }
  const bool interpolating = options.mode == InterpolateMode::bilinear || options.mode == InterpolateMode::bicubic;
  if (options.align_corners && !interpolating) {
    fail(kInterpolate,
         "align_corners is only valid for bilinear and bicubic, not " + std::string(to_string(options.mode)));
  }
  if (options.size) {
    check_pair(kInterpolate, "size", *options.size, Rule::positive);
    for (int d = 0; d < 2; ++d) detail::checked_extent(kInterpolate, "size", (*options.size)[d]);
    return *options.size;
  }
  const auto& scale = *options.scale_factor;
  for (double s : scale) {
    if (!std::isfinite(s) || s <= 0) {
      fail(kInterpolate, "scale_factor " + format_pair(scale[0], scale[1]) + " must be positive and finite");
    }
  }
  // floor(input · scale), computed in double as torch does.
  double exact[2];
  for (int d = 0; d < 2; ++d) exact[d] = std::floor(static_cast<double>(input_size[d]) * scale[d]);
  if (exact[0] < 1 || exact[1] < 1) {
    fail(kInterpolate, "output size " + format_pair(exact[0], exact[1]) +
                           " is too small: each dimension must be at least 1 (input size " + format_pair(input_size) +
                           " times scale_factor " + format_pair(scale[0], scale[1]) + ")");
  }
  for (int d = 0; d < 2; ++d) {
    if (exact[d] > static_cast<double>(kMaxElements)) {
      fail(kInterpolate, "output size " + format_pair(exact[0], exact[1]) + " is larger than the limit of " +
                             std::to_string(kMaxElements));
    }
  }
  return {static_cast<std::int64_t>(exact[0]), static_cast<std::int64_t>(exact[1])};
}

xt::xarray<float> interpolate(const xt::xarray<float>& input, const InterpolateOptions& options) {
  if (input.dimension() != 4) {
    fail(kInterpolate, "input must be 4-D (N, C, H, W), got " + std::to_string(input.dimension()) + "-D shape " +
                           format_shape(Shape(input.shape().begin(), input.shape().end())));
  }
  const std::size_t batch = input.shape()[0], channels = input.shape()[1];
  const std::size_t in_h = input.shape()[2], in_w = input.shape()[3];
  if (in_h == 0 || in_w == 0) {
    fail(kInterpolate, "input shape " + format_shape(Shape(input.shape().begin(), input.shape().end())) +
                           " has an empty spatial dimension");
  }
  const Pair out = interpolate_output_size({std::int64_t(in_h), std::int64_t(in_w)}, options);
  const std::size_t out_h = static_cast<std::size_t>(out[0]), out_w = static_cast<std::size_t>(out[1]);
  const Shape out_shape{batch, channels, out_h, out_w};
  checked_element_count(kInterpolate, "output", out_shape);
  xt::xarray<float> output = xt::xarray<float>::from_shape(out_shape);

  const std::int64_t ih = std::int64_t(in_h), iw = std::int64_t(in_w);
  std::optional<double> scale_h, scale_w;
  if (options.scale_factor) {
    scale_h = (*options.scale_factor)[0];
    scale_w = (*options.scale_factor)[1];
  }
  const std::size_t planes = batch * channels;
  switch (options.mode) {
    case InterpolateMode::nearest:
    case InterpolateMode::nearest_exact: {
      const bool exact = options.mode == InterpolateMode::nearest_exact;
      const auto rows = nearest_indices(ih, out[0], scale_h, exact, channels == 1);
      const auto cols = nearest_indices(iw, out[1], scale_w, exact, channels == 1);
      for (std::size_t p = 0; p < planes; ++p) {
        const float* src = input.data() + p * in_h * in_w;
        float* dst = output.data() + p * out_h * out_w;
        for (std::size_t y = 0; y < out_h; ++y) {
          const float* row = src + rows[y] * in_w;
          for (std::size_t x = 0; x < out_w; ++x) dst[y * out_w + x] = row[cols[x]];
        }
      }
      break;
    }
    case InterpolateMode::bilinear:
      resample(input.data(), output.data(), planes, in_h, in_w, out_h, out_w,
               linear_taps(ih, out[0], options.align_corners, scale_h),
               linear_taps(iw, out[1], options.align_corners, scale_w));
      break;
    case InterpolateMode::bicubic:
      resample(input.data(), output.data(), planes, in_h, in_w, out_h, out_w,
               cubic_taps(ih, out[0], options.align_corners, scale_h),
               cubic_taps(iw, out[1], options.align_corners, scale_w));
      break;
  }
  return output;
}

}  // namespace tconv
