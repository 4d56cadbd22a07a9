// The URI parser (core/uri.*, docs/DESIGN.md section 8) and opening by URI on
// any text. parse_uri() either returns a URI that keeps the grammar's rules
// or throws invalid_argument; open_database() either opens or throws an
// sds::Error; every message is printable, and quotes a URI that holds a
// password masked.
#include <algorithm>
#include <cctype>

#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/uri.hpp"
#include "sds/database.hpp"
#include "sds/error.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

using sds::fuzz::check;

bool printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x7f;
  });
}

// Every "password=" in `masked` (the URI as mask_password() gives it) is
// followed by "***", then '&' or the end.
void check_masked(std::string_view masked) {
  for (std::size_t at = masked.find("password="); at != std::string_view::npos;
       at = masked.find("password=", at + 1)) {
    const std::string_view value = masked.substr(at + 9);
    check(value.starts_with("***") && (value.size() == 3 || value[3] == '&'),
          "a password= value is not masked");
  }
}

void check_parsed(const sds::core::Uri& uri, std::string_view text) {
  check(!uri.scheme.empty(), "an empty scheme was accepted");
  check(std::all_of(uri.scheme.begin(), uri.scheme.end(),
                    [](char c) {
                      return std::islower(static_cast<unsigned char>(c)) ||
                             std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' ||
                             c == '.';
                    }),
        "the scheme holds a character outside [a-z0-9+.-]");
  check(text.size() > uri.scheme.size() && text[uri.scheme.size()] == ':',
        "the scheme does not end at the first ':'");
  for (std::size_t i = 0; i < uri.params.size(); ++i) {
    check(!uri.params[i].first.empty(), "a parameter with an empty key was accepted");
    for (std::size_t j = 0; j < i; ++j) {
      check(uri.params[i].first != uri.params[j].first, "a repeated parameter was accepted");
    }
  }
  // Decoding never makes a string longer than its encoded form.
  check(uri.path.size() + uri.authority.size() <= text.size(), "decoding grew the text");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_masked(sds::core::mask_password(text));
  try {
    check_parsed(sds::core::parse_uri(text), text);
  } catch (const sds::Error& error) {
    check(error.code() == sds::Errc::invalid_argument,
          std::string("parse_uri threw ") + sds::to_string(error.code()));
    check(printable(error.what()), "a parse error holds unprintable bytes");
  }
  // Read-only: nothing is created (a memory: name that does not exist is
  // not_found), so every input opens the same empty world. This build has
  // the memory: scheme only; the others answer unsupported or
  // invalid_argument before touching a file.
  try {
    sds::open_database(text, {.read_only = true})->close();
  } catch (const sds::Error& error) {
    const std::string what = error.what();
    check(printable(what), "an open error holds unprintable bytes: " +
                               sds::core::keys::printable(what, sds::core::keys::kWhole));
    // A URI that holds a password is quoted masked, never as written.
    const std::string masked = sds::core::mask_password(text);
    if (masked != text) {
      check(what.find(sds::core::in_quotes(text)) == std::string::npos,
            "a URI is quoted with its password: " + what);
    }
  }
  return 0;
}
