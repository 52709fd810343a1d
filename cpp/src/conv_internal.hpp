// What conv.cpp (validation and dispatch) shares with the algorithm files
// (private to cpp/src): the validated geometry, the phase plan of a transposed
// convolution, the band buffers of the fused kernels, and the algorithms'
// entry points. Every algorithm takes the output already allocated; the ones
// named "accumulate" below expect it filled with the bias first (fill_bias).
//
// Where each part lives:
//   conv.cpp                   public API: argument checks, output sizes, which algorithm runs
//   backward.cpp               conv2d_backward / conv_transpose2d_backward, the weight gradient
//   conv_plan.cpp              phase plan, zero-bordered copies and bands of the input
//   fused_rows.hpp / .cpp      the register-blocked row kernels both directions share
//   conv2d_direct.cpp          conv2d: the fused rows at column stride 1, else a direct loop
//   conv2d_gemm.cpp            conv2d: im2col and a matrix product (strided, 4+ output channels)
//   conv_transpose_direct.cpp  conv_transpose2d: scatter and the phase gathers
//   conv_transpose_gemm.cpp    conv_transpose2d: matrix products per phase or over whole columns
//   conv_transpose_winograd.cpp  conv_transpose2d: F(2×2, 2×2) products for phases of 2 × 2 taps
//   traffic.cpp                the bytes each algorithm moves beyond the cache (tconv/traffic.hpp)
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "tconv/conv.hpp"
#include "tconv/validate.hpp"

namespace tconv::detail {

// ConvGeometry, everything a direct loop needs after validation, is in
// tconv/conv.hpp: a ConvPlan holds one.

// A tensor's shape as the argument checks read it: a tensor's, or a bare
// Shape for the traffic model (traffic.cpp), which has no tensors.
struct Dims {
  const std::size_t* dims;
  std::size_t rank;
  Dims(const xt::xarray<float>& tensor) : dims(tensor.shape().data()), rank(tensor.dimension()) {}
  Dims(const Shape& shape) : dims(shape.data()), rank(shape.size()) {}
  std::size_t dimension() const { return rank; }
  const Dims& shape() const { return *this; }  // tensor.shape()[d] reads the same for both
  std::size_t operator[](std::size_t d) const { return dims[d]; }
};

// The validated geometry of conv2d / conv_transpose2d(input, weight, bias,
// params), every message naming `function` (the backward passes check their
// arguments with the forward's rules), the output's element count included.
ConvGeometry conv2d_geometry(std::string_view function, const xt::xarray<float>& input, const xt::xarray<float>& weight,
                             const std::optional<xt::xarray<float>>& bias, const Conv2dParams& params);
ConvGeometry conv_transpose2d_geometry(std::string_view function, const xt::xarray<float>& input,
                                       const xt::xarray<float>& weight, const std::optional<xt::xarray<float>>& bias,
                                       const ConvTranspose2dParams& params);
ConvGeometry conv2d_geometry(std::string_view function, Dims input, Dims weight, const Dims* bias,
                             const Conv2dParams& params);
ConvGeometry conv_transpose2d_geometry(std::string_view function, Dims input, Dims weight, const Dims* bias,
                                       const ConvTranspose2dParams& params);

// (N, C_out, H_out, W_out), or (C_out, H_out, W_out) for an unbatched input.
Shape output_shape(const ConvGeometry& g);

// conv2d's choice of algorithm and the call: writes every element of `out`.
// Any geometry whose sizes fit the limits, not only a validated call's: the
// backward of conv_transpose2d asks for fewer output rows than conv2d's size
// formula gives (the rows output_padding added) and may have more padding
// than a conv2d input could.
void conv2d_compute(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                    float* out_data);

// Which algorithm conv2d_compute runs: the fused rows (conv2d_blocked), im2col
// and a matrix product (conv2d_gemm), or the direct loop (conv2d_rows).
enum class Conv2dAlgorithm { fused_rows, gemm, rows };
Conv2dAlgorithm conv2d_algorithm(const ConvGeometry& g);

// Which algorithm conv_transpose2d runs for a non-empty output when the
// caller asks for `requested` (automatic: the dispatcher's choice); fails when
// a requested algorithm would need more scratch than a tensor may hold.
ConvAlgorithm conv_transpose2d_algorithm(const ConvGeometry& g, ConvAlgorithm requested);

// Sets every output plane to its bias (or zero), for the loops that accumulate.
void fill_bias(const ConvGeometry& g, const float* bias, float* out) noexcept;

// Whether no value is inf or NaN (an integer test of the exponent bits, which
// vectorises; a float sum would not without reassociation).
bool all_finite(const float* values, std::size_t count) noexcept;

// ---------------------------------------------------------------- phase plan

// How a transposed convolution splits into dense sub-convolutions, one per
// phase. Along each axis, output index o (phase o mod stride) receives the
// kernel taps k with o + padding − k·dilation a multiple of the stride; the
// phase's i-th output, o = phase + i·stride, reads input index i + rel(k).
// Only phases that some tap reaches are listed, and only taps that reach the
// input for at least one output of their phase (the others would add w·0
// everywhere), so the plan is O(kernel) whatever the stride or padding: a
// stride of 10^9 has at most one phase per output row, and most have no tap.
// The border then makes every read land in a zero-padded copy of the input
// (plus `slack` columns for vector over-reads), and it is at most the phase's
// length on either side.
struct Phase {
  std::size_t index;              // its first output row or column
  std::size_t count;              // its outputs: index, index + stride, ... below the output size
  std::vector<std::size_t> taps;  // kernel rows or columns, ascending
  std::vector<std::int64_t> rel;  // per tap: the input index its first output reads
};

struct PhasePlan {
  // min(stride, output size): the step between outputs of one phase (an
  // output's phase is its index modulo this), exact as a size_t in wasm too.
  std::size_t period_h, period_w;
  std::vector<Phase> rows, cols;  // by index
  std::int64_t top = 0, left = 0;
  std::size_t padded_h = 0, padded_w = 0;

