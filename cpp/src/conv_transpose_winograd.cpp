// conv_transpose2d for channel-rich layers whose every stride phase is a
// 2 × 2 convolution (kernel 4, stride 2: the up-sampling layer of DCGAN-style
// generators and decoders), with Winograd's minimal filtering F(2×2, 2×2).
//
// In one dimension, a phase's outputs are y[i] = g0·x[i + r] + g1·x[i + r + 1]
// (g0, g1 its two taps, r its input offset). Two neighbouring outputs from
// d = x[i + r .. i + r + 2] take three products instead of four:
//   m0 = (d0 − d1)·g0,  m1 = d1·(g0 + g1),  m2 = (d2 − d1)·g1,
//   y[i] = m0 + m1,     y[i + 1] = m1 + m2,
// and in two dimensions a 2 × 2 block of outputs takes 9 instead of 16.
// Summed over input channels, each of the 9 products is a matrix product:
// M[ξ] = U[ξ]·V[ξ], with U the transformed weights (output channel ×
// input channel) and V the transformed 3 × 3 input tiles (input channel ×
// tile). The transforms only add and subtract (no fractions), so results stay
// within the float rounding of the other algorithms.
#include <algorithm>

#include "conv_internal.hpp"
#include "gemm.hpp"
#include "geometry.hpp"
#include "simd.hpp"

