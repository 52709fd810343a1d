#include "tconv/pixel_shuffle.hpp"

#include <algorithm>

#include "backward_internal.hpp"
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
  detail::pixel_shuffle_planes(in.batch * (in.channels / std::size_t(r2)), in.h, in.w, std::size_t(upscale_factor),
                               input.data(), output.data());
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
  const std::size_t f1 = std::size_t(downscale_factor);
  detail::pixel_unshuffle_planes(in.batch * in.channels, in.h / f1, in.w / f1, f1, input.data(), output.data());
  return output;
}

// ---------------------------------------------------------------- raw planes (backward_internal.hpp)

void detail::pixel_shuffle_planes(std::size_t groups, std::size_t h, std::size_t w, std::size_t r, const float* src,
                                  float* dst) noexcept {
  const std::size_t plane = h * w, out_w = w * r;
  for (std::size_t c = 0; c < groups; ++c) {
    float* out_plane = dst + c * plane * r * r;
    for (std::size_t i = 0; i < r; ++i) {
      for (std::size_t j = 0; j < r; ++j) {
        const float* in_plane = src + (c * r * r + i * r + j) * plane;
        for (std::size_t y = 0; y < h; ++y) {
          const float* s = in_plane + y * w;
          float* d = out_plane + (y * r + i) * out_w + j;
          for (std::size_t x = 0; x < w; ++x) d[x * r] = s[x];
        }
      }
    }
  }
}

void detail::pixel_unshuffle_planes(std::size_t planes, std::size_t h, std::size_t w, std::size_t r, const float* src,
                                    float* dst) noexcept {
  const std::size_t out_plane = h * w, in_w = w * r;
  for (std::size_t c = 0; c < planes; ++c) {
    const float* in_plane = src + c * out_plane * r * r;
    for (std::size_t i = 0; i < r; ++i) {
      for (std::size_t j = 0; j < r; ++j) {
        float* out = dst + (c * r * r + i * r + j) * out_plane;
        for (std::size_t y = 0; y < h; ++y) {
          const float* s = in_plane + (y * r + i) * in_w + j;
          float* d = out + y * w;
          for (std::size_t x = 0; x < w; ++x) d[x] = s[x * r];
        }
      }
    }
  }
}

void detail::nearest_upsample_planes(std::size_t planes, std::size_t h, std::size_t w, std::size_t r, const float* src,
                                     float* dst) noexcept {
  const std::size_t out_w = w * r;
  for (std::size_t c = 0; c < planes; ++c) {
    for (std::size_t y = 0; y < h; ++y) {
      const float* s = src + (c * h + y) * w;
      float* first = dst + (c * h + y) * r * out_w;
      for (std::size_t x = 0; x < w; ++x) std::fill_n(first + x * r, r, s[x]);
      for (std::size_t i = 1; i < r; ++i) std::copy_n(first, out_w, first + i * out_w);
    }
  }
}

void detail::block_sum_planes(std::size_t planes, std::size_t h, std::size_t w, std::size_t r, const float* src,
                              float* dst) noexcept {
  const std::size_t in_w = w * r;
  for (std::size_t c = 0; c < planes; ++c) {
    for (std::size_t y = 0; y < h; ++y) {
      float* d = dst + (c * h + y) * w;
      std::fill_n(d, w, 0.0f);
      // Row by row of the block, then across it: a fixed order (determinism).
      for (std::size_t i = 0; i < r; ++i) {
        const float* s = src + ((c * h + y) * r + i) * in_w;
        for (std::size_t x = 0; x < w; ++x) {
          float sum = 0;
          for (std::size_t j = 0; j < r; ++j) sum += s[x * r + j];
          d[x] += sum;
        }
      }
    }
  }
}

}  // namespace tconv
