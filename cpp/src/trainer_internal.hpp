// What trainer.cpp (options, data, the loop, Adam, evaluation) shares with
// trainer_models.cpp (the five models: shapes, initialisation, forward and
// backward). Private to cpp/src.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>
#include <xtensor/xarray.hpp>

#include "conv_internal.hpp"
#include "tconv/trainer.hpp"

namespace tconv::detail {

/// splitmix64: a seeded stream with the same numbers on every platform (the
/// standard library's distributions are implementation-defined, so native
/// and wasm builds, or two standard libraries, would draw differently).
class TrainerRng {
 public:
  explicit TrainerRng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1), 24 bits: exact in a float.
  float uniform() { return float(next() >> 40) * (1.0f / 16777216.0f); }
  /// Uniform in [−bound, bound).
  float symmetric(float bound) { return (2.0f * uniform() - 1.0f) * bound; }
  /// Uniform integer in [0, n) (n < 2^32), by a multiply-shift (no modulo bias worth measuring at these sizes).
  std::size_t below(std::size_t n) { return std::size_t(((next() >> 32) * std::uint64_t(n)) >> 32); }

 private:
  std::uint64_t state_;
};

/// A parameter with its gradient and Adam's two moments, all the value's shape.
struct TrainerParam {
  std::string name;
  xt::xarray<float> value, grad, m, v;
};

/// The layers of a model (trainer_models.cpp).
struct ModelSpec {
  TrainerModel model;
  std::size_t factor;
  std::size_t hidden;    ///< channels of the 5×5 layer (0: none)
  std::size_t channels;  ///< channels into the up-sampling layer: hidden, or 3
  bool transposed;       ///< the up-sampling layer is a conv_transpose2d (else a conv2d)
  ConvTranspose2dParams transposed_params;
  Conv2dParams up_params;      ///< the conv2d of resize-conv and the sub-pixel models
  Conv2dParams hidden_params;  ///< 5×5, padding 2
  Shape up_weight;             ///< torch's layout
  std::size_t up_bias;         ///< up-sampling layer's output channels (3, or 3·f² before the shuffle)
};

ModelSpec model_spec(const TrainerOptions& options);

/// The parameters in the order TrainerOptions documents (hidden.weight,
/// hidden.bias, up.weight, up.bias), allocated with zero gradients and moments.
std::vector<TrainerParam> make_params(const ModelSpec& spec);

/// The initial values, drawn from `rng` (trainer_models.cpp says why each model starts where it does).
void initialise(const ModelSpec& spec, TrainerRng& rng, std::vector<TrainerParam>& params);

/// The buffers and geometries of one forward (and, when `backward`, backward)
/// pass over a batch of n low-resolution inputs of h × w.
struct Pass {
  std::size_t n = 0, h = 0, w = 0;
  xt::xarray<float> x;    ///< (n, 3, h, w): the input
  xt::xarray<float> pre;  ///< (n, hidden, h, w): the 5×5 layer before ReLU
  xt::xarray<float> act;  ///< (n, hidden, h, w): after ReLU
  xt::xarray<float> mid;  ///< resize-conv: nearest ×f of the features; sub-pixel: the conv's 3·f² channels
  xt::xarray<float> y;    ///< (n, 3, h·f, w·f): the output
  // Backward only (empty otherwise).
  xt::xarray<float> grad_y;    ///< ∂L/∂y
  xt::xarray<float> grad_mid;  ///< ∂L/∂mid
  xt::xarray<float> grad_act;  ///< ∂L/∂act, then ∂L/∂pre in place
  std::vector<float> flipped;  ///< the up conv's weight turned for its input gradient
  ConvGeometry hidden_geometry{}, up_geometry{};
};

/// A pass's buffers, checked with the core's own geometry rules.
Pass make_pass(const ModelSpec& spec, const std::vector<TrainerParam>& params, std::size_t n, std::size_t h,
               std::size_t w, bool backward);

/// Floats a training pass and the parameters hold (the memory budget's measure).
std::size_t pass_floats(const ModelSpec& spec, std::size_t n, std::size_t h, std::size_t w, bool backward);

/// pass.y from pass.x.
void forward(const ModelSpec& spec, const std::vector<TrainerParam>& params, Pass& pass);

/// Every parameter's gradient from pass.grad_y (after forward on the same pass).
void backward(const ModelSpec& spec, std::vector<TrainerParam>& params, Pass& pass);

/// Rows of low-resolution context each side that an output row depends on
/// (the receptive field's radius, rounded up): evaluation in bands needs it.
std::size_t receptive_radius(const ModelSpec& spec);

}  // namespace tconv::detail
