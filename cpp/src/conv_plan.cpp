// How the algorithms lay out their input (conv_internal.hpp): the phase plan
// of a transposed convolution, zero-bordered copies of the input, bands of
// it for the fused kernels and where their rows come from and go (BandRows:
// the tensors or a stream), the bias fill of the accumulating loops, and the
// finiteness test of Winograd's results.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "conv_internal.hpp"
#include "fused_rows.hpp"

namespace tconv::detail {

namespace {

std::int64_t exact_div(std::int64_t v, std::int64_t m) { return v >= 0 ? v / m : -((-v) / m); }

// The phases of one axis, and the border they read before and after the input.
// |k·dilation − padding| < 2^56: the validated output size bounds dilation·(kernel − 1).
std::vector<Phase> plan_axis(std::size_t in, std::size_t out, std::size_t kernel, std::int64_t stride,
                             std::int64_t padding, std::int64_t dilation, std::int64_t& before, std::int64_t& after) {
  struct Tap {
    std::int64_t phase, rel;
    std::size_t k;
  };
  std::vector<Tap> taps;
  for (std::size_t k = 0; k < kernel; ++k) {
    const std::int64_t v = std::int64_t(k) * dilation - padding;  // output phase + padding − k·dilation ≡ 0
    const std::int64_t phase = (v % stride + stride) % stride;
    if (phase >= std::int64_t(out)) continue;  // beyond the output
    const std::int64_t count = (std::int64_t(out) - phase - 1) / stride + 1;
    const std::int64_t rel = exact_div(phase - v, stride);
    if (rel > std::int64_t(in) - 1 || rel + count - 1 < 0) continue;  // reads only the zero border
    taps.push_back({phase, rel, k});
  }
  std::stable_sort(taps.begin(), taps.end(), [](const Tap& a, const Tap& b) { return a.phase < b.phase; });
  std::vector<Phase> phases;
  for (const Tap& t : taps) {
    if (phases.empty() || phases.back().index != std::size_t(t.phase)) {
      const std::size_t count = std::size_t((std::int64_t(out) - t.phase - 1) / stride + 1);
      phases.push_back({std::size_t(t.phase), count, {}, {}});
    }
    Phase& p = phases.back();
    p.taps.push_back(t.k);
    p.rel.push_back(t.rel);
    before = std::max(before, -t.rel);
    after = std::max(after, t.rel + std::int64_t(p.count) - std::int64_t(in));
  }
  return phases;
}

}  // namespace

bool all_finite(const float* values, std::size_t count) noexcept {
  constexpr std::uint32_t kExponent = 0x7f800000u;  // all ones: inf or NaN
  std::uint32_t any = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, values + i, sizeof bits);
    any |= std::uint32_t((bits & kExponent) == kExponent);
  }
  return any == 0;
}

void fill_bias(const ConvGeometry& g, const float* bias, float* out) noexcept {
  const std::size_t plane = g.out_h * g.out_w;
  for (std::size_t n = 0; n < g.batch; ++n) {
    for (std::size_t c = 0; c < g.out_channels; ++c) {
      std::fill_n(out + (n * g.out_channels + c) * plane, plane, bias ? bias[c] : 0.0f);
    }
  }
}

PhasePlan plan_phases(const ConvGeometry& g, std::size_t slack) {
  PhasePlan plan;
  plan.period_h = std::size_t(std::min<std::int64_t>(g.stride[0], std::int64_t(g.out_h)));
  plan.period_w = std::size_t(std::min<std::int64_t>(g.stride[1], std::int64_t(g.out_w)));
  std::int64_t bottom = 0, right = 0;
  plan.rows = plan_axis(g.in_h, g.out_h, g.kernel_h, g.stride[0], g.padding[0], g.dilation[0], plan.top, bottom);
  plan.cols = plan_axis(g.in_w, g.out_w, g.kernel_w, g.stride[1], g.padding[1], g.dilation[1], plan.left, right);
  plan.padded_h = g.in_h + std::size_t(plan.top + bottom);
  plan.padded_w = g.in_w + std::size_t(plan.left + right) + slack;
  return plan;
}

