// Embind declarations: each function converts its arguments (convert.hpp),
// calls the core and converts the result. Errors come back as { error }.
// conv2d and conv_transpose2d cross as numbers in wasm memory instead (call.hpp).
#include <emscripten/bind.h>
#include <emscripten/em_js.h>
#include <emscripten/em_macros.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <set>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "call.hpp"
#include "convert.hpp"
#include "tconv/backward.hpp"
#include "tconv/conv.hpp"
#include "tconv/conv_matrix.hpp"
#include "tconv/image.hpp"
#include "tconv/interpolate.hpp"
#include "tconv/pixel_shuffle.hpp"

// The wrapper's side of a streamed call (web/lib/tconv.ts, streamRows): it
// copies input rows from the caller's array into wasm memory at `at`, or
// result rows from there into the caller's array (or `out`), one set per
// channel, and returns 0; 1 when it could not (the error stays with it).
// Sizes are below kMaxElements (2^28), so they cross as int.
EM_JS(int, tconv_js_rows, (int writing, int n, int channel, int channels, int row, int rows, const float* at),
      { return Module["tconvRows"](writing, n, channel, channels, row, rows, at); });

namespace tconv::js {
namespace {

// `out`: null, or a Float32Array the JS wrapper checked (a genuine view, not of
// this module's memory) to copy the result into with one set.
val interpolate_js(const TensorArg& input, const val& options, const val& out) {
  return guarded("interpolate", [&] {
    const InterpolateOptions parsed = to_interpolate_options(options);
    const xt::xarray<float> result = interpolate(to_tensor("interpolate", "input", input), parsed);
    if (out.isNull()) return to_js(result);
    check_out_length("interpolate", out["length"].as<double>(), result);
    return to_js(result, out);
  });
}

// ---------------------------------------------------------------- backward passes and pixel shuffle
// Plain Embind values (not call.hpp's record): these are not called per
// frame, so the conversions' few microseconds do not matter; each tensor
// still crosses in one bulk copy each way.

val gradients_js(const ConvGradients& gradients) {
  val result = val::object();
  result.set("gradInput", to_js(gradients.grad_input));
  result.set("gradWeight", to_js(gradients.grad_weight));
  result.set("gradBias", to_js(gradients.grad_bias));
  return result;
}

val conv2d_backward_js(const TensorArg& grad_output, const TensorArg& input, const TensorArg& weight,
                       const ConvOptions& options) {
  constexpr std::string_view f = "conv2d_backward";
  return guarded(f, [&] {
    // The order of the checks, as conv2d's: options, then each tensor in turn
    // (converted as a call's arguments, they would be in no set order).
    const Conv2dParams params = to_conv2d_params(f, options);
    const auto g = to_tensor(f, "grad_output", grad_output);
    const auto x = to_tensor(f, "input", input);
    return gradients_js(conv2d_backward(g, x, to_tensor(f, "weight", weight), params));
  });
}

val conv_transpose2d_backward_js(const TensorArg& grad_output, const TensorArg& input, const TensorArg& weight,
                                 const ConvOptions& options) {
  constexpr std::string_view f = "conv_transpose2d_backward";
  return guarded(f, [&] {
    const ConvTranspose2dParams params = to_conv_transpose2d_params(f, options);
    const auto g = to_tensor(f, "grad_output", grad_output);
    const auto x = to_tensor(f, "input", input);
    return gradients_js(conv_transpose2d_backward(g, x, to_tensor(f, "weight", weight), params));
  });
}

val pixel_shuffle_js(const TensorArg& input, double upscale_factor) {
  constexpr std::string_view f = "pixel_shuffle";
  return guarded(f, [&] {
    const std::int64_t factor = checked_integer(f, "upscale_factor", upscale_factor, Rule::positive);
    return to_js(pixel_shuffle(to_tensor(f, "input", input), factor));
  });
}

val pixel_unshuffle_js(const TensorArg& input, double downscale_factor) {
  constexpr std::string_view f = "pixel_unshuffle";
  return guarded(f, [&] {
    const std::int64_t factor = checked_integer(f, "downscale_factor", downscale_factor, Rule::positive);
    return to_js(pixel_unshuffle(to_tensor(f, "input", input), factor));
  });
}

val conv_matrix_js(const ConvMatrixOptions& options, const val& kernel) {
  constexpr std::string_view f = "conv_matrix";
  return guarded(f, [&] {
    ConvMatrixParams params;
    params.input_size = to_pair(f, "input_size", options.input_size, Rule::positive);
    params.kernel_size = to_pair(f, "kernel_size", options.kernel_size, Rule::positive);
    params.stride = to_pair(f, "stride", options.stride, Rule::positive);
    params.padding = to_pair(f, "padding", options.padding, Rule::non_negative);
    params.dilation = to_pair(f, "dilation", options.dilation, Rule::positive);
    conv_matrix_output_size(params);  // the sizes first, so that a huge kernel_size is named as such
    std::optional<xt::xtensor<float, 2>> weights;
    if (!kernel.isNull() && !kernel.isUndefined()) {
      TensorArg arg;
      arg.data = kernel;
      arg.shape = to_js(params.kernel_size);
      weights = xt::xtensor<float, 2>(to_tensor(f, "kernel", arg));
    }
    const ConvMatrix c = conv_matrix(params, weights);
    val result = val::object();
    result.set("rows", static_cast<double>(c.matrix.shape()[0]));
    result.set("cols", static_cast<double>(c.matrix.shape()[1]));
    result.set("data", float32_copy(c.matrix.data(), c.matrix.size()));
    result.set("source", int32_copy(c.source.data(), c.source.size()));
    return result;
  });
}

val conv2d_output_size_js(const std::array<double, 2>& input_size, const std::array<double, 2>& kernel_size,
                          const ConvOptions& options) {
  constexpr std::string_view f = "conv2d";
  return guarded(f, [&] {
    return to_js(conv2d_output_size(to_pair(f, "input_size", input_size, Rule::positive),
                                    to_pair(f, "kernel_size", kernel_size, Rule::positive),
                                    to_conv2d_params(f, options)));
  });
}

val conv_transpose2d_output_size_js(const std::array<double, 2>& input_size, const std::array<double, 2>& kernel_size,
                                    const ConvOptions& options) {
  constexpr std::string_view f = "conv_transpose2d";
  return guarded(f, [&] {
    return to_js(conv_transpose2d_output_size(to_pair(f, "input_size", input_size, Rule::positive),
                                              to_pair(f, "kernel_size", kernel_size, Rule::positive),
                                              to_conv_transpose2d_params(f, options)));
  });
}

val upsample_image_js(const val& data, double width, double height, const val& spec, const val& progress) {
  return guarded("upsample", [&] {
    const UpsampleSpec parsed = to_upsample_spec(spec);
    const RgbaImage image = to_rgba("upsample", "image", data, width, height);
    const Progress report = to_progress(progress);
    return to_js(upsample(image, parsed, report), spec["into"]);
  });
}

val upsample_band_js(const val& data, double width, double height, const val& spec, const BandArg& band,
                     const val& progress) {
  return guarded("upsample", [&] {
    const UpsampleSpec parsed = to_upsample_spec(spec);
    const UpsampleBand where = to_upsample_band("upsample", band);
    const RgbaImage image = to_rgba("upsample", "image", data, width, height);
    const Progress report = to_progress(progress);
    return to_js(upsample_band(image, parsed, where, report), spec["into"]);
  });
}

val upsample_input_rows_js(double width, double height, const val& spec, const std::array<double, 2>& output_rows) {
  constexpr std::string_view f = "upsample";
  return guarded(f, [&] {
    const Pair size = checked_pair(f, "image size", height, width, Rule::positive);
    return to_js(upsample_input_rows(size, to_upsample_spec(spec), to_rows(f, "outputRows", output_rows)));
  });
}

val image_difference_js(const val& a, double a_width, double a_height, const val& b, double b_width, double b_height,
                        double gain) {
  return guarded("difference", [&] {
    return to_js(difference(to_rgba("difference", "a", a, a_width, a_height),
                            to_rgba("difference", "b", b, b_width, b_height), gain));
  });
}

val bilinear_kernel_js(double factor) {
  return guarded("bilinear_kernel", [&] {
    const auto k = bilinear_kernel(checked_integer("bilinear_kernel", "factor", factor, Rule::positive));
    val result = val::object();
    result.set("data", float32_copy(k.data(), k.size()));
    result.set("shape", to_js(Pair{std::int64_t(k.shape()[0]), std::int64_t(k.shape()[1])}));
    return result;
  });
}

val upsample_geometry_js(const std::array<double, 2>& input_size, const val& spec) {
  constexpr std::string_view f = "upsample";
  return guarded(f, [&] {
    const Pair size = to_pair(f, "input_size", input_size, Rule::positive);
    const UpsampleGeometry g = upsample_geometry(size, to_upsample_spec(spec));
    val result = val::object();
    result.set("outputSize", to_js(g.output_size));
    result.set("kernelSize", to_js(g.kernel_size));
    result.set("stride", static_cast<double>(g.stride));
    result.set("padding", to_js(g.padding));
    result.set("outputPadding", to_js(g.output_padding));
    result.set("border", static_cast<double>(g.border));
    result.set("flatTile", g.flat_tile.empty() ? val::null() : float32_copy(g.flat_tile.data(), g.flat_tile.size()));
    return result;
  });
}

// The core's caps, named as in web/lib/types.ts (Limits).
val limits_js() {
  val limits = val::object();
  limits.set("maxElements", static_cast<double>(kMaxElements));
  limits.set("maxInteger", static_cast<double>(kMaxInteger));
  limits.set("maxImagePixels", static_cast<double>(kMaxImagePixels));
  limits.set("minFactor", static_cast<double>(kMinUpsampleFactor));
  limits.set("maxFactor", static_cast<double>(kMaxFactor));
  limits.set("maxKernelSize", static_cast<double>(kMaxKernelSize));
  return limits;
}

}  // namespace

// ---------------------------------------------------------------- conv2d / conv_transpose2d (call.hpp)

namespace {

double address(const void* pointer) { return static_cast<double>(reinterpret_cast<std::uintptr_t>(pointer)); }

std::string_view core_name(const ConvCall& call) { return call.transposed ? "conv_transpose2d" : "conv2d"; }

/// Runs one step of a call; an exception's message goes to record.error, so nothing is thrown across the boundary.
template <class Body>
int step(ConvCall& call, Body&& body, std::string_view function = {}) {
  try {
    body();
    return 0;
  } catch (const std::bad_alloc&) {
    call.message = out_of_memory(function.empty() ? core_name(call) : function);
  } catch (const std::exception& e) {
    call.message = e.what();
  }
  call.record.error = address(call.message.c_str());
  return 1;
}

std::vector<double> slot_dims(const TensorSlot& slot) {
  // The wrapper writes at most kSlotDims entries; the bound keeps a wrong rank from reading past the slot.
  const double rank = slot.rank >= 0 && slot.rank <= double(kSlotDims) ? slot.rank : double(kSlotDims);
  return std::vector<double>(slot.shape, slot.shape + static_cast<std::size_t>(rank));
}

void unfilled(std::string_view function, std::string_view name, TensorSlot& slot,
              std::optional<xt::xarray<float>>& tensor) {
  tensor = unfilled_tensor(function, name, slot_dims(slot), slot.length);
  slot.data = address(tensor->data());
}

// Any shape container: a Shape, or a tensor's own (not copied into a Shape,
// which would cost an explainer-sized call an allocation).
template <class S>
void write_result_shape(TensorSlot& slot, const S& shape) {
  std::size_t length = 1;
  for (const std::size_t d : shape) length *= d;  // within kMaxElements: the core checked it
  slot.length = static_cast<double>(length);
  slot.rank = static_cast<double>(shape.size());
  for (std::size_t d = 0; d < shape.size() && d < kSlotDims; ++d) slot.shape[d] = static_cast<double>(shape[d]);
}

/// The stream of conv2d_streamed and conv_transpose2d_streamed in the module: the wrapper's arrays, through
/// tconv_js_rows.
class WrapperRows final : public RowStream {
 public:
  explicit WrapperRows(std::string_view function) : function_(function) {}
  void read_input(std::size_t n, std::size_t channel, std::size_t channels, std::size_t row, std::size_t rows,
                  float* to) override {
    cross(0, n, channel, channels, row, rows, to);
  }
  void write_result(std::size_t n, std::size_t channel, std::size_t channels, std::size_t row, std::size_t rows,
                    const float* from) override {
    cross(1, n, channel, channels, row, rows, from);
  }

