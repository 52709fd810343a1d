// Index arithmetic shared by the direct loops (private to cpp/src).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tconv/validate.hpp"

namespace tconv::detail {

// Size formulas multiply values of up to 2^53, which overflows int64; 128-bit
// arithmetic keeps them exact until the result is range-checked.
__extension__ typedef __int128 Wide;

inline std::string format_wide(Wide value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  std::string digits;
  for (Wide v = negative ? -value : value; v > 0; v /= 10) digits.insert(digits.begin(), char('0' + int(v % 10)));
  return negative ? "-" + digits : digits;
}

inline std::string format_wide_pair(Wide h, Wide w) { return "(" + format_wide(h) + ", " + format_wide(w) + ")"; }

/// A size that must fit the tensor limit: anything larger cannot be allocated anyway.
inline std::int64_t checked_extent(std::string_view function, std::string_view what, Wide value) {
  if (value > Wide(kMaxElements)) {
    fail(function,
         std::string(what) + " " + format_wide(value) + " is larger than the limit of " + std::to_string(kMaxElements));
  }
  return static_cast<std::int64_t>(value);
}

struct Range {
  std::size_t begin, end;
};

/// The indices i in [0, count) for which i·step + offset lands in [0, limit).
inline Range valid_range(std::size_t count, std::int64_t step, std::int64_t offset, std::size_t limit) {
  const std::int64_t n = static_cast<std::int64_t>(count);
  const std::int64_t first = offset >= 0 ? 0 : (-offset + step - 1) / step;
  const std::int64_t last_index = static_cast<std::int64_t>(limit) - 1 - offset;  // i·step ≤ last_index
  const std::int64_t end = last_index < 0 ? 0 : std::min(n, last_index / step + 1);
  const std::int64_t begin = std::min(first, end);
  return {static_cast<std::size_t>(begin), static_cast<std::size_t>(end)};
}

/// conv2d's output size for `function`'s messages; validates every argument.
Pair conv_output_size(std::string_view function, const Pair& input_size, const Pair& kernel_size, const Pair& stride,
                      const Pair& padding, const Pair& dilation);

}  // namespace tconv::detail
