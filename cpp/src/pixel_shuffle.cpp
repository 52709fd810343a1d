#include "tconv/pixel_shuffle.hpp"

#include <algorithm>

#include "geometry.hpp"
#include "tconv/validate.hpp"

namespace tconv {

namespace {

using detail::Wide;

Shape shape_of(const xt::xarray<float>& tensor) { return Shape(tensor.shape().begin(), tensor.shape().end()); }

// The leading dimensions' product, and the last three.
struct Layout {
  std::size_t batch, channels, h, w;
};

Layout layout_of(std::string_view function, const xt::xarray<float>& input) {
  const std::size_t rank = input.dimension();
  if (rank < 3) {
    fail(function, "input must have at least 3 dimensions (*, C, H, W), got " + std::to_string(rank) + "-D shape " +
                       format_shape(shape_of(input)));
  }
  Layout l{1, input.shape()[rank - 3], input.shape()[rank - 2], input.shape()[rank - 1]};
  for (std::size_t d = 0; d + 3 < rank; ++d) l.batch *= input.shape()[d];  // at most the element count
  return l;
}

// The input's shape with its last three dimensions replaced, checked against the limits.
Shape output_shape(std::string_view function, const xt::xarray<float>& input, Wide c, Wide h, Wide w,
                   std::string_view factor_name, std::int64_t factor) {
  std::vector<std::int64_t> dims(input.shape().begin(), input.shape().end() - 3);
  for (Wide d : {c, h, w}) dims.push_back(d > Wide(kMaxElements) ? std::int64_t(kMaxElements) + 1 : std::int64_t(d));
  checked_size_product(function, "output", dims, "from " + std::string(factor_name) + " " + std::to_string(factor));
  return Shape(dims.begin(), dims.end());
}

}  // namespace

xt::xarray<float> pixel_shuffle(const xt::xarray<float>& input, std::int64_t upscale_factor) {
  constexpr std::string_view f = "pixel_shuffle";
  check_integer(f, "upscale_factor", upscale_factor, Rule::positive);
  const Layout in = layout_of(f, input);
  const Wide r = upscale_factor, r2 = r * r;  // r ≤ 2^53: r² is exact in 128 bits
  if (Wide(in.channels) % r2 != 0) {
    fail(f, "input's channels (dimension -3) " + std::to_string(in.channels) +
                " must be divisible by the square of upscale_factor " + std::to_string(upscale_factor) + " (" +
                detail::format_wide(r2) + ")");
  }
  xt::xarray<float> output = xt::xarray<float>::from_shape(
      output_shape(f, input, Wide(in.channels) / r2, Wide(in.h) * r, Wide(in.w) * r, "upscale_factor", upscale_factor));
  if (output.size() == 0) return output;
  // Every factor below is now at most the element count (a non-empty output
  // has channels ≥ r² and equal sizes in and out).
  const std::size_t f1 = std::size_t(upscale_factor), out_c = in.channels / (f1 * f1);
  const std::size_t out_w = in.w * f1, plane = in.h * in.w;
  const float* src = input.data();
  float* dst = output.data();
  for (std::size_t b = 0; b < in.batch; ++b) {
    for (std::size_t c = 0; c < out_c; ++c) {
      float* out_plane = dst + (b * out_c + c) * plane * f1 * f1;
      for (std::size_t i = 0; i < f1; ++i) {
        for (std::size_t j = 0; j < f1; ++j) {
          const float* in_plane = src + ((b * out_c + c) * f1 * f1 + i * f1 + j) * plane;
          for (std::size_t h = 0; h < in.h; ++h) {
            const float* s = in_plane + h * in.w;
            float* d = out_plane + (h * f1 + i) * out_w + j;
            for (std::size_t w = 0; w < in.w; ++w) d[w * f1] = s[w];
          }
        }
      }
    }
  }
  return output;
}

xt::xarray<float> pixel_unshuffle(const xt::xarray<float>& input, std::int64_t downscale_factor) {
  constexpr std::string_view f = "pixel_unshuffle";
  check_integer(f, "downscale_factor", downscale_factor, Rule::positive);
  const Layout in = layout_of(f, input);
  const Wide r = downscale_factor;
  const char* names[2] = {"height (dimension -2)", "width (dimension -1)"};
  const std::size_t sizes[2] = {in.h, in.w};
  for (int d = 0; d < 2; ++d) {
    if (Wide(sizes[d]) % r != 0) {
      fail(f, std::string("input's ") + names[d] + " " + std::to_string(sizes[d]) +
                  " must be divisible by downscale_factor " + std::to_string(downscale_factor));
    }
  }
  xt::xarray<float> output = xt::xarray<float>::from_shape(output_shape(
      f, input, Wide(in.channels) * r * r, Wide(in.h) / r, Wide(in.w) / r, "downscale_factor", downscale_factor));
  if (output.size() == 0) return output;
  // A non-empty input has h, w ≥ r: every factor is at most the element count.
  const std::size_t f1 = std::size_t(downscale_factor), out_h = in.h / f1, out_w = in.w / f1;
  const std::size_t out_plane = out_h * out_w;
  const float* src = input.data();
  float* dst = output.data();
  for (std::size_t b = 0; b < in.batch; ++b) {
    for (std::size_t c = 0; c < in.channels; ++c) {
      const float* in_plane = src + (b * in.channels + c) * in.h * in.w;
      for (std::size_t i = 0; i < f1; ++i) {
        for (std::size_t j = 0; j < f1; ++j) {
          float* out = dst + ((b * in.channels + c) * f1 * f1 + i * f1 + j) * out_plane;
          for (std::size_t h = 0; h < out_h; ++h) {
            const float* s = in_plane + (h * f1 + i) * in.w + j;
            float* d = out + h * out_w;
            for (std::size_t w = 0; w < out_w; ++w) d[w] = s[w * f1];
          }
        }
      }
    }
  }
  return output;
}

}  // namespace tconv
