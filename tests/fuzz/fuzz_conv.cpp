// conv2d, conv_transpose2d (every algorithm) and conv_matrix.
//
// Invariants: the result's shape is the output-size function's; every value
// is within float rounding of a double-precision direct reference; C·vec(x)
// equals conv2d(x); a call is refused (InvalidArgument) exactly when its
// arguments are invalid or its result exceeds tconv's element limit (an
// algorithm the caller chose may also refuse for its scratch; automatic may not).
// conv2d_streamable and conv_transpose2d_streamable offer no stream for a call
// their function refuses, and a call they take gives its bits through
// *_streamed, asking only for rows inside the input and handing over every
// result row once.
// The backward pass of every computed call accepts it, has the input's, the
// weight's and (C_out) shapes, and is the forward's adjoint against the
// reference: ⟨x, grad_input⟩ = ⟨w, grad_weight⟩ = ⟨output − bias, g⟩, and
// grad_bias sums g per channel, within float rounding.
//
// Bytes, in order (harness.hpp says how each kind is read):
//   conv:        broken? [kind] · algorithm (transposed only) · batched · batch · groups used ·
//                rich? (transposed only) · in/out channels per group · H · W · kH · kW ·
//                stride ×2 · padding ×2 · output_padding ×2 (transposed only) · dilation ×2 ·
//                groups · bias? · raw? · input, weight, bias values
//   conv_matrix: input size ×2 · kernel size ×2 · stride ×2 · padding ×2 · dilation ×2 ·
//                kernel? · broken? · kernel values · x values

#include <array>
#include <cinttypes>
#include <cstring>
#include <type_traits>

#include "reference.hpp"
#include "tconv/backward.hpp"
#include "tconv/conv.hpp"
#include "tconv/conv_matrix.hpp"

