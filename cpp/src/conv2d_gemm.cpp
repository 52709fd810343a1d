// conv2d for layers with a column stride above 1 and a few output channels or
// more (conv_internal.hpp): im2col and one matrix product per chunk of output
// rows. The fused row kernels need a column stride of 1, and the direct loop,
// one weighted input row at a time, reads every input row once per output
// channel: a strided layer with hundreds of channels (the input gradient of a
// DCGAN generator's transposed convolution) spent most of its time there.
#include <algorithm>

#include "conv_internal.hpp"
#include "gemm.hpp"
#include "geometry.hpp"

namespace tconv::detail {

bool gemm_fits(const ConvGeometry& g) {
  // One output row of the column matrix must fit its scratch; the test
  // depends on the width, not the height, like blocked_band_fits.
  const std::size_t group_in = g.in_channels / g.groups;
  return Wide(group_in) * g.kernel_h * g.kernel_w * g.out_w <= Wide(kColumnFloats);
}

// out[oc][pixel] += Σ_{ic, kh, kw} W[oc][ic][kh][kw] · col[(ic, kh, kw)][pixel],
// where col (im2col) holds, for a chunk of whole output rows, the input value
// each tap reads for each output pixel (0 on the padding). M = output
// channels of the group, K = input channels × taps, N = the chunk's pixels.
// The weights are packed once per group; the output is accumulated in place.
void conv2d_gemm(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data) {
  constexpr std::size_t P = kPanelRows;
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t taps = g.kernel_h * g.kernel_w, K = group_in * taps;
  const std::size_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  // Two divisions, not one by K·out_w, which can pass 2^32 (a size_t in wasm).
  const std::size_t chunk_rows = std::clamp<std::size_t>(kColumnFloats / K / g.out_w, 1, g.out_h);
  std::vector<float> col(K * chunk_rows * g.out_w);
  std::vector<const float*> b_rows(K);
  std::vector<float> packed((group_out + P - 1) / P * P * K);
  // Sizes of a validated geometry (or the transposed backward's, whose
  // products are bounded by its output size plus twice its padding) keep
  // these int64 products far below 2^63; a stride or dilation that only
  // multiplies 0 (a single output row or kernel row) is not multiplied.
  const std::int64_t sh = g.out_h > 1 ? g.stride[0] : 1, sw = g.out_w > 1 ? g.stride[1] : 1;
  const std::int64_t dh = g.kernel_h > 1 ? g.dilation[0] : 1, dw = g.kernel_w > 1 ? g.dilation[1] : 1;
  for (std::size_t group = 0; group < g.groups; ++group) {
    std::fill(packed.begin(), packed.end(), 0.0f);
    for (std::size_t m = 0; m < group_out; ++m) {
      const float* w = w_data + (group * group_out + m) * K;  // [group_in][kH][kW], K contiguous
      float* panel = packed.data() + (m / P) * K * P + m % P;
      for (std::size_t k = 0; k < K; ++k) panel[k * P] = w[k];
    }
    for (std::size_t n = 0; n < g.batch; ++n) {
      const float* x = in_data + (n * g.in_channels + group * group_in) * in_plane;
      float* out_group = out_data + (n * g.out_channels + group * group_out) * out_plane;
      for (std::size_t oh0 = 0; oh0 < g.out_h; oh0 += chunk_rows) {
        const std::size_t rows = std::min(chunk_rows, g.out_h - oh0), N = rows * g.out_w;
        std::size_t k = 0;
        for (std::size_t ic = 0; ic < group_in; ++ic) {
          for (std::size_t kh = 0; kh < g.kernel_h; ++kh) {
            const std::int64_t row_offset = std::int64_t(kh) * dh - g.padding[0];
            for (std::size_t kw = 0; kw < g.kernel_w; ++kw, ++k) {
              const std::int64_t col_offset = std::int64_t(kw) * dw - g.padding[1];
              const Range cols = valid_range(g.out_w, sw, col_offset, g.in_w);
              float* dst = col.data() + k * N;
              b_rows[k] = dst;
              for (std::size_t j = 0; j < rows; ++j) {
                float* d = dst + j * g.out_w;
                const std::int64_t ih = std::int64_t(oh0 + j) * sh + row_offset;
                if (ih < 0 || ih >= std::int64_t(g.in_h) || cols.begin == cols.end) {
                  std::fill_n(d, g.out_w, 0.0f);
                  continue;
                }
                const float* in_row = x + ic * in_plane + std::size_t(ih) * g.in_w;
                std::fill(d, d + cols.begin, 0.0f);
                for (std::size_t ow = cols.begin; ow < cols.end; ++ow)
                  d[ow] = in_row[std::int64_t(ow) * sw + col_offset];
                std::fill(d + cols.end, d + g.out_w, 0.0f);
              }
            }
          }
        }
        gemm_packed(group_out, N, K, packed.data(), b_rows.data(), out_group + oh0 * g.out_w, out_plane);
      }
    }
  }
}

}  // namespace tconv::detail
