#include "tconv/conv.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "gemm.hpp"
#include "geometry.hpp"
#include "simd.hpp"

namespace tconv {

using detail::format_wide;
using detail::format_wide_pair;
using detail::Wide;

namespace {

constexpr std::string_view kConv2d = "conv2d";
constexpr std::string_view kConvTranspose2d = "conv_transpose2d";

// Everything a direct loop needs, after validation.
struct ConvGeometry {
  std::size_t batch, in_channels, out_channels, groups;
  std::size_t in_h, in_w, out_h, out_w, kernel_h, kernel_w;
  Pair stride, padding, dilation;
  bool unbatched;
};

Shape shape_of(const xt::xarray<float>& tensor) { return Shape(tensor.shape().begin(), tensor.shape().end()); }

void check_input_rank(std::string_view function, const xt::xarray<float>& input) {
  if (input.dimension() != 3 && input.dimension() != 4) {
    fail(function, "input must be 3-D (C, H, W) or 4-D (N, C, H, W), got " + std::to_string(input.dimension()) +
                       "-D shape " + format_shape(shape_of(input)));
  }
}

void check_weight_rank(std::string_view function, const xt::xarray<float>& weight, const char* layout) {
  if (weight.dimension() != 4) {
    fail(function, std::string("weight must be 4-D ") + layout + ", got " + std::to_string(weight.dimension()) +
                       "-D shape " + format_shape(shape_of(weight)));
  }
}

void check_nonempty(std::string_view function, std::string_view what, const xt::xarray<float>& tensor,
                    std::size_t first_dim) {
  // The batch may be empty, as in torch; channels and spatial sizes may not.
  for (std::size_t d = first_dim; d < tensor.dimension(); ++d) {
    if (tensor.shape()[d] == 0) {
      fail(function, std::string(what) + " shape " + format_shape(shape_of(tensor)) + " has an empty dimension");
    }
  }
}

// `channels_from` says where the output channel count comes from, when more
// than one argument sets it.
void check_bias(std::string_view function, const std::optional<xt::xarray<float>>& bias, std::size_t out_channels,
                const std::string& channels_from = "") {
  if (!bias) return;
  if (bias->dimension() != 1 || bias->size() != out_channels) {
    fail(function,
         "bias must have " + std::to_string(out_channels) + " elements (one per output channel" + channels_from +
             "), got " +
             (bias->dimension() == 1 ? std::to_string(bias->size()) : "shape " + format_shape(shape_of(*bias))));
  }
}

// Validates ranks, groups and emptiness, and reads the sizes both directions
// share. groups stays an int64 until it is known to divide the channels.
ConvGeometry describe(std::string_view function, const xt::xarray<float>& input, const xt::xarray<float>& weight,
                      std::int64_t groups, const char* weight_layout) {
  check_input_rank(function, input);
  check_weight_rank(function, weight, weight_layout);
  check_integer(function, "groups", groups, Rule::positive);
  check_nonempty(function, "input", input, input.dimension() - 3);
  check_nonempty(function, "weight", weight, 0);
  ConvGeometry g{};
  g.unbatched = input.dimension() == 3;
  const std::size_t off = g.unbatched ? 0 : 1;
  g.batch = g.unbatched ? 1 : input.shape()[0];
  g.in_channels = input.shape()[off];
  g.in_h = input.shape()[off + 1];
  g.in_w = input.shape()[off + 2];
  g.kernel_h = weight.shape()[2];
  g.kernel_w = weight.shape()[3];
  return g;
}

void set_output(ConvGeometry& g, const Pair& out, const Pair& stride, const Pair& padding, const Pair& dilation) {
  g.out_h = static_cast<std::size_t>(out[0]);
  g.out_w = static_cast<std::size_t>(out[1]);
  g.stride = stride;
  g.padding = padding;
  g.dilation = dilation;
}

Shape output_shape(const ConvGeometry& g) {
  if (g.unbatched) return {g.out_channels, g.out_h, g.out_w};
  return {g.batch, g.out_channels, g.out_h, g.out_w};
}

// The output tensor, uninitialised: the fused kernels write every pixel once
// (bias + sum), which saves a pass over an output that can be much larger
// than the input. Paths that accumulate start from fill_bias.
xt::xarray<float> allocate_output(std::string_view function, const ConvGeometry& g, const std::string& cause) {
  const Shape shape = output_shape(g);
  checked_element_count(function, "output", shape, cause);
  return xt::xarray<float>::from_shape(shape);
}

// Sets every output plane to its bias (or zero), for the loops that accumulate.
void fill_bias(const ConvGeometry& g, const float* bias, float* out) {
  const std::size_t plane = g.out_h * g.out_w;
  for (std::size_t n = 0; n < g.batch; ++n) {
    for (std::size_t c = 0; c < g.out_channels; ++c) {
      std::fill_n(out + (n * g.out_channels + c) * plane, plane, bias ? bias[c] : 0.0f);
    }
  }
}

// How a transposed convolution splits into dense sub-convolutions, one per
// phase. Along each axis, output index o (phase o mod stride) receives the
// kernel taps k with o + padding − k·dilation a multiple of the stride; the
// phase's i-th output, o = phase + i·stride, reads input index i + rel(k).
// Only phases that some tap reaches are listed, and only taps that reach the
// input for at least one output of their phase (the others would add w·0
// everywhere), so the plan is O(kernel) whatever the stride or padding: a
// stride of 10^9 has at most one phase per output row, and most have no tap.
// The border then makes every read land in a zero-padded copy of the input
// (plus `slack` columns for vector over-reads), and it is at most the phase's
// length on either side.
struct Phase {
  std::size_t index;              // its first output row or column
  std::size_t count;              // its outputs: index, index + stride, ... below the output size
  std::vector<std::size_t> taps;  // kernel rows or columns, ascending
  std::vector<std::int64_t> rel;  // per tap: the input index its first output reads
};

struct PhasePlan {
  // min(stride, output size): the step between outputs of one phase (an
  // output's phase is its index modulo this), exact as a size_t in wasm too.
  std::size_t period_h, period_w;
  std::vector<Phase> rows, cols;  // by index
  std::int64_t top = 0, left = 0;
  std::size_t padded_h = 0, padded_w = 0;

