// How many bytes a convolution moves between the cache and memory: a model
// of the algorithm the dispatcher picks, from its buffers and blocking, next
// to the least any algorithm must move. On a machine whose memory bandwidth
// is scarce (a busy laptop, a shared VM), the bytes above that bound are what
// a call loses first; docs/benchmarks.md compares the model with measured runs.
#pragma once

#include <string>

#include "tconv/conv.hpp"

namespace tconv {

/// The cache the model assumes each core has (its L2): a buffer up to half of
/// it is taken to stay there while it is reused; a larger one goes through memory.
inline constexpr double kTrafficCacheBytes = 1 << 20;

/// One call's modelled memory traffic. Counts the kernel alone: the copies of
/// the arguments into WebAssembly memory and of the result out of it (input,
/// weights and output once each) are the caller's, and come on top.
struct Traffic {
  double bytes = 0;        ///< bytes read + written beyond the cache, modelled
  double lower_bound = 0;  ///< input, weights and bias read once, output written once
  /// What runs: conv_transpose2d "scatter", "direct", "gemm", "gemm_columns" or "winograd"
  /// (ConvAlgorithm's names); conv2d "fused_rows", "gemm" or "rows"; "none"
  /// when the output is empty.
  std::string algorithm;
};

/// conv2d(input, weight, bias, params)'s traffic, for tensors of these shapes
/// (torch's layouts, as conv2d takes them); fails with conv2d's message on
/// shapes or parameters conv2d refuses.
Traffic conv2d_traffic(const Shape& input, const Shape& weight, bool bias, const Conv2dParams& params = {});

/// conv_transpose2d's traffic, likewise; params.algorithm forces an algorithm
/// as it does for conv_transpose2d.
Traffic conv_transpose2d_traffic(const Shape& input, const Shape& weight, bool bias,
                                 const ConvTranspose2dParams& params = {});

}  // namespace tconv