namespace tconv::detail {

namespace {

constexpr std::size_t kXi = 9;  // products per 2 × 2 output block: F(2×2, 2×2)

// One axis of one phase: its two taps ordered by the input they read (g0
// reads x[i + rel], g1 reads x[i + rel + 1]), and its outputs in blocks of 2.
struct AxisPhase {
  std::size_t tap0, tap1;
  std::int64_t rel;
  std::size_t index, count, blocks;
};

AxisPhase axis_phase(const Phase& p) {
  const bool first_lower = p.rel[0] < p.rel[1];
  return {first_lower ? p.taps[0] : p.taps[1],
          first_lower ? p.taps[1] : p.taps[0],
          std::min(p.rel[0], p.rel[1]),
          p.index,
          p.count,
          (p.count + 1) / 2};
}

// (a, b, c) → (a − b, b, c − b): the input transform Bᵀ along one axis.
inline void forward3(float& a, float b, float& c) { a -= b, c -= b; }

struct PhaseTaps {
  std::size_t at[4];  // g00, g01, g10, g11
  std::size_t slab;
};

// U for output channels [oc0, oc0 + count) and input channels [k0, k0 + kc)
// of one group, every phase: slab (phase, ξ) at u + (phase·9 + ξ)·u_stride,
// element (input channel k0 + k, channel m) at panel m / P, k·P + m % P
// (panels kc·P apart), zero past count. Per input channel
// and panel, the panel's kernels are transposed 4 × 4 so that each tap is a
// vector over the panel's channels; then G·g·Gᵀ (G = [1 0; 1 1; 0 1]) is 9
// vector sums per phase, stored whole.
void transform_weights(const ConvGeometry& g, const std::vector<AxisPhase>& rows, const std::vector<AxisPhase>& cols,
                       const float* w_group, std::size_t group_out, std::size_t oc0, std::size_t count, std::size_t k0,
                       std::size_t kc, std::size_t u_stride, float* u) {
  constexpr std::size_t P = kPanelRows;
  static_assert(P == 4, "a panel's channels are one vector");
  const std::size_t plane = g.kernel_h * g.kernel_w;  // 4·sh·sw: whole vectors
  std::vector<float> taps(plane * P);                 // [tap][channel in the panel]
  const std::vector<float> zeros(plane, 0.0f);
  // Per phase, where its four taps are in `taps` and where its slabs start:
  // worked out once, not per input channel (that cost more than the sums).
  std::vector<PhaseTaps> phase_taps;
  for (const AxisPhase& r : rows) {
    for (const AxisPhase& c : cols) {
      const auto at = [&](std::size_t kh, std::size_t kw) { return (kh * g.kernel_w + kw) * P; };
      phase_taps.push_back({{at(r.tap0, c.tap0), at(r.tap0, c.tap1), at(r.tap1, c.tap0), at(r.tap1, c.tap1)},
                            phase_taps.size() * kXi * u_stride});
    }
  }
  for (std::size_t p0 = 0; p0 < count; p0 += P) {
    for (std::size_t k = 0; k < kc; ++k) {
      const std::size_t icg = k0 + k;
      const float* w[P];
      for (std::size_t lane = 0; lane < P; ++lane)
        w[lane] = p0 + lane < count ? w_group + (icg * group_out + oc0 + p0 + lane) * plane : zeros.data();
      for (std::size_t t = 0; t < plane; t += 4) {
        const v4 r0 = load4(w[0] + t), r1 = load4(w[1] + t), r2 = load4(w[2] + t), r3 = load4(w[3] + t);
        const v4 a = interleave_low(r0, r1), b = interleave_high(r0, r1);
        const v4 c = interleave_low(r2, r3), d = interleave_high(r2, r3);
        store4(taps.data() + t * P, __builtin_shufflevector(a, c, 0, 1, 4, 5));
        store4(taps.data() + (t + 1) * P, __builtin_shufflevector(a, c, 2, 3, 6, 7));
        store4(taps.data() + (t + 2) * P, __builtin_shufflevector(b, d, 0, 1, 4, 5));
        store4(taps.data() + (t + 3) * P, __builtin_shufflevector(b, d, 2, 3, 6, 7));
      }
      float* dst = u + (p0 / P) * kc * P + k * P;
      for (const PhaseTaps& t : phase_taps) {
        const v4 g00 = load4(taps.data() + t.at[0]), g01 = load4(taps.data() + t.at[1]);
        const v4 g10 = load4(taps.data() + t.at[2]), g11 = load4(taps.data() + t.at[3]);
        const v4 h[3][2] = {{g00, g01}, {g00 + g10, g01 + g11}, {g10, g11}};
        float* slab = dst + t.slab;
        for (std::size_t a = 0; a < 3; ++a) {
          store4(slab + (3 * a) * u_stride, h[a][0]);
          store4(slab + (3 * a + 1) * u_stride, h[a][0] + h[a][1]);
          store4(slab + (3 * a + 2) * u_stride, h[a][1]);
        }
      }
    }
  }
}

// V for input channels [k0, k0 + kc) and rows of output blocks [t0, t0 +
// pass_rows): per tile, Bᵀ·d·B with Bᵀ = [1 −1 0; 0 1 0; 0 −1 1], d its
// 3 × 3 input (zero outside the input).
template <typename XiStride>
void transform_input(const ConvGeometry& g, const std::vector<AxisPhase>& rows, const std::vector<AxisPhase>& cols,
                     const float* x, std::size_t k0, std::size_t kc, std::size_t t0, std::size_t pass_rows,
                     std::size_t tile_rows, std::size_t left, std::size_t line_w, float* lines,
                     const std::vector<std::size_t>& v_at, const XiStride& xi_stride, float* v) {
  for (std::size_t ri = 0; ri < rows.size(); ++ri) {
    for (std::size_t k = 0; k < kc; ++k) {
      const float* plane = x + (k0 + k) * g.in_h * g.in_w;
      for (std::size_t tr = 0; tr < pass_rows; ++tr) {
        // Input rows 2·(t0 + tr) + rel + {0, 1, 2}; the border columns stay zero.
        for (std::size_t j = 0; j < 3; ++j) {
          float* line = lines + j * line_w + left;
          const std::int64_t ih = std::int64_t(2 * (t0 + tr) + j) + rows[ri].rel;
          if (ih >= 0 && ih < std::int64_t(g.in_h)) {
            std::copy_n(plane + std::size_t(ih) * g.in_w, g.in_w, line);
          } else {
            std::fill_n(line, g.in_w, 0.0f);
          }
        }
        for (std::size_t ci = 0; ci < cols.size(); ++ci) {
          const AxisPhase& c = cols[ci];
          const std::size_t stride = xi_stride(c);
          float* dst = v + v_at[ri * cols.size() + ci] + (k * tile_rows + tr) * c.blocks;
          const float* l0 = lines + std::size_t(std::int64_t(left) + c.rel);
          const float *l1 = l0 + line_w, *l2 = l1 + line_w;
          std::size_t b = 0;
          // Four blocks at a time: columns 2b, 2b + 1 and 2b + 2 of each row
          // are the even and odd lanes of two loads, and the even lanes
          // again one block on.
          const auto column = [](const float* l, std::size_t q, v4& even, v4& odd, v4& next) {
            const v4 a = load4(l + q), c = load4(l + q + 4);
            even = __builtin_shufflevector(a, c, 0, 2, 4, 6);
            odd = __builtin_shufflevector(a, c, 1, 3, 5, 7);
            next = __builtin_shufflevector(a, c, 2, 4, 6, 4);
            next[3] = l[q + 8];
          };
          for (; b + 4 <= c.blocks; b += 4) {
            v4 d[3][3];
            column(l0, 2 * b, d[0][0], d[0][1], d[0][2]);
            column(l1, 2 * b, d[1][0], d[1][1], d[1][2]);
            column(l2, 2 * b, d[2][0], d[2][1], d[2][2]);
            for (std::size_t j = 0; j < 3; ++j) d[0][j] -= d[1][j], d[2][j] -= d[1][j];
            for (std::size_t j = 0; j < 3; ++j) d[j][0] -= d[j][1], d[j][2] -= d[j][1];
            for (std::size_t xi = 0; xi < kXi; ++xi) store4(dst + xi * stride + b, d[xi / 3][xi % 3]);
          }
          for (; b < c.blocks; ++b) {
            const std::size_t q = 2 * b;
            float d[3][3] = {
                {l0[q], l0[q + 1], l0[q + 2]}, {l1[q], l1[q + 1], l1[q + 2]}, {l2[q], l2[q + 1], l2[q + 2]}};
            for (std::size_t j = 0; j < 3; ++j) forward3(d[0][j], d[1][j], d[2][j]);
            for (std::size_t j = 0; j < 3; ++j) forward3(d[j][0], d[j][1], d[j][2]);
            for (std::size_t xi = 0; xi < kXi; ++xi) dst[xi * stride + b] = d[xi / 3][xi % 3];
          }
        }
      }
    }
  }
}

// Aᵀ·M·A (Aᵀ = [1 1 0; 0 1 1]) for one output channel and one row of blocks
// of one phase: its two rows of phase outputs, top[q] and bottom[q] for q <
// 2·blocks (the second of a block past the phase's last output is computed
// and never written). m holds the 9 slabs xi_step apart, this row's blocks
// contiguous. Four blocks at a time: each sum is a vector over blocks, and
// the two outputs of a block are interleaved by shuffles.
void inverse_row(const float* m, std::size_t xi_step, std::size_t blocks, float* top, float* bottom) noexcept {
  std::size_t b = 0;
  for (; b + 4 <= blocks; b += 4) {
    v4 s[kXi];
    for (std::size_t xi = 0; xi < kXi; ++xi) s[xi] = load4(m + xi * xi_step + b);
    const v4 t0 = s[0] + s[3], t1 = s[1] + s[4], t2 = s[2] + s[5];
    const v4 u0 = s[3] + s[6], u1 = s[4] + s[7], u2 = s[5] + s[8];
    const v4 te = t0 + t1, to = t1 + t2, be = u0 + u1, bo = u1 + u2;
    store4(top + 2 * b, interleave_low(te, to));
    store4(top + 2 * b + 4, interleave_high(te, to));
    store4(bottom + 2 * b, interleave_low(be, bo));
    store4(bottom + 2 * b + 4, interleave_high(be, bo));
  }
  for (; b < blocks; ++b) {
    float s[kXi];
    for (std::size_t xi = 0; xi < kXi; ++xi) s[xi] = m[xi * xi_step + b];
    const float t[3] = {s[0] + s[3], s[1] + s[4], s[2] + s[5]};
    const float u[3] = {s[3] + s[6], s[4] + s[7], s[5] + s[8]};
    top[2 * b] = t[0] + t[1], top[2 * b + 1] = t[1] + t[2];
    bottom[2 * b] = u[0] + u[1], bottom[2 * b + 1] = u[1] + u[2];
  }
}

}  // namespace

// Floats of V per input channel and row of output blocks: every phase's 9
// transformed tiles.
std::size_t v_per_channel_row(const PhasePlan& plan) {
  std::size_t col_blocks = 0;
  for (const Phase& c : plan.cols) col_blocks += (c.count + 1) / 2;
  return plan.rows.size() * kXi * col_blocks;
}

bool winograd_fits(const ConvGeometry& g) {
  // The weight transform reads each kernel as whole vectors of 4·sh·sw taps.
  // A plan lists only taps that reach the input, so a kernel 3 at stride 2
  // with padding 2 on a 2-pixel input also has two taps per phase: without
  // this check it was taken, and its 6 taps were read and written as 8 (the
  // fuzzer found it, a heap overflow under ASan).
  if (g.kernel_h != 2 * std::size_t(g.stride[0]) || g.kernel_w != 2 * std::size_t(g.stride[1])) return false;
  const PhasePlan plan = plan_phases(g, 0);
  // Every output row and column in some phase, each phase two taps reading
  // neighbouring inputs: then every output is one 2 × 2 convolution's.
  if (plan.rows.size() != plan.period_h || plan.cols.size() != plan.period_w) return false;
  for (const auto* axis : {&plan.rows, &plan.cols}) {
    for (const Phase& p : *axis) {
      if (p.taps.size() != 2 || (p.rel[0] - p.rel[1] != 1 && p.rel[1] - p.rel[0] != 1)) return false;
    }
  }
  // One input channel's row of tiles must fit the pass buffer.
  return v_per_channel_row(plan) <= kWinogradFloats;
}

WinogradBlocking winograd_blocking(const ConvGeometry& g) {
  const PhasePlan plan = plan_phases(g, 0);
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  std::size_t row_blocks = 0;
  for (const Phase& r : plan.rows) row_blocks = std::max(row_blocks, (r.count + 1) / 2);
  const std::size_t per_row = v_per_channel_row(plan);
  // Weights that stay in the cache are cheap to reread: all input channels,
  // and as many rows of tiles as V has room for. Larger weights are read
  // once: every row of tiles in one pass (as many as room for
  // kWinogradMinChannels), and the input channels in chunks.
  const bool weights_fit = group_in * group_out * g.kernel_h * g.kernel_w <= kWinogradWeightFloats;
  const std::size_t tile_rows = std::clamp<std::size_t>(
      kWinogradFloats / per_row / (weights_fit ? group_in : std::min(group_in, kWinogradMinChannels)), 1, row_blocks);
  const std::size_t max_chunk = std::clamp<std::size_t>(kWinogradFloats / per_row / tile_rows, 1, group_in);
  const std::size_t chunks = (group_in + max_chunk - 1) / max_chunk;
  const std::size_t chunk = (group_in + chunks - 1) / chunks;
  // Output channels per block: whole panels, as many as U has room for.
  const std::size_t phases = plan.rows.size() * plan.cols.size();
  const std::size_t room = kWinogradWeightBlockFloats / (phases * kXi * chunk) / kPanelRows * kPanelRows;
  return {std::min(group_out, std::max(room, kPanelRows)), tile_rows, chunk};
}

void conv_transpose2d_winograd(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                               float* out_data, WeightCache* cache) {
  constexpr std::size_t P = kPanelRows;
  const PhasePlan plan = plan_phases(g, 0);
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t kernel_plane = g.kernel_h * g.kernel_w, out_plane = g.out_h * g.out_w;
  std::vector<AxisPhase> rows, cols;
  for (const Phase& p : plan.rows) rows.push_back(axis_phase(p));
  for (const Phase& p : plan.cols) cols.push_back(axis_phase(p));
  std::size_t row_blocks = 0;
  for (const AxisPhase& r : rows) row_blocks = std::max(row_blocks, r.blocks);
  const WinogradBlocking blocking = winograd_blocking(g);
  const std::size_t channels = blocking.channels, tile_rows = blocking.tile_rows, chunk = blocking.chunk;
  const std::size_t panels = (channels + P - 1) / P, phases = rows.size() * cols.size();

  // V for a pass (rows of output blocks) and a chunk of input channels: per
  // phase, [ξ][input channel][tile], tiles row-major over (tile row, column
  // block). The ξ slabs are a cache line further apart than their size: a
  // power of two apart, the 9 streams of the input transform share one L1 set.
  const auto xi_stride = [&](const AxisPhase& c) { return chunk * tile_rows * c.blocks + 16; };
  std::vector<std::size_t> v_at(phases + 1, 0);
  for (std::size_t phase = 0; phase < phases; ++phase)
    v_at[phase + 1] = v_at[phase] + kXi * xi_stride(cols[phase % cols.size()]);
  std::vector<float> v(v_at[phases]);
  // U for a block of output channels and the chunk: a slab per (phase, ξ),
  // also a line apart (with 36 slabs 32 KB apart the transform took 15 ms, not 1).
  const std::size_t u_stride = panels * P * chunk + 16, u_floats = phases * kXi * u_stride;
  // With a cache, every (group, chunk, block)'s U is kept there, made on the
  // first pass of a call whose layout the cache does not hold; without, one
  // block's at a time, remade for every pass and image.
  const std::size_t chunks = (group_in + chunk - 1) / chunk, blocks = (group_out + channels - 1) / channels;
  std::vector<std::size_t> key = {g.groups, group_in, group_out, g.kernel_h, g.kernel_w, chunk, channels};
  for (const auto* axis : {&rows, &cols}) {
    for (const AxisPhase& a : *axis) key.insert(key.end(), {a.tap0, a.tap1});
  }
  const bool cached = cache != nullptr && Wide(g.groups) * chunks * blocks * u_floats <= Wide(kMaxElements);
  const bool fill = cached && cache->key != key;
  if (fill) {
    cache->key.clear();  // valid again only once this call has filled it
    cache->data.resize(g.groups * chunks * blocks * u_floats);
  }
  std::vector<float> u(cached ? 0 : u_floats);
  // One row phase's M, per column phase [ξ][channel][tile] from m_at[ci] · channels.
  std::vector<std::size_t> m_at(cols.size() + 1, 0);
  for (std::size_t ci = 0; ci < cols.size(); ++ci) m_at[ci + 1] = m_at[ci] + kXi * tile_rows * cols[ci].blocks;
  std::vector<float> m(m_at.back() * channels);
  // One channel's two rows of phase outputs, per column phase (2 per block, + a vector of slack).
  std::size_t max_blocks = 0;
  for (const AxisPhase& c : cols) max_blocks = std::max(max_blocks, c.blocks);
  std::vector<float> phase_rows(2 * cols.size() * (2 * max_blocks + 8));
  std::vector<float*> top(cols.size()), bottom(cols.size());
  for (std::size_t ci = 0; ci < cols.size(); ++ci) {
    top[ci] = phase_rows.data() + (2 * ci) * (2 * max_blocks + 8);
    bottom[ci] = phase_rows.data() + (2 * ci + 1) * (2 * max_blocks + 8);
  }
  // The products' B rows, input channel k of the chunk for each (phase, ξ):
  // the same for every chunk, pass and block, so laid out once.
  std::vector<const float*> b_rows(phases * kXi * chunk);
  for (std::size_t phase = 0; phase < phases; ++phase) {
    const AxisPhase& c = cols[phase % cols.size()];
    for (std::size_t xi = 0; xi < kXi; ++xi) {
      for (std::size_t k = 0; k < chunk; ++k) {
        b_rows[(phase * kXi + xi) * chunk + k] = v.data() + v_at[phase] + xi * xi_stride(c) + k * tile_rows * c.blocks;
      }
    }
  }
  // Three input rows with their zero border, so that tiles never read out of
  // bounds: block b of column phase c reads columns 2b + rel + left .. + 2.
  const std::size_t left = std::size_t(plan.left);
  std::size_t line_w = g.in_w + left;
  for (const AxisPhase& c : cols) line_w = std::max(line_w, std::size_t(std::int64_t(2 * c.blocks + 1 + left) + c.rel));
  std::vector<float> lines(3 * line_w, 0.0f);

  for (std::size_t group = 0; group < g.groups; ++group) {
    const float* w_group = w_data + group * group_in * group_out * kernel_plane;  // [group_in][group_out][kH][kW]
    for (std::size_t n = 0; n < g.batch; ++n) {
      const float* x = in_data + (n * g.in_channels + group * group_in) * g.in_h * g.in_w;
      float* out_group = out_data + (n * g.out_channels + group * group_out) * out_plane;
      for (std::size_t t0 = 0; t0 < row_blocks; t0 += tile_rows) {
        const std::size_t pass_rows = std::min(tile_rows, row_blocks - t0);
        for (std::size_t k0 = 0; k0 < group_in; k0 += chunk) {
          const std::size_t kc = std::min(chunk, group_in - k0);
          transform_input(g, rows, cols, x, k0, kc, t0, pass_rows, tile_rows, left, line_w, lines.data(), v_at,
                          xi_stride, v.data());
          for (std::size_t oc0 = 0; oc0 < group_out; oc0 += channels) {
            const std::size_t count = std::min(channels, group_out - oc0);
            float* ub = cached
                            ? cache->data.data() + ((group * chunks + k0 / chunk) * blocks + oc0 / channels) * u_floats
                            : u.data();
            if (!cached || (fill && n == 0 && t0 == 0)) {
              transform_weights(g, rows, cols, w_group, group_out, oc0, count, k0, kc, u_stride, ub);
            }
            for (std::size_t ri = 0; ri < rows.size(); ++ri) {
              // Every column phase's products for this row phase, then its rows of output.
              for (std::size_t ci = 0; ci < cols.size(); ++ci) {
                const std::size_t phase = ri * cols.size() + ci, tiles = pass_rows * cols[ci].blocks;
                float* mc = m.data() + m_at[ci] * count;
                std::fill_n(mc, kXi * count * tiles, 0.0f);
                for (std::size_t xi = 0; xi < kXi; ++xi) {
                  gemm_packed(count, tiles, kc, ub + (phase * kXi + xi) * u_stride,
                              b_rows.data() + (phase * kXi + xi) * chunk, mc + xi * count * tiles, tiles);
                }
              }
              const AxisPhase& r = rows[ri];
              for (std::size_t oc = 0; oc < count; ++oc) {
                float* out_c = out_group + (oc0 + oc) * out_plane;
                const float b0 = bias && k0 == 0 ? bias[group * group_out + oc0 + oc] : 0.0f;
                for (std::size_t tr = 0; tr < pass_rows; ++tr) {
                  const std::size_t i = 2 * (t0 + tr);  // the blocks' first output in the row phase
                  if (i >= r.count) break;              // this row phase has fewer blocks
                  for (std::size_t ci = 0; ci < cols.size(); ++ci) {
                    const std::size_t tiles = pass_rows * cols[ci].blocks;
                    const float* mm = m.data() + m_at[ci] * count + oc * tiles + tr * cols[ci].blocks;
                    inverse_row(mm, count * tiles, cols[ci].blocks, top[ci], bottom[ci]);
                  }
                  // The first chunk writes bias + its sum, the others add theirs.
                  for (std::size_t half = 0; half < 2 && i + half < r.count; ++half) {
                    float* row = out_c + (r.index + (i + half) * plan.period_h) * g.out_w;
                    const float* const* values = half == 0 ? top.data() : bottom.data();
                    if (k0 == 0) {
                      write_phase_row<false>(plan, values, b0, g.out_w, row);
                    } else {
                      write_phase_row<true>(plan, values, 0.0f, g.out_w, row);
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  if (fill) cache->key = std::move(key);
}

}  // namespace tconv::detail