  /// Row phase r, or null when no tap reaches it (only bias).
  const Phase* row_phase(std::size_t r) const {
    const auto it = std::lower_bound(rows.begin(), rows.end(), r,
                                     [](const Phase& p, std::size_t value) { return p.index < value; });
    return it != rows.end() && it->index == r ? &*it : nullptr;
  }
};

std::int64_t exact_div(std::int64_t v, std::int64_t m) { return v >= 0 ? v / m : -((-v) / m); }

// The phases of one axis, and the border they read before and after the input.
// |k·dilation − padding| < 2^56: the validated output size bounds dilation·(kernel − 1).
std::vector<Phase> plan_axis(std::size_t in, std::size_t out, std::size_t kernel, std::int64_t stride,
                             std::int64_t padding, std::int64_t dilation, std::int64_t& before, std::int64_t& after) {
  struct Tap {
    std::int64_t phase, rel;
    std::size_t k;
  };
  std::vector<Tap> taps;
  for (std::size_t k = 0; k < kernel; ++k) {
    const std::int64_t v = std::int64_t(k) * dilation - padding;  // output phase + padding − k·dilation ≡ 0
    const std::int64_t phase = (v % stride + stride) % stride;
    if (phase >= std::int64_t(out)) continue;  // beyond the output
    const std::int64_t count = (std::int64_t(out) - phase - 1) / stride + 1;
    const std::int64_t rel = exact_div(phase - v, stride);
    if (rel > std::int64_t(in) - 1 || rel + count - 1 < 0) continue;  // reads only the zero border
    taps.push_back({phase, rel, k});
  }
  std::stable_sort(taps.begin(), taps.end(), [](const Tap& a, const Tap& b) { return a.phase < b.phase; });
  std::vector<Phase> phases;
  for (const Tap& t : taps) {
    if (phases.empty() || phases.back().index != std::size_t(t.phase)) {
      const std::size_t count = std::size_t((std::int64_t(out) - t.phase - 1) / stride + 1);
      phases.push_back({std::size_t(t.phase), count, {}, {}});
    }
    Phase& p = phases.back();
    p.taps.push_back(t.k);
    p.rel.push_back(t.rel);
    before = std::max(before, -t.rel);
    after = std::max(after, t.rel + std::int64_t(p.count) - std::int64_t(in));
  }
  return phases;
}

PhasePlan plan_phases(const ConvGeometry& g, std::size_t slack) {
  PhasePlan plan;
  plan.period_h = std::size_t(std::min<std::int64_t>(g.stride[0], std::int64_t(g.out_h)));
  plan.period_w = std::size_t(std::min<std::int64_t>(g.stride[1], std::int64_t(g.out_w)));
  std::int64_t bottom = 0, right = 0;
  plan.rows = plan_axis(g.in_h, g.out_h, g.kernel_h, g.stride[0], g.padding[0], g.dilation[0], plan.top, bottom);
  plan.cols = plan_axis(g.in_w, g.out_w, g.kernel_w, g.stride[1], g.padding[1], g.dilation[1], plan.left, right);
  plan.padded_h = g.in_h + std::size_t(plan.top + bottom);
  plan.padded_w = g.in_w + std::size_t(plan.left + right) + slack;
  return plan;
}

// Copies one image's group of input channels into the plan's zero-bordered layout.
void pad_input(const PhasePlan& plan, const ConvGeometry& g, const float* in_data, std::size_t n, std::size_t group,
               std::vector<float>& padded) {
  const std::size_t group_in = g.in_channels / g.groups;
  padded.assign(group_in * plan.padded_h * plan.padded_w, 0.0f);
  for (std::size_t icg = 0; icg < group_in; ++icg) {
    const float* src = in_data + (n * g.in_channels + group * group_in + icg) * g.in_h * g.in_w;
    for (std::size_t ih = 0; ih < g.in_h; ++ih) {
      std::copy_n(src + ih * g.in_w, g.in_w,
                  padded.begin() + std::ptrdiff_t((icg * plan.padded_h + ih + std::size_t(plan.top)) * plan.padded_w +
                                                  std::size_t(plan.left)));
    }
  }
}

// Few-channel layers (images): per output row, column phase and block of up
// to four output channels, 8 phase columns accumulate in registers over every
// (input channel, tap); each loaded input vector serves all the block's
// channels. Each output pixel is written once; nothing multiplies an inserted
// zero.
// The taps of one (output row, column phase): input row pointers (at the
// phase's first column) and weight offsets, computed once per strip.
struct PhaseTaps {
  std::vector<const float*> rows;
  std::vector<std::size_t> weights;
};

// Accumulates one column phase of OCB output rows into contiguous buffers
// (phase_rows[b], at least count rounded up to 8 long).
template <std::size_t OCB>
void transposed_phase_block(const PhaseTaps& taps, std::size_t count, const float* w_block, std::size_t kernel_plane,
                            float* const* phase_rows) {
  using detail::v4;
  const std::size_t n = taps.rows.size();
  for (std::size_t q0 = 0; q0 < count; q0 += 8) {
    v4 acc[OCB][2];
    for (std::size_t b = 0; b < OCB; ++b) acc[b][0] = acc[b][1] = detail::splat4(0.0f);
    for (std::size_t t = 0; t < n; ++t) {
      const float* p = taps.rows[t] + q0;
      const v4 x0 = detail::load4(p), x1 = detail::load4(p + 4);
      const float* w = w_block + taps.weights[t];
      for (std::size_t b = 0; b < OCB; ++b) {
        const v4 wv = detail::splat4(w[b * kernel_plane]);
        acc[b][0] += wv * x0;
        acc[b][1] += wv * x1;
      }
    }
    for (std::size_t b = 0; b < OCB; ++b) {
      detail::store4(phase_rows[b] + q0, acc[b][0]);
      detail::store4(phase_rows[b] + q0 + 4, acc[b][1]);
    }
  }
}

void conv_transpose2d_direct_phases(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t kernel_plane = g.kernel_h * g.kernel_w;
  const PhasePlan plan = plan_phases(g, 8);
  const std::size_t phase_count = plan.cols.size();
  // Per column phase and channel of a block: a contiguous row of results,
  // rounded up to whole 8-float vectors, at start[phase] of the channel's buffer.
  std::vector<std::size_t> start(phase_count + 1, 0);
  for (std::size_t j = 0; j < phase_count; ++j) start[j + 1] = start[j] + (plan.cols[j].count + 7) / 8 * 8;
  const std::size_t channel_len = start[phase_count];
  std::vector<float> padded, phases(4 * channel_len);
  std::vector<PhaseTaps> phase_taps(phase_count);
  for (std::size_t n = 0; n < g.batch; ++n) {
    for (std::size_t group = 0; group < g.groups; ++group) {
      pad_input(plan, g, in_data, n, group, padded);
      const float* w_group = w_data + group * group_in * group_out * kernel_plane;  // [group_in][group_out][kH][kW]
      for (std::size_t oh = 0; oh < g.out_h; ++oh) {
        const Phase* row = plan.row_phase(oh % plan.period_h);
        if (!row) continue;  // only bias reaches this row
        const std::int64_t i = std::int64_t(oh / plan.period_h);
        for (std::size_t j = 0; j < phase_count; ++j) {
          const Phase& col = plan.cols[j];
          PhaseTaps& taps = phase_taps[j];
          taps.rows.clear();
          taps.weights.clear();
          for (std::size_t icg = 0; icg < group_in; ++icg) {
            for (std::size_t a = 0; a < row->taps.size(); ++a) {
              const std::size_t ih = std::size_t(row->rel[a] + i + plan.top);
              const float* in_row = padded.data() + (icg * plan.padded_h + ih) * plan.padded_w + std::size_t(plan.left);
              for (std::size_t b = 0; b < col.taps.size(); ++b) {
                taps.rows.push_back(in_row + col.rel[b]);
                taps.weights.push_back(icg * group_out * kernel_plane + row->taps[a] * g.kernel_w + col.taps[b]);
              }
            }
          }
        }
        for (std::size_t oc0 = 0; oc0 < group_out; oc0 += 4) {
          const std::size_t block = std::min<std::size_t>(4, group_out - oc0);
          const float* w_block = w_group + oc0 * kernel_plane;
          for (std::size_t j = 0; j < phase_count; ++j) {
            float* bufs[4];
            for (std::size_t b = 0; b < block; ++b) bufs[b] = phases.data() + b * channel_len + start[j];
            const std::size_t count = plan.cols[j].count;
            switch (block) {
              case 4:
                transposed_phase_block<4>(phase_taps[j], count, w_block, kernel_plane, bufs);
                break;
              case 3:
                transposed_phase_block<3>(phase_taps[j], count, w_block, kernel_plane, bufs);
                break;
              case 2:
                transposed_phase_block<2>(phase_taps[j], count, w_block, kernel_plane, bufs);
                break;
              default:
                transposed_phase_block<1>(phase_taps[j], count, w_block, kernel_plane, bufs);
                break;
            }
          }
          // Interleave the phases back: column c + q·stride gets phase c's q-th value.
          for (std::size_t b = 0; b < block; ++b) {
            float* out_row = out_data + ((n * g.out_channels + group * group_out + oc0 + b) * g.out_h + oh) * g.out_w;
            for (std::size_t j = 0; j < phase_count; ++j) {
              const float* values = phases.data() + b * channel_len + start[j];
              float* out = out_row + plan.cols[j].index;
              for (std::size_t q = 0; q < plan.cols[j].count; ++q) out[q * plan.period_w] += values[q];
            }
          }
        }
      }
    }
  }
}

// The fused kernels read zero-bordered input rows from a band buffer: the
// padded rows [first, first + rows) of `channels` consecutive input planes,
// laid out [channel][row][padded_w], input row p − top starting at column
// `left`, zeros around it. Bands of output rows small enough for this buffer
// to stay in L2 replace a zero-bordered copy of the whole input, which cost a
// fill and a copy through memory (0.8 ms of 4.1 for a 3×1024×1024 conv2d).
constexpr std::size_t kBandFloats = std::size_t{64} << 10;  // 256 KB

// Row oh of output channels [oc, oc + count) of image n, and their biases
// (zero without a bias): what the fused kernels write one block at a time.
inline void output_block(const ConvGeometry& g, float* out_data, const float* bias, std::size_t n, std::size_t oc,
                         std::size_t count, std::size_t oh, float** rows, float* biases) {
  for (std::size_t b = 0; b < count; ++b) {
    rows[b] = out_data + ((n * g.out_channels + oc + b) * g.out_h + oh) * g.out_w;
    biases[b] = bias ? bias[oc + b] : 0.0f;
  }
}

void copy_band(const float* src, std::size_t channels, std::size_t in_h, std::size_t in_w, std::size_t top,
               std::size_t left, std::size_t padded_w, std::size_t first, std::size_t rows, float* dst) {
  for (std::size_t c = 0; c < channels; ++c) {
    for (std::size_t j = 0; j < rows; ++j) {
      float* d = dst + (c * rows + j) * padded_w;
      const std::size_t p = first + j;
      if (p < top || p - top >= in_h) {
        std::fill_n(d, padded_w, 0.0f);
        continue;
      }
      std::fill_n(d, left, 0.0f);
      std::copy_n(src + (c * in_h + p - top) * in_w, in_w, d + left);
      std::fill_n(d + left + in_w, padded_w - left - in_w, 0.0f);
    }
  }
}

// Column strides 1 and 2 (image upsampling): no phase buffers. For each
// output row and block of OCB output channels, the S column phases of W = 4·NV
// consecutive phase columns accumulate in registers over every (input channel,
// tap); the phases are then interleaved by shuffles into S·W consecutive output
// pixels, which are written once as bias + sum. Every pixel of a row phase
// sums the same taps in the same order whatever its row or column block, so a
// band of rows computed on its own is bit-identical to the same rows of a
// whole image (the upsampler relies on that).
struct FusedTaps {
  std::vector<std::size_t>
      offsets;  // per tap: its input row (at phase column 0) from the row's base in the band buffer
  std::vector<std::vector<float>> weights;  // per channel block: [tap][channel of the block]
};

template <std::size_t OCB, std::size_t NV, std::size_t S, std::size_t T>
void transposed_row_fused(const float* base, const FusedTaps* const* taps, std::size_t block, std::size_t out_w,
                          const float* bias, float* const* out_rows) noexcept {
  using detail::v4;
  constexpr std::size_t W = 4 * NV, PIX = S * W;
  const float* weights[S];
  std::size_t count[S];
  for (std::size_t c = 0; c < S; ++c) {
    weights[c] = taps[c]->weights[block].data();
    count[c] = T ? T : taps[c]->offsets.size();
  }
  const std::size_t* offsets[S];
  for (std::size_t c = 0; c < S; ++c) offsets[c] = taps[c]->offsets.data();
  for (std::size_t ow0 = 0; ow0 < out_w; ow0 += PIX) {
    const std::size_t q0 = ow0 / S;
    v4 acc[S][OCB][NV];
    for (std::size_t c = 0; c < S; ++c) {
      const float* w = weights[c];
      if (count[c] == 0) {  // only the bias reaches this phase
        for (std::size_t b = 0; b < OCB; ++b)
          for (std::size_t v = 0; v < NV; ++v) acc[c][b][v] = detail::splat4(0.0f);
        continue;
      }
      // Each sum starts from its first product (see transposed_row_single4).
      {
        const float* p = base + offsets[c][0] + q0;
        v4 x[NV];
        for (std::size_t v = 0; v < NV; ++v) x[v] = detail::load4(p + 4 * v);
        for (std::size_t b = 0; b < OCB; ++b) {
          const v4 wv = detail::splat4(w[b]);
          for (std::size_t v = 0; v < NV; ++v) acc[c][b][v] = wv * x[v];
        }
      }
      w += OCB;
      for (std::size_t t = 1; t < (T ? T : count[c]); ++t, w += OCB) {
        const float* p = base + offsets[c][t] + q0;
        v4 x[NV];
        for (std::size_t v = 0; v < NV; ++v) x[v] = detail::load4(p + 4 * v);
        for (std::size_t b = 0; b < OCB; ++b) {
          const v4 wv = detail::splat4(w[b]);
          for (std::size_t v = 0; v < NV; ++v) acc[c][b][v] += wv * x[v];
        }
      }
    }
    for (std::size_t b = 0; b < OCB; ++b) {
      const v4 bv = detail::splat4(bias[b]);
      v4 out[S * NV];
      for (std::size_t v = 0; v < NV; ++v) {
        if constexpr (S == 1) {
          out[v] = bv + acc[0][b][v];
        } else {
          out[2 * v] = bv + detail::interleave_low(acc[0][b][v], acc[1][b][v]);
          out[2 * v + 1] = bv + detail::interleave_high(acc[0][b][v], acc[1][b][v]);
        }
      }
      if (ow0 + PIX <= out_w) {
        for (std::size_t i = 0; i < S * NV; ++i) detail::store4(out_rows[b] + ow0 + 4 * i, out[i]);
      } else {
        float spill[PIX];
        for (std::size_t i = 0; i < S * NV; ++i) detail::store4(spill + 4 * i, out[i]);
        std::copy_n(spill, out_w - ow0, out_rows[b] + ow0);
      }
    }
  }
}

// Single channel, stride 2, four taps per column phase (kernel 4: the image
// upsampler's ×2, depthwise layers): the eight weights stay in registers and
// each step computes 2 × 4 phase columns with no loop over taps (compute
// only, wasm, 3×512×512 → 3×1024×1024 depthwise: 1.15 → 1.03 ms; two steps at
// once spill: 1.14 ms). With padding 1 each kernel row reads three
// consecutive input vectors, shared by both phases: six loads per step at
// constant offsets from two row pointers (1.03 → 0.87 ms).
// The additions are transposed_row_fused's, in the same order, so the two
// give identical bits. Both start each sum from its first product instead of
// 0 + that product (one addition less per vector: 0.87 → 0.83 ms here, 3 % on
// a 3 → 3 conv2d); that can only change the sign of an all-zero sum, which
// adding the bias (+0 without one) then makes +0 again, unless the bias is −0.
template <bool Rows>
void transposed_row_single4_loop(const float* const* p, const detail::v4* w, detail::v4 bv, std::size_t out_w,
                                 float* out) noexcept {
  using detail::v4;
  const float* row_a = p[1];  // Rows: p[1] + {0, 1, 2} = p[1], p[0] = p[5], p[4]
  const float* row_b = p[3];  //       p[3] + {0, 1, 2} = p[3], p[2] = p[7], p[6]
  // Output pixels [ow0, ow0 + 8): phase columns [ow0 / 2, ow0 / 2 + 4).
  const auto step = [&](std::size_t ow0, v4& low, v4& high) {
    const std::size_t q = ow0 / 2;
    v4 x[8];
    if constexpr (Rows) {
      x[1] = detail::load4(row_a + q);
      x[0] = x[5] = detail::load4(row_a + q + 1);
      x[4] = detail::load4(row_a + q + 2);
      x[3] = detail::load4(row_b + q);
      x[2] = x[7] = detail::load4(row_b + q + 1);
      x[6] = detail::load4(row_b + q + 2);
    } else {
      for (std::size_t t = 0; t < 8; ++t) x[t] = detail::load4(p[t] + q);
    }
    v4 e = w[0] * x[0], o = w[4] * x[4];
    for (std::size_t t = 1; t < 4; ++t) e += w[t] * x[t];
    for (std::size_t t = 5; t < 8; ++t) o += w[t] * x[t];
    low = bv + detail::interleave_low(e, o);
    high = bv + detail::interleave_high(e, o);
  };
  // Full steps in a loop with no tail test (6 % faster), then the partial one.
  std::size_t ow0 = 0;
  for (; ow0 + 8 <= out_w; ow0 += 8) {
    v4 low, high;
    step(ow0, low, high);
    detail::store4(out + ow0, low);
    detail::store4(out + ow0 + 4, high);
  }
  if (ow0 < out_w) {
    v4 low, high;
    step(ow0, low, high);
    float spill[8];
    detail::store4(spill, low);
    detail::store4(spill + 4, high);
    std::copy_n(spill, out_w - ow0, out + ow0);
  }
}

void transposed_row_single4(const float* base, const FusedTaps* const* taps, std::size_t block, std::size_t out_w,
                            const float* bias, float* const* out_rows) noexcept {
  const float* p[8];
  detail::v4 w[8];
  for (std::size_t c = 0; c < 2; ++c) {
    for (std::size_t t = 0; t < 4; ++t) {
      p[4 * c + t] = base + taps[c]->offsets[t];
      w[4 * c + t] = detail::splat4(taps[c]->weights[block][t]);
    }
  }
  const bool rows =
      p[5] == p[0] && p[7] == p[2] && p[0] == p[1] + 1 && p[4] == p[1] + 2 && p[2] == p[3] + 1 && p[6] == p[3] + 2;
  if (rows) {
    transposed_row_single4_loop<true>(p, w, detail::splat4(bias[0]), out_w, out_rows[0]);
  } else {
    transposed_row_single4_loop<false>(p, w, detail::splat4(bias[0]), out_w, out_rows[0]);
  }
}

// The kernel for each channel block size, called through a table read as
// volatile: an indirect call the compilers cannot resolve keeps wasm-opt from
// inlining the kernels (each has a single caller) into one huge function, for
// which V8 falls back to its simpler register allocator and spills the
// accumulators (measured: 2× slower; LLVM folds a plain constant table of two
// entries into direct calls). The kernels are noexcept: with -fexceptions a
// call that may throw, from a function with destructors to run, goes through
// a JavaScript invoke_* wrapper, once per row.
// Vectors per phase (NV): the S·OCB·NV accumulators fit V8's 15 free xmm
// registers with room for the input vectors and a weight.
// Blocks of several channels with 8–16 taps per column phase (kernel 4,
// stride 2, 2–4 input channels) get a compile-time tap count (clang unrolls
// the loop by two without a remainder): 10 % faster on 3 → 3 channels.
// Single channels do not: unrolled, LLVM hoists all the loads of a block
// ahead of the arithmetic and V8 spills them (1.2 → 2.1 ms); four taps get
// transposed_row_single4 instead.
using FusedRowKernel = void (*)(const float*, const FusedTaps* const*, std::size_t, std::size_t, const float*,
                                float* const*) noexcept;
template <std::size_t S, std::size_t T>
struct FusedKernels {
  static constexpr std::size_t nv2 = S == 1 ? 4 : 2, nv4 = S == 1 ? 2 : 1;
  static inline const volatile FusedRowKernel table[4] = {
      transposed_row_fused<1, 4, S, 0>, transposed_row_fused<2, nv2, S, T>, transposed_row_fused<3, 2, S, T>,
      transposed_row_fused<4, nv4, S, T>};
};

template <std::size_t S>
void transposed_row_fused_any(const float* base, const FusedTaps* const* taps, std::size_t block,
                              std::size_t block_size, std::size_t out_w, const float* bias, float* const* out_rows) {
  std::size_t same = taps[0]->offsets.size();  // the taps per column phase, if equal
  for (std::size_t c = 1; c < S; ++c)
    if (taps[c]->offsets.size() != same) same = 0;
  if constexpr (S == 2) {
    static const volatile FusedRowKernel single4 = transposed_row_single4;
    if (same == 4 && block_size == 1) return single4(base, taps, block, out_w, bias, out_rows);
  }
  const volatile FusedRowKernel* table = same == 8    ? FusedKernels<S, 8>::table
                                         : same == 12 ? FusedKernels<S, 12>::table
                                         : same == 16 ? FusedKernels<S, 16>::table
                                                      : FusedKernels<S, 0>::table;
  table[block_size - 1](base, taps, block, out_w, bias, out_rows);
}

constexpr std::size_t kFusedSlack = 16;  // the widest block's phase columns

void conv_transpose2d_direct_fused(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                                   float* out_data) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t kernel_plane = g.kernel_h * g.kernel_w;
  const PhasePlan plan = plan_phases(g, kFusedSlack);
  const std::size_t sh = plan.period_h, sw = std::size_t(g.stride[1]);  // sw is 1 or 2 here
  const std::size_t blocks = (group_out + 3) / 4;
  // Output row oh = r + i·sh (row phase r) reads padded rows i + rel(r, kh).
  // A band of output rows [oh0, oh0 + band), oh0 and band multiples of sh,
  // reads padded rows [oh0/sh, oh0/sh + band/sh + max rel).
  std::size_t max_rel = 0;
  for (const Phase& row : plan.rows) {
    for (std::int64_t rel : row.rel) max_rel = std::max(max_rel, std::size_t(rel + plan.top));
  }
  const std::size_t budget_rows = kBandFloats / (group_in * plan.padded_w);
  // No more rows than the output has (a 4×4 explainer call must not fill
  // 256 KB), and at least max_rel steps: each band copies max_rel rows beyond
  // its own, so fewer would copy the input over and over (dilation 20000: 2.6 s).
  const std::size_t out_steps = (g.out_h + sh - 1) / sh;
  const std::size_t band =
      sh * std::min(out_steps, std::max<std::size_t>({1, max_rel, budget_rows > max_rel ? budget_rows - max_rel : 1}));
  const std::size_t band_rows = band / sh + max_rel;
  std::vector<float> buffer(group_in * band_rows * plan.padded_w);
  std::vector<float> bias_block(4);
  // Taps of each (row phase, column phase), [row phase][sw]; the offsets hold
  // for the phase's first output row in the band, later rows of the phase
  // start padded_w floats further per step. Rows and columns no tap reaches
  // get `none`: their pixels are the bias.
  std::vector<FusedTaps> taps(plan.rows.size() * sw);
  FusedTaps none;
  none.weights.assign(blocks, {});
  const Phase* cols[2] = {nullptr, nullptr};
  for (const Phase& col : plan.cols) cols[col.index] = &col;
  for (std::size_t group = 0; group < g.groups; ++group) {
    const float* w_group = w_data + group * group_in * group_out * kernel_plane;  // [group_in][group_out][kH][kW]
    for (std::size_t ri = 0; ri < plan.rows.size(); ++ri) {
      const Phase& row = plan.rows[ri];
      for (std::size_t c = 0; c < sw; ++c) {
        FusedTaps& ft = taps[ri * sw + c];
        ft.offsets.clear();
        ft.weights.assign(blocks, {});
        if (!cols[c]) continue;
        const Phase& col = *cols[c];
        for (std::size_t icg = 0; icg < group_in; ++icg) {
          for (std::size_t a = 0; a < row.taps.size(); ++a) {
            const std::size_t ih = std::size_t(row.rel[a] + plan.top);
            for (std::size_t j = 0; j < col.taps.size(); ++j) {
              ft.offsets.push_back((icg * band_rows + ih) * plan.padded_w + std::size_t(plan.left + col.rel[j]));
              for (std::size_t blk = 0; blk < blocks; ++blk) {
                for (std::size_t b = 4 * blk; b < std::min(group_out, 4 * blk + 4); ++b) {
                  ft.weights[blk].push_back(
                      w_group[(icg * group_out + b) * kernel_plane + row.taps[a] * g.kernel_w + col.taps[j]]);
                }
              }
            }
          }
        }
      }
    }
    for (std::size_t n = 0; n < g.batch; ++n) {
      const float* src = in_data + (n * g.in_channels + group * group_in) * g.in_h * g.in_w;
      for (std::size_t oh0 = 0; oh0 < g.out_h; oh0 += band) {
        copy_band(src, group_in, g.in_h, g.in_w, std::size_t(plan.top), std::size_t(plan.left), plan.padded_w, oh0 / sh,
                  band_rows, buffer.data());
        for (std::size_t oh = oh0; oh < std::min(g.out_h, oh0 + band); ++oh) {
          const Phase* row = plan.row_phase(oh % sh);
          const FusedTaps* row_taps[2] = {&none, &none};
          if (row) {
            const std::size_t ri = std::size_t(row - plan.rows.data());
            row_taps[0] = &taps[ri * sw];
            row_taps[1] = &taps[ri * sw + sw - 1];
          }
          const float* base = buffer.data() + (oh / sh - oh0 / sh) * plan.padded_w;
          for (std::size_t blk = 0; blk < blocks; ++blk) {
            const std::size_t oc0 = 4 * blk, block_size = std::min<std::size_t>(4, group_out - oc0);
            float* rows[4];
            output_block(g, out_data, bias, n, group * group_out + oc0, block_size, oh, rows, bias_block.data());
            if (sw == 1) {
              transposed_row_fused_any<1>(base, row_taps, blk, block_size, g.out_w, bias_block.data(), rows);
            } else {
              transposed_row_fused_any<2>(base, row_taps, blk, block_size, g.out_w, bias_block.data(), rows);
            }
          }
        }
      }
    }
  }
}

void conv_transpose2d_direct(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                             float* out_data) {
  if (g.stride[1] <= 2) {
    conv_transpose2d_direct_fused(g, in_data, w_data, bias, out_data);
  } else {
    fill_bias(g, bias, out_data);
    conv_transpose2d_direct_phases(g, in_data, w_data, out_data);
  }
}

// Tiny layers (the explainer's 2×2 → 4×4): the plain scatter, which needs no
// set-up or buffers: input pixel (ih, iw) adds w[kh][kw]·x to output
// (ih·stride − padding + kh·dilation, iw·stride − padding + kw·dilation).
void conv_transpose2d_scatter(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  const std::size_t kernel_plane = g.kernel_h * g.kernel_w;
  const std::int64_t sw = g.stride[1];
  for (std::size_t n = 0; n < g.batch; ++n) {
    for (std::size_t ic = 0; ic < g.in_channels; ++ic) {
      const std::size_t group = ic / group_in;
      const float* in_plane_ptr = in_data + (n * g.in_channels + ic) * in_plane;
      for (std::size_t ocg = 0; ocg < group_out; ++ocg) {
        float* out_plane_ptr = out_data + (n * g.out_channels + group * group_out + ocg) * out_plane;
        const float* kernel = w_data + (ic * group_out + ocg) * kernel_plane;
        for (std::size_t kh = 0; kh < g.kernel_h; ++kh) {
          const std::int64_t row_offset = std::int64_t(kh) * g.dilation[0] - g.padding[0];
          const detail::Range rows = detail::valid_range(g.in_h, g.stride[0], row_offset, g.out_h);
          for (std::size_t kw = 0; kw < g.kernel_w; ++kw) {
            const float wv = kernel[kh * g.kernel_w + kw];
            const std::int64_t col_offset = std::int64_t(kw) * g.dilation[1] - g.padding[1];
            const detail::Range cols = detail::valid_range(g.in_w, sw, col_offset, g.out_w);
            for (std::size_t ih = rows.begin; ih < rows.end; ++ih) {
              const float* in_row = in_plane_ptr + ih * g.in_w;
              float* out_row = out_plane_ptr + (std::int64_t(ih) * g.stride[0] + row_offset) * std::int64_t(g.out_w);
              for (std::size_t iw = cols.begin; iw < cols.end; ++iw) {
                out_row[std::int64_t(iw) * sw + col_offset] += wv * in_row[iw];
              }
            }
          }
        }
      }
    }
  }
}

// Channel-rich layers: stride² dense sub-convolutions, each a matrix
// product. Output row oh and column phase c (columns c, c + s, c + 2s, ...)
// receive a fixed set of kernel taps — rows kh with oh + padding − kh·dilation
// a multiple of the stride, columns kw likewise for c — from input pixels at
// fixed shifts. So that strip of the output is
//   out[oc][q] = Σ_{ic, kh, kw} W[ic][oc][kh][kw] · x[ic][ih(kh)][q + δ(kw)],
// a product of the phase's packed weights (K = channels × taps, M = output
// channels) with K shifted input rows, read in place from a zero-bordered copy
// of the input. Each output pixel is written once; nothing is multiplied by an
// inserted zero and no buffer is the size of the output.
void conv_transpose2d_gemm(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t kernel_plane = g.kernel_h * g.kernel_w;
  const PhasePlan plan = plan_phases(g, 0);
  const std::size_t top = std::size_t(plan.top), left = std::size_t(plan.left);
  const std::size_t padded_h = plan.padded_h, padded_w = plan.padded_w;
  const std::size_t col_phases = plan.cols.size();
  std::vector<float> padded;

  // Packed weights of every (row phase, column phase) that some tap reaches.
  const std::size_t m_padded = (group_out + detail::kPanelRows - 1) / detail::kPanelRows * detail::kPanelRows;
  std::vector<std::vector<float>> packed(plan.rows.size() * col_phases);
  std::vector<float> tile, gathered;
  std::vector<const float*> b_rows;
  // Packs one group's weights for every phase in a single pass over W
  // (contiguous taps per (input, output) channel pair), straight into the
  // panel layout gemm_packed reads: phase (r, c), k = (icg, kh, kw) in tap order.
  // For each phase, the kernel taps (kh·kW + kw) in k order within one input channel.
  std::vector<std::vector<std::size_t>> phase_taps(packed.size());
  for (std::size_t ri = 0; ri < plan.rows.size(); ++ri) {
    for (std::size_t ci = 0; ci < col_phases; ++ci) {
      for (std::size_t kh : plan.rows[ri].taps) {
        for (std::size_t kw : plan.cols[ci].taps) phase_taps[ri * col_phases + ci].push_back(kh * g.kernel_w + kw);
      }
    }
  }
  const auto pack_phases = [&](std::size_t group) {
    constexpr std::size_t P = detail::kPanelRows;
    const float* w_group = w_data + group * group_in * group_out * kernel_plane;  // [group_in][group_out][kH][kW]
    for (std::size_t phase = 0; phase < phase_taps.size(); ++phase) {
      const std::vector<std::size_t>& taps = phase_taps[phase];
      const std::size_t nt = taps.size(), K = group_in * nt;
      std::vector<float>& dst = packed[phase];
      dst.assign(m_padded * K, 0.0f);
      for (std::size_t icg = 0; icg < group_in; ++icg) {
        for (std::size_t m = 0; m < group_out; ++m) {
          const float* w = w_group + (icg * group_out + m) * kernel_plane;
          float* panel = dst.data() + (m / P) * K * P + m % P + icg * nt * P;
          for (std::size_t j = 0; j < nt; ++j) panel[j * P] = w[taps[j]];
        }
      }
    }
  };

  for (std::size_t group = 0; group < g.groups; ++group) {
    for (std::size_t n = 0; n < g.batch; ++n) {
      pad_input(plan, g, in_data, n, group, padded);
      if (n == 0) pack_phases(group);  // the weights are the same for every image
      // Output rows of one row phase share the packed weights. When a phase
      // row is short (small feature maps), several rows are gathered into one
      // contiguous B so that each weight panel is reused across more columns.
      // The phase's i-th row is r + i·stride and reads input rows i + rel.
      for (std::size_t ri = 0; ri < plan.rows.size(); ++ri) {
        const Phase& row = plan.rows[ri];
        const std::size_t phase_rows = row.count;
        for (std::size_t ci = 0; ci < col_phases; ++ci) {
          const Phase& col = plan.cols[ci];
          const std::size_t count = col.count;
          const float* panels = packed[ri * col_phases + ci].data();
          const std::size_t K = group_in * row.taps.size() * col.taps.size();
          const std::size_t block = count >= 128 ? 1 : std::min(phase_rows, (255 + count) / count);
          // Row i of the phase, kernel row a, kernel column b: where its input starts.
          const auto input_at = [&](std::size_t icg, std::size_t i, std::size_t a, std::size_t b) {
            const std::size_t ih = std::size_t(row.rel[a] + std::int64_t(i + top));
            return padded.data() + (icg * padded_h + ih) * padded_w + std::size_t(col.rel[b] + std::int64_t(left));
          };
          for (std::size_t i0 = 0; i0 < phase_rows; i0 += block) {
            const std::size_t nrows = std::min(block, phase_rows - i0);
            const std::size_t N = nrows * count;
            b_rows.clear();
            if (nrows == 1) {
              for (std::size_t icg = 0; icg < group_in; ++icg) {
                for (std::size_t a = 0; a < row.taps.size(); ++a) {
                  for (std::size_t b = 0; b < col.taps.size(); ++b) b_rows.push_back(input_at(icg, i0, a, b));
                }
              }
            } else {
              gathered.resize(K * N);
              std::size_t k = 0;
              for (std::size_t icg = 0; icg < group_in; ++icg) {
                for (std::size_t a = 0; a < row.taps.size(); ++a) {
                  for (std::size_t b = 0; b < col.taps.size(); ++b) {
                    float* dst = gathered.data() + k * N;
                    for (std::size_t j = 0; j < nrows; ++j)
                      std::copy_n(input_at(icg, i0 + j, a, b), count, dst + j * count);
                    ++k;
                  }
                }
              }
              for (std::size_t kk = 0; kk < K; ++kk) b_rows.push_back(gathered.data() + kk * N);
            }
            tile.assign(group_out * N, 0.0f);
            detail::gemm_packed(group_out, N, K, panels, b_rows.data(), tile.data(), N);
            for (std::size_t m = 0; m < group_out; ++m) {
              for (std::size_t j = 0; j < nrows; ++j) {
                const std::size_t oh = row.index + (i0 + j) * plan.period_h;
                float* out_row = out_data + ((n * g.out_channels + group * group_out + m) * g.out_h + oh) * g.out_w;
                const float* t = tile.data() + m * N + j * count;
                for (std::size_t q = 0; q < count; ++q) out_row[col.index + q * plan.period_w] += t[q];
              }
            }
          }
        }
      }
    }
  }
}

// conv2d_blocked's smallest band, one output row (the dilated kernel's rows
// of the zero-bordered input), must stay below 16 MB (its bands are at most
// about twice that). Heavy padding or
// dilation make it mostly zeros (a 1×2048 output of a 8193-row kernel with
// padding 4096 held 68 MB): the direct loop then skips the padding rows. The
// choice depends on the width, not the height, so every band of rows of one
// call takes the same path (the upsampler's bands rely on that).
constexpr std::size_t kMaxBandFloats = std::size_t{1} << 22;

bool blocked_band_fits(const ConvGeometry& g) {
  const std::size_t group_in = g.in_channels / g.groups;
  const Wide extent = Wide(g.dilation[0]) * (std::int64_t(g.kernel_h) - 1) + 1;
  const Wide padded_w = Wide(g.in_w) + 2 * Wide(g.padding[1]) + Wide(kFusedSlack);
  return Wide(group_in) * extent * padded_w <= Wide(kMaxBandFloats);
}

// conv2d with stride 1 along the width: the fused row kernel of the direct
// transposed convolution with a single column phase. For each output row and
// block of up to four output channels, 4·NV output pixels per channel stay in
// registers while every (input channel, tap) adds weighted vectors of a
// zero-bordered input row; each input vector serves all the block's channels.
// Each output pixel is written once, as bias + sum, in the same tap order
// whatever its row (the upsampler's bands rely on that). The border (and
// slack columns) makes every read valid.
void conv2d_blocked(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                    float* out_data) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t taps = g.kernel_h * g.kernel_w;
  // The validated sizes bound every factor below by the padded input (at most
  // kMaxElements), except a stride with a single output row or a dilation with
  // a single kernel row, which multiply only 0: they are not narrowed (a
  // size_t has 32 bits in wasm).
  const std::size_t sh = g.out_h > 1 ? std::size_t(g.stride[0]) : 1;
  const std::size_t dh = g.kernel_h > 1 ? std::size_t(g.dilation[0]) : 1;
  const std::size_t dw = g.kernel_w > 1 ? std::size_t(g.dilation[1]) : 1;
  const std::size_t ph = std::size_t(g.padding[0]), pw = std::size_t(g.padding[1]);
  const std::size_t padded_w = g.in_w + 2 * pw + kFusedSlack;
  // Output row oh reads padded rows [oh·sh, oh·sh + extent): a band of output
  // rows [oh0, oh0 + band) reads band_rows padded rows from oh0·sh.
  const std::size_t extent = (g.kernel_h - 1) * dh + 1;
  const std::size_t budget_rows = kBandFloats / (group_in * padded_w);
  // No more rows than the output has (a 4×4 explainer call must not fill
  // 256 KB), and enough that the extent − sh rows each band re-reads are at
  // most what it advances (else a tall dilated kernel copies the input over and over).
  const std::size_t band =
      std::min(g.out_h, std::max(budget_rows > extent ? (budget_rows - extent) / sh + 1 : 1, extent / sh));
  const std::size_t band_rows = (band - 1) * sh + extent;
  const std::size_t blocks = (group_out + 3) / 4;
  std::vector<float> buffer(group_in * band_rows * padded_w);
  std::vector<float> bias_block(4);
  FusedTaps row_taps;
  const FusedTaps* row_taps_ptr[1] = {&row_taps};
  for (std::size_t group = 0; group < g.groups; ++group) {
    // Taps in (input channel, kernel row, kernel column) order; offsets from
    // the output row's first padded input row.
    row_taps.offsets.clear();
    row_taps.weights.assign(blocks, {});
    for (std::size_t icg = 0; icg < group_in; ++icg) {
      for (std::size_t kh = 0; kh < g.kernel_h; ++kh) {
        for (std::size_t kw = 0; kw < g.kernel_w; ++kw) {
          row_taps.offsets.push_back((icg * band_rows + kh * dh) * padded_w + kw * dw);
          for (std::size_t blk = 0; blk < blocks; ++blk) {
            for (std::size_t b = 4 * blk; b < std::min(group_out, 4 * blk + 4); ++b) {
              row_taps.weights[blk].push_back(
                  w_data[((group * group_out + b) * group_in + icg) * taps + kh * g.kernel_w + kw]);
            }
          }
        }
      }
    }
    for (std::size_t n = 0; n < g.batch; ++n) {
      const float* src = in_data + (n * g.in_channels + group * group_in) * g.in_h * g.in_w;
      for (std::size_t oh0 = 0; oh0 < g.out_h; oh0 += band) {
        copy_band(src, group_in, g.in_h, g.in_w, ph, pw, padded_w, oh0 * sh, band_rows, buffer.data());
        for (std::size_t oh = oh0; oh < std::min(g.out_h, oh0 + band); ++oh) {
          const float* base = buffer.data() + (oh - oh0) * sh * padded_w;
          for (std::size_t blk = 0; blk < blocks; ++blk) {
            const std::size_t oc0 = 4 * blk, block_size = std::min<std::size_t>(4, group_out - oc0);
            float* rows[4];
            output_block(g, out_data, bias, n, group * group_out + oc0, block_size, oh, rows, bias_block.data());
            transposed_row_fused_any<1>(base, row_taps_ptr, blk, block_size, g.out_w, bias_block.data(), rows);
          }
        }
      }
    }
  }
}

