// The fused row kernels behind fused_row (fused_rows.hpp): a generic one, and
// one for a single channel at stride 2 with four taps per column phase. Why
// the dispatch looks the way it does (volatile tables, which tap counts are
// known at compile time) is said above FusedKernels; the measurements behind
// these choices are in docs/bench-notes.md.
#include "fused_rows.hpp"

#include <algorithm>

#include "simd.hpp"

namespace tconv::detail {

namespace {

// OCB output channels (the block `block` of the taps' weights), S column
// phases of W = 4·NV phase columns each, T taps per phase when known at
// compile time (0: read from the taps).
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
// each step computes 2 × 4 phase columns with no loop over taps (one step at
// a time: two at once spill registers). With padding 1 each kernel row reads
// three consecutive input vectors, shared by both phases: six loads per step
// at constant offsets from two row pointers.
// The additions are transposed_row_fused's, in the same order, so the two
// give identical bits. Both start each sum from its first product instead of
// 0 + that product (one addition less per vector); that can only change the
// sign of an all-zero sum, which adding the bias (+0 without one) then makes
// +0 again, unless the bias is −0.
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
  // Full steps in a loop with no tail test, then the partial one.
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
// accumulators (LLVM folds a plain constant table of two entries into direct
// calls). The kernels are noexcept for the reason fused_row is.
// Vectors per phase (NV): the S·OCB·NV accumulators fit V8's 15 free xmm
// registers with room for the input vectors and a weight. Three channels at
// stride 1 take three vectors (9 + 3 + 1 registers): the bench's 3 → 3 conv2d
// (F) ran 5 % faster than with two, both builds alternating in one process.
// Blocks of several channels with 8–16 taps per column phase (kernel 4,
// stride 2, 2–4 input channels) get a compile-time tap count (clang unrolls
// the loop by two without a remainder). Single channels do not: unrolled,
// LLVM hoists all the loads of a block ahead of the arithmetic and V8 spills
// them; four taps get transposed_row_single4 instead.
using FusedRowKernel = void (*)(const float*, const FusedTaps* const*, std::size_t, std::size_t, const float*,
                                float* const*) noexcept;
template <std::size_t S, std::size_t T>
struct FusedKernels {
  static constexpr std::size_t nv2 = S == 1 ? 4 : 2, nv3 = S == 1 ? 3 : 2, nv4 = S == 1 ? 2 : 1;
  static inline const volatile FusedRowKernel table[kChannelBlock] = {
      transposed_row_fused<1, 4, S, 0>, transposed_row_fused<2, nv2, S, T>, transposed_row_fused<3, nv3, S, T>,
      transposed_row_fused<4, nv4, S, T>};
};

}  // namespace

template <std::size_t S>
void fused_row(const float* base, const FusedTaps* const* taps, std::size_t block, std::size_t block_size,
               std::size_t out_w, const float* bias, float* const* out_rows) noexcept {
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

template void fused_row<1>(const float*, const FusedTaps* const*, std::size_t, std::size_t, std::size_t, const float*,
                           float* const*) noexcept;
template void fused_row<2>(const float*, const FusedTaps* const*, std::size_t, std::size_t, std::size_t, const float*,
                           float* const*) noexcept;

}  // namespace tconv::detail
