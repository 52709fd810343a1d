// conv_transpose2d for channel-rich layers (conv_internal.hpp): matrix
// products (gemm.hpp) per stride phase, or over whole columns of Wᵀ·X.
//
// Both are blocked so that what they reread stays in a 1 MiB L2 and each
// output pixel reaches memory once, as bias + sum: on a machine with little
// memory bandwidth to spare (a busy laptop, a shared VM), a pass over an
// output or a weight tensor too large for the cache costs more than the
// arithmetic. traffic.cpp models the bytes each moves.
#include <algorithm>

#include "conv_internal.hpp"
#include "gemm.hpp"
#include "geometry.hpp"
#include "simd.hpp"

namespace tconv::detail {

namespace {

// A phase row at least this long gives each packed weight panel enough
// columns on its own: it is read in place, not gathered.
constexpr std::size_t kGatherBelowColumns = 128;

// Shorter phase rows (small feature maps) are gathered, several into one
// contiguous B, until B has at least this many columns (or holds the whole
// phase), so that each weight panel is reused across more columns.
constexpr std::size_t kGatherColumns = 256;

}  // namespace

template <bool Add>
void write_phase_row(const PhasePlan& plan, const float* const* values, float bias, std::size_t out_w,
                     float* out_row) noexcept {
  const std::vector<Phase>& cols = plan.cols;
  const std::size_t period = plan.period_w;
  const auto put = [&](float& o, float value) { o = Add ? o + value : bias + value; };
  std::size_t done = 0;  // columns [0, done) are written
  if (period == 1 && cols.size() == 1) {
    for (std::size_t q = 0; q < out_w; ++q) put(out_row[q], values[0][q]);
    return;
  }
  if (period == 2 && cols.size() == 2) {
    const float* even = values[0];
    const float* odd = values[1];
    const v4 b = splat4(bias);
    for (; done + 8 <= out_w; done += 8) {
      const std::size_t q = done / 2;
      const v4 e = load4(even + q), o = load4(odd + q);
      const v4 low = interleave_low(e, o), high = interleave_high(e, o);
      store4(out_row + done, (Add ? load4(out_row + done) : b) + low);
      store4(out_row + done + 4, (Add ? load4(out_row + done + 4) : b) + high);
    }
  }
  if (!Add && cols.size() < period) std::fill(out_row + done, out_row + out_w, bias);
  for (std::size_t c = 0; c < cols.size(); ++c) {
    const std::size_t first = (done > cols[c].index ? done - cols[c].index + period - 1 : 0) / period;
    for (std::size_t q = first; q < cols[c].count; ++q) put(out_row[cols[c].index + q * period], values[c][q]);
  }
}

template void write_phase_row<false>(const PhasePlan&, const float* const*, float, std::size_t, float*) noexcept;
template void write_phase_row<true>(const PhasePlan&, const float* const*, float, std::size_t, float*) noexcept;

Band phase_gemm_band(const ConvGeometry& g, const PhasePlan& plan) {
  // Phase row i of row phase `row` reads padded rows i + rel + top, at most
  // i + max_rel. A band of phase rows [i0, i0 + steps) reads padded rows
  // [i0, i0 + steps + max_rel): copied with their zero border into a buffer
  // of kPhaseBandFloats, at least max_rel steps (fewer would copy the input
  // over and over) and no more than the longest phase.
  std::size_t max_rel = 0, max_count = 0;
  for (const Phase& row : plan.rows) {
    max_count = std::max(max_count, row.count);
    for (std::int64_t rel : row.rel) max_rel = std::max(max_rel, std::size_t(rel + plan.top));
  }
  const std::size_t budget_rows = kPhaseBandFloats / (g.in_channels / g.groups) / plan.padded_w;
  const std::size_t steps =
      std::min(max_count, std::max<std::size_t>({1, max_rel, budget_rows > max_rel ? budget_rows - max_rel : 1}));
  return {steps, steps + max_rel, 1};
}

ColumnBlocking column_blocking(const ConvGeometry& g) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t taps = g.kernel_h * g.kernel_w;
  const std::size_t channels = std::clamp<std::size_t>(kColumnBlockFloats / group_in / taps, 1, group_out);
  // Input rows per product: col's slice within kColumnBlockFloats, at least
  // one row (the dispatcher sends a layer whose row needs more than
  // kColumnFloats to another algorithm). Two divisions, not one by
  // rows·in_w, which can pass 2^32 (a size_t in wasm).
  const std::size_t chunk_rows = std::clamp<std::size_t>(kColumnBlockFloats / (channels * taps) / g.in_w, 1, g.in_h);
  return {channels, chunk_rows};
}

