// The public convolutions (tconv/conv.hpp): argument checks, output sizes,
// and which algorithm computes each call. The algorithms live in the files
// conv_internal.hpp lists.
#include "tconv/conv.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "conv_internal.hpp"
#include "geometry.hpp"

namespace tconv {

using detail::ConvGeometry;
using detail::format_wide;
using detail::format_wide_pair;
using detail::Wide;

namespace {

constexpr std::string_view kConv2d = "conv2d";
constexpr std::string_view kConvTranspose2d = "conv_transpose2d";

// conv_transpose2d's automatic choice (ConvAlgorithm::automatic). The
// workloads that set these are in docs/bench-notes.md.

// Up to this many output values (the explainer's layers), no set-up pays for
// itself: the scatter, which has none, is fastest.
constexpr std::size_t kScatterMaxOutputs = 1024;

// A zero border larger than this many times the input (plus one band) means a
// kernel or dilation reaching far beyond the input: the phase algorithms would
// copy and multiply mostly zeros, while the scatter touches only input pixels.
constexpr std::int64_t kMaxBorderRatio = 4;

// From this many input channels per group, each output gathers from enough
// channels that packing weights for a matrix product pays off; below it the
// direct phase gather, which packs nothing, is faster.
constexpr std::size_t kGemmMinChannels = 16;

// conv2d's matrix product (conv2d_gemm) from this many output channels per
// group, a full panel of its 4-row tiles, when the fused rows cannot run
// (column stride > 1): with fewer, the empty rows cost more than the direct
// loop's repeated reads (8 → 1 channels, 128², stride 2: 0.24 ms against 0.14;
// 1 → 8: 0.04 against 0.16; 256 → 512 at 16² → 8², the DCGAN discriminator's
// shape: 10.6 ms against 132, natively).
constexpr std::size_t kConv2dGemmMinOutputs = 4;

// conv2d's fused rows from this output width, a vector of 4 pixels: narrower
// rows (the explainer's 4×4 → 2×2) fill a band buffer and tap lists for a few
// products, where the direct loop sets up nothing. The choice depends on the
// width only, so every band of rows of one image takes the same path (the
// upsampler's bands rely on that).
constexpr std::size_t kFusedMinOutputWidth = 4;

// Feature maps up to this many input pixels (16×16) make the weights the bulk
// of the work: one product over whole columns (Wᵀ·X) reuses them best.
constexpr std::size_t kColumnsMaxInputPixels = 256;

// *_streamable offer no stream below this many input elements (64 KB): such
// tensors stay in the cache whole, and checking a call once to decide and
// again to run it made an explainer-sized call 0.3–0.5 µs slower (2.1 → 2.4–2.6 µs).
constexpr std::size_t kStreamMinInput = std::size_t{16} << 10;

bool too_small_to_stream(const Shape& input) {
  const std::optional<std::size_t> count = element_count_within_limit(input);
  return count && *count < kStreamMinInput;
}

using detail::Dims;

Shape shape_of(Dims tensor) { return Shape(tensor.dims, tensor.dims + tensor.rank); }

void check_input_rank(std::string_view function, Dims input) {
  if (input.dimension() != 3 && input.dimension() != 4) {
    fail(function, "input must be 3-D (C, H, W) or 4-D (N, C, H, W), got " + std::to_string(input.dimension()) +
                       "-D shape " + format_shape(shape_of(input)));
  }
}

void check_weight_rank(std::string_view function, Dims weight, const char* layout) {
  if (weight.dimension() != 4) {
    fail(function, std::string("weight must be 4-D ") + layout + ", got " + std::to_string(weight.dimension()) +
                       "-D shape " + format_shape(shape_of(weight)));
  }
}

void check_nonempty(std::string_view function, std::string_view what, Dims tensor, std::size_t first_dim) {
  // The batch may be empty, as in torch; channels and spatial sizes may not.
  for (std::size_t d = first_dim; d < tensor.dimension(); ++d) {
    if (tensor.shape()[d] == 0) {
      fail(function, std::string(what) + " shape " + format_shape(shape_of(tensor)) + " has an empty dimension");
    }
  }
}

// A transposed convolution's output channels are weight.shape[1] * groups:
// given `group_out` and `groups`, the message says so.
void check_bias(std::string_view function, const Dims* bias, std::size_t out_channels, std::size_t group_out = 0,
                std::size_t groups = 0) {
  if (!bias) return;
  if (bias->dimension() != 1 || bias->shape()[0] != out_channels) {
    const std::string channels_from =
        groups == 0 ? "" : ": weight.shape[1] * groups = " + std::to_string(group_out) + " * " + std::to_string(groups);
    fail(function,
         "bias must have " + std::to_string(out_channels) + " elements (one per output channel" + channels_from +
             "), got " +
             (bias->dimension() == 1 ? std::to_string(bias->shape()[0]) : "shape " + format_shape(shape_of(*bias))));
  }
}

// Validates ranks, groups and emptiness, and reads the sizes both directions
// share. groups stays an int64 until it is known to divide the channels.
ConvGeometry describe(std::string_view function, Dims input, Dims weight, std::int64_t groups,
                      const char* weight_layout) {
  check_input_rank(function, input);
  check_weight_rank(function, weight, weight_layout);
  check_integer(function, "groups", groups, Rule::positive);
  check_nonempty(function, "input", input, input.dimension() - 3);
  check_nonempty(function, "weight", weight, 0);
  ConvGeometry g{};
  g.unbatched = input.dimension() == 3;
  const std::size_t off = g.unbatched ? 0 : 1;
  g.batch = g.unbatched ? 1 : input.shape()[0];
  g.in_channels = input.shape()[off];
  g.in_h = input.shape()[off + 1];
  g.in_w = input.shape()[off + 2];
  g.kernel_h = weight.shape()[2];
  g.kernel_w = weight.shape()[3];
  return g;
}

void set_output(ConvGeometry& g, const Pair& out, const Pair& stride, const Pair& padding, const Pair& dilation) {
  g.out_h = static_cast<std::size_t>(out[0]);
  g.out_w = static_cast<std::size_t>(out[1]);
  g.stride = stride;
  g.padding = padding;
  g.dilation = dilation;
}

}  // namespace

Shape detail::output_shape(const ConvGeometry& g) {
  if (g.unbatched) return {g.out_channels, g.out_h, g.out_w};
  return {g.batch, g.out_channels, g.out_h, g.out_w};
}

Pair detail::conv_output_size(std::string_view function, const Pair& input_size, const Pair& kernel_size,
                              const Pair& stride, const Pair& padding, const Pair& dilation) {
  check_pair(function, "input_size", input_size, Rule::positive);
  check_pair(function, "kernel_size", kernel_size, Rule::positive);
  check_pair(function, "stride", stride, Rule::positive);
  check_pair(function, "padding", padding, Rule::non_negative);
  check_pair(function, "dilation", dilation, Rule::positive);
  Wide dilated[2], padded[2];
  for (int d = 0; d < 2; ++d) {
    dilated[d] = Wide(dilation[d]) * (kernel_size[d] - 1) + 1;
    padded[d] = Wide(input_size[d]) + 2 * Wide(padding[d]);
  }
  const Wide limit = Wide(kMaxElements);
  if (padded[0] > limit || padded[1] > limit) {
    fail(function, "padding " + format_pair(padding) + " is too large: padded input size " +
                       format_wide_pair(padded[0], padded[1]) + " is larger than the limit of " +
                       std::to_string(kMaxElements));
  }
  if (dilated[0] > padded[0] || dilated[1] > padded[1]) {
    std::string message = "dilated kernel size " + format_wide_pair(dilated[0], dilated[1]) +
                          " is larger than padded input size " + format_wide_pair(padded[0], padded[1]);
    // Beyond any tensor: name the dilation that stretched it there.
    if ((dilated[0] > limit && dilation[0] > 1) || (dilated[1] > limit && dilation[1] > 1)) {
      message = "dilation " + format_pair(dilation) + " is too large: " + message;
    }
    fail(function, message);
  }
  Pair out{};
  for (int d = 0; d < 2; ++d) out[d] = std::int64_t((padded[d] - dilated[d]) / stride[d] + 1);
  return out;
}

Pair conv2d_output_size(const Pair& input_size, const Pair& kernel_size, const Conv2dParams& params) {
  check_integer(kConv2d, "groups", params.groups, Rule::positive);
  return detail::conv_output_size(kConv2d, input_size, kernel_size, params.stride, params.padding, params.dilation);
}

Pair conv_transpose2d_output_size(const Pair& input_size, const Pair& kernel_size,
                                  const ConvTranspose2dParams& params) {
  return detail::transposed_output_size(kConvTranspose2d, input_size, kernel_size, params);
}

Pair detail::transposed_output_size(std::string_view function, const Pair& input_size, const Pair& kernel_size,
                                    const ConvTranspose2dParams& params) {
  check_pair(function, "input_size", input_size, Rule::positive);
  check_pair(function, "kernel_size", kernel_size, Rule::positive);
  check_pair(function, "stride", params.stride, Rule::positive);
  check_pair(function, "padding", params.padding, Rule::non_negative);
  check_pair(function, "output_padding", params.output_padding, Rule::non_negative);
  check_pair(function, "dilation", params.dilation, Rule::positive);
  check_integer(function, "groups", params.groups, Rule::positive);
  for (int d = 0; d < 2; ++d) {
    // torch's rule: output_padding only chooses among the sizes a stride or a
    // dilation leave ambiguous, so it must be below one of them.
    if (params.output_padding[d] >= params.stride[d] && params.output_padding[d] >= params.dilation[d]) {
      fail(function, "output_padding " + format_pair(params.output_padding) + " must be smaller than either stride " +
                         format_pair(params.stride) + " or dilation " + format_pair(params.dilation));
    }
  }
  Wide exact[2];
  for (int d = 0; d < 2; ++d) {
    exact[d] = (Wide(input_size[d]) - 1) * params.stride[d] - 2 * Wide(params.padding[d]) +
               Wide(params.dilation[d]) * (kernel_size[d] - 1) + params.output_padding[d] + 1;
  }
  // Every other term is at least 1: only the padding makes the output empty.
  if (exact[0] < 1 || exact[1] < 1) {
    fail(function, "padding " + format_pair(params.padding) + " is too large: output size " +
                       format_wide_pair(exact[0], exact[1]) + " is too small, each dimension must be at least 1");
  }
  if (exact[0] > Wide(kMaxElements) || exact[1] > Wide(kMaxElements)) {
    fail(function, "input_size " + format_pair(input_size) + ", stride " + format_pair(params.stride) + ", dilation " +
                       format_pair(params.dilation) + " and kernel_size " + format_pair(kernel_size) +
                       " give output size " + format_wide_pair(exact[0], exact[1]) + ", larger than the limit of " +
                       std::to_string(kMaxElements));
  }
  return {std::int64_t(exact[0]), std::int64_t(exact[1])};
}

ConvGeometry detail::conv2d_geometry(std::string_view function, const xt::xarray<float>& input,
                                     const xt::xarray<float>& weight, const std::optional<xt::xarray<float>>& bias,
                                     const Conv2dParams& params) {
  const Dims bias_dims = bias ? Dims(*bias) : Dims(input);
  return conv2d_geometry(function, Dims(input), Dims(weight), bias ? &bias_dims : nullptr, params);
}

ConvGeometry detail::conv2d_geometry(std::string_view function, Dims input, Dims weight, const Dims* bias,
                                     const Conv2dParams& params) {
  ConvGeometry g = describe(function, input, weight, params.groups, "(out_channels, in_channels/groups, kH, kW)");
  g.out_channels = weight.shape()[0];
  const std::size_t group_in = weight.shape()[1];
  const Wide expected = Wide(group_in) * params.groups;  // exact for any groups up to 2^53
  if (expected != Wide(g.in_channels)) {
    fail(function, "input has " + std::to_string(g.in_channels) + " channels but weight " +
                       format_shape(shape_of(weight)) + " with groups " + std::to_string(params.groups) + " expects " +
                       format_wide(expected) + " channels (weight.shape[1] * groups)");
  }
  g.groups = std::size_t(params.groups);  // it divides in_channels
  if (g.out_channels % g.groups != 0) {
    fail(function, "out_channels " + std::to_string(g.out_channels) +
                       " (weight.shape[0]) must be divisible by groups " + std::to_string(g.groups));
  }
  check_bias(function, bias, g.out_channels);
  const Pair out = detail::conv_output_size(function, {std::int64_t(g.in_h), std::int64_t(g.in_w)},
                                            {std::int64_t(g.kernel_h), std::int64_t(g.kernel_w)}, params.stride,
                                            params.padding, params.dilation);
  set_output(g, out, params.stride, params.padding, params.dilation);
  // Only padding makes the output larger than the input (which is within the limit).
  checked_element_count_lazy(function, "output", detail::output_shape(g), [&] {
    return params.padding == Pair{0, 0} ? std::string() : "from padding " + format_pair(params.padding);
  });
  return g;
}

detail::Conv2dAlgorithm detail::conv2d_algorithm(const ConvGeometry& g) {
  if (g.stride[1] == 1 && g.out_w >= kFusedMinOutputWidth && detail::blocked_band_fits(g))
    return Conv2dAlgorithm::fused_rows;
  if (g.out_channels / g.groups >= kConv2dGemmMinOutputs && detail::gemm_fits(g)) return Conv2dAlgorithm::gemm;
  return Conv2dAlgorithm::rows;
}

void detail::conv2d_compute(const ConvGeometry& g, const float* input, const float* weight, const float* bias,
                            float* output) {
  const Conv2dAlgorithm algorithm = conv2d_algorithm(g);
  if (algorithm == Conv2dAlgorithm::fused_rows) {
    detail::conv2d_blocked(g, input, weight, bias, output);
  } else if (algorithm == Conv2dAlgorithm::gemm) {
    detail::fill_bias(g, bias, output);
    detail::conv2d_gemm(g, input, weight, output);
  } else {
    detail::fill_bias(g, bias, output);
    if (detail::sums_pixels(g.out_h, g.out_w, g)) {
      detail::conv2d_pixels(g, input, weight, output);
    } else {
      detail::conv2d_rows(g, input, weight, output);
    }
  }
}

xt::xarray<float> conv2d(const xt::xarray<float>& input, const xt::xarray<float>& weight,
                         const std::optional<xt::xarray<float>>& bias, const Conv2dParams& params) {
  const ConvPlan plan =
      detail::plan_of(detail::conv2d_geometry(kConv2d, input, weight, bias, params), false, ConvAlgorithm::automatic);
  // Uninitialised: the fused kernels write every pixel once (bias + sum),
  // which saves a pass over an output that can be much larger than the
  // input. Paths that accumulate start from fill_bias.
  xt::xarray<float> output = xt::xarray<float>::from_shape(plan.result_shape());
  plan.run(input.data(), weight.data(), bias ? bias->data() : nullptr, output.data());
  return output;
}

namespace {

// The validated geometry of a call whose input is a shape (a streamed call's,
// a plan's), its weight and bias tensors, checked with the call's own rules and messages.
std::optional<Dims> dims_of(const std::optional<xt::xarray<float>>& bias) {
  return bias ? std::optional<Dims>(*bias) : std::nullopt;
}
ConvGeometry shape_geometry(const Shape& input, const xt::xarray<float>& weight,
                            const std::optional<xt::xarray<float>>& bias, const Conv2dParams& params) {
  const std::optional<Dims> b = dims_of(bias);
  return detail::conv2d_geometry(kConv2d, Dims(input), Dims(weight), b ? &*b : nullptr, params);
}
ConvGeometry shape_geometry(const Shape& input, const xt::xarray<float>& weight,
                            const std::optional<xt::xarray<float>>& bias, const ConvTranspose2dParams& params) {
  const std::optional<Dims> b = dims_of(bias);
  return detail::conv_transpose2d_geometry(kConvTranspose2d, Dims(input), Dims(weight), b ? &*b : nullptr, params);
}

// Whether the call is computed by the fused rows, in bands of rows (an empty
// result has no rows, and takes no algorithm).
bool streams(const ConvGeometry& g, const Conv2dParams&) {
  return g.batch > 0 && detail::conv2d_algorithm(g) == detail::Conv2dAlgorithm::fused_rows;
}
bool streams(const ConvGeometry& g, const ConvTranspose2dParams& params) {
  return g.batch > 0 && detail::conv_transpose2d_algorithm(g, params.algorithm) == ConvAlgorithm::direct &&
         detail::transposed_fused(g);
}

template <class Params>
std::optional<Shape> streamable(const Shape& input, const xt::xarray<float>& weight,
                                const std::optional<xt::xarray<float>>& bias, const Params& params) {
  if (too_small_to_stream(input)) return std::nullopt;
  const ConvGeometry g = shape_geometry(input, weight, bias, params);
  if (!streams(g, params)) return std::nullopt;
  return detail::output_shape(g);
}

// The geometry of a call the *_streamed functions take, or their refusal.
template <class Params>
ConvGeometry streamed_call(std::string_view function, const Shape& input, const xt::xarray<float>& weight,
                           const std::optional<xt::xarray<float>>& bias, const Params& params) {
  const ConvGeometry g = shape_geometry(input, weight, bias, params);
  if (!streams(g, params)) {
    fail(function, "input shape " + format_shape(input) + " with these parameters is not computed in bands of rows (" +
                       std::string(function) + "_streamable offers nothing); use " + std::string(function));
  }
  return g;
}

// The plan of a checked transposed geometry: its algorithm is chosen (and a
// requested one checked) once, for a result that has elements.
ConvPlan transposed_plan(const ConvGeometry& g, ConvAlgorithm requested) {
  const bool empty = g.batch * g.out_channels * g.out_h * g.out_w == 0;
  return detail::plan_of(g, true, empty ? requested : detail::conv_transpose2d_algorithm(g, requested));
}

}  // namespace

std::optional<Shape> conv2d_streamable(const Shape& input, const xt::xarray<float>& weight,
                                       const std::optional<xt::xarray<float>>& bias, const Conv2dParams& params) {
  return streamable(input, weight, bias, params);
}

Shape conv2d_streamed(const Shape& input, const xt::xarray<float>& weight, const std::optional<xt::xarray<float>>& bias,
                      const Conv2dParams& params, RowStream& stream) {
  const ConvGeometry g = streamed_call(kConv2d, input, weight, bias, params);
  detail::conv2d_blocked(g, nullptr, weight.data(), bias ? bias->data() : nullptr, nullptr, &stream);
  return detail::output_shape(g);
}

std::optional<Shape> conv_transpose2d_streamable(const Shape& input, const xt::xarray<float>& weight,
                                                 const std::optional<xt::xarray<float>>& bias,
                                                 const ConvTranspose2dParams& params) {
  return streamable(input, weight, bias, params);
}

Shape conv_transpose2d_streamed(const Shape& input, const xt::xarray<float>& weight,
                                const std::optional<xt::xarray<float>>& bias, const ConvTranspose2dParams& params,
                                RowStream& stream) {
  const ConvGeometry g = streamed_call(kConvTranspose2d, input, weight, bias, params);
  detail::conv_transpose2d_direct(g, nullptr, weight.data(), bias ? bias->data() : nullptr, nullptr, &stream);
  return detail::output_shape(g);
}

ConvGeometry detail::conv_transpose2d_geometry(std::string_view function, const xt::xarray<float>& input,
                                               const xt::xarray<float>& weight,
                                               const std::optional<xt::xarray<float>>& bias,
                                               const ConvTranspose2dParams& params) {
  const Dims bias_dims = bias ? Dims(*bias) : Dims(input);
  return conv_transpose2d_geometry(function, Dims(input), Dims(weight), bias ? &bias_dims : nullptr, params);
}

ConvGeometry detail::conv_transpose2d_geometry(std::string_view function, Dims input, Dims weight, const Dims* bias,
                                               const ConvTranspose2dParams& params) {
  ConvGeometry g = describe(function, input, weight, params.groups, "(in_channels, out_channels/groups, kH, kW)");
  if (weight.shape()[0] != g.in_channels) {
    fail(function, "input has " + std::to_string(g.in_channels) + " channels but weight " +
                       format_shape(shape_of(weight)) + " expects " + std::to_string(weight.shape()[0]) +
                       " channels (weight.shape[0])");
  }
  if (std::int64_t(g.in_channels) % params.groups != 0) {  // in int64: groups may be up to 2^53
    fail(function, "in_channels " + std::to_string(g.in_channels) + " (weight.shape[0]) must be divisible by groups " +
                       std::to_string(params.groups));
  }
  g.groups = std::size_t(params.groups);
  const std::size_t group_out = weight.shape()[1];
  g.out_channels = group_out * g.groups;
  check_bias(function, bias, g.out_channels, group_out, g.groups);
  const Pair out = detail::transposed_output_size(function, {std::int64_t(g.in_h), std::int64_t(g.in_w)},
                                                  {std::int64_t(g.kernel_h), std::int64_t(g.kernel_w)}, params);
  set_output(g, out, params.stride, params.padding, params.dilation);
  checked_element_count_lazy(function, "output", detail::output_shape(g), [&] {
    return "from stride " + format_pair(params.stride) + ", dilation " + format_pair(params.dilation) +
           " and kernel_size (" + std::to_string(g.kernel_h) + ", " + std::to_string(g.kernel_w) + ")";
  });
  return g;
}

ConvAlgorithm detail::conv_transpose2d_algorithm(const ConvGeometry& g, ConvAlgorithm requested) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  // Scratch each algorithm needs, in floats: the phase algorithms hold a
  // group's input with its zero border (or bands of it), the column product
  // at least one input row of Wᵀ·X. Both only depend on the geometry.
  const auto zero_bordered = [&] {
    const detail::PhasePlan plan = detail::plan_phases(g, 0);
    return Wide(group_in) * plan.padded_h * plan.padded_w;
  };
  const Wide column_row = Wide(group_out) * g.kernel_h * g.kernel_w * g.in_w;
  ConvAlgorithm algorithm = requested;
  if (algorithm == ConvAlgorithm::automatic) {
    const auto mostly_border = [&] {
      return zero_bordered() > kMaxBorderRatio * Wide(group_in) * g.in_h * g.in_w + Wide(detail::kBandFloats);
    };
    if (g.out_h * g.out_w * g.out_channels * g.batch <= kScatterMaxOutputs || mostly_border()) {
      algorithm = ConvAlgorithm::scatter;  // too small to pay for any set-up, or mostly border
    } else {
      // Few channels: the phase gather. Many channels: a matrix product, over
      // whole columns when the feature map is small (its weights are then
      // the bulk of the work), per phase otherwise.
      algorithm = group_in < kGemmMinChannels ? ConvAlgorithm::direct
                  : detail::winograd_fits(g)  ? ConvAlgorithm::winograd
                  : g.in_h * g.in_w <= kColumnsMaxInputPixels && column_row <= Wide(detail::kColumnFloats)
                      ? ConvAlgorithm::gemm_columns
                      : ConvAlgorithm::gemm;
    }
  } else if (algorithm == ConvAlgorithm::winograd) {
    if (!detail::winograd_fits(g)) {
      fail(kConvTranspose2d,
           "ConvAlgorithm::winograd needs every stride phase to be a 2 × 2 convolution (kernel_size "
           "2 · stride, dilation 1) and a row of input tiles within its buffer; use "
           "ConvAlgorithm::automatic");
    }
  } else if (algorithm != ConvAlgorithm::scatter) {
    // An algorithm the caller chose still may not need more scratch than a tensor may hold.
    const Wide scratch = algorithm == ConvAlgorithm::gemm_columns ? column_row : zero_bordered();
    if (scratch > Wide(kMaxElements)) {
      fail(kConvTranspose2d, "this algorithm needs " + format_wide(scratch) +
                                 " floats of scratch here, more than the limit of " + std::to_string(kMaxElements) +
                                 "; use ConvAlgorithm::automatic");
    }
  }
  return algorithm;
}

