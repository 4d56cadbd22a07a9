#include "core/maintenance/verify.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/batch_scan.hpp"
#include "core/binary.hpp"
#include "core/catalog.hpp"
#include "core/keys.hpp"
#include "core/payloads.hpp"
#include "core/record.hpp"
#include "core/staging.hpp"
#include "sds/error.hpp"

namespace sds::core::maintenance {
namespace {

// What is read of one store while its records go by, in key order: the
// header ("m") comes before the patches ("p"), the snapshot ("s") last.
struct StoreWalk {
  std::uint64_t number = 0;
  std::string name;  // for messages
  std::optional<SnapshotHeader> header;
  std::optional<std::uint64_t> snapshot_stored;
  std::optional<std::uint64_t> snapshot_raw;
  std::uint64_t patches_below = 0;
};

class Verifier {
 public:
  Verifier(SharedBackend& shared, const Progress& progress)
      : shared_(shared), progress_(progress), total_(shared.kv().bytes_on_disk().value_or(0)) {
    report_.format_version = shared.format_version();
  }

  VerifyReport run() {
    staging();
    catalog();
    stores();
    blobs();
    ref_counts();
    unknown_keys();
    report_.backend_check = shared_.kv().check_integrity();
    for (const std::string& line : report_.backend_check.problems) {
      problem(report_.backend_check.what + ": " + line);
    }
    return std::move(report_);
  }

 private:
  // A staging area (core/staging.hpp) is no damage: a transfer runs, or one
  // was interrupted and left what the next one removes.
  void staging() {
    scan_batches(shared_.kv(), keys::staging_begin(), keys::staging_end(), [&](auto& batch) {
      for (const KvEntry& entry : batch) {
        const std::optional<Bytes> value = decode(entry.key, entry.value, shared_.where());
        if (!value || !keys::is_staged_store(entry.key)) continue;
        try {
          staged_numbers_.insert(parse_staged_store(*value, shared_.where()).number);
        } catch (const Error&) {
          problem("the " + keys::describe(entry.key) + " has a malformed payload");
        }
      }
      return true;
    });
    if (const std::optional<StagingArea> area = find_staging(shared_)) note_staging(report_, *area);
  }

  void catalog() {
    bool readable = true;
    scan_batches(shared_.kv(), keys::intern_begin(), keys::intern_end(), [&](auto& batch) {
      for (const KvEntry& entry : batch) readable &= check(entry, shared_.where());
      return true;
    });
    std::uint64_t counter = 1;
    shared_.kv().view([&](kv::ReadTransaction& txn) {
      // The format record was checked when the SharedBackend opened; read it again
      // for its checksum and its share of the figures.
      if (const auto stored = txn.get(keys::format()))
        decode(keys::format(), *stored, shared_.where());
      const std::string key = keys::next_store();
      const auto stored = txn.get(key);
      if (!stored) return;
      const std::optional<Bytes> value = decode(key, *stored, shared_.where());
      if (value && value->size() == 8)
        counter = PayloadReader(*value, "store counter", shared_.where()).u64();
    });
    if (!readable) return;
    try {
      shared_.kv().view(
          [&](kv::ReadTransaction& txn) { stores_ = list_stores(txn, shared_.where()); });
    } catch (const Error& error) {
      problem(std::string(error.message()));
    }
    std::map<std::uint64_t, std::string> seen;
    for (const auto& [id, number] : stores_) {
      const std::string name = "store '" + keys::printable(id) + "'";
      if (!seen.emplace(number, name).second) {
        problem(name + " has number #" + std::to_string(number) + " like " + seen[number]);
      }
      if (number >= counter) {
        problem(name + " has number #" + std::to_string(number) +
                " but the store counter is only at " + std::to_string(counter));
      }
      names_.emplace(number, name);
    }
    report_.stores = stores_.size();
  }

  void stores() {
    std::optional<StoreWalk> walk;
    scan_batches(shared_.kv(), keys::stores_begin(), keys::stores_end(), [&](auto& batch) {
      for (const KvEntry& entry : batch) {
        const auto parsed = keys::parse_store_key(entry.key);
        if (!parsed) {
          problem("malformed store key '" + keys::printable(entry.key) + "'");
          continue;
        }
        if (!walk || walk->number != parsed->store) {
          if (walk) finish(*walk);
          walk = start(parsed->store);
        }
        store_record(*walk, entry, parsed->suffix);
      }
      return true;
    });
    if (walk) finish(*walk);
  }

