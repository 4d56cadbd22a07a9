// The main job: plays one sync session of a document store against a database
// URI (sqlite:sync-session.db unless told otherwise), then reopens it and
// restores the document, printing what it stored and what it found.
//
//   sync_session [URI]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <sds/sds.hpp>
#include <string>

namespace {

constexpr const char* kStoreId = "notes/2026-11";

// A patch as an SDS sync client sends it: a small JSON-like operation.
std::string make_patch(sds::Clock clock) {
  return R"({"op":"insert","path":["notes",)" + std::to_string(clock % 97) +
         R"(],"value":{"title":"Note )" + std::to_string(clock) +
         R"(","body":"Meeting minutes, action items and a reminder to water the plants.","tags":["work","sync"]}})";
}

// The document a client would snapshot after applying `patches` patches.
std::string make_snapshot(sds::Clock patches) {
  std::string document = R"({"notes":[)";
  for (sds::Clock clock = 1; clock <= patches; ++clock) document += make_patch(clock) + ",";
  document += "]}";
  return document;
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

std::string default_uri() {
  const auto schemes = sds::backends();
  const bool has_sqlite = std::find(schemes.begin(), schemes.end(), "sqlite") != schemes.end();
  return has_sqlite ? "sqlite:sync-session.db" : "lmdb:sync-session.lmdb";
}

int run(const std::string& uri) {
  std::printf("sync session on %s, store '%s'\n", uri.c_str(), kStoreId);
  sds::Clock clock = 0;
  std::uint64_t patch_bytes = 0;
  {
    auto store = sds::open(uri, kStoreId);
    clock = store->stats().last_patch_clock.value_or(store->snapshot_clock().value_or(0));
    const sds::Clock first = clock + 1;
    while (!store->checkpoint_due()) {
      const std::string patch = make_patch(++clock);
      store->append_patch(sds::as_bytes(patch), clock);
      patch_bytes += patch.size();
    }
    std::printf("appended %llu patches (%llu bytes) until a checkpoint was due at clock %llu\n",
                static_cast<unsigned long long>(clock - first + 1),
                static_cast<unsigned long long>(patch_bytes),
                static_cast<unsigned long long>(clock));
    store->checkpoint(sds::as_bytes(make_snapshot(clock)), clock);
    for (sds::Clock extra = 1; extra <= 3; ++extra) {
      store->append_patch(sds::as_bytes(make_patch(clock + extra)), clock + extra);
    }
    const std::string image(256 << 10, 'x');
    store->save_value("sha256:attachment-1", sds::as_bytes(image));
    store->save_value("sha256:attachment-2", sds::as_bytes(image + "2"));
    store->save_value("sha256:attachment-1", sds::as_bytes(image));  // a second reference
    store->release_value("sha256:attachment-2");                     // gone again
    store->close();
  }

  const auto start = std::chrono::steady_clock::now();
  auto store = sds::open(uri, kStoreId);
  const auto snapshot = store->load_snapshot();
  const auto patches = store->load_patches_since(store->snapshot_clock().value_or(0));
  const double restore_ms = milliseconds_since(start);
  const auto attachment = store->load_value("sha256:attachment-1");
  const auto released = store->load_value("sha256:attachment-2");
  const sds::StoreStats stats = store->stats();

  std::printf("restored snapshot of %zu bytes at clock %llu and %zu patches in %.2f ms\n",
              snapshot ? snapshot->size() : 0,
              static_cast<unsigned long long>(stats.snapshot_clock), patches.size(), restore_ms);
  std::printf("snapshot stored in %llu bytes: compression ratio %.1f : 1\n",
              static_cast<unsigned long long>(stats.snapshot_stored_bytes),
              stats.snapshot_stored_bytes
                  ? static_cast<double>(stats.snapshot_bytes) / stats.snapshot_stored_bytes
                  : 0.0);
  std::printf("blobs: %llu (%llu bytes, stored in %llu); attachment-1 %s, attachment-2 %s\n",
              static_cast<unsigned long long>(stats.blob_count),
              static_cast<unsigned long long>(stats.blob_bytes),
              static_cast<unsigned long long>(stats.blob_stored_bytes),
              attachment ? "found" : "MISSING", released ? "STILL THERE" : "released");
  std::printf("accumulated %llu of %llu bytes until the next checkpoint; %s bytes on disk\n",
              static_cast<unsigned long long>(stats.accumulated_bytes),
              static_cast<unsigned long long>(stats.checkpoint_bytes),
              stats.bytes_on_disk ? std::to_string(*stats.bytes_on_disk).c_str() : "unknown");
  const bool complete = snapshot && patches.size() == 3 && attachment && !released;
  std::printf("%s\n", complete ? "restore complete" : "RESTORE INCOMPLETE");
  return complete ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc > 1 ? argv[1] : default_uri());
  } catch (const sds::Error& error) {
    std::fprintf(stderr, "sync_session: %s (%s)\n", error.what(), sds::to_string(error.code()));
    return 1;
  }
}
