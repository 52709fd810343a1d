// conv2d's algorithms (conv_internal.hpp): the fused row kernels at column
// stride 1, and a direct loop over output rows for the rest.
#include "conv_internal.hpp"
#include "fused_rows.hpp"
#include "geometry.hpp"

namespace tconv::detail {

// The most conv2d_blocked's smallest band, one output row's (the dilated
// kernel's rows of the zero-bordered input), may hold: 16 MB bounds its
// scratch (its bands are at most about twice that). Only heavy
// padding or dilation pass it, and their bands are then mostly zeros: the
// direct loop, which skips padding rows, takes those calls. The choice depends
// on the width, not the height, so every band of rows of one call takes the
// same path (the upsampler's bands rely on that).
constexpr std::size_t kMaxBandFloats = std::size_t{1} << 22;

bool blocked_band_fits(const ConvGeometry& g) {
  const std::size_t group_in = g.in_channels / g.groups;
  const Wide extent = Wide(g.dilation[0]) * (std::int64_t(g.kernel_h) - 1) + 1;
  const Wide padded_w = Wide(g.in_w) + 2 * Wide(g.padding[1]) + Wide(kFusedSlack);
  return Wide(group_in) * extent * padded_w <= Wide(kMaxBandFloats);
}

Band conv2d_band(const ConvGeometry& g) {
  const std::size_t group_in = g.in_channels / g.groups;
  const std::size_t sh = g.out_h > 1 ? std::size_t(g.stride[0]) : 1;
  const std::size_t dh = g.kernel_h > 1 ? std::size_t(g.dilation[0]) : 1;
  const std::size_t padded_w = g.in_w + 2 * std::size_t(g.padding[1]) + kFusedSlack;
  // Output row oh reads padded rows [oh·sh, oh·sh + extent): a band of output
  // rows [oh0, oh0 + band) reads band_rows padded rows from oh0·sh.
  const std::size_t extent = (g.kernel_h - 1) * dh + 1;
  const std::size_t budget_rows = kBandFloats / (group_in * padded_w);
  // No more rows than the output has (a 4×4 explainer call must not fill
  // 256 KB), and enough that the extent − sh rows each band re-reads are at
  // most what it advances (else a tall dilated kernel copies the input over and over).
  const std::size_t by_input = std::max(budget_rows > extent ? (budget_rows - extent) / sh + 1 : 1, extent / sh);
  const std::size_t band = std::min({g.out_h, by_input, result_band_rows(g)});
  return {band, (band - 1) * sh + extent, sh};
}

// conv2d with stride 1 along the width: the fused row kernel of the direct
// transposed convolution with a single column phase. For each output row and
// block of up to kChannelBlock output channels, 4·NV output pixels per channel stay in
// registers while every (input channel, tap) adds weighted vectors of a
// zero-bordered input row; each input vector serves all the block's channels.
// Each output pixel is written once, as bias + sum, in the same tap order
// whatever its row (the upsampler's bands rely on that). The border (and
// slack columns) makes every read valid.
//
// With a stream, each band's input rows come from it and each channel block's
// band of result rows goes to it, through buffers that stay in the cache (BandRows).
void conv2d_blocked(const ConvGeometry& g, const float* in_data, const float* w_data, const float* bias,
                    float* out_data, RowStream* stream) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t taps = g.kernel_h * g.kernel_w;
  // The validated sizes bound every factor below by the padded input (at most
  // kMaxElements), except a stride with a single output row or a dilation with
  // a single kernel row, which multiply only 0: they are not narrowed (a
  // size_t has 32 bits in wasm).
  const std::size_t sh = g.out_h > 1 ? std::size_t(g.stride[0]) : 1;
  const std::size_t dh = g.kernel_h > 1 ? std::size_t(g.dilation[0]) : 1;
  const std::size_t dw = g.kernel_w > 1 ? std::size_t(g.dilation[1]) : 1;
  const std::size_t ph = std::size_t(g.padding[0]), pw = std::size_t(g.padding[1]);
  const std::size_t padded_w = g.in_w + 2 * pw + kFusedSlack;
  const Band bands = conv2d_band(g);
  const std::size_t band = bands.steps, band_rows = bands.rows;
  const std::size_t blocks = (group_out + kChannelBlock - 1) / kChannelBlock;
  std::vector<float> buffer(group_in * band_rows * padded_w);
  BandRows io(g, in_data, out_data, stream, band, band_rows, ph, pw, padded_w);
  std::vector<float> bias_block(kChannelBlock);
  FusedTaps row_taps;
  const FusedTaps* row_taps_ptr[1] = {&row_taps};
  for (std::size_t group = 0; group < g.groups; ++group) {
    // Taps in (input channel, kernel row, kernel column) order; offsets from
    // the output row's first padded input row.
    // Sized once: grown tap by tap, the lists were reallocated at every
    // doubling, and the explainer's 4×4 conv2d took 6,450 instructions a call
    // natively (callgrind) against 4,770 with them sized once. Later groups
    // reuse them (clear keeps the capacity): a streamed call allocates
    // nothing once its first rows are in the caller's array.
    row_taps.offsets.clear();
    row_taps.offsets.reserve(group_in * taps);
    row_taps.weights.resize(blocks);
    for (std::vector<float>& block : row_taps.weights) block.clear();
    for (std::size_t blk = 0; blk < blocks; ++blk) {
      row_taps.weights[blk].reserve(group_in * taps * std::min(kChannelBlock, group_out - kChannelBlock * blk));
    }
    for (std::size_t icg = 0; icg < group_in; ++icg) {
      for (std::size_t kh = 0; kh < g.kernel_h; ++kh) {
        for (std::size_t kw = 0; kw < g.kernel_w; ++kw) {
          row_taps.offsets.push_back((icg * band_rows + kh * dh) * padded_w + kw * dw);
          for (std::size_t blk = 0; blk < blocks; ++blk) {
            for (std::size_t b = kChannelBlock * blk; b < std::min(group_out, kChannelBlock * (blk + 1)); ++b) {
              row_taps.weights[blk].push_back(
                  w_data[((group * group_out + b) * group_in + icg) * taps + kh * g.kernel_w + kw]);
            }
          }
        }
      }
    }
    for (std::size_t n = 0; n < g.batch; ++n) {
      for (std::size_t oh0 = 0; oh0 < g.out_h; oh0 += band) {
        io.load(n, group, oh0 * sh, buffer.data());
        const std::size_t rows_here = std::min(band, g.out_h - oh0);
        for (std::size_t blk = 0; blk < blocks; ++blk) {
          const std::size_t oc0 = group * group_out + kChannelBlock * blk;
          const std::size_t block_size = std::min(kChannelBlock, group_out - kChannelBlock * blk);
          for (std::size_t oh = oh0; oh < oh0 + rows_here; ++oh) {
            const float* base = buffer.data() + (oh - oh0) * sh * padded_w;
            float* rows[kChannelBlock];
            io.targets(n, oc0, block_size, oh, oh0, rows_here, bias, rows, bias_block.data());
            fused_row<1>(base, row_taps_ptr, blk, block_size, g.out_w, bias_block.data(), rows);
          }
          io.done(n, oc0, block_size, oh0, rows_here);
        }
      }
    }
  }
}

