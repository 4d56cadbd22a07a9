#include <algorithm>
#include <limits>
#include <map>
#include <mutex>

#include "core/builtin_backends.hpp"
#include "core/errors.hpp"
#include "core/params.hpp"
#include "core/registry_internal.hpp"
#include "core/shared_backend.hpp"
#include "core/size_units.hpp"
#include "core/store_options.hpp"
#include "core/suggest.hpp"
#include "sds/error.hpp"

namespace sds {
namespace {

// Explicit registration only: the built-ins are added by one call on first use,
// never by static registrar objects (a linker drops those from static libraries).
class Registry {
 public:
  static Registry& instance() {
    static Registry registry;
    return registry;
  }

  void add(BackendInfo info) {
    const bool well_formed =
        !info.scheme.empty() && std::all_of(info.scheme.begin(), info.scheme.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
                 c == '.';
        });
    if (!well_formed) {
      throw Error(Errc::invalid_argument,
                  "cannot register scheme '" + info.scheme + "': it is malformed",
                  "a scheme is lower-case letters, digits, '+', '-' and '.'");
    }
    if (static_cast<bool>(info.open_kv) == static_cast<bool>(info.open_database)) {
      throw Error(Errc::invalid_argument,
                  "cannot register scheme '" + info.scheme + "': it has " +
                      (info.open_kv ? "both open_kv and open_database" : "no open function"),
                  "set BackendInfo::open_kv for a key-value scheme, or open_database for a "
                  "Store-level one");
    }
    if (info.open_kv) {
      // The core's layout holds any id, any clock, compressed and checksummed.
      info.capabilities.binary_ids = true;
      info.capabilities.compression = true;
      info.capabilities.checksums = true;
      info.capabilities.max_clock = std::numeric_limits<Clock>::max();
      info.capabilities.format_version = core::kFormatVersion;
    }
    std::lock_guard lock(mutex_);
    const std::string scheme = info.scheme;
    if (!backends_.emplace(scheme, std::move(info)).second) {
      throw Error(Errc::invalid_argument,
                  "cannot register scheme '" + scheme + "': it is registered already",
                  "choose another scheme");
    }
  }

  std::vector<BackendInfo> all() {
    std::lock_guard lock(mutex_);
    std::vector<BackendInfo> out;
    for (const auto& [scheme, info] : backends_) out.push_back(info);
    return out;
  }

  std::optional<BackendInfo> find(std::string_view scheme) {
    std::lock_guard lock(mutex_);
    const auto it = backends_.find(std::string(scheme));
    if (it == backends_.end()) return std::nullopt;
    return it->second;
  }

 private:
  Registry() {
    for (BackendInfo& info : core::builtin_backends()) add(std::move(info));
  }

  std::mutex mutex_;
  std::map<std::string, BackendInfo> backends_;
};

}  // namespace

std::vector<ParamSpec> common_params() {
  // The defaults are those of the structures the parameters fill in.
  const core::StoreOptions options;
  return {
      {"sync", core::sync_name(BackendConfig{}.sync),
       "off | normal | full: what survives a power loss (docs/DESIGN.md section 9)"},
      {"checkpoint_bytes", core::format_size(options.checkpoint_bytes),
       "accumulated patch bytes at which checkpoint_due() turns true"},
      {"compression", core::compression_name(options.compression.enabled),
       "zstd | none: how snapshots and blobs are stored"},
      {"level", std::to_string(options.compression.level), "zstd level, 1 (fast) to 22 (small)"},
  };
}

void register_backend(BackendInfo info) { Registry::instance().add(std::move(info)); }

std::vector<std::string> backends() {
  std::vector<std::string> out;
  for (const BackendInfo& info : Registry::instance().all()) out.push_back(info.scheme);
  return out;
}

std::vector<BackendInfo> backend_infos() { return Registry::instance().all(); }

namespace core {

BackendInfo find_backend(std::string_view scheme, std::string_view uri) {
  if (auto info = Registry::instance().find(scheme)) return *std::move(info);
  if (auto how = how_to_enable(scheme)) {
    throw Error(Errc::unsupported,
                "cannot open " + in_quotes(uri) + ": scheme '" + std::string(scheme) +
                    "' is not in this build",
                *how);
  }
  std::string known;
  const std::vector<std::string> schemes = backends();
  for (const std::string& name : schemes) known += (known.empty() ? "" : ", ") + name;
  const auto meant = closest(scheme, schemes);
  throw Error(Errc::invalid_argument,
              "cannot open " + in_quotes(uri) + ": unknown scheme '" + std::string(scheme) + "'",
              (meant ? "did you mean '" + *meant + "'? " : std::string()) +
                  "the schemes of this build are " + known);
}

}  // namespace core
}  // namespace sds