 private:
  void cross(int writing, std::size_t n, std::size_t channel, std::size_t channels, std::size_t row, std::size_t rows,
             const float* at) const {
    // A JS exception must not unwind through wasm frames (their destructors
    // would not run): the wrapper catches it, and a C++ exception ends the call here.
    if (tconv_js_rows(writing, int(n), int(channel), int(channels), int(row), int(rows), at) != 0) {
      throw std::runtime_error(std::string(function_) + ": the wrapper could not copy the rows of a streamed call");
    }
  }
  std::string_view function_;
};

/// The weights tconv_weight_new made and tconv_weight_free has not freed: a
/// conv call uses an address only if it is here, so a stale or made-up number
/// is an error, never a read of freed memory. A std::set, not an unordered_set:
/// empty, it holds no memory, so freeing the last weight gives the heap back whole.
std::set<Weight*>& live_weights() {
  static std::set<Weight*> live;
  return live;
}

/// The live weight at `handle` (a double the wrapper wrote), or an error naming `weight`.
Weight* weight_handle(std::string_view function, double handle) {
  const auto& live = live_weights();
  if (handle >= 1 && handle <= double(UINTPTR_MAX) && std::floor(handle) == handle) {
    const auto found = live.find(reinterpret_cast<Weight*>(static_cast<std::uintptr_t>(handle)));
    if (found != live.end()) return *found;
  }
  fail(function, "weight is not a live weight of this module (disposed?)");
}

/// The record's inputs that prepare's checks read (CallKey).
CallKey key_of(const ConvCall& call) {
  const ConvRecord& r = call.record;
  CallKey key;
  key.transposed = call.transposed ? 1 : 0;
  key.options = r.options;
  const auto slot = [](const TensorSlot& s, double* to) {
    to[0] = s.length;
    to[1] = s.rank;
    const std::size_t rank = s.rank >= 0 && s.rank <= double(kKeyDims) ? std::size_t(s.rank) : kKeyDims;
    std::copy(s.shape, s.shape + rank, to + 2);
  };
  slot(r.input, key.input);
  if (r.weight_handle != 0) {
    key.weight_handle = r.weight_handle;
  } else {
    slot(r.weight, key.weight);
  }
  key.bias_length = r.bias.length;
  return key;
}

/// Bit for bit: a -0 where there was a 0 is a new key, and a NaN never passed
/// a check. In 64-bit words: the C library's memcmp compares bytes one at a
/// time, and took 6 % of an explainer-sized call.
bool same_key(const CallKey& a, const CallKey& b) {
  static_assert(sizeof(CallKey) % sizeof(std::uint64_t) == 0 && std::is_trivially_copyable_v<CallKey>);
  std::uint64_t x[sizeof(CallKey) / sizeof(std::uint64_t)], y[sizeof(CallKey) / sizeof(std::uint64_t)];
  std::memcpy(x, &a, sizeof(CallKey));
  std::memcpy(y, &b, sizeof(CallKey));
  for (std::size_t i = 0; i < sizeof(CallKey) / sizeof(std::uint64_t); ++i) {
    if (x[i] != y[i]) return false;
  }
  return true;
}

/// The call's weight: the live handle's tensor (and cache), or a new tensor for the wrapper to fill.
void use_weight(ConvCall& call, std::string_view function) {
  ConvRecord& r = call.record;
  if (r.weight_handle != 0) {
    Weight* weight = weight_handle(function, r.weight_handle);
    call.weight_used = &weight->tensor;
    call.weight_cache = &weight->cache;
  } else {
    unfilled(function, "weight", r.weight, call.weight);
    call.weight_used = &*call.weight;
  }
}

/// A new bias tensor for the wrapper to fill, when the call has one.
void use_bias(ConvCall& call, std::string_view function) {
  ConvRecord& r = call.record;
  if (r.bias.length < 0) return;
  call.bias = unfilled_bias(function, r.bias.length);
  r.bias.data = address(call.bias->data());
}

/// Whether the call's weight has the shape its plan was checked for.
bool planned_weight(const ConvCall& call) {
  const auto& shape = call.weight_used->shape();
  return shape.size() == 4 && std::equal(shape.begin(), shape.end(), call.planned_weight);
}

/// Where a planned call's result starts in its tensors: after the input,
/// rounded up to 16 bytes so that the result is as aligned as the allocation.
std::size_t result_offset(const tconv::ConvPlan& plan) { return (plan.input_size() + 3) & ~std::size_t{3}; }

/// The input and result of a planned call, in one allocation; the input's address goes to the wrapper.
void allocate_planned(ConvCall& call) {
  const tconv::ConvPlan& plan = *call.plan;
  call.tensors.reset(new float[result_offset(plan) + plan.result_size()]);
  call.record.input.data = address(call.tensors.get());
  call.record.streamed = 0;
}

}  // namespace

val conv_call_layout() {
  const ConvCall call;
  const auto at = [&](const void* field) {
    return static_cast<double>(static_cast<const char*>(field) - reinterpret_cast<const char*>(&call));
  };
  const auto slot = [&](const TensorSlot& s) {
    val o = val::object();
    o.set("length", at(&s.length));
    o.set("rank", at(&s.rank));
    o.set("shape", at(&s.shape));
    o.set("data", at(&s.data));
    return o;
  };
  const ConvRecord& r = call.record;
  val options = val::object();
  options.set("stride", at(&r.options.stride));
  options.set("padding", at(&r.options.padding));
  options.set("dilation", at(&r.options.dilation));
  options.set("outputPadding", at(&r.options.output_padding));
  options.set("groups", at(&r.options.groups));
  val layout = val::object();
  layout.set("options", options);
  layout.set("input", slot(r.input));
  layout.set("weight", slot(r.weight));
  layout.set("bias", slot(r.bias));
  layout.set("result", slot(r.result));
  layout.set("out", at(&r.out));
  layout.set("weightHandle", at(&r.weight_handle));
  layout.set("error", at(&r.error));
  layout.set("streamed", at(&r.streamed));
  layout.set("slotDims", static_cast<double>(kSlotDims));
  return layout;
}

namespace {

// Bytes currently allocated by malloc: lets tests check that calls free
// everything they allocate.
double heap_in_use() { return static_cast<double>(mallinfo().uordblks); }

}  // namespace
}  // namespace tconv::js

