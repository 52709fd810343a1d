#include "tconv/conv.hpp"

#include <algorithm>
#include <vector>

#include "gemm.hpp"
#include "geometry.hpp"

namespace tconv {

namespace {

constexpr std::string_view kConv2d = "conv2d";
constexpr std::string_view kConvTranspose2d = "conv_transpose2d";

// Everything a direct loop needs, after validation.
struct ConvGeometry {
  std::size_t batch, in_channels, out_channels, groups;
  std::size_t in_h, in_w, out_h, out_w, kernel_h, kernel_w;
  Pair stride, padding, dilation;
  bool unbatched;
};

Shape shape_of(const xt::xarray<float>& tensor) { return Shape(tensor.shape().begin(), tensor.shape().end()); }

void check_input_rank(std::string_view function, const xt::xarray<float>& input) {
  if (input.dimension() != 3 && input.dimension() != 4) {
    fail(function, "input must be 3-D (C, H, W) or 4-D (N, C, H, W), got " + std::to_string(input.dimension()) +
                       "-D shape " + format_shape(shape_of(input)));
  }
}

void check_weight_rank(std::string_view function, const xt::xarray<float>& weight, const char* layout) {
  if (weight.dimension() != 4) {
    fail(function, std::string("weight must be 4-D ") + layout + ", got " + std::to_string(weight.dimension()) +
                       "-D shape " + format_shape(shape_of(weight)));
  }
}

void check_groups(std::string_view function, std::int64_t groups) {
  if (groups < 1) fail(function, "groups must be a positive integer, got " + std::to_string(groups));
}

void check_nonempty(std::string_view function, std::string_view what, const xt::xarray<float>& tensor,
                    std::size_t first_dim) {
  // The batch may be empty, as in torch; channels and spatial sizes may not.
  for (std::size_t d = first_dim; d < tensor.dimension(); ++d) {
    if (tensor.shape()[d] == 0) {
      fail(function, std::string(what) + " shape " + format_shape(shape_of(tensor)) + " has an empty dimension");
    }
  }
}

void check_bias(std::string_view function, const std::optional<xt::xarray<float>>& bias, std::size_t out_channels) {
  if (!bias) return;
  if (bias->dimension() != 1 || bias->size() != out_channels) {
    fail(function,
         "bias must have " + std::to_string(out_channels) + " elements (one per output channel), got " +
             (bias->dimension() == 1 ? std::to_string(bias->size()) : "shape " + format_shape(shape_of(*bias))));
  }
}

// Validates ranks, groups and emptiness, and reads the sizes both directions share.
ConvGeometry describe(std::string_view function, const xt::xarray<float>& input, const xt::xarray<float>& weight,
                      std::int64_t groups, const char* weight_layout) {
  check_input_rank(function, input);
  check_weight_rank(function, weight, weight_layout);
  check_groups(function, groups);
  check_nonempty(function, "input", input, input.dimension() - 3);
  check_nonempty(function, "weight", weight, 0);
  ConvGeometry g{};
  g.unbatched = input.dimension() == 3;
  const std::size_t off = g.unbatched ? 0 : 1;
  g.batch = g.unbatched ? 1 : input.shape()[0];
  g.in_channels = input.shape()[off];
  g.in_h = input.shape()[off + 1];
  g.in_w = input.shape()[off + 2];
  g.kernel_h = weight.shape()[2];
  g.kernel_w = weight.shape()[3];
  g.groups = static_cast<std::size_t>(groups);
  return g;
}

void set_output(ConvGeometry& g, const Pair& out, const Pair& stride, const Pair& padding, const Pair& dilation) {
  g.out_h = static_cast<std::size_t>(out[0]);
  g.out_w = static_cast<std::size_t>(out[1]);
  g.stride = stride;
  g.padding = padding;
  g.dilation = dilation;
}

Shape output_shape(const ConvGeometry& g) {
  if (g.unbatched) return {g.out_channels, g.out_h, g.out_w};
  return {g.batch, g.out_channels, g.out_h, g.out_w};
}

// Output planes start at the bias (or zero); the loops then accumulate into them.
xt::xarray<float> allocate_output(std::string_view function, const ConvGeometry& g,
                                  const std::optional<xt::xarray<float>>& bias) {
  const Shape shape = output_shape(g);
  checked_element_count(function, "output", shape);
  xt::xarray<float> output = xt::zeros<float>(shape);
  if (bias) {
    const std::size_t plane = g.out_h * g.out_w;
    float* out = output.data();
    for (std::size_t n = 0; n < g.batch; ++n) {
      for (std::size_t c = 0; c < g.out_channels; ++c) {
        std::fill_n(out + (n * g.out_channels + c) * plane, plane, (*bias)(c));
      }
    }
  }
  return output;
}

// Few-channel layers (images): a gather per output row and column phase.
// Output column ow = c + q·stride receives kernel column kw from input column
// q + δ(c, kw) exactly when (c + padding − kw·dilation) is a multiple of the
// stride, so for one phase c every contributing input row is read
// contiguously and the accumulation over q vectorises; each output pixel is
// then written once. No zero insertion, no multiplication by zero.
void conv_transpose2d_direct(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  const std::size_t kernel_plane = g.kernel_h * g.kernel_w;
  const std::int64_t sh = g.stride[0], sw = g.stride[1];
  const std::size_t phase_len = (g.out_w + std::size_t(sw) - 1) / std::size_t(sw);
  std::vector<float> acc(phase_len);
  // For each output row: the kernel rows that reach it and their input rows.
  std::vector<std::pair<std::size_t, std::size_t>> row_taps;
  for (std::size_t n = 0; n < g.batch; ++n) {
    for (std::size_t oc = 0; oc < g.out_channels; ++oc) {
      const std::size_t group = oc / group_out, ocg = oc % group_out;
      float* out_plane_ptr = out_data + (n * g.out_channels + oc) * out_plane;
      for (std::size_t oh = 0; oh < g.out_h; ++oh) {
        row_taps.clear();
        for (std::size_t kh = 0; kh < g.kernel_h; ++kh) {
          const std::int64_t num = std::int64_t(oh) + g.padding[0] - std::int64_t(kh) * g.dilation[0];
          if (num < 0 || num % sh != 0 || num / sh >= std::int64_t(g.in_h)) continue;
          row_taps.emplace_back(kh, std::size_t(num / sh));
        }
        if (row_taps.empty()) continue;  // only bias reaches this row
        float* out_row = out_plane_ptr + oh * g.out_w;
        for (std::int64_t c = 0; c < sw && std::size_t(c) < g.out_w; ++c) {
          const std::size_t count = (g.out_w - std::size_t(c) + std::size_t(sw) - 1) / std::size_t(sw);
          std::fill_n(acc.begin(), count, 0.0f);
          for (std::size_t kw = 0; kw < g.kernel_w; ++kw) {
            const std::int64_t num = c + g.padding[1] - std::int64_t(kw) * g.dilation[1];
            if (((num % sw) + sw) % sw != 0) continue;  // this kernel column never lands on phase c
            const std::int64_t delta = num >= 0 ? num / sw : -((-num) / sw);  // exact: num is a multiple of sw
            // q + delta must be an input column.
            const std::int64_t q_begin = std::max<std::int64_t>(0, -delta);
            const std::int64_t q_end = std::min<std::int64_t>(std::int64_t(count), std::int64_t(g.in_w) - delta);
            if (q_begin >= q_end) continue;
            for (std::size_t icg = 0; icg < group_in; ++icg) {
              const std::size_t ic = group * group_in + icg;
              const float* in_plane_ptr = in_data + (n * g.in_channels + ic) * in_plane;
              const float* kernel = w_data + (ic * group_out + ocg) * kernel_plane;
              for (const auto& [kh, ih] : row_taps) {
                const float wv = kernel[kh * g.kernel_w + kw];
                const float* row = in_plane_ptr + ih * g.in_w;
                for (std::int64_t q = q_begin; q < q_end; ++q) acc[std::size_t(q)] += wv * row[q + delta];
              }
            }
          }
          for (std::size_t q = 0; q < count; ++q) out_row[std::size_t(c) + q * std::size_t(sw)] += acc[q];
        }
      }
    }
  }
}

// Channel-rich layers. For each image and group, col = Wᵀ·X is one matrix
// product over the group's input channels (rows: every (output channel, tap);
// columns: input pixels), then each row of col is added into the output at
// its tap's offset (col2im). Input rows are taken in chunks so that col stays
// near 4 MB whatever the layer size.
void conv_transpose2d_gemm(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t taps = g.kernel_h * g.kernel_w;
  const std::size_t M = group_out * taps;
  const std::size_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  const std::size_t chunk_rows = std::clamp<std::size_t>((std::size_t{1} << 20) / (M * g.in_w), 1, g.in_h);
  std::vector<float> col(M * chunk_rows * g.in_w);
  const std::int64_t sw = g.stride[1];
  for (std::size_t n = 0; n < g.batch; ++n) {
    for (std::size_t group = 0; group < g.groups; ++group) {
      const float* a = w_data + group * group_in * M;  // [group_in][group_out·kH·kW]
      const float* x = in_data + (n * g.in_channels + group * group_in) * in_plane;
      float* out_group = out_data + (n * g.out_channels + group * group_out) * out_plane;
      for (std::size_t row0 = 0; row0 < g.in_h; row0 += chunk_rows) {
        const std::size_t rows = std::min(chunk_rows, g.in_h - row0);
        const std::size_t N = rows * g.in_w;
        std::fill_n(col.begin(), M * N, 0.0f);
        detail::gemm_tn(M, N, group_in, a, M, x + row0 * g.in_w, in_plane, col.data(), N);
        for (std::size_t m = 0; m < M; ++m) {
          const std::size_t oc = m / taps, kh = (m % taps) / g.kernel_w, kw = m % g.kernel_w;
          const std::int64_t row_offset = std::int64_t(kh) * g.dilation[0] - g.padding[0];
          const std::int64_t col_offset = std::int64_t(kw) * g.dilation[1] - g.padding[1];
          const detail::Range valid_rows = detail::valid_range(g.in_h, g.stride[0], row_offset, g.out_h);
          const detail::Range cols = detail::valid_range(g.in_w, sw, col_offset, g.out_w);
          const std::size_t first = std::max(valid_rows.begin, row0), last = std::min(valid_rows.end, row0 + rows);
          float* out_plane_ptr = out_group + oc * out_plane;
          for (std::size_t ih = first; ih < last; ++ih) {
            const float* src = col.data() + m * N + (ih - row0) * g.in_w;
            float* out_row = out_plane_ptr + (std::int64_t(ih) * g.stride[0] + row_offset) * std::int64_t(g.out_w);
            for (std::size_t iw = cols.begin; iw < cols.end; ++iw)
              out_row[std::int64_t(iw) * sw + col_offset] += src[iw];
          }
        }
      }
    }
  }
}

}  // namespace

Pair detail::conv_output_size(std::string_view function, const Pair& input_size, const Pair& kernel_size,
                              const Pair& stride, const Pair& padding, const Pair& dilation) {
  check_pair(function, "input_size", input_size, Rule::positive);
  check_pair(function, "kernel_size", kernel_size, Rule::positive);
  check_pair(function, "stride", stride, Rule::positive);
  check_pair(function, "padding", padding, Rule::non_negative);
  check_pair(function, "dilation", dilation, Rule::positive);
  Pair dilated_kernel{}, padded_input{}, out{};
  for (int d = 0; d < 2; ++d) {
    dilated_kernel[d] =
        detail::checked_extent(function, "dilated kernel size", detail::Wide(dilation[d]) * (kernel_size[d] - 1) + 1);
    padded_input[d] = detail::checked_extent(function, "padded input size",
                                             detail::Wide(input_size[d]) + 2 * detail::Wide(padding[d]));
  }
  if (dilated_kernel[0] > padded_input[0] || dilated_kernel[1] > padded_input[1]) {
    fail(function, "dilated kernel size " + format_pair(dilated_kernel) + " is larger than padded input size " +
                       format_pair(padded_input));
  }
  for (int d = 0; d < 2; ++d) out[d] = (padded_input[d] - dilated_kernel[d]) / stride[d] + 1;
  return out;
}

Pair conv2d_output_size(const Pair& input_size, const Pair& kernel_size, const Conv2dParams& params) {
  check_groups(kConv2d, params.groups);
  return detail::conv_output_size(kConv2d, input_size, kernel_size, params.stride, params.padding, params.dilation);
}

Pair conv_transpose2d_output_size(const Pair& input_size, const Pair& kernel_size,
                                  const ConvTranspose2dParams& params) {
  check_pair(kConvTranspose2d, "input_size", input_size, Rule::positive);
  check_pair(kConvTranspose2d, "kernel_size", kernel_size, Rule::positive);
  check_pair(kConvTranspose2d, "stride", params.stride, Rule::positive);
  check_pair(kConvTranspose2d, "padding", params.padding, Rule::non_negative);
  check_pair(kConvTranspose2d, "output_padding", params.output_padding, Rule::non_negative);
  check_pair(kConvTranspose2d, "dilation", params.dilation, Rule::positive);
  check_groups(kConvTranspose2d, params.groups);
  for (int d = 0; d < 2; ++d) {
    // torch's rule: output_padding only chooses among the sizes a stride or a
    // dilation leave ambiguous, so it must be below one of them.
    if (params.output_padding[d] >= params.stride[d] && params.output_padding[d] >= params.dilation[d]) {
      fail(kConvTranspose2d, "output_padding " + format_pair(params.output_padding) +
                                 " must be smaller than either stride " + format_pair(params.stride) + " or dilation " +
                                 format_pair(params.dilation));
    }
  }
  detail::Wide exact[2];
  for (int d = 0; d < 2; ++d) {
    exact[d] = (detail::Wide(input_size[d]) - 1) * params.stride[d] - 2 * detail::Wide(params.padding[d]) +
               detail::Wide(params.dilation[d]) * (kernel_size[d] - 1) + params.output_padding[d] + 1;
  }
  if (exact[0] < 1 || exact[1] < 1) {
    fail(kConvTranspose2d, "output size " + detail::format_wide_pair(exact[0], exact[1]) +
                               " is too small: each dimension must be at least 1");
  }
  return {detail::checked_extent(kConvTranspose2d, "output size", exact[0]),
          detail::checked_extent(kConvTranspose2d, "output size", exact[1])};
}

xt::xarray<float> conv2d(const xt::xarray<float>& input, const xt::xarray<float>& weight,
                         const std::optional<xt::xarray<float>>& bias, const Conv2dParams& params) {
  ConvGeometry g = describe(kConv2d, input, weight, params.groups, "(out_channels, in_channels/groups, kH, kW)");
  g.out_channels = weight.shape()[0];
  const std::size_t group_in = weight.shape()[1];
  if (group_in * g.groups != g.in_channels) {
    fail(kConv2d, "input has " + std::to_string(g.in_channels) + " channels but weight " +
                      format_shape(shape_of(weight)) + " with groups " + std::to_string(g.groups) + " expects " +
                      std::to_string(group_in * g.groups) + " channels (weight.shape[1] * groups)");
  }
  if (g.out_channels % g.groups != 0) {
    fail(kConv2d, "out_channels " + std::to_string(g.out_channels) + " (weight.shape[0]) must be divisible by groups " +
                      std::to_string(g.groups));
  }
  check_bias(kConv2d, bias, g.out_channels);
  const Pair out = conv2d_output_size({std::int64_t(g.in_h), std::int64_t(g.in_w)},
                                      {std::int64_t(g.kernel_h), std::int64_t(g.kernel_w)}, params);
  set_output(g, out, params.stride, params.padding, params.dilation);

  xt::xarray<float> output = allocate_output(kConv2d, g, bias);
  const std::size_t group_out = g.out_channels / g.groups;
  const std::size_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  const std::size_t kernel_plane = g.kernel_h * g.kernel_w;
  const std::int64_t sw = g.stride[1];
  const float* in_data = input.data();
  const float* w_data = weight.data();
  float* out_data = output.data();

  // Direct loops, one output row at a time: the row stays in L1 while every
  // (input channel, kernel tap) adds a weighted input row to it. With stride
  // 1 the innermost loop is contiguous and vectorises.
  for (std::size_t n = 0; n < g.batch; ++n) {
    for (std::size_t oc = 0; oc < g.out_channels; ++oc) {
      const std::size_t group = oc / group_out;
      float* out_plane_ptr = out_data + (n * g.out_channels + oc) * out_plane;
      for (std::size_t oh = 0; oh < g.out_h; ++oh) {
        float* out_row = out_plane_ptr + oh * g.out_w;
        for (std::size_t icg = 0; icg < group_in; ++icg) {
          const std::size_t ic = group * group_in + icg;
          const float* in_plane_ptr = in_data + (n * g.in_channels + ic) * in_plane;
          const float* kernel = w_data + (oc * group_in + icg) * kernel_plane;
          for (std::size_t kh = 0; kh < g.kernel_h; ++kh) {
            const std::int64_t ih = std::int64_t(oh) * g.stride[0] + std::int64_t(kh) * g.dilation[0] - g.padding[0];
            if (ih < 0 || ih >= std::int64_t(g.in_h)) continue;  // a padding row
            const float* in_row = in_plane_ptr + ih * std::int64_t(g.in_w);
            for (std::size_t kw = 0; kw < g.kernel_w; ++kw) {
              const float wv = kernel[kh * g.kernel_w + kw];
              const std::int64_t col_offset = std::int64_t(kw) * g.dilation[1] - g.padding[1];
              const detail::Range cols = detail::valid_range(g.out_w, sw, col_offset, g.in_w);
              if (sw == 1) {
                const float* src = in_row + col_offset;
                for (std::size_t ow = cols.begin; ow < cols.end; ++ow) out_row[ow] += wv * src[ow];
              } else {
                for (std::size_t ow = cols.begin; ow < cols.end; ++ow) {
                  out_row[ow] += wv * in_row[std::int64_t(ow) * sw + col_offset];
                }
              }
            }
          }
        }
      }
    }
  }
  return output;
}

xt::xarray<float> conv_transpose2d(const xt::xarray<float>& input, const xt::xarray<float>& weight,
                                   const std::optional<xt::xarray<float>>& bias, const ConvTranspose2dParams& params) {
  ConvGeometry g =
      describe(kConvTranspose2d, input, weight, params.groups, "(in_channels, out_channels/groups, kH, kW)");
  if (weight.shape()[0] != g.in_channels) {
    fail(kConvTranspose2d, "input has " + std::to_string(g.in_channels) + " channels but weight " +
                               format_shape(shape_of(weight)) + " expects " + std::to_string(weight.shape()[0]) +
                               " channels (weight.shape[0])");
  }
  if (g.in_channels % g.groups != 0) {
    fail(kConvTranspose2d, "in_channels " + std::to_string(g.in_channels) +
                               " (weight.shape[0]) must be divisible by groups " + std::to_string(g.groups));
  }
  const std::size_t group_out = weight.shape()[1];
  g.out_channels = group_out * g.groups;
  check_bias(kConvTranspose2d, bias, g.out_channels);
  const Pair out = conv_transpose2d_output_size({std::int64_t(g.in_h), std::int64_t(g.in_w)},
                                                {std::int64_t(g.kernel_h), std::int64_t(g.kernel_w)}, params);
  set_output(g, out, params.stride, params.padding, params.dilation);

  xt::xarray<float> output = allocate_output(kConvTranspose2d, g, bias);
  const std::size_t group_in = g.in_channels / g.groups;
  ConvAlgorithm algorithm = params.algorithm;
  if (algorithm == ConvAlgorithm::automatic) {
    // The matrix product pays off once each output gathers from many input
    // channels; with a handful (images) the direct scatter is faster.
    algorithm = group_in >= 16 ? ConvAlgorithm::gemm : ConvAlgorithm::direct;
  }
  if (algorithm == ConvAlgorithm::gemm) {
    conv_transpose2d_gemm(g, input.data(), weight.data(), output.data());
  } else {
    conv_transpose2d_direct(g, input.data(), weight.data(), output.data());
  }
  return output;
}

}  // namespace tconv
