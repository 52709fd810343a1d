#include "gemm.hpp"

#include <algorithm>

#include "simd.hpp"

namespace tconv::detail {

namespace {

using detail::v4;
inline v4 load(const float* p) { return load4(p); }
inline void store(float* p, v4 v) { store4(p, v); }
inline v4 splat(float x) { return splat4(x); }

constexpr std::size_t MR = kPanelRows;  // rows of c per micro-tile
constexpr std::size_t NR = 8;           // columns of c per micro-tile (two vectors)

// c[0..R)[0..NR) += panelᵀ · b, where panel holds a[k][m..m+MR) contiguously
// for every k, and row k of b starts at b_rows[k] + offset. R = MR is the
// main tile: 2·MR accumulators, two b vectors and one product within the 16
// vector registers V8 has on x64 (more rows spill: 5 or 6 were slower). Smaller
// R serve the last rows of a panel.
template <std::size_t R>
inline void micro_tile(std::size_t K, const float* panel, const float* const* b_rows, std::size_t offset, float* c,
                       std::size_t ldc) {
  v4 acc[R][2];
  for (std::size_t r = 0; r < R; ++r) acc[r][0] = load(c + r * ldc), acc[r][1] = load(c + r * ldc + 4);
  for (std::size_t k = 0; k < K; ++k) {
    const float* b = b_rows[k] + offset;
    const v4 b0 = load(b), b1 = load(b + 4);
    const float* a = panel + k * MR;
    for (std::size_t r = 0; r < R; ++r) {
      const v4 ar = splat(a[r]);
      acc[r][0] += ar * b0;
      acc[r][1] += ar * b1;
    }
  }
  for (std::size_t r = 0; r < R; ++r) store(c + r * ldc, acc[r][0]), store(c + r * ldc + 4, acc[r][1]);
}

// The edge tiles out of line: inlined, they would make one large function,
// which V8 compiles with a weaker register allocator.
template <std::size_t R>
__attribute__((noinline)) void edge_tile(std::size_t K, const float* panel, const float* const* b_rows,
                                         std::size_t offset, float* c, std::size_t ldc) noexcept {
  micro_tile<R>(K, panel, b_rows, offset, c, ldc);
}

using TileFn = void (*)(std::size_t, const float*, const float* const*, std::size_t, float*, std::size_t) noexcept;
constexpr TileFn kEdgeTiles[MR] = {nullptr, edge_tile<1>, edge_tile<2>, edge_tile<3>};

}  // namespace

void gemm_packed(std::size_t M, std::size_t N, std::size_t K, const float* packed_a, const float* const* b_rows,
                 float* c, std::size_t ldc) noexcept {
  // K in blocks of KC: a panel block (KC × MR floats, 8 KB) stays in L1 while
  // it meets every column tile; 512 covers the DCGAN layer's K in one block.
  constexpr std::size_t KC = 512;
  for (std::size_t k0 = 0; k0 < K; k0 += KC) {
    const std::size_t kc = std::min(KC, K - k0);
    for (std::size_t m0 = 0; m0 < M; m0 += MR) {
      const std::size_t rows = std::min(MR, M - m0);
      const float* panel = packed_a + (m0 / MR) * K * MR + k0 * MR;
      const float* const* b = b_rows + k0;
      float* c_rows = c + m0 * ldc;
      std::size_t j = 0;
      if (rows == MR) {
        for (; j + NR <= N; j += NR) micro_tile<MR>(kc, panel, b, j, c_rows + j, ldc);
      } else {
        for (; j + NR <= N; j += NR) kEdgeTiles[rows](kc, panel, b, j, c_rows + j, ldc);
      }
      for (std::size_t i = 0; i < rows; ++i) {  // the last columns: plain loops
        for (std::size_t jj = j; jj < N; ++jj) {
          float sum = 0.0f;
          for (std::size_t k = 0; k < kc; ++k) sum += panel[k * MR + i] * b[k][jj];
          c_rows[i * ldc + jj] += sum;
        }
      }
    }
  }
}

}  // namespace tconv::detail