namespace fuzz {

namespace {

using tconv::Pair;
using tconv::Shape;

constexpr const char* kAlgorithms[] = {"automatic", "scatter", "direct", "gemm", "gemm_columns", "winograd"};

// One decoded conv2d or conv_transpose2d call.
struct ConvCase {
  xt::xarray<float> input, weight;
  std::optional<xt::xarray<float>> bias;
  Pair stride, padding, output_padding{0, 0}, dilation;
  std::int64_t groups;
  tconv::ConvAlgorithm algorithm = tconv::ConvAlgorithm::automatic;
  bool raw;
};

// A deliberately malformed tensor (rarely): each kind breaks one rule torch has.
enum Broken { kWellFormed, kWeightChannels, kGroupsDivide, kBiasLength, kEmptyDimension, kRank, kBrokenKinds };

ConvCase decode(Reader& in, bool transposed) {
  ConvCase c;
  const int broken = in.rarely() ? int(in.count(1, kBrokenKinds - 1)) : kWellFormed;
  if (transposed) c.algorithm = tconv::ConvAlgorithm(in.count(0, 5));
  const bool batched = in.flag();
  const std::size_t batch = std::size_t(in.count(0, 2));
  const std::size_t groups = std::size_t(in.count(1, 3));
  // A rich layer has enough channels per group for automatic to pick a matrix product.
  const bool rich = transposed && in.rarely();
  const std::size_t group_in = std::size_t(rich ? in.count(14, 20) : in.count(1, 4));
  const std::size_t group_out = std::size_t(in.count(1, 4));
  std::size_t h = std::size_t(in.count(1, rich ? 20 : 10)), w = std::size_t(in.count(1, rich ? 20 : 10));
  const std::size_t kh = std::size_t(in.count(1, 4)), kw = std::size_t(in.count(1, 4));
  c.stride = {in.integer(1, 4), in.integer(1, 4)};
  c.padding = {in.integer(0, 3), in.integer(0, 3)};
  if (transposed) c.output_padding = {in.integer(0, 3), in.integer(0, 3)};
  c.dilation = {in.integer(1, 3), in.integer(1, 3)};
  c.groups = in.integer(std::int64_t(groups), std::int64_t(groups));
  const bool has_bias = in.flag();
  c.raw = in.rarely();

  std::size_t in_channels = groups * group_in, out_channels = groups * group_out;
  std::size_t weight_in = transposed ? in_channels : group_in;
  if (broken == kWeightChannels) ++weight_in;
  if (broken == kGroupsDivide) {
    if (transposed)
      in_channels += 1, weight_in = in_channels;
    else
      out_channels += 1;
  }
  if (broken == kEmptyDimension) (in.flag() ? h : w) = 0;
  Shape input_shape = batched ? Shape{batch, in_channels, h, w} : Shape{in_channels, h, w};
  if (broken == kRank) input_shape.insert(input_shape.begin(), batched ? 2 : 1);
  const Shape weight_shape = transposed ? Shape{weight_in, group_out, kh, kw} : Shape{out_channels, weight_in, kh, kw};
  c.input = in.tensor(input_shape, c.raw);
  c.weight = in.tensor(weight_shape, c.raw);
  if (has_bias || broken == kBiasLength) {
    c.bias = in.tensor({out_channels + (broken == kBiasLength ? 1 : 0)}, c.raw);
  }
  describe("%s%s algorithm=%s input=%s weight=%s bias=%s stride=(%" PRId64 ",%" PRId64 ") padding=(%" PRId64 ",%" PRId64
           ") output_padding=(%" PRId64 ",%" PRId64 ") dilation=(%" PRId64 ",%" PRId64 ") groups=%" PRId64 " raw=%d",
           transposed ? "conv_transpose2d" : "conv2d", broken ? " (malformed)" : "", kAlgorithms[int(c.algorithm)],
           tconv::format_shape(input_shape).c_str(), tconv::format_shape(weight_shape).c_str(),
           c.bias ? std::to_string(c.bias->size()).c_str() : "none", c.stride[0], c.stride[1], c.padding[0],
           c.padding[1], c.output_padding[0], c.output_padding[1], c.dilation[0], c.dilation[1], c.groups, c.raw);
  return c;
}

// torch's rules for the tensors (the output-size functions check the rest).
bool well_formed(const ConvCase& c, bool transposed) {
  if (c.input.dimension() != 3 && c.input.dimension() != 4) return false;
  const std::size_t off = c.input.dimension() - 3;
  for (std::size_t d = off; d < c.input.dimension(); ++d)
    if (c.input.shape()[d] == 0) return false;
  if (c.groups < 1) return false;
  const std::uint64_t groups = std::uint64_t(c.groups);
  const std::size_t channels = c.input.shape()[off];
  std::uint64_t out_channels;
  if (transposed) {
    if (c.weight.shape()[0] != channels || channels % groups != 0) return false;
    out_channels = std::uint64_t(c.weight.shape()[1]) * groups;
  } else {
    if (std::uint64_t(c.weight.shape()[1]) * groups != channels || c.weight.shape()[0] % groups != 0) return false;
    out_channels = c.weight.shape()[0];
  }
  return !c.bias || c.bias->size() == out_channels;
}

// The backward pass of a computed call: gradients of ⟨output, g⟩ for a fixed
// pseudo-random g, checked through the adjoint identities against the
// reference's values (bias removed) with the reference's rounding scale.
void check_backward(const ConvCase& c, bool transposed, const ConvSizes& s, const Reference& ref) {
  const char* function = transposed ? "conv_transpose2d_backward" : "conv2d_backward";
  const std::size_t plane = s.out_h * s.out_w;
  xt::xarray<float> g =
      xt::xarray<float>::from_shape(c.input.dimension() == 4 ? Shape{s.batch, s.out_channels, s.out_h, s.out_w}
                                                             : Shape{s.out_channels, s.out_h, s.out_w});
  for (std::size_t i = 0; i < g.size(); ++i) g.data()[i] = float((i * 2654435761u >> 13) % 255) / 127.0f - 1.0f;
  const std::optional<tconv::ConvGradients> r = attempt(function, Expect::success, [&] {
    return transposed ? tconv::conv_transpose2d_backward(g, c.input, c.weight,
                                                         {c.stride, c.padding, c.output_padding, c.dilation, c.groups})
                      : tconv::conv2d_backward(g, c.input, c.weight, {c.stride, c.padding, c.dilation, c.groups});
  });
  require(r->grad_input.shape() == c.input.shape(), "grad_input's shape is not the input's");
  require(r->grad_weight.shape() == c.weight.shape(), "grad_weight's shape is not the weight's");
  require(r->grad_bias.dimension() == 1 && r->grad_bias.size() == s.out_channels, "grad_bias is not (C_out)");
  double forward = 0, scale = 0;
  std::vector<double> bias_sums(s.out_channels, 0.0), bias_scale(s.out_channels, 0.0);
  for (std::size_t o = 0; o < g.size(); ++o) {
    const std::size_t channel = (o / plane) % s.out_channels;
    forward += double(g.data()[o]) * (ref.value[o] - (c.bias ? double((*c.bias)(channel)) : 0.0));
    scale += std::fabs(double(g.data()[o])) * ref.magnitude[o];
    bias_sums[channel] += g.data()[o];
    bias_scale[channel] += std::fabs(double(g.data()[o]));
  }
  double x_sum = 0, w_sum = 0;  // bounds on every gradient value, as |g| ≤ 1
  for (float v : c.input) x_sum += std::fabs(double(v));
  for (float v : c.weight) w_sum += std::fabs(double(v));
  if (!(scale < 1e30 && x_sum < 1e30 && w_sum < 1e30)) return;  // a gradient may overflow float
  // Each gradient value sums at most every product of the call: batch × output
  // pixels for a weight, channels × taps for an input pixel; each product may
  // also lose a subnormal step, which the dot product scales by |x| or |w|.
  const double terms = double(std::max({ref.terms, s.batch * plane, s.out_channels * s.kernel_h * s.kernel_w}) + 2);
  const double rounding = 2 * terms * FLT_EPSILON * scale;
  const double input_tolerance = rounding + 2 * terms * FLT_TRUE_MIN * (x_sum + double(g.size()));
  const double weight_tolerance = rounding + 2 * terms * FLT_TRUE_MIN * (w_sum + double(g.size()));
  double input_side = 0, weight_side = 0;
  for (std::size_t i = 0; i < c.input.size(); ++i) input_side += double(c.input.data()[i]) * r->grad_input.data()[i];
  for (std::size_t i = 0; i < c.weight.size(); ++i)
    weight_side += double(c.weight.data()[i]) * r->grad_weight.data()[i];
  if (!(std::fabs(input_side - forward) <= input_tolerance) ||
      !(std::fabs(weight_side - forward) <= weight_tolerance)) {
    die("%s is not the adjoint: <x, grad_input> = %.9g, <w, grad_weight> = %.9g, <output, g> = %.9g (tolerances %.3g, "
        "%.3g)",
        function, input_side, weight_side, forward, input_tolerance, weight_tolerance);
  }
  for (std::size_t ch = 0; ch < s.out_channels; ++ch) {
    const double bound = double(g.size() + 2) * FLT_EPSILON * bias_scale[ch];
    if (!(std::fabs(double(r->grad_bias(ch)) - bias_sums[ch]) <= bound)) {
      die("%s: grad_bias[%zu] = %.9g, expected %.9g", function, ch, double(r->grad_bias(ch)), bias_sums[ch]);
    }
  }
}

// conv2d_streamed's stream over tensors: dies on a request outside the
// input or the result, and counts how often each result row comes.
class TensorStream final : public tconv::RowStream {
 public:
  TensorStream(const xt::xarray<float>& input, const Shape& result_shape)
      : input_(input), result(xt::xarray<float>::from_shape(result_shape)) {
    const std::size_t off = input.dimension() == 4 ? 1 : 0;
    in_ = {off ? input.shape()[0] : 1, input.shape()[off], input.shape()[off + 1], input.shape()[off + 2]};
    out_ = {in_[0], result_shape[off], result_shape[off + 1], result_shape[off + 2]};
    writes.assign(out_[0] * out_[1] * out_[2], 0);
  }
  void read_input(std::size_t n, std::size_t channel, std::size_t channels, std::size_t row, std::size_t rows,
                  float* to) override {
    if (n >= in_[0] || channels == 0 || channel + channels > in_[1] || rows == 0 || row + rows > in_[2]) {
      die("conv2d_streamed asked for input rows [%zu, %zu) of channels [%zu, %zu) of item %zu", row, row + rows,
          channel, channel + channels, n);
    }
    for (std::size_t c = 0; c < channels; ++c) {
      std::copy_n(input_.data() + ((n * in_[1] + channel + c) * in_[2] + row) * in_[3], rows * in_[3],
                  to + c * rows * in_[3]);
    }
  }
  void write_result(std::size_t n, std::size_t channel, std::size_t channels, std::size_t row, std::size_t rows,
                    const float* from) override {
    if (n >= out_[0] || channels == 0 || channel + channels > out_[1] || rows == 0 || row + rows > out_[2]) {
      die("conv2d_streamed handed over result rows [%zu, %zu) of channels [%zu, %zu) of item %zu", row, row + rows,
          channel, channel + channels, n);
    }
    for (std::size_t c = 0; c < channels; ++c) {
      const std::size_t plane = (n * out_[1] + channel + c) * out_[2];
      for (std::size_t r = 0; r < rows; ++r) ++writes[plane + row + r];
      std::copy_n(from + c * rows * out_[3], rows * out_[3], result.data() + (plane + row) * out_[3]);
    }
  }
  xt::xarray<float> result;
  std::vector<int> writes;  // per (item, channel, row)