using tconv::js::ConvCall;

extern "C" {

ConvCall* tconv_conv_new() { return new (std::nothrow) ConvCall(); }

int tconv_conv_prepare(ConvCall* call, int transposed) {
  using namespace tconv::js;
  call->transposed = transposed != 0;
  return step(*call, [&] {
    const std::string_view f = core_name(*call);
    ConvRecord& r = call->record;
    const CallKey key = key_of(*call);
    if (call->plan && same_key(key, call->planned)) {
      // The options, the input's shape and the bias passed these checks for
      // the plan; the weight is looked up again (a handle may be gone).
      use_weight(*call, f);
      if (planned_weight(*call)) {
        use_bias(*call, f);
        allocate_planned(*call);
        return;
      }
    }
    // The order of the checks, and so which message a call with several faults gets: options, input, weight, bias.
    if (call->transposed) {
      call->conv_transpose2d_params = to_conv_transpose2d_params(f, r.options);
    } else {
      call->conv2d_params = to_conv2d_params(f, r.options);
    }
    call->input_shape = tensor_shape(f, "input", slot_dims(r.input), r.input.length);
    use_weight(*call, f);
    use_bias(*call, f);
    const std::optional<tconv::Shape> streamed =
        call->transposed
            ? tconv::conv_transpose2d_streamable(call->input_shape, *call->weight_used, call->bias,
                                                 call->conv_transpose2d_params)
            : tconv::conv2d_streamable(call->input_shape, *call->weight_used, call->bias, call->conv2d_params);
    r.streamed = streamed ? 1 : 0;
    if (streamed) {
      if (r.out >= 0) check_out_length(f, r.out, *streamed);
      write_result_shape(r.result, *streamed);
      return;
    }
    call->plan = call->transposed
                     ? tconv::ConvPlan::conv_transpose2d(call->input_shape, *call->weight_used, call->bias,
                                                         call->conv_transpose2d_params)
                     : tconv::ConvPlan::conv2d(call->input_shape, *call->weight_used, call->bias, call->conv2d_params);
    call->planned = key;
    std::copy(call->weight_used->shape().begin(), call->weight_used->shape().end(), call->planned_weight);
    allocate_planned(*call);
  });
}

int tconv_conv_run(ConvCall* call) {
  using namespace tconv::js;
  return step(*call, [&] {
    const std::string_view f = core_name(*call);
    ConvRecord& r = call->record;
    if (r.streamed != 0) {
      WrapperRows rows(f);
      if (call->transposed) {
        tconv::conv_transpose2d_streamed(call->input_shape, *call->weight_used, call->bias,
                                         call->conv_transpose2d_params, rows);
      } else {
        tconv::conv2d_streamed(call->input_shape, *call->weight_used, call->bias, call->conv2d_params, rows);
      }
      return;
    }
    const tconv::ConvPlan& plan = *call->plan;
    if (r.out >= 0) check_out_length(f, r.out, plan);
    float* result = call->tensors.get() + result_offset(plan);
    plan.run(call->tensors.get(), call->weight_used->data(), call->bias ? call->bias->data() : nullptr, result,
             call->weight_cache);
    write_result_shape(r.result, plan.result_shape());
    r.result.data = address(result);
  });
}

void tconv_conv_release(ConvCall* call) {
  // The wrapper writes every input field before each call; what is freed here
  // is what a call allocated (the plan and its key hold no memory).
  call->tensors.reset();
  call->weight.reset();
  call->weight_used = nullptr;
  call->weight_cache = nullptr;
  call->bias.reset();
  tconv::Shape().swap(call->input_shape);
  std::string().swap(call->message);
  call->record.error = 0;
  call->record.streamed = 0;
}

tconv::js::Weight* tconv_weight_new(ConvCall* call) {
  using namespace tconv::js;
  constexpr std::string_view f = "weight";
  std::unique_ptr<Weight> weight;
  const bool made =
      step(
          *call,
          [&] {
            TensorSlot& slot = call->record.weight;
            weight = std::make_unique<Weight>(Weight{unfilled_tensor(f, "weight", slot_dims(slot), slot.length), {}});
            live_weights().insert(weight.get());
            slot.data = address(weight->tensor.data());
          },
          f) == 0;
  return made ? weight.release() : nullptr;
}

int tconv_weight_free(tconv::js::Weight* weight) {
  if (tconv::js::live_weights().erase(weight) == 0) return 0;
  delete weight;
  return 1;
}

}  // extern "C"

