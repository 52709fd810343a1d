// conv2d_streamed and conv_transpose2d_streamed, and their *_streamable
// (tconv/conv.hpp): a convolution whose input and result pass through a
// RowStream a band of rows at a time. A hand-worked example, the same bits as
// conv2d / conv_transpose2d over random geometries (several bands, channel
// blocks, groups, batches, padding, dilation, strides), what the stream is
// asked for (rows inside the input, every result row exactly once), which
// calls they take, and their errors.
#include <cstring>
#include <map>
#include <tuple>

#include "conv_reference.hpp"
#include "helpers.hpp"
#include "tconv/conv.hpp"

namespace tconv {
namespace {

using test::random_tensor;

/// A RowStream over tensors that records what it is asked for.
class TensorStream final : public RowStream {
 public:
  TensorStream(const xt::xarray<float>& input, Shape result_shape)
      : input_(input), batched_(input.dimension() == 4), result(xt::xarray<float>::from_shape(result_shape)) {
    result.fill(std::numeric_limits<float>::quiet_NaN());
  }

  void read_input(std::size_t n, std::size_t channel, std::size_t channels, std::size_t row, std::size_t rows,
                  float* to) override {
    const auto [batch, c_all, h, w] = dims(input_.shape());
    EXPECT_LT(n, batch);
    EXPECT_LE(channel + channels, c_all);
    EXPECT_GT(rows, 0u);
    EXPECT_LE(row + rows, h);
    for (std::size_t c = 0; c < channels; ++c) {
      const float* from = input_.data() + ((n * c_all + channel + c) * h + row) * w;
      std::memcpy(to + c * rows * w, from, rows * w * sizeof(float));
    }
    rows_read += channels * rows;
  }

  void write_result(std::size_t n, std::size_t channel, std::size_t channels, std::size_t row, std::size_t rows,
                    const float* from) override {
    const auto [batch, c_all, h, w] = dims(result.shape());
    ASSERT_LT(n, batch);
    ASSERT_LE(channel + channels, c_all);
    ASSERT_LE(row + rows, h);
    for (std::size_t c = 0; c < channels; ++c) {
      for (std::size_t r = 0; r < rows; ++r) ++writes[{n, channel + c, row + r}];
      std::memcpy(result.data() + ((n * c_all + channel + c) * h + row) * w, from + c * rows * w,
                  rows * w * sizeof(float));
    }
  }

  std::size_t rows_read = 0;
  xt::xarray<float> result;
  std::map<std::tuple<std::size_t, std::size_t, std::size_t>, int> writes;  // (n, channel, row) → times written