 private:
  const xt::xarray<float>& input_;
  std::array<std::size_t, 4> in_{}, out_{};
};

// *_streamable of the case's shapes (their messages are conv2d's or conv_transpose2d's).
template <class Params>
std::optional<Shape> streamable(const ConvCase& c, const Params& p) {
  const Shape input(c.input.shape().begin(), c.input.shape().end());
  if constexpr (std::is_same_v<Params, tconv::Conv2dParams>) {
    return tconv::conv2d_streamable(input, c.weight, c.bias, p);
  } else {
    return tconv::conv_transpose2d_streamable(input, c.weight, c.bias, p);
  }
}

// *_streamed takes every call computed in bands of rows, whatever its size
// (*_streamable offers only large ones), and refuses the rest.
template <class Params>
void check_streamed(const char* function, const ConvCase& c, const Params& p, const xt::xarray<float>& result) {
  const Shape result_shape(result.shape().begin(), result.shape().end());
  const std::optional<Shape> offered = *attempt(function, Expect::success, [&] { return streamable(c, p); });
  if (offered && *offered != result_shape) die("%s_streamable gives another shape", function);
  const Shape input(c.input.shape().begin(), c.input.shape().end());
  TensorStream stream(c.input, result_shape);
  const bool streamed = attempt(function, offered ? Expect::success : Expect::either, [&] {
                          if constexpr (std::is_same_v<Params, tconv::Conv2dParams>) {
                            return tconv::conv2d_streamed(input, c.weight, c.bias, p, stream);
                          } else {
                            return tconv::conv_transpose2d_streamed(input, c.weight, c.bias, p, stream);
                          }
                        }).has_value();
  if (!streamed) return;
  if (std::memcmp(stream.result.data(), result.data(), result.size() * sizeof(float)) != 0) {
    die("%s_streamed differs from %s", function, function);
  }
  for (const int times : stream.writes) {
    if (times != 1) die("%s_streamed handed over a result row %d times", function, times);
  }
}

void run_conv(Reader& in, bool transposed) {
  const ConvCase c = decode(in, transposed);
  const char* function = transposed ? "conv_transpose2d" : "conv2d";
  const std::size_t off = c.input.dimension() == 4 ? 1 : 0;
  const Pair input_size{std::int64_t(c.input.shape()[off + 1]), std::int64_t(c.input.shape()[off + 2])};
  const Pair kernel_size{std::int64_t(c.weight.shape()[2]), std::int64_t(c.weight.shape()[3])};
  tconv::Conv2dParams p2{c.stride, c.padding, c.dilation, c.groups};
  tconv::ConvTranspose2dParams pt{c.stride, c.padding, c.output_padding, c.dilation, c.groups, c.algorithm};
  const std::optional<Pair> out = attempt(function, Expect::either, [&] {
    return transposed ? tconv::conv_transpose2d_output_size(input_size, kernel_size, pt)
                      : tconv::conv2d_output_size(input_size, kernel_size, p2);
  });
  const auto call = [&] {
    return transposed ? tconv::conv_transpose2d(c.input, c.weight, c.bias, pt)
                      : tconv::conv2d(c.input, c.weight, c.bias, p2);
  };
  // A call its function refuses never gets a stream: it is refused (with the
  // function's message) or, below the size worth streaming, gets nothing.
  const auto refused_streamable = [&] {
    const auto offered = transposed ? attempt(function, Expect::either, [&] { return streamable(c, pt); })
                                    : attempt(function, Expect::either, [&] { return streamable(c, p2); });
    if (offered && *offered) die("%s_streamable offered a stream for a call %s refuses", function, function);
  };
  if (!well_formed(c, transposed) || !out) {
    attempt(function, Expect::failure, call);
    refused_streamable();
    return;
  }
  ConvSizes s{};
  s.batch = off ? c.input.shape()[0] : 1;
  s.in_channels = c.input.shape()[off];
  s.in_h = std::size_t(input_size[0]), s.in_w = std::size_t(input_size[1]);
  s.out_channels = transposed ? c.weight.shape()[1] * std::size_t(c.groups) : c.weight.shape()[0];
  s.out_h = std::size_t((*out)[0]), s.out_w = std::size_t((*out)[1]);
  s.kernel_h = std::size_t(kernel_size[0]), s.kernel_w = std::size_t(kernel_size[1]);
  s.groups = std::size_t(c.groups);
  s.stride = c.stride, s.padding = c.padding, s.dilation = c.dilation;
  const std::uint64_t count = product({s.batch, s.out_channels, s.out_h, s.out_w});
  if (count > tconv::kMaxElements) {
    attempt(function, Expect::failure, call);
    refused_streamable();
    return;
  }
  const std::uint64_t in_count = product({s.batch, s.in_channels, s.in_h, s.in_w});
  const std::uint64_t work = std::max(count, in_count) * (s.in_channels / s.groups) * s.kernel_h * s.kernel_w *
                             (transposed ? s.out_channels / s.groups : 1);
  if (count > kMaxResult || work > kMaxWork) return;  // valid, but too slow to fuzz

  // An algorithm the caller picks may refuse a geometry whose scratch would
  // exceed the element limit (conv.cpp says so: "use ConvAlgorithm::automatic");
  // automatic must then compute it.
  const bool chosen = transposed && c.algorithm != tconv::ConvAlgorithm::automatic;
  std::optional<xt::xarray<float>> computed = attempt(function, chosen ? Expect::either : Expect::success, call);
  if (!computed) {
    pt.algorithm = tconv::ConvAlgorithm::automatic;
    computed = attempt(function, Expect::success, call);
  }
  const xt::xarray<float>& result = *computed;
  const Shape expected =
      off ? Shape{s.batch, s.out_channels, s.out_h, s.out_w} : Shape{s.out_channels, s.out_h, s.out_w};
  if (Shape(result.shape().begin(), result.shape().end()) != expected) {
    die("%s returned shape %s, but its output-size function gives %s", function,
        tconv::format_shape(Shape(result.shape().begin(), result.shape().end())).c_str(),
        tconv::format_shape(expected).c_str());
  }
  if (!all_finite(c.input) || !all_finite(c.weight) || (c.bias && !all_finite(*c.bias))) return;
  const float* bias = c.bias ? c.bias->data() : nullptr;
  const Reference ref = transposed ? conv_transpose2d_reference(s, c.input.data(), c.weight.data(), bias)
                                   : conv2d_reference(s, c.input.data(), c.weight.data(), bias);
  compare(function, result.data(), result.size(), ref);
  if (transposed) {
    check_streamed(function, c, pt, result);  // pt.algorithm: the one that computed `result`
  } else {
    check_streamed(function, c, p2, result);
  }
  check_backward(c, transposed, s, ref);
}

}  // namespace

void fuzz_conv2d(Reader& in) { run_conv(in, false); }
void fuzz_conv_transpose2d(Reader& in) { run_conv(in, true); }

void fuzz_conv_matrix(Reader& in) {
  tconv::ConvMatrixParams p;
  p.input_size = {in.integer(1, 8), in.integer(1, 8)};
  p.kernel_size = {in.integer(1, 4), in.integer(1, 4)};
  p.stride = {in.integer(1, 3), in.integer(1, 3)};
  p.padding = {in.integer(0, 2), in.integer(0, 2)};
  p.dilation = {in.integer(1, 3), in.integer(1, 3)};
  const bool given = in.flag();
  const bool broken = in.rarely();
  describe("conv_matrix input_size=%s kernel_size=%s stride=%s padding=%s dilation=%s kernel=%s",
           tconv::format_pair(p.input_size).c_str(), tconv::format_pair(p.kernel_size).c_str(),
           tconv::format_pair(p.stride).c_str(), tconv::format_pair(p.padding).c_str(),
           tconv::format_pair(p.dilation).c_str(),
           broken  ? "wrong shape"
           : given ? "given"
                   : "1..kH·kW");

  // The kernel tensor is only built when small; a huge kernel_size goes without one.
  const bool small_kernel =
      p.kernel_size[0] >= 1 && p.kernel_size[0] <= 8 && p.kernel_size[1] >= 1 && p.kernel_size[1] <= 8;
  std::optional<xt::xtensor<float, 2>> kernel;
  if ((given || broken) && small_kernel) {
    const std::size_t kh = std::size_t(p.kernel_size[0]) + (broken ? 1 : 0), kw = std::size_t(p.kernel_size[1]);
    kernel = xt::xtensor<float, 2>::from_shape({kh, kw});
    for (float& v : *kernel) v = in.value(false);
  }
  const auto call = [&] { return tconv::conv_matrix(p, kernel); };
  const auto out = attempt("conv2d", Expect::either, [&] {
    return tconv::conv2d_output_size(p.input_size, p.kernel_size, {p.stride, p.padding, p.dilation, 1});
  });
  if (!out || (broken && small_kernel)) {
    attempt("conv_matrix", Expect::failure, call);
    return;
  }
  const std::uint64_t rows = product({std::uint64_t((*out)[0]), std::uint64_t((*out)[1])});
  const std::uint64_t cols = product({std::uint64_t(p.input_size[0]), std::uint64_t(p.input_size[1])});
  const std::uint64_t taps = product({std::uint64_t(p.kernel_size[0]), std::uint64_t(p.kernel_size[1])});
  if (product({rows, cols}) > tconv::kMaxElements || taps > tconv::kMaxElements) {
    attempt("conv_matrix", Expect::failure, call);
    return;
  }
  if (product({rows, cols}) > kMaxResult || product({rows, taps}) > kMaxWork || !small_kernel) return;

  const tconv::ConvMatrix m = *attempt("conv_matrix", Expect::success, call);
  require(m.matrix.shape()[0] == rows && m.matrix.shape()[1] == cols,
          "conv_matrix: matrix shape is not (Hout·Wout, H·W)");
  require(m.source.shape() == m.matrix.shape(), "conv_matrix: source and matrix differ in shape");
  // Every entry is the kernel weight its source names, or a structural zero.
  const std::size_t kw = std::size_t(p.kernel_size[1]);
  xt::xarray<float> weight = xt::xarray<float>::from_shape({1, 1, std::size_t(p.kernel_size[0]), kw});
  for (std::size_t t = 0; t < weight.size(); ++t) weight.data()[t] = kernel ? kernel->data()[t] : float(t + 1);
  for (std::size_t i = 0; i < m.matrix.size(); ++i) {
    const std::int32_t tap = m.source.data()[i];
    if (tap < -1 || tap >= std::int64_t(weight.size())) die("conv_matrix: source %d is not a kernel tap", tap);
    if (m.matrix.data()[i] != (tap < 0 ? 0.0f : weight.data()[tap])) {
      die("conv_matrix: entry %zu is %g but its source is tap %d", i, double(m.matrix.data()[i]), tap);
    }
  }
  // C·vec(x) = vec(conv2d(x)), single channel.
  const xt::xarray<float> x = in.tensor({1, 1, std::size_t(p.input_size[0]), std::size_t(p.input_size[1])}, false);
  const xt::xarray<float> y = *attempt("conv2d", Expect::success, [&] {
    return tconv::conv2d(x, weight, std::nullopt, {p.stride, p.padding, p.dilation, 1});
  });
  require(y.size() == rows, "conv2d's output size differs from conv_matrix's row count");
  Reference product_cx;
  product_cx.value.assign(rows, 0.0);
  product_cx.magnitude.assign(rows, 0.0);
  product_cx.terms = taps;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t col = 0; col < cols; ++col) {
      const double t = double(m.matrix(r, col)) * double(x.data()[col]);
      product_cx.value[r] += t;
      product_cx.magnitude[r] += std::fabs(t);
    }
  }
  compare("conv2d against C·vec(x) of conv_matrix", y.data(), y.size(), product_cx);
}

}  // namespace fuzz
