// open_database() and open(): from a URI to a Database (docs/DESIGN.md section 8).
#include <zstd.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/errors.hpp"
#include "core/handle_cache.hpp"
#include "core/kv_backed_database.hpp"
#include "core/open_shared_backend.hpp"
#include "core/params.hpp"
#include "core/registry_internal.hpp"
#include "core/size_units.hpp"
#include "core/suggest.hpp"
#include "core/uri.hpp"
#include "sds/database.hpp"
#include "sds/error.hpp"

namespace sds {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void bad_uri(const std::string& uri, const std::string& why,
                          const std::string& advice) {
  throw Error(Errc::invalid_argument, "cannot open " + core::in_quotes(uri) + ": " + why, advice);
}

SyncMode parse_sync(const std::string& value, const std::string& uri) {
  if (const auto mode = core::parse_sync(value)) return *mode;
  bad_uri(uri, "sync=" + core::keys::printable(value) + " is not a sync mode",
          "write sync=off, normal or full");
}

// A layout that stores records as given has nothing to compress with.
[[noreturn]] void refuse_compression(const BackendInfo& info, const BackendConfig& config,
                                     const std::string& key) {
  bad_uri(config.uri,
          "scheme " + info.scheme + " stores records as they are given, uncompressed, so '" + key +
              "' does not apply",
          "remove '" + key + "' from the URI");
}

// Applies the common parameters to `config` and `options`; keeps the backend's
// own in config.params; refuses the rest, listing what is accepted.
void apply_params(const core::Uri& parsed, const BackendInfo& info, BackendConfig& config,
                  core::StoreOptions& options) {
  const std::vector<ParamSpec> common = common_params();
  for (const auto& [key, value] : parsed.params) {
    if (key == "sync") {
      config.sync = parse_sync(value, config.uri);
    } else if (key == "checkpoint_bytes") {
      options.checkpoint_bytes = core::parse_size(value, key, config.uri);
    } else if (key == "compression") {
      const auto enabled = core::parse_compression(value);
      if (!enabled) {
        bad_uri(config.uri, "compression=" + core::keys::printable(value) + " is not a compression",
                "write compression=zstd or none");
      }
      if (*enabled && !info.capabilities.compression) refuse_compression(info, config, key);
      options.compression.enabled = *enabled;
    } else if (key == "level") {
      if (!info.capabilities.compression) refuse_compression(info, config, key);
      options.compression.level =
          static_cast<int>(core::parse_integer(value, key, 1, ZSTD_maxCLevel(), config.uri));
    } else if (std::any_of(info.params.begin(), info.params.end(),
                           // clang before 16 cannot capture a structured binding
                           [&name = key](const ParamSpec& spec) { return spec.name == name; })) {
      config.params.emplace(key, value);
    } else {
      std::string accepted;
      std::vector<std::string> names;
      for (const auto& specs : {common, info.params}) {
        for (const ParamSpec& spec : specs) {
          accepted += (accepted.empty() ? "" : ", ") + spec.name;
          names.push_back(spec.name);
        }
      }
      const auto meant = core::closest(key, names);
      bad_uri(config.uri,
              "unknown parameter '" + core::keys::printable(key) + "' for scheme " + info.scheme,
              (meant ? "did you mean '" + *meant + "'? " : std::string()) +
                  "the parameters accepted are " + accepted);
    }
  }
}

// Checks the path of a file or directory backend and makes it canonical, so
// that two spellings of one path share one handle.
void resolve_path(const BackendInfo& info, BackendConfig& config) {
  const auto& privates = info.private_paths;
  if (std::find(privates.begin(), privates.end(), config.path) != privates.end()) return;
  if (config.path.empty()) {
    bad_uri(config.uri, "scheme " + info.scheme + " needs a path",
            "write " + info.scheme + ":PATH or " + info.scheme + ":///absolute/path");
  }
  if (config.path.find('\0') != std::string::npos) {
    bad_uri(config.uri, "the path holds a NUL byte", "remove the %00 from the URI");
  }
  std::error_code error;
  fs::path absolute = fs::absolute(fs::path(config.path), error);
  // A directory may be written with trailing slashes ("lmdb:data/env/"):
  // its parent is then the directory that holds it, not the directory itself.
  while (info.path_kind == PathKind::directory && !absolute.has_filename() &&
         absolute.has_relative_path()) {
    absolute = absolute.parent_path();
  }
  const fs::path parent = absolute.parent_path();
  if (error || !fs::is_directory(parent, error)) {
    throw Error(Errc::not_found,
                "cannot open " + core::in_quotes(config.uri) + ": directory '" +
                    core::keys::printable(parent.string(), core::keys::kWhole) + "' does not exist",
                "create it first, or correct the path");
  }
  if (config.read_only && !fs::exists(absolute, error)) {
    throw Error(Errc::not_found,
                "cannot open " + core::in_quotes(config.uri) + " read-only: '" +
                    core::keys::printable(absolute.string(), core::keys::kWhole) +
                    "' does not exist",
                "check the path; an open for reading only creates nothing");
  }
  config.path = fs::weakly_canonical(absolute, error).string();
  if (error) config.path = absolute.lexically_normal().string();
}

}  // namespace

