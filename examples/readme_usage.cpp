// The usage example of the README, as a whole program: it stores a patch, a
// snapshot when one is due, and a blob in sqlite:notes.db (the current
// directory), then restores the document. Against an installed sds:
//   c++ -std=c++20 readme_usage.cpp $(pkg-config --cflags --libs sds)
#include <cstdio>
#include <optional>
#include <sds/sds.hpp>
#include <string>

// The application's own: here, a document is text, and applying prints it.
void apply(const sds::Bytes& change) {
  std::printf("%s\n", std::string(sds::as_chars(change)).c_str());
}

int main() {
  const std::string patch = R"({"op":"insert","text":"hello"})", snapshot = R"({"text":"hello"})";
  const std::string hash = "sha256:2cf24dba", blob = "an attachment";

  auto store = sds::open("sqlite:notes.db", "notes/2026-11");  // creates what is missing
  const sds::Clock clock = store->stats().last_patch_clock.value_or(0) + 1;
  store->append_patch(sds::as_bytes(patch), clock);     // duplicate clocks: first wins
  if (store->checkpoint_due()) {                        // 512 KiB of patches since
    store->checkpoint(sds::as_bytes(snapshot), clock);  // snapshot + prune, atomically
  }
  store->save_value(hash, sds::as_bytes(blob));  // ref count 1, or +1 if known

  // Restore: the snapshot, then the patches after it.
  std::optional<sds::Bytes> state = store->load_snapshot();
  if (state) apply(*state);
  for (const sds::Bytes& change : store->load_patches_since(store->snapshot_clock().value_or(0)))
    apply(change);
}
