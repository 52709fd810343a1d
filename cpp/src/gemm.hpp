// A small blocked matrix product for the channel-rich convolution paths
// (private to cpp/src). Written with GCC/Clang vector extensions, so the same
// code is SSE natively and wasm SIMD (simd128) under Emscripten.
#pragma once

#include <cstddef>

namespace tconv::detail {

/// c[m][n] += Σ_k a[k][m] · b[k][n] for m < M, n < N, k < K: both operands
/// are K-major (a is Aᵀ, row-major K×M), as the weights and the input of a
/// transposed convolution already are. Leading dimensions are in floats.
void gemm_tn(std::size_t M, std::size_t N, std::size_t K, const float* a, std::size_t lda, const float* b,
             std::size_t ldb, float* c, std::size_t ldc);

}  // namespace tconv::detail