// col's target size: 4 MB. One input row always fits, whatever its size
// (the dispatcher keeps that to kColumnFloats, see conv_transpose2d).
constexpr std::size_t kColumnFloats = std::size_t{1} << 20;

// Channel-rich layers on small feature maps (a DCGAN generator): one product
// per image and group, col = Wᵀ·X, rows = (output channel, tap), columns =
// input pixels, K = input channels, then each row of col is added into the
// output at its tap's offset (col2im). Input rows go in chunks that keep col
// near 4 MB.
void conv_transpose2d_columns(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data) {
  constexpr std::size_t P = detail::kPanelRows;
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t taps = g.kernel_h * g.kernel_w;
  const std::size_t M = group_out * taps;
  const std::size_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  // Two divisions, not one by M·in_w, which can pass 2^32 (a size_t in wasm).
  const std::size_t chunk_rows = std::clamp<std::size_t>(kColumnFloats / M / g.in_w, 1, g.in_h);
  std::vector<float> col(M * chunk_rows * g.in_w), panel(P * group_in);
  std::vector<const float*> b_rows(group_in);
  const std::int64_t sw = g.stride[1];
  for (std::size_t group = 0; group < g.groups; ++group) {
    const float* a = w_data + group * group_in * M;  // [group_in][group_out·kH·kW] = Wᵀ, K-major
    for (std::size_t n = 0; n < g.batch; ++n) {
      const float* x = in_data + (n * g.in_channels + group * group_in) * in_plane;
      float* out_group = out_data + (n * g.out_channels + group * group_out) * out_plane;
      for (std::size_t row0 = 0; row0 < g.in_h; row0 += chunk_rows) {
        const std::size_t rows = std::min(chunk_rows, g.in_h - row0);
        const std::size_t N = rows * g.in_w;
        for (std::size_t k = 0; k < group_in; ++k) b_rows[k] = x + k * in_plane + row0 * g.in_w;
        std::fill_n(col.begin(), M * N, 0.0f);
        // One panel of P rows of Wᵀ at a time, packed just before use so it
        // is read from L1 by every column tile (packing all of W first costs
        // a pass over memory as large as the weights).
        for (std::size_t m0 = 0; m0 < M; m0 += P) {
          for (std::size_t k = 0; k < group_in; ++k) {
            for (std::size_t i = 0; i < P; ++i) panel[k * P + i] = m0 + i < M ? a[k * M + m0 + i] : 0.0f;
          }
          detail::gemm_packed(std::min(P, M - m0), N, group_in, panel.data(), b_rows.data(), col.data() + m0 * N, N);
        }
        for (std::size_t m = 0; m < M; ++m) {
          const std::size_t oc = m / taps, kh = (m % taps) / g.kernel_w, kw = m % g.kernel_w;
          const std::int64_t row_offset = std::int64_t(kh) * g.dilation[0] - g.padding[0];
          const std::int64_t col_offset = std::int64_t(kw) * g.dilation[1] - g.padding[1];
          const detail::Range valid_rows = detail::valid_range(g.in_h, g.stride[0], row_offset, g.out_h);
          const detail::Range cols = detail::valid_range(g.in_w, sw, col_offset, g.out_w);
          const std::size_t first = std::max(valid_rows.begin, row0), last = std::min(valid_rows.end, row0 + rows);
          float* out_plane_ptr = out_group + oc * out_plane;
          for (std::size_t ih = first; ih < last; ++ih) {
            const float* src = col.data() + m * N + (ih - row0) * g.in_w;
            float* out_row = out_plane_ptr + (std::int64_t(ih) * g.stride[0] + row_offset) * std::int64_t(g.out_w);
            for (std::size_t iw = cols.begin; iw < cols.end; ++iw)
              out_row[std::int64_t(iw) * sw + col_offset] += src[iw];
          }
        }
      }
    }
  }
}

}  // namespace

