#include <malloc.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <new>

#include "helpers.hpp"
#include "tconv/validate.hpp"

// The allocation budget of helpers.hpp: every operator new of the test binary
// comes here. Bytes are counted with malloc_usable_size, so frees need no
// size; memory allocated before the budget and freed during it counts as
// negative, which is fine for a limit. Not thread-safe: the tests run on one thread.
namespace {
bool budget_on = false;
std::size_t budget_bytes = 0;
std::ptrdiff_t budget_held = 0;

void* counted(void* p) {
  if (!p) throw std::bad_alloc();
  if (budget_on) budget_held += std::ptrdiff_t(malloc_usable_size(p));
  return p;
}

void* budgeted(std::size_t n, std::size_t align) {
  if (budget_on &&
      budget_held + std::ptrdiff_t(std::min<std::size_t>(n, PTRDIFF_MAX / 2)) > std::ptrdiff_t(budget_bytes)) {
    throw std::bad_alloc();
  }
  if (align <= alignof(std::max_align_t)) return counted(std::malloc(n == 0 ? 1 : n));
  return counted(std::aligned_alloc(align, (n + align - 1) / align * align));
}

void release(void* p) {
  if (!p) return;
  if (budget_on) budget_held -= std::ptrdiff_t(malloc_usable_size(p));
  std::free(p);
}
}  // namespace

void* operator new(std::size_t n) { return budgeted(n, 0); }
void* operator new[](std::size_t n) { return budgeted(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return budgeted(n, std::size_t(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return budgeted(n, std::size_t(a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return budgeted(n, 0);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }

namespace tconv::test {
void begin_allocation_budget(std::size_t bytes) {
  budget_bytes = bytes;
  budget_held = 0;
  budget_on = true;
}
void end_allocation_budget() { budget_on = false; }
}  // namespace tconv::test

namespace tconv {
namespace {

TEST(validate, the_allocation_budget_refuses_what_would_pass_it) {
  EXPECT_THROW(test::within_allocation_budget(1 << 20, [] { return std::vector<char>(2 << 20).size(); }),
               std::bad_alloc);
  EXPECT_EQ(test::within_allocation_budget(1 << 20, [] { return std::vector<char>(1 << 19).size(); }), 1u << 19);
  EXPECT_THROW(test::within_allocation_budget(1 << 20,
                                              [] {
                                                std::vector<std::vector<char>> kept;
                                                for (int i = 0; i < 4; ++i) kept.emplace_back(1 << 19);
                                                return kept.size();
                                              }),
               std::bad_alloc);
}

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

// Issue 10: check_pair checked only lower bounds, so a C++ caller could pass
// what JavaScript cannot (and size formulas overflowed on INT64_MAX).
TEST(validate, integers_are_bounded_by_2_to_the_53_from_cpp_and_js_alike) {
  EXPECT_NO_THROW(check_pair("conv2d", "stride", {kMaxInteger, 1}, Rule::positive));
  EXPECT_ERROR(check_pair("conv2d", "stride", {INT64_MAX, 1}, Rule::positive),
               "conv2d: stride (9223372036854775807, 1) must be positive integers no larger than 2^53 "
               "(9007199254740992)");
  EXPECT_ERROR(check_pair("conv2d", "padding", {0, kMaxInteger + 1}, Rule::non_negative),
               "padding (0, 9007199254740993) must be non-negative integers no larger than 2^53");
  EXPECT_ERROR(checked_pair("conv2d", "stride", 2 * 9007199254740992.0, 1, Rule::positive),
               "conv2d: stride (18014398509481984, 1) must be positive integers no larger than 2^53");
  EXPECT_EQ(checked_pair("conv2d", "stride", 9007199254740992.0, 1, Rule::positive), (Pair{kMaxInteger, 1}));
  EXPECT_ERROR(checked_integer("conv2d", "groups", 1e300, Rule::positive),
               "conv2d: groups must be a positive integer no larger than 2^53 (9007199254740992), got 1e+300");
  EXPECT_ERROR(check_integer("conv2d", "groups", INT64_MAX, Rule::positive),
               "groups must be a positive integer no larger than 2^53 (9007199254740992), got 9223372036854775807");
  EXPECT_ERROR(check_integer("conv2d", "groups", 0, Rule::positive),
               "conv2d: groups must be a positive integer, got 0");
}

TEST(validate, int64_sizes_are_counted_before_narrowing) {
  EXPECT_EQ(checked_size_product("upsample", "image", {4, 3, 4}), 48u);
  // 2^32 + 1 rows would be 1 row in a 32-bit size_t: refused even in an empty shape.
  EXPECT_ERROR(checked_size_product("upsample", "image", {(std::int64_t(1) << 32) + 1, 0, 4}),
               "upsample: image shape [4294967297, 0, 4] has a dimension of 4294967297, more than the limit of "
               "268435456 elements");
  EXPECT_ERROR(checked_size_product("upsample", "image", {1 << 20, 1 << 20, 4}),
               "upsample: image shape [1048576, 1048576, 4] has 4398046511104 elements, more than the limit");
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

TEST(validate, the_element_limit_holds_at_its_edge_and_past_an_overflow) {
  EXPECT_EQ(element_count_within_limit({kMaxElements}), kMaxElements);
  EXPECT_EQ(element_count_within_limit({kMaxElements + 1}), std::nullopt);
  EXPECT_EQ(element_count_within_limit({kMaxElements / 4, 4}), kMaxElements);
  EXPECT_EQ(element_count_within_limit({kMaxElements / 4 + 1, 4}), std::nullopt);
  // The product would wrap around to 0 in size_t: still refused.
  EXPECT_EQ(element_count_within_limit({std::size_t(1) << 16, std::size_t(1) << 16, std::size_t(1) << 16}),
            std::nullopt);
  EXPECT_EQ(element_count_within_limit({std::size_t(1) << 40, 0}), 0u);
  EXPECT_EQ(checked_element_count("f", "x", {std::size_t(1) << 40, 0}), 0u);
  EXPECT_EQ(element_count_within_limit({}), 1u);
  EXPECT_EQ(element_count_within_limit({3, 5, 7}), 105u);
}

TEST(validate, a_lazy_cause_is_built_only_for_the_message) {
  int built = 0;
  const auto cause = [&] {
    ++built;
    return std::string("from padding (9, 9)");
  };
  EXPECT_EQ(checked_element_count_lazy("f", "x", {3, 4}, cause), 12u);
  EXPECT_EQ(built, 0);
  EXPECT_ERROR(checked_element_count_lazy("conv2d", "output", {1u << 20, 1u << 20}, cause),
               "more than the limit of 268435456 (1 GiB of float32), from padding (9, 9)");
  EXPECT_EQ(built, 1);
}

}  // namespace
}  // namespace tconv
