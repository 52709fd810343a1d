// The backward passes (tconv/backward.hpp). Every gradient is a convolution
// the forward's algorithms already compute, or a matrix product:
//
//   conv2d            grad_input  = conv_transpose2d(grad_output, weight), with the
//                                   output_padding that gives back the input's size
//   conv_transpose2d  grad_input  = conv2d(grad_output, weight), cropped to the input
//   both              grad_weight = a correlation of input and grad_output (weight_gradient)
//                     grad_bias   = grad_output summed over everything but its channel
#include "tconv/backward.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "backward_internal.hpp"
#include "conv_internal.hpp"
#include "gemm.hpp"
#include "geometry.hpp"
#include "simd.hpp"

namespace tconv {

using detail::ConvGeometry;
using detail::Wide;

namespace {

constexpr std::string_view kConv2dBackward = "conv2d_backward";
constexpr std::string_view kConvTranspose2dBackward = "conv_transpose2d_backward";

// The weight gradient's matrix product: rows of grad_output (K) per call, and
// columns of the weight gradient (N) per block, so that the block of the
// column matrix each packed panel meets (K × N floats, 256 KB) stays in L2.
constexpr std::size_t kWeightRows = 512;
constexpr std::size_t kWeightBlockFloats = std::size_t{64} << 10;

Shape shape_of(const xt::xarray<float>& tensor) { return Shape(tensor.shape().begin(), tensor.shape().end()); }

void check_grad_output(std::string_view function, std::string_view forward, const xt::xarray<float>& grad_output,
                       const ConvGeometry& g, const xt::xarray<float>& input, const xt::xarray<float>& weight) {
  const Shape expected = detail::output_shape(g);
  if (shape_of(grad_output) != expected) {
    fail(function, "grad_output shape " + format_shape(shape_of(grad_output)) + " must equal the output shape " +
                       format_shape(expected) + " that " + std::string(forward) + " gives for input " +
                       format_shape(shape_of(input)) + " and weight " + format_shape(shape_of(weight)) +
                       " with these options");
  }
}

// grad_output summed over the batch and the plane, per channel. In double: a
// 1024×1024 plane of float sums would lose the last digits torch keeps.
xt::xarray<float> bias_gradient(const ConvGeometry& g, const float* grad_output) {
  xt::xarray<float> result = xt::xarray<float>::from_shape({g.out_channels});
  detail::bias_gradient(g, grad_output, result.data());
  return result;
}

// Σ a[i]·b[i] in two vector accumulators (a float sum in order would not vectorise).
float dot(const float* a, const float* b, std::size_t n) {
  using detail::load4;
  detail::v4 s0{}, s1{};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    s0 += load4(a + i) * load4(b + i);
    s1 += load4(a + i + 4) * load4(b + i + 4);
  }
  const detail::v4 s = s0 + s1;
  float sum = (s[0] + s[1]) + (s[2] + s[3]);
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

// The weight gradient (as weight_gradient below) one weight at a time: for
// each (output channel, input channel, tap), the dot products of gy's rows
// with the input rows that tap reads, over the columns that land inside the
// input. For few output channels per group (a depthwise layer has one), where
// the matrix product would fill most of its 4-row panels with zeros and copy
// every patch for them: a depthwise 3×512×512 conv2d's weight gradient took
// 7 ms as a product, 30 times its forward.
void weight_gradient_direct(const ConvGeometry& g, const float* x, const float* gy, float* gw) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  const std::int64_t sh = g.out_h > 1 ? g.stride[0] : 1, sw = g.out_w > 1 ? g.stride[1] : 1;
  const std::int64_t dh = g.kernel_h > 1 ? g.dilation[0] : 1, dw = g.kernel_w > 1 ? g.dilation[1] : 1;
  for (std::size_t oc = 0; oc < g.out_channels; ++oc) {
    const std::size_t group = oc / group_out;
    for (std::size_t icg = 0; icg < group_in; ++icg) {
      const std::size_t ic = group * group_in + icg;
      for (std::size_t kh = 0; kh < g.kernel_h; ++kh) {
        const std::int64_t row_offset = std::int64_t(kh) * dh - g.padding[0];
        const detail::Range rows = detail::valid_range(g.out_h, sh, row_offset, g.in_h);
        for (std::size_t kw = 0; kw < g.kernel_w; ++kw) {
          const std::int64_t col_offset = std::int64_t(kw) * dw - g.padding[1];
          const detail::Range cols = detail::valid_range(g.out_w, sw, col_offset, g.in_w);
          double sum = 0;  // over images and rows; each row's dot product in float
          for (std::size_t n = 0; n < g.batch; ++n) {
            const float* gy_plane = gy + (n * g.out_channels + oc) * out_plane;
            const float* x_plane = x + (n * g.in_channels + ic) * in_plane;
            for (std::size_t oh = rows.begin; oh < rows.end; ++oh) {
              const float* gy_row = gy_plane + oh * g.out_w;
              const float* x_row = x_plane + std::size_t(std::int64_t(oh) * sh + row_offset) * g.in_w;
              if (sw == 1) {
                sum += dot(gy_row + cols.begin, x_row + std::int64_t(cols.begin) + col_offset, cols.end - cols.begin);
              } else {
                float row_sum = 0;
                for (std::size_t ow = cols.begin; ow < cols.end; ++ow) {
                  row_sum += gy_row[ow] * x_row[std::int64_t(ow) * sw + col_offset];
                }
                sum += row_sum;
              }
            }
          }
          gw[((oc * group_in + icg) * g.kernel_h + kh) * g.kernel_w + kw] = static_cast<float>(sum);
        }
      }
    }
  }
}

// ---------------------------------------------------------------- row kernel

// Taps per pass of the row kernel: 4 output channels × kRowTaps kernel
// columns of vector accumulators, plus the 4 gradient rows and kRowTaps input
// rows, stay within 16 vector registers (x86-64's, which V8 allocates too).
constexpr std::size_t kRowTaps = 2;
// Most scratch (floats) the row kernel's zero-bordered copy of one image may take.
constexpr std::size_t kRowScratchFloats = std::size_t{1} << 21;

struct RowPlan {
  std::size_t sh, sw, padded_h, phase_w, vectors;  // vectors: whole 4-column groups of an output row
};

// The row kernel's layout, or nothing when it does not apply: one group, no
// dilation, small kernels and strides, and one image's copy within the cap.
std::optional<RowPlan> row_plan(const ConvGeometry& g) {
  if (g.groups != 1 || g.out_w < 4 || g.kernel_h > 16 || g.kernel_w > 16) return std::nullopt;
  if ((g.kernel_h > 1 && g.dilation[0] != 1) || (g.kernel_w > 1 && g.dilation[1] != 1)) return std::nullopt;
  const std::int64_t sh = g.out_h > 1 ? g.stride[0] : 1, sw = g.out_w > 1 ? g.stride[1] : 1;
  if (sh > 16 || sw > 16 || g.padding[0] > 64 || g.padding[1] > 64) return std::nullopt;
  RowPlan p;
  p.sh = std::size_t(sh);
  p.sw = std::size_t(sw);
  p.vectors = g.out_w / 4;
  p.padded_h = (g.out_h - 1) * p.sh + g.kernel_h;
  // Phase q of a padded row holds padded columns q, q + sw, …: output column ow's tap kw reads
  // element ow + kw / sw of phase kw % sw, contiguous in ow.
  p.phase_w = g.out_w + (g.kernel_w - 1) / p.sw + 1;
  if (Wide(g.in_channels) * p.padded_h * p.sw * p.phase_w > Wide(kRowScratchFloats)) return std::nullopt;
  return p;
}

// The weight gradient as weight_gradient defines it, row by row: for each
// image and output row, 4 output channels × kRowTaps taps accumulate gy's
// row times the input row each tap reads, 4 columns at a time, in vector
// accumulators kept per (output channel, input channel, tap) across the
// image's rows and added to double sums after each image. The input comes
// from a zero-bordered copy of the image split into column phases, so every
// read is a contiguous vector and no patch matrix is built: with few channels
// (the trainer's 3 → 16 5×5 layer, its 16 → 12 3×3), packing the im2col
// matrix cost as much as the product.
void weight_gradient_rows(const ConvGeometry& g, const RowPlan& p, const float* x, const float* gy, float* gw) {
  using detail::load4;
  using detail::v4;
  const std::size_t C = g.in_channels, M = g.out_channels, KH = g.kernel_h, KW = g.kernel_w;
  const std::size_t taps = C * KH * KW, in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  const std::size_t row_floats = p.sw * p.phase_w;  // one padded row, all its phases
  std::vector<float> padded(C * p.padded_h * row_floats);
  std::vector<float> zero_row(g.out_w, 0.0f);
  const std::size_t blocks = (M + 3) / 4;
  std::vector<v4> acc(blocks * 4 * taps);
  std::vector<double> sums(M * taps, 0.0);
  const std::size_t tail = p.vectors * 4;
  for (std::size_t n = 0; n < g.batch; ++n) {
    // The image's zero-bordered rows, by column phase.
    std::fill(padded.begin(), padded.end(), 0.0f);
    for (std::size_t ic = 0; ic < C; ++ic) {
      for (std::size_t r = 0; r < p.padded_h; ++r) {
        const std::int64_t ih = std::int64_t(r) - g.padding[0];
        if (ih < 0 || ih >= std::int64_t(g.in_h)) continue;
        const float* src = x + (n * C + ic) * in_plane + std::size_t(ih) * g.in_w;
        float* dst = padded.data() + (ic * p.padded_h + r) * row_floats;
        for (std::size_t col = 0; col < p.sw * p.phase_w; ++col) {
          const std::int64_t iw = std::int64_t(col) - g.padding[1];
          if (iw < 0 || iw >= std::int64_t(g.in_w)) continue;
          dst[(col % p.sw) * p.phase_w + col / p.sw] = src[iw];
        }
      }
    }
    std::fill(acc.begin(), acc.end(), v4{});
    for (std::size_t oh = 0; oh < g.out_h; ++oh) {
      for (std::size_t b = 0; b < blocks; ++b) {
        const float* rows[4];
        for (std::size_t i = 0; i < 4; ++i) {
          const std::size_t oc = b * 4 + i;
          rows[i] = oc < M ? gy + (n * M + oc) * out_plane + oh * g.out_w : zero_row.data();
        }
        for (std::size_t ic = 0; ic < C; ++ic) {
          for (std::size_t kh = 0; kh < KH; ++kh) {
            const float* line = padded.data() + (ic * p.padded_h + oh * p.sh + kh) * row_floats;
            for (std::size_t kw0 = 0; kw0 < KW; kw0 += kRowTaps) {
              const std::size_t count = std::min(kRowTaps, KW - kw0);
              const float* in[kRowTaps];
              for (std::size_t t = 0; t < count; ++t) {
                const std::size_t kw = kw0 + t;
                in[t] = line + (kw % p.sw) * p.phase_w + kw / p.sw;
              }
              // acc index: ((block·4 + i)·taps + (ic·KH + kh)·KW + kw)
              v4* a = acc.data() + (b * 4) * taps + (ic * KH + kh) * KW + kw0;
              if (count == kRowTaps) {
                v4 a00 = a[0], a01 = a[1], a10 = a[taps], a11 = a[taps + 1];
                v4 a20 = a[2 * taps], a21 = a[2 * taps + 1], a30 = a[3 * taps], a31 = a[3 * taps + 1];
                for (std::size_t v = 0; v < tail; v += 4) {
                  const v4 x0 = load4(in[0] + v), x1 = load4(in[1] + v);
                  const v4 g0 = load4(rows[0] + v), g1 = load4(rows[1] + v);
                  const v4 g2 = load4(rows[2] + v), g3 = load4(rows[3] + v);
                  a00 += g0 * x0;
                  a01 += g0 * x1;
                  a10 += g1 * x0;
                  a11 += g1 * x1;
                  a20 += g2 * x0;
                  a21 += g2 * x1;
                  a30 += g3 * x0;
                  a31 += g3 * x1;
                }
                a[0] = a00, a[1] = a01, a[taps] = a10, a[taps + 1] = a11;
                a[2 * taps] = a20, a[2 * taps + 1] = a21, a[3 * taps] = a30, a[3 * taps + 1] = a31;
              } else {
                v4 a0 = a[0], a1 = a[taps], a2 = a[2 * taps], a3 = a[3 * taps];
                for (std::size_t v = 0; v < tail; v += 4) {
                  const v4 x0 = load4(in[0] + v);
                  a0 += load4(rows[0] + v) * x0;
                  a1 += load4(rows[1] + v) * x0;
                  a2 += load4(rows[2] + v) * x0;
                  a3 += load4(rows[3] + v) * x0;
                }
                a[0] = a0, a[taps] = a1, a[2 * taps] = a2, a[3 * taps] = a3;
              }
              // The columns past the last whole vector, straight into the sums.
              for (std::size_t ow = tail; ow < g.out_w; ++ow) {
                for (std::size_t i = 0; i < 4 && b * 4 + i < M; ++i) {
                  for (std::size_t t = 0; t < count; ++t) {
                    sums[(b * 4 + i) * taps + (ic * KH + kh) * KW + kw0 + t] += double(rows[i][ow] * in[t][ow]);
                  }
                }
              }
            }
          }
        }
      }
    }
    for (std::size_t oc = 0; oc < M; ++oc) {
      for (std::size_t t = 0; t < taps; ++t) {
        const v4 v = acc[oc * taps + t];
        sums[oc * taps + t] += double((v[0] + v[1]) + (v[2] + v[3]));
      }
    }
  }
  for (std::size_t i = 0; i < M * taps; ++i) gw[i] = static_cast<float>(sums[i]);
}

}  // namespace