Pair detail::conv_output_size(std::string_view function, const Pair& input_size, const Pair& kernel_size,
                              const Pair& stride, const Pair& padding, const Pair& dilation) {
  check_pair(function, "input_size", input_size, Rule::positive);
  check_pair(function, "kernel_size", kernel_size, Rule::positive);
  check_pair(function, "stride", stride, Rule::positive);
  check_pair(function, "padding", padding, Rule::non_negative);
  check_pair(function, "dilation", dilation, Rule::positive);
  Wide dilated[2], padded[2];
  for (int d = 0; d < 2; ++d) {
    dilated[d] = Wide(dilation[d]) * (kernel_size[d] - 1) + 1;
    padded[d] = Wide(input_size[d]) + 2 * Wide(padding[d]);
  }
  const Wide limit = Wide(kMaxElements);
  if (padded[0] > limit || padded[1] > limit) {
    fail(function, "padding " + format_pair(padding) + " is too large: padded input size " +
                       format_wide_pair(padded[0], padded[1]) + " is larger than the limit of " +
                       std::to_string(kMaxElements));
  }
  if (dilated[0] > padded[0] || dilated[1] > padded[1]) {
    std::string message = "dilated kernel size " + format_wide_pair(dilated[0], dilated[1]) +
                          " is larger than padded input size " + format_wide_pair(padded[0], padded[1]);
    // Beyond any tensor: name the dilation that stretched it there.
    if ((dilated[0] > limit && dilation[0] > 1) || (dilated[1] > limit && dilation[1] > 1)) {
      message = "dilation " + format_pair(dilation) + " is too large: " + message;
    }
    fail(function, message);
  }
  Pair out{};
  for (int d = 0; d < 2; ++d) out[d] = std::int64_t((padded[d] - dilated[d]) / stride[d] + 1);
  return out;
}

