// Direct double-precision convolutions, written from PyTorch's definitions
// (no phases, no blocking, no vectors), to check every algorithm of tconv's
// conv2d and conv_transpose2d against.
#pragma once

#include <cfloat>
#include <cmath>
#include <vector>

#include "harness.hpp"

namespace fuzz {

// Index arithmetic with 128 bits: strides and paddings may be near 2⁶³.
__extension__ typedef __int128 Wide;

/// Sizes of a call, with a batch of 1 for an unbatched (C, H, W) input.
struct ConvSizes {
  std::size_t batch, in_channels, in_h, in_w;
  std::size_t out_channels, out_h, out_w;
  std::size_t kernel_h, kernel_w, groups;
  tconv::Pair stride, padding, dilation;
};

/// Every output value, the sum of the magnitudes of the products it adds
/// (the scale of its float rounding error), and the most products any output adds.
struct Reference {
  std::vector<double> value, magnitude;
  std::size_t terms = 0;
};

inline Reference blank_reference(const ConvSizes& s, const float* bias, std::size_t terms) {
  Reference r;
  const std::size_t plane = s.out_h * s.out_w;
  r.value.assign(s.batch * s.out_channels * plane, 0.0);
  r.magnitude.assign(r.value.size(), 0.0);
  r.terms = terms + 1;
  for (std::size_t i = 0; bias && i < r.value.size(); ++i) {
    r.value[i] = bias[(i / plane) % s.out_channels];
    r.magnitude[i] = std::fabs(r.value[i]);
  }
  return r;
}

/// out[n][oc][oh][ow] = bias[oc] + Σ w[oc][icg][kh][kw] · in[n][g·Cin/g + icg][oh·s − p + kh·d][ow·s − p + kw·d]
inline Reference conv2d_reference(const ConvSizes& s, const float* in, const float* w, const float* bias) {
  const std::size_t group_in = s.in_channels / s.groups, group_out = s.out_channels / s.groups;
  Reference r = blank_reference(s, bias, group_in * s.kernel_h * s.kernel_w);
  for (std::size_t n = 0; n < s.batch; ++n)
    for (std::size_t oc = 0; oc < s.out_channels; ++oc)
      for (std::size_t oh = 0; oh < s.out_h; ++oh)
        for (std::size_t ow = 0; ow < s.out_w; ++ow) {
          const std::size_t o = ((n * s.out_channels + oc) * s.out_h + oh) * s.out_w + ow;
          for (std::size_t icg = 0; icg < group_in; ++icg) {
            const std::size_t ic = oc / group_out * group_in + icg;
            for (std::size_t kh = 0; kh < s.kernel_h; ++kh) {
              const Wide ih = Wide(oh) * s.stride[0] - s.padding[0] + Wide(kh) * s.dilation[0];
              if (ih < 0 || ih >= Wide(s.in_h)) continue;
              for (std::size_t kw = 0; kw < s.kernel_w; ++kw) {
                const Wide iw = Wide(ow) * s.stride[1] - s.padding[1] + Wide(kw) * s.dilation[1];
                if (iw < 0 || iw >= Wide(s.in_w)) continue;
                const double p =
                    double(w[((oc * group_in + icg) * s.kernel_h + kh) * s.kernel_w + kw]) *
                    double(in[((n * s.in_channels + ic) * s.in_h + std::size_t(ih)) * s.in_w + std::size_t(iw)]);
                r.value[o] += p;
                r.magnitude[o] += std::fabs(p);
              }
            }
          }
        }
  return r;
}

/// Each input pixel (ih, iw) of channel ic adds w[ic][ocg][kh][kw] · x to output
/// (ih·s − p + kh·d, iw·s − p + kw·d) of channel g·Cout/g + ocg: the
/// transpose of conv2d, with output_padding only widening the output.
inline Reference conv_transpose2d_reference(const ConvSizes& s, const float* in, const float* w, const float* bias) {
  const std::size_t group_in = s.in_channels / s.groups, group_out = s.out_channels / s.groups;
  Reference r = blank_reference(s, bias, group_in * s.kernel_h * s.kernel_w);
  for (std::size_t n = 0; n < s.batch; ++n)
    for (std::size_t ic = 0; ic < s.in_channels; ++ic)
      for (std::size_t ih = 0; ih < s.in_h; ++ih)
        for (std::size_t iw = 0; iw < s.in_w; ++iw) {
          const double x = in[((n * s.in_channels + ic) * s.in_h + ih) * s.in_w + iw];
          for (std::size_t ocg = 0; ocg < group_out; ++ocg) {
            const std::size_t oc = ic / group_in * group_out + ocg;
            for (std::size_t kh = 0; kh < s.kernel_h; ++kh) {
              const Wide oh = Wide(ih) * s.stride[0] - s.padding[0] + Wide(kh) * s.dilation[0];
              if (oh < 0 || oh >= Wide(s.out_h)) continue;
              for (std::size_t kw = 0; kw < s.kernel_w; ++kw) {
                const Wide ow = Wide(iw) * s.stride[1] - s.padding[1] + Wide(kw) * s.dilation[1];
                if (ow < 0 || ow >= Wide(s.out_w)) continue;
                const double p = double(w[((ic * group_out + ocg) * s.kernel_h + kh) * s.kernel_w + kw]) * x;
                const std::size_t o =
                    ((n * s.out_channels + oc) * s.out_h + std::size_t(oh)) * s.out_w + std::size_t(ow);
                r.value[o] += p;
                r.magnitude[o] += std::fabs(p);
              }
            }
          }
        }
  return r;
}

/// got (any rank, same element order) against the reference, each value
/// within (products + 2) float roundings of its magnitude, plus as many
/// subnormal steps (a product below 2⁻¹²⁶ loses relative precision): the
/// worst case of a float sum in any order. Values whose magnitude overflows
/// float are skipped.
inline void compare(const char* what, const float* got, std::size_t count, const Reference& r) {
  require(count == r.value.size(), "result and reference differ in size");
  for (std::size_t i = 0; i < count; ++i) {
    if (r.magnitude[i] > 1e30) continue;
    const double tolerance = double(r.terms + 2) * (FLT_EPSILON * r.magnitude[i] + FLT_TRUE_MIN);
    if (!(std::fabs(double(got[i]) - r.value[i]) <= tolerance)) {
      die("%s differs from the double-precision reference at element %zu: %.9g, expected %.9g (tolerance %.3g)", what,
          i, double(got[i]), r.value[i], tolerance);
    }
  }
}

inline bool all_finite(const xt::xarray<float>& t) {
  for (float v : t)
    if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace fuzz
