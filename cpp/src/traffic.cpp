// The memory-traffic model of tconv/traffic.hpp. For each algorithm, the
// buffers it sweeps and how often, from the same plan, bands and blocks the
// algorithm itself computes (conv_internal.hpp): a sweep of a buffer that
// fits half the cache costs nothing after its first touch, a larger one costs
// its size each time. Every count is in bytes of float32.
#include "tconv/traffic.hpp"

#include <algorithm>
#include <cmath>

#include "conv_internal.hpp"
#include "fused_rows.hpp"
#include "gemm.hpp"

namespace tconv {

using detail::Band;
using detail::ConvGeometry;

namespace {

constexpr double kFloat = 4;

bool fits(double bytes) { return bytes <= kTrafficCacheBytes / 2; }

// The quantities every model starts from.
struct Sizes {
  double in, weights, bias, out;  // whole tensors, bytes
  double in_group, out_group;     // one image's group of channels
  double images;                  // batch × groups: how often a group's loop runs
};

Sizes sizes_of(const ConvGeometry& g, bool bias, double weight_elements) {
  Sizes s{};
  s.in = kFloat * double(g.batch) * double(g.in_channels) * double(g.in_h) * double(g.in_w);
  s.out = kFloat * double(g.batch) * double(g.out_channels) * double(g.out_h) * double(g.out_w);
  s.weights = kFloat * weight_elements;
  s.bias = bias ? kFloat * double(g.out_channels) : 0;
  s.images = double(g.batch) * double(g.groups);
  s.in_group = s.in / s.images;
  s.out_group = s.out / s.images;
  return s;
}

double lower_bound(const Sizes& s) { return s.in + s.weights + s.bias + s.out; }

// The input of a banded algorithm: read once, plus the rows each band shares
// with the next when the group's input does not stay in the cache.
double banded_input(const Sizes& s, const Band& band, std::size_t out_rows, std::size_t in_h) {
  if (fits(s.in_group) || band.steps >= out_rows) return s.in;
  const double bands = double((out_rows + band.steps - 1) / band.steps);
  const double advance = double(band.steps) * double(band.advance);
  const double overlap = double(band.rows) > advance ? double(band.rows) - advance : 0;
  return s.in * (1 + (bands - 1) * overlap / double(in_h));
}

// An output that a loop first fills with the bias and then adds into, `passes`
// times, each a read and a write: in the cache if the whole output fits.
double accumulated_output(const Sizes& s, double passes) { return fits(s.out) ? s.out : s.out * (1 + 2 * passes); }

Traffic transposed_model(const ConvGeometry& g, ConvAlgorithm algorithm, const Sizes& s) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  const double kernel_plane = double(g.kernel_h) * double(g.kernel_w);
  Traffic t;
  t.lower_bound = lower_bound(s);
  double bytes = s.weights + s.bias;
  if (algorithm == ConvAlgorithm::scatter) {
    // Each input channel sweeps its group's output planes.
    t.algorithm = "scatter";
    bytes += s.in + (fits(s.out_group) ? s.out : s.out * (1 + 2 * double(group_in)));
  } else if (algorithm == ConvAlgorithm::direct && detail::transposed_fused(g)) {
    // Fused rows: bands of the input, each output pixel written once.
    t.algorithm = "direct";
    const detail::PhasePlan plan = detail::plan_phases(g, detail::kFusedSlack);
    const Band band = detail::transposed_fused_band(g, plan);
    bytes += banded_input(s, band, (g.out_h + plan.period_h - 1) / plan.period_h, g.in_h) + s.out;
  } else if (algorithm == ConvAlgorithm::direct) {
    // Phase buffers: a zero-bordered copy of the input (filled, then copied),
    // swept once per row phase; the output filled, then added into row by row.
    t.algorithm = "direct";
    const detail::PhasePlan plan = detail::plan_phases(g, 8);
    const double padded = kFloat * double(group_in) * double(plan.padded_h) * double(plan.padded_w);
    bytes += s.in + (fits(padded) ? 0 : s.images * padded * (2 + double(plan.rows.size())));
    bytes += accumulated_output(s, 1);
  } else if (algorithm == ConvAlgorithm::gemm) {
    // Bands of the input; the packed weights of all phases, kept if they fit;
    // gathered B matrices (short phase rows) through memory when large; each
    // output pixel written once.
    t.algorithm = "gemm";
    const detail::PhasePlan plan = detail::plan_phases(g, 0);
    const Band band = detail::phase_gemm_band(g, plan);
    std::size_t max_count = 0, min_count = g.out_w;
    for (const detail::Phase& row : plan.rows) max_count = std::max(max_count, row.count);
    for (const detail::Phase& col : plan.cols) min_count = std::min(min_count, col.count);
    bytes += banded_input(s, band, max_count, g.in_h) + s.out;
    const double packed_group = s.weights / double(g.groups);
    const double bands = double((max_count + band.steps - 1) / band.steps);
    if (!fits(packed_group)) bytes += double(g.groups) * packed_group * (1 + double(g.batch) * bands);
    const std::size_t block = min_count >= 128 ? 1 : (256 + min_count - 1) / min_count;
    if (block > 1) {
      for (const detail::Phase& row : plan.rows) {
        for (const detail::Phase& col : plan.cols) {
          const double gathered = kFloat * double(group_in * row.taps.size() * col.taps.size()) *
                                  double(std::min(block, row.count)) * double(col.count);
          const double products = double((row.count + block - 1) / block);
          if (!fits(gathered)) bytes += s.images * products * 2 * gathered;
        }
      }
    }
  } else if (algorithm == ConvAlgorithm::winograd) {
    // Passes over rows of output blocks, each over chunks of input channels:
    // the transformed input (V) and a block of transformed weights are sized
    // to stay in the cache together; the weights are reread per image and
    // pass when they do not stay there; a pass's input rows are read once
    // (the row between two passes twice); a pass's output is written once
    // per chunk, through memory when it does not fit.
    t.algorithm = "winograd";
    const detail::WinogradBlocking blocking = detail::winograd_blocking(g);
    const detail::PhasePlan plan = detail::plan_phases(g, 0);
    std::size_t row_blocks = 0;
    for (const detail::Phase& row : plan.rows) row_blocks = std::max(row_blocks, (row.count + 1) / 2);
    const double passes = double((row_blocks + blocking.tile_rows - 1) / blocking.tile_rows);
    const double chunks = double((group_in + blocking.chunk - 1) / blocking.chunk);
    if (!fits(s.weights / double(g.groups))) bytes += s.weights * (double(g.batch) * passes - 1);
    bytes += s.in * (1 + (passes - 1) / double(2 * g.in_h));
    const double pass_out = s.out_group * std::min(1.0, 2 * double(blocking.tile_rows) / double(row_blocks));
    bytes += fits(pass_out) ? s.out : s.out * (1 + 2 * (chunks - 1));
  } else {
    // Blocks of output channels: their packed weights read once (kept while
    // every image uses them if they fit), X once per block unless it stays
    // in the cache, col's slice through memory only when large, each block's
    // output planes accumulated in the cache if they fit.
    t.algorithm = "gemm_columns";
    const detail::ColumnBlocking blocking = detail::column_blocking(g);
    const double blocks = double((group_out + blocking.channels - 1) / blocking.channels);
    const double chunks = double((g.in_h + blocking.chunk_rows - 1) / blocking.chunk_rows);
    const double packed = kFloat * double(blocking.channels) * kernel_plane * double(group_in);
    if (!fits(packed) && g.batch > 1) bytes += s.weights * 2 * double(g.batch);
    bytes += fits(s.in_group) ? s.in : s.in * blocks;
    const double col = kFloat * double(blocking.channels) * kernel_plane * double(blocking.chunk_rows) * double(g.in_w);
    if (!fits(col)) bytes += s.images * blocks * chunks * 2 * col;
    const double planes = kFloat * double(blocking.channels) * double(g.out_h) * double(g.out_w);
    bytes += fits(planes) ? s.out : s.out * (1 + 2 * chunks);
  }
  t.bytes = bytes;
  return t;
}

Traffic conv2d_model(const ConvGeometry& g, const Sizes& s) {
  const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
  Traffic t;
  t.lower_bound = lower_bound(s);
  double bytes = s.weights + s.bias;
  const detail::Conv2dAlgorithm algorithm = detail::conv2d_algorithm(g);
  if (algorithm == detail::Conv2dAlgorithm::fused_rows) {
    t.algorithm = "fused_rows";
    bytes += banded_input(s, detail::conv2d_band(g), g.out_h, g.in_h) + s.out;
  } else if (algorithm == detail::Conv2dAlgorithm::gemm) {
    // im2col of a chunk of output rows (kColumnFloats), swept by every panel
    // of output channels when it does not stay in the cache; the output
    // added into once per block of 512 columns of K.
    t.algorithm = "gemm";
    const double K = double(group_in) * double(g.kernel_h) * double(g.kernel_w);
    const double col = kFloat * K * double(g.out_h) * double(g.out_w);  // a group's whole im2col, all chunks
    const double chunk_floats = std::min(double(detail::kColumnFloats), K * double(g.out_h) * double(g.out_w));
    const double panels = double((group_out + detail::kPanelRows - 1) / detail::kPanelRows);
    bytes += s.in + (fits(kFloat * chunk_floats) ? 0 : s.images * col * (1 + panels));
    bytes += accumulated_output(s, std::ceil(K / 512));
  } else {
    // The direct loop: an output row at a time, reading the group's input
    // once per output channel unless it stays in the cache.
    t.algorithm = "rows";
    bytes += fits(s.in_group) ? s.in : s.in * double(group_out);
    bytes += accumulated_output(s, 1);
  }
  t.bytes = bytes;
  return t;
}

double elements(const Shape& shape) {
  double n = 1;
  for (std::size_t d : shape) n *= double(d);
  return n;
}

}  // namespace

Traffic conv2d_traffic(const Shape& input, const Shape& weight, bool bias, const Conv2dParams& params) {
  // A bias is one float per output channel: only its size counts here.
  const ConvGeometry g = detail::conv2d_geometry("conv2d", detail::Dims(input), detail::Dims(weight), nullptr, params);
  const Sizes s = sizes_of(g, bias, elements(weight));
  if (s.out == 0) return {0, lower_bound(s), "none"};
  return conv2d_model(g, s);
}

Traffic conv_transpose2d_traffic(const Shape& input, const Shape& weight, bool bias,
                                 const ConvTranspose2dParams& params) {
  const ConvGeometry g =
      detail::conv_transpose2d_geometry("conv_transpose2d", detail::Dims(input), detail::Dims(weight), nullptr, params);
  const Sizes s = sizes_of(g, bias, elements(weight));
  if (s.out == 0) return {0, lower_bound(s), "none"};
  return transposed_model(g, detail::conv_transpose2d_algorithm(g, params.algorithm), s);
}

}  // namespace tconv
