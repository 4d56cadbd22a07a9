#include "target.hpp"

#include <stdexcept>
#include <vector>

namespace sds::workloads {
namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    const auto end = text.find(separator);
    parts.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return parts;
}

}  // namespace

Target Target::parse(std::string_view uri_template) {
  const auto colon = uri_template.find(':');
  if (colon == 0 || colon == std::string_view::npos) {
    throw std::invalid_argument("'" + std::string(uri_template) +
                                "' is not a URI template: expected scheme:[DIR][?params]");
  }
  Target target;
  target.scheme = uri_template.substr(0, colon);
  const std::string_view rest = uri_template.substr(colon + 1);
  const auto question = rest.find('?');
  target.directory = rest.substr(0, question);
  if (question != std::string_view::npos) target.params = rest.substr(question + 1);
  return target;
}

Target Target::with_param(std::string_view key, std::string_view value) const {
  Target target = *this;
  target.params.clear();
  const std::string prefix = std::string(key) + "=";
  for (const std::string& param : split(params, '&')) {
    if (param.starts_with(prefix)) continue;
    target.params += param + "&";
  }
  target.params += prefix + std::string(value);
  return target;
}

}  // namespace sds::workloads