  StoreWalk start(std::uint64_t number) {
    StoreWalk walk;
    walk.number = number;
    if (const auto it = names_.find(number); it != names_.end()) {
      walk.name = it->second;
    } else if (staged_numbers_.count(number)) {
      walk.name = "staged store #" + std::to_string(number);  // reported by staging()
    } else {
      walk.name = "store #" + std::to_string(number);
      problem("records of " + walk.name + " that is in no entry of the store id table");
    }
    return walk;
  }

  void store_record(StoreWalk& walk, const KvEntry& entry, std::string_view suffix) {
    const std::string where = "(" + walk.name + ")";
    const std::optional<Bytes> value = decode(entry.key, entry.value, where);
    if (!value) return;
    const auto name = keys::parse_store_suffix(suffix);
    if (!name) {
      problem("unknown record '" + keys::printable(entry.key) + "' " + where);
      return;
    }
    switch (name->kind) {
      case keys::StoreRecordKind::snapshot_header:
        try {
          walk.header = parse_snapshot_header(*value, where);
        } catch (const Error&) {
          problem("snapshot header " + where + " has a malformed payload");
        }
        break;
      case keys::StoreRecordKind::snapshot:
        walk.snapshot_stored = entry.value.size();
        walk.snapshot_raw = value->size();
        break;
      case keys::StoreRecordKind::patch:
        if (walk.header && name->clock < walk.header->clock) ++walk.patches_below;
        break;
    }
  }

  void finish(const StoreWalk& walk) {
    if (walk.header && !walk.snapshot_stored) {
      problem(walk.name + " has a snapshot header but no snapshot");
    } else if (!walk.header && walk.snapshot_stored) {
      problem(walk.name + " has a snapshot but no snapshot header (its clock is lost)");
    } else if (walk.header && (walk.header->raw_size != *walk.snapshot_raw ||
                               walk.header->stored_size != *walk.snapshot_stored)) {
      problem("the snapshot header of " + walk.name + " gives sizes " +
              std::to_string(walk.header->raw_size) + "/" +
              std::to_string(walk.header->stored_size) + ", the snapshot has " +
              std::to_string(*walk.snapshot_raw) + "/" + std::to_string(*walk.snapshot_stored));
    }
    if (walk.patches_below > 0) {
      note(walk.name + " keeps " + std::to_string(walk.patches_below) +
           " patches below its snapshot clock " + std::to_string(walk.header->clock) +
           " (a checkpoint would have pruned them)");
    }
  }

  // Every blob has data that decodes and a reference count above zero.
  void blobs() {
    scan_batches(shared_.kv(), keys::blobs_begin(), keys::blobs_end(), [&](auto& batch) {
      std::vector<std::optional<KvEntry>> counts;
      shared_.kv().view([&](kv::ReadTransaction& txn) {
        counts.clear();
        for (const KvEntry& entry : batch) {
          const std::string key = keys::refs(keys::blob_hash(entry.key));
          const auto stored = txn.get(key);
          if (stored) {
            counts.push_back(KvEntry{key, Bytes(stored->begin(), stored->end())});
          } else if (txn.get(keys::staging_blob(keys::blob_hash(entry.key)))) {
            counts.push_back(KvEntry{});  // staged, not published: reported by staging()
          } else {
            counts.push_back(std::nullopt);
          }
        }
      });
      for (std::size_t i = 0; i < batch.size(); ++i) {
        const std::string name = "blob '" + keys::printable(keys::blob_hash(batch[i].key)) + "'";
        decode(batch[i].key, batch[i].value, shared_.where());
        if (!counts[i]) {
          problem(name + " has no reference count");
          continue;
        }
        if (counts[i]->key.empty()) continue;
        const std::optional<Bytes> value =
            decode(counts[i]->key, counts[i]->value, shared_.where());
        if (!value) continue;
        try {
          const std::int64_t count = parse_ref_count(*value, shared_.where());
          if (count <= 0) {
            problem(name + " has reference count " + std::to_string(count) +
                    " (it should have been deleted at 0)");
          }
        } catch (const Error&) {
          problem("the reference count of " + name + " has a malformed payload");
        }
      }
      return true;
    });
  }

