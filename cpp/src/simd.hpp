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

}  // namespace tconv::detail
