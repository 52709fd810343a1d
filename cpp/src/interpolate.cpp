#include "tconv/interpolate.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "geometry.hpp"

namespace tconv {

namespace {

constexpr std::string_view kInterpolate = "interpolate";

// The index arithmetic below repeats torch's (aten/src/ATen/native/UpSample.h)
// operation by operation, in float, because a source index is floor()ed: the
// same formula in double picks a different pixel for some sizes.

float input_per_output(std::int64_t in, std::int64_t out, const std::optional<double>& scale_factor) {
  return scale_factor ? static_cast<float>(1.0 / *scale_factor) : static_cast<float>(in) / static_cast<float>(out);
}

float linear_scale(std::int64_t in, std::int64_t out, bool align_corners, const std::optional<double>& scale_factor) {
  if (align_corners) return out > 1 ? static_cast<float>(in - 1) / static_cast<float>(out - 1) : 0.0f;
  return input_per_output(in, out, scale_factor);
}

float source_coordinate(float scale, std::int64_t dst, bool align_corners, bool cubic) {
  if (align_corners) return scale * static_cast<float>(dst);
  const float src = scale * (static_cast<float>(dst) + 0.5f) - 0.5f;
  return (!cubic && src < 0.0f) ? 0.0f : src;
}

// torch 1.13 runs 'nearest' through two kernels: the channels-last one (which
// a 1-channel NCHW tensor also takes) returns the index itself when out == in
// and dst / 2 when out == 2·in, whatever the scale factor; the generic one
// always uses floor(dst · scale). With a scale factor such as 1.05 they pick
// different pixels, so `legacy_sizes` selects the channels-last behaviour.
// Output coordinates [first, last) of an axis of `out` samples: a band of rows
// needs only its own taps, computed from the whole axis's geometry.
struct Span {
  std::int64_t first, last;
  std::size_t size() const { return static_cast<std::size_t>(last - first); }
};

std::vector<std::size_t> nearest_indices(std::int64_t in, std::int64_t out, const std::optional<double>& scale_factor,
                                         bool exact, bool legacy_sizes, Span span) {
  std::vector<std::size_t> index(span.size());
  const float scale = input_per_output(in, out, scale_factor);
  for (std::int64_t dst = span.first; dst < span.last; ++dst) {
    std::size_t& i = index[static_cast<std::size_t>(dst - span.first)];
    if (legacy_sizes && !exact && out == in) {
      i = static_cast<std::size_t>(dst);
      continue;
    }
    if (legacy_sizes && !exact && out == 2 * in) {
      i = static_cast<std::size_t>(dst >> 1);
      continue;
    }
    const float src =
        exact ? static_cast<float>((static_cast<double>(dst) + 0.5) * scale) : static_cast<float>(dst) * scale;
    i = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(std::floor(src)), in - 1));
  }
  return index;
}

// One output coordinate of a separable filter: `taps` input indices (already
// clamped to the border) and their weights.
struct Taps {
  std::vector<std::size_t> index;
  std::vector<double> weight;
  std::size_t count;
};

Taps linear_taps(std::int64_t in, std::int64_t out, bool align_corners, const std::optional<double>& scale_factor,
                 Span span) {
  const std::size_t n = span.size();
  Taps taps{std::vector<std::size_t>(2 * n), std::vector<double>(2 * n), 2};
  const float scale = linear_scale(in, out, align_corners, scale_factor);
  for (std::size_t dst = 0; dst < n; ++dst) {
    const std::int64_t at = span.first + std::int64_t(dst);
    if (out == in) {  // torch copies along a dimension whose size does not change
      taps.index[2 * dst] = taps.index[2 * dst + 1] = std::size_t(at);
      taps.weight[2 * dst] = 1.0f;
      taps.weight[2 * dst + 1] = 0.0f;
      continue;
    }
    const float src = source_coordinate(scale, at, align_corners, false);
    const std::int64_t i0 = std::min(static_cast<std::int64_t>(src), in - 1);
    const std::int64_t i1 = i0 + (i0 < in - 1 ? 1 : 0);
    const float lambda1 = std::min(std::max(src - static_cast<float>(i0), 0.0f), 1.0f);
    taps.index[2 * dst] = static_cast<std::size_t>(i0);
    taps.index[2 * dst + 1] = static_cast<std::size_t>(i1);
    taps.weight[2 * dst] = 1.0f - lambda1;
    taps.weight[2 * dst + 1] = lambda1;
  }
  return taps;
}