  // Every reference count has its blob's data (blobs() read the others).
  void ref_counts() {
    scan_batches(shared_.kv(), keys::refs_begin(), keys::refs_end(), [&](auto& batch) {
      std::vector<bool> has_data;
      shared_.kv().view([&](kv::ReadTransaction& txn) {
        has_data.clear();
        for (const KvEntry& entry : batch) {
          has_data.push_back(txn.get(keys::blob(keys::blob_hash(entry.key))).has_value());
        }
      });
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (has_data[i]) continue;
        decode(batch[i].key, batch[i].value, shared_.where());
        problem("reference count of blob '" + keys::printable(keys::blob_hash(batch[i].key)) +
                "' without the blob's data");
      }
      return true;
    });
  }

  // Keys outside every range the layout defines (docs/FORMAT.md, "Keys").
  void unknown_keys() {
    for (const keys::KeyRange& range : keys::unknown_ranges()) unknown_in(range.from, range.to);
  }

  void unknown_in(const std::string& from, const std::string& to) {
    if (!to.empty() && from >= to) return;
    scan_batches(shared_.kv(), from, to, [&](auto& batch) {
      for (const KvEntry& entry : batch) {
        tick();
        problem("unknown key '" + keys::printable(entry.key) + "' (not of this layout)");
      }
      return true;
    });
  }

  // Opens and decodes a record; a failure is a problem, and nullopt.
  std::optional<Bytes> decode(std::string_view key, ByteView stored, std::string_view where) {
    tick();
    report_.bytes += stored.size();
    try {
      return decode_record(open_record(key, stored, where), key, where);
    } catch (const Error& error) {
      if (error.code() != Errc::corruption) throw;
      problem(std::string(error.message()));
      return std::nullopt;
    }
  }

  bool check(const KvEntry& entry, std::string_view where) {
    return decode(entry.key, entry.value, where).has_value();
  }

  void tick() {
    ++report_.records;
    if (progress_ && report_.records % 256 == 0) {
      progress_(report_.bytes, std::max(total_, report_.bytes));
    }
  }

  void problem(std::string message) { add(Finding::Severity::problem, std::move(message)); }
  void note(std::string message) { add(Finding::Severity::note, std::move(message)); }
  void add(Finding::Severity severity, std::string message) {
    add_finding(report_, severity, std::move(message));
  }

  SharedBackend& shared_;
  const Progress& progress_;
  std::uint64_t total_;
  std::vector<std::pair<std::string, std::uint64_t>> stores_;
  std::map<std::uint64_t, std::string> names_;
  std::set<std::uint64_t> staged_numbers_;
  VerifyReport report_;
};

}  // namespace

void add_finding(VerifyReport& report, Finding::Severity severity, std::string message) {
  (severity == Finding::Severity::problem ? report.problems : report.notes)++;
  if (report.findings.size() < kMaxListedFindings) {
    report.findings.push_back({severity, std::move(message)});
  }
}

void note_staging(VerifyReport& report, const StagingArea& area) {
  const std::string what = std::to_string(area.stores) + " staged stores and " +
                           std::to_string(area.blobs) + " staged blobs";
  const std::string who = "process " + std::to_string(area.header.pid) + " on " +
                          (area.header.host.empty() ? "this host" : area.header.host);
  if (area.running) {
    add_finding(
        report, Finding::Severity::note,
        "a transfer into this database is running (" + who + "): " + what + ", not published yet");
  } else {
    add_finding(report, Finding::Severity::note,
                "an interrupted transfer (" + who + ") left " + what +
                    "; the stores are as they were before it, and the next copy, import or "
                    "salvage into this database removes them");
  }
}

VerifyReport verify_database(SharedBackend& shared, const Progress& progress) {
  return Verifier(shared, progress).run();
}

}  // namespace sds::core::maintenance
