#include <xtensor/xview.hpp>

#include "helpers.hpp"
#include "tconv/conv.hpp"
#include "tconv/conv_matrix.hpp"

namespace tconv {
namespace {

using test::random_tensor;

TEST(conv_matrix, seed_example_is_the_4x16_matrix) {
  // The seed's C: each row holds the 3×3 kernel laid along a 4-wide input,
  // shifted by one column (rows 0→1) or one input row (rows 0→2).
  const xt::xtensor<float, 2> kernel = {{1, 4, 1}, {1, 4, 3}, {3, 3, 1}};
  const ConvMatrix c = conv_matrix(ConvMatrixParams{}, kernel);
  const xt::xtensor<float, 2> expected = {{1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0, 0, 0, 0, 0},
                                          {0, 1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0, 0, 0, 0},
                                          {0, 0, 0, 0, 1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0},
                                          {0, 0, 0, 0, 0, 1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1}};
  EXPECT_EQ(c.matrix, expected);
  // Row 0 takes taps 0..2 from input columns 0..2, taps 3..5 from 4..6, 6..8 from 8..10.
  const xt::xtensor<std::int32_t, 1> row0 = {0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, -1, -1, -1, -1};
  const xt::xtensor<std::int32_t, 1> actual = xt::row(c.source, 0);
  EXPECT_EQ(actual, row0);
}

TEST(conv_matrix, default_kernel_numbers_the_taps) {
  ConvMatrixParams p;
  p.input_size = {3, 3};
  p.kernel_size = {2, 2};
  p.stride = {1, 1};
  const ConvMatrix c = conv_matrix(p);
  ASSERT_EQ(c.matrix.shape()[0], 4u);
  ASSERT_EQ(c.matrix.shape()[1], 9u);
  for (std::size_t i = 0; i < c.matrix.size(); ++i) {
    const int tap = c.source.data()[i];
    EXPECT_EQ(c.matrix.data()[i], tap < 0 ? 0.0f : float(tap + 1));
  }
}

// C·vec(x) = vec(conv2d(x)) and Cᵀ·vec(y) = vec(conv_transpose2d(y)) over a
// sweep of sizes, kernels, strides, paddings and dilations.
TEST(conv_matrix, multiplies_like_conv2d_and_its_transpose_like_conv_transpose2d) {
  std::mt19937 rng(3);
  int checked = 0;
  for (std::int64_t h : {1, 3, 4, 6})
    for (std::int64_t w : {2, 5})
      for (std::int64_t k : {1, 2, 3})
        for (std::int64_t s : {1, 2, 3})
          for (std::int64_t p : {0, 1, 2})
            for (std::int64_t d : {1, 2}) {
              ConvMatrixParams mp{{h, w}, {k, k + 1}, {s, s == 3 ? 1 : s}, {p, p == 2 ? 0 : p}, {d, 1}};
              const bool fits = h + 2 * mp.padding[0] >= d * (k - 1) + 1 && w + 2 * mp.padding[1] >= k + 1;
              if (!fits) continue;
              const auto kernel4 = random_tensor({1, 1, std::size_t(k), std::size_t(k + 1)}, rng);
              const xt::xtensor<float, 2> kernel = xt::view(kernel4, 0, 0);
              const ConvMatrix c = conv_matrix(mp, kernel);
              const auto x = random_tensor({1, 1, std::size_t(h), std::size_t(w)}, rng);
              const auto y = conv2d(x, kernel4, std::nullopt, Conv2dParams{mp.stride, mp.padding, mp.dilation, 1});
              const std::size_t rows = c.matrix.shape()[0], cols = c.matrix.shape()[1];
              ASSERT_EQ(rows, y.size());
              ASSERT_EQ(cols, x.size());
              for (std::size_t r = 0; r < rows; ++r) {
                double sum = 0;
                for (std::size_t col = 0; col < cols; ++col) sum += double(c.matrix(r, col)) * x.data()[col];
                EXPECT_NEAR(sum, y.data()[r], 1e-5);
              }
              // Cᵀ: output_padding recovers the input size the stride rounded away.
              ConvTranspose2dParams tp{mp.stride, mp.padding, {}, mp.dilation, 1};
              const std::int64_t kk[2] = {k, k + 1};
              for (int dim = 0; dim < 2; ++dim) {
                const std::int64_t in = dim == 0 ? h : w;
                tp.output_padding[dim] =
                    (in + 2 * mp.padding[dim] - mp.dilation[dim] * (kk[dim] - 1) - 1) % mp.stride[dim];
              }
              const auto up = conv_transpose2d(y, kernel4, std::nullopt, tp);
              ASSERT_EQ(up.size(), cols);
              for (std::size_t col = 0; col < cols; ++col) {
                double sum = 0;
                for (std::size_t r = 0; r < rows; ++r) sum += double(c.matrix(r, col)) * y.data()[r];
                EXPECT_NEAR(sum, up.data()[col], 1e-5);
              }
              ++checked;
            }
  EXPECT_GT(checked, 100);
}

TEST(conv_matrix, rejects_invalid_arguments) {
  ConvMatrixParams p;
  p.input_size = {0, 4};
  EXPECT_ERROR(conv_matrix(p), "conv_matrix: input_size (0, 4) must be positive integers");
  p = {};
  p.kernel_size = {3, 0};
  EXPECT_ERROR(conv_matrix(p), "conv_matrix: kernel_size (3, 0) must be positive integers");
  p = {};
  p.kernel_size = {5, 5};
  EXPECT_ERROR(conv_matrix(p), "conv_matrix: dilated kernel size (5, 5) is larger than padded input size (4, 4)");
  p = {};
  p.stride = {1, -2};
  EXPECT_ERROR(conv_matrix(p), "conv_matrix: stride (1, -2) must be positive integers");
  p = {};
  EXPECT_ERROR(conv_matrix(p, xt::xtensor<float, 2>(xt::zeros<float>({2, 3}))),
               "conv_matrix: kernel shape [2, 3] does not match kernel_size (3, 3)");
  // A 256×256 input: C would be 64516 × 65536, over the element limit.
  p.input_size = {256, 256};
  EXPECT_ERROR(conv_matrix(p), "conv_matrix: matrix shape [64516, 65536] has 4228120576 elements");
  // The message names the argument that made it so (issue 10).
  EXPECT_ERROR(conv_matrix(p), "(1 GiB of float32), from input_size (256, 256)");
  p.padding = {1, 0};
  EXPECT_ERROR(conv_matrix(p), "(1 GiB of float32), from input_size (256, 256) and padding (1, 0)");
  // Before any kernel of kernel_size is made (the JS binding converts one).
  p = {};
  p.kernel_size = {(1 << 30) - 1, 1};
  EXPECT_ERROR(conv_matrix_output_size(p),
               "conv_matrix: dilated kernel size (1073741823, 1) is larger than padded input size (4, 4)");
  p.kernel_size = {3, 3};
  EXPECT_EQ(conv_matrix_output_size(p), (Pair{2, 2}));
  p = {};
  p.input_size = {60000, 60000};
  EXPECT_ERROR(conv_matrix(p),
               "conv_matrix: output shape [59998, 59998] has 3599760004 elements, more than the limit "
               "of 268435456 (1 GiB of float32), from input_size (60000, 60000)");
}

}  // namespace
}  // namespace tconv