// Keys' cubic convolution with a = -0.75, as torch uses. The polynomial is
// evaluated in double: torch's float build contracts it into fused
// multiply-adds (more exact than plain float steps, which wasm has no FMA for),
// and double lands closer to those weights than float arithmetic does.
constexpr double kCubicA = -0.75;
double cubic_near(double x) { return ((kCubicA + 2) * x - (kCubicA + 3)) * x * x + 1; }
double cubic_far(double x) { return ((kCubicA * x - 5 * kCubicA) * x + 8 * kCubicA) * x - 4 * kCubicA; }

Taps cubic_taps(std::int64_t in, std::int64_t out, bool align_corners, const std::optional<double>& scale_factor,
                Span span) {
  const std::size_t n = span.size();
  Taps taps{std::vector<std::size_t>(4 * n), std::vector<double>(4 * n), 4};
  const float scale = linear_scale(in, out, align_corners, scale_factor);
  for (std::size_t dst = 0; dst < n; ++dst) {
    const float src = source_coordinate(scale, span.first + std::int64_t(dst), align_corners, true);
    const std::int64_t i = static_cast<std::int64_t>(std::floor(src));
    const float t = src - static_cast<float>(i);
    const float x2 = 1.0f - t;  // rounded before adding 1, as torch does
    const double weights[4] = {cubic_far(double(t) + 1.0), cubic_near(t), cubic_near(x2), cubic_far(double(x2) + 1.0)};
    for (std::size_t k = 0; k < 4; ++k) {
      taps.index[4 * dst + k] = static_cast<std::size_t>(std::clamp<std::int64_t>(i - 1 + std::int64_t(k), 0, in - 1));
      taps.weight[4 * dst + k] = weights[k];
    }
  }
  return taps;
}

typedef double d2 __attribute__((vector_size(16)));

// ×2 with half-pixel centres: away from the border, output 2j+1 and output
// 2j+2 read the same `count` input pixels from j − (count/2 − 1), each with
// its own fixed weights (bilinear: ¾, ¼ and ¼, ¾). Found on the computed taps
// (not assumed from the scale), so the fast path gives the generic sums.
struct Doubling {
  bool on = false;
  std::size_t first = 0, last = 0;  // the interior j, inclusive
  double odd[4] = {}, even[4] = {};
};

Doubling find_doubling(const Taps& cols, std::size_t in_w, std::size_t out_w) {
  Doubling d;
  const std::size_t n = cols.count, back = n / 2 - 1;
  if ((n != 2 && n != 4) || out_w != 2 * in_w || in_w < n + 1) return d;
  d.first = back;
  d.last = in_w - n / 2 - 1;
  for (std::size_t k = 0; k < n; ++k) {
    d.odd[k] = cols.weight[(2 * d.first + 1) * n + k];
    d.even[k] = cols.weight[(2 * d.first + 2) * n + k];
  }
  for (std::size_t j = d.first; j <= d.last; ++j) {
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t odd = (2 * j + 1) * n + k, even = (2 * j + 2) * n + k;
      if (cols.index[odd] != j - back + k || cols.index[even] != j - back + k || cols.weight[odd] != d.odd[k] ||
          cols.weight[even] != d.even[k]) {
        return d;
      }
    }
  }
  d.on = true;
  return d;
}

