// A small blocked matrix product for the channel-rich convolution path
// (private to cpp/src). Written with GCC/Clang vector extensions, so the same
// code is SSE natively and wasm SIMD (simd128) under Emscripten.
#pragma once

#include <cstddef>

namespace tconv::detail {

/// Rows of c per packed panel of `a` (see gemm_packed).
inline constexpr std::size_t kPanelRows = 4;

/// c[m][n] += Σ_k a[k][m] · b_rows[k][n]. `a` is packed in panels of
/// kPanelRows columns of m, each panel K×kPanelRows contiguous (element
/// (k, m) at panel m / kPanelRows, offset k·kPanelRows + m % kPanelRows,
/// zero past M); row k of b starts at b_rows[k] (rows may be anywhere, e.g.
/// shifted input rows read in place).
void gemm_packed(std::size_t M, std::size_t N, std::size_t K, const float* packed_a, const float* const* b_rows,
                 float* c, std::size_t ldc) noexcept;

}  // namespace tconv::detail
