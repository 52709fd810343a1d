// Small helpers shared by the native tests.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <xtensor/xarray.hpp>
#include <xtensor/xrandom.hpp>

#include "tconv/validate.hpp"

namespace tconv::test {

inline xt::xarray<float> random_tensor(const Shape& shape, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  xt::xarray<float> t = xt::xarray<float>::from_shape(shape);
  for (auto& v : t) v = dist(rng);
  return t;
}

/// A 1-D tensor; xarray's own braces are ambiguous for a single element.
inline xt::xarray<float> vector_of(std::initializer_list<float> values) {
  xt::xarray<float> v = xt::xarray<float>::from_shape({values.size()});
  std::copy(values.begin(), values.end(), v.begin());
  return v;
}

/// A tensor of `shape` holding `values` in row-major order (xarray's nested
/// braces are ambiguous when a dimension has one element: {{{{5}}}}).
inline xt::xarray<float> tensor(const Shape& shape, std::initializer_list<float> values) {
  xt::xarray<float> t = xt::xarray<float>::from_shape(shape);
  std::copy(values.begin(), values.end(), t.begin());
  return t;
}

inline double dot(const xt::xarray<float>& a, const xt::xarray<float>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += double(a.data()[i]) * double(b.data()[i]);
  return sum;
}

/// Runs `call`, expects InvalidArgument, and returns its message.
template <class F>
std::string error_of(F&& call) {
  try {
    call();
  } catch (const InvalidArgument& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected tconv::InvalidArgument";
  return "";
}

/// Allocation budget (test_validate.cpp replaces the global operator new to
/// keep count): while `call` runs, an allocation that would take the bytes it
/// holds past `bytes` throws std::bad_alloc. A call that allocates in
/// proportion to a parameter (a stride of 10^9) then fails at once, instead
/// of paging in gigabytes, and the test sees the exception.
void begin_allocation_budget(std::size_t bytes);
void end_allocation_budget();

template <class F>
auto within_allocation_budget(std::size_t bytes, F&& call) {
  struct End {
    ~End() { end_allocation_budget(); }
  } end;
  begin_allocation_budget(bytes);
  return call();
}

#define EXPECT_ERROR(call, text) EXPECT_THAT(::tconv::test::error_of([&] { call; }), ::testing::HasSubstr(text))

}  // namespace tconv::test