// conv2d_rows pixel by pixel, for short rows (kShortRow): each output pixel
// adds its taps in the row loop's order (input channel, kernel row, kernel
// column), so the sums are the same bits.
void conv2d_pixels(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t in_plane = g.in_h * g.in_w, kernel_plane = g.kernel_h * g.kernel_w;
  const std::int64_t in_h = std::int64_t(g.in_h), in_w = std::int64_t(g.in_w);
  float* out = out_data;
  for (std::size_t n = 0; n < g.batch; ++n) {
    for (std::size_t oc = 0; oc < g.out_channels; ++oc) {
      const std::size_t group = oc / group_out;
      const float* in_group = in_data + (n * g.in_channels + group * group_in) * in_plane;
      const float* w_oc = w_data + oc * group_in * kernel_plane;
      for (std::size_t oh = 0; oh < g.out_h; ++oh) {
        const std::int64_t ih0 = std::int64_t(oh) * g.stride[0] - g.padding[0];
        for (std::size_t ow = 0; ow < g.out_w; ++ow, ++out) {
          const std::int64_t iw0 = std::int64_t(ow) * g.stride[1] - g.padding[1];
          float sum = *out;
          for (std::size_t icg = 0; icg < group_in; ++icg) {
            const float* plane = in_group + icg * in_plane;
            const float* kernel = w_oc + icg * kernel_plane;
            for (std::size_t kh = 0; kh < g.kernel_h; ++kh) {
              const std::int64_t ih = ih0 + std::int64_t(kh) * g.dilation[0];
              if (ih < 0 || ih >= in_h) continue;
              for (std::size_t kw = 0; kw < g.kernel_w; ++kw) {
                const std::int64_t iw = iw0 + std::int64_t(kw) * g.dilation[1];
                if (iw >= 0 && iw < in_w) sum += kernel[kh * g.kernel_w + kw] * plane[ih * in_w + iw];
              }
            }
          }
          *out = sum;
        }
      }
    }
  }
}

// Every other conv2d: one output row at a time, the row staying in L1 while
// every (input channel, kernel tap) adds a weighted input row to it. Padding
// rows are skipped, not read. Column stride 1 gets here only when
// blocked_band_fits says no (heavy padding or dilation, or a very wide input
// with many channels and a tall kernel); its loop is kept apart because a
// contiguous one vectorises.
void conv2d_rows(const ConvGeometry& g, const float* in_data, const float* w_data, float* out_data) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const std::size_t in_plane = g.in_h * g.in_w, out_plane = g.out_h * g.out_w;
  const std::size_t kernel_plane = g.kernel_h * g.kernel_w;
  const std::int64_t sw = g.stride[1];
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
              const Range cols = valid_range(g.out_w, sw, col_offset, g.in_w);
              if (sw == 1) {
                for (std::size_t ow = cols.begin; ow < cols.end; ++ow) {
                  out_row[ow] += wv * in_row[std::int64_t(ow) + col_offset];
                }
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
}

}  // namespace tconv::detail