 private:
  template <class S>
  std::array<std::size_t, 4> dims(const S& s) const {
    return batched_ ? std::array<std::size_t, 4>{s[0], s[1], s[2], s[3]}
                    : std::array<std::size_t, 4>{1, s[0], s[1], s[2]};
  }
  const xt::xarray<float> input_;  // a copy: a stream may outlive the tensor it was made from
  bool batched_;
};

Shape shape_of(const xt::xarray<float>& t) { return Shape(t.shape().begin(), t.shape().end()); }

/// conv2d_streamed through a TensorStream.
TensorStream streamed(const xt::xarray<float>& x, const xt::xarray<float>& w, const std::optional<xt::xarray<float>>& b,
                      const Conv2dParams& p) {
  TensorStream stream(x, shape_of(conv2d(x, w, b, p)));
  const Shape shape = conv2d_streamed(shape_of(x), w, b, p, stream);
  EXPECT_EQ(shape, shape_of(stream.result));
  return stream;
}

/// *_streamable for zero tensors of these shapes (bias: null for none).
std::optional<Shape> offered(const Shape& x, const Shape& w, const Shape* bias, const Conv2dParams& p = {}) {
  const auto b = bias ? std::optional<xt::xarray<float>>(xt::zeros<float>(*bias)) : std::nullopt;
  return conv2d_streamable(x, xt::zeros<float>(w), b, p);
}
std::optional<Shape> offered_transposed(const Shape& x, const Shape& w, const Shape* bias,
                                        const ConvTranspose2dParams& p = {}) {
  const auto b = bias ? std::optional<xt::xarray<float>>(xt::zeros<float>(*bias)) : std::nullopt;
  return conv_transpose2d_streamable(x, xt::zeros<float>(w), b, p);
}

bool same_bits(const xt::xarray<float>& a, const xt::xarray<float>& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/// The stream's result has `expected`'s bits, and it got every result row exactly once.
::testing::AssertionResult whole_and_same(const TensorStream& s, const xt::xarray<float>& expected) {
  if (!same_bits(s.result, expected)) return ::testing::AssertionFailure() << "other bits";
  if (s.writes.size() != s.result.size() / s.result.shape().back()) {
    return ::testing::AssertionFailure() << s.writes.size() << " result rows handed over";
  }
  for (const auto& [row, times] : s.writes) {
    if (times != 1) return ::testing::AssertionFailure() << "a result row handed over " << times << " times";
  }
  return ::testing::AssertionSuccess();
}

TEST(conv2d_streamed, a_row_by_hand) {
  // 1×1×1×5 input 1..5, a 1×2 kernel of ones, bias 0.5: the sums of neighbours plus 0.5.
  const xt::xarray<float> x = test::tensor({1, 1, 1, 5}, {1, 2, 3, 4, 5});
  const xt::xarray<float> w = test::tensor({1, 1, 1, 2}, {1, 1});
  const TensorStream s = streamed(x, w, test::vector_of({0.5f}), {});
  EXPECT_EQ(s.result, (xt::xarray<float>{{{{3.5f, 5.5f, 7.5f, 9.5f}}}}));
  EXPECT_EQ(s.rows_read, 1u);
}

TEST(conv2d_streamed, gives_conv2d_bits_and_each_result_row_once) {
  // Widths up to 2100 make bands of a few rows (a band holds at most 256 KB
  // of one channel block's results), 1–9 output channels per group make
  // blocks of 4 and their remainders.
  std::mt19937 rng(16);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int checked = 0;
  for (int trial = 0; trial < 120; ++trial) {
    Conv2dParams p;
    p.groups = pick(1, 3);
    p.stride = {pick(1, 3), 1};
    p.padding = {pick(0, 3), pick(0, 2)};
    p.dilation = {pick(1, 2), pick(1, 2)};
    const std::size_t gin = std::size_t(pick(1, 3)), gout = std::size_t(pick(1, 9));
    const std::size_t kh = std::size_t(pick(1, 5)), kw = std::size_t(pick(1, 4));
    const std::size_t h = std::size_t(pick(1, 40)), w = std::size_t(trial % 3 ? pick(4, 60) : pick(1000, 2100));
    const std::size_t groups = std::size_t(p.groups);
    const Shape in_shape =
        trial % 5 == 0 ? Shape{gin * groups, h, w} : Shape{std::size_t(pick(1, 2)), gin * groups, h, w};
    const Shape w_shape{gout * groups, gin, kh, kw};
    const auto x = random_tensor(in_shape, rng);
    const auto k = random_tensor(w_shape, rng);
    const std::optional<xt::xarray<float>> bias =
        trial % 2 ? std::optional<xt::xarray<float>>(random_tensor({gout * groups}, rng)) : std::nullopt;
    std::optional<TensorStream> s;
    try {
      s.emplace(streamed(x, k, bias, p));
    } catch (const InvalidArgument&) {
      continue;  // a kernel larger than the padded input, or a result narrower than 4
    }
    // conv2d_streamable offers the same shape from 16 Ki input elements.
    if (x.size() >= (16u << 10)) ASSERT_EQ(offered(in_shape, w_shape, nullptr, p), shape_of(s->result));
    ASSERT_TRUE(whole_and_same(*s, conv2d(x, k, bias, p))) << "trial " << trial;
    ++checked;
  }
  EXPECT_GT(checked, 60);
}

TEST(conv2d_streamed, reads_each_input_row_about_once) {
  // 3 → 3 channels, 3 × 3, 200 × 1024: bands of 16 rows re-read the two rows
  // their neighbours also need, so 1 + 2/16 of the input at most.
  std::mt19937 rng(17);
  Conv2dParams p;
  p.padding = {1, 1};
  const auto x = random_tensor({1, 3, 200, 1024}, rng);
  const auto w = random_tensor({3, 3, 3, 3}, rng);
  const TensorStream s = streamed(x, w, std::nullopt, p);
  EXPECT_TRUE(same_bits(s.result, conv2d(x, w, std::nullopt, p)));
  EXPECT_GE(s.rows_read, 3u * 200);
  EXPECT_LE(s.rows_read, 3u * 200 * 18 / 16 + 3 * 2);
}

TEST(conv2d_streamed, takes_the_calls_conv2d_computes_in_bands_from_16_ki_inputs) {
  const Shape x{1, 2, 100, 100}, w{3, 2, 3, 3};  // 20,000 input elements
  EXPECT_EQ(offered(x, w, nullptr), (Shape{1, 3, 98, 98}));
  Conv2dParams strided;
  strided.stride = {1, 2};  // column stride 2: another algorithm
  EXPECT_FALSE(offered(x, w, nullptr, strided));
  EXPECT_FALSE(offered({1, 2, 3000, 5}, w, nullptr));   // a 3-wide result: the direct loop
  EXPECT_FALSE(offered({0, 2, 100, 100}, w, nullptr));  // no rows at all
  // Below 16 Ki input elements: nothing, not even a check (conv2d checks it).
  EXPECT_FALSE(offered({1, 2, 90, 90}, w, nullptr));
  EXPECT_FALSE(offered({1, 5, 8, 8}, w, nullptr));  // wrong channels, unchecked
  // conv2d_streamed itself takes any size it can stream, and refuses the rest.
  const xt::xarray<float> wt = xt::zeros<float>(w);
  TensorStream small(xt::zeros<float>({1, 2, 8, 8}), {1, 3, 6, 6});
  conv2d_streamed({1, 2, 8, 8}, wt, std::nullopt, {}, small);
  EXPECT_EQ(small.writes.size(), 18u);
  TensorStream s(xt::zeros<float>({1, 2, 8, 8}), {1, 3, 6, 3});
  EXPECT_ERROR(conv2d_streamed({1, 2, 8, 8}, wt, std::nullopt, strided, s),
               "conv2d: input shape [1, 2, 8, 8] with these parameters is not computed in bands of rows");
  EXPECT_TRUE(s.writes.empty());
}

TEST(conv2d_streamed, checks_its_arguments_as_conv2d_does) {
  const Shape big{1, 3, 128, 128}, bigger{1, 4, 128, 128};
  const xt::xarray<float> x = xt::zeros<float>(big);
  const xt::xarray<float> w = xt::zeros<float>({4, 2, 3, 3});
  const Shape bias{3};
  const std::string expected = test::error_of([&] { conv2d(x, w); });
  EXPECT_THAT(expected, ::testing::HasSubstr("input has 3 channels"));
  EXPECT_EQ(test::error_of([&] { offered(big, {4, 2, 3, 3}, nullptr); }), expected);
  EXPECT_EQ(test::error_of([&] {
              offered(bigger, {4, 2, 3, 3}, &bias, {});
            }),
            test::error_of([&] { conv2d(xt::zeros<float>(bigger), w, xt::xarray<float>(xt::zeros<float>(bias))); }));
  TensorStream s(x, {1, 4, 126, 126});
  EXPECT_EQ(test::error_of([&] { conv2d_streamed(big, w, std::nullopt, {}, s); }), expected);
  EXPECT_EQ(s.rows_read, 0u);
}

/// conv_transpose2d_streamed through a TensorStream.
TensorStream streamed_transposed(const xt::xarray<float>& x, const xt::xarray<float>& w,
                                 const std::optional<xt::xarray<float>>& b, const ConvTranspose2dParams& p) {
  TensorStream stream(x, shape_of(conv_transpose2d(x, w, b, p)));
  const Shape shape = conv_transpose2d_streamed(shape_of(x), w, b, p, stream);
  EXPECT_EQ(shape, shape_of(stream.result));
  return stream;
}

TEST(conv_transpose2d_streamed, a_row_by_hand) {
  // 1×1×1×3 input (1, 2, 3), a 1×2 kernel (1, 10) at stride 2, bias 0.5:
  // each input pixel x writes x and 10·x side by side, plus 0.5.
  ConvTranspose2dParams p;
  p.stride = {1, 2};
  p.algorithm = ConvAlgorithm::direct;
  const xt::xarray<float> x = test::tensor({1, 1, 1, 3}, {1, 2, 3});
  const xt::xarray<float> w = test::tensor({1, 1, 1, 2}, {1, 10});
  const TensorStream s = streamed_transposed(x, w, test::vector_of({0.5f}), p);
  EXPECT_EQ(s.result, (xt::xarray<float>{{{{1.5f, 10.5f, 2.5f, 20.5f, 3.5f, 30.5f}}}}));
}

TEST(conv_transpose2d_streamed, gives_conv_transpose2d_bits_and_each_result_row_once) {
  std::mt19937 rng(18);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int checked = 0;
  for (int trial = 0; trial < 150; ++trial) {
    ConvTranspose2dParams p;
    p.groups = pick(1, 3);
    p.stride = {pick(1, 3), pick(1, 2)};
    p.dilation = {pick(1, 2), pick(1, 2)};
    p.padding = {pick(0, 2), pick(0, 2)};
    p.output_padding = {pick(0, 1) * (p.stride[0] > 1), pick(0, 1) * (p.stride[1] > 1)};
    p.algorithm = trial % 2 ? ConvAlgorithm::direct : ConvAlgorithm::automatic;
    const std::size_t gin = std::size_t(pick(1, 3)), gout = std::size_t(pick(1, 9));
    const std::size_t kh = std::size_t(pick(1, 5)), kw = std::size_t(pick(1, 4));
    const std::size_t h = std::size_t(pick(1, 30)), w = std::size_t(trial % 3 ? pick(2, 50) : pick(500, 1100));
    const std::size_t groups = std::size_t(p.groups);
    const Shape in_shape =
        trial % 5 == 0 ? Shape{gin * groups, h, w} : Shape{std::size_t(pick(1, 2)), gin * groups, h, w};
    const Shape w_shape{gin * groups, gout, kh, kw};
    const auto x = random_tensor(in_shape, rng);
    const auto k = random_tensor(w_shape, rng);
    const std::optional<xt::xarray<float>> bias =
        trial % 4 ? std::optional<xt::xarray<float>>(random_tensor({gout * groups}, rng)) : std::nullopt;
    std::optional<TensorStream> s;
    try {
      s.emplace(streamed_transposed(x, k, bias, p));
    } catch (const InvalidArgument&) {
      continue;  // padding larger than the output, or another algorithm
    }
    if (x.size() >= (16u << 10)) {
      ASSERT_EQ(offered_transposed(in_shape, w_shape, nullptr, p), shape_of(s->result));
    }
    ASSERT_TRUE(whole_and_same(*s, conv_transpose2d(x, k, bias, p))) << "trial " << trial;
    ++checked;
  }
  EXPECT_GT(checked, 60);
}

TEST(conv_transpose2d_streamed, takes_the_calls_computed_with_the_fused_rows) {
  ConvTranspose2dParams s2;
  s2.stride = {2, 2};
  s2.padding = {1, 1};
  // 3 → 3 channels, 80² → 160²: automatic picks the fused rows.
  EXPECT_EQ(offered_transposed({1, 3, 80, 80}, {3, 3, 4, 4}, nullptr, s2), (Shape{1, 3, 160, 160}));
  // 16 input channels: a matrix product; column stride 3: phase buffers; no batch: no rows.
  EXPECT_FALSE(offered_transposed({1, 16, 64, 64}, {16, 3, 4, 4}, nullptr, s2));
  ConvTranspose2dParams s3 = s2;
  s3.stride = {2, 3};
  EXPECT_FALSE(offered_transposed({1, 3, 80, 80}, {3, 3, 4, 4}, nullptr, s3));
  EXPECT_FALSE(offered_transposed({0, 3, 80, 80}, {3, 3, 4, 4}, nullptr, s2));
  // 2×2 → 4×4 (the explainer): below 16 Ki input elements, nothing; asked for, its
  // scatter is no band either.
  ConvTranspose2dParams direct = s2;
  direct.algorithm = ConvAlgorithm::direct;
  EXPECT_FALSE(offered_transposed({1, 1, 2, 2}, {1, 1, 4, 4}, nullptr, direct));
  const xt::xarray<float> w = xt::zeros<float>({1, 1, 4, 4});
  TensorStream small(xt::zeros<float>({1, 1, 2, 2}), {1, 1, 4, 4});
  conv_transpose2d_streamed({1, 1, 2, 2}, w, std::nullopt, direct, small);
  EXPECT_EQ(small.writes.size(), 4u);
  TensorStream s(xt::zeros<float>({1, 1, 2, 2}), {1, 1, 4, 4});
  EXPECT_ERROR(conv_transpose2d_streamed({1, 1, 2, 2}, w, std::nullopt, s2, s),
               "conv_transpose2d: input shape [1, 1, 2, 2] with these parameters is not computed in bands of rows");
  EXPECT_TRUE(s.writes.empty());
}

TEST(conv_transpose2d_streamed, checks_its_arguments_as_conv_transpose2d_does) {
  const Shape big{1, 3, 128, 128}, bigger{1, 4, 128, 128};
  const xt::xarray<float> x = xt::zeros<float>(big);
  const xt::xarray<float> w = xt::zeros<float>({4, 2, 3, 3});
  const std::string expected = test::error_of([&] { conv_transpose2d(x, w); });
  EXPECT_THAT(expected, ::testing::HasSubstr("input has 3 channels"));
  EXPECT_EQ(test::error_of([&] { offered_transposed(big, {4, 2, 3, 3}, nullptr); }), expected);
  ConvTranspose2dParams p;
  p.output_padding = {1, 0};
  const std::string output_padding =
      test::error_of([&] { conv_transpose2d(xt::zeros<float>(bigger), w, std::nullopt, p); });
  EXPECT_THAT(output_padding, ::testing::HasSubstr("output_padding"));
  EXPECT_EQ(test::error_of([&] { offered_transposed(bigger, {4, 2, 3, 3}, nullptr, p); }), output_padding);
  TensorStream s(x, {1, 2, 130, 130});
  EXPECT_EQ(test::error_of([&] { conv_transpose2d_streamed(big, w, std::nullopt, {}, s); }), expected);
  EXPECT_EQ(s.rows_read, 0u);
}

}  // namespace
}  // namespace tconv
