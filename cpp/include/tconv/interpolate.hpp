// Image resizing with PyTorch's semantics (torch.nn.functional.interpolate on
// 4-D NCHW input, antialias off, recompute_scale_factor unset).
#pragma once

#include <array>
#include <optional>
#include <string>
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

/// Rows [begin, end) of an image or a result.
struct RowRange {
  std::int64_t begin = 0, end = 0;
  std::int64_t size() const { return end - begin; }
  bool operator==(const RowRange& other) const { return begin == other.begin && end == other.end; }
};

/// "[begin, end)", as the messages about bands print rows.
std::string format_rows(const RowRange& rows);

/// The input rows that output rows `rows` of interpolate() read (the border
/// rows they clamp to included), for an input of spatial size input_size.
RowRange interpolate_input_rows(const Pair& input_size, const InterpolateOptions& options, const RowRange& rows);

/// Output rows `rows` of interpolate(full, options), computed from a band of
/// `full`: `band` (N, C, h, W) holds rows [first_row, first_row + h) of an
/// input with full_height rows, and must include interpolate_input_rows().
/// The values are exactly those of the whole call (the coordinates come from
/// the whole input's geometry), so a large resize can be split into bands and
/// stitched.
xt::xarray<float> interpolate_rows(const xt::xarray<float>& band, const InterpolateOptions& options,
                                   std::int64_t full_height, std::int64_t first_row, const RowRange& rows);

}  // namespace tconv
