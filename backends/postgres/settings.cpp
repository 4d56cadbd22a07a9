#include "backends/postgres/settings.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <map>

#include "core/errors.hpp"
#include "core/size_units.hpp"

namespace sds::backend::pg {
namespace {

constexpr const char* kDefaultTable = "sds_kv";
constexpr std::size_t kMaxIdentifier = 63;  // PostgreSQL's NAMEDATALEN - 1

[[noreturn]] void bad(const BackendConfig& config, const std::string& why,
                      const std::string& advice) {
  throw Error(Errc::invalid_argument, "cannot open " + core::in_quotes(config.uri) + ": " + why,
              advice);
}

bool is_identifier(std::string_view name) {
  if (name.empty() || name.size() > kMaxIdentifier) return false;
  if (name.front() >= '0' && name.front() <= '9') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// host[:port] or [ipv6][:port], one of the comma-separated list.
void split_host(std::string_view entry, const BackendConfig& config, std::string& host,
                std::string& port) {
  if (entry.starts_with('[')) {
    const std::size_t close = entry.find(']');
    if (close == std::string_view::npos)
      bad(config, "an IPv6 host lacks its ']'", "write [::1]:5432");
    host = entry.substr(1, close - 1);
    const std::string_view rest = entry.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':'))
      bad(config, "text after an IPv6 host", "write [::1]:5432");
    port = rest.empty() ? "" : rest.substr(1);
    return;
  }
  const std::size_t colon = entry.find(':');
  host = entry.substr(0, colon);
  port = colon == std::string_view::npos ? "" : entry.substr(colon + 1);
}

}  // namespace

Settings read_settings(const BackendConfig& config) {
  std::map<std::string, std::string> libpq;
  // The authority: [user[:password]@]host[:port][,host[:port]]...; the
  // password may hold '@' and ':' (the core decoded them already).
  std::string_view authority = config.authority;
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    if (!userinfo.substr(0, colon).empty()) libpq["user"] = userinfo.substr(0, colon);
    if (colon != std::string_view::npos) libpq["password"] = userinfo.substr(colon + 1);
    authority.remove_prefix(at + 1);
  }
  if (!authority.empty()) {
    std::string hosts;
    std::string ports;
    bool any_port = false;
    for (std::size_t start = 0; start <= authority.size();) {
      const std::size_t comma = std::min(authority.find(',', start), authority.size());
      std::string host;
      std::string port;
      split_host(authority.substr(start, comma - start), config, host, port);
      hosts += (start == 0 ? "" : ",") + host;
      ports += (start == 0 ? "" : ",") + port;
      any_port = any_port || !port.empty();
      start = comma + 1;
    }
    libpq["host"] = hosts;
    if (any_port) libpq["port"] = ports;
  }
  // The path: /dbname, or nothing for libpq's default.
  if (!config.path.empty()) {
    if (config.path.front() != '/' || config.path.find('/', 1) != std::string::npos) {
      bad(config, "the path must be /DATABASE", "write postgres://user@host:port/database");
    }
    if (config.path.size() > 1) libpq["dbname"] = config.path.substr(1);
  }
  Settings out;
  out.table = kDefaultTable;
  const std::vector<ParamSpec> ours = postgres_params();
  for (const auto& [key, value] : config.params) {
    if (key == "table") {
      out.table = value;
    } else if (key == "timeout") {
      out.timeout =
          std::chrono::milliseconds(core::parse_integer(value, key, 100, 3'600'000, config.uri));
    } else if (key == "connections") {
      out.connections =
          static_cast<std::size_t>(core::parse_integer(value, key, 1, 64, config.uri));
    } else if (!libpq.emplace(key, value).second) {
      bad(config, "'" + key + "' is given both in the URI's address and as a parameter",
          "give it once");
    }
  }
  if (!is_identifier(out.table)) {
    bad(config, "table=" + core::keys::printable(out.table) + " is not a table name",
        "use 1 to 63 letters, digits and '_', not starting with a digit");
  }
  out.quoted_table = '"' + out.table + '"';
  for (auto& [key, value] : libpq) {
    out.connect.keywords.push_back(key);
    out.connect.values.push_back(value);
  }
  return out;
}

std::vector<ParamSpec> postgres_params() {
  std::vector<ParamSpec> out = {
      {"table", kDefaultTable,
       "the table holding this database: letters, digits and '_' (several sds databases may share "
       "one PostgreSQL database)"},
      {"timeout", "10000",
       "milliseconds, 100 to 3600000, that connecting or one statement may take, a sync=full "
       "commit's wait for the synchronous standbys included"},
      {"connections", "8",
       "connections per open database, 1 to 64, opened when needed: the core writes on up to 4 "
       "at once (one per lane of stores), reads take the others"},
  };
  PQconninfoOption* options = PQconndefaults();
  if (options == nullptr) return out;
  for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    out.push_back({option->keyword, option->compiled ? option->compiled : "",
                   std::string("libpq: ") + (option->label ? option->label : option->keyword)});
  }
  PQconninfoFree(options);
  return out;
}

std::vector<std::string> postgres_target_params() {
  return {"table", "host", "hostaddr", "port", "dbname", "user", "service"};
}

}  // namespace sds::backend::pg
