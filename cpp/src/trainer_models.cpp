// The five models of the trainer (tconv/trainer.hpp): their layers, where
// their weights start, and their forward and backward passes, each a call of
// the core's kernels on buffers allocated once (make_pass).
//
//   [hidden > 0]  x (3) → conv 5×5, padding 2 → ReLU → features (hidden)
//   transposed-k3   features → conv_transpose2d k3, stride f, padding 1, output_padding f − 1
//   transposed-k2f  features → conv_transpose2d k2f, stride f, padding ⌈f/2⌉, output_padding 2⌈f/2⌉ − f
//   resize-conv     features → nearest ×f → conv2d k3, padding 1
//   subpixel(-icnr) features → conv2d k3, padding 1, to 3·f² channels → pixel_shuffle(f)
//
// Initialisation (initialise below) is kept in one place so that it can be
// tuned: transposed-k3 and subpixel start from torch's default (seeded
// uniform) weights, so their checkerboard shows from step 0 as in Odena et
// al.'s figures; the other three start from an up-sampling that already
// interpolates, so that the first steps refine a good image instead of
// climbing out of noise, and so that their checkerboard is 0 at step 0.
#include <algorithm>
#include <cmath>

#include "backward_internal.hpp"
#include "tconv/conv.hpp"
#include "tconv/image.hpp"
#include "trainer_internal.hpp"

