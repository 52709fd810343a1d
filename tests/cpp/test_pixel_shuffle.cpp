#include <xtensor/xio.hpp>
#include <xtensor/xview.hpp>

#include "helpers.hpp"
#include "tconv/pixel_shuffle.hpp"

namespace tconv {
namespace {

TEST(pixel_shuffle, four_channels_become_one_2x2_block) {
  // Channel i·r + j of a pixel lands at offset (i, j) of its r×r block.
  const xt::xarray<float> x = test::tensor({1, 4, 1, 1}, {1, 2, 3, 4});
  EXPECT_EQ(pixel_shuffle(x, 2), (xt::xarray<float>{{{{1, 2}, {3, 4}}}}));
  EXPECT_EQ(pixel_unshuffle(pixel_shuffle(x, 2), 2), x);
}

TEST(pixel_shuffle, by_hand_with_two_output_channels_and_two_columns) {
  // input(c, 0, w) = 10·c + w, 8 channels, r = 2: output channel c' takes
  // channels 4c' … 4c' + 3; row i of each block holds channels 4c' + 2i, 4c' + 2i + 1
  // alternating along w.
  xt::xarray<float> x = xt::xarray<float>::from_shape({1, 8, 1, 2});
  for (std::size_t c = 0; c < 8; ++c)
    for (std::size_t w = 0; w < 2; ++w) x(0, c, 0, w) = float(10 * c + w);
  const xt::xarray<float> expected = {
      {{{0, 10, 1, 11}, {20, 30, 21, 31}}, {{40, 50, 41, 51}, {60, 70, 61, 71}}},
  };
  EXPECT_EQ(pixel_shuffle(x, 2), expected);
  EXPECT_EQ(pixel_unshuffle(expected, 2), x);
}

TEST(pixel_shuffle, leading_dimensions_are_batch_and_factor_one_is_the_identity) {
  std::mt19937 rng(1);
  const auto x = test::random_tensor({2, 3, 18, 2, 3}, rng);
  const auto y = pixel_shuffle(x, 3);
  EXPECT_EQ(y.shape(), (std::vector<std::size_t>{2, 3, 2, 6, 9}));
  EXPECT_EQ(xt::view(y, 1, 2), xt::view(pixel_shuffle(xt::view(x, 1, 2), 3), xt::all()));
  EXPECT_EQ(pixel_unshuffle(y, 3), x);
  EXPECT_EQ(pixel_shuffle(x, 1), x);
  const auto unbatched = test::random_tensor({4, 6, 4}, rng);
  EXPECT_EQ(pixel_unshuffle(unbatched, 2).shape(), (std::vector<std::size_t>{16, 3, 2}));
  EXPECT_EQ(pixel_shuffle(pixel_unshuffle(unbatched, 2), 2), unbatched);
}

TEST(pixel_shuffle, rejects_what_torch_rejects) {
  const auto x = xt::zeros<float>({1, 8, 3, 4});
  EXPECT_ERROR(pixel_shuffle(x, 0), "pixel_shuffle: upscale_factor must be a positive integer, got 0");
  EXPECT_ERROR(
      pixel_shuffle(x, 3),
      "pixel_shuffle: input's channels (dimension -3) 8 must be divisible by the square of upscale_factor 3 (9)");
  EXPECT_ERROR(pixel_shuffle(xt::zeros<float>({4, 4}), 2),
               "pixel_shuffle: input must have at least 3 dimensions (*, C, H, W), got 2-D shape [4, 4]");
  EXPECT_ERROR(pixel_unshuffle(x, 2),
               "pixel_unshuffle: input's height (dimension -2) 3 must be divisible by downscale_factor 2");
  EXPECT_ERROR(pixel_unshuffle(x, 3),
               "pixel_unshuffle: input's width (dimension -1) 4 must be divisible by downscale_factor 3");
  EXPECT_ERROR(pixel_unshuffle(x, -1), "pixel_unshuffle: downscale_factor must be a positive integer, got -1");
  // A factor whose square passes int64 is still exact (and still not a divisor).
  EXPECT_ERROR(pixel_shuffle(x, kMaxInteger), "(81129638414606681695789005144064)");
}

TEST(pixel_shuffle, empty_tensors_stay_empty) {
  EXPECT_EQ(pixel_shuffle(xt::zeros<float>({0, 4, 2, 2}), 2).shape(), (std::vector<std::size_t>{0, 1, 4, 4}));
  EXPECT_EQ(pixel_unshuffle(xt::zeros<float>({1, 0, 2, 2}), 2).shape(), (std::vector<std::size_t>{1, 0, 1, 1}));
}

}  // namespace
}  // namespace tconv
