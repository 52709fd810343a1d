#include "gemm.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace tconv::detail {

namespace {

typedef float v4 __attribute__((vector_size(16)));

inline v4 load(const float* p) {
  v4 v;
  std::memcpy(&v, p, sizeof v);  // unaligned load
  return v;
}

inline void store(float* p, v4 v) { std::memcpy(p, &v, sizeof v); }

inline v4 splat(float x) { return v4{x, x, x, x}; }

constexpr std::size_t MR = 4;    // rows of c per micro-tile
constexpr std::size_t NR = 8;    // columns of c per micro-tile (two vectors)
constexpr std::size_t NB = 512;  // columns per block: a K×NB slab of b stays in cache

// c[0..MR)[0..NR) += panelᵀ · b, where panel holds a[k][m..m+MR) contiguously for every k.
inline void micro_tile(std::size_t K, const float* panel, const float* b, std::size_t ldb, float* c, std::size_t ldc) {
  v4 c00 = load(c), c01 = load(c + 4);
  v4 c10 = load(c + ldc), c11 = load(c + ldc + 4);
  v4 c20 = load(c + 2 * ldc), c21 = load(c + 2 * ldc + 4);
  v4 c30 = load(c + 3 * ldc), c31 = load(c + 3 * ldc + 4);
  for (std::size_t k = 0; k < K; ++k) {
    const v4 b0 = load(b + k * ldb), b1 = load(b + k * ldb + 4);
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

// The same for a partial tile (rows < MR or cols < NR): plain loops.
void edge_tile(std::size_t rows, std::size_t cols, std::size_t K, const float* panel, const float* b, std::size_t ldb,
               float* c, std::size_t ldc) {
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) {
      float sum = 0.0f;
      for (std::size_t k = 0; k < K; ++k) sum += panel[k * MR + i] * b[k * ldb + j];
      c[i * ldc + j] += sum;
    }
  }
}

}  // namespace

void gemm_tn(std::size_t M, std::size_t N, std::size_t K, const float* a, std::size_t lda, const float* b,
             std::size_t ldb, float* c, std::size_t ldc) {
  std::vector<float> panel(K * MR);
  for (std::size_t n0 = 0; n0 < N; n0 += NB) {
    const std::size_t nb = std::min(NB, N - n0);
    for (std::size_t m0 = 0; m0 < M; m0 += MR) {
      const std::size_t rows = std::min(MR, M - m0);
      // Pack a[k][m0..m0+rows) so the micro-kernel reads it sequentially.
      for (std::size_t k = 0; k < K; ++k) {
        for (std::size_t i = 0; i < MR; ++i) panel[k * MR + i] = i < rows ? a[k * lda + m0 + i] : 0.0f;
      }
      float* c_rows = c + m0 * ldc + n0;
      const float* b_cols = b + n0;
      std::size_t j = 0;
      if (rows == MR) {
        for (; j + NR <= nb; j += NR) micro_tile(K, panel.data(), b_cols + j, ldb, c_rows + j, ldc);
      }
      if (j < nb) edge_tile(rows, nb - j, K, panel.data(), b_cols + j, ldb, c_rows + j, ldc);
    }
  }
}

}  // namespace tconv::detail