// Outputs 2·first + 1 .. 2·last + 2 of a doubling row, two input positions
// per step in double vectors, with the generic order of operations:
// (((0 + w₀·a₀) + w₁·a₁) + …).
template <std::size_t N>
void double_across(const Doubling& d, const float* row, double* line) {
  constexpr std::size_t back = N / 2 - 1;
  d2 odd_w[N], even_w[N];
  for (std::size_t k = 0; k < N; ++k) odd_w[k] = d2{d.odd[k], d.odd[k]}, even_w[k] = d2{d.even[k], d.even[k]};
  std::size_t j = d.first;
  for (; j + 1 <= d.last; j += 2) {
    d2 odd = {0.0, 0.0}, even = {0.0, 0.0};
    for (std::size_t k = 0; k < N; ++k) {
      const d2 a = {double(row[j - back + k]), double(row[j + 1 - back + k])};
      odd = odd + odd_w[k] * a;     // outputs 2j+1, 2j+3
      even = even + even_w[k] * a;  // outputs 2j+2, 2j+4
    }
    const d2 first = __builtin_shufflevector(odd, even, 0, 2), second = __builtin_shufflevector(odd, even, 1, 3);
    std::memcpy(line + 2 * j + 1, &first, sizeof first);
    std::memcpy(line + 2 * j + 3, &second, sizeof second);
  }
  for (; j <= d.last; ++j) {
    double odd = 0.0, even = 0.0;
    for (std::size_t k = 0; k < N; ++k) {
      odd += d.odd[k] * double(row[j - back + k]);
      even += d.even[k] * double(row[j - back + k]);
    }
    line[2 * j + 1] = odd;
    line[2 * j + 2] = even;
  }
}

// Separable resampling of every plane: out(y, x) = Σ_j Σ_k wy_j · wx_k · in(iy_j, ix_k).
// Source coordinates are float, exactly as torch computes them (they pick the
// pixels); weights and sums are double, because with 0–255 pixel values a
// float sum that cancels to near zero is off by ~1e-4, more than torch's own
// float error. Double keeps tconv within torch's rounding of the exact result.
// `rows` and `cols` hold the taps of a block of output rows and columns;
// `out` is the block's first pixel in plane 0, planes are out_plane floats
// apart and rows out_stride.
void resample(const float* in, float* out, std::size_t planes, std::size_t in_h, std::size_t in_w,
              std::size_t out_plane, std::size_t out_stride, const Taps& rows, const Taps& cols) {
  const std::size_t out_h = rows.index.size() / rows.count, out_w = cols.index.size() / cols.count;
  // Separable, in two passes with the same double sums: each input row is
  // resampled across once (into a small cache of rows, since consecutive
  // output rows reuse most of their input rows), then every output row blends
  // a few cached rows down, a contiguous loop that vectorises.
  constexpr std::size_t kCacheRows = 8;
  const Doubling doubling = find_doubling(cols, in_w, out_w);
  std::vector<double> cache(kCacheRows * out_w);
  std::vector<std::size_t> cached(kCacheRows);
  const double* taps[4];
  for (std::size_t p = 0; p < planes; ++p) {
    const float* src = in + p * in_h * in_w;
    float* dst = out + p * out_plane;
    std::fill(cached.begin(), cached.end(), in_h);  // no row cached yet
    const auto across = [&](std::size_t iy) -> const double* {
      const std::size_t slot = iy % kCacheRows;
      double* line = cache.data() + slot * out_w;
      if (cached[slot] != iy) {
        const float* row = src + iy * in_w;
        const auto tap_sum = [&](std::size_t x) {
          double sum = 0.0;
          for (std::size_t k = 0; k < cols.count; ++k) {
            sum += cols.weight[x * cols.count + k] * double(row[cols.index[x * cols.count + k]]);
          }
          line[x] = sum;
        };
        if (doubling.on) {
          if (cols.count == 2) {
            double_across<2>(doubling, row, line);
          } else {
            double_across<4>(doubling, row, line);
          }
          for (std::size_t x = 0; x <= 2 * doubling.first; ++x) tap_sum(x);
          for (std::size_t x = 2 * doubling.last + 3; x < out_w; ++x) tap_sum(x);
        } else {
          for (std::size_t x = 0; x < out_w; ++x) tap_sum(x);
        }
        cached[slot] = iy;
      }
      return line;
    };
    for (std::size_t y = 0; y < out_h; ++y) {
      for (std::size_t j = 0; j < rows.count; ++j) taps[j] = across(rows.index[y * rows.count + j]);
      const double* w = rows.weight.data() + y * rows.count;
      float* out_row = dst + y * out_stride;
      if (rows.count == 2) {
        for (std::size_t x = 0; x < out_w; ++x) {
          out_row[x] = static_cast<float>(0.0 + w[0] * taps[0][x] + w[1] * taps[1][x]);
        }
      } else {
        for (std::size_t x = 0; x < out_w; ++x) {
          out_row[x] =
              static_cast<float>(0.0 + w[0] * taps[0][x] + w[1] * taps[1][x] + w[2] * taps[2][x] + w[3] * taps[3][x]);
        }
      }
    }
  }
}

}  // namespace