Pair conv2d_output_size(const Pair& input_size, const Pair& kernel_size, const Conv2dParams& params) {
  check_integer(kConv2d, "groups", params.groups, Rule::positive);
  return detail::conv_output_size(kConv2d, input_size, kernel_size, params.stride, params.padding, params.dilation);
}

Pair conv_transpose2d_output_size(const Pair& input_size, const Pair& kernel_size,
                                  const ConvTranspose2dParams& params) {
  check_pair(kConvTranspose2d, "input_size", input_size, Rule::positive);
  check_pair(kConvTranspose2d, "kernel_size", kernel_size, Rule::positive);
  check_pair(kConvTranspose2d, "stride", params.stride, Rule::positive);
  check_pair(kConvTranspose2d, "padding", params.padding, Rule::non_negative);
  check_pair(kConvTranspose2d, "output_padding", params.output_padding, Rule::non_negative);
  check_pair(kConvTranspose2d, "dilation", params.dilation, Rule::positive);
  check_integer(kConvTranspose2d, "groups", params.groups, Rule::positive);
  for (int d = 0; d < 2; ++d) {
    // torch's rule: output_padding only chooses among the sizes a stride or a
    // dilation leave ambiguous, so it must be below one of them.
    if (params.output_padding[d] >= params.stride[d] && params.output_padding[d] >= params.dilation[d]) {
      fail(kConvTranspose2d, "output_padding " + format_pair(params.output_padding) +
                                 " must be smaller than either stride " + format_pair(params.stride) + " or dilation " +
                                 format_pair(params.dilation));
    }
  }
  Wide exact[2];
  for (int d = 0; d < 2; ++d) {
    exact[d] = (Wide(input_size[d]) - 1) * params.stride[d] - 2 * Wide(params.padding[d]) +
               Wide(params.dilation[d]) * (kernel_size[d] - 1) + params.output_padding[d] + 1;
  }
  // Every other term is at least 1: only the padding makes the output empty.
  if (exact[0] < 1 || exact[1] < 1) {
    fail(kConvTranspose2d, "padding " + format_pair(params.padding) + " is too large: output size " +
                               format_wide_pair(exact[0], exact[1]) +
                               " is too small, each dimension must be at least 1");
  }
  if (exact[0] > Wide(kMaxElements) || exact[1] > Wide(kMaxElements)) {
    fail(kConvTranspose2d, "input_size " + format_pair(input_size) + ", stride " + format_pair(params.stride) +
                               ", dilation " + format_pair(params.dilation) + " and kernel_size " +
                               format_pair(kernel_size) + " give output size " + format_wide_pair(exact[0], exact[1]) +
                               ", larger than the limit of " + std::to_string(kMaxElements));
  }
  return {std::int64_t(exact[0]), std::int64_t(exact[1])};
}

