// verify_store_level(): sdsctl verify on a Store-level scheme's database.
#include <optional>

#include "core/keys.hpp"
#include "core/maintenance/verify.hpp"
#include "core/store_level_database.hpp"
#include "sds/contents.hpp"
#include "sds/error.hpp"

namespace sds::core::maintenance {
namespace {

class Checker final : public ContentsVisitor {
 public:
  Checker(VerifyReport& report, const Progress& progress) : report_(report), progress_(progress) {}

  void store(std::string_view id) override {
    end_store();
    ++report_.stores;
    name_ = "store '" + keys::printable(id) + "'";
    snapshot_clock_.reset();
  }
  void snapshot(Clock clock, ByteView data) override {
    snapshot_clock_ = clock;
    tick(data.size());
  }
  void patch(Clock clock, ByteView data) override {
    if (snapshot_clock_ && clock < *snapshot_clock_) ++patches_below_;
    tick(data.size());
  }
  void blob(std::string_view hash, std::int64_t ref_count, ByteView data) override {
    end_store();
    if (ref_count <= 0) {
      add_finding(report_, Finding::Severity::problem,
                  "blob '" + keys::printable(hash) + "' has reference count " +
                      std::to_string(ref_count) + " (a stored blob has at least 1)");
    }
    tick(data.size());
  }
  void end_store() {
    if (patches_below_ > 0) {
      add_finding(report_, Finding::Severity::note,
                  name_ + " keeps " + std::to_string(patches_below_) +
                      " patches below its snapshot clock " + std::to_string(*snapshot_clock_) +
                      " (a checkpoint would have pruned them)");
    }
    patches_below_ = 0;
  }

 private:
  void tick(std::size_t bytes) {
    ++report_.records;
    report_.bytes += bytes;
    if (progress_ && report_.records % 256 == 0) progress_(report_.bytes, 0);
  }

  VerifyReport& report_;
  const Progress& progress_;
  std::string name_;
  std::optional<Clock> snapshot_clock_;
  std::uint64_t patches_below_ = 0;
};

}  // namespace

VerifyReport verify_store_level(Database& database, const Progress& progress) {
  VerifyReport report;
  report.format_version = database.stats().format_version;
  report.unchecked =
      "records carry no checksums in this layout: every record was read, but a changed byte "
      "inside one cannot be told";
  Checker checker(report, progress);
  try {
    database.visit_contents(checker);
    checker.end_store();
  } catch (const Error& error) {
    // What the layout can tell is damaged stops the read there.
    if (error.code() != Errc::corruption) throw;
    add_finding(report, Finding::Severity::problem,
                std::string(error.message()) + " (records after it were not read)");
  }
  if (auto* store_level = dynamic_cast<StoreLevelDatabase*>(&database)) {
    if (const std::optional<StagingArea> area = store_level->find_staging()) {
      note_staging(report, *area);
    }
    report.backend_check = store_level->check_integrity();
  } else {
    report.backend_check = {false, "the scheme offers no check of its own", {}};
  }
  for (const std::string& line : report.backend_check.problems) {
    add_finding(report, Finding::Severity::problem, report.backend_check.what + ": " + line);
  }
  return report;
}

}  // namespace sds::core::maintenance
