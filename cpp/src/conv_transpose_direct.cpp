// conv_transpose2d without a matrix product (conv_internal.hpp): the scatter
// for tiny layers, and for few-channel layers the phase gathers, which sum
// every output pixel in registers from the taps that reach it.
#include <algorithm>

#include "conv_internal.hpp"
#include "fused_rows.hpp"
#include "geometry.hpp"
#include "simd.hpp"

namespace tconv::detail {

namespace {

// Column strides above kFusedMaxStride: per output row, column phase and
// block of up to kChannelBlock output channels, kPhaseColumns phase columns
// accumulate in registers over every (input channel, tap); each loaded input
// vector serves all the block's channels. Nothing multiplies an inserted zero.
// The phases go through contiguous buffers and are then interleaved into the
// output row (the fused kernels, at strides 1 and 2, interleave in registers).

// Phase columns per step of transposed_phase_block: two vectors, the widest
// block whose accumulators stay in registers. Phase buffers round up to it,
// and the zero-bordered input has as many slack columns for the over-read.
constexpr std::size_t kPhaseColumns = 8;

// The taps of one (output row, column phase): input row pointers (at the
// phase's first column) and weight offsets, computed once per strip.
struct PhaseTaps {
  std::vector<const float*> rows;
  std::vector<std::size_t> weights;
};

// Accumulates one column phase of OCB output rows into contiguous buffers
// (phase_rows[b], at least count rounded up to kPhaseColumns long).
template <std::size_t OCB>
void transposed_phase_block(const PhaseTaps& taps, std::size_t count, const float* w_block, std::size_t kernel_plane,
                            float* const* phase_rows) {
  using detail::v4;
  const std::size_t n = taps.rows.size();
  for (std::size_t q0 = 0; q0 < count; q0 += kPhaseColumns) {
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
  const PhasePlan plan = plan_phases(g, kPhaseColumns);
  const std::size_t phase_count = plan.cols.size();
  // Per column phase and channel of a block: a contiguous row of results,
  // rounded up to whole steps of kPhaseColumns, at start[phase] of the channel's buffer.
  std::vector<std::size_t> start(phase_count + 1, 0);
  for (std::size_t j = 0; j < phase_count; ++j)
    start[j + 1] = start[j] + (plan.cols[j].count + kPhaseColumns - 1) / kPhaseColumns * kPhaseColumns;
  const std::size_t channel_len = start[phase_count];
  std::vector<float> padded, phases(kChannelBlock * channel_len);
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
        for (std::size_t oc0 = 0; oc0 < group_out; oc0 += kChannelBlock) {
          const std::size_t block = std::min(kChannelBlock, group_out - oc0);
          const float* w_block = w_group + oc0 * kernel_plane;
          for (std::size_t j = 0; j < phase_count; ++j) {
            float* bufs[kChannelBlock];
            for (std::size_t b = 0; b < block; ++b) bufs[b] = phases.data() + b * channel_len + start[j];
            const std::size_t count = plan.cols[j].count;
            static_assert(kChannelBlock == 4, "one case per block size");
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

}  // namespace

Band transposed_fused_band(const ConvGeometry& g, const PhasePlan& plan) {
  const std::size_t group_in = g.in_channels / g.groups, sh = plan.period_h;
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
  // its own, so fewer would copy the input over and over (a large dilation
  // would then copy each input row once per output row).
  const std::size_t out_steps = (g.out_h + sh - 1) / sh;
  const std::size_t by_input = std::max<std::size_t>({1, max_rel, budget_rows > max_rel ? budget_rows - max_rel : 1});
  const std::size_t steps = std::min({out_steps, by_input, std::max<std::size_t>(1, result_band_rows(g) / sh)});
  return {steps, steps + max_rel, 1};
}

namespace {

// With a stream, each band's input rows come from it and each channel
// block's band of result rows goes to it (BandRows), as in conv2d_blocked.
void conv_transpose2d_direct_fused(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                                   float* out_data, RowStream* stream) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t kernel_plane = g.kernel_h * g.kernel_w;
  const PhasePlan plan = plan_phases(g, kFusedSlack);
  const std::size_t sh = plan.period_h, sw = std::size_t(g.stride[1]);  // at most kFusedMaxStride here
  const std::size_t blocks = (group_out + kChannelBlock - 1) / kChannelBlock;
  const Band bands = transposed_fused_band(g, plan);
  const std::size_t band = sh * bands.steps, band_rows = bands.rows;
  std::vector<float> buffer(group_in * band_rows * plan.padded_w);
  BandRows io(g, in_data, out_data, stream, band, band_rows, std::size_t(plan.top), std::size_t(plan.left),
              plan.padded_w);
  std::vector<float> bias_block(kChannelBlock);
  // Taps of each (row phase, column phase), [row phase][sw]; the offsets hold
  // for the phase's first output row in the band, later rows of the phase
  // start padded_w floats further per step. Rows and columns no tap reaches
  // get `none`: their pixels are the bias.
  std::vector<FusedTaps> taps(plan.rows.size() * sw);
  FusedTaps none;
  none.weights.assign(blocks, {});
  const Phase* cols[kFusedMaxStride] = {};
  for (const Phase& col : plan.cols) cols[col.index] = &col;
  for (std::size_t group = 0; group < g.groups; ++group) {
    const float* w_group = w_data + group * group_in * group_out * kernel_plane;  // [group_in][group_out][kH][kW]
    for (std::size_t ri = 0; ri < plan.rows.size(); ++ri) {
      const Phase& row = plan.rows[ri];
      for (std::size_t c = 0; c < sw; ++c) {
        FusedTaps& ft = taps[ri * sw + c];
        // Cleared, not reallocated: a later group reuses the first's
        // capacity, so a streamed call allocates nothing once rows went out.
        ft.offsets.clear();
        ft.weights.resize(blocks);
        for (std::vector<float>& block : ft.weights) block.clear();
        if (!cols[c]) continue;
        const Phase& col = *cols[c];
        for (std::size_t icg = 0; icg < group_in; ++icg) {
          for (std::size_t a = 0; a < row.taps.size(); ++a) {
            const std::size_t ih = std::size_t(row.rel[a] + plan.top);
            for (std::size_t j = 0; j < col.taps.size(); ++j) {
              ft.offsets.push_back((icg * band_rows + ih) * plan.padded_w + std::size_t(plan.left + col.rel[j]));
              for (std::size_t blk = 0; blk < blocks; ++blk) {
                for (std::size_t b = kChannelBlock * blk; b < std::min(group_out, kChannelBlock * (blk + 1)); ++b) {
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
      for (std::size_t oh0 = 0; oh0 < g.out_h; oh0 += band) {
        io.load(n, group, oh0 / sh, buffer.data());
        const std::size_t rows_here = std::min(band, g.out_h - oh0);
        for (std::size_t blk = 0; blk < blocks; ++blk) {
          const std::size_t oc0 = group * group_out + kChannelBlock * blk;
          const std::size_t block_size = std::min(kChannelBlock, group_out - kChannelBlock * blk);
          for (std::size_t oh = oh0; oh < oh0 + rows_here; ++oh) {
            const Phase* row = plan.row_phase(oh % sh);
            const FusedTaps* row_taps[kFusedMaxStride] = {&none, &none};
            if (row) {
              const std::size_t ri = std::size_t(row - plan.rows.data());
              row_taps[0] = &taps[ri * sw];
              row_taps[1] = &taps[ri * sw + sw - 1];
            }
            const float* base = buffer.data() + (oh / sh - oh0 / sh) * plan.padded_w;
            float* rows[kChannelBlock];
            io.targets(n, oc0, block_size, oh, oh0, rows_here, bias, rows, bias_block.data());
            if (sw == 1) {
              fused_row<1>(base, row_taps, blk, block_size, g.out_w, bias_block.data(), rows);
            } else {
              fused_row<2>(base, row_taps, blk, block_size, g.out_w, bias_block.data(), rows);
            }
          }
          io.done(n, oc0, block_size, oh0, rows_here);
        }
      }
    }
  }
}

}  // namespace

bool transposed_fused(const ConvGeometry& g) { return g.stride[1] <= std::int64_t(kFusedMaxStride); }

void conv_transpose2d_direct(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                             float* out_data, RowStream* stream) {
  if (transposed_fused(g)) {
    conv_transpose2d_direct_fused(g, in_data, w_data, bias, out_data, stream);
  } else {
    fill_bias(g, bias, out_data);
    conv_transpose2d_direct_phases(g, in_data, w_data, out_data);
  }
}

namespace {

// The plain scatter, which needs no set-up or buffers: input pixel (ih, iw)
// adds w[kh][kw]·x to output (ih·stride − padding + kh·dilation,
// iw·stride − padding + kw·dilation). Each output pixel gets its terms in
// (input channel, kh, kw) order. `kEveryPixel` visits every input pixel and
// checks where it lands, for small inputs (sums_pixels); otherwise each tap's
// range of input pixels is worked out first and its row loop vectorises.
template <bool kEveryPixel>
void scatter(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  const std::size_t kernel_plane = g.kernel_h * g.kernel_w;
  const std::int64_t sh = g.stride[0], sw = g.stride[1];
  const std::int64_t out_h = std::int64_t(g.out_h), out_w = std::int64_t(g.out_w);
  for (std::size_t n = 0; n < g.batch; ++n) {
    for (std::size_t ic = 0; ic < g.in_channels; ++ic) {
      const std::size_t group = ic / group_in;
      const float* in_plane_ptr = in_data + (n * g.in_channels + ic) * in_plane;
      for (std::size_t ocg = 0; ocg < group_out; ++ocg) {
        float* out_plane_ptr = out_data + (n * g.out_channels + group * group_out + ocg) * out_plane;
        const float* kernel = w_data + (ic * group_out + ocg) * kernel_plane;
        for (std::size_t kh = 0; kh < g.kernel_h; ++kh) {
          const std::int64_t row_offset = std::int64_t(kh) * g.dilation[0] - g.padding[0];
          const Range rows = kEveryPixel ? Range{0, g.in_h} : valid_range(g.in_h, sh, row_offset, g.out_h);
          for (std::size_t kw = 0; kw < g.kernel_w; ++kw) {
            const float wv = kernel[kh * g.kernel_w + kw];
            const std::int64_t col_offset = std::int64_t(kw) * g.dilation[1] - g.padding[1];
            const Range cols = kEveryPixel ? Range{0, g.in_w} : valid_range(g.in_w, sw, col_offset, g.out_w);
            for (std::size_t ih = rows.begin; ih < rows.end; ++ih) {
              const std::int64_t oh = std::int64_t(ih) * sh + row_offset;
              if (kEveryPixel && (oh < 0 || oh >= out_h)) continue;
              const float* in_row = in_plane_ptr + ih * g.in_w;
              float* out_row = out_plane_ptr + oh * out_w;
              for (std::size_t iw = cols.begin; iw < cols.end; ++iw) {
                const std::int64_t ow = std::int64_t(iw) * sw + col_offset;
                if (kEveryPixel && (ow < 0 || ow >= out_w)) continue;
                out_row[ow] += wv * in_row[iw];
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace

// Small layers and mostly-border ones (conv_transpose2d_algorithm), whose input is
// 8 or more pixels wide or too large for the pixel form.
void conv_transpose2d_scatter(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data) {
  scatter<false>(g, in_data, w_data, out_data);
}

// The rest of them, the explainer's 2×2 → 4×4 among them (sums_pixels).
void conv_transpose2d_pixels(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data) {
  scatter<true>(g, in_data, w_data, out_data);
}

}  // namespace tconv::detail