// Channel-rich layers: stride² dense sub-convolutions, each a matrix
// product. Output row oh and column phase c (columns c, c + s, c + 2s, ...)
// receive a fixed set of kernel taps — rows kh with oh + padding − kh·dilation
// a multiple of the stride, columns kw likewise for c — from input pixels at
// fixed shifts. So that strip of the output is
//   out[oc][q] = Σ_{ic, kh, kw} W[ic][oc][kh][kw] · x[ic][ih(kh)][q + δ(kw)],
// a product of the phase's packed weights (K = channels × taps, M = output
// channels) with K shifted input rows. The rows are read in place from a band
// of zero-bordered input rows that stays in L2 (a zero-bordered copy of a
// whole decoder input is 4 MB, filled and copied through memory). All column
// phases of an output row are computed into small tiles, then interleaved and
// written once as bias + sum: nothing is multiplied by an inserted zero, and
// the output is neither filled first nor read back.
void conv_transpose2d_gemm(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                           float* out_data) {
  constexpr std::size_t P = kPanelRows;
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t kernel_plane = g.kernel_h * g.kernel_w;
  const PhasePlan plan = plan_phases(g, 0);
  const std::size_t top = std::size_t(plan.top), left = std::size_t(plan.left), padded_w = plan.padded_w;
  const std::size_t col_phases = plan.cols.size();
  const std::size_t out_plane = g.out_h * g.out_w;

  // Packed weights of every (row phase, column phase), k = (icg, kh, kw) in
  // tap order, in the panel layout gemm_packed reads. Packed once per group
  // and call: all of them are as large as the group's weights.
  const std::size_t m_padded = (group_out + P - 1) / P * P;
  std::vector<std::vector<float>> packed(plan.rows.size() * col_phases);
  std::vector<std::vector<std::size_t>> phase_taps(packed.size());  // kh·kW + kw, in k order within a channel
  for (std::size_t ri = 0; ri < plan.rows.size(); ++ri) {
    for (std::size_t ci = 0; ci < col_phases; ++ci) {
      for (std::size_t kh : plan.rows[ri].taps) {
        for (std::size_t kw : plan.cols[ci].taps) phase_taps[ri * col_phases + ci].push_back(kh * g.kernel_w + kw);
      }
    }
  }
  const auto pack_phases = [&](std::size_t group) {
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

  const Band bands = phase_gemm_band(g, plan);
  const std::size_t band = bands.steps, band_rows = bands.rows;
  std::size_t max_count = 0;
  for (const Phase& row : plan.rows) max_count = std::max(max_count, row.count);
  std::vector<float> buffer(group_in * band_rows * padded_w);

  // Output rows gathered per product: one when the shortest column phase is
  // long enough on its own, else enough to give B kGatherColumns columns.
  std::size_t min_count = g.out_w;
  for (const Phase& col : plan.cols) min_count = std::min(min_count, col.count);
  const std::size_t block = min_count >= kGatherBelowColumns ? 1 : (kGatherColumns + min_count - 1) / min_count;
  // Per column phase: its results for `block` rows, [m][row][q].
  std::vector<std::vector<float>> tiles(col_phases);
  std::vector<float> gathered;
  std::vector<const float*> b_rows, values(col_phases);

  for (std::size_t group = 0; group < g.groups; ++group) {
    pack_phases(group);
    for (std::size_t n = 0; n < g.batch; ++n) {
      const float* src = in_data + (n * g.in_channels + group * group_in) * g.in_h * g.in_w;
      float* out_group = out_data + (n * g.out_channels + group * group_out) * out_plane;
      // Rows no tap reaches (padding can crop the kernel): only the bias.
      for (std::size_t oh = 0; oh < g.out_h; ++oh) {
        if (plan.row_phase(oh % plan.period_h)) continue;
        for (std::size_t m = 0; m < group_out; ++m) {
          std::fill_n(out_group + m * out_plane + oh * g.out_w, g.out_w, bias ? bias[group * group_out + m] : 0.0f);
        }
      }
      for (std::size_t i0 = 0; i0 < max_count; i0 += band) {
        copy_band({src, 0, g.in_h}, group_in, g.in_h, g.in_w, top, left, padded_w, i0, band_rows, buffer.data());
        for (std::size_t ri = 0; ri < plan.rows.size(); ++ri) {
          const Phase& row = plan.rows[ri];
          const std::size_t i_end = std::min(row.count, i0 + band);
          for (std::size_t ib = i0; ib < i_end; ib += block) {
            const std::size_t nrows = std::min(block, i_end - ib);
            for (std::size_t ci = 0; ci < col_phases; ++ci) {
              const Phase& col = plan.cols[ci];
              const std::size_t count = col.count, N = nrows * count;
              const std::size_t K = group_in * row.taps.size() * col.taps.size();
              // Phase row i, kernel row a, kernel column b: where its input starts in the band.
              const auto input_at = [&](std::size_t icg, std::size_t i, std::size_t a, std::size_t b) {
                const std::size_t r = std::size_t(row.rel[a] + std::int64_t(i - i0 + top));
                return buffer.data() + (icg * band_rows + r) * padded_w + std::size_t(col.rel[b] + std::int64_t(left));
              };
              b_rows.clear();
              if (nrows == 1) {
                for (std::size_t icg = 0; icg < group_in; ++icg) {
                  for (std::size_t a = 0; a < row.taps.size(); ++a) {
                    for (std::size_t b = 0; b < col.taps.size(); ++b) b_rows.push_back(input_at(icg, ib, a, b));
                  }
                }
              } else {
                gathered.resize(K * N);
                std::size_t k = 0;
                for (std::size_t icg = 0; icg < group_in; ++icg) {
                  for (std::size_t a = 0; a < row.taps.size(); ++a) {
                    for (std::size_t b = 0; b < col.taps.size(); ++b, ++k) {
                      float* dst = gathered.data() + k * N;
                      for (std::size_t j = 0; j < nrows; ++j)
                        std::copy_n(input_at(icg, ib + j, a, b), count, dst + j * count);
                      b_rows.push_back(dst);
                    }
                  }
                }
              }
              tiles[ci].assign(group_out * N, 0.0f);
              gemm_packed(group_out, N, K, packed[ri * col_phases + ci].data(), b_rows.data(), tiles[ci].data(), N);
            }
            // Every column phase of these rows is done: write them once.
            for (std::size_t j = 0; j < nrows; ++j) {
              const std::size_t oh = row.index + (ib + j) * plan.period_h;
              for (std::size_t m = 0; m < group_out; ++m) {
                for (std::size_t ci = 0; ci < col_phases; ++ci)
                  values[ci] = tiles[ci].data() + (m * nrows + j) * plan.cols[ci].count;
                write_phase_row<false>(plan, values.data(), bias ? bias[group * group_out + m] : 0.0f, g.out_w,
                                       out_group + m * out_plane + oh * g.out_w);
              }
            }
          }
        }
      }
    }
  }
}

// Channel-rich layers on small feature maps (a DCGAN generator): col = Wᵀ·X,
// rows = (output channel, tap), columns = input pixels, K = input channels,
// then each row of col is added into the output at its tap's offset (col2im).
// X is read in place. The rows go in blocks of whole output channels whose
// packed weights fit kColumnBlockFloats: each block's weights are read from
// memory once, in contiguous runs (Wᵀ's rows hold (output channel, tap)
// contiguously), its slice of col stays in L1/L2, and its output planes are
// set to the bias and accumulated while they are in cache. Packing a panel at
// a time, strided over all of W, read each cache line of the 8 MB DCGAN
// weights four times, at a stride that maps them to the same few cache sets.
void conv_transpose2d_columns(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                              float* out_data) {
  constexpr std::size_t P = kPanelRows;
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t taps = g.kernel_h * g.kernel_w;
  const std::size_t M = group_out * taps;
  const std::size_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  const ColumnBlocking blocking = column_blocking(g);
  const std::size_t channels = blocking.channels, chunk_rows = blocking.chunk_rows;
  const std::size_t block_rows = channels * taps, panels = (block_rows + P - 1) / P;
  std::vector<float> col(block_rows * chunk_rows * g.in_w), packed(panels * P * group_in);
  std::vector<const float*> b_rows(group_in);
  const std::int64_t sw = g.stride[1];
  for (std::size_t group = 0; group < g.groups; ++group) {
    const float* a = w_data + group * group_in * M;  // [group_in][group_out·kH·kW] = Wᵀ, K-major
    for (std::size_t oc0 = 0; oc0 < group_out; oc0 += channels) {
      const std::size_t count = std::min(channels, group_out - oc0), rows = count * taps;
      // Row k of Wᵀ holds this block's rows contiguously: read it once, in
      // order, into the panels (element (k, m) at panel m / P, k·P + m % P).
      std::fill(packed.begin(), packed.end(), 0.0f);
      // Eight rows of Wᵀ at a time: their runs stay in L1 while each panel
      // gets two whole cache lines. A row at a time scattered 16-byte stores
      // over every panel, 8 KB apart, all in one L1 set: with 8 output
      // channels a block, that made D 30 % slower than packing nothing.
      static_assert(P == 4, "a panel row is one vector");
      for (std::size_t k0 = 0; k0 < group_in; k0 += 8) {
        const std::size_t k1 = std::min(group_in, k0 + 8);
        std::size_t m = 0;
        for (; m + P <= rows; m += P) {
          float* panel = packed.data() + (m / P) * group_in * P;
          for (std::size_t k = k0; k < k1; ++k) store4(panel + k * P, load4(a + k * M + oc0 * taps + m));
        }
        for (; m < rows; ++m) {
          for (std::size_t k = k0; k < k1; ++k)
            packed[(m / P) * group_in * P + k * P + m % P] = a[k * M + oc0 * taps + m];
        }
      }
      for (std::size_t n = 0; n < g.batch; ++n) {
        const float* x = in_data + (n * g.in_channels + group * group_in) * in_plane;
        float* out_block = out_data + (n * g.out_channels + group * group_out + oc0) * out_plane;
        for (std::size_t c = 0; c < count; ++c)
          std::fill_n(out_block + c * out_plane, out_plane, bias ? bias[group * group_out + oc0 + c] : 0.0f);
        for (std::size_t row0 = 0; row0 < g.in_h; row0 += chunk_rows) {
          const std::size_t chunk = std::min(chunk_rows, g.in_h - row0);
          const std::size_t N = chunk * g.in_w;
          for (std::size_t k = 0; k < group_in; ++k) b_rows[k] = x + k * in_plane + row0 * g.in_w;
          std::fill_n(col.begin(), rows * N, 0.0f);
          gemm_packed(rows, N, group_in, packed.data(), b_rows.data(), col.data(), N);
          for (std::size_t m = 0; m < rows; ++m) {
            const std::size_t c = m / taps, kh = (m % taps) / g.kernel_w, kw = m % g.kernel_w;
            const std::int64_t row_offset = std::int64_t(kh) * g.dilation[0] - g.padding[0];
            const std::int64_t col_offset = std::int64_t(kw) * g.dilation[1] - g.padding[1];
            const Range valid_rows = valid_range(g.in_h, g.stride[0], row_offset, g.out_h);
            const Range cols = valid_range(g.in_w, sw, col_offset, g.out_w);
            const std::size_t first = std::max(valid_rows.begin, row0), last = std::min(valid_rows.end, row0 + chunk);
            float* out_plane_ptr = out_block + c * out_plane;
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
}

}  // namespace tconv::detail
