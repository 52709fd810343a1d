// libFuzzer entry point: the first byte picks a target, the rest are its
// parameters and tensors (read by fuzz::Reader). Every target calls tconv's
// public API and checks invariants; a broken invariant, a sanitizer report, a
// hang or an exception other than tconv::InvalidArgument is a finding.
//
//   TCONV_FUZZ_VERBOSE=1 build/fuzz/tconv_fuzz crash-file   prints the decoded call

#include <cxxabi.h>

#include <exception>
#include <typeinfo>

#include "harness.hpp"

namespace fuzz {

bool verbose = false;

namespace {
char call_text[1024];
}

void describe(const char* format, ...) {
  va_list args;
  va_start(args, format);
  std::vsnprintf(call_text, sizeof call_text, format, args);
  va_end(args);
  if (verbose) std::fprintf(stderr, "[call] %s\n", call_text);
}

const char* description() { return call_text; }

void die(const char* format, ...) {
  std::fprintf(stderr, "\n==tconv-fuzz== FINDING: ");
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fprintf(stderr, "\n==tconv-fuzz== call: %s\n", call_text);
  std::abort();
}

void check_message(std::string_view function, const char* message) {
  const std::string_view text(message);
  if (text.size() <= function.size() + 2 || text.substr(0, function.size()) != function ||
      text.substr(function.size(), 2) != ": ") {
    die("%.*s refused with a message that does not start with \"%.*s: \": %s", int(function.size()), function.data(),
        int(function.size()), function.data(), message);
  }
}

std::uint64_t product(std::initializer_list<std::uint64_t> dims) {
  constexpr std::uint64_t kSaturated = std::uint64_t{1} << 63;
  std::uint64_t count = 1;
  for (std::uint64_t d : dims) {
    if (d == 0) return 0;
    count = count > kSaturated / d ? kSaturated : count * d;
  }
  return count;
}

}  // namespace fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* v = std::getenv("TCONV_FUZZ_VERBOSE");
  fuzz::verbose = v && *v && *v != '0';
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using Target = void (*)(fuzz::Reader&);
  static constexpr Target kTargets[] = {fuzz::fuzz_conv2d,      fuzz::fuzz_conv_transpose2d, fuzz::fuzz_conv_matrix,
                                        fuzz::fuzz_interpolate, fuzz::fuzz_upsample,         fuzz::fuzz_difference,
                                        fuzz::fuzz_sizes};
  if (size == 0) return 0;
  fuzz::Reader in(data + 1, size - 1);
  fuzz::describe("(target %d, not decoded yet)", data[0] % int(std::size(kTargets)));
  try {
    kTargets[data[0] % std::size(kTargets)](in);
  } catch (const std::exception& error) {
    // std::bad_alloc, std::length_error, ...: the arguments are small, so
    // nothing but InvalidArgument (caught by attempt()) may escape.
    int status = 0;
    char* name = abi::__cxa_demangle(typeid(error).name(), nullptr, nullptr, &status);
    fuzz::die("unexpected exception %s: %s", status == 0 ? name : typeid(error).name(), error.what());
  } catch (...) {
    fuzz::die("unexpected exception of a type not derived from std::exception");
  }
  return 0;
}
