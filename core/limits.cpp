#include "core/limits.hpp"

#include <string>

#include "sds/error.hpp"
#include "sds/types.hpp"

namespace sds::core {

namespace {

std::string spaced(std::string_view where) { return where.empty() ? "" : " " + std::string(where); }

}  // namespace

void check_value_size(std::size_t size, std::string_view what, std::string_view where) {
  if (size > kMaxValueBytes) {
    throw Error(Errc::invalid_argument,
                std::string(what) + " of " + std::to_string(size) + " bytes" + spaced(where) +
                    " is over the limit",
                "a value is at most " + std::to_string(kMaxValueBytes) + " bytes (512 MiB)");
  }
}

void check_hash(std::string_view hash, std::string_view where) {
  if (hash.empty() || hash.size() > kMaxHashBytes) {
    throw Error(Errc::invalid_argument,
                "blob hash of " + std::to_string(hash.size()) + " bytes" + spaced(where),
                "a hash is 1 to " + std::to_string(kMaxHashBytes) + " bytes");
  }
}

void refuse_stale_checkpoint(Clock clock, Clock stored, std::string_view where) {
  throw Error(Errc::invalid_argument,
              "checkpoint at clock " + std::to_string(clock) + spaced(where) +
                  " is older than the stored snapshot's clock " + std::to_string(stored) +
                  ": another writer checkpointed later",
              "reload the store first");
}

}  // namespace sds::core
