// sdsctl backends: the compiled-in schemes with their URI parameters.
#include <fmt/core.h>

#include <memory>
#include <sds/sds.hpp>
#include <string>

#include "tools/sdsctl/commands.hpp"
#include "tools/sdsctl/output.hpp"

namespace sdsctl {
namespace {

const char* path_kind(sds::PathKind kind) {
  switch (kind) {
    case sds::PathKind::file:
      return "file";
    case sds::PathKind::directory:
      return "directory";
    case sds::PathKind::name:
      return "name";
    case sds::PathKind::server:
      return "server";
  }
  return "?";
}

nlohmann::json params_json(const std::vector<sds::ParamSpec>& params) {
  nlohmann::json out = nlohmann::json::array();
  for (const sds::ParamSpec& param : params) {
    out.push_back({{"name", param.name}, {"default", param.default_value}, {"help", param.help}});
  }
  return out;
}

nlohmann::json capabilities_json(const sds::BackendCapabilities& capabilities) {
  return {{"persistent", capabilities.persistent},
          {"multi_process", capabilities.multi_process},
          {"compaction", capabilities.compaction},
          {"concurrent_writes", capabilities.concurrent_writes},
          {"reports_size", capabilities.reports_size}};
}

std::string capabilities_text(const sds::BackendCapabilities& capabilities) {
  std::string out;
  const auto add = [&out](bool has, const char* name) {
    if (has) out += (out.empty() ? "" : ", ") + std::string(name);
  };
  add(capabilities.persistent, "persistent");
  add(capabilities.multi_process, "several processes");
  add(capabilities.compaction, "compaction");
  add(capabilities.concurrent_writes, "concurrent writes");
  add(capabilities.reports_size, "size on disk");
  return out.empty() ? "none" : out;
}

// What the scheme's stored layout holds (docs/DESIGN.md section 3.5).
nlohmann::json layout_json(const sds::BackendInfo& info) {
  const sds::BackendCapabilities& capabilities = info.capabilities;
  return {{"level", info.open_kv ? "key-value" : "store"},
          {"binary_ids", capabilities.binary_ids},
          {"compression", capabilities.compression},
          {"checksums", capabilities.checksums},
          {"max_clock", capabilities.max_clock},
          {"format_version", capabilities.format_version}};
}

std::string layout_text(const sds::BackendInfo& info) {
  const sds::BackendCapabilities& capabilities = info.capabilities;
  return fmt::format("{}, {} ids, {}, {}, clocks up to {}",
                     info.open_kv ? "key-value scheme (the core's layout)" : "Store-level scheme",
                     capabilities.binary_ids ? "any" : "UTF-8",
                     capabilities.compression ? "compressed" : "uncompressed",
                     capabilities.checksums ? "checksums" : "no checksums", capabilities.max_clock);
}

void print_params(const std::vector<sds::ParamSpec>& params) {
  for (const sds::ParamSpec& param : params) {
    fmt::print("    {:<18} {:<8} {}\n", param.name, param.default_value, param.help);
  }
}

int run_backends() {
  const std::vector<sds::BackendInfo> infos = sds::backend_infos();
  if (common_options().json) {
    nlohmann::json schemes = nlohmann::json::array();
    for (const sds::BackendInfo& info : infos) {
      schemes.push_back({{"scheme", info.scheme},
                         {"description", info.description},
                         {"path", path_kind(info.path_kind)},
                         {"capabilities", capabilities_json(info.capabilities)},
                         {"layout", layout_json(info)},
                         {"params", params_json(info.params)}});
    }
    print_json({{"backends", schemes}, {"common_params", params_json(sds::common_params())}});
    return kExitOk;
  }
  for (const sds::BackendInfo& info : infos) {
    fmt::print("{}:  {} (path: {})\n", info.scheme, info.description, path_kind(info.path_kind));
    fmt::print("    capabilities: {}\n", capabilities_text(info.capabilities));
    fmt::print("    layout:       {}\n", layout_text(info));
    print_params(info.params);
  }
  fmt::print("\nparameters every scheme accepts (scheme:path?name=value&...):\n");
  print_params(sds::common_params());
  return kExitOk;
}

}  // namespace

void setup_backends(CLI::App& app, Command& chosen) {
  CLI::App* sub =
      app.add_subcommand("backends", "List the compiled-in schemes and their URI parameters");
  add_common_options(sub);
  sub->callback([&chosen] { chosen = [] { return run_backends(); }; });
}

}  // namespace sdsctl