  /// Row phase r, or null when no tap reaches it (only bias).
  const Phase* row_phase(std::size_t r) const {
    const auto it = std::lower_bound(rows.begin(), rows.end(), r,
                                     [](const Phase& p, std::size_t value) { return p.index < value; });
    return it != rows.end() && it->index == r ? &*it : nullptr;
  }
};

PhasePlan plan_phases(const ConvGeometry& g, std::size_t slack);

// Copies one image's group of input channels into the plan's zero-bordered layout.
void pad_input(const PhasePlan& plan, const ConvGeometry& g, const float* in_data, std::size_t n, std::size_t group,
               std::vector<float>& padded);

// ---------------------------------------------------------------- bands

// The fused kernels read zero-bordered input rows from a band buffer: the
// padded rows [first, first + rows) of `channels` consecutive input planes,
// laid out [channel][row][padded_w], input row p − top starting at column
// `left`, zeros around it. A band of output rows whose buffer stays in L2
// replaces a zero-bordered copy of the whole input, which would cost a fill
// and a copy through memory (docs/bench-notes.md).
inline constexpr std::size_t kBandFloats = std::size_t{64} << 10;  // 256 KB: fits L2 with room for the output rows

// How a banded algorithm walks its input, for it and the traffic model
// (traffic.cpp): each band computes `steps` output rows (phase rows for the
// transposed ones) and copies `rows` padded input rows, advancing `advance`
// input rows per step.
struct Band {
  std::size_t steps, rows, advance;
};
Band conv2d_band(const ConvGeometry& g);                                   // conv2d_blocked
Band transposed_fused_band(const ConvGeometry& g, const PhasePlan& plan);  // conv_transpose2d_direct, strides 1–2
Band phase_gemm_band(const ConvGeometry& g, const PhasePlan& plan);        // conv_transpose2d_gemm

// `src` holds input rows [src_row, src_row + src_rows) of each channel, laid
// out [channel][row][in_w] (a whole plane: 0 and in_h); the band reads only
// rows among them.
struct BandSource {
  const float* data;
  std::size_t row, rows;
};
void copy_band(BandSource src, std::size_t channels, std::size_t in_h, std::size_t in_w, std::size_t top,
               std::size_t left, std::size_t padded_w, std::size_t first, std::size_t rows, float* dst) noexcept;

// The most result rows a band may hold, for any driver: a streamed call keeps
// a band of one channel block's result rows (BandRows) next to the input's
// band, and they get no more than the input's share of the cache.
std::size_t result_band_rows(const ConvGeometry& g) noexcept;

// Row oh of output channels [oc, oc + count) of image n, and their biases
// (zero without a bias): what the fused kernels write one block at a time.
inline void output_block(const ConvGeometry& g, float* out_data, const float* bias, std::size_t n, std::size_t oc,
                         std::size_t count, std::size_t oh, float** rows, float* biases) noexcept {
  for (std::size_t b = 0; b < count; ++b) {
    rows[b] = out_data + ((n * g.out_channels + oc + b) * g.out_h + oh) * g.out_w;
    biases[b] = bias ? bias[oc + b] : 0.0f;
  }
}

// Where the fused drivers (conv2d_blocked, conv_transpose2d_direct) read a
// band's input rows and write its result rows: the tensors, or, with a
// stream, two buffers of a band each that the stream fills and empties
// (tconv::RowStream): the input rows of a group, and the result rows of one
// channel block, laid out [channel][row][column].
class BandRows {
 public:
  // `band`: result rows per band (at most result_band_rows); `band_rows`:
  // padded input rows per band, `top` and `left` zero rows and columns before
  // the input's, `padded_w` floats a row (copy_band).
  BandRows(const ConvGeometry& g, const float* in_data, float* out_data, RowStream* stream, std::size_t band,
           std::size_t band_rows, std::size_t top, std::size_t left, std::size_t padded_w);
  // The band of padded rows [first, first + band_rows) of image n's group,
  // zero-bordered into `buffer`.
  void load(std::size_t n, std::size_t group, std::size_t first, float* buffer);
  // Where result row oh of channels [oc, oc + count) goes, in a band of
  // `rows` result rows from oh0, and their biases (zero without a bias).
  // Inline: it runs once per row and block (3,072 times for a 3 × 1024² result).
  void targets(std::size_t n, std::size_t oc, std::size_t count, std::size_t oh, std::size_t oh0, std::size_t rows,
               const float* bias, float** out_rows, float* biases) noexcept {
    if (!stream_) return output_block(g_, out_data_, bias, n, oc, count, oh, out_rows, biases);
    for (std::size_t b = 0; b < count; ++b) {
      out_rows[b] = result_rows_.data() + (b * rows + oh - oh0) * g_.out_w;
      biases[b] = bias ? bias[oc + b] : 0.0f;
    }
  }
  // A channel block's band is complete: the stream takes it.
  void done(std::size_t n, std::size_t oc, std::size_t count, std::size_t oh0, std::size_t rows) {
    if (stream_) stream_->write_result(n, oc, count, oh0, rows, result_rows_.data());
  }