// The weight gradient of conv2d in the geometry g (input x, output gradient
// gy, weight (out_channels, in_channels/groups, kH, kW)):
//   gw[oc][ic][kh][kw] = Σ_{n, oh, ow} gy[n][oc][oh][ow] · x[n][ic][oh·sh − ph + kh·dh][ow·sw − pw + kw·dw],
// zero where the index lands on the padding. As a matrix product per group:
// M = output channels, N = input channels × taps, K = every (image, output
// pixel), with x's patches as the rows of B (im2col) and gy as A. The sum
// runs over at most kWeightRows rows of K per product, in order.
void detail::weight_gradient(const ConvGeometry& g, const float* x, const float* gy, float* gw) {
  constexpr std::size_t P = detail::kPanelRows;
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t taps = g.kernel_h * g.kernel_w, N = group_in * taps;
  const std::size_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  if (const auto plan = row_plan(g)) return weight_gradient_rows(g, *plan, x, gy, gw);
  if (group_out < P) return weight_gradient_direct(g, x, gy, gw);
  std::fill_n(gw, g.out_channels * N, 0.0f);
  const std::size_t total = g.batch * out_plane;
  if (total == 0) return;
  // Rows of B per product: at most kWeightRows, and as many as keep B within
  // kColumnFloats (at least one, whatever a row's length).
  const std::size_t chunk = std::clamp<std::size_t>(detail::kColumnFloats / N, 1, std::min(total, kWeightRows));
  // At least one vector tile of columns per block.
  const std::size_t block = std::max<std::size_t>(8, kWeightBlockFloats / chunk / 8 * 8);
  std::vector<float> patches(chunk * N);
  std::vector<float> packed((group_out + P - 1) / P * P * chunk);
  std::vector<const float*> rows(chunk), b_rows(chunk);
  // As in conv2d_gemm: validated (or the transposed backward's) sizes bound
  // these int64 products; a stride or dilation that multiplies only 0 is not used.
  const std::int64_t sh = g.out_h > 1 ? g.stride[0] : 1, sw = g.out_w > 1 ? g.stride[1] : 1;
  const std::int64_t dh = g.kernel_h > 1 ? g.dilation[0] : 1, dw = g.kernel_w > 1 ? g.dilation[1] : 1;
  // Per output column, the kernel columns that land inside the input.
  std::vector<detail::Range> kw_valid(g.out_w);
  for (std::size_t ow = 0; ow < g.out_w; ++ow) {
    kw_valid[ow] = detail::valid_range(g.kernel_w, dw, std::int64_t(ow) * sw - g.padding[1], g.in_w);
  }
  for (std::size_t group = 0; group < g.groups; ++group) {
    for (std::size_t r0 = 0; r0 < total; r0 += chunk) {
      const std::size_t K = std::min(chunk, total - r0);
      // B: row k is the patch that output pixel r0 + k reads, (ic, kh, kw) in the weight's order.
      for (std::size_t k = 0; k < K; ++k) {
        const std::size_t n = (r0 + k) / out_plane, pixel = (r0 + k) % out_plane;
        const std::size_t oh = pixel / g.out_w, ow = pixel % g.out_w;
        const detail::Range valid = kw_valid[ow];
        const std::int64_t iw0 = std::int64_t(ow) * sw - g.padding[1];
        const float* image = x + (n * g.in_channels + group * group_in) * in_plane;
        float* row = patches.data() + k * N;
        rows[k] = row;
        for (std::size_t ic = 0; ic < group_in; ++ic) {
          for (std::size_t kh = 0; kh < g.kernel_h; ++kh, row += g.kernel_w) {
            const std::int64_t ih = std::int64_t(oh) * sh - g.padding[0] + std::int64_t(kh) * dh;
            if (ih < 0 || ih >= std::int64_t(g.in_h) || valid.begin == valid.end) {
              std::fill_n(row, g.kernel_w, 0.0f);
              continue;
            }
            const float* in_row = image + ic * in_plane + std::size_t(ih) * g.in_w;
            std::fill(row, row + valid.begin, 0.0f);
            for (std::size_t kw = valid.begin; kw < valid.end; ++kw) row[kw] = in_row[iw0 + std::int64_t(kw) * dw];
            std::fill(row + valid.end, row + g.kernel_w, 0.0f);
          }
        }
      }
      // A: gy's rows r0 … r0 + K of each output channel, in panels of P channels.
      std::fill(packed.begin(), packed.end(), 0.0f);
      for (std::size_t m = 0; m < group_out; ++m) {
        float* panel = packed.data() + (m / P) * K * P + m % P;
        for (std::size_t k = 0; k < K;) {
          const std::size_t n = (r0 + k) / out_plane, pixel = (r0 + k) % out_plane;
          const std::size_t run = std::min(K - k, out_plane - pixel);  // the rest of this image's plane
          const float* src = gy + (n * g.out_channels + group * group_out + m) * out_plane + pixel;
          for (std::size_t i = 0; i < run; ++i) panel[(k + i) * P] = src[i];
          k += run;
        }
      }
      float* c = gw + group * group_out * N;
      for (std::size_t j0 = 0; j0 < N; j0 += block) {
        for (std::size_t k = 0; k < K; ++k) b_rows[k] = rows[k] + j0;
        detail::gemm_packed(group_out, std::min(block, N - j0), K, packed.data(), b_rows.data(), c + j0, N);
      }
    }
  }
}

