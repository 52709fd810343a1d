#include <xtensor/xio.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "helpers.hpp"
#include "tconv/backward.hpp"

namespace tconv {
namespace {

using test::dot;
using test::random_tensor;
using test::tensor;

// The article's example, as in conv_reference.hpp.
const xt::xarray<float> kSeedInput = {{{{4, 5, 8, 7}, {1, 8, 8, 8}, {3, 6, 6, 4}, {6, 5, 7, 8}}}};
const xt::xarray<float> kSeedKernel = {{{{1, 4, 1}, {1, 4, 3}, {3, 3, 1}}}};

TEST(conv2d_backward, seed_example_by_hand) {
  // out(i, j) = Σ x(i + a, j + b)·k(a, b). With a gradient of 1 on each of the
  // four outputs, weight (a, b) collects the 2×2 window of x at (a, b), and
  // x(r, c) collects the weights of every window covering it:
  // x(1, 1) is in all four windows, at taps (1, 1), (1, 0), (0, 1), (0, 0): 4 + 1 + 4 + 1.
  const xt::xarray<float> ones = xt::ones<float>({1, 1, 2, 2});
  const ConvGradients g = conv2d_backward(ones, kSeedInput, kSeedKernel);
  EXPECT_EQ(g.grad_weight, (xt::xarray<float>{{{{18, 29, 31}, {18, 28, 26}, {20, 24, 25}}}}));
  EXPECT_EQ(g.grad_input, (xt::xarray<float>{{{{1, 5, 5, 1}, {2, 10, 12, 4}, {4, 11, 11, 4}, {3, 6, 4, 1}}}}));
  EXPECT_EQ(g.grad_bias, test::vector_of({4}));
}

TEST(conv2d_backward, a_one_hot_gradient_traces_one_window) {
  // Only output (1, 0) matters: its window of x is weight's gradient, and the
  // kernel, placed where that window lies, is the input's.
  xt::xarray<float> g = xt::zeros<float>({1, 1, 2, 2});
  g(0, 0, 1, 0) = 1;
  const ConvGradients r = conv2d_backward(g, kSeedInput, kSeedKernel);
  EXPECT_EQ(r.grad_weight, (xt::xarray<float>{{{{1, 8, 8}, {3, 6, 6}, {6, 5, 7}}}}));
  EXPECT_EQ(r.grad_input, (xt::xarray<float>{{{{0, 0, 0, 0}, {1, 4, 1, 0}, {1, 4, 3, 0}, {3, 3, 1, 0}}}}));
}

TEST(conv2d_backward, stride_and_padding_by_hand) {
  // x = 1..9 (3×3), kernel 2×2, stride 2, padding 1: output (i, j) reads
  // padded rows 2i − 1 + a. Every input pixel is read by exactly one tap:
  // row 0 by a = 1 (i = 0), row 1 by a = 0 (i = 1), row 2 by a = 1 (i = 1).
  // So with a gradient of ones x(r, c) receives k(a(r), a(c)), and weight
  // (a, b) sums the pixels it read: (0, 0) only x(1, 1) = 5, (1, 1) the corners.
  // The transposed convolution needs output_padding 1 to give back 3 rows.
  const xt::xarray<float> x = {{{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}}};
  const xt::xarray<float> k = {{{{1, 2}, {3, 4}}}};
  Conv2dParams p;
  p.stride = {2, 2};
  p.padding = {1, 1};
  const ConvGradients g = conv2d_backward(xt::ones<float>({1, 1, 2, 2}), x, k, p);
  EXPECT_EQ(g.grad_input, (xt::xarray<float>{{{{4, 3, 4}, {2, 1, 2}, {4, 3, 4}}}}));
  EXPECT_EQ(g.grad_weight, (xt::xarray<float>{{{{5, 10}, {10, 20}}}}));
}

TEST(conv2d_backward, groups_keep_channels_apart) {
  // Two groups of one channel, 1×1 kernels (2, 3): each weight's gradient is
  // the dot product of its own channel with its own output gradient.
  const xt::xarray<float> x = {{{{1, 2}, {3, 4}}, {{10, 20}, {30, 40}}}};
  const xt::xarray<float> w = tensor({2, 1, 1, 1}, {2, 3});
  const xt::xarray<float> g = {{{{1, 0}, {0, 1}}, {{1, 1}, {0, 0}}}};
  Conv2dParams p;
  p.groups = 2;
  const ConvGradients r = conv2d_backward(g, x, w, p);
  EXPECT_EQ(r.grad_weight, tensor({2, 1, 1, 1}, {1 + 4, 10 + 20}));
  EXPECT_EQ(r.grad_input, (xt::xarray<float>{{{{2, 0}, {0, 2}}, {{3, 3}, {0, 0}}}}));
  EXPECT_EQ(r.grad_bias, test::vector_of({2, 2}));
}

TEST(conv2d_backward, unbatched_and_batched_agree) {
  // A batch sums the weight and bias gradients of its images and stacks the input gradients.
  std::mt19937 rng(3);
  const auto a = random_tensor({2, 5, 6}, rng), b = random_tensor({2, 5, 6}, rng);
  const auto w = random_tensor({3, 2, 2, 3}, rng);
  const auto ga = random_tensor({3, 4, 4}, rng), gb = random_tensor({3, 4, 4}, rng);
  const ConvGradients ra = conv2d_backward(ga, a, w), rb = conv2d_backward(gb, b, w);
  const ConvGradients both = conv2d_backward(xt::stack(xt::xtuple(ga, gb)), xt::stack(xt::xtuple(a, b)), w);
  ASSERT_EQ(ra.grad_input.dimension(), 3u);
  EXPECT_TRUE(xt::allclose(both.grad_input, xt::stack(xt::xtuple(ra.grad_input, rb.grad_input))));
  EXPECT_TRUE(xt::allclose(both.grad_weight, ra.grad_weight + rb.grad_weight, 1e-5, 1e-6));
  EXPECT_TRUE(xt::allclose(both.grad_bias, ra.grad_bias + rb.grad_bias, 1e-5, 1e-6));
}

TEST(conv_transpose2d_backward, the_seed_output_gradient_gives_back_the_seed_convolution) {
  // conv_transpose2d's input gradient is conv2d of the output gradient with
  // the same kernel: with the article's 4×4 as the gradient, the input
  // gradient is the article's 122, 148, 126, 134. Weight (a, b) collects
  // Σ y(i, j)·g(i + a, j + b), e.g. (0, 0): 2·4 + 1·5 + 4·1 + 4·8 = 49.
  const xt::xarray<float> y = {{{{2, 1}, {4, 4}}}};
  const ConvGradients g = conv_transpose2d_backward(kSeedInput, y, kSeedKernel);
  EXPECT_EQ(g.grad_input, (xt::xarray<float>{{{{122, 148}, {126, 134}}}}));
  EXPECT_EQ(g.grad_weight, (xt::xarray<float>{{{{49, 82, 87}, {46, 72, 64}, {56, 66, 76}}}}));
  EXPECT_EQ(g.grad_bias, test::vector_of({94}));
}

TEST(conv_transpose2d_backward, rows_that_output_padding_adds_beyond_the_stride_are_left_out) {
  // Stride 1, dilation 2, output_padding 1: a 1×1 input 5 paints its 2×2
  // kernel at (0, 0), (0, 2), (2, 0), (2, 2) of a 4×4 output whose last row
  // and column nothing reaches. The gradient reads g at those four places;
  // conv2d of the 4×4 g would give 2×2, of which only (0, 0) is the input's.
  const xt::xarray<float> x = tensor({1, 1, 1, 1}, {5});
  const xt::xarray<float> k = {{{{1, 2}, {3, 4}}}};
  xt::xarray<float> g = xt::arange<float>(16);
  g.reshape({1, 1, 4, 4});
  ConvTranspose2dParams p;
  p.dilation = {2, 2};
  p.output_padding = {1, 1};
  const ConvGradients r = conv_transpose2d_backward(g, x, k, p);
  EXPECT_EQ(r.grad_input, tensor({1, 1, 1, 1}, {1 * 0 + 2 * 2 + 3 * 8 + 4 * 10}));
  EXPECT_EQ(r.grad_weight, (xt::xarray<float>{{{{0, 10}, {40, 50}}}}));
  EXPECT_EQ(r.grad_bias, test::vector_of({120}));
}

// ---------------------------------------------------------------- against the chain rule

struct Gradients {
  xt::xarray<double> input, weight, bias;
};

// Both forwards as one loop over the products w·x that make an output value
// (conv2d: out(n, oc, oh, ow) += w(oc, i, a, b)·x(n, ic, ih, iw); the
// transposed convolution the same with the roles of its input and output
// swapped): each product sends g·w to its x and g·x to its w.
Gradients chain_rule(bool transposed, const xt::xarray<float>& gy, const xt::xarray<float>& x,
                     const xt::xarray<float>& w, Pair stride, Pair padding, Pair dilation, std::size_t groups) {
  Gradients r{xt::zeros<double>(x.shape()), xt::zeros<double>(w.shape()), xt::zeros<double>({gy.shape()[1]})};
  // "small" is the side of the conv2d with the stride: x for conv2d, the input for the transposed one.
  const xt::xarray<float>& large = transposed ? gy : x;
  const xt::xarray<float>& small = transposed ? x : gy;
  const std::size_t n_count = x.shape()[0], big_c = large.shape()[1], small_c = small.shape()[1];
  const std::size_t big_per_group = big_c / groups, small_per_group = small_c / groups;
  for (std::size_t n = 0; n < n_count; ++n)
    for (std::size_t sc = 0; sc < small_c; ++sc)
      for (std::size_t oh = 0; oh < small.shape()[2]; ++oh)
        for (std::size_t ow = 0; ow < small.shape()[3]; ++ow)
          for (std::size_t i = 0; i < big_per_group; ++i)
            for (std::size_t a = 0; a < w.shape()[2]; ++a)
              for (std::size_t b = 0; b < w.shape()[3]; ++b) {
                const std::int64_t ih = std::int64_t(oh) * stride[0] - padding[0] + std::int64_t(a) * dilation[0];
                const std::int64_t iw = std::int64_t(ow) * stride[1] - padding[1] + std::int64_t(b) * dilation[1];
                if (ih < 0 || iw < 0 || ih >= std::int64_t(large.shape()[2]) || iw >= std::int64_t(large.shape()[3]))
                  continue;
                const std::size_t bc = (sc / small_per_group) * big_per_group + i;
                const std::size_t h = std::size_t(ih), c = std::size_t(iw);
                // conv2d: w(sc, i, a, b), x = large, g = small. Transposed: w(sc, i, a, b)
                // with sc its input channel, i its output channel in the group, g = large.
                const double wv = w(sc, i, a, b), lv = large(n, bc, h, c), sv = small(n, sc, oh, ow);
                if (transposed) {
                  r.input(n, sc, oh, ow) += wv * lv;
                  r.weight(sc, i, a, b) += sv * lv;
                } else {
                  r.input(n, bc, h, c) += wv * sv;
                  r.weight(sc, i, a, b) += lv * sv;
                }
              }
  for (std::size_t n = 0; n < gy.shape()[0]; ++n)
    for (std::size_t c = 0; c < gy.shape()[1]; ++c) r.bias(c) += xt::sum(xt::view(gy, n, c))();
  return r;
}

void expect_gradients(const ConvGradients& got, const Gradients& want, const std::string& what) {
  EXPECT_TRUE(xt::allclose(xt::cast<double>(got.grad_input), want.input, 1e-4, 1e-4)) << what << ": grad_input";
  EXPECT_TRUE(xt::allclose(xt::cast<double>(got.grad_weight), want.weight, 1e-4, 1e-4)) << what << ": grad_weight";
  EXPECT_TRUE(xt::allclose(xt::cast<double>(got.grad_bias), want.bias, 1e-4, 1e-4)) << what << ": grad_bias";
}

TEST(backward, both_directions_follow_the_chain_rule_across_parameters) {
  std::mt19937 rng(12);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int checked[2] = {0, 0};
  for (int trial = 0; trial < 400; ++trial) {
    const bool transposed = trial % 2 == 1;
    const std::size_t groups = std::size_t(pick(1, 3)), gin = std::size_t(pick(1, 3)), gout = std::size_t(pick(1, 3));
    const std::size_t batch = std::size_t(pick(1, 2)), h = std::size_t(pick(1, 7)), w = std::size_t(pick(1, 7));
    const std::size_t kh = std::size_t(pick(1, 4)), kw = std::size_t(pick(1, 4));
    const Pair stride{pick(1, 3), pick(1, 3)}, padding{pick(0, 2), pick(0, 2)}, dilation{pick(1, 3), pick(1, 3)};
    const auto x = random_tensor({batch, gin * groups, h, w}, rng);
    const std::string what = "trial " + std::to_string(trial);
    if (transposed) {
      ConvTranspose2dParams p{stride, padding, {}, dilation, std::int64_t(groups)};
      for (int d = 0; d < 2; ++d) p.output_padding[d] = pick(0, int(std::max(stride[d], dilation[d])) - 1);
      const auto k = random_tensor({gin * groups, gout, kh, kw}, rng);
      Shape out;
      try {
        const auto y = conv_transpose2d(x, k, std::nullopt, p);
        out = Shape(y.shape().begin(), y.shape().end());
      } catch (const InvalidArgument&) {
        continue;  // padding leaves no output
      }
      const auto g = random_tensor(out, rng);
      expect_gradients(conv_transpose2d_backward(g, x, k, p),
                       chain_rule(true, g, x, k, stride, padding, dilation, groups), what);
    } else {
      const Conv2dParams p{stride, padding, dilation, std::int64_t(groups)};
      const auto k = random_tensor({gout * groups, gin, kh, kw}, rng);
      Shape out;
      try {
        const auto y = conv2d(x, k, std::nullopt, p);
        out = Shape(y.shape().begin(), y.shape().end());
      } catch (const InvalidArgument&) {
        continue;  // the dilated kernel does not fit
      }
      const auto g = random_tensor(out, rng);
      expect_gradients(conv2d_backward(g, x, k, p), chain_rule(false, g, x, k, stride, padding, dilation, groups),
                       what);
    }
    ++checked[transposed];
  }
  EXPECT_GT(checked[0], 100);
  EXPECT_GT(checked[1], 100);
}

TEST(backward, channel_rich_layers_follow_the_chain_rule) {
  // Enough channels for the matrix products: the weight gradient's blocks of
  // columns, conv2d's im2col path at column stride 2 (the transposed
  // convolution's input gradient) and the transposed one's own algorithms.
  std::mt19937 rng(13);
  struct Layer {
    std::size_t c_in, c_out, size, k;
    std::int64_t stride, padding;
  };
  for (const Layer& l : {Layer{40, 24, 6, 4, 2, 1}, Layer{17, 33, 9, 3, 2, 0}, Layer{20, 20, 11, 3, 1, 1}}) {
    const Pair s{l.stride, l.stride}, p{l.padding, l.padding};
    const auto x = random_tensor({2, l.c_in, l.size, l.size}, rng);
    const auto k = random_tensor({l.c_in, l.c_out, l.k, l.k}, rng);
    ConvTranspose2dParams tp{s, p, {}, {1, 1}, 1};
    const auto y = conv_transpose2d(x, k, std::nullopt, tp);
    const auto g = random_tensor(Shape(y.shape().begin(), y.shape().end()), rng);
    expect_gradients(conv_transpose2d_backward(g, x, k, tp), chain_rule(true, g, x, k, s, p, {1, 1}, 1),
                     "transposed " + std::to_string(l.c_in));
    // The same weight as conv2d's (out_channels = c_in) on an input of the transposed output's size.
    const Conv2dParams cp{s, p, {1, 1}, 1};
    const auto xc = random_tensor({2, l.c_out, y.shape()[2], y.shape()[3]}, rng);
    const auto yc = conv2d(xc, k, std::nullopt, cp);
    const auto gc = random_tensor(Shape(yc.shape().begin(), yc.shape().end()), rng);
    expect_gradients(conv2d_backward(gc, xc, k, cp), chain_rule(false, gc, xc, k, s, p, {1, 1}, 1),
                     "conv2d " + std::to_string(l.c_out));
  }
}

TEST(backward, gradients_are_adjoints_of_the_forward) {
  // conv2d is linear in x and in w: ⟨conv2d(x, w), g⟩ = ⟨x, grad_input⟩ = ⟨w, grad_weight⟩,
  // and the same for conv_transpose2d.
  std::mt19937 rng(14);
  const auto x = random_tensor({2, 6, 9, 7}, rng), w = random_tensor({4, 3, 3, 2}, rng);
  const Conv2dParams p{{2, 1}, {1, 2}, {1, 2}, 2};
  const auto y = conv2d(x, w, std::nullopt, p);
  const auto g = random_tensor(Shape(y.shape().begin(), y.shape().end()), rng);
  const ConvGradients r = conv2d_backward(g, x, w, p);
  const double forward = dot(y, g);
  EXPECT_NEAR(dot(x, r.grad_input), forward, 1e-4 * (1 + std::abs(forward)));
  EXPECT_NEAR(dot(w, r.grad_weight), forward, 1e-4 * (1 + std::abs(forward)));

  const auto wt = random_tensor({6, 2, 3, 2}, rng);
  const ConvTranspose2dParams tp{{2, 3}, {1, 0}, {1, 2}, {1, 1}, 3};
  const auto yt = conv_transpose2d(x, wt, std::nullopt, tp);
  const auto gt = random_tensor(Shape(yt.shape().begin(), yt.shape().end()), rng);
  const ConvGradients rt = conv_transpose2d_backward(gt, x, wt, tp);
  const double forward_t = dot(yt, gt);
  EXPECT_NEAR(dot(x, rt.grad_input), forward_t, 1e-4 * (1 + std::abs(forward_t)));
  EXPECT_NEAR(dot(wt, rt.grad_weight), forward_t, 1e-4 * (1 + std::abs(forward_t)));
}

TEST(conv2d, channel_rich_strided_layers_equal_the_definition) {
  // conv2d's im2col path (16+ channels per group, column stride > 1), which
  // computes conv_transpose2d's input gradient, element by element.
  std::mt19937 rng(15);
  for (const Pair stride : {Pair{1, 2}, Pair{2, 3}}) {
    const auto x = random_tensor({2, 32, 10, 13}, rng), w = random_tensor({8, 16, 3, 3}, rng);
    const Conv2dParams p{stride, {1, 2}, {2, 1}, 2};
    const auto y = conv2d(x, w, std::nullopt, p);
    xt::xarray<double> expected = xt::zeros<double>(y.shape());
    for (std::size_t n = 0; n < 2; ++n)
      for (std::size_t oc = 0; oc < 8; ++oc)
        for (std::size_t oh = 0; oh < y.shape()[2]; ++oh)
          for (std::size_t ow = 0; ow < y.shape()[3]; ++ow)
            for (std::size_t i = 0; i < 16; ++i)
              for (std::size_t a = 0; a < 3; ++a)
                for (std::size_t b = 0; b < 3; ++b) {
                  const std::int64_t ih = std::int64_t(oh) * stride[0] - 1 + std::int64_t(a) * 2;
                  const std::int64_t iw = std::int64_t(ow) * stride[1] - 2 + std::int64_t(b);
                  if (ih < 0 || iw < 0 || ih >= 10 || iw >= 13) continue;
                  expected(n, oc, oh, ow) += double(w(oc, i, a, b)) * x(n, (oc / 4) * 16 + i, ih, iw);
                }
    EXPECT_TRUE(xt::allclose(xt::cast<double>(y), expected, 1e-4, 1e-5)) << "stride " << format_pair(stride);
  }
}

// ---------------------------------------------------------------- arguments

TEST(conv2d_backward, grad_output_must_have_the_forward_output_shape) {
  const auto x = xt::zeros<float>({1, 1, 6, 6}), w = xt::zeros<float>({2, 1, 3, 3});
  EXPECT_ERROR(conv2d_backward(xt::zeros<float>({1, 2, 3, 3}), x, w),
               "conv2d_backward: grad_output shape [1, 2, 3, 3] must equal the output shape [1, 2, 4, 4] that "
               "conv2d gives for input [1, 1, 6, 6] and weight [2, 1, 3, 3]");
  // Unbatched input: an unbatched gradient.
  EXPECT_ERROR(conv2d_backward(xt::zeros<float>({1, 2, 4, 4}), xt::zeros<float>({1, 6, 6}), w),
               "grad_output shape [1, 2, 4, 4] must equal the output shape [2, 4, 4]");
  ConvTranspose2dParams p;
  p.stride = {2, 2};
  EXPECT_ERROR(conv_transpose2d_backward(xt::zeros<float>({1, 1, 4, 4}), xt::zeros<float>({1, 2, 2, 2}),
                                         xt::zeros<float>({2, 1, 3, 3}), p),
               "conv_transpose2d_backward: grad_output shape [1, 1, 4, 4] must equal the output shape [1, 1, 5, 5] "
               "that conv_transpose2d gives");
}

TEST(backward, input_and_weight_are_checked_by_the_forward_rules) {
  const auto g = xt::zeros<float>({1, 1, 2, 2});
  Conv2dParams p;
  p.groups = 0;
  EXPECT_ERROR(conv2d_backward(g, kSeedInput, kSeedKernel, p),
               "conv2d_backward: groups must be a positive integer, got 0");
  EXPECT_ERROR(conv2d_backward(g, xt::zeros<float>({4, 4}), kSeedKernel), "conv2d_backward: input must be 3-D");
  EXPECT_ERROR(conv2d_backward(g, xt::zeros<float>({1, 2, 4, 4}), kSeedKernel),
               "conv2d_backward: input has 2 channels but weight [1, 1, 3, 3]");
  p = {};
  p.dilation = {3, 3};
  EXPECT_ERROR(conv2d_backward(g, kSeedInput, kSeedKernel, p),
               "conv2d_backward: dilated kernel size (7, 7) is larger than padded input size (4, 4)");
  ConvTranspose2dParams t;
  t.stride = {2, 2};
  t.output_padding = {2, 0};
  EXPECT_ERROR(conv_transpose2d_backward(g, g, kSeedKernel, t),
               "conv_transpose2d_backward: output_padding (2, 0) must be smaller than either stride (2, 2)");
  EXPECT_ERROR(conv_transpose2d_backward(g, g, xt::zeros<float>({3, 3, 3})),
               "conv_transpose2d_backward: weight must be 4-D (in_channels, out_channels/groups, kH, kW)");
}

TEST(backward, an_empty_batch_has_zero_weight_and_bias_gradients) {
  const auto w = xt::ones<float>({2, 1, 3, 3});
  const ConvGradients r = conv2d_backward(xt::zeros<float>({0, 2, 2, 2}), xt::zeros<float>({0, 1, 4, 4}), w);
  EXPECT_EQ(r.grad_input.shape(), (std::vector<std::size_t>{0, 1, 4, 4}));
  EXPECT_EQ(r.grad_weight, xt::zeros<float>({2, 1, 3, 3}));
  EXPECT_EQ(r.grad_bias, xt::zeros<float>({2}));
  const ConvGradients t = conv_transpose2d_backward(xt::zeros<float>({0, 1, 6, 6}), xt::zeros<float>({0, 2, 4, 4}), w);
  EXPECT_EQ(t.grad_input.shape(), (std::vector<std::size_t>{0, 2, 4, 4}));
  EXPECT_EQ(t.grad_weight, xt::zeros<float>({2, 1, 3, 3}));
}

TEST(conv_transpose2d_backward, huge_stride_padding_and_dilation_cost_nothing_beyond_the_tensors) {
  // The forward's far-reaching cases (test_conv_transpose.cpp): the adjoint conv2d and
  // the weight gradient skip what lands on the padding instead of bordering with it.
  std::mt19937 rng(16);
  ConvTranspose2dParams wide;
  wide.stride = {kMaxInteger, 3};
  ConvTranspose2dParams far;
  far.padding = {std::int64_t(1) << 40, 1};
  far.dilation = {(std::int64_t(1) << 41) + 3, 2};
  const std::pair<ConvTranspose2dParams, Shape> cases[] = {{wide, {1, 16, 1, 9}}, {far, {1, 16, 4, 5}}};
  for (const auto& [p, shape] : cases) {
    const auto x = random_tensor(shape, rng), w = random_tensor({16, 2, 2, 3}, rng);
    const auto y = conv_transpose2d(x, w, std::nullopt, p);
    const auto g = random_tensor(Shape(y.shape().begin(), y.shape().end()), rng);
    const ConvGradients r =
        test::within_allocation_budget(std::size_t{2} << 20, [&] { return conv_transpose2d_backward(g, x, w, p); });
    expect_gradients(r, chain_rule(true, g, x, w, p.stride, p.padding, p.dilation, 1), format_shape(shape));
  }
}

}  // namespace
}  // namespace tconv
