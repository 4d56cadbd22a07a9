#include "raw_uri.hpp"

#include <algorithm>
#include <stdexcept>

namespace sds::baselines {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text, std::string_view uri) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded += text[i];
      continue;
    }
    const int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
    const int low = high >= 0 ? hex_digit(text[i + 2]) : -1;
    if (low < 0) throw std::invalid_argument("bad % escape in '" + std::string(uri) + "'");
    decoded += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return decoded;
}

SyncMode parse_sync(std::string_view value, std::string_view uri) {
  if (value == "off") return SyncMode::off;
  if (value == "normal") return SyncMode::normal;
  if (value == "full") return SyncMode::full;
  throw std::invalid_argument("sync must be off, normal or full in '" + std::string(uri) + "'");
}

}  // namespace

RawUri parse_raw_uri(std::string_view uri) {
  std::string_view rest = uri.substr(uri.find(':') + 1);
  const auto question = rest.find('?');
  RawUri parsed{percent_decode(rest.substr(0, question), uri), SyncMode::normal};
  if (question == std::string_view::npos) return parsed;
  std::string_view params = rest.substr(question + 1);
  while (!params.empty()) {
    const std::string_view param = params.substr(0, params.find('&'));
    params.remove_prefix(std::min(params.size(), param.size() + 1));
    if (!param.starts_with("sync=")) {
      throw std::invalid_argument("raw subjects take only sync=, not '" + std::string(param) +
                                  "' in '" + std::string(uri) + "'");
    }
    parsed.sync = parse_sync(param.substr(5), uri);
  }
  return parsed;
}

}  // namespace sds::baselines
