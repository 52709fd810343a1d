// ConvPlan (tconv/conv.hpp): a conv2d or conv_transpose2d checked once for
// its shapes and run on any data of those shapes. The seed examples by hand,
// one plan run on several tensors against the functions (bit for bit) and
// the definitions (with the bias) over random geometries and every transposed algorithm, the
// same messages as the functions for bad calls, and a plan that holds no memory.
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>
#include <xtensor/xview.hpp>

#include "conv_reference.hpp"
#include "helpers.hpp"
#include "tconv/conv.hpp"

namespace tconv {
namespace {

using test::error_of;
using test::kSeedInput;
using test::kSeedKernel;
using test::random_tensor;

// The JS API keeps a plan between calls and promises that the heap is back
// where it was after each one: a plan must own nothing.
static_assert(std::is_trivially_copyable_v<ConvPlan> && std::is_trivially_destructible_v<ConvPlan>);

Shape shape_of(const xt::xarray<float>& t) { return Shape(t.shape().begin(), t.shape().end()); }

std::vector<std::size_t> dims_of(const ConvPlan::ResultShape& shape) {
  return std::vector<std::size_t>(shape.begin(), shape.end());
}

// plan.run into a NaN-filled tensor (every element must be written).
xt::xarray<float> run(const ConvPlan& plan, const xt::xarray<float>& x, const xt::xarray<float>& w,
                      const std::optional<xt::xarray<float>>& bias, WeightCache* cache = nullptr) {
  const ConvPlan::ResultShape shape = plan.result_shape();
  xt::xarray<float> y = xt::xarray<float>::from_shape(dims_of(shape));
  y.fill(std::numeric_limits<float>::quiet_NaN());
  plan.run(x.data(), w.data(), bias ? bias->data() : nullptr, y.data(), cache);
  return y;
}

// A reference result (N, C, H, W) plus each channel's bias.
xt::xarray<float> with_bias(xt::xarray<float> y, const std::optional<xt::xarray<float>>& bias) {
  if (bias) y += xt::view(*bias, xt::all(), xt::newaxis(), xt::newaxis());
  return y;
}

bool same_bits(const xt::xarray<float>& a, const xt::xarray<float>& b) {
  // An empty tensor's data may be null, which memcmp must not get.
  return a.shape() == b.shape() && (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

// `plan` run on three sets of random tensors of its shapes: each result must
// have the bits of `function` (the public call) and, for a batched result with
// elements, the values of `reference` (a definition, without the bias) plus the bias.
template <class Function, class Reference>
void runs_as(const ConvPlan& plan, const Shape& input, const Shape& weight,
             const std::optional<xt::xarray<float>>& bias, std::mt19937& rng, Function function, Reference reference,
             int trial) {
  for (int set = 0; set < 3; ++set) {
    const auto x = random_tensor(input, rng);
    const auto w = random_tensor(weight, rng);
    const auto y = run(plan, x, w, bias);
    ASSERT_TRUE(same_bits(y, function(x, w))) << "trial " << trial << ", set " << set;
    if (input.size() == 4 && y.size() > 0) {  // xtensor's allclose must not see an empty tensor
      ASSERT_TRUE(xt::allclose(y, with_bias(reference(x, w, y), bias), 1e-4, 1e-5)) << "trial " << trial;
    }
  }
}

TEST(ConvPlan, seed_examples_by_hand) {
  const ConvPlan conv = ConvPlan::conv2d({1, 1, 4, 4}, kSeedKernel, std::nullopt, {});
  EXPECT_EQ(dims_of(conv.result_shape()), (std::vector<std::size_t>{1, 1, 2, 2}));
  EXPECT_EQ(conv.result_size(), 4u);
  EXPECT_EQ(conv.input_size(), 16u);
  // conv2d's seed example (test_conv.cpp): top-left 4·1 + 5·4 + 8·1 + … = 122.
  const xt::xarray<float> expected = {{{{122, 148}, {126, 134}}}};
  EXPECT_EQ(run(conv, kSeedInput, kSeedKernel, std::nullopt), expected);

  const ConvPlan transposed = ConvPlan::conv_transpose2d({1, 2, 2}, kSeedKernel, std::nullopt, {});
  EXPECT_EQ(dims_of(transposed.result_shape()), (std::vector<std::size_t>{1, 4, 4}));  // unbatched stays rank 3
  EXPECT_EQ(transposed.result_size(), 16u);
  EXPECT_EQ(transposed.input_size(), 4u);
  // Each input value paints a scaled copy of the kernel; output(0, 1) = 2·4 + 1·1 = 9.
  const xt::xarray<float> y = {{{2, 1}, {4, 4}}};
  const xt::xarray<float> painted = {{{2, 9, 6, 1}, {6, 29, 30, 7}, {10, 29, 33, 13}, {12, 24, 16, 4}}};
  EXPECT_EQ(run(transposed, y, kSeedKernel, std::nullopt), painted);
}

// One plan, three sets of tensors: each run gives the function's bits, so a
// plan keeps nothing of the data it ran on, and its shape-made geometry is the function's.
TEST(ConvPlan, one_plan_runs_any_data_of_its_shapes) {
  std::mt19937 rng(71);
  std::uniform_int_distribution<int> small(1, 3);
  int conv_compared = 0, transposed_compared = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t groups = std::size_t(small(rng)), group_in = std::size_t(small(rng) + (trial % 7 == 0 ? 16 : 0));
    const std::size_t group_out = std::size_t(small(rng)), batch = std::size_t(rng() % 3);  // 0: an empty batch
    const bool unbatched = trial % 5 == 0, has_bias = trial % 4 < 2;
    const std::size_t h = 1 + rng() % (trial % 3 == 0 ? 40 : 7), w = 1 + rng() % (trial % 3 == 0 ? 40 : 7);
    const std::size_t kh = std::size_t(small(rng)), kw = std::size_t(small(rng) + 1);
    const Shape input = unbatched ? Shape{groups * group_in, h, w} : Shape{batch, groups * group_in, h, w};
    const std::optional<xt::xarray<float>> bias =
        has_bias ? std::optional(random_tensor({groups * group_out}, rng)) : std::nullopt;
    if (trial % 2 == 0) {
      Conv2dParams p;
      p.stride = {small(rng), small(rng)};
      p.padding = {std::int64_t(rng() % 3), std::int64_t(rng() % 3)};
      p.dilation = {small(rng) % 2 + 1, 1};
      p.groups = std::int64_t(groups);
      const auto weight = random_tensor({groups * group_out, group_in, kh, kw}, rng);
      std::optional<ConvPlan> plan;
      try {
        plan = ConvPlan::conv2d(input, weight, bias, p);
      } catch (const InvalidArgument&) {
        continue;  // the dilated kernel reaches past the padded input
      }
      runs_as(
          *plan, input, shape_of(weight), bias, rng, [&](auto& x, auto& w) { return conv2d(x, w, bias, p); },
          [&](auto& x, auto& w, auto&) { return test::naive_conv2d(x, w, p); }, trial);
      ++conv_compared;
    } else {
      ConvTranspose2dParams p;
      p.stride = {small(rng), small(rng)};
      p.padding = {std::int64_t(rng() % 3), std::int64_t(rng() % 2)};
      p.output_padding = {std::int64_t(rng() % std::uint64_t(p.stride[0])), 0};
      p.groups = std::int64_t(groups);
      const ConvAlgorithm algorithms[] = {ConvAlgorithm::automatic, ConvAlgorithm::scatter, ConvAlgorithm::direct,
                                          ConvAlgorithm::gemm, ConvAlgorithm::gemm_columns};
      p.algorithm = algorithms[trial % 5];
      const auto weight = random_tensor({groups * group_in, group_out, kh, kw}, rng);
      std::optional<ConvPlan> plan;
      try {
        plan = ConvPlan::conv_transpose2d(input, weight, bias, p);
      } catch (const InvalidArgument&) {
        continue;  // the padding leaves no output
      }
      runs_as(
          *plan, input, shape_of(weight), bias, rng, [&](auto& x, auto& w) { return conv_transpose2d(x, w, bias, p); },
          [&](auto& x, auto& w, auto& y) {
            return test::scatter_reference(x, w, {std::int64_t(y.shape()[2]), std::int64_t(y.shape()[3])}, p);
          },
          trial);
      ++transposed_compared;
    }
  }
  EXPECT_GT(conv_compared, 100);
  EXPECT_GT(transposed_compared, 100);
}

TEST(ConvPlan, winograd_plans_use_the_weight_cache) {
  // The DCGAN-like layer that conv_transpose2d computes with Winograd products (kernel 4, stride 2).
  std::mt19937 rng(72);
  ConvTranspose2dParams p;
  p.stride = {2, 2};
  p.padding = {1, 1};
  p.algorithm = ConvAlgorithm::winograd;
  const auto weight = random_tensor({32, 16, 4, 4}, rng);
  const ConvPlan plan = ConvPlan::conv_transpose2d({2, 32, 6, 6}, weight, std::nullopt, p);
  WeightCache cache;
  for (int set = 0; set < 2; ++set) {
    const auto x = random_tensor({2, 32, 6, 6}, rng);
    EXPECT_TRUE(same_bits(run(plan, x, weight, std::nullopt, &cache), conv_transpose2d(x, weight, std::nullopt, p)));
    EXPECT_FALSE(cache.data.empty());
  }
}

// Each bad call gets from the plan the message the function gives: the checks are the same ones.
TEST(ConvPlan, checks_as_the_functions_do) {
  const auto zeros = [](Shape shape) { return xt::xarray<float>(xt::zeros<float>(shape)); };
  struct Case {
    Shape input, weight;
    std::optional<Shape> bias;
    std::int64_t stride, padding, dilation, groups;
  };
  const std::vector<Case> cases = {
      {{4, 4}, {4, 2, 3, 3}, std::nullopt, 1, 0, 1, 1},              // input rank
      {{1, 4, 4, 4}, {1, 3, 3}, std::nullopt, 1, 0, 1, 1},           // weight rank
      {{1, 3, 4, 4}, {4, 2, 3, 3}, std::nullopt, 1, 0, 1, 2},        // channels against groups
      {{1, 6, 4, 4}, {5, 2, 3, 3}, std::nullopt, 1, 0, 1, 3},        // out_channels against groups
      {{1, 4, 4, 4}, {4, 2, 3, 3}, std::nullopt, 1, 0, 1, 0},        // groups
      {{1, 4, 4, 4}, {4, 4, 3, 3}, Shape{3}, 1, 0, 1, 1},            // bias
      {{1, 4, 4, 4}, {4, 4, 3, 3}, Shape{4, 1}, 1, 0, 1, 1},         // bias rank
      {{1, 4, 4, 4}, {4, 4, 3, 3}, std::nullopt, 0, 0, 1, 1},        // stride
      {{1, 4, 4, 4}, {4, 4, 3, 3}, std::nullopt, 1, -1, 1, 1},       // padding
      {{1, 4, 4, 4}, {4, 4, 3, 3}, std::nullopt, 1, 0, 3, 1},        // conv2d: dilated kernel past the input
      {{1, 4, 4, 4}, {4, 4, 3, 3}, std::nullopt, 1, 9, 1, 1},        // conv_transpose2d: padding past the output
      {{1, 4, 0, 4}, {4, 4, 3, 3}, std::nullopt, 1, 0, 1, 1},        // an empty dimension
      {{1, 1, 4, 4}, {1, 1, 1, 1}, std::nullopt, 1, 1 << 14, 1, 1},  // conv2d: an output past the element limit
  };
  int failed = 0;
  for (const Case& c : cases) {
    const xt::xarray<float> x = zeros(c.input), w = zeros(c.weight);
    const std::optional<xt::xarray<float>> b = c.bias ? std::optional(zeros(*c.bias)) : std::nullopt;
    Conv2dParams p;
    p.stride = {c.stride, c.stride};
    p.padding = {c.padding, c.padding};
    p.dilation = {c.dilation, c.dilation};
    p.groups = c.groups;
    ConvTranspose2dParams t;
    t.stride = p.stride;
    t.padding = p.padding;
    t.dilation = p.dilation;
    t.groups = c.groups;
    const auto message = [](auto&& call) {
      try {
        call();
      } catch (const InvalidArgument& error) {
        return std::string(error.what());
      }
      return std::string();  // accepted
    };
    const std::string conv = message([&] { conv2d(x, w, b, p); });
    EXPECT_EQ(message([&] { ConvPlan::conv2d(c.input, w, b, p); }), conv) << format_shape(c.input);
    const std::string transposed = message([&] { conv_transpose2d(x, w, b, t); });
    EXPECT_EQ(message([&] { ConvPlan::conv_transpose2d(c.input, w, b, t); }), transposed) << format_shape(c.input);
    failed += !conv.empty() + !transposed.empty();
  }
  EXPECT_GT(failed, 20);  // nearly every case is refused by both functions
  // A requested algorithm is checked when the plan is made, as conv_transpose2d checks it.
  ConvTranspose2dParams winograd;
  winograd.algorithm = ConvAlgorithm::winograd;
  EXPECT_EQ(error_of([&] {
              ConvPlan::conv_transpose2d({1, 4, 4, 4}, zeros({4, 4, 3, 3}), std::nullopt, winograd);
            }),
            error_of([&] {
              conv_transpose2d(zeros({1, 4, 4, 4}), zeros({4, 4, 3, 3}), std::nullopt, winograd);
            }));
}

}  // namespace
}  // namespace tconv