namespace core {

ResolvedUri resolve_uri(std::string_view uri, const OpenOptions& options) {
  const core::Uri parsed = core::parse_uri(uri);
  BackendConfig config;
  config.uri = core::mask_password(uri);
  const BackendInfo info = core::find_backend(parsed.scheme, config.uri);
  const bool passed_through =
      info.path_kind == PathKind::name || info.path_kind == PathKind::server;
  if (parsed.has_authority && !parsed.authority.empty() && !passed_through) {
    bad_uri(config.uri,
            "scheme " + info.scheme + " takes a path, not a host ('" +
                core::keys::printable(core::mask_authority(parsed.authority)) + "')",
            "write " + info.scheme + ":///absolute/path or " + info.scheme + ":relative/path");
  }
  config.authority = parsed.authority;
  config.path = parsed.path;
  config.read_only = options.read_only;
  core::StoreOptions store_options;
  store_options.read_only = options.read_only;
  apply_params(parsed, info, config, store_options);
  if (!passed_through) resolve_path(info, config);
  return {info, config, store_options};
}

OpenedBackend open_shared_backend(std::string_view uri, const OpenOptions& options) {
  ResolvedUri resolved = resolve_uri(uri, options);
  if (!resolved.info.open_kv) {
    throw Error(Errc::unsupported,
                "cannot open " + core::in_quotes(resolved.config.uri) +
                    " as a key-value database: scheme " + resolved.info.scheme +
                    " serves stores over a layout of its own",
                "this works on the key-value schemes only; `sdsctl copy` moves its contents "
                "into one");
  }
  return {core::acquire_shared_backend(resolved.info, resolved.config), resolved.options};
}

}  // namespace core

std::unique_ptr<Database> open_database(std::string_view uri, const OpenOptions& options) {
  const core::ResolvedUri resolved = core::resolve_uri(uri, options);
  if (resolved.info.open_database) {
    std::unique_ptr<Database> database = resolved.info.open_database(
        resolved.config, DatabaseSettings{resolved.options.checkpoint_bytes});
    if (!database) {
      throw Error(Errc::io_error,
                  "cannot open " + core::in_quotes(resolved.config.uri) + ": scheme " +
                      resolved.info.scheme + " opened nothing",
                  "report this to the scheme's authors");
    }
    return database;
  }
  core::OpenedBackend opened = core::open_shared_backend(uri, options);
  return std::make_unique<core::KvBackedDatabase>(std::move(opened.shared), opened.options);
}

std::unique_ptr<Store> open(std::string_view uri, std::string_view store_id,
                            const OpenOptions& options) {
  return open_database(uri, options)->store(store_id);
}

}  // namespace sds