xt::xarray<float> conv_transpose2d(const xt::xarray<float>& input, const xt::xarray<float>& weight,
                                   const std::optional<xt::xarray<float>>& bias, const ConvTranspose2dParams& params,
                                   WeightCache* cache) {
  const ConvPlan plan = transposed_plan(
      detail::conv_transpose2d_geometry(kConvTranspose2d, input, weight, bias, params), params.algorithm);
  xt::xarray<float> output = xt::xarray<float>::from_shape(plan.result_shape());
  plan.run(input.data(), weight.data(), bias ? bias->data() : nullptr, output.data(), cache);
  return output;
}

// ---------------------------------------------------------------- ConvPlan

ConvPlan detail::plan_of(const ConvGeometry& geometry, bool transposed, ConvAlgorithm algorithm) {
  return ConvPlan(geometry, transposed, algorithm);
}

ConvPlan ConvPlan::conv2d(const Shape& input, const xt::xarray<float>& weight,
                          const std::optional<xt::xarray<float>>& bias, const Conv2dParams& params) {
  return detail::plan_of(shape_geometry(input, weight, bias, params), false, ConvAlgorithm::automatic);
}

ConvPlan ConvPlan::conv_transpose2d(const Shape& input, const xt::xarray<float>& weight,
                                    const std::optional<xt::xarray<float>>& bias, const ConvTranspose2dParams& params) {
  return transposed_plan(shape_geometry(input, weight, bias, params), params.algorithm);
}

