#include "gemm.hpp"

#include <algorithm>

#include "simd.hpp"

namespace tconv::detail {

namespace {

using detail::v4;
inline v4 load(const float* p) { return load4(p); }
inline void store(float* p, v4 v) { store4(p, v); }
inline v4 splat(float x) { return splat4(x); }

constexpr std::size_t MR = 4;  // rows of c per micro-tile
constexpr std::size_t NR = 8;  // columns of c per micro-tile (two vectors)

// c[0..MR)[0..NR) += panelᵀ · b, where panel holds a[k][m..m+MR) contiguously
// for every k, and row k of b starts at b_rows[k] + offset.
inline void micro_tile_rows(std::size_t K, const float* panel, const float* const* b_rows, std::size_t offset, float* c,
                            std::size_t ldc) {
  v4 c00 = load(c), c01 = load(c + 4);
  v4 c10 = load(c + ldc), c11 = load(c + ldc + 4);
  v4 c20 = load(c + 2 * ldc), c21 = load(c + 2 * ldc + 4);
  v4 c30 = load(c + 3 * ldc), c31 = load(c + 3 * ldc + 4);
  for (std::size_t k = 0; k < K; ++k) {
    const float* b = b_rows[k] + offset;
    const v4 b0 = load(b), b1 = load(b + 4);
    const float* a = panel + k * MR;
    const v4 a0 = splat(a[0]), a1 = splat(a[1]), a2 = splat(a[2]), a3 = splat(a[3]);
    c00 += a0 * b0;
    c01 += a0 * b1;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c30 += a3 * b0;
    c31 += a3 * b1;
  }
  store(c, c00), store(c + 4, c01);
  store(c + ldc, c10), store(c + ldc + 4, c11);
  store(c + 2 * ldc, c20), store(c + 2 * ldc + 4, c21);
  store(c + 3 * ldc, c30), store(c + 3 * ldc + 4, c31);
}

}  // namespace

void gemm_packed(std::size_t M, std::size_t N, std::size_t K, const float* packed_a, const float* const* b_rows,
                 float* c, std::size_t ldc) noexcept {
  // K in blocks of KC: a panel block (KC × MR floats) stays in L1 while it
  // meets every column tile.
  constexpr std::size_t KC = 256;
  for (std::size_t k0 = 0; k0 < K; k0 += KC) {
    const std::size_t kc = std::min(KC, K - k0);
    for (std::size_t m0 = 0; m0 < M; m0 += MR) {
      const std::size_t rows = std::min(MR, M - m0);
      const float* panel = packed_a + (m0 / MR) * K * MR + k0 * MR;
      const float* const* b = b_rows + k0;
      float* c_rows = c + m0 * ldc;
      std::size_t j = 0;
      if (rows == MR) {
        for (; j + NR <= N; j += NR) micro_tile_rows(kc, panel, b, j, c_rows + j, ldc);
      }
      for (std::size_t i = 0; i < rows; ++i) {  // the edge: plain loops
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
