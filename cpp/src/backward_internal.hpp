// Raw-pointer entries of backward.cpp and pixel_shuffle.cpp (private to
// cpp/src) for callers that own their buffers: the trainer (trainer.cpp)
// allocates every tensor once and runs these on them at each step, where the
// public functions would allocate their results per call.
#pragma once

#include <cstddef>

#include "conv_internal.hpp"

namespace tconv::detail {

/// conv2d's weight gradient in geometry g: gw (out_channels, in_channels/groups,
/// kH, kW) from its input x and output gradient gy; every element written.
void weight_gradient(const ConvGeometry& g, const float* x, const float* gy, float* gw);

/// gy (g's output) summed per output channel over the batch and the plane, into gb (out_channels).
void bias_gradient(const ConvGeometry& g, const float* gy, float* gb) noexcept;

/// The conv2d whose adjoint the transposed convolution of geometry g is: its
/// input is g's output and its output g's input (same weight, same options).
/// conv2d_compute in it gives conv_transpose2d's input gradient, and
/// weight_gradient(adjoint, grad_output, input) its weight gradient.
ConvGeometry adjoint_conv2d(const ConvGeometry& g);

/// The input gradient of a stride-1, undilated, ungrouped conv2d of geometry
/// g: conv2d of gy with the weight flipped and its channels swapped (written
/// to `flipped`, weight-sized) and padding k − 1 − p, into gx (g's input shape).
void conv2d_input_gradient(const ConvGeometry& g, const float* gy, const float* weight, float* flipped, float* gx);

/// pixel_shuffle on `groups` groups of r² planes of h × w (each group becomes one hr × wr plane).
void pixel_shuffle_planes(std::size_t groups, std::size_t h, std::size_t w, std::size_t r, const float* src,
                          float* dst) noexcept;
/// Its inverse (and its backward): `planes` planes of hr × wr into r² planes of h × w each.
void pixel_unshuffle_planes(std::size_t planes, std::size_t h, std::size_t w, std::size_t r, const float* src,
                            float* dst) noexcept;
/// Nearest ×r of `planes` planes of h × w (interpolate nearest at an integer scale: each pixel becomes an r × r block).
void nearest_upsample_planes(std::size_t planes, std::size_t h, std::size_t w, std::size_t r, const float* src,
                             float* dst) noexcept;
/// Its backward: each r × r block of the hr × wr planes summed into one pixel of h × w.
void block_sum_planes(std::size_t planes, std::size_t h, std::size_t w, std::size_t r, const float* src,
                      float* dst) noexcept;

}  // namespace tconv::detail
