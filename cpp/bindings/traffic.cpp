// The memory-traffic model (tconv/traffic.hpp) for JavaScript, so that a
// benchmark can print a call's modelled bytes beside its time:
//   core.conv2dTraffic(inputShape, weightShape, hasBias, options)
//   core.convTranspose2dTraffic(inputShape, weightShape, hasBias, options)
// with shapes as number arrays and options as the core's ConvOptions
// (registered in bindings.cpp); each returns { bytes, lowerBound, algorithm },
// or { error } with the core's message.
#include <emscripten/bind.h>

#include <cmath>

#include "convert.hpp"
#include "tconv/traffic.hpp"

namespace tconv::js {

namespace {

Shape to_shape(std::string_view function, std::string_view name, const val& shape) {
  if (!shape.isArray()) fail(function, std::string(name) + " must be an array of integers");
  Shape dims;
  for (double d : emscripten::vecFromJSArray<double>(shape)) {
    if (!(d >= 0 && d <= double(kMaxElements) && std::floor(d) == d)) {
      fail(function, std::string(name) + " must hold integers from 0 to " + std::to_string(kMaxElements) + ", got " +
                         format_number(d));
    }
    dims.push_back(std::size_t(d));
  }
  return dims;
}

val to_js(const Traffic& t) {
  val result = val::object();
  result.set("bytes", t.bytes);
  result.set("lowerBound", t.lower_bound);
  result.set("algorithm", t.algorithm);
  return result;
}

val conv2d_traffic_js(const val& input, const val& weight, bool bias, const ConvOptions& options) {
  constexpr std::string_view f = "conv2d";
  return guarded(f, [&] {
    const Conv2dParams params = to_conv2d_params(f, options);
    return to_js(conv2d_traffic(to_shape(f, "input shape", input), to_shape(f, "weight shape", weight), bias, params));
  });
}

val conv_transpose2d_traffic_js(const val& input, const val& weight, bool bias, const ConvOptions& options) {
  constexpr std::string_view f = "conv_transpose2d";
  return guarded(f, [&] {
    const ConvTranspose2dParams params = to_conv_transpose2d_params(f, options);
    return to_js(conv_transpose2d_traffic(to_shape(f, "input shape", input), to_shape(f, "weight shape", weight), bias,
                                          params));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(tconv_traffic) {
  emscripten::function("conv2dTraffic", &conv2d_traffic_js);
  emscripten::function("convTranspose2dTraffic", &conv_transpose2d_traffic_js);
}

}  // namespace tconv::js