xt::xarray<float> conv2d(const xt::xarray<float>& input, const xt::xarray<float>& weight,
                         const std::optional<xt::xarray<float>>& bias, const Conv2dParams& params) {
  ConvGeometry g = describe(kConv2d, input, weight, params.groups, "(out_channels, in_channels/groups, kH, kW)");
  g.out_channels = weight.shape()[0];
  const std::size_t group_in = weight.shape()[1];
  const Wide expected = Wide(group_in) * params.groups;  // exact for any groups up to 2^53
  if (expected != Wide(g.in_channels)) {
    fail(kConv2d, "input has " + std::to_string(g.in_channels) + " channels but weight " +
                      format_shape(shape_of(weight)) + " with groups " + std::to_string(params.groups) + " expects " +
                      format_wide(expected) + " channels (weight.shape[1] * groups)");
  }
  g.groups = std::size_t(params.groups);  // it divides in_channels
  if (g.out_channels % g.groups != 0) {
    fail(kConv2d, "out_channels " + std::to_string(g.out_channels) + " (weight.shape[0]) must be divisible by groups " +
                      std::to_string(g.groups));
  }
  check_bias(kConv2d, bias, g.out_channels);
  const Pair out = conv2d_output_size({std::int64_t(g.in_h), std::int64_t(g.in_w)},
                                      {std::int64_t(g.kernel_h), std::int64_t(g.kernel_w)}, params);
  set_output(g, out, params.stride, params.padding, params.dilation);

  // Only padding makes the output larger than the input (which is within the limit).
  xt::xarray<float> output =
      allocate_output(kConv2d, g, params.padding == Pair{0, 0} ? "" : "from padding " + format_pair(params.padding));
  const std::size_t group_out = g.out_channels / g.groups;
  const std::size_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  const std::size_t kernel_plane = g.kernel_h * g.kernel_w;
  const std::int64_t sw = g.stride[1];
  const float* in_data = input.data();
  const float* w_data = weight.data();
  float* out_data = output.data();

  if (sw == 1 && blocked_band_fits(g)) {
    conv2d_blocked(g, in_data, w_data, bias ? bias->data() : nullptr, out_data);
    return output;
  }
  fill_bias(g, bias ? bias->data() : nullptr, out_data);
  // Direct loops, one output row at a time: the row stays in L1 while every
  // (input channel, kernel tap) adds a weighted input row to it. With stride
  // 1 the innermost loop is contiguous and vectorises.
  for (std::size_t n = 0; n < g.batch; ++n) {
    for (std::size_t oc = 0; oc < g.out_channels; ++oc) {
      const std::size_t group = oc / group_out;
      float* out_plane_ptr = out_data + (n * g.out_channels + oc) * out_plane;
      for (std::size_t oh = 0; oh < g.out_h; ++oh) {
        float* out_row = out_plane_ptr + oh * g.out_w;
        for (std::size_t icg = 0; icg < group_in; ++icg) {
          const std::size_t ic = group * group_in + icg;
          const float* in_plane_ptr = in_data + (n * g.in_channels + ic) * in_plane;
          const float* kernel = w_data + (oc * group_in + icg) * kernel_plane;
          for (std::size_t kh = 0; kh < g.kernel_h; ++kh) {
            const std::int64_t ih = std::int64_t(oh) * g.stride[0] + std::int64_t(kh) * g.dilation[0] - g.padding[0];
            if (ih < 0 || ih >= std::int64_t(g.in_h)) continue;  // a padding row
            const float* in_row = in_plane_ptr + ih * std::int64_t(g.in_w);
            for (std::size_t kw = 0; kw < g.kernel_w; ++kw) {
              const float wv = kernel[kh * g.kernel_w + kw];
              const std::int64_t col_offset = std::int64_t(kw) * g.dilation[1] - g.padding[1];
              const detail::Range cols = detail::valid_range(g.out_w, sw, col_offset, g.in_w);
              if (sw == 1) {
                for (std::size_t ow = cols.begin; ow < cols.end; ++ow) {
                  out_row[ow] += wv * in_row[std::int64_t(ow) + col_offset];
                }
              } else {
                for (std::size_t ow = cols.begin; ow < cols.end; ++ow) {
                  out_row[ow] += wv * in_row[std::int64_t(ow) * sw + col_offset];
                }
              }
            }
          }
        }
      }
    }
  }
  return output;
}

