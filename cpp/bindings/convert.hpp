// Conversions between JavaScript values and the core's types. No maths here:
// bulk copies of typed arrays, field reads, and the error protocol.
#pragma once

#include <emscripten/val.h>

#include <array>
#include <optional>
#include <string_view>
#include <xtensor/xarray.hpp>
#include <xtensor/xtensor.hpp>

#include "tconv/conv.hpp"
#include "tconv/image.hpp"
#include "tconv/interpolate.hpp"
#include "tconv/validate.hpp"

namespace tconv::js {

using emscripten::val;

/// { data: Float32Array, shape: number[] } as the JS wrapper passes it.
struct TensorArg {
  val data = val::undefined();
  val shape = val::undefined();
};

/// Every field is filled in by the JS wrapper; values stay doubles until the
/// core has checked that they are integers.
struct ConvOptions {
  std::array<double, 2> stride{1, 1};
  std::array<double, 2> padding{0, 0};
  std::array<double, 2> dilation{1, 1};
  std::array<double, 2> output_padding{0, 0};
  double groups = 1;
};

struct ConvMatrixOptions {
  std::array<double, 2> input_size{4, 4};
  std::array<double, 2> kernel_size{3, 3};
  std::array<double, 2> stride{1, 1};
  std::array<double, 2> padding{0, 0};
  std::array<double, 2> dilation{1, 1};
};

Conv2dParams to_conv2d_params(std::string_view function, const ConvOptions& options);
ConvTranspose2dParams to_conv_transpose2d_params(std::string_view function, const ConvOptions& options);
/// { mode: string, size: [h, w] | null, scaleFactor: [h, w] | null, alignCorners: boolean }
InterpolateOptions to_interpolate_options(const val& options);

/// The JS wrapper's progress hook, (fraction) => boolean, as the core's
/// Progress: when the hook answers true (the caller's onProgress threw), the
/// work stops with a C++ exception, which unwinds and frees everything; a JS
/// exception thrown through the wasm frames would skip their destructors.
Progress to_progress(const val& hook);

/// RGBA bytes (Uint8Array or Uint8ClampedArray) of a width × height image, copied in one call;
/// `name` is the argument's name in messages.
RgbaImage to_rgba(std::string_view function, std::string_view name, const val& data, double width, double height);
/// { data: Uint8ClampedArray (a JS-owned copy), width, height }.
val to_js(const RgbaImage& image);
/// The same, copied into `into` when it is a Uint8ClampedArray of the image's length.
val to_js(const RgbaImage& image, const val& into);
/// { method, factor, size: [h, w] | null, alignCorners, kernel: Float32Array | null, kernelSize: [h, w] | null }
UpsampleSpec to_upsample_spec(const val& spec);

/// { imageHeight, firstRow, outputRows: [begin, end], opaque }: where a band sits (UpsampleBand).
struct BandArg {
  double image_height = 0;
  double first_row = 0;
  std::array<double, 2> output_rows{0, 0};
  bool opaque = true;
};
UpsampleBand to_upsample_band(std::string_view function, const BandArg& band);
/// [begin, end) rows as JS numbers.
RowRange to_rows(std::string_view function, std::string_view name, const std::array<double, 2>& rows);
val to_js(const RowRange& rows);

/// The shape `dims` once the core has checked it against `length` (the
/// elements of the caller's data, a double so that nothing is truncated to
/// wasm32's 32-bit size_t first).
Shape tensor_shape(std::string_view function, std::string_view name, const std::vector<double>& dims, double length);
/// A tensor of that shape, allocated but not filled.
xt::xarray<float> unfilled_tensor(std::string_view function, std::string_view name, const std::vector<double>& dims,
                                  double length);
/// The same for a bias of `length` elements.
xt::xarray<float> unfilled_bias(std::string_view function, double length);
/// One bulk copy from the typed array into a new tensor, after the shape has
/// been validated against the data length.
xt::xarray<float> to_tensor(std::string_view function, std::string_view name, const TensorArg& arg);
Pair to_pair(std::string_view function, std::string_view name, const std::array<double, 2>& value, Rule rule);

/// { data: Float32Array (a JS-owned copy), shape: number[] }.
val to_js(const xt::xarray<float>& tensor);
/// The same with `out` as data, the result copied into it with one set (null: a new copy, as above).
/// `out` must be a Float32Array that check_out_length accepted.
val to_js(const xt::xarray<float>& tensor, const val& out);
/// The rule for a caller's `out` array: exactly the result's element count, or a message naming `out`.
/// `out_length` is the array's length as JS reads it (a double: nothing is truncated first).
void check_out_length(std::string_view function, double out_length, const Shape& result);
/// The same for a computed result (its shape is copied only for the message).
void check_out_length(std::string_view function, double out_length, const xt::xarray<float>& result);
/// The same for a planned call's result.
void check_out_length(std::string_view function, double out_length, const ConvPlan& plan);
val to_js(const Pair& pair);
/// A fresh JS-owned typed array copied from wasm memory in one call.
val float32_copy(const float* data, std::size_t size);
val int32_copy(const std::int32_t* data, std::size_t size);

/// "<function>: out of memory (…)": the message of a std::bad_alloc.
std::string out_of_memory(std::string_view function);

/// Runs `body`; a C++ exception becomes { error: message } so that the JS
/// wrapper throws an Error. Nothing is thrown across the boundary, so C++
/// destructors always run and no memory leaks on the error path.
template <class Body>
val guarded(std::string_view function, Body&& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    val error = val::object();
    error.set("error", out_of_memory(function));
    return error;
  } catch (const std::exception& e) {
    val error = val::object();
    error.set("error", std::string(e.what()));
    return error;
  }
}

}  // namespace tconv::js