InterpolateMode parse_interpolate_mode(std::string_view name) {
  if (name == "nearest") return InterpolateMode::nearest;
  if (name == "nearest-exact") return InterpolateMode::nearest_exact;
  if (name == "bilinear") return InterpolateMode::bilinear;
  if (name == "bicubic") return InterpolateMode::bicubic;
  fail(kInterpolate,
       "mode must be one of nearest, nearest-exact, bilinear, bicubic, got \"" + std::string(name) + "\"");
}

std::string_view to_string(InterpolateMode mode) {
  switch (mode) {
    case InterpolateMode::nearest:
      return "nearest";
    case InterpolateMode::nearest_exact:
      return "nearest-exact";
    case InterpolateMode::bilinear:
      return "bilinear";
    case InterpolateMode::bicubic:
      return "bicubic";
  }
  return "unknown";
}

Pair interpolate_output_size(const Pair& input_size, const InterpolateOptions& options) {
  check_pair(kInterpolate, "input size", input_size, Rule::positive);
  if (options.size.has_value() == options.scale_factor.has_value()) {
    fail(kInterpolate, "give exactly one of size and scale_factor");
  }
  const bool interpolating = options.mode == InterpolateMode::bilinear || options.mode == InterpolateMode::bicubic;
  if (options.align_corners && !interpolating) {
    fail(kInterpolate,
         "align_corners is only valid for bilinear and bicubic, not " + std::string(to_string(options.mode)));
  }
  if (options.size) {
    check_pair(kInterpolate, "size", *options.size, Rule::positive);
    for (int d = 0; d < 2; ++d) detail::checked_extent(kInterpolate, "size", (*options.size)[d]);
    return *options.size;
  }
  const auto& scale = *options.scale_factor;
  for (double s : scale) {
    if (!std::isfinite(s) || s <= 0) {
      fail(kInterpolate, "scale_factor " + format_pair(scale[0], scale[1]) + " must be positive and finite");
    }
  }
  // floor(input · scale), computed in double as torch does.
  double exact[2];
  for (int d = 0; d < 2; ++d) exact[d] = std::floor(static_cast<double>(input_size[d]) * scale[d]);
  if (exact[0] < 1 || exact[1] < 1) {
    fail(kInterpolate, "output size " + format_pair(exact[0], exact[1]) +
                           " is too small: each dimension must be at least 1 (input size " + format_pair(input_size) +
                           " times scale_factor " + format_pair(scale[0], scale[1]) + ")");
  }
  for (int d = 0; d < 2; ++d) {
    if (exact[d] > static_cast<double>(kMaxElements)) {
      fail(kInterpolate, "scale_factor " + format_pair(scale[0], scale[1]) + " is too large: output size " +
                             format_pair(exact[0], exact[1]) + " is larger than the limit of " +
                             std::to_string(kMaxElements));
    }
  }
  return {static_cast<std::int64_t>(exact[0]), static_cast<std::int64_t>(exact[1])};
}