// The conv2d whose adjoint conv_transpose2d(x, w) is, in g's terms: its input
// is the transposed convolution's output (grad_output's shape) and its output
// the transposed convolution's input. Its output size is the input's, which
// may be fewer rows than conv2d's formula gives when output_padding reaches a
// stride (those rows would only see the extra output rows, which the input
// never reached).
ConvGeometry detail::adjoint_conv2d(const ConvGeometry& g) {
  ConvGeometry a = g;
  a.in_channels = g.out_channels;
  a.in_h = g.out_h;
  a.in_w = g.out_w;
  a.out_channels = g.in_channels;
  a.out_h = g.in_h;
  a.out_w = g.in_w;
  return a;
}

void detail::bias_gradient(const ConvGeometry& g, const float* grad_output, float* gb) noexcept {
  const std::size_t plane = g.out_h * g.out_w;
  for (std::size_t c = 0; c < g.out_channels; ++c) {
    double sum = 0;
    for (std::size_t n = 0; n < g.batch; ++n) {
      const float* p = grad_output + (n * g.out_channels + c) * plane;
      for (std::size_t i = 0; i < plane; ++i) sum += p[i];
    }
    gb[c] = static_cast<float>(sum);
  }
}

// conv2d's input gradient is the transposed convolution of gy; at stride 1
// (no dilation, one group) that is itself a conv2d: the kernel turned by 180°,
// input and output channels swapped, padding k − 1 − p. conv2d_compute then
// runs it with conv2d's fused kernels, on buffers the caller owns.
void detail::conv2d_input_gradient(const ConvGeometry& g, const float* gy, const float* weight, float* flipped,
                                   float* gx) {
  const std::size_t kh = g.kernel_h, kw = g.kernel_w, taps = kh * kw;
  for (std::size_t oc = 0; oc < g.out_channels; ++oc) {
    for (std::size_t ic = 0; ic < g.in_channels; ++ic) {
      const float* src = weight + (oc * g.in_channels + ic) * taps;
      float* dst = flipped + (ic * g.out_channels + oc) * taps;
      for (std::size_t t = 0; t < taps; ++t) dst[t] = src[taps - 1 - t];
    }
  }
  ConvGeometry a = g;
  a.in_channels = g.out_channels;
  a.in_h = g.out_h;
  a.in_w = g.out_w;
  a.out_channels = g.in_channels;
  a.out_h = g.in_h;
  a.out_w = g.in_w;
  a.padding = {std::int64_t(kh) - 1 - g.padding[0], std::int64_t(kw) - 1 - g.padding[1]};
  detail::conv2d_compute(a, gy, flipped, nullptr, gx);
}