ConvPlan::ResultShape ConvPlan::result_shape() const noexcept {
  const ConvGeometry& g = geometry_;
  if (g.unbatched) return {{g.out_channels, g.out_h, g.out_w, 0}, 3};
  return {{g.batch, g.out_channels, g.out_h, g.out_w}, 4};
}

std::size_t ConvPlan::result_size() const noexcept {
  const ConvGeometry& g = geometry_;
  return g.batch * g.out_channels * g.out_h * g.out_w;
}

std::size_t ConvPlan::input_size() const noexcept {
  const ConvGeometry& g = geometry_;
  return g.batch * g.in_channels * g.in_h * g.in_w;
}

void ConvPlan::run(const float* input, const float* weight, const float* bias, float* result,
                   WeightCache* cache) const {
  const ConvGeometry& g = geometry_;
  if (!transposed_) {
    detail::conv2d_compute(g, input, weight, bias, result);
    return;
  }
  // An empty batch (or channel count) has nothing to compute; the
  // algorithms would still size their scratch by the output's width.
  if (result_size() == 0) return;
  if (algorithm_ == ConvAlgorithm::scatter) {
    detail::fill_bias(g, bias, result);
    if (detail::sums_pixels(g.in_h, g.in_w, g)) {
      detail::conv_transpose2d_pixels(g, input, weight, result);
    } else {
      detail::conv_transpose2d_scatter(g, input, weight, result);
    }
  } else if (algorithm_ == ConvAlgorithm::gemm) {
    detail::conv_transpose2d_gemm(g, input, weight, bias, result);
  } else if (algorithm_ == ConvAlgorithm::gemm_columns) {
    detail::conv_transpose2d_columns(g, input, weight, bias, result);
  } else if (algorithm_ == ConvAlgorithm::winograd) {
    detail::conv_transpose2d_winograd(g, input, weight, bias, result, cache);
    // An overflow in its transforms (conv_internal.hpp): the column product
    // gives what the direct sums give, inf or NaN only where they have one.
    if (!detail::all_finite(result, result_size())) detail::conv_transpose2d_gemm(g, input, weight, bias, result);
  } else {
    detail::conv_transpose2d_direct(g, input, weight, bias, result);
  }
}

}  // namespace tconv