xt::xarray<float> conv_transpose2d(const xt::xarray<float>& input, const xt::xarray<float>& weight,
                                   const std::optional<xt::xarray<float>>& bias, const ConvTranspose2dParams& params) {
  ConvGeometry g =
      describe(kConvTranspose2d, input, weight, params.groups, "(in_channels, out_channels/groups, kH, kW)");
  if (weight.shape()[0] != g.in_channels) {
    fail(kConvTranspose2d, "input has " + std::to_string(g.in_channels) + " channels but weight " +
                               format_shape(shape_of(weight)) + " expects " + std::to_string(weight.shape()[0]) +
                               " channels (weight.shape[0])");
  }
  if (std::int64_t(g.in_channels) % params.groups != 0) {  // in int64: groups may be up to 2^53
    fail(kConvTranspose2d, "in_channels " + std::to_string(g.in_channels) +
                               " (weight.shape[0]) must be divisible by groups " + std::to_string(params.groups));
  }
  g.groups = std::size_t(params.groups);
  const std::size_t group_out = weight.shape()[1];
  g.out_channels = group_out * g.groups;
  check_bias(kConvTranspose2d, bias, g.out_channels,
             ": weight.shape[1] * groups = " + std::to_string(group_out) + " * " + std::to_string(g.groups));
  const Pair out = conv_transpose2d_output_size({std::int64_t(g.in_h), std::int64_t(g.in_w)},
                                                {std::int64_t(g.kernel_h), std::int64_t(g.kernel_w)}, params);
  set_output(g, out, params.stride, params.padding, params.dilation);

  xt::xarray<float> output =
      allocate_output(kConvTranspose2d, g,
                      "from stride " + format_pair(params.stride) + ", dilation " + format_pair(params.dilation) +
                          " and kernel_size (" + std::to_string(g.kernel_h) + ", " + std::to_string(g.kernel_w) + ")");
  // An empty batch (or channel count) has nothing to compute; the
  // algorithms would still size their scratch by the output's width.
  if (output.size() == 0) return output;
  const float* bias_data = bias ? bias->data() : nullptr;
  const std::size_t group_in = g.in_channels / g.groups;
  // Scratch each algorithm needs, in floats: the phase algorithms hold a
  // group's input with its zero border (or bands of it), the column product
  // at least one input row of Wᵀ·X. Both only depend on the geometry.
  const auto zero_bordered = [&] {
    const PhasePlan plan = plan_phases(g, 0);
    return Wide(group_in) * plan.padded_h * plan.padded_w;
  };
  const Wide column_row = Wide(group_out) * g.kernel_h * g.kernel_w * g.in_w;
  ConvAlgorithm algorithm = params.algorithm;
  if (algorithm == ConvAlgorithm::automatic) {
    // The matrix product pays off once each output gathers from many input
    // channels; with a handful (images) the direct scatter is faster.
    // A zero border much larger than the input (a kernel or dilation that
    // reaches far beyond it) would have the phase algorithms copy and
    // multiply mostly zeros: the scatter touches only real input pixels.
    const auto mostly_border = [&] {
      return zero_bordered() > 4 * Wide(group_in) * g.in_h * g.in_w + Wide(kBandFloats);
    };
    if (g.out_h * g.out_w * g.out_channels * g.batch <= 1024 || mostly_border()) {
      algorithm = ConvAlgorithm::scatter;  // too small to pay for any set-up, or mostly border
    } else {
      // Few channels: the phase gather. Many channels: a matrix product, over
      // whole columns when the feature map is small (its weights are then
      // the bulk of the work), per phase otherwise.
      algorithm = group_in < 16                                                 ? ConvAlgorithm::direct
                  : g.in_h * g.in_w <= 256 && column_row <= Wide(kColumnFloats) ? ConvAlgorithm::gemm_columns
                                                                                : ConvAlgorithm::gemm;
    }
  } else if (algorithm != ConvAlgorithm::scatter) {
    // An algorithm the caller chose still may not need more scratch than a tensor may hold.
    const Wide scratch = algorithm == ConvAlgorithm::gemm_columns ? column_row : zero_bordered();
    if (scratch > Wide(kMaxElements)) {
      fail(kConvTranspose2d, "this algorithm needs " + format_wide(scratch) +
                                 " floats of scratch here, more than the limit of " + std::to_string(kMaxElements) +
                                 "; use ConvAlgorithm::automatic");
    }
  }
  if (algorithm != ConvAlgorithm::direct) fill_bias(g, bias_data, output.data());
  if (algorithm == ConvAlgorithm::scatter) {
    conv_transpose2d_scatter(g, input.data(), weight.data(), output.data());
  } else if (algorithm == ConvAlgorithm::gemm) {
    conv_transpose2d_gemm(g, input.data(), weight.data(), output.data());
  } else if (algorithm == ConvAlgorithm::gemm_columns) {
    conv_transpose2d_columns(g, input.data(), weight.data(), output.data());
  } else {
    conv_transpose2d_direct(g, input.data(), weight.data(), bias_data, output.data());
  }
  return output;
}

}  // namespace tconv