ConvGradients conv2d_backward(const xt::xarray<float>& grad_output, const xt::xarray<float>& input,
                              const xt::xarray<float>& weight, const Conv2dParams& params) {
  const ConvGeometry g = detail::conv2d_geometry(kConv2dBackward, input, weight, std::nullopt, params);
  check_grad_output(kConv2dBackward, "conv2d", grad_output, g, input, weight);
  ConvTranspose2dParams transposed;
  transposed.stride = params.stride;
  transposed.padding = params.padding;
  transposed.dilation = params.dilation;
  transposed.groups = params.groups;
  // The rows (columns) conv2d's floor dropped: below the stride, so torch's
  // output_padding rule holds, and they make the size the input's.
  const std::size_t in_size[2] = {g.in_h, g.in_w}, out_size[2] = {g.out_h, g.out_w};
  const std::size_t kernel[2] = {g.kernel_h, g.kernel_w};
  for (int d = 0; d < 2; ++d) {
    const Wide reached = Wide(out_size[d] - 1) * params.stride[d] - 2 * Wide(params.padding[d]) +
                         Wide(params.dilation[d]) * Wide(kernel[d] - 1) + 1;
    transposed.output_padding[d] = std::int64_t(Wide(in_size[d]) - reached);
  }
  ConvGradients result;
  result.grad_input = conv_transpose2d(grad_output, weight, std::nullopt, transposed);
  result.grad_weight = xt::xarray<float>::from_shape(shape_of(weight));
  detail::weight_gradient(g, input.data(), grad_output.data(), result.grad_weight.data());
  result.grad_bias = bias_gradient(g, grad_output.data());
  return result;
}

