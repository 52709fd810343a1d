// 2-D convolution and transposed convolution with PyTorch's semantics
// (torch.nn.functional.conv2d / conv_transpose2d), NCHW float32.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <vector>
#include <xtensor/xarray.hpp>
#include <xtensor/xtensor.hpp>

#include "tconv/validate.hpp"

namespace tconv {

struct Conv2dParams {
  Pair stride{1, 1};
  Pair padding{0, 0};
  Pair dilation{1, 1};
  std::int64_t groups = 1;
};

/// How conv_transpose2d computes; `automatic` picks per layer. None inserts
/// zeros. `scatter` adds each input pixel's weighted kernel into place (no
/// set-up: tiny layers). `direct` and `gemm` split the output into stride²
/// phases, each a dense sub-convolution over the taps that reach it: `direct`
/// accumulates shifted input rows in registers (few channels), `gemm` makes
/// each phase a blocked matrix product over channels × taps (channel-rich
/// layers); `gemm_columns` forms Wᵀ·X (every output channel and tap, for
/// every input pixel) as one product over channels and adds each column into
/// place (channel-rich layers on small feature maps); `winograd` computes
/// each 2 × 2 block of a phase's outputs with 9 products instead of 16
/// (F(2×2, 2×2); channel-rich layers whose phases all have 2 × 2 taps, as
/// kernel 4 with stride 2 gives, and refused otherwise). Results agree within
/// float rounding; the choice exists for tests and benchmarks.
enum class ConvAlgorithm { automatic, scatter, direct, gemm, gemm_columns, winograd };

struct ConvTranspose2dParams {
  Pair stride{1, 1};
  Pair padding{0, 0};
  Pair output_padding{0, 0};
  Pair dilation{1, 1};
  std::int64_t groups = 1;
  ConvAlgorithm algorithm = ConvAlgorithm::automatic;
};

/// Spatial output size of conv2d: floor((in + 2·padding − dilation·(k−1) − 1) / stride) + 1.
/// Throws when the dilated kernel does not fit in the padded input.
Pair conv2d_output_size(const Pair& input_size, const Pair& kernel_size, const Conv2dParams& params);

/// Spatial output size of conv_transpose2d:
/// (in − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1.
Pair conv_transpose2d_output_size(const Pair& input_size, const Pair& kernel_size, const ConvTranspose2dParams& params);

/// input: (N, Cin, H, W) or unbatched (Cin, H, W); weight: (Cout, Cin/groups, kH, kW);
/// bias: (Cout). The result has the input's rank.
xt::xarray<float> conv2d(const xt::xarray<float>& input, const xt::xarray<float>& weight,
                         const std::optional<xt::xarray<float>>& bias = std::nullopt, const Conv2dParams& params = {});

/// Where conv2d_streamed and conv_transpose2d_streamed read their input and
/// write their result: a band of rows at a time, through buffers small enough
/// to stay in the cache. A caller whose tensors live outside the core (the JS
/// API's arrays) copies each value once each way, instead of copying the whole
/// input in, the core reading it back, writing the whole result and the caller
/// copying that out: each of those passes goes through memory once the tensors
/// outgrow the cache.
class RowStream {
 public:
  /// Writes rows [row, row + rows) of input channels [channel, channel +
  /// channels) of batch item n (0 when unbatched) to `to`, laid out
  /// [channel][row][column].
  virtual void read_input(std::size_t n, std::size_t channel, std::size_t channels, std::size_t row, std::size_t rows,
                          float* to) = 0;
  /// Takes result rows [row, row + rows) of output channels [channel,
  /// channel + channels) of batch item n from `from`, laid out the same way.
  /// Every result row comes exactly once, whole.
  virtual void write_result(std::size_t n, std::size_t channel, std::size_t channels, std::size_t row, std::size_t rows,
                            const float* from) = 0;

