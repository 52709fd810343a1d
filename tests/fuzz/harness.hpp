// What every fuzz target shares: reading parameters from the fuzzer's bytes,
// the rule for exceptions, and failing loudly when an invariant breaks.
#pragma once

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <xtensor/xarray.hpp>

#include "tconv/validate.hpp"

namespace fuzz {

/// Largest result a target computes, in floats: enough for every code path
/// (bands, phases, vector tails), small enough that an input runs in well
/// under a millisecond. A valid call with a larger result is skipped, unless
/// it is beyond tconv's own limit (then it must be refused, and quickly).
inline constexpr std::size_t kMaxResult = std::size_t{1} << 16;
/// Largest number of multiply-adds the double-precision reference may do.
inline constexpr std::size_t kMaxWork = std::size_t{1} << 20;

/// The decoded call, printed when an invariant breaks and, with
/// TCONV_FUZZ_VERBOSE=1, for every input (to read what a reproducer does).
void describe(const char* format, ...) __attribute__((format(printf, 1, 2)));
const char* description();
extern bool verbose;

/// Prints the call and the broken invariant, then aborts: libFuzzer saves the input.
[[noreturn]] void die(const char* format, ...) __attribute__((format(printf, 1, 2)));

inline void require(bool condition, const char* what) {
  if (!condition) die("%s", what);
}

/// Reads the input front to back; once it is used up every read gives 0 (so
/// the smallest value of every range). The seed script (seeds.mjs) writes
/// bytes in the order each target reads them.
class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  bool flag() { return byte() & 1; }
  /// True for one byte value in eight: the branches that break an argument on purpose.
  bool rarely() { return byte() >= 224; }
  /// A tensor dimension or an index: always in [lo, hi].
  std::int64_t count(std::int64_t lo, std::int64_t hi) { return lo + byte() % (hi - lo + 1); }

  /// A parameter: in [lo, hi] for 240 byte values of 256, otherwise one of
  /// the values that break careless arithmetic (negative, 2³¹, 2³², 2⁵³,
  /// INT64_MAX, tconv's element limit, ...) or any 64-bit integer.
  std::int64_t integer(std::int64_t lo, std::int64_t hi) {
    const std::uint8_t b = byte();
    if (b < kSmall) return lo + b % (hi - lo + 1);
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    constexpr std::int64_t kLimit = std::int64_t(tconv::kMaxElements);
    constexpr std::int64_t kExtremes[] = {0,
                                          -1,
                                          -7,
                                          std::numeric_limits<std::int64_t>::min(),
                                          kMax,
                                          kMax - 1,
                                          kLimit,
                                          kLimit + 1,
                                          2147483647,
                                          int64_t{1} << 31,
                                          int64_t{1} << 32,
                                          (int64_t{1} << 32) + 1,
                                          int64_t{1} << 53,
                                          int64_t{1} << 62,
                                          1000000000};
    const std::size_t i = b - kSmall;
    return i < std::size(kExtremes) ? kExtremes[i] : std::int64_t(raw64());
  }

  /// A scale factor or gain: k/16 for k in 1..64 most of the time, otherwise
  /// zero, negative, NaN, ±∞, subnormal, huge, or any double.
  double real() {
    const std::uint8_t b = byte();
    if (b < kSmall) return double(b % 64 + 1) / 16.0;
    const double kExtremes[] = {0.0,         -0.0,      -1.0,        std::numeric_limits<double>::quiet_NaN(),
                                HUGE_VAL,    -HUGE_VAL, 5e-324,      1e-300,
                                1.05,        0.999999,  1e8,         268435456.0,
                                268435457.0, 1e300,     2147483648.0};
    const std::size_t i = b - kSmall;
    if (i < std::size(kExtremes)) return kExtremes[i];
    const std::uint64_t bits = raw64();
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }

  /// A tensor element: a multiple of 1/8 in [-16, 16) (sums of their products
  /// are exact in float), or, when `raw`, any float bit pattern (NaN, ∞, subnormal).
  float value(bool raw) {
    if (!raw) return float(std::int8_t(byte())) / 8.0f;
    std::uint32_t bits = 0;
    for (int i = 0; i < 4; ++i) bits = bits << 8 | byte();
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }

  xt::xarray<float> tensor(const tconv::Shape& shape, bool raw) {
    xt::xarray<float> t = xt::xarray<float>::from_shape(shape);
    for (float& v : t) v = value(raw);
    return t;
  }

 private:
  static constexpr std::uint8_t kSmall = 240;
  std::uint64_t raw64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | byte();
    return v;
  }
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

/// What the arguments of a call allow.
enum class Expect {
  success,  ///< valid and within tconv's limits: must return
  failure,  ///< invalid (an output-size function refused them, or a tensor is malformed): must throw
  either,   ///< extreme arguments the harness does not judge: either outcome, but no other exception
};

/// Checks a refusal's message: it starts with the entry point's name, as
/// validate.hpp promises ("conv2d: stride (0, 1) must be ...").
void check_message(std::string_view function, const char* message);

/// Runs `call` under the exception rule: tconv::InvalidArgument is the only
/// way to refuse, and only for arguments that are not valid. Any other
/// exception escapes to LLVMFuzzerTestOneInput, which aborts.
template <class Call>
auto attempt(std::string_view function, Expect expect, Call&& call) -> std::optional<decltype(call())> {
  try {
    auto result = call();
    if (expect == Expect::failure) die("%.*s accepted arguments it must refuse", int(function.size()), function.data());
    return result;
  } catch (const tconv::InvalidArgument& error) {
    check_message(function, error.what());
    if (expect == Expect::success) {
      die("%.*s refused a valid call: %s", int(function.size()), function.data(), error.what());
    }
    return std::nullopt;
  }
}

/// Element count of a shape, saturating at 2⁶³ (shapes here come from
/// output-size functions, whose factors each fit the element limit).
std::uint64_t product(std::initializer_list<std::uint64_t> dims);

/// Bitwise-equal, or both NaN: the values a band of rows must reproduce.
inline bool same(float a, float b) { return a == b || (a != a && b != b); }

// The targets, one per entry point family (first input byte picks one).
void fuzz_conv2d(Reader& in);
void fuzz_conv_transpose2d(Reader& in);
void fuzz_conv_matrix(Reader& in);
void fuzz_interpolate(Reader& in);
void fuzz_upsample(Reader& in);
void fuzz_difference(Reader& in);
void fuzz_sizes(Reader& in);

}  // namespace fuzz
