#include "tconv/conv_matrix.hpp"

#include "geometry.hpp"

namespace tconv {

namespace {
constexpr std::string_view kConvMatrix = "conv_matrix";
}

Pair conv_matrix_output_size(const ConvMatrixParams& params) {
  return detail::conv_output_size(kConvMatrix, params.input_size, params.kernel_size, params.stride, params.padding,
                                  params.dilation);
}

ConvMatrix conv_matrix(const ConvMatrixParams& params, const std::optional<xt::xtensor<float, 2>>& kernel) {
  // Validates the sizes (and bounds them, so the casts below are safe).
  const Pair out = conv_matrix_output_size(params);
  const std::size_t kh_count = static_cast<std::size_t>(params.kernel_size[0]);
  const std::size_t kw_count = static_cast<std::size_t>(params.kernel_size[1]);
  checked_element_count(kConvMatrix, "kernel", {kh_count, kw_count});
  if (kernel && (kernel->shape()[0] != kh_count || kernel->shape()[1] != kw_count)) {
    fail(kConvMatrix, "kernel shape " + format_shape(Shape(kernel->shape().begin(), kernel->shape().end())) +
                          " does not match kernel_size " + format_pair(params.kernel_size));
  }
  const std::size_t in_h = static_cast<std::size_t>(params.input_size[0]);
  const std::size_t in_w = static_cast<std::size_t>(params.input_size[1]);
  const std::size_t out_h = static_cast<std::size_t>(out[0]), out_w = static_cast<std::size_t>(out[1]);
  // (output pixels) × (input pixels): both grow with input_size, the first also with padding.
  const std::string cause = "from input_size " + format_pair(params.input_size) +
                            (params.padding == Pair{0, 0} ? "" : " and padding " + format_pair(params.padding));
  const std::size_t rows = checked_element_count(kConvMatrix, "output", {out_h, out_w}, cause);
  const std::size_t cols = checked_element_count(kConvMatrix, "input", {in_h, in_w}, cause);
  checked_element_count(kConvMatrix, "matrix", {rows, cols}, cause);

  ConvMatrix result{xt::zeros<float>({rows, cols}), xt::xtensor<std::int32_t, 2>::from_shape({rows, cols})};
  result.source.fill(-1);
  for (std::size_t oh = 0; oh < out_h; ++oh) {
    for (std::size_t ow = 0; ow < out_w; ++ow) {
      const std::size_t row = oh * out_w + ow;
      for (std::size_t kh = 0; kh < kh_count; ++kh) {
        const std::int64_t ih =
            std::int64_t(oh) * params.stride[0] - params.padding[0] + std::int64_t(kh) * params.dilation[0];
        if (ih < 0 || ih >= std::int64_t(in_h)) continue;  // lands on padding
        for (std::size_t kw = 0; kw < kw_count; ++kw) {
          const std::int64_t iw =
              std::int64_t(ow) * params.stride[1] - params.padding[1] + std::int64_t(kw) * params.dilation[1];
          if (iw < 0 || iw >= std::int64_t(in_w)) continue;
          const std::size_t col = static_cast<std::size_t>(ih) * in_w + static_cast<std::size_t>(iw);
          const std::size_t tap = kh * kw_count + kw;
          result.matrix(row, col) = kernel ? (*kernel)(kh, kw) : static_cast<float>(tap + 1);
          result.source(row, col) = static_cast<std::int32_t>(tap);
        }
      }
    }
  }
  return result;
}

}  // namespace tconv
