// Up-sampling whole RGBA images: conversion between interleaved 8-bit pixels
// and float planes, the methods the upsampler compares, and their difference
// image. The result is computed in strips of rows, every channel of a strip
// at once, so memory stays near the 8-bit images plus a few strip-sized float
// planes; a band of rows can be computed on its own (upsample_band).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>
#include <xtensor/xtensor.hpp>

#include "tconv/interpolate.hpp"
#include "tconv/validate.hpp"

namespace tconv {

/// Interleaved 8-bit RGBA, (height, width, 4), straight (not premultiplied) alpha.
using RgbaImage = xt::xtensor<std::uint8_t, 3>;

enum class UpsampleMethod {
  nearest,               ///< interpolate, nearest
  bilinear,              ///< interpolate, bilinear (align_corners as given)
  bicubic,               ///< interpolate, bicubic (align_corners as given)
  transposed_bilinear,   ///< conv_transpose2d with the bilinear kernel (FCN initialisation)
  transposed,            ///< conv_transpose2d with the given kernel, stride = factor
  resize_conv_nearest,   ///< nearest ×factor, then conv2d with the given kernel
  resize_conv_bilinear,  ///< bilinear ×factor, then conv2d with the given kernel
};

UpsampleMethod parse_upsample_method(std::string_view name);

// The caps of the image API. They live here and nowhere else: the JS binding
// exports them as `limits`, and the pages read them from there.

/// Channels of an RgbaImage.
inline constexpr std::int64_t kRgbaChannels = 4;
/// Most pixels an image (input or result) may have: an RGBA image is one
/// tensor, so it is held to kMaxElements (2^26 pixels, e.g. 8192×8192).
inline constexpr std::int64_t kMaxImagePixels = std::int64_t(kMaxElements) / kRgbaChannels;
/// Smallest factor of upsample: ×1 would be a copy.
inline constexpr std::int64_t kMinUpsampleFactor = 2;
/// Largest factor of upsample and bilinear_kernel: a pixel becomes at most an
/// 8×8 block, and the bilinear kernel at ×8 (16×16) stays near kMaxKernelSize.
inline constexpr std::int64_t kMaxFactor = 8;
/// Largest side of the kernel of the learned-kernel methods: each output pixel
/// costs up to kMaxKernelSize² taps, and a band of rows reads about half a
/// kernel of extra rows, so both stay small.
inline constexpr std::int64_t kMaxKernelSize = 15;

struct UpsampleSpec {
  UpsampleMethod method = UpsampleMethod::bilinear;
  /// Integer factor, kMinUpsampleFactor..kMaxFactor; interpolation uses `size` when set.
  std::int64_t factor = 2;
  /// Output (height, width) for the interpolation methods; unset = factor × input.
  std::optional<Pair> size;
  bool align_corners = false;
  /// kH×kW weights for `transposed` and the resize-convolutions, normalised by
  /// the caller as a filter (they sum to 1 for a plain blur). The transposed
  /// convolution multiplies them by factor² so that the average brightness stays.
  xt::xtensor<float, 2> kernel;
};

/// Kernel size, stride and padding of the bilinear transposed convolution for
/// an integer factor f: kernel 2f − f mod 2, stride f, padding ⌈(f − 1) / 2⌉
/// (for even f: 2f, f, f/2), so that an H×W input becomes exactly fH×fW.
struct BilinearGeometry {
  std::int64_t kernel, stride, padding;
};
BilinearGeometry bilinear_geometry(std::int64_t factor);

/// The bilinear up-sampling kernel (the FCN initialisation): a tent in each axis.
xt::xtensor<float, 2> bilinear_kernel(std::int64_t factor);

/// Output size of `upsample` for an input of `input_size`; validates the spec.
Pair upsample_output_size(const Pair& input_size, const UpsampleSpec& spec);

/// What upsample() does to an image of `input_size`, for a caller that shows
/// or explains it without re-deriving the core's rules. Validates the spec.
struct UpsampleGeometry {
  Pair output_size{0, 0};  ///< (height, width) of the result
  /// Of the method's convolution: the bilinear kernel's, or the given kernel's;
  /// (0, 0) for the interpolation methods.
  Pair kernel_size{0, 0};
  /// Of the transposed convolution (the factor); 1 for the other methods (the
  /// resize-convolution's conv2d has stride 1).
  std::int64_t stride = 1;
  /// Zero padding of the transposed convolution, or of the resize-convolution's
  /// conv2d (⌊k/2⌋, the centred kernel); (0, 0) for interpolation.
  Pair padding{0, 0};
  /// Of the transposed convolution: with `padding`, it maps n pixels to exactly stride·n.
  Pair output_padding{0, 0};
  /// How many pixels along an edge read the zero padding through a non-zero
  /// weight (the deepest of the four edges), so that a flat image is darker
  /// (or, with negative weights, brighter) there: ⌊f/2⌋ for transposed_bilinear;
  /// 0 for interpolation, which clamps at the borders.
  std::int64_t border = 0;
  /// stride × stride, row-major: what a flat 1 becomes in the interior, where
  /// output (y, x) takes entry (y mod stride, x mod stride). A tile that is not
  /// flat is the checkerboard. Computed by the method itself on a flat image.
  /// Empty for interpolation (a flat 1 stays 1).
  std::vector<float> flat_tile;
};
UpsampleGeometry upsample_geometry(const Pair& input_size, const UpsampleSpec& spec);

/// Called with the fraction done, between 0 and 1.
using Progress = std::function<void(double)>;

/// Where a band of rows sits in a larger up-sampling: lets one image be split
/// into horizontal bands (computed anywhere, e.g. in several workers) whose
/// stitched results are exactly the whole call's result.
struct UpsampleBand {
  std::int64_t image_height = 0;  ///< rows of the whole input image
  std::int64_t first_row = 0;     ///< the whole image's row that is the band's first row
  RowRange output_rows;           ///< the rows of the whole result to compute
  /// Whether the whole image is opaque: it decides premultiplication, and a
  /// band of an image with transparency may itself be opaque.
  bool opaque = true;
};

/// The input rows that output rows `output_rows` of upsample() read, for an
/// image of `image_size` (height, width): the band to hand to upsample_band.
RowRange upsample_input_rows(const Pair& image_size, const UpsampleSpec& spec, const RowRange& output_rows);

/// Output rows `where.output_rows` of upsample(whole image, spec), from a band
/// that holds at least the rows upsample_input_rows() names. Every method
/// gives exactly the whole call's values for those rows.
RgbaImage upsample_band(const RgbaImage& band, const UpsampleSpec& spec, const UpsampleBand& where,
                        const Progress& progress = {});

/// Up-samples every channel of `image` with the spec's method. Colour is
/// premultiplied by alpha while resampling (so transparent pixels do not bleed
/// their colour), alpha itself goes through the same method, except for the
/// learned-kernel methods, where it is up-sampled bilinearly (an arbitrary
/// kernel would make alpha meaningless). Results are rounded and clamped to 0..255.
RgbaImage upsample(const RgbaImage& image, const UpsampleSpec& spec, const Progress& progress = {});

/// |a − b| per channel, times `gain`, clamped; alpha is opaque. Same sizes required.
RgbaImage difference(const RgbaImage& a, const RgbaImage& b, double gain);

}  // namespace tconv
