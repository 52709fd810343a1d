// The fused row kernels (private to cpp/src, defined in fused_rows.cpp): one
// output row of a block of output channels, for conv2d at column stride 1 and
// conv_transpose2d at column strides 1 and 2.
//
// For each block of up to kChannelBlock output channels, the S column phases
// of a few vectors of consecutive phase columns accumulate in registers over
// every (input channel, tap); the phases are then interleaved by shuffles into
// consecutive output pixels, which are written once as bias + sum. Nothing
// multiplies an inserted zero. Every pixel of a row phase sums the same taps
// in the same order whatever its row or column block, so a band of rows
// computed on its own is bit-identical to the same rows of a whole image (the
// upsampler relies on that).
#pragma once

#include <cstddef>
#include <vector>

namespace tconv::detail {

// Output channels that share each loaded input vector: the accumulators of
// four channels still fit the vector registers with room for inputs and a weight.
inline constexpr std::size_t kChannelBlock = 4;

// The column strides fused_row handles: it interleaves up to this many column
// phases in registers (wider strides go through phase buffers).
inline constexpr std::size_t kFusedMaxStride = 2;

// Columns past the input that a kernel may read (the widest block's phase
// columns): band buffers add this many zeros to each row.
inline constexpr std::size_t kFusedSlack = 16;

struct FusedTaps {
  // Per tap: its input row (at phase column 0), from the row's base in the band buffer.
  std::vector<std::size_t> offsets;
  // Per channel block: [tap][channel of the block].
  std::vector<std::vector<float>> weights;
};

// Writes one output row of channel block `block` (block_size channels, at
// most kChannelBlock): out_rows[b][ow] = bias[b] + the taps' sum, for ow in
// [0, out_w). S (1 or 2) is the column stride; taps[c] are column phase c's
// taps, their offsets relative to `base`. noexcept: under -fexceptions (wasm),
// a call that may throw from a function with destructors to run goes through
// a JavaScript invoke_* wrapper, once per row.
template <std::size_t S>
void fused_row(const float* base, const FusedTaps* const* taps, std::size_t block, std::size_t block_size,
               std::size_t out_w, const float* bias, float* const* out_rows) noexcept;

extern template void fused_row<1>(const float*, const FusedTaps* const*, std::size_t, std::size_t, std::size_t,
                                  const float*, float* const*) noexcept;
extern template void fused_row<2>(const float*, const FusedTaps* const*, std::size_t, std::size_t, std::size_t,
                                  const float*, float* const*) noexcept;

}  // namespace tconv::detail
