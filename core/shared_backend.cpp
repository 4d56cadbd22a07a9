#include "core/shared_backend.hpp"

#include <algorithm>
#include <cstring>

#include "core/binary.hpp"
#include "core/errors.hpp"
#include "core/keys.hpp"
#include "core/record.hpp"
#include "sds/error.hpp"

namespace sds::core {
namespace {

// The format record's payload: this magic, then the version (u32 LE).
constexpr std::string_view kMagic{"sds-persistence\0", 16};

Bytes format_payload() {
  Bytes payload(kMagic.begin(), kMagic.end());
  append_u32_le(payload, kFormatVersion);
  return payload;
}

}  // namespace

SharedBackend::SharedBackend(std::shared_ptr<kv::Backend> kv, BackendConfig config,
                             std::size_t lanes)
    : kv_(std::move(kv)), config_(std::move(config)) {
  for (std::size_t lane = 0; lane < std::max<std::size_t>(lanes, 1); ++lane) {
    committers_.push_back(std::make_unique<GroupCommitter>(*kv_));
  }
  format_version_ = check_format();
}

std::uint32_t SharedBackend::check_format() {
  const std::string key = keys::format();
  // The version in a format record; Errc::corruption for a record of another magic.
  const auto version_of = [&](ByteView value) {
    const Record record = open_record(key, value, where());
    PayloadReader reader(record.payload, "format record", where());
    const ByteView magic = reader.bytes(kMagic.size());
    if (as_chars(magic) != kMagic) {
      throw Error(Errc::corruption, in_quotes(uri()) + " is not an sds-persistence database",
                  "check that the URI names the database you meant");
    }
    return reader.u32();
  };
  std::optional<std::uint32_t> stored;
  bool empty = true;
  kv_->view([&](kv::ReadTransaction& txn) {
    if (auto value = txn.get(key)) {
      stored = version_of(*value);
      return;
    }
    txn.scan("", "", [&](std::string_view, ByteView) { return empty = false; });
  });
  if (stored) {
    if (*stored > kFormatVersion) {
      throw Error(Errc::version,
                  in_quotes(uri()) + " was written in format " + std::to_string(*stored) +
                      "; this build reads format " + std::to_string(kFormatVersion) + " and older",
                  "upgrade sds-persistence to open it");
    }
    if (*stored == kFormatVersion || config_.read_only) return *stored;
    // An older format, opened for writing: the backend migrated its own
    // layout when it opened (docs/FORMAT.md, "Versions"); the record follows.
    // Read again in the transaction: another process may have moved it on.
    write([&](kv::WriteTransaction& txn, WriteContext&) {
      const auto value = txn.get(key);
      if (value && version_of(*value) < kFormatVersion) {
        txn.put(key, encode_raw(key, format_payload()));
      }
    });
    return kFormatVersion;
  }
  if (!empty) {
    throw Error(Errc::corruption,
                in_quotes(uri()) +
                    " holds data of another layout (no sds-persistence format record), "
                    "left untouched",
                "check that the URI names the database you meant; a new database needs an "
                "empty or new path");
  }
  if (config_.read_only) return kFormatVersion;  // an empty database: nothing to write
  write([&](kv::WriteTransaction& txn, WriteContext&) {
    if (!txn.get(key)) txn.put(key, encode_raw(key, format_payload()));
  });
  return kFormatVersion;
}

std::shared_ptr<StoreState> SharedBackend::state(std::string_view store_id) {
  std::lock_guard lock(states_mutex_);
  // Entries die with the last Store of an id (the next open reloads its
  // figures); the dead ones are swept whenever the map has doubled.
  if (states_.size() >= sweep_at_) {
    std::erase_if(states_, [](const auto& entry) { return entry.second.expired(); });
    sweep_at_ = std::max<std::size_t>(64, 2 * states_.size());
  }
  auto& entry = states_[std::string(store_id)];
  std::shared_ptr<StoreState> state = entry.lock();
  if (!state) {
    state = std::make_shared<StoreState>(std::string(store_id), where(store_id));
    entry = state;
  }
  return state;
}

std::string SharedBackend::where() const { return "in " + in_quotes(uri()); }

std::string SharedBackend::where(std::string_view store_id) const {
  return "in " + in_quotes(uri()) + ", store '" + keys::printable(store_id) + "'";
}

}  // namespace sds::core