 private:
  const ConvGeometry& g_;
  const float* in_data_;
  float* out_data_;
  RowStream* stream_;
  std::size_t band_rows_, top_, left_, padded_w_;
  std::vector<float> staged_, result_rows_;
};

// ---------------------------------------------------------------- algorithms

// conv2d (conv2d_direct.cpp). conv2d_blocked writes bias + sum; it runs when
// blocked_band_fits. conv2d_rows accumulates.
bool blocked_band_fits(const ConvGeometry& g);
// With a stream, conv2d_blocked reads its input from it and writes its result
// to it (in_data and out_data are then unused).
void conv2d_blocked(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                    float* out_data, RowStream* stream = nullptr);
void conv2d_rows(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data);

// conv2d (conv2d_gemm.cpp): im2col and a matrix product, for layers with a
// few output channels or more whose column stride rules out the fused rows;
// it accumulates, and runs when gemm_fits (one output row of its column
// matrix fits kColumnFloats).
bool gemm_fits(const ConvGeometry& g);
void conv2d_gemm(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data);

// conv_transpose2d (conv_transpose_direct.cpp). `direct` writes bias + sum;
// the scatter accumulates. `direct` runs the fused rows, in bands of rows,
// when transposed_fused; only then may it take a stream (as conv2d_blocked).
bool transposed_fused(const ConvGeometry& g);
void conv_transpose2d_direct(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                             float* out_data, RowStream* stream = nullptr);
void conv_transpose2d_scatter(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data);

// Small planes (the explainer's 2 × 2 output and 2 × 2 input) are summed pixel by
// pixel instead of by conv2d_rows or the scatter: working out each tap's
// range of pixels and setting up its vector loop costs several times the few
// products there. conv2d_pixels visits the output's pixels,
// conv_transpose2d_pixels the input's; each output pixel gets its terms in the
// same order as from the loops they replace, so the bits are the same, and
// both accumulate onto the output. They visit every tap for every pixel,
// even where it lands in the padding, so the plane times the kernel is
// bounded too.
inline constexpr std::size_t kShortRow = 8;          // narrower rows fill no more than one wasm vector or two
inline constexpr std::size_t kPixelsMaxTaps = 4096;  // pixels × kernel taps, per channel pair
inline bool sums_pixels(std::size_t h, std::size_t w, const ConvGeometry& g) {
  const std::size_t plane = h * w, taps = g.kernel_h * g.kernel_w;  // within the element limit
  return w < kShortRow && plane <= kPixelsMaxTaps && taps <= kPixelsMaxTaps && plane * taps <= kPixelsMaxTaps;
}
void conv2d_pixels(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data);
void conv_transpose2d_pixels(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data);

// conv_transpose2d (conv_transpose_gemm.cpp); both write bias + sum.
void conv_transpose2d_gemm(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                           float* out_data);
void conv_transpose2d_columns(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                              float* out_data);

// Writes one output row of a transposed convolution from its column phases'
// results (conv_transpose_gemm.cpp): values[c][q] is plan.cols[c]'s q-th,
// at column cols[c].index + q·period_w, as bias + value (columns no tap
// reaches get the bias alone) or, with Add, added to what is there. At
// stride 2 (the common up-sampling layer) the two phases are interleaved by
// shuffles, four pairs at a time.
template <bool Add>
void write_phase_row(const PhasePlan& plan, const float* const* values, float bias, std::size_t out_w,
                     float* out_row) noexcept;

// conv_transpose2d (conv_transpose_winograd.cpp): F(2×2, 2×2) per stride
// phase, when every phase is a 2 × 2 convolution (winograd_fits); writes
// bias + sum. Its transforms add up to four values before multiplying, so
// values within a factor of 16 of FLT_MAX can overflow there where the direct
// sums do not; an overflow always ends as inf or NaN in the output, and
// conv_transpose2d then computes the call again another way (all_finite).
bool winograd_fits(const ConvGeometry& g);
void conv_transpose2d_winograd(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                               float* out_data, WeightCache* cache = nullptr);

// The per-phase product's band of zero-bordered input rows, 384 KB: with the
// packed weights (a decoder layer's 128 KB) and the result tiles it stays
// within a 1 MiB L2.
inline constexpr std::size_t kPhaseBandFloats = std::size_t{96} << 10;

// The column product's block: the packed weights of as many whole output
// channels as fit 128 KB (4 of the DCGAN layer's 256), and its slice of col
// within the same size, so that both stay in L2 next to X. 8 channels were
// as fast at best and slower in the median (compute only, natively).
inline constexpr std::size_t kColumnBlockFloats = std::size_t{32} << 10;

// conv_transpose2d_columns' blocks: output channels per block of packed
// weights, and input rows per product.
struct ColumnBlocking {
  std::size_t channels, chunk_rows;
};
ColumnBlocking column_blocking(const ConvGeometry& g);

// The Winograd product's transformed input (V) per pass, 640 KB: one row of
// output blocks of a 64-channel decoder layer at 128 × 128 (590 KB), or the
// DCGAN layer's whole 8 × 8 input in two chunks of input channels. With a
// block of transformed weights (kWinogradWeightBlockFloats) it stays within
// a 1 MiB L2.
inline constexpr std::size_t kWinogradFloats = std::size_t{160} << 10;

// A block of transformed weights (U) for every phase, at most 320 KB: 8 output
// channels of the DCGAN layer, all 32 of the decoder layer's.
inline constexpr std::size_t kWinogradWeightBlockFloats = std::size_t{80} << 10;

// Weights up to this size (128 KB, a decoder layer's) stay in the cache: each
// pass over rows of output blocks may reread them. Larger ones (the DCGAN
// layer's 8 MB) are read once, every row in one pass, the input channels in
// chunks of at least kWinogradMinChannels.
inline constexpr std::size_t kWinogradWeightFloats = std::size_t{32} << 10;
inline constexpr std::size_t kWinogradMinChannels = 32;

struct WinogradBlocking {
  std::size_t channels, tile_rows,
      chunk;  // output channels per block, rows of output blocks per pass, input channels per chunk
};
WinogradBlocking winograd_blocking(const ConvGeometry& g);

// The column product's scratch (col = Wᵀ·X for a chunk of input rows), 4 MB:
// bounds its memory whatever the input's height. One input row always fits,
// whatever its size: the dispatcher sends a layer whose row needs more to
// another algorithm.
inline constexpr std::size_t kColumnFloats = std::size_t{1} << 20;

}  // namespace tconv::detail