// Copies one image's group of input channels into the plan's zero-bordered layout.
void pad_input(const PhasePlan& plan, const ConvGeometry& g, const float* in_data, std::size_t n, std::size_t group,
               std::vector<float>& padded) {
  const std::size_t group_in = g.in_channels / g.groups;
  padded.assign(group_in * plan.padded_h * plan.padded_w, 0.0f);
  for (std::size_t icg = 0; icg < group_in; ++icg) {
    const float* src = in_data + (n * g.in_channels + group * group_in + icg) * g.in_h * g.in_w;
    for (std::size_t ih = 0; ih < g.in_h; ++ih) {
      std::copy_n(src + ih * g.in_w, g.in_w,
                  padded.begin() + std::ptrdiff_t((icg * plan.padded_h + ih + std::size_t(plan.top)) * plan.padded_w +
                                                  std::size_t(plan.left)));
    }
  }
}

void copy_band(BandSource src, std::size_t channels, std::size_t in_h, std::size_t in_w, std::size_t top,
               std::size_t left, std::size_t padded_w, std::size_t first, std::size_t rows, float* dst) noexcept {
  for (std::size_t c = 0; c < channels; ++c) {
    for (std::size_t j = 0; j < rows; ++j) {
      float* d = dst + (c * rows + j) * padded_w;
      const std::size_t p = first + j;
      if (p < top || p - top >= in_h) {
        std::fill_n(d, padded_w, 0.0f);
        continue;
      }
      std::fill_n(d, left, 0.0f);
      std::copy_n(src.data + (c * src.rows + p - top - src.row) * in_w, in_w, d + left);
      std::fill_n(d + left + in_w, padded_w - left - in_w, 0.0f);
    }
  }
}

std::size_t result_band_rows(const ConvGeometry& g) noexcept {
  const std::size_t block = std::min(g.out_channels / g.groups, kChannelBlock);
  return std::max<std::size_t>(1, kBandFloats / (block * g.out_w));
}

BandRows::BandRows(const ConvGeometry& g, const float* in_data, float* out_data, RowStream* stream, std::size_t band,
                   std::size_t band_rows, std::size_t top, std::size_t left, std::size_t padded_w)
    : g_(g),
      in_data_(in_data),
      out_data_(out_data),
      stream_(stream),
      band_rows_(band_rows),
      top_(top),
      left_(left),
      padded_w_(padded_w) {
  // Allocated here, before the first row crosses: a call that streams into
  // the caller's `out` allocates nothing once it has written to it.
  if (stream) {
    const std::size_t group_in = g.in_channels / g.groups, group_out = g.out_channels / g.groups;
    staged_.resize(group_in * std::min(band_rows, g.in_h) * g.in_w);
    result_rows_.resize(std::min(group_out, kChannelBlock) * band * g.out_w);
  }
}

void BandRows::load(std::size_t n, std::size_t group, std::size_t first, float* buffer) {
  const std::size_t group_in = g_.in_channels / g_.groups;
  BandSource src{nullptr, 0, g_.in_h};
  if (stream_) {
    // The input rows the padded rows [first, first + band_rows) hold, if any.
    const std::size_t begin = std::min(g_.in_h, first > top_ ? first - top_ : 0);
    const std::size_t end = std::min(g_.in_h, first + band_rows_ > top_ ? first + band_rows_ - top_ : 0);
    src = {staged_.data(), begin, end > begin ? end - begin : 0};
    if (src.rows > 0) stream_->read_input(n, group * group_in, group_in, src.row, src.rows, staged_.data());
  } else {
    src.data = in_data_ + (n * g_.in_channels + group * group_in) * g_.in_h * g_.in_w;
  }
  copy_band(src, group_in, g_.in_h, g_.in_w, top_, left_, padded_w_, first, band_rows_, buffer);
}

}  // namespace tconv::detail
