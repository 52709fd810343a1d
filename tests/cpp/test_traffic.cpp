// The memory-traffic model (tconv/traffic.hpp): its lower bound, the
// algorithm it names, and that the channel-rich kernels stay near the bound
// while algorithms that sweep large buffers do not.
#include "helpers.hpp"
#include "tconv/traffic.hpp"

namespace tconv {
namespace {

ConvTranspose2dParams up2(ConvAlgorithm algorithm = ConvAlgorithm::automatic) {
  ConvTranspose2dParams p;
  p.stride = {2, 2};
  p.padding = {1, 1};
  p.algorithm = algorithm;
  return p;
}

double bytes_of(const Shape& shape) {
  double n = 4;
  for (std::size_t d : shape) n *= double(d);
  return n;
}

TEST(traffic, lower_bound_is_every_tensor_once) {
  // The DCGAN layer: 512 → 256 channels, 8² → 16², with a bias.
  const Traffic t = conv_transpose2d_traffic({1, 512, 8, 8}, {512, 256, 4, 4}, true, up2());
  EXPECT_DOUBLE_EQ(t.lower_bound, bytes_of({1, 512, 8, 8}) + bytes_of({512, 256, 4, 4}) + bytes_of({256}) +
                                      bytes_of({1, 256, 16, 16}));
  const Traffic c = conv2d_traffic({2, 3, 64, 64}, {8, 3, 3, 3}, false, Conv2dParams{{1, 1}, {1, 1}, {1, 1}, 1});
  EXPECT_DOUBLE_EQ(c.lower_bound, bytes_of({2, 3, 64, 64}) + bytes_of({8, 3, 3, 3}) + bytes_of({2, 8, 64, 64}));
}

TEST(traffic, names_the_algorithm_the_dispatcher_picks) {
  EXPECT_EQ(conv_transpose2d_traffic({1, 512, 8, 8}, {512, 256, 4, 4}, false, up2()).algorithm, "winograd");
  EXPECT_EQ(conv_transpose2d_traffic({1, 64, 128, 128}, {64, 32, 4, 4}, false, up2()).algorithm, "winograd");
  EXPECT_EQ(conv_transpose2d_traffic({1, 512, 8, 8}, {512, 256, 3, 3}, false, up2()).algorithm, "gemm_columns");
  EXPECT_EQ(conv_transpose2d_traffic({1, 64, 128, 128}, {64, 32, 3, 3}, false, up2()).algorithm, "gemm");
  EXPECT_EQ(conv_transpose2d_traffic({1, 3, 512, 512}, {3, 3, 4, 4}, false, up2()).algorithm, "direct");
  EXPECT_EQ(conv_transpose2d_traffic({1, 1, 2, 2}, {1, 1, 3, 3}, false).algorithm, "scatter");
  EXPECT_EQ(conv2d_traffic({1, 3, 1024, 1024}, {3, 3, 3, 3}, false, Conv2dParams{{1, 1}, {1, 1}, {1, 1}, 1}).algorithm,
            "fused_rows");
  EXPECT_EQ(
      conv2d_traffic({1, 256, 16, 16}, {512, 256, 4, 4}, false, Conv2dParams{{2, 2}, {1, 1}, {1, 1}, 1}).algorithm,
      "gemm");
  // A forced algorithm is the one modelled.
  EXPECT_EQ(conv_transpose2d_traffic({1, 512, 8, 8}, {512, 256, 4, 4}, false, up2(ConvAlgorithm::gemm)).algorithm,
            "gemm");
  EXPECT_EQ(conv_transpose2d_traffic({0, 512, 8, 8}, {512, 256, 4, 4}, false, up2()).algorithm, "none");
}

TEST(traffic, channel_rich_layers_move_little_more_than_their_tensors) {
  // D and E of `npm run bench`: the weights (D) and the output (E) once.
  const Traffic d = conv_transpose2d_traffic({1, 512, 8, 8}, {512, 256, 4, 4}, false, up2());
  EXPECT_LE(d.bytes, 1.1 * d.lower_bound);
  const Traffic e = conv_transpose2d_traffic({1, 64, 128, 128}, {64, 32, 4, 4}, false, up2());
  EXPECT_LE(e.bytes, 1.1 * e.lower_bound);
}

TEST(traffic, winograd_rereads_large_weights_once_per_pass) {
  // 1 MB of weights (more than stay in the cache) on a 64 × 64 input: V
  // holds 4 of the 32 rows of output blocks, so 8 passes read the weights 8
  // times; each pass's output (a quarter of 2 MB) stays in the cache while
  // its chunks of input channels add into it.
  const Traffic t = conv_transpose2d_traffic({1, 512, 64, 64}, {512, 32, 4, 4}, false, up2());
  ASSERT_EQ(t.algorithm, "winograd");
  const double in = bytes_of({1, 512, 64, 64}), w = bytes_of({512, 32, 4, 4}), out = bytes_of({1, 32, 128, 128});
  EXPECT_DOUBLE_EQ(t.bytes, 8 * w + in * (1 + 7.0 / 128) + out);
  // With 256 output channels a pass's output (4 MB) goes through memory once per chunk.
  const Traffic big = conv_transpose2d_traffic({1, 512, 64, 64}, {512, 256, 4, 4}, false, up2());
  EXPECT_GT(big.bytes, 20 * bytes_of({1, 256, 128, 128}));
}

TEST(traffic, sweeping_a_large_output_costs_its_size_per_sweep) {
  // The scatter adds each of E's 64 input channels into its 8 MB output.
  const Traffic t = conv_transpose2d_traffic({1, 64, 128, 128}, {64, 32, 4, 4}, false, up2(ConvAlgorithm::scatter));
  EXPECT_GT(t.bytes, 100 * bytes_of({1, 32, 256, 256}));
}

TEST(traffic, never_below_the_lower_bound) {
  for (std::size_t channels : {1, 4, 32, 128}) {
    for (std::size_t size : {3, 17, 64, 300}) {
      for (ConvAlgorithm algorithm : {ConvAlgorithm::automatic, ConvAlgorithm::scatter, ConvAlgorithm::direct,
                                      ConvAlgorithm::gemm, ConvAlgorithm::gemm_columns}) {
        for (std::int64_t stride : {1, 2, 3}) {
          ConvTranspose2dParams p;
          p.stride = {stride, stride};
          p.algorithm = algorithm;
          const Traffic t = conv_transpose2d_traffic({2, channels, size, size}, {channels, 8, 3, 3}, true, p);
          EXPECT_GE(t.bytes, t.lower_bound) << channels << " " << size << " " << t.algorithm;
        }
      }
      ConvTranspose2dParams w;
      w.stride = {2, 2};
      w.padding = {1, 1};
      w.algorithm = ConvAlgorithm::winograd;
      const Traffic t = conv_transpose2d_traffic({2, channels, size, size}, {channels, 8, 4, 4}, true, w);
      EXPECT_GE(t.bytes, t.lower_bound) << channels << " " << size << " winograd";
      const Traffic c =
          conv2d_traffic({2, channels, size, size}, {8, channels, 3, 3}, true, Conv2dParams{{2, 1}, {1, 1}, {1, 1}, 1});
      EXPECT_GE(c.bytes, c.lower_bound) << channels << " " << size << " " << c.algorithm;
    }
  }
}

TEST(traffic, refuses_what_the_convolution_refuses) {
  EXPECT_THAT(
      [] {
        conv_transpose2d_traffic({1, 3, 8, 8}, {4, 2, 3, 3}, false);
      },
      testing::ThrowsMessage<InvalidArgument>(testing::HasSubstr("conv_transpose2d: input has 3 channels")));
  EXPECT_THAT(
      [] {
        conv2d_traffic({1, 3, 8, 8}, {2, 3, 9, 9}, false);
      },
      testing::ThrowsMessage<InvalidArgument>(testing::HasSubstr("conv2d: dilated kernel size")));
}

}  // namespace
}  // namespace tconv
