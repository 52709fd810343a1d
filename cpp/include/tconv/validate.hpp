// Argument validation shared by every core function and by the JS binding's
// conversions, so that a bad argument gets the same message from C++ and JS.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tconv {

/// Height and width of a 2-D parameter (stride, padding, ...), in that order.
using Pair = std::array<std::int64_t, 2>;
using Shape = std::vector<std::size_t>;

/// Thrown for every invalid argument. what() names the function, the argument,
/// its value and the rule it breaks.
class InvalidArgument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Largest element count of any tensor tconv creates or accepts: 2^28 floats
/// (1 GiB). WebAssembly memory (wasm32) cannot hold two tensors much larger.
inline constexpr std::size_t kMaxElements = std::size_t{1} << 28;

/// Largest integer parameter (stride, padding, groups, sizes, ...): 2^53, the
/// largest integer a JavaScript number holds exactly, so that C++ and JS
/// callers are held to the same range (and size formulas stay exact in 128 bits).
inline constexpr std::int64_t kMaxInteger = std::int64_t{1} << 53;

enum class Rule { positive, non_negative };

/// "1.5", "3", "NaN", "Infinity": numbers as JavaScript prints them.
std::string format_number(double value);
/// "(2, 0)"
std::string format_pair(const Pair& pair);
std::string format_pair(double h, double w);
/// "[1, 3, 4, 4]"
std::string format_shape(const Shape& shape);
std::string format_shape(const std::vector<double>& shape);

[[noreturn]] void fail(std::string_view function, const std::string& message);

/// Throws "<function>: <name> (h, w) must be positive integers" (or
/// non-negative) unless both values satisfy the rule and are at most kMaxInteger.
void check_pair(std::string_view function, std::string_view name, const Pair& pair, Rule rule);

/// The same check for values that arrive as doubles (from JavaScript): also
/// rejects non-integer and non-finite values, then converts.
Pair checked_pair(std::string_view function, std::string_view name, double h, double w, Rule rule);

/// A single integer parameter (e.g. groups) that arrives as a double.
std::int64_t checked_integer(std::string_view function, std::string_view name, double value, Rule rule);

/// The same check for an integer parameter of the C++ API.
void check_integer(std::string_view function, std::string_view name, std::int64_t value, Rule rule);

/// Element count of a shape, or a message naming `what` if it exceeds
/// kMaxElements (checked without overflow). `cause` names the arguments that
/// made it that large ("from padding (9, 9)"), appended to the message.
std::size_t checked_element_count(std::string_view function, std::string_view what, const Shape& shape,
                                  std::string_view cause = {});

/// A shape's element count if it is within kMaxElements (0 for an empty
/// shape, however large its other dimensions), else nothing; computed without
/// overflow. checked_element_count is this with the error.
std::optional<std::size_t> element_count_within_limit(const Shape& shape) noexcept;

/// checked_element_count with the cause built only when the check fails:
/// `cause()` returns the text. A call that passes formats no message (an
/// explainer-sized conv_transpose2d spent a fifth of its time in Node on one).
template <class Cause>
std::size_t checked_element_count_lazy(std::string_view function, std::string_view what, const Shape& shape,
                                       const Cause& cause) {
  if (const std::optional<std::size_t> count = element_count_within_limit(shape)) return *count;
  return checked_element_count(function, what, shape, cause());
}

/// The same for dimensions that are still int64 parameters (image heights,
/// sizes): checked before any narrowing to size_t, which has 32 bits in wasm.
/// Negative dimensions are the caller's bug and are reported as such.
std::size_t checked_size_product(std::string_view function, std::string_view what,
                                 const std::vector<std::int64_t>& dims, std::string_view cause = {});

/// A tensor shape that arrives as doubles: every dimension a non-negative
/// integer, element count within kMaxElements, and equal to data_length.
Shape checked_shape(std::string_view function, std::string_view what, const std::vector<double>& dims,
                    std::size_t data_length);

}  // namespace tconv
