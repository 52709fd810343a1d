// conv_transpose2d for channel-rich layers (conv_internal.hpp): matrix
// products (gemm.hpp) per stride phase, or over whole columns of Wᵀ·X.
#include <algorithm>

#include "conv_internal.hpp"
#include "gemm.hpp"
#include "geometry.hpp"

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
          const std::size_t block =
              count >= kGatherBelowColumns ? 1 : std::min(phase_rows, (kGatherColumns + count - 1) / count);
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

// Channel-rich layers on small feature maps (a DCGAN generator): one product
// per image and group, col = Wᵀ·X, rows = (output channel, tap), columns =
// input pixels, K = input channels, then each row of col is added into the
// output at its tap's offset (col2im). Input rows go in chunks that keep col
// within kColumnFloats.
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

}  // namespace tconv::detail
