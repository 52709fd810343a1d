// The image entry points: upsample, upsample_band over upsample_input_rows
// (every UpsampleMethod), and difference.
//
// Invariants: the result's size is upsample_output_size's; an opaque image
// stays opaque; progress reports fractions in [0, 1] that never go back, and
// an exception thrown from it reaches the caller unchanged; the rows
// upsample_input_rows names, handed to upsample_band, give exactly the whole
// call's rows, and a band missing one of them (or wrongly called opaque) is
// refused; difference is min(255, round(|a − b|·gain)) with opaque alpha.
//
// Bytes, in order:
//   upsample:   broken? [kind] · H · W · method · factor · size? · size ×2 · align_corners ·
//               kernel height · width · raw kernel? · kernel values · transparent? · pixels ·
//               progress kind · first output row · row count · extra rows above · below ·
//               band fault? [kind] · image height · first row · rows begin · rows end
//               (the last four are the natural values unless an extreme byte replaces them)
//   difference: broken? [kind] · H · W · other size? · gain · pixels of a · pixels of b

#include <cinttypes>

#include "harness.hpp"
#include "tconv/image.hpp"

namespace fuzz {

namespace {

using tconv::Pair;
using tconv::RgbaImage;
using tconv::RowRange;
using tconv::UpsampleMethod;

constexpr const char* kMethods[] = {"nearest",
                                    "bilinear",
                                    "bicubic",
                                    "transposed-bilinear",
                                    "transposed",
                                    "resize-conv-nearest",
                                    "resize-conv-bilinear"};

enum Broken { kWellFormed, kThreeChannels, kEmpty, kBrokenKinds };
enum BandFault { kNoFault, kMissingRow, kFalselyOpaque, kBandFaults };

// Thrown by a progress callback: must come out of upsample as it went in.
struct ProgressStop {};

RgbaImage image_of(Reader& in, std::size_t h, std::size_t w, std::size_t channels, bool transparent) {
  RgbaImage image = RgbaImage::from_shape({h, w, channels});
  for (std::size_t i = 0; i < image.size(); ++i) {
    image.data()[i] = (channels == 4 && i % 4 == 3 && !transparent) ? 255 : in.byte();
  }
  return image;
}

bool opaque(const RgbaImage& image) {
  for (std::size_t i = 3; i < image.size(); i += 4)
    if (image.data()[i] != 255) return false;
  return true;
}

std::string shape_text(const RgbaImage& image) {
  return tconv::format_shape(tconv::Shape(image.shape().begin(), image.shape().end()));
}

}  // namespace

void fuzz_upsample(Reader& in) {
  const int broken = in.rarely() ? int(in.count(1, kBrokenKinds - 1)) : kWellFormed;
  std::size_t h = std::size_t(in.count(1, 8)), w = std::size_t(in.count(1, 8));
  if (broken == kEmpty) (in.flag() ? h : w) = 0;
  tconv::UpsampleSpec spec;
  spec.method = UpsampleMethod(in.count(0, 6));
  const bool interpolation = spec.method <= UpsampleMethod::bicubic;
  const bool learned = spec.method >= UpsampleMethod::transposed;
  spec.factor = in.integer(1, 9);
  if (interpolation ? in.flag() : in.rarely()) spec.size = Pair{in.integer(1, 24), in.integer(1, 24)};
  const bool linear = spec.method == UpsampleMethod::bilinear || spec.method == UpsampleMethod::bicubic;
  spec.align_corners = linear ? in.flag() : in.rarely();
  // Kernels up to 5×5, or rarely an empty or too large one (the limit is 15).
  std::size_t kh = std::size_t(in.count(1, 5)), kw = std::size_t(in.count(1, 5));
  if (in.rarely()) kh = in.flag() ? 0 : 16;
  const bool raw_kernel = in.rarely();
  if (learned) {
    spec.kernel = xt::xtensor<float, 2>::from_shape({kh, kw});
    for (float& v : spec.kernel) v = in.value(raw_kernel) / 16.0f;
  }
  bool finite_kernel = true;
  for (float v : spec.kernel) finite_kernel = finite_kernel && std::isfinite(v);
  const bool transparent = in.byte() >= 128;
  const RgbaImage image = image_of(in, h, w, broken == kThreeChannels ? 3 : 4, transparent);
  const int progress_kind = in.rarely() ? 2 : in.flag();  // 0 none, 1 checked, 2 throws
  describe("upsample%s image=%s method=%s factor=%" PRId64
           " size=%s align_corners=%d kernel=%s%s transparent=%d "
           "progress=%d",
           broken ? " (malformed)" : "", shape_text(image).c_str(), kMethods[int(spec.method)], spec.factor,
           spec.size ? tconv::format_pair(*spec.size).c_str() : "none", spec.align_corners,
           learned ? tconv::format_shape(tconv::Shape{kh, kw}).c_str() : "none", finite_kernel ? "" : " (not finite)",
           transparent, progress_kind);

  std::vector<double> reports;
  const tconv::Progress progress = [&](double done) {
    if (progress_kind == 2) throw ProgressStop{};
    reports.push_back(done);
  };
  const auto whole_call = [&] { return tconv::upsample(image, spec, progress_kind ? progress : tconv::Progress{}); };
  const auto out = attempt("upsample", Expect::either, [&] {
    return tconv::upsample_output_size({std::int64_t(h), std::int64_t(w)}, spec);
  });
  if (broken || !out) {
    attempt("upsample", Expect::failure, whole_call);
    return;
  }
  const std::size_t out_h = std::size_t((*out)[0]), out_w = std::size_t((*out)[1]);
  if (product({out_h, out_w, 4}) > kMaxResult) return;                    // valid, but too slow to fuzz
  const Expect valid = finite_kernel ? Expect::success : Expect::either;  // non-finite weights may be refused
  if (progress_kind == 2) {
    try {
      attempt("upsample", Expect::either, whole_call);
    } catch (const ProgressStop&) {
      return;
    }
    die("upsample returned normally although its progress callback threw");
  }
  const auto whole = attempt("upsample", valid, whole_call);
  if (!whole) return;
  if (whole->shape()[0] != out_h || whole->shape()[1] != out_w || whole->shape()[2] != 4) {
    die("upsample returned %s, but upsample_output_size gives (%zu, %zu)", shape_text(*whole).c_str(), out_h, out_w);
  }
  if (opaque(image) && !opaque(*whole)) die("upsample made an opaque image transparent");
  for (std::size_t i = 0; i < reports.size(); ++i) {
    if (!(reports[i] >= 0 && reports[i] <= 1) || (i > 0 && reports[i] < reports[i - 1])) {
      die("upsample reported progress %g after %g", reports[i], i > 0 ? reports[i - 1] : 0.0);
    }
  }

  // A band of output rows, from the image rows upsample_input_rows names.
  const Pair image_size{std::int64_t(h), std::int64_t(w)};
  const std::int64_t first_out = in.count(0, std::int64_t(out_h) - 1);
  const RowRange rows{first_out, first_out + in.count(1, std::int64_t(out_h) - first_out)};
  const RowRange needed =
      *attempt("upsample", Expect::success, [&] { return tconv::upsample_input_rows(image_size, spec, rows); });
  if (needed.begin < 0 || needed.end > std::int64_t(h) || needed.begin >= needed.end) {
    die("upsample_input_rows gave rows %s of an image with %zu rows", tconv::format_rows(needed).c_str(), h);
  }
  std::int64_t first = std::max<std::int64_t>(0, needed.begin - in.count(0, 2));
  const std::int64_t last = std::min<std::int64_t>(std::int64_t(h), needed.end + in.count(0, 2));
  const int fault = in.rarely() ? int(in.count(1, kBandFaults - 1)) : kNoFault;
  if (fault == kMissingRow) first = needed.begin + 1;
  // Image rows [first, last).
  RgbaImage band = RgbaImage::from_shape({std::size_t(std::max(first, last) - first), w, 4});
  std::copy_n(image.data() + std::size_t(first) * w * 4, band.size(), band.data());
  tconv::UpsampleBand where;
  where.image_height = in.integer(std::int64_t(h), std::int64_t(h));
  where.first_row = in.integer(first, first);
  where.output_rows = {in.integer(rows.begin, rows.begin), in.integer(rows.end, rows.end)};
  where.opaque = fault == kFalselyOpaque || opaque(image);
  const bool natural = where.image_height == std::int64_t(h) && where.first_row == first && where.output_rows == rows;
  describe("upsample_band image=%s method=%s factor=%" PRId64 " size=%s align_corners=%d kernel=%s band rows [%" PRId64
           ", %" PRId64 ") first_row=%" PRId64 " image_height=%" PRId64 " output_rows=%s (needs %s) opaque=%d%s",
           shape_text(image).c_str(), kMethods[int(spec.method)], spec.factor,
           spec.size ? tconv::format_pair(*spec.size).c_str() : "none", spec.align_corners,
           learned ? tconv::format_shape(tconv::Shape{kh, kw}).c_str() : "none", first, std::max(first, last),
           where.first_row, where.image_height, tconv::format_rows(where.output_rows).c_str(),
           tconv::format_rows(needed).c_str(), where.opaque, fault == kFalselyOpaque ? " (said opaque)" : "");
  const auto band_call = [&] { return tconv::upsample_band(band, spec, where); };
  if (!natural) {
    // Extreme geometry: either outcome, but a result must have the asked rows.
    const auto full = attempt("upsample", Expect::either, [&] {
      return tconv::upsample_output_size({where.image_height, std::int64_t(w)}, spec);
    });
    const RowRange& asked = where.output_rows;
    const bool in_range = full && asked.begin >= 0 && asked.begin < asked.end && asked.end <= (*full)[0];
    if (in_range && product({std::uint64_t(asked.size()), std::uint64_t((*full)[1]), 4}) > kMaxResult) return;
    const auto result = attempt("upsample", Expect::either, band_call);
    if (result &&
        (std::int64_t(result->shape()[0]) != asked.size() || std::int64_t(result->shape()[1]) != (*full)[1])) {
      die("upsample_band returned %s for rows %s", shape_text(*result).c_str(), tconv::format_rows(asked).c_str());
    }
    return;
  }
  const bool refused = fault == kMissingRow || (fault == kFalselyOpaque && !opaque(band));
  const auto result = attempt("upsample", refused ? Expect::failure : Expect::success, band_call);
  if (!result) return;
  if (std::int64_t(result->shape()[0]) != rows.size() || result->shape()[1] != out_w) {
    die("upsample_band returned %s for rows %s", shape_text(*result).c_str(), tconv::format_rows(rows).c_str());
  }
  // An opaque band of a transparent image, said opaque, is resampled without
  // premultiplication: a different (and undetectable) question, so no comparison.
  if (where.opaque != opaque(image)) return;
  const std::size_t row_bytes = out_w * 4;
  for (std::size_t i = 0; i < result->size(); ++i) {
    const std::uint8_t a = result->data()[i], b = whole->data()[std::size_t(rows.begin) * row_bytes + i];
    if (a != b) {
      die("upsample_band: row %zu, byte %zu is %d, but the whole call gives %d",
          std::size_t(rows.begin) + i / row_bytes, i % row_bytes, a, b);
    }
  }
}

void fuzz_difference(Reader& in) {
  const int broken = in.rarely() ? int(in.count(1, kBrokenKinds - 1)) : kWellFormed;
  std::size_t h = std::size_t(in.count(1, 8)), w = std::size_t(in.count(1, 8));
  if (broken == kEmpty) (in.flag() ? h : w) = 0;
  const bool other_size = in.rarely();
  const double gain = in.real();
  const RgbaImage a = image_of(in, h, w, broken == kThreeChannels ? 3 : 4, true);
  const RgbaImage b = image_of(in, h, w + (other_size ? 1 : 0), broken == kThreeChannels ? 3 : 4, true);
  describe("difference a=%s b=%s gain=%.17g", shape_text(a).c_str(), shape_text(b).c_str(), gain);
  const bool valid = !broken && !other_size && std::isfinite(gain) && gain > 0;
  const auto result =
      attempt("difference", valid ? Expect::success : Expect::failure, [&] { return tconv::difference(a, b, gain); });
  if (!result) return;
  require(result->shape() == a.shape(), "difference: the result's size differs from its inputs'");
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = std::fabs(double(a.data()[i]) - double(b.data()[i])) * gain;
    const std::uint8_t expected = i % 4 == 3 ? 255 : std::uint8_t(std::min(255.0, std::nearbyint(d)));
    if (result->data()[i] != expected) {
      die("difference: byte %zu is %d, expected %d (|%d − %d|·gain)", i, result->data()[i], expected, a.data()[i],
          b.data()[i]);
    }
  }
}

}  // namespace fuzz