EMSCRIPTEN_BINDINGS(tconv) {
  using namespace emscripten;
  using namespace tconv::js;
  value_array<std::array<double, 2>>("Pair").element(emscripten::index<0>()).element(emscripten::index<1>());
  value_object<TensorArg>("TensorArg").field("data", &TensorArg::data).field("shape", &TensorArg::shape);
  value_object<ConvOptions>("ConvOptions")
      .field("stride", &ConvOptions::stride)
      .field("padding", &ConvOptions::padding)
      .field("dilation", &ConvOptions::dilation)
      .field("outputPadding", &ConvOptions::output_padding)
      .field("groups", &ConvOptions::groups);
  value_object<ConvMatrixOptions>("ConvMatrixOptions")
      .field("inputSize", &ConvMatrixOptions::input_size)
      .field("kernelSize", &ConvMatrixOptions::kernel_size)
      .field("stride", &ConvMatrixOptions::stride)
      .field("padding", &ConvMatrixOptions::padding)
      .field("dilation", &ConvMatrixOptions::dilation);
  function("interpolate", &interpolate_js);
  function("convMatrix", &conv_matrix_js);
  function("conv2dOutputSize", &conv2d_output_size_js);
  function("convTranspose2dOutputSize", &conv_transpose2d_output_size_js);
  function("conv2dBackward", &conv2d_backward_js);
  function("convTranspose2dBackward", &conv_transpose2d_backward_js);
  function("pixelShuffle", &pixel_shuffle_js);
  function("pixelUnshuffle", &pixel_unshuffle_js);
  value_object<BandArg>("BandArg")
      .field("imageHeight", &BandArg::image_height)
      .field("firstRow", &BandArg::first_row)
      .field("outputRows", &BandArg::output_rows)
      .field("opaque", &BandArg::opaque);
  function("upsampleImage", &upsample_image_js);
  function("upsampleBand", &upsample_band_js);
  function("upsampleInputRows", &upsample_input_rows_js);
  function("imageDifference", &image_difference_js);
  function("bilinearKernel", &bilinear_kernel_js);
  function("upsampleGeometry", &upsample_geometry_js);
  function("limits", &limits_js);
  function("convCallLayout", &conv_call_layout);
  function("heapInUse", &heap_in_use);
}
