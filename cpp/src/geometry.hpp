// Index arithmetic shared by the direct loops (private to cpp/src).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tconv/conv.hpp"
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

/// The indices i in [0, count) for which i·step + offset lands in [0, limit),
/// for any step ≥ 1 and offset an int64 holds (unsigned magnitudes: no overflow).
inline Range valid_range(std::size_t count, std::int64_t step, std::int64_t offset, std::size_t limit) {
  const std::uint64_t s = static_cast<std::uint64_t>(step);
  // |offset| when negative, exact even for INT64_MIN.
  const std::uint64_t below = offset < 0 ? static_cast<std::uint64_t>(-(offset + 1)) + 1 : 0;
  const std::uint64_t first = below / s + (below % s != 0);  // first i with i·step ≥ −offset
  if (limit == 0 || (offset >= 0 && static_cast<std::uint64_t>(offset) >= limit)) return {0, 0};
  // The largest i·step allowed: limit − 1 − offset (limit is a tensor size, far below 2^63: no overflow).
  const std::uint64_t last = offset >= 0 ? limit - 1 - static_cast<std::uint64_t>(offset) : limit - 1 + below;
  const std::uint64_t end = std::min<std::uint64_t>(count, last / s + 1);
  return {static_cast<std::size_t>(std::min(first, end)), static_cast<std::size_t>(end)};
}

/// conv2d's output size for `function`'s messages; validates every argument.
Pair conv_output_size(std::string_view function, const Pair& input_size, const Pair& kernel_size, const Pair& stride,
                      const Pair& padding, const Pair& dilation);

/// conv_transpose2d's output size for `function`'s messages; validates every argument.
Pair transposed_output_size(std::string_view function, const Pair& input_size, const Pair& kernel_size,
                            const ConvTranspose2dParams& params);

}  // namespace tconv::detail
