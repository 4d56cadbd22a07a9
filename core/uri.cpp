#include "core/uri.hpp"

#include <algorithm>
#include <cctype>

#include "core/errors.hpp"
#include "sds/error.hpp"

namespace sds::core {
namespace {

// The form every URI takes (docs/DESIGN.md section 8.1).
constexpr const char* kUriForm =
    "write scheme:path or scheme:///absolute/path, then ?key=value&key=value";

[[noreturn]] void malformed(std::string_view uri, const std::string& why,
                            const std::string& advice = kUriForm) {
  throw Error(Errc::invalid_argument, "malformed URI " + in_quotes(mask_password(uri)) + ": " + why,
              advice);
}

bool is_scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The byte a %XX escape at `i` stands for; -1 where `part` has none there.
int escape_at(std::string_view part, std::size_t i) {
  if (part[i] != '%' || i + 2 >= part.size()) return -1;
  const int high = hex_value(part[i + 1]);
  const int low = hex_value(part[i + 2]);
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

// Decodes %XX escapes once; '+' stays a literal plus.
std::string percent_decode(std::string_view part, std::string_view uri) {
  std::string out;
  out.reserve(part.size());
  for (std::size_t i = 0; i < part.size(); ++i) {
    if (part[i] != '%') {
      out.push_back(part[i]);
      continue;
    }
    const int byte = escape_at(part, i);
    if (byte < 0) {
      malformed(uri, "bad percent escape at '" + keys::printable(part.substr(i, 3)) + "'",
                "write a literal % as %25");
    }
    out.push_back(static_cast<char>(byte));
    i += 2;
  }
  return out;
}

void parse_params(std::string_view query, std::string_view uri, Uri& out) {
  std::size_t start = 0;
  while (start <= query.size()) {
    const std::size_t end = std::min(query.find('&', start), query.size());
    const std::string_view pair = query.substr(start, end - start);
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos) {
      malformed(uri, "parameter '" + keys::printable(pair) + "' has no value", "write key=value");
    }
    std::string key = percent_decode(pair.substr(0, equals), uri);
    std::string value = percent_decode(pair.substr(equals + 1), uri);
    if (key.empty()) malformed(uri, "a parameter has an empty key");
    const bool repeated = std::any_of(out.params.begin(), out.params.end(),
                                      [&](const auto& p) { return p.first == key; });
    if (repeated) {
      malformed(uri, "parameter '" + keys::printable(key) + "' is given more than once",
                "give each parameter once");
    }
    out.params.emplace_back(std::move(key), std::move(value));
    start = end + 1;
  }
}

// What a query key may be made of in the text around it; a quote or a space
// ends it (a URI quoted in a message).
bool is_query_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '%' || c == '_' || c == '-' ||
         c == '.';
}

// %XX decoded where it is one; anything else kept. For masking, which must not
// throw on the text of a URI the parser refused.
std::string lenient_decode(std::string_view part) {
  std::string out;
  for (std::size_t i = 0; i < part.size(); ++i) {
    const int byte = escape_at(part, i);
    if (byte < 0) {
      out.push_back(part[i]);
      continue;
    }
    out.push_back(static_cast<char>(byte));
    i += 2;
  }
  return out;
}

// password, and libpq's sslpassword.
bool names_a_secret(std::string_view key) { return key.ends_with("password"); }

}  // namespace

Uri parse_uri(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) malformed(text, "no scheme");
  const std::string_view scheme = text.substr(0, colon);
  if (scheme.empty()) malformed(text, "empty scheme");
  if (!std::all_of(scheme.begin(), scheme.end(), is_scheme_char)) {
    malformed(text, "a scheme holds only letters, digits, '+', '-' and '.'",
              "`sdsctl backends` lists the schemes of this build");
  }
  Uri out;
  out.scheme.resize(scheme.size());
  std::transform(scheme.begin(), scheme.end(), out.scheme.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });

  std::string_view rest = text.substr(colon + 1);
  const std::size_t question = rest.find('?');
  if (question != std::string_view::npos) {
    parse_params(rest.substr(question + 1), text, out);
    rest = rest.substr(0, question);
  }
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    const std::size_t slash = std::min(rest.find('/'), rest.size());
    out.has_authority = true;
    out.authority = percent_decode(rest.substr(0, slash), text);
    rest = rest.substr(slash);
  }
  out.path = percent_decode(rest, text);
  return out;
}

std::string mask_authority(std::string_view authority) {
  std::string out(authority);
  const std::size_t at = out.rfind('@');
  if (at == std::string::npos) return out;
  const std::size_t colon = out.find(':');
  if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  return out;
}

std::string mask_password(std::string_view text) {
  std::string out(text);
  // user:password@ in the authority
  if (const std::size_t start = out.find("://"); start != std::string::npos) {
    const std::size_t authority = start + 3;
    const std::size_t end = std::min(out.find_first_of("/?", authority), out.size());
    out.replace(authority, end - authority,
                mask_authority(std::string_view(out).substr(authority, end - authority)));
  }
  // password=... in the query, whatever escapes spell the key
  for (std::size_t equals = out.find('='); equals != std::string::npos;
       equals = out.find('=', equals + 1)) {
    std::size_t key = equals;
    while (key > 0 && is_query_key_char(out[key - 1])) --key;
    if (!names_a_secret(lenient_decode(std::string_view(out).substr(key, equals - key)))) {
      continue;
    }
    const std::size_t end = std::min(out.find('&', equals), out.size());
    out.replace(equals + 1, end - equals - 1, "***");
  }
  return out;
}

}  // namespace sds::core