namespace {

void check_rank(const xt::xarray<float>& input, std::string_view what) {
  if (input.dimension() != 4) {
    fail(kInterpolate, std::string(what) + " must be 4-D (N, C, H, W), got " + std::to_string(input.dimension()) +
                           "-D shape " + format_shape(Shape(input.shape().begin(), input.shape().end())));
  }
  if (input.shape()[2] == 0 || input.shape()[3] == 0) {
    fail(kInterpolate, std::string(what) + " shape " + format_shape(Shape(input.shape().begin(), input.shape().end())) +
                           " has an empty spatial dimension");
  }
}

// The filter of one axis: for every output coordinate its input indices and
// weights (nearest: one index, no weights), from the whole input's geometry.
Taps axis_taps(const InterpolateOptions& options, std::int64_t in, std::int64_t out, int axis, std::size_t channels,
               const RowRange& range) {
  std::optional<double> scale;
  if (options.scale_factor) scale = (*options.scale_factor)[std::size_t(axis)];
  const Span span{range.begin, range.end};
  switch (options.mode) {
    case InterpolateMode::nearest:
    case InterpolateMode::nearest_exact: {
      const bool exact = options.mode == InterpolateMode::nearest_exact;
      return Taps{nearest_indices(in, out, scale, exact, channels == 1, span), {}, 1};
    }
    case InterpolateMode::bilinear:
      return linear_taps(in, out, options.align_corners, scale, span);
    case InterpolateMode::bicubic:
      return cubic_taps(in, out, options.align_corners, scale, span);
  }
  fail(kInterpolate, "unknown mode");
}

// The input rows that output rows `rows` read, as [lowest, highest + 1). Every
// tap is a non-decreasing function of its output coordinate (each step of the
// float arithmetic, floor and clamp is monotonic), so these are the first
// row's lowest tap and the last row's highest: no table of the whole range.
RowRange rows_read(const InterpolateOptions& options, std::int64_t in, std::int64_t out, std::size_t channels,
                   const RowRange& rows) {
  const Taps first = axis_taps(options, in, out, 0, channels, {rows.begin, rows.begin + 1});
  const Taps last = axis_taps(options, in, out, 0, channels, {rows.end - 1, rows.end});
  return {std::int64_t(*std::min_element(first.index.begin(), first.index.end())),
          std::int64_t(*std::max_element(last.index.begin(), last.index.end())) + 1};
}

void check_output_rows(const RowRange& rows, std::int64_t out_h) {
  if (rows.begin < 0 || rows.end > out_h || rows.begin >= rows.end) {
    fail(kInterpolate, "output rows " + format_rows(rows) + " must be a non-empty range within the output's " +
                           std::to_string(out_h) + " rows");
  }
}

// Output rows are computed in chunks and columns in tiles, each with its own
// taps, so that the tables (about 100 bytes per row or column: taps, weights
// and cached rows) stay under 10 MB whatever the size; an image up to 65536
// pixels wide is one tile, which keeps the ×2 fast path.
constexpr std::int64_t kChunkRows = 4096;
constexpr std::int64_t kTileColumns = 65536;

}  // namespace

std::string format_rows(const RowRange& rows) {
  return "[" + std::to_string(rows.begin) + ", " + std::to_string(rows.end) + ")";
}

RowRange interpolate_input_rows(const Pair& input_size, const InterpolateOptions& options, const RowRange& rows) {
  const Pair out = interpolate_output_size(input_size, options);
  // Row indices are narrowed to size_t (32 bits in wasm): an input no tensor can hold is refused.
  checked_size_product(kInterpolate, "input", {input_size[0], input_size[1]});
  check_output_rows(rows, out[0]);
  // torch's one-channel 'nearest' picks other rows than its many-channel
  // kernel (the legacy quirk): the band must hold what either reads.
  const RowRange one = rows_read(options, input_size[0], out[0], 1, rows);
  const RowRange many = rows_read(options, input_size[0], out[0], 2, rows);
  return {std::min(one.begin, many.begin), std::max(one.end, many.end)};
}

xt::xarray<float> interpolate(const xt::xarray<float>& input, const InterpolateOptions& options) {
  check_rank(input, "input");
  const std::int64_t in_h = std::int64_t(input.shape()[2]);
  const Pair out = interpolate_output_size({in_h, std::int64_t(input.shape()[3])}, options);
  return interpolate_rows(input, options, in_h, 0, {0, out[0]});
}

