// The crossing of conv2d and conv_transpose2d: numbers in wasm memory, not
// Embind values. The JS wrapper (web/lib/tconv.ts) writes the call's options
// and each tensor's length and shape into a ConvRecord at the offsets that
// convCallLayout() exports (so C++ and TypeScript share one declaration of the
// layout), prepare() checks them with the core's rules and allocates the
// tensors, the wrapper copies each tensor's elements straight into its tensor
// with one HEAPF32.set, run() calls the core (and checks the caller's `out`
// length against the result), and the wrapper copies the result out with one
// set, into a new array or the caller's `out`, before release() frees the tensors.
// A call the core computes in bands of rows is streamed instead
// (record.streamed): prepare() checks it whole and allocates no input, and
// run() hands the wrapper each band of input rows to fill and each band of
// result rows to copy out (tconv_js_rows), so neither tensor is copied whole:
// for a 3 × 1024 × 1024 conv2d that is 17–21 % of the call, for the bench's
// 3 → 3 conv_transpose2d 512² → 1024² 13–19 %, and 34–37 % for its depthwise one.
//
// The wrapper makes one ConvCall when it starts and reuses it for every call
// (a call is synchronous and runs no caller code, so calls never overlap):
// allocating, zeroing and freeing the ~700-byte record, with its two extra
// crossings, measured 0.18 µs of a 2.6 µs explainer-sized call. release()
// frees everything a call allocated, so the heap is back where it was after
// every call.
//
// Why not Embind values: converting { data, shape } objects, option pairs and
// the result object costs ~0.3 µs per property read or write across the
// boundary, ~8 µs of a 10 µs explainer-sized call (docs/notes in the commit
// that introduced this file measure each piece).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <xtensor/xarray.hpp>

#include "convert.hpp"

namespace tconv::js {

/// Shape entries a tensor slot holds: at least as many as the JS wrapper
/// reads (args.ts checks this against convCallLayout().slotDims at start-up)
/// and more than any rank the core accepts, so a wrong rank gets the core's message.
inline constexpr std::size_t kSlotDims = 16;

/// One tensor of a call. Every field is a double: the JS numbers arrive as
/// they were, and the core checks that they are integers.
struct TensorSlot {
  double length = 0;             ///< in: elements of the caller's typed array; negative: absent (no bias)
  double rank = 0;               ///< in: entries of `shape` that are used
  double shape[kSlotDims] = {};  ///< in
  double data = 0;               ///< out: address of the tensor's elements (prepare: to fill; run: the result)
};

/// The numbers of one conv2d or conv_transpose2d call.
struct ConvRecord {
  ConvOptions options;
  TensorSlot input;
  TensorSlot weight;
  TensorSlot bias;
  TensorSlot result;
  double out = -1;  ///< in: elements of the caller's `out` array; negative: none (the result goes to a new array)
  /// in: a weight made once by tconv_weight_new (its address), used instead of
  /// the weight slot; 0: none. prepare() accepts only a live one.
  double weight_handle = 0;
  double error = 0;  ///< out: address of the core's message (UTF-8, NUL-terminated) after a failed step
  /// out (prepare): 1 when run streams the call (tconv::conv2d_streamed,
  /// conv_transpose2d_streamed): the input is not copied in (input.data stays
  /// 0), the result slot's length and shape are already written, and run asks
  /// the wrapper, through tconv_js_rows, for each band of input rows and hands
  /// it each band of result rows for the caller's array; 0 otherwise.
  double streamed = 0;
};

/// A weight that stays in wasm memory (the JS API's tc.weight), and what
/// conv_transpose2d derives from it alone, kept for its next call (its
/// values never change after the wrapper fills them).
struct Weight {
  xt::xarray<float> tensor;
  WeightCache cache;
};

/// What prepare's checks read from a record, all doubles and zero where
/// unused: the options and each tensor's length, rank and shape (the weight's
/// only when no handle is given). Two equal keys pass the same checks, except
/// that of the handle, which may have been freed since. A shape keeps its
/// first kKeyDims entries: a call the checks passed has rank 3 or 4, and a
/// longer one differs from it in rank already.
inline constexpr std::size_t kKeyDims = 4;
struct CallKey {
  double transposed = 0;
  ConvOptions options;
  double input[2 + kKeyDims] = {};   // length, rank, shape
  double weight[2 + kKeyDims] = {};  // the same
  double weight_handle = 0;
  double bias_length = 0;
};

/// A call in flight: its record and what the core needs to outlive the crossings.
struct ConvCall {
  ConvRecord record;
  bool transposed = false;
  std::string message;
  Conv2dParams conv2d_params;  // the one of the two that `transposed` picks
  ConvTranspose2dParams conv_transpose2d_params;
  // Optional so that release() frees them without allocating (a default xarray holds one element).
  std::optional<xt::xarray<float>> weight;
  const xt::xarray<float>* weight_used = nullptr;  // `weight`, or a weight handle's tensor
  WeightCache* weight_cache = nullptr;             // the weight handle's cache, if any
  std::optional<xt::xarray<float>> bias;
  tconv::Shape input_shape;  // of a streamed call, whose input is never copied in
  // The plan of the last call that passed prepare's checks and is not
  // streamed, the key it was checked for and its weight's shape: a call with
  // the same key and a weight of that shape runs it without checking again:
  // an explainer-sized call went from 1.6 to 0.95 µs in Node. A plan owns no
  // memory, so the heap is still back where it was after every call.
  std::optional<tconv::ConvPlan> plan;
  CallKey planned;
  tconv::Shape::value_type planned_weight[4] = {};
  // A planned call's input and result, in one allocation: [input | result].
  std::unique_ptr<float[]> tensors;
};

/// Byte offsets of every field the JS wrapper reads or writes, relative to a
/// ConvCall's address: { options: { stride, padding, dilation, outputPadding,
/// groups }, input | weight | bias | result: { length, rank, shape, data },
/// out, weightHandle, error, streamed, slotDims }.
val conv_call_layout();

}  // namespace tconv::js

// Plain C exports (EXPORTED_FUNCTIONS in CMakeLists.txt): numbers only, so a
// call crosses without Embind's conversions. Each step returns 0, or 1 after
// writing the core's message to record.error.
extern "C" {
/// The wrapper's one call record, or 0 when it cannot be allocated.
tconv::js::ConvCall* tconv_conv_new();
/// Checks the options and the tensors' shapes (transposed: as conv_transpose2d)
/// and allocates the tensors; writes their addresses. A call that the core
/// streams (record.streamed) is checked whole here, and the input gets no tensor.
int tconv_conv_prepare(tconv::js::ConvCall* call, int transposed);
/// Runs the core on the filled tensors, checks the result against record.out, and writes the result slot
/// (a streamed call: streams the input and the result through the wrapper instead).
int tconv_conv_run(tconv::js::ConvCall* call);
/// Frees what the call allocated and resets the record for the next call (the record itself stays).
void tconv_conv_release(tconv::js::ConvCall* call);
/// A weight that stays in wasm memory (the JS API's tc.weight): checks the
/// record's weight slot (length, rank, shape) with the core's rules, allocates
/// the tensor and writes its elements' address to weight.data for the wrapper
/// to fill. Returns the handle's address, or 0 with the message at `error`.
/// Conv calls take it through record.weight_handle, checked against the live set.
tconv::js::Weight* tconv_weight_new(tconv::js::ConvCall* call);
/// Frees a weight from tconv_weight_new: 1, or 0 (nothing done) when it is not a live one.
int tconv_weight_free(tconv::js::Weight* weight);
}
