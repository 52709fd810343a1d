// The backward passes of conv2d and conv_transpose2d: the gradients
// torch.autograd computes for input, weight and bias from the gradient of the
// output, with the forward's arguments, layouts and rules.
//
// Each gradient is another convolution, so the forward's algorithms compute
// them: conv2d's input gradient is conv_transpose2d(grad_output, weight) (a
// transposed convolution is conv2d's adjoint, hence its name), the input
// gradient of conv_transpose2d is conv2d(grad_output, weight), and the weight
// gradient of either is a correlation of the input with grad_output, computed
// as a matrix product.
#pragma once

#include <xtensor/xarray.hpp>

#include "tconv/conv.hpp"

namespace tconv {

/// ∂L/∂input, ∂L/∂weight and ∂L/∂bias given grad_output = ∂L/∂output.
struct ConvGradients {
  xt::xarray<float> grad_input;   ///< the input's shape
  xt::xarray<float> grad_weight;  ///< the weight's shape
  xt::xarray<float> grad_bias;    ///< (C_out): grad_output summed over batch, rows and columns
};

/// The gradients of conv2d(input, weight, bias, params). grad_output must have
/// the shape conv2d returns for input and weight, (N, C_out, H_out, W_out) or
/// (C_out, H_out, W_out); input and weight are checked as conv2d checks them.
/// (A bias only adds to the output: its gradient does not depend on it.)
ConvGradients conv2d_backward(const xt::xarray<float>& grad_output, const xt::xarray<float>& input,
                              const xt::xarray<float>& weight, const Conv2dParams& params = {});

/// The gradients of conv_transpose2d(input, weight, bias, params), weight
/// (C_in, C_out/groups, kH, kW). grad_output must have the shape
/// conv_transpose2d returns. params.algorithm is not used.
ConvGradients conv_transpose2d_backward(const xt::xarray<float>& grad_output, const xt::xarray<float>& input,
                                        const xt::xarray<float>& weight, const ConvTranspose2dParams& params = {});

}  // namespace tconv
