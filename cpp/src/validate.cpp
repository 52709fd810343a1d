#include "tconv/validate.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

namespace tconv {

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  // Shortest representation that reads back to the same double.
  char buffer[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

std::string format_pair(double h, double w) { return "(" + format_number(h) + ", " + format_number(w) + ")"; }

std::string format_pair(const Pair& pair) {
  return "(" + std::to_string(pair[0]) + ", " + std::to_string(pair[1]) + ")";
}

std::string format_shape(const Shape& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

std::string format_shape(const std::vector<double>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += format_number(shape[i]);
  }
  return out + "]";
}

void fail(std::string_view function, const std::string& message) {
  throw InvalidArgument(std::string(function) + ": " + message);
}

namespace {

const char* rule_text(Rule rule) {
  return rule == Rule::positive ? "must be positive integers" : "must be non-negative integers";
}

// Appended to the rule when a value is an integer beyond kMaxInteger.
const std::string kAtMostText = " no larger than 2^53 (" + std::to_string(kMaxInteger) + ")";

bool satisfies(double value, Rule rule) {
  // 2^53 bounds every integer a double holds exactly, far beyond any size.
  if (!std::isfinite(value) || value != std::floor(value) || std::fabs(value) > double(kMaxInteger)) return false;
  return rule == Rule::positive ? value >= 1 : value >= 0;
}

bool too_large(double value) { return std::isfinite(value) && value > double(kMaxInteger); }

bool satisfies(std::int64_t value, Rule rule) {
  return value <= kMaxInteger && value >= (rule == Rule::positive ? 1 : 0);
}

[[noreturn]] void fail_too_large(std::string_view function, std::string_view what, const std::string& shape,
                                 double exact_count, std::string_view cause) {
  fail(function, std::string(what) + " shape " + shape + " has " + format_number(exact_count) +
                     " elements, more than the limit of " + std::to_string(kMaxElements) + " (1 GiB of float32)" +
                     (cause.empty() ? "" : ", " + std::string(cause)));
}

std::string format_dims(const std::vector<std::int64_t>& dims) {
  std::string out = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) out += (i > 0 ? ", " : "") + std::to_string(dims[i]);
  return out + "]";
}

}  // namespace

void check_pair(std::string_view function, std::string_view name, const Pair& pair, Rule rule) {
  if (!satisfies(pair[0], rule) || !satisfies(pair[1], rule)) {
    const bool large = pair[0] > kMaxInteger || pair[1] > kMaxInteger;
    fail(function, std::string(name) + " " + format_pair(pair) + " " + rule_text(rule) + (large ? kAtMostText : ""));
  }
}

Pair checked_pair(std::string_view function, std::string_view name, double h, double w, Rule rule) {
  if (!satisfies(h, rule) || !satisfies(w, rule)) {
    const bool large = too_large(h) || too_large(w);
    fail(function, std::string(name) + " " + format_pair(h, w) + " " + rule_text(rule) + (large ? kAtMostText : ""));
  }
  return {static_cast<std::int64_t>(h), static_cast<std::int64_t>(w)};
}

namespace {

[[noreturn]] void fail_integer(std::string_view function, std::string_view name, const std::string& value, Rule rule,
                               bool large) {
  fail(function, std::string(name) + " must be a " + (rule == Rule::positive ? "positive" : "non-negative") +
                     " integer" + (large ? kAtMostText : "") + ", got " + value);
}

}  // namespace

std::int64_t checked_integer(std::string_view function, std::string_view name, double value, Rule rule) {
  if (!satisfies(value, rule)) fail_integer(function, name, format_number(value), rule, too_large(value));
  return static_cast<std::int64_t>(value);
}

void check_integer(std::string_view function, std::string_view name, std::int64_t value, Rule rule) {
  if (!satisfies(value, rule)) fail_integer(function, name, std::to_string(value), rule, value > kMaxInteger);
}

std::optional<std::size_t> element_count_within_limit(const Shape& shape) noexcept {
  std::size_t count = 1;
  bool too_large = false;
  for (std::size_t dim : shape) {
    if (dim == 0) return 0;  // empty, however large the dimensions before it
    if (count > kMaxElements / dim) too_large = true;
    if (!too_large) count *= dim;
  }
  if (too_large || count > kMaxElements) return std::nullopt;
  return count;
}

std::size_t checked_element_count(std::string_view function, std::string_view what, const Shape& shape,
                                  std::string_view cause) {
  if (const std::optional<std::size_t> count = element_count_within_limit(shape)) return *count;
  double exact = 1;
  for (std::size_t dim : shape) exact *= static_cast<double>(dim);
  fail_too_large(function, what, format_shape(shape), exact, cause);
}

std::size_t checked_size_product(std::string_view function, std::string_view what,
                                 const std::vector<std::int64_t>& dims, std::string_view cause) {
  for (std::int64_t dim : dims) {
    if (dim < 0) fail(function, "internal: " + std::string(what) + " shape " + format_dims(dims) + " is negative");
    // Even in an empty shape: the caller narrows every dimension to size_t.
    if (dim > std::int64_t(kMaxElements)) {
      fail(function, std::string(what) + " shape " + format_dims(dims) + " has a dimension of " + std::to_string(dim) +
                         ", more than the limit of " + std::to_string(kMaxElements) + " elements" +
                         (cause.empty() ? "" : ", " + std::string(cause)));
    }
  }
  Shape shape;
  for (std::int64_t dim : dims) shape.push_back(static_cast<std::size_t>(dim));
  return checked_element_count(function, what, shape, cause);
}

Shape checked_shape(std::string_view function, std::string_view what, const std::vector<double>& dims,
                    std::size_t data_length) {
  Shape shape;
  shape.reserve(dims.size());
  for (double dim : dims) {
    if (!satisfies(dim, Rule::non_negative)) {
      fail(function, std::string(what) + " shape " + format_shape(dims) + " must contain non-negative integers");
    }
  }
  for (double dim : dims) {
    // Checked before the cast: on wasm32 a size_t cannot hold every integer double.
    if (dim > static_cast<double>(kMaxElements)) {
      fail(function, std::string(what) + " shape " + format_shape(dims) + " has a dimension of " + format_number(dim) +
                         ", more than the limit of " + std::to_string(kMaxElements) + " elements");
    }
    shape.push_back(static_cast<std::size_t>(dim));
  }
  const std::size_t count = checked_element_count(function, what, shape);
  if (count != data_length) {
    fail(function, std::string(what) + ".data has " + std::to_string(data_length) + " elements but shape " +
                       format_shape(shape) + " needs " + std::to_string(count));
  }
  return shape;
}

}  // namespace tconv
