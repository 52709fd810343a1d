// What test_conv.cpp and test_conv_transpose.cpp (both of tconv/conv.hpp)
// share: the seed example, conv2d and conv_transpose2d by their definitions
// (written as plainly as possible, for checking the optimised paths), and the
// bit-exact row comparison behind the row-translation tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>
#include <xtensor/xarray.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xoperation.hpp>
#include <xtensor/xview.hpp>

#include "tconv/conv.hpp"

namespace tconv::test {

// The seed example ("up-sampling with transposed convolution"): a 4×4 input,
// a 3×3 kernel, no padding, stride 1.
inline const xt::xarray<float> kSeedInput = {{{{4, 5, 8, 7}, {1, 8, 8, 8}, {3, 6, 6, 4}, {6, 5, 7, 8}}}};
inline const xt::xarray<float> kSeedKernel = {{{{1, 4, 1}, {1, 4, 3}, {3, 3, 1}}}};

// The definition, written as plainly as possible, for checking the optimised paths.
inline xt::xarray<float> naive_conv2d(const xt::xarray<float>& x, const xt::xarray<float>& w, const Conv2dParams& p) {
  const std::size_t n = x.shape()[0], cin = x.shape()[1], h = x.shape()[2], wd = x.shape()[3];
  const std::size_t cout = w.shape()[0], gin = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
  const Pair out = conv2d_output_size({std::int64_t(h), std::int64_t(wd)}, {std::int64_t(kh), std::int64_t(kw)}, p);
  xt::xarray<float> y = xt::zeros<float>({n, cout, std::size_t(out[0]), std::size_t(out[1])});
  const std::size_t gout = cout / std::size_t(p.groups);
  for (std::size_t b = 0; b < n; ++b)
    for (std::size_t oc = 0; oc < cout; ++oc)
      for (std::int64_t oh = 0; oh < out[0]; ++oh)
        for (std::int64_t ow = 0; ow < out[1]; ++ow) {
          double sum = 0;
          for (std::size_t i = 0; i < gin; ++i)
            for (std::size_t a = 0; a < kh; ++a)
              for (std::size_t c = 0; c < kw; ++c) {
                const std::int64_t ih = oh * p.stride[0] - p.padding[0] + std::int64_t(a) * p.dilation[0];
                const std::int64_t iw = ow * p.stride[1] - p.padding[1] + std::int64_t(c) * p.dilation[1];
                if (ih < 0 || iw < 0 || ih >= std::int64_t(h) || iw >= std::int64_t(wd)) continue;
                sum += double(w(oc, i, a, c)) * x(b, (oc / gout) * gin + i, std::size_t(ih), std::size_t(iw));
              }
          y(b, oc, std::size_t(oh), std::size_t(ow)) = float(sum);
        }
  return y;
}

// conv_transpose2d by its definition, with 64-bit coordinates: input pixel
// (ih, iw) adds w·x to output (ih·s − p + kh·d, iw·s − p + kw·d).
inline xt::xarray<float> scatter_reference(const xt::xarray<float>& x, const xt::xarray<float>& w, const Pair& out,
                                           const ConvTranspose2dParams& p) {
  const std::size_t n = x.shape()[0], c_in = x.shape()[1], h = x.shape()[2], wd = x.shape()[3];
  const std::size_t groups = std::size_t(p.groups), group_in = c_in / groups, group_out = w.shape()[1];
  xt::xarray<double> y = xt::zeros<double>({n, group_out * groups, std::size_t(out[0]), std::size_t(out[1])});
  for (std::size_t b = 0; b < n; ++b)
    for (std::size_t ic = 0; ic < c_in; ++ic)
      for (std::size_t oc = 0; oc < group_out; ++oc)
        for (std::size_t i = 0; i < h; ++i)
          for (std::size_t j = 0; j < wd; ++j)
            for (std::size_t kh = 0; kh < w.shape()[2]; ++kh)
              for (std::size_t kw = 0; kw < w.shape()[3]; ++kw) {
                const std::int64_t r = std::int64_t(i) * p.stride[0] - p.padding[0] + std::int64_t(kh) * p.dilation[0];
                const std::int64_t c = std::int64_t(j) * p.stride[1] - p.padding[1] + std::int64_t(kw) * p.dilation[1];
                if (r < 0 || r >= out[0] || c < 0 || c >= out[1]) continue;
                y(b, ic / group_in * group_out + oc, std::size_t(r), std::size_t(c)) +=
                    double(w(ic, oc, kh, kw)) * double(x(b, ic, i, j));
              }
  return xt::cast<float>(y);
}

// Row translation: the image upsampler computes horizontal bands in separate
// workers and stitches them, which is only bit-identical to one call if an
// output pixel's value does not depend on its absolute row (or on which row
// or column block it falls in). So: compute on an input and on the same input
// without its first `shift` rows, and require every output row whose taps all
// land inside both inputs to match bit for bit (floats compared as bits).
inline std::vector<std::uint32_t> bits_of_row(const xt::xarray<float>& y, std::size_t c, std::size_t row) {
  const std::size_t w = y.shape()[3];
  std::vector<std::uint32_t> bits(w);
  std::memcpy(bits.data(), y.data() + (c * y.shape()[2] + row) * w, w * sizeof(float));
  return bits;
}

inline xt::xarray<float> drop_rows(const xt::xarray<float>& x, std::size_t rows) {
  return xt::view(x, xt::all(), xt::all(), xt::range(rows, x.shape()[2]), xt::all());
}

}  // namespace tconv::test