namespace tconv::detail {

namespace {

constexpr std::string_view kTrainer = "upsampler_trainer";
constexpr std::size_t kHiddenKernel = 5;
constexpr std::size_t kUpKernel = 3;

xt::xarray<float> zeroed(const Shape& shape) {
  xt::xarray<float> t = xt::xarray<float>::from_shape(shape);
  std::fill(t.begin(), t.end(), 0.0f);
  return t;
}

Shape shape_of(const xt::xarray<float>& t) { return Shape(t.shape().begin(), t.shape().end()); }

TrainerParam param(std::string name, const Shape& shape) {
  return TrainerParam{std::move(name), zeroed(shape), zeroed(shape), zeroed(shape), zeroed(shape)};
}

// torch.nn.Conv2d / ConvTranspose2d's default: kaiming_uniform_(a = √5) for
// the weight and U(±1/√fan_in) for the bias, both U(±1/√fan_in), where
// fan_in = weight.shape[1]·kH·kW (for a transposed convolution torch takes
// that dimension too, which is its output channels).
void torch_default(TrainerRng& rng, TrainerParam& weight, TrainerParam& bias) {
  const auto& s = weight.value.shape();
  const float bound = 1.0f / std::sqrt(float(s[1] * s[2] * s[3]));
  for (float& v : weight.value) v = rng.symmetric(bound);
  for (float& v : bias.value) v = rng.symmetric(bound);
}

// weight(a, b, ·, ·) = kernel placed at (offset, offset).
void place(xt::xarray<float>& weight, std::size_t a, std::size_t b, const xt::xtensor<float, 2>& kernel,
           std::size_t offset) {
  for (std::size_t i = 0; i < kernel.shape()[0]; ++i) {
    for (std::size_t j = 0; j < kernel.shape()[1]; ++j) weight(a, b, offset + i, offset + j) = kernel(i, j);
  }
}

}  // namespace

ModelSpec model_spec(const TrainerOptions& options) {
  ModelSpec s;
  s.model = options.model;
  s.factor = std::size_t(options.factor);
  s.hidden = std::size_t(options.hidden);
  s.channels = s.hidden > 0 ? s.hidden : 3;
  s.hidden_params.padding = {2, 2};
  s.up_params.padding = {1, 1};
  const std::int64_t f = options.factor;
  switch (options.model) {
    case TrainerModel::transposed_k3:
    case TrainerModel::transposed_k2f: {
      const bool k3 = options.model == TrainerModel::transposed_k3;
      const std::int64_t kernel = k3 ? 3 : 2 * f, padding = k3 ? 1 : (f + 1) / 2;
      s.transposed = true;
      s.transposed_params.stride = {f, f};
      s.transposed_params.padding = {padding, padding};
      // Whatever makes the output exactly f × the input: f − 1 for k3, 2⌈f/2⌉ − f for k2f.
      const std::int64_t extra = k3 ? f - 1 : 2 * padding - f;
      s.transposed_params.output_padding = {extra, extra};
      s.up_weight = {s.channels, 3, std::size_t(kernel), std::size_t(kernel)};
      s.up_bias = 3;
      break;
    }
    case TrainerModel::resize_conv:
      s.transposed = false;
      s.up_weight = {3, s.channels, kUpKernel, kUpKernel};
      s.up_bias = 3;
      break;
    case TrainerModel::subpixel:
    case TrainerModel::subpixel_icnr:
      s.transposed = false;
      s.up_bias = 3 * s.factor * s.factor;
      s.up_weight = {s.up_bias, s.channels, kUpKernel, kUpKernel};
      break;
  }
  return s;
}

std::vector<TrainerParam> make_params(const ModelSpec& spec) {
  std::vector<TrainerParam> params;
  if (spec.hidden > 0) {
    params.push_back(param("hidden.weight", {spec.hidden, 3, kHiddenKernel, kHiddenKernel}));
    params.push_back(param("hidden.bias", {spec.hidden}));
  }
  params.push_back(param("up.weight", spec.up_weight));
  params.push_back(param("up.bias", {spec.up_bias}));
  return params;
}

void initialise(const ModelSpec& spec, TrainerRng& rng, std::vector<TrainerParam>& params) {
  TrainerParam& up_weight = params[params.size() - 2];
  TrainerParam& up_bias = params.back();
  const bool random = spec.model == TrainerModel::transposed_k3 || spec.model == TrainerModel::subpixel;
  if (spec.hidden > 0) {
    TrainerParam& weight = params[0];
    TrainerParam& bias = params[1];
    torch_default(rng, weight, bias);
    if (!random) {
      // The interpolating models: hidden channels 0–2 pass R, G and B through
      // (the 5×5 kernel's centre tap, no bias). Inputs are in [0, 1], so ReLU
      // keeps them, and the up-sampling layer below reads only these three
      // channels at first: step 0 is exactly the interpolation. The other
      // channels keep their seeded random weights, and the up layer's weights
      // from them start at zero; their gradients are not zero (the channels
      // are active), so they join in from the first step.
      for (std::size_t c = 0; c < 3 && c < spec.hidden; ++c) {
        for (std::size_t i = 0; i < 3; ++i) {
          for (std::size_t a = 0; a < kHiddenKernel; ++a) {
            for (std::size_t b = 0; b < kHiddenKernel; ++b) weight.value(c, i, a, b) = 0.0f;
          }
        }
        weight.value(c, c, kHiddenKernel / 2, kHiddenKernel / 2) = 1.0f;
        bias.value(c) = 0.0f;
      }
    }
  }
  if (random) {
    torch_default(rng, up_weight, up_bias);
    return;
  }
  std::fill(up_weight.value.begin(), up_weight.value.end(), 0.0f);
  std::fill(up_bias.value.begin(), up_bias.value.end(), 0.0f);
  const std::size_t f = spec.factor;
  switch (spec.model) {
    case TrainerModel::transposed_k2f: {
      // The bilinear kernel (FCN's initialisation, the core's bilinear_kernel)
      // on each colour's own path: in the interior, bilinear interpolation
      // exactly. For odd f the core's kernel has 2f − 1 taps; in the 2f-tap
      // kernel with padding ⌈f/2⌉ it sits one tap in (tap 0 reaches nothing).
      const xt::xtensor<float, 2> k = bilinear_kernel(std::int64_t(f));
      for (std::size_t c = 0; c < 3; ++c) place(up_weight.value, c, c, k, 2 * f - k.shape()[0]);
      break;
    }
    case TrainerModel::resize_conv: {
      // [1 2 1]/4 in each axis after nearest ×f: at f = 2 this is bilinear
      // interpolation exactly (weights ¼, ¾ between neighbours); at 3 and 4 a
      // smoothed nearest. Flat in, flat out: no checkerboard.
      const float taps[3] = {0.25f, 0.5f, 0.25f};
      for (std::size_t c = 0; c < 3; ++c) {
        for (std::size_t i = 0; i < 3; ++i) {
          for (std::size_t j = 0; j < 3; ++j) up_weight.value(c, c, i, j) = taps[i] * taps[j];
        }
      }
      break;
    }
    case TrainerModel::subpixel_icnr:
      // ICNR (Aitken et al. 2017): the f² sub-pixel channels of each colour
      // start equal, so that the shuffle repeats one value over each f × f
      // block (nearest ×f of a convolution) and a flat input gives a flat
      // output, with no checkerboard. The kernel they share is the identity
      // (centre tap 1): step 0 is nearest-neighbour up-sampling.
      for (std::size_t c = 0; c < 3; ++c) {
        for (std::size_t s = 0; s < f * f; ++s) up_weight.value(c * f * f + s, c, 1, 1) = 1.0f;
      }
      break;
    default:
      break;
  }
}

std::size_t receptive_radius(const ModelSpec& spec) {
  // The 5×5 layer reads 2 rows each side; every up-sampling layer here reads
  // at most 1 low-resolution row each side (k2f at f = 4: taps 0–7 with
  // padding 2 reach input rows i − 1 … i + 1 of output rows in block i).
  return (spec.hidden > 0 ? 2 : 0) + 2;
}

std::size_t pass_floats(const ModelSpec& spec, std::size_t n, std::size_t h, std::size_t w, bool backward) {
  const std::size_t f = spec.factor, low = n * h * w, high = low * f * f;
  std::size_t floats = 3 * low + 3 * high;  // x, y
  if (spec.hidden > 0) floats += 2 * spec.hidden * low;
  const std::size_t mid = spec.model == TrainerModel::resize_conv ? spec.channels * high
                          : spec.transposed                       ? 0
                                                                  : spec.up_bias * low;
  floats += mid;
  if (backward) floats += 3 * high + mid + (spec.hidden > 0 ? spec.hidden * low : 0);
  std::size_t weights = spec.up_bias;
  for (std::size_t d : spec.up_weight) weights *= d;
  if (spec.hidden > 0) weights += spec.hidden * (3 * kHiddenKernel * kHiddenKernel + 1);
  return floats + 5 * weights;  // value, gradient, two moments, the flipped copy
}

Pass make_pass(const ModelSpec& spec, const std::vector<TrainerParam>& params, std::size_t n, std::size_t h,
               std::size_t w, bool backward) {
  Pass p;
  p.n = n;
  p.h = h;
  p.w = w;
  const std::size_t f = spec.factor;
  p.x = zeroed({n, 3, h, w});
  p.y = zeroed({n, 3, h * f, w * f});
  const xt::xarray<float>& up_weight = params[params.size() - 2].value;
  if (spec.hidden > 0) {
    p.pre = zeroed({n, spec.hidden, h, w});
    p.act = zeroed({n, spec.hidden, h, w});
    p.hidden_geometry = conv2d_geometry(kTrainer, p.x, params[0].value, std::nullopt, spec.hidden_params);
  }
  const xt::xarray<float>& features = spec.hidden > 0 ? p.act : p.x;
  if (spec.transposed) {
    p.up_geometry = conv_transpose2d_geometry(kTrainer, features, up_weight, std::nullopt, spec.transposed_params);
  } else if (spec.model == TrainerModel::resize_conv) {
    p.mid = zeroed({n, spec.channels, h * f, w * f});
    p.up_geometry = conv2d_geometry(kTrainer, p.mid, up_weight, std::nullopt, spec.up_params);
  } else {
    p.mid = zeroed({n, spec.up_bias, h, w});
    p.up_geometry = conv2d_geometry(kTrainer, features, up_weight, std::nullopt, spec.up_params);
  }
  if (backward) {
    p.grad_y = zeroed(shape_of(p.y));
    if (p.mid.size() > 0) p.grad_mid = zeroed(shape_of(p.mid));
    if (spec.hidden > 0) p.grad_act = zeroed(shape_of(p.act));
    p.flipped.assign(up_weight.size(), 0.0f);
  }
  return p;
}

void forward(const ModelSpec& spec, const std::vector<TrainerParam>& params, Pass& p) {
  const std::size_t f = spec.factor;
  const xt::xarray<float>& up_weight = params[params.size() - 2].value;
  const float* up_bias = params.back().value.data();
  if (spec.hidden > 0) {
    conv2d_compute(p.hidden_geometry, p.x.data(), params[0].value.data(), params[1].value.data(), p.pre.data());
    const float* pre = p.pre.data();
    float* act = p.act.data();
    for (std::size_t i = 0; i < p.act.size(); ++i) act[i] = pre[i] > 0.0f ? pre[i] : 0.0f;
  }
  const xt::xarray<float>& features = spec.hidden > 0 ? p.act : p.x;
  switch (spec.model) {
    case TrainerModel::transposed_k3:
    case TrainerModel::transposed_k2f: {
      // The public conv_transpose2d picks the algorithm for this layer (its
      // choice depends on sizes only, so it is the same at every step); the
      // bias is added here, so that no optional copy of it is made per call.
      p.y = conv_transpose2d(features, up_weight, std::nullopt, spec.transposed_params);
      const std::size_t plane = p.y.shape()[2] * p.y.shape()[3];
      float* y = p.y.data();
      for (std::size_t n = 0; n < p.n; ++n) {
        for (std::size_t c = 0; c < 3; ++c) {
          float* out = y + (n * 3 + c) * plane;
          for (std::size_t i = 0; i < plane; ++i) out[i] += up_bias[c];
        }
      }
      break;
    }
    case TrainerModel::resize_conv:
      nearest_upsample_planes(p.n * spec.channels, p.h, p.w, f, features.data(), p.mid.data());
      conv2d_compute(p.up_geometry, p.mid.data(), up_weight.data(), up_bias, p.y.data());
      break;
    case TrainerModel::subpixel:
    case TrainerModel::subpixel_icnr:
      conv2d_compute(p.up_geometry, features.data(), up_weight.data(), up_bias, p.mid.data());
      pixel_shuffle_planes(p.n * 3, p.h, p.w, f, p.mid.data(), p.y.data());
      break;
  }
}

void backward(const ModelSpec& spec, std::vector<TrainerParam>& params, Pass& p) {
  const std::size_t f = spec.factor;
  TrainerParam& up_weight = params[params.size() - 2];
  TrainerParam& up_bias = params.back();
  const bool hidden = spec.hidden > 0;
  const float* features = hidden ? p.act.data() : p.x.data();
  float* grad_features = hidden ? p.grad_act.data() : nullptr;  // the input's gradient is not needed
  switch (spec.model) {
    case TrainerModel::transposed_k3:
    case TrainerModel::transposed_k2f: {
      // conv_transpose2d's gradients are those of its adjoint conv2d (backward.cpp).
      const ConvGeometry adjoint = adjoint_conv2d(p.up_geometry);
      weight_gradient(adjoint, p.grad_y.data(), features, up_weight.grad.data());
      bias_gradient(p.up_geometry, p.grad_y.data(), up_bias.grad.data());
      if (hidden) conv2d_compute(adjoint, p.grad_y.data(), up_weight.value.data(), nullptr, grad_features);
      break;
    }
    case TrainerModel::resize_conv:
      weight_gradient(p.up_geometry, p.mid.data(), p.grad_y.data(), up_weight.grad.data());
      bias_gradient(p.up_geometry, p.grad_y.data(), up_bias.grad.data());
      if (hidden) {
        conv2d_input_gradient(p.up_geometry, p.grad_y.data(), up_weight.value.data(), p.flipped.data(),
                              p.grad_mid.data());
        // nearest ×f's backward: each f × f block's gradients summed.
        block_sum_planes(p.n * spec.channels, p.h, p.w, f, p.grad_mid.data(), grad_features);
      }
      break;
    case TrainerModel::subpixel:
    case TrainerModel::subpixel_icnr:
      // pixel_shuffle only moves values: its backward is pixel_unshuffle.
      pixel_unshuffle_planes(p.n * 3, p.h, p.w, f, p.grad_y.data(), p.grad_mid.data());
      weight_gradient(p.up_geometry, features, p.grad_mid.data(), up_weight.grad.data());
      bias_gradient(p.up_geometry, p.grad_mid.data(), up_bias.grad.data());
      if (hidden) {
        conv2d_input_gradient(p.up_geometry, p.grad_mid.data(), up_weight.value.data(), p.flipped.data(),
                              grad_features);
      }
      break;
  }
  if (hidden) {
    // ReLU's backward, in place: ∂L/∂pre = ∂L/∂act where pre > 0.
    const float* pre = p.pre.data();
    float* g = p.grad_act.data();
    for (std::size_t i = 0; i < p.grad_act.size(); ++i) g[i] = pre[i] > 0.0f ? g[i] : 0.0f;
    weight_gradient(p.hidden_geometry, p.x.data(), g, params[0].grad.data());
    bias_gradient(p.hidden_geometry, g, params[1].grad.data());
  }
}

}  // namespace tconv::detail
