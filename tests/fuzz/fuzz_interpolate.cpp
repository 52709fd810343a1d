// interpolate and interpolate_rows: every mode, size or scale_factor, align_corners.
//
// Invariants: the result's shape is interpolate_output_size's; nearest and
// bilinear values lie within their input plane's range (they pick or blend
// input pixels); the rows interpolate_input_rows names, handed to
// interpolate_rows, give exactly the whole call's rows, and a band missing
// one of them is refused.
//
// Bytes, in order: broken? [kind] · N · C · H · W · mode · scale? · size ×2 or scale ×2 ·
// align_corners · raw? · input values · first output row · row count · extra rows above ·
// below · short band? · full height · first row · rows begin · rows end (the last four
// are the natural values unless an extreme byte replaces them)

#include <algorithm>
#include <cfloat>
#include <cinttypes>
#include <cmath>

#include "harness.hpp"
#include "tconv/interpolate.hpp"

namespace fuzz {

namespace {

using tconv::InterpolateMode;
using tconv::Pair;
using tconv::RowRange;
using tconv::Shape;

enum Broken { kWellFormed, kRank, kEmptySpatial, kSizeAndScale, kNeither, kBrokenKinds };

Shape shape_of(const xt::xarray<float>& t) { return Shape(t.shape().begin(), t.shape().end()); }

// Nearest picks an input pixel and bilinear a convex blend of two, so each
// output value lies within its plane's input range (up to the rounding of
// the double blend back to float).
void check_range(const xt::xarray<float>& input, const xt::xarray<float>& output) {
  const std::size_t planes = input.shape()[0] * input.shape()[1];
  const std::size_t in_plane = input.size() / std::max<std::size_t>(planes, 1);
  const std::size_t out_plane = output.size() / std::max<std::size_t>(planes, 1);
  for (std::size_t p = 0; p < planes; ++p) {
    const float* x = input.data() + p * in_plane;
    const auto [lo, hi] = std::minmax_element(x, x + in_plane);
    const float slack = 4 * FLT_EPSILON * std::max(std::fabs(*lo), std::fabs(*hi));
    for (std::size_t i = 0; i < out_plane; ++i) {
      const float v = output.data()[p * out_plane + i];
      if (!(v >= *lo - slack && v <= *hi + slack)) {
        die("interpolate: output %g of plane %zu lies outside its input's range [%g, %g]", double(v), p, double(*lo),
            double(*hi));
      }
    }
  }
}

// Rows [first, last) of every plane of an (N, C, H, W) tensor (xt::view is
// undefined behaviour on an empty batch).
xt::xarray<float> rows_of(const xt::xarray<float>& input, std::int64_t first, std::int64_t last) {
  const std::size_t planes = input.shape()[0] * input.shape()[1], h = input.shape()[2], w = input.shape()[3];
  const std::size_t count = std::size_t(last - first);
  xt::xarray<float> band = xt::xarray<float>::from_shape({input.shape()[0], input.shape()[1], count, w});
  for (std::size_t p = 0; p < planes; ++p) {
    std::copy_n(input.data() + (p * h + std::size_t(first)) * w, count * w, band.data() + p * count * w);
  }
  return band;
}

}  // namespace

void fuzz_interpolate(Reader& in) {
  const int broken = in.rarely() ? int(in.count(1, kBrokenKinds - 1)) : kWellFormed;
  const std::size_t n = std::size_t(in.count(0, 2)), c = std::size_t(in.count(1, 3));
  std::size_t h = std::size_t(in.count(1, 10)), w = std::size_t(in.count(1, 10));
  tconv::InterpolateOptions o;
  o.mode = InterpolateMode(in.count(0, 3));
  const bool use_scale = in.flag();
  if (use_scale || broken == kSizeAndScale) o.scale_factor = std::array<double, 2>{in.real(), in.real()};
  if (!use_scale || broken == kSizeAndScale) o.size = Pair{in.integer(1, 24), in.integer(1, 24)};
  if (broken == kNeither) o.size.reset(), o.scale_factor.reset();
  const bool linear = o.mode == InterpolateMode::bilinear || o.mode == InterpolateMode::bicubic;
  o.align_corners = linear ? in.flag() : in.rarely();
  const bool raw = in.rarely();
  if (broken == kEmptySpatial) (in.flag() ? h : w) = 0;
  const Shape shape = broken == kRank ? Shape{c, h, w} : Shape{n, c, h, w};
  const xt::xarray<float> input = in.tensor(shape, raw);
  describe("interpolate%s input=%s mode=%s size=%s scale_factor=%s align_corners=%d raw=%d",
           broken ? " (malformed)" : "", tconv::format_shape(shape).c_str(), std::string(to_string(o.mode)).c_str(),
           o.size ? tconv::format_pair(*o.size).c_str() : "none",
           o.scale_factor ? tconv::format_pair((*o.scale_factor)[0], (*o.scale_factor)[1]).c_str() : "none",
           o.align_corners, raw);

  const auto whole_call = [&] { return tconv::interpolate(input, o); };
  const Pair input_size{std::int64_t(h), std::int64_t(w)};
  const auto out =
      attempt("interpolate", Expect::either, [&] { return tconv::interpolate_output_size(input_size, o); });
  if (broken || !out) {
    attempt("interpolate", Expect::failure, whole_call);
    return;
  }
  const std::uint64_t count = product({n, c, std::uint64_t((*out)[0]), std::uint64_t((*out)[1])});
  if (count > tconv::kMaxElements) {
    attempt("interpolate", Expect::failure, whole_call);
    return;
  }
  if (count > kMaxResult) return;  // valid, but too slow to fuzz
  const xt::xarray<float> whole = *attempt("interpolate", Expect::success, whole_call);
  const std::size_t out_h = std::size_t((*out)[0]), out_w = std::size_t((*out)[1]);
  if (shape_of(whole) != Shape{n, c, out_h, out_w}) {
    die("interpolate returned shape %s, but interpolate_output_size gives (%zu, %zu)",
        tconv::format_shape(shape_of(whole)).c_str(), out_h, out_w);
  }
  if (!raw && (o.mode != InterpolateMode::bicubic)) check_range(input, whole);

  // A band of output rows, from the input rows interpolate_input_rows names.
  const std::int64_t first_out = in.count(0, std::int64_t(out_h) - 1);
  const RowRange rows{first_out, first_out + in.count(1, std::int64_t(out_h) - first_out)};
  const RowRange needed =
      *attempt("interpolate", Expect::success, [&] { return tconv::interpolate_input_rows(input_size, o, rows); });
  if (needed.begin < 0 || needed.end > std::int64_t(h) || needed.begin >= needed.end) {
    die("interpolate_input_rows gave rows %s of an input with %zu rows", tconv::format_rows(needed).c_str(), h);
  }
  std::int64_t first = std::max<std::int64_t>(0, needed.begin - in.count(0, 2));
  const std::int64_t last = std::min<std::int64_t>(std::int64_t(h), needed.end + in.count(0, 2));
  const bool short_band = in.rarely();
  if (short_band) first = needed.begin + 1;  // one row it reads is missing
  const xt::xarray<float> band = rows_of(input, first, std::max(first, last));
  // Usually the natural band; an extreme byte may replace any of these.
  const std::int64_t full_height = in.integer(std::int64_t(h), std::int64_t(h));
  const std::int64_t first_row = in.integer(first, first);
  const RowRange asked{in.integer(rows.begin, rows.begin), in.integer(rows.end, rows.end)};
  const bool natural = full_height == std::int64_t(h) && first_row == first && asked == rows;
  describe("interpolate_rows input=%s mode=%s size=%s scale_factor=%s align_corners=%d band rows [%" PRId64 ", %" PRId64
           ") first_row=%" PRId64 " full_height=%" PRId64 " rows=%s (needs %s)",
           tconv::format_shape(shape).c_str(), std::string(to_string(o.mode)).c_str(),
           o.size ? tconv::format_pair(*o.size).c_str() : "none",
           o.scale_factor ? tconv::format_pair((*o.scale_factor)[0], (*o.scale_factor)[1]).c_str() : "none",
           o.align_corners, first, std::max(first, last), first_row, full_height, tconv::format_rows(asked).c_str(),
           tconv::format_rows(needed).c_str());
  const auto band_call = [&] { return tconv::interpolate_rows(band, o, full_height, first_row, asked); };
  if (!natural) {
    // Extreme geometry: either outcome, but a result must have the asked rows.
    const auto full = attempt("interpolate", Expect::either, [&] {
      return tconv::interpolate_output_size({full_height, std::int64_t(w)}, o);
    });
    const bool in_range = full && asked.begin >= 0 && asked.begin < asked.end && asked.end <= (*full)[0];
    if (in_range && product({n, c, std::uint64_t(asked.size()), std::uint64_t((*full)[1])}) > kMaxResult) return;
    const auto result = attempt("interpolate", Expect::either, band_call);
    if (result && shape_of(*result) != Shape{n, c, std::size_t(asked.size()), std::size_t((*full)[1])}) {
      die("interpolate_rows returned shape %s for rows %s", tconv::format_shape(shape_of(*result)).c_str(),
          tconv::format_rows(asked).c_str());
    }
    return;
  }
  const auto result = attempt("interpolate", short_band ? Expect::failure : Expect::success, band_call);
  if (!result) return;
  if (shape_of(*result) != Shape{n, c, std::size_t(rows.size()), out_w}) {
    die("interpolate_rows returned shape %s for rows %s", tconv::format_shape(shape_of(*result)).c_str(),
        tconv::format_rows(rows).c_str());
  }
  for (std::size_t p = 0; p < n * c; ++p) {
    for (std::size_t y = 0; y < std::size_t(rows.size()); ++y) {
      for (std::size_t x = 0; x < out_w; ++x) {
        const float a = result->data()[(p * std::size_t(rows.size()) + y) * out_w + x];
        const float b = whole.data()[(p * out_h + std::size_t(rows.begin) + y) * out_w + x];
        if (!same(a, b)) {
          die("interpolate_rows: row %zu, column %zu of plane %zu is %.9g, but the whole call gives %.9g",
              std::size_t(rows.begin) + y, x, p, double(a), double(b));
        }
      }
    }
  }
}

}  // namespace fuzz
