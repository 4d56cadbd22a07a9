// Built against the installed package: opens the default backend in the
// directory given and checks a piece of the contract. Exit 0 when it holds.
#include <cstdio>
#include <sds/sds.hpp>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: package_test DIR\n");
    return 2;
  }
  const std::string uri = "sqlite:" + std::string(argv[1]) + "/package-test.db";
  try {
    auto db = sds::open_database(uri);
    db->drop_store("doc");
  } catch (const sds::Error& error) {
    if (error.code() != sds::Errc::not_found) throw;
  }
  {
    auto store = sds::open(uri, "doc");
    store->save_snapshot(sds::as_bytes("snapshot"), 2);
    store->append_patch(sds::as_bytes("two"), 2);
    store->append_patch(sds::as_bytes("three"), 3);
    store->append_patch(sds::as_bytes("again"), 3);  // ignored: the first wins
  }
  auto store = sds::open(uri, "doc");
  const auto snapshot = store->load_snapshot();
  const auto patches = store->load_patches_since(2);
  const bool holds = snapshot && std::string(snapshot->begin(), snapshot->end()) == "snapshot" &&
                     patches.size() == 1 &&
                     std::string(patches[0].begin(), patches[0].end()) == "three" &&
                     store->accumulated_bytes() == 5;
  std::printf("installed sds::sds (%zu schemes): contract %s\n", sds::backends().size(),
              holds ? "holds" : "BROKEN");
  return holds ? 0 : 1;
}
