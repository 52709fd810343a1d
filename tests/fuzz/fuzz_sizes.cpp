// The size and row functions alone, where no tensor limits the arguments:
// conv2d_output_size, conv_transpose2d_output_size, interpolate_output_size,
// interpolate_input_rows, upsample_output_size, upsample_input_rows and
// bilinear_kernel, with every argument free to reach ±2⁶³.
//
// Invariants: a result equals the formula the header documents, computed
// here in 128 bits; arguments the formula calls invalid are refused; rows
// lie within the input; nothing overflows (UBSan) or allocates in proportion
// to a size.
//
// Bytes, in order: function · its arguments (see each case).

#include <cinttypes>

#include "reference.hpp"
#include "tconv/conv.hpp"
#include "tconv/image.hpp"
#include "tconv/interpolate.hpp"

namespace fuzz {

namespace {

using tconv::Pair;
using tconv::RowRange;

// Rows asked of a row function: it may work in proportion to their count.
constexpr std::int64_t kMaxRows = std::int64_t{1} << 16;

Pair pair(Reader& in, std::int64_t lo, std::int64_t hi) { return {in.integer(lo, hi), in.integer(lo, hi)}; }

void check_rows(const char* function, const RowRange& rows, std::int64_t height) {
  if (rows.begin < 0 || rows.end > height || rows.begin >= rows.end) {
    die("%s gave rows %s of an input with %" PRId64 " rows", function, tconv::format_rows(rows).c_str(), height);
  }
}

// An asked row range that is valid and long: the function may take time in proportion.
bool too_many_rows(const RowRange& rows, std::int64_t height) {
  return rows.begin >= 0 && rows.begin < rows.end && rows.end <= height && rows.size() > kMaxRows;
}

void conv_sizes(Reader& in, bool transposed) {
  const Pair input = pair(in, 1, 12), kernel = pair(in, 1, 5), stride = pair(in, 1, 4), padding = pair(in, 0, 3);
  const Pair output_padding = transposed ? pair(in, 0, 3) : Pair{0, 0};
  const Pair dilation = pair(in, 1, 3);
  const std::int64_t groups = in.integer(1, 4);
  describe("%s_output_size input=%s kernel=%s stride=%s padding=%s output_padding=%s dilation=%s groups=%" PRId64,
           transposed ? "conv_transpose2d" : "conv2d", tconv::format_pair(input).c_str(),
           tconv::format_pair(kernel).c_str(), tconv::format_pair(stride).c_str(), tconv::format_pair(padding).c_str(),
           tconv::format_pair(output_padding).c_str(), tconv::format_pair(dilation).c_str(), groups);
  // The documented formula, in 128 bits; `valid` is torch's rule.
  bool valid = groups >= 1;
  Wide expected[2];
  for (int d = 0; d < 2; ++d) {
    valid = valid && input[d] >= 1 && kernel[d] >= 1 && stride[d] >= 1 && padding[d] >= 0 && dilation[d] >= 1 &&
            output_padding[d] >= 0;
    if (!valid) break;
    const Wide dilated = Wide(dilation[d]) * (kernel[d] - 1) + 1;
    if (transposed) {
      valid = valid && (output_padding[d] < stride[d] || output_padding[d] < dilation[d]);
      expected[d] = (Wide(input[d]) - 1) * stride[d] - 2 * Wide(padding[d]) + dilated - 1 + output_padding[d] + 1;
    } else {
      const Wide padded = Wide(input[d]) + 2 * Wide(padding[d]);
      valid = valid && dilated <= padded;
      expected[d] = (padded - dilated) / stride[d] + 1;
    }
    valid = valid && expected[d] >= 1;
  }
  const char* function = transposed ? "conv_transpose2d" : "conv2d";
  const auto out = attempt(function, valid ? Expect::either : Expect::failure, [&] {
    return transposed ? tconv::conv_transpose2d_output_size(
                            input, kernel,
                            {stride, padding, output_padding, dilation, groups, tconv::ConvAlgorithm::automatic})
                      : tconv::conv2d_output_size(input, kernel, {stride, padding, dilation, groups});
  });
  if (!out) return;
  for (int d = 0; d < 2; ++d) {
    if ((*out)[d] != expected[d] || (*out)[d] > std::int64_t(tconv::kMaxElements)) {
      die("%s_output_size gave %s; the formula gives (%" PRId64 ", %" PRId64 ") (limit %zu)", function,
          tconv::format_pair(*out).c_str(), std::int64_t(expected[0]), std::int64_t(expected[1]), tconv::kMaxElements);
    }
  }
}

tconv::InterpolateOptions interpolate_options(Reader& in) {
  tconv::InterpolateOptions o;
  o.mode = tconv::InterpolateMode(in.count(0, 3));
  if (in.flag())
    o.scale_factor = std::array<double, 2>{in.real(), in.real()};
  else
    o.size = pair(in, 1, 40);
  o.align_corners = in.rarely();
  return o;
}

void interpolate_sizes(Reader& in, bool rows_too) {
  const Pair input = pair(in, 1, 40);
  const tconv::InterpolateOptions o = interpolate_options(in);
  const RowRange rows{in.integer(0, 8), in.integer(1, 16)};
  describe("interpolate_%s input=%s mode=%s size=%s scale_factor=%s align_corners=%d rows=%s",
           rows_too ? "input_rows" : "output_size", tconv::format_pair(input).c_str(),
           std::string(to_string(o.mode)).c_str(), o.size ? tconv::format_pair(*o.size).c_str() : "none",
           o.scale_factor ? tconv::format_pair((*o.scale_factor)[0], (*o.scale_factor)[1]).c_str() : "none",
           o.align_corners, tconv::format_rows(rows).c_str());
  const auto out = attempt("interpolate", Expect::either, [&] { return tconv::interpolate_output_size(input, o); });
  if (out) {
    for (int d = 0; d < 2; ++d) {
      const double expected = o.size ? double((*o.size)[d]) : std::floor(double(input[d]) * (*o.scale_factor)[d]);
      if (double((*out)[d]) != expected || (*out)[d] < 1 || (*out)[d] > std::int64_t(tconv::kMaxElements)) {
        die("interpolate_output_size gave %s", tconv::format_pair(*out).c_str());
      }
    }
  }
  if (!rows_too || (out && too_many_rows(rows, (*out)[0]))) return;
  const auto read = attempt("interpolate", out ? Expect::either : Expect::failure,
                            [&] { return tconv::interpolate_input_rows(input, o, rows); });
  if (read) check_rows("interpolate_input_rows", *read, input[0]);
}

void upsample_sizes(Reader& in, bool rows_too) {
  const Pair input = pair(in, 1, 40);
  tconv::UpsampleSpec spec;
  spec.method = tconv::UpsampleMethod(in.count(0, 6));
  spec.factor = in.integer(2, 8);
  if (in.rarely()) spec.size = pair(in, 1, 40);
  spec.align_corners = in.rarely();
  const std::size_t k = std::size_t(in.count(1, 5));
  spec.kernel = xt::ones<float>({k, k}) / float(k * k);
  const RowRange rows{in.integer(0, 8), in.integer(1, 16)};
  describe("upsample_%s input=%s method=%d factor=%" PRId64 " size=%s align_corners=%d kernel=%zu rows=%s",
           rows_too ? "input_rows" : "output_size", tconv::format_pair(input).c_str(), int(spec.method), spec.factor,
           spec.size ? tconv::format_pair(*spec.size).c_str() : "none", spec.align_corners, k,
           tconv::format_rows(rows).c_str());
  const auto out = attempt("upsample", Expect::either, [&] { return tconv::upsample_output_size(input, spec); });
  if (out) {
    for (int d = 0; d < 2; ++d) {
      const Wide expected = spec.size ? Wide((*spec.size)[d]) : Wide(input[d]) * spec.factor;
      if ((*out)[d] != expected) die("upsample_output_size gave %s", tconv::format_pair(*out).c_str());
    }
    if (product({std::uint64_t((*out)[0]), std::uint64_t((*out)[1]), 4}) > tconv::kMaxElements) {
      die("upsample_output_size gave %s, beyond the element limit", tconv::format_pair(*out).c_str());
    }
  }
  if (!rows_too || (out && too_many_rows(rows, (*out)[0]))) return;
  const auto read = attempt("upsample", out ? Expect::either : Expect::failure,
                            [&] { return tconv::upsample_input_rows(input, spec, rows); });
  if (read) check_rows("upsample_input_rows", *read, input[0]);
}

void bilinear_kernel_of(Reader& in) {
  const std::int64_t factor = in.integer(0, 9);
  describe("bilinear_kernel factor=%" PRId64, factor);
  const auto kernel = attempt("bilinear_kernel", factor >= 1 && factor <= 8 ? Expect::success : Expect::failure,
                              [&] { return tconv::bilinear_kernel(factor); });
  if (!kernel) return;
  const tconv::BilinearGeometry g = tconv::bilinear_geometry(factor);
  require(g.kernel == 2 * factor - factor % 2 && g.stride == factor && g.padding == factor / 2,
          "bilinear_geometry differs from its documented formula");
  require(std::int64_t(kernel->shape()[0]) == g.kernel && std::int64_t(kernel->shape()[1]) == g.kernel,
          "bilinear_kernel's size is not bilinear_geometry's");
  for (float v : *kernel) require(v >= 0 && v <= 1, "bilinear_kernel has a weight outside [0, 1]");
}

}  // namespace

void fuzz_sizes(Reader& in) {
  switch (in.count(0, 6)) {
    case 0:
      return conv_sizes(in, false);
    case 1:
      return conv_sizes(in, true);
    case 2:
      return interpolate_sizes(in, false);
    case 3:
      return interpolate_sizes(in, true);
    case 4:
      return upsample_sizes(in, false);
    case 5:
      return upsample_sizes(in, true);
    default:
      return bilinear_kernel_of(in);
  }
}

}  // namespace fuzz