xt::xarray<float> interpolate_rows(const xt::xarray<float>& band, const InterpolateOptions& options,
                                   std::int64_t full_height, std::int64_t first_row, const RowRange& rows) {
  check_rank(band, "input");
  const std::size_t batch = band.shape()[0], channels = band.shape()[1];
  const std::size_t band_h = band.shape()[2], in_w = band.shape()[3];
  // Compared in 128 bits: first_row may be anything a C++ caller passes.
  if (first_row < 0 || detail::Wide(first_row) + detail::Wide(band_h) > detail::Wide(full_height)) {
    fail(kInterpolate, "a band of rows [" + std::to_string(first_row) + ", " +
                           detail::format_wide(detail::Wide(first_row) + detail::Wide(band_h)) +
                           ") does not fit an input of " + std::to_string(full_height) + " rows");
  }
  // The whole input is a tensor too (its row indices are narrowed to size_t).
  checked_size_product(kInterpolate, "input",
                       {std::int64_t(batch), std::int64_t(channels), full_height, std::int64_t(in_w)});
  const Pair out = interpolate_output_size({full_height, std::int64_t(in_w)}, options);
  check_output_rows(rows, out[0]);
  // Sizes first: no table is built for an output that cannot exist.
  const std::size_t out_h = static_cast<std::size_t>(rows.size()), out_w = static_cast<std::size_t>(out[1]);
  const Shape out_shape{batch, channels, out_h, out_w};
  checked_element_count_lazy(kInterpolate, "output", out_shape, [&] {
    return options.size ? "from size " + format_pair(*options.size)
                        : "from scale_factor " + format_pair((*options.scale_factor)[0], (*options.scale_factor)[1]);
  });
  // The same rule for every channel count, so one band serves any call.
  const RowRange read = interpolate_input_rows({full_height, std::int64_t(in_w)}, options, rows);
  if (read.begin < first_row || read.end > first_row + std::int64_t(band_h)) {
    fail(kInterpolate, "output rows " + format_rows(rows) + " read input rows " + format_rows(read) +
                           ", but the band holds rows " + format_rows({first_row, first_row + std::int64_t(band_h)}) +
                           " (first_row " + std::to_string(first_row) + " of an input of " +
                           std::to_string(full_height) + " rows)");
  }
  xt::xarray<float> output = xt::xarray<float>::from_shape(out_shape);
  if (output.size() == 0) return output;  // an empty batch: no data pointer to offset

  const std::size_t planes = batch * channels;
  const std::size_t out_plane = out_h * out_w;
  for (std::int64_t x0 = 0; x0 < out[1]; x0 += kTileColumns) {
    const Taps col_taps =
        axis_taps(options, std::int64_t(in_w), out[1], 1, channels, {x0, std::min(out[1], x0 + kTileColumns)});
    const std::size_t tile_w = col_taps.index.size() / col_taps.count;
    for (std::int64_t y0 = rows.begin; y0 < rows.end; y0 += kChunkRows) {
      Taps row_taps = axis_taps(options, full_height, out[0], 0, channels, {y0, std::min(rows.end, y0 + kChunkRows)});
      for (std::size_t& i : row_taps.index) i -= std::size_t(first_row);  // relative to the band
      float* block = output.data() + std::size_t(y0 - rows.begin) * out_w + std::size_t(x0);
      if (row_taps.weight.empty()) {  // nearest: a copy of one input pixel
        const std::size_t block_h = row_taps.index.size();
        for (std::size_t p = 0; p < planes; ++p) {
          const float* src = band.data() + p * band_h * in_w;
          float* dst = block + p * out_plane;
          for (std::size_t y = 0; y < block_h; ++y) {
            const float* row = src + row_taps.index[y] * in_w;
            for (std::size_t x = 0; x < tile_w; ++x) dst[y * out_w + x] = row[col_taps.index[x]];
          }
        }
      } else {
        resample(band.data(), block, planes, band_h, in_w, out_plane, out_w, row_taps, col_taps);
      }
    }
  }
  return output;
}

}  // namespace tconv
