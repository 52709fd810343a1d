#include <cmath>
#include <limits>

#include "helpers.hpp"
#include "tconv/validate.hpp"

namespace tconv {
namespace {

TEST(validate, formats_numbers_as_javascript_does) {
  EXPECT_EQ(format_number(3), "3");
  EXPECT_EQ(format_number(-2), "-2");
  EXPECT_EQ(format_number(1.5), "1.5");
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(std::nan("")), "NaN");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(format_pair(Pair{2, 0}), "(2, 0)");
  EXPECT_EQ(format_shape(Shape{1, 3, 4, 4}), "[1, 3, 4, 4]");
}

TEST(validate, checked_pair_accepts_integers_that_satisfy_the_rule) {
  EXPECT_EQ(checked_pair("f", "stride", 2, 3, Rule::positive), (Pair{2, 3}));
  EXPECT_EQ(checked_pair("f", "padding", 0, 0, Rule::non_negative), (Pair{0, 0}));
}

TEST(validate, checked_pair_rejects_with_the_value_and_the_rule) {
  EXPECT_ERROR(checked_pair("conv2d", "stride", 0, 1, Rule::positive),
               "conv2d: stride (0, 1) must be positive integers");
  EXPECT_ERROR(checked_pair("conv2d", "stride", 1.5, 1, Rule::positive), "stride (1.5, 1) must be positive integers");
  EXPECT_ERROR(checked_pair("conv2d", "padding", -1, 0, Rule::non_negative),
               "padding (-1, 0) must be non-negative integers");
  EXPECT_ERROR(checked_pair("conv2d", "dilation", std::nan(""), 1, Rule::positive), "dilation (NaN, 1)");
  EXPECT_ERROR(checked_pair("conv2d", "dilation", 1, INFINITY, Rule::positive), "dilation (1, Infinity)");
}

TEST(validate, checked_integer) {
  EXPECT_EQ(checked_integer("conv2d", "groups", 3, Rule::positive), 3);
  EXPECT_ERROR(checked_integer("conv2d", "groups", 0, Rule::positive),
               "conv2d: groups must be a positive integer, got 0");
  EXPECT_ERROR(checked_integer("conv2d", "groups", 2.5, Rule::positive), "got 2.5");
}

TEST(validate, checked_shape_matches_the_data_length) {
  EXPECT_EQ(checked_shape("conv2d", "input", {1, 1, 4, 4}, 16), (Shape{1, 1, 4, 4}));
  EXPECT_ERROR(checked_shape("conv2d", "input", {1, 1, 4, 4}, 15),
               "conv2d: input.data has 15 elements but shape [1, 1, 4, 4] needs 16");
  EXPECT_ERROR(checked_shape("conv2d", "input", {1, 1, 4.5, 4}, 18),
               "input shape [1, 1, 4.5, 4] must contain non-negative integers");
  EXPECT_ERROR(checked_shape("conv2d", "input", {1, -1, 4, 4}, 16), "must contain non-negative integers");
}

TEST(validate, element_counts_beyond_the_limit_are_rejected_without_overflow) {
  EXPECT_ERROR(checked_element_count("conv2d", "output", {1u << 20, 1u << 20}),
               "output shape [1048576, 1048576] has 1099511627776 elements, more than the limit of 268435456");
  EXPECT_ERROR(checked_shape("conv2d", "input", {1e12, 1, 1, 1}, 1), "has a dimension of 1000000000000");
  EXPECT_EQ(checked_element_count("f", "x", {kMaxElements}), kMaxElements);
  EXPECT_EQ(checked_element_count("f", "x", {0, kMaxElements, 4}), 0u);
}

}  // namespace
}  // namespace tconv