ConvGradients conv_transpose2d_backward(const xt::xarray<float>& grad_output, const xt::xarray<float>& input,
                                        const xt::xarray<float>& weight, const ConvTranspose2dParams& params) {
  const ConvGeometry g =
      detail::conv_transpose2d_geometry(kConvTranspose2dBackward, input, weight, std::nullopt, params);
  check_grad_output(kConvTranspose2dBackward, "conv_transpose2d", grad_output, g, input, weight);
  const ConvGeometry adjoint = detail::adjoint_conv2d(g);
  ConvGradients result;
  result.grad_input = xt::xarray<float>::from_shape(shape_of(input));
  if (result.grad_input.size() != 0) {
    detail::conv2d_compute(adjoint, grad_output.data(), weight.data(), nullptr, result.grad_input.data());
  }
  // The weight (C_in, C_out/groups, kH, kW) is the adjoint conv2d's weight
  // layout (out_channels, in_channels/groups, kH, kW): its gradient is that
  // conv2d's, with grad_output as the input and the input as the output gradient.
  result.grad_weight = xt::xarray<float>::from_shape(shape_of(weight));
  detail::weight_gradient(adjoint, grad_output.data(), input.data(), result.grad_weight.data());
  result.grad_bias = bias_gradient(g, grad_output.data());
  return result;
}

}  // namespace tconv