 protected:
  ~RowStream() = default;
};

/// The result's shape if a conv2d of an input of this shape (and this weight
/// and bias) is worth streaming, else nothing: calls that conv2d computes in bands
/// of rows (stride 1 along the width, a result at least 4 wide and not empty)
/// from an input of 16 Ki elements, whose tensors outgrow the cache. Checks
/// the shapes and params as conv2d does, with its messages; a smaller input
/// gets nothing, unchecked (conv2d checks it).
std::optional<Shape> conv2d_streamable(const Shape& input, const xt::xarray<float>& weight,
                                       const std::optional<xt::xarray<float>>& bias = std::nullopt,
                                       const Conv2dParams& params = {});

/// conv2d of an input of shape `input` that `stream` provides, the result
/// written to `stream` as it is computed: the same bits as conv2d. Returns the
/// result's shape. Everything is checked, and every buffer allocated, before
/// the first read; a call not computed in bands of rows throws
/// InvalidArgument (any input size is taken).
Shape conv2d_streamed(const Shape& input, const xt::xarray<float>& weight, const std::optional<xt::xarray<float>>& bias,
                      const Conv2dParams& params, RowStream& stream);

/// The same for conv_transpose2d: it takes the calls that conv_transpose2d
/// computes with the `direct` algorithm's fused rows (column stride 1 or 2;
/// automatic picks `direct` for layers of few input channels per group that
/// are not tiny), and gives its bits.
std::optional<Shape> conv_transpose2d_streamable(const Shape& input, const xt::xarray<float>& weight,
                                                 const std::optional<xt::xarray<float>>& bias = std::nullopt,
                                                 const ConvTranspose2dParams& params = {});
Shape conv_transpose2d_streamed(const Shape& input, const xt::xarray<float>& weight,
                                const std::optional<xt::xarray<float>>& bias, const ConvTranspose2dParams& params,
                                RowStream& stream);

/// What conv_transpose2d derives from a weight alone (ConvAlgorithm::winograd's
/// transformed weights, 2.25 times the weight's size), kept for the next call
/// with the same weight, as onnxruntime keeps its packed initializers. Use one
/// cache per weight tensor, and only while that tensor's values stay the same:
/// the cache cannot tell. A call that lays the transform out differently
/// (other channels or kernel, another stride or padding that changes the
/// phases' taps, or an input size that changes the blocking) rebuilds it.
/// Filled by conv_transpose2d; nothing in it is for the caller to read.
struct WeightCache {
  std::vector<std::size_t> key;  // what the transform depended on
  std::vector<float> data;       // the transformed weights, in the order the algorithm reads them
};

/// input: (N, Cin, H, W) or (Cin, H, W); weight: (Cin, Cout/groups, kH, kW); bias: (Cout).
/// Computed directly (each input pixel scatters its kernel), never by zero insertion.
/// With a cache (WeightCache), work that depends on the weight alone is done once.
xt::xarray<float> conv_transpose2d(const xt::xarray<float>& input, const xt::xarray<float>& weight,
                                   const std::optional<xt::xarray<float>>& bias = std::nullopt,
                                   const ConvTranspose2dParams& params = {}, WeightCache* cache = nullptr);

class ConvPlan;

namespace detail {
/// The checked sizes of one call, everything its algorithms read (what a ConvPlan keeps).
struct ConvGeometry {
  std::size_t batch, in_channels, out_channels, groups;
  std::size_t in_h, in_w, out_h, out_w, kernel_h, kernel_w;
  Pair stride, padding, dilation;
  bool unbatched;
};

/// A plan of a checked geometry: conv.cpp's, for conv2d and conv_transpose2d themselves.
ConvPlan plan_of(const ConvGeometry& geometry, bool transposed, ConvAlgorithm algorithm);
}  // namespace detail

/// A conv2d or conv_transpose2d checked once for the shapes of its tensors and
/// its params: run() then computes a call on tensors of those shapes without
/// checking them again, with the same bits (conv2d and conv_transpose2d are a
/// plan and a run). A caller that repeats a call keeps the plan: the JS API
/// does, for calls whose record repeats the last one's (the explainer's). A
/// plan owns no memory, so keeping one holds none.
class ConvPlan {
 public:
  /// Checks as conv2d(input, weight, bias, params) does, in its order and with
  /// its messages, for an input of shape `input`; only the shapes of `weight`
  /// and `bias` are read.
  static ConvPlan conv2d(const Shape& input, const xt::xarray<float>& weight,
                         const std::optional<xt::xarray<float>>& bias, const Conv2dParams& params);
  /// The same for conv_transpose2d (the algorithm is chosen here, once).
  static ConvPlan conv_transpose2d(const Shape& input, const xt::xarray<float>& weight,
                                   const std::optional<xt::xarray<float>>& bias, const ConvTranspose2dParams& params);

  /// The result's shape, without allocating: (N, C_out, H_out, W_out), or
  /// (C_out, H_out, W_out) for an unbatched input.
  struct ResultShape {
    std::array<std::size_t, 4> dims;
    std::size_t rank;
    const std::size_t* begin() const noexcept { return dims.data(); }
    const std::size_t* end() const noexcept { return dims.data() + rank; }
    std::size_t size() const noexcept { return rank; }
    std::size_t operator[](std::size_t d) const noexcept { return dims[d]; }
  };
  ResultShape result_shape() const noexcept;
  /// Elements of the result (within kMaxElements: checked).
  std::size_t result_size() const noexcept;
  /// Elements of the input the plan was made for.
  std::size_t input_size() const noexcept;

  /// Writes every element of `result` (result_size() floats, which need not
  /// be initialised) from arrays of the planned shapes; `bias` is read only if
  /// the plan has one. `cache`: as conv_transpose2d's (conv2d has none).
  void run(const float* input, const float* weight, const float* bias, float* result,
           WeightCache* cache = nullptr) const;

 private:
  ConvPlan(const detail::ConvGeometry& geometry, bool transposed, ConvAlgorithm algorithm)
      : geometry_(geometry), transposed_(transposed), algorithm_(algorithm) {}
  friend ConvPlan detail::plan_of(const detail::ConvGeometry&, bool, ConvAlgorithm);

  detail::ConvGeometry geometry_;
  bool transposed_;
  ConvAlgorithm algorithm_;  // conv_transpose2d's choice (a non-empty result); conv2d chooses as it runs
};

}  // namespace tconv
