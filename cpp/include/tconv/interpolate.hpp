// Image resizing with PyTorch's semantics (torch.nn.functional.interpolate on
// 4-D NCHW input, antialias off, recompute_scale_factor unset).
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <xtensor/xarray.hpp>

#include "tconv/validate.hpp"

namespace tconv {

enum class InterpolateMode { nearest, nearest_exact, bilinear, bicubic };

/// "nearest", "nearest-exact", "bilinear" or "bicubic"; throws otherwise.
InterpolateMode parse_interpolate_mode(std::string_view name);
std::string_view to_string(InterpolateMode mode);

struct InterpolateOptions {
  /// Exactly one of size and scale_factor.
  std::optional<Pair> size;
  /// Output size is floor(input · scale_factor); the coordinate mapping uses
  /// 1 / scale_factor as given (not the ratio of the rounded sizes), as torch does.
  std::optional<std::array<double, 2>> scale_factor;
  InterpolateMode mode = InterpolateMode::nearest;
  /// Only for bilinear and bicubic.
  bool align_corners = false;
};

/// Output (H, W) for an input of spatial size input_size; validates options.
Pair interpolate_output_size(const Pair& input_size, const InterpolateOptions& options);

/// input: (N, C, H, W).
xt::xarray<float> interpolate(const xt::xarray<float>& input, const InterpolateOptions& options);

}  // namespace tconv
