#include "convert.hpp"

#include <emscripten/wire.h>

namespace tconv::js {

namespace {

std::vector<double> shape_dims(std::string_view function, std::string_view name, const val& shape) {
  if (!shape.isArray()) fail(function, std::string(name) + ".shape must be an array of integers");
  return emscripten::vecFromJSArray<double>(shape);  // at most a few entries
}

/// The length of a typed array the JS wrapper checked, read as a double so that
/// nothing is truncated to wasm32's 32-bit size_t before the limit is checked.
/// The name is `name` + `suffix`, put together only for the message (this runs on every conv call).
std::size_t checked_length(std::string_view function, std::string_view name, double length,
                           std::string_view suffix = {}) {
  if (length > static_cast<double>(kMaxElements)) {
    fail(function, std::string(name) + std::string(suffix) + " has " + format_number(length) +
                       " elements, more than the limit of " + std::to_string(kMaxElements));
  }
  return static_cast<std::size_t>(length);
}

std::size_t length_of(std::string_view function, std::string_view name, const val& array) {
  return checked_length(function, name, array["length"].as<double>());
}

/// Thrown to stop the work when the caller's onProgress threw (see to_progress).
struct ProgressStopped : std::runtime_error {
  ProgressStopped() : std::runtime_error("onProgress threw") {}
};

}  // namespace

Progress to_progress(const val& hook) {
  if (hook.isNull() || hook.isUndefined()) return {};
  return [hook](double done) {
    if (hook(done).as<bool>()) throw ProgressStopped();
  };
}

Shape tensor_shape(std::string_view function, std::string_view name, const std::vector<double>& dims, double length) {
  const std::size_t checked = checked_length(function, name, length, ".data");
  return checked_shape(function, name, dims, checked);
}

xt::xarray<float> unfilled_tensor(std::string_view function, std::string_view name, const std::vector<double>& dims,
                                  double length) {
  return xt::xarray<float>::from_shape(tensor_shape(function, name, dims, length));
}

xt::xarray<float> unfilled_bias(std::string_view function, double length) {
  const std::size_t checked = checked_length(function, "bias", length);
  checked_element_count(function, "bias", {checked});
  return xt::xarray<float>::from_shape({checked});
}

xt::xarray<float> to_tensor(std::string_view function, std::string_view name, const TensorArg& arg) {
  // The length's limit first, then the shape, as the record path checks them.
  const double length = static_cast<double>(length_of(function, std::string(name) + ".data", arg.data));
  xt::xarray<float> tensor = unfilled_tensor(function, name, shape_dims(function, name, arg.shape), length);
  // TypedArray.prototype.set on a view of the tensor: one native copy.
  val(emscripten::typed_memory_view(tensor.size(), tensor.data())).call<void>("set", arg.data);
  return tensor;
}

void check_out_length(std::string_view function, double out_length, const Shape& result) {
  std::size_t size = 1;
  for (const std::size_t d : result) size *= d;  // within kMaxElements: the core checked it
  if (out_length != static_cast<double>(size)) {
    fail(function, "out must have the result's " + std::to_string(size) + " elements (shape " + format_shape(result) +
                       "), got a Float32Array of " + format_number(out_length));
  }
}

void check_out_length(std::string_view function, double out_length, const xt::xarray<float>& result) {
  if (out_length != static_cast<double>(result.size())) {
    check_out_length(function, out_length, Shape(result.shape().begin(), result.shape().end()));
  }
}

void check_out_length(std::string_view function, double out_length, const ConvPlan& plan) {
  if (out_length != static_cast<double>(plan.result_size())) {
    const ConvPlan::ResultShape shape = plan.result_shape();
    check_out_length(function, out_length, Shape(shape.begin(), shape.end()));
  }
}

std::string out_of_memory(std::string_view function) {
  return std::string(function) + ": out of memory (WebAssembly memory is limited to 2 GiB; try a smaller input)";
}

Pair to_pair(std::string_view function, std::string_view name, const std::array<double, 2>& value, Rule rule) {
  return checked_pair(function, name, value[0], value[1], rule);
}

Conv2dParams to_conv2d_params(std::string_view function, const ConvOptions& options) {
  Conv2dParams params;
  params.stride = to_pair(function, "stride", options.stride, Rule::positive);
  params.padding = to_pair(function, "padding", options.padding, Rule::non_negative);
  params.dilation = to_pair(function, "dilation", options.dilation, Rule::positive);
  params.groups = checked_integer(function, "groups", options.groups, Rule::positive);
  return params;
}

ConvTranspose2dParams to_conv_transpose2d_params(std::string_view function, const ConvOptions& options) {
  ConvTranspose2dParams params;
  params.stride = to_pair(function, "stride", options.stride, Rule::positive);
  params.padding = to_pair(function, "padding", options.padding, Rule::non_negative);
  params.output_padding = to_pair(function, "output_padding", options.output_padding, Rule::non_negative);
  params.dilation = to_pair(function, "dilation", options.dilation, Rule::positive);
  params.groups = checked_integer(function, "groups", options.groups, Rule::positive);
  return params;
}

InterpolateOptions to_interpolate_options(const val& options) {
  constexpr std::string_view function = "interpolate";
  InterpolateOptions result;
  result.mode = parse_interpolate_mode(options["mode"].as<std::string>());
  result.align_corners = options["alignCorners"].as<bool>();
  const val size = options["size"];
  if (!size.isNull()) {
    result.size = checked_pair(function, "size", size[0].as<double>(), size[1].as<double>(), Rule::positive);
  }
  const val scale = options["scaleFactor"];
  if (!scale.isNull()) result.scale_factor = std::array<double, 2>{scale[0].as<double>(), scale[1].as<double>()};
  return result;
}

RgbaImage to_rgba(std::string_view function, std::string_view name, const val& data, double width, double height) {
  const std::string n(name);
  const Pair size = checked_pair(function, n + " size", height, width, Rule::positive);
  const std::size_t length = length_of(function, n + ".data", data);
  const Shape shape = checked_shape(function, n, {double(size[0]), double(size[1]), 4.0}, length);
  RgbaImage image = RgbaImage::from_shape({shape[0], shape[1], 4});
  val(emscripten::typed_memory_view(image.size(), image.data())).call<void>("set", data);
  return image;
}

val to_js(const RgbaImage& image, const val& into) {
  const auto pixels = emscripten::typed_memory_view(image.size(), image.data());
  val result = val::object();
  // The length is read again here, after the work: the caller's onProgress
  // may have detached (transferred) the array's buffer meanwhile.
  if (into.instanceof (val::global("Uint8ClampedArray")) && into["length"].as<double>() == double(image.size())) {
    into.call<void>("set", pixels);  // a buffer the caller recycles: no new allocation to page in
    result.set("data", into);
  } else {
    result.set("data", val::global("Uint8ClampedArray").new_(pixels));
  }
  result.set("width", static_cast<double>(image.shape()[1]));
  result.set("height", static_cast<double>(image.shape()[0]));
  return result;
}

val to_js(const RgbaImage& image) { return to_js(image, val::undefined()); }

UpsampleSpec to_upsample_spec(const val& spec) {
  constexpr std::string_view function = "upsample";
  UpsampleSpec result;
  result.method = parse_upsample_method(spec["method"].as<std::string>());
  result.factor = checked_integer(function, "factor", spec["factor"].as<double>(), Rule::positive);
  result.align_corners = spec["alignCorners"].as<bool>();
  const val size = spec["size"];
  if (!size.isNull()) {
    result.size = checked_pair(function, "size", size[0].as<double>(), size[1].as<double>(), Rule::positive);
  }
  const val kernel = spec["kernel"];
  if (!kernel.isNull()) {
    const val kernel_size = spec["kernelSize"];
    TensorArg arg;
    arg.data = kernel;
    arg.shape = kernel_size;
    const xt::xarray<float> k = to_tensor(function, "kernel", arg);
    if (k.dimension() != 2) fail(function, "kernelSize must be [height, width]");
    result.kernel = k;
  }
  return result;
}

RowRange to_rows(std::string_view function, std::string_view name, const std::array<double, 2>& rows) {
  const Pair p = checked_pair(function, name, rows[0], rows[1], Rule::non_negative);
  return {p[0], p[1]};
}

UpsampleBand to_upsample_band(std::string_view function, const BandArg& band) {
  UpsampleBand result;
  result.image_height = checked_integer(function, "band.imageHeight", band.image_height, Rule::positive);
  result.first_row = checked_integer(function, "band.firstRow", band.first_row, Rule::non_negative);
  result.output_rows = to_rows(function, "band.outputRows", band.output_rows);
  result.opaque = band.opaque;
  return result;
}

val to_js(const RowRange& rows) { return to_js(Pair{rows.begin, rows.end}); }

val float32_copy(const float* data, std::size_t size) {
  return val::global("Float32Array").new_(emscripten::typed_memory_view(size, data));
}

val int32_copy(const std::int32_t* data, std::size_t size) {
  return val::global("Int32Array").new_(emscripten::typed_memory_view(size, data));
}

val to_js(const xt::xarray<float>& tensor, const val& out) {
  val shape = val::array();
  for (std::size_t dim : tensor.shape()) shape.call<void>("push", static_cast<double>(dim));
  val result = val::object();
  if (out.isNull()) {
    result.set("data", float32_copy(tensor.data(), tensor.size()));
  } else {
    out.call<void>("set", emscripten::typed_memory_view(tensor.size(), tensor.data()));  // one copy, no new array
    result.set("data", out);
  }
  result.set("shape", shape);
  return result;
}

val to_js(const xt::xarray<float>& tensor) { return to_js(tensor, val::null()); }

val to_js(const Pair& pair) {
  val result = val::array();
  result.call<void>("push", static_cast<double>(pair[0]));
  result.call<void>("push", static_cast<double>(pair[1]));
  return result;
}

}  // namespace tconv::js
