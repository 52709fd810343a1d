// The convolution matrix C of a single-channel kernel: conv2d as a matrix
// product, C·vec(x) = vec(conv2d(x)). Its transpose Cᵀ is the transposed
// convolution's matrix.
#pragma once

#include <cstdint>
#include <optional>
#include <xtensor/xtensor.hpp>

#include "tconv/validate.hpp"

namespace tconv {

struct ConvMatrixParams {
  Pair input_size{4, 4};
  Pair kernel_size{3, 3};
  Pair stride{1, 1};
  Pair padding{0, 0};
  Pair dilation{1, 1};
};

struct ConvMatrix {
  /// (Hout·Wout) × (H·W), row-major: row r is output pixel r, column c input pixel c.
  xt::xtensor<float, 2> matrix;
  /// For every entry, the row-major index (kh·kW + kw) of the kernel weight
  /// that lands there, or -1 for a structural zero.
  xt::xtensor<std::int32_t, 2> source;
};

/// (Hout, Wout) for these parameters; validates them all, with conv_matrix's
/// messages. A caller that converts a kernel of kernel_size calls this first.
Pair conv_matrix_output_size(const ConvMatrixParams& params);

/// kernel: (kH, kW) matching params.kernel_size; without one the kernel is
/// 1, 2, …, kH·kW so that every entry shows where it came from.
ConvMatrix conv_matrix(const ConvMatrixParams& params,
                       const std::optional<xt::xtensor<float, 2>>& kernel = std::nullopt);

}  // namespace tconv
