// Four-float vectors through GCC/Clang vector extensions (private to
// cpp/src): SSE natively, wasm simd128 under Emscripten (-msimd128).
#pragma once

#include <cstring>

namespace tconv::detail {

typedef float v4 __attribute__((vector_size(16)));

inline v4 load4(const float* p) {
  v4 v;
  std::memcpy(&v, p, sizeof v);  // unaligned
  return v;
}

inline void store4(float* p, v4 v) { std::memcpy(p, &v, sizeof v); }

inline v4 splat4(float x) { return v4{x, x, x, x}; }

// The lane interleave of two vectors: {a0, b0, a1, b1} and {a2, b2, a3, b3}.
// One shuffle each (unpcklps / unpckhps, i8x16.shuffle in wasm); GCC ≥ 12 and
// clang both know __builtin_shufflevector.
inline v4 interleave_low(v4 a, v4 b) { return __builtin_shufflevector(a, b, 0, 4, 1, 5); }
inline v4 interleave_high(v4 a, v4 b) { return __builtin_shufflevector(a, b, 2, 6, 3, 7); }

}  // namespace tconv::detail
