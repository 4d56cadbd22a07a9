// The heap an LMDB session of 10,000 appends needs, for embedded budgets: the
// heap in use (malloc's, so LMDB's, zstd's and the engine's alike, from
// mallinfo2) after opening, at its peak, and at the end. Appends come one call
// at a time with a checkpoint whenever one is due (512 KiB of patches), as the
// SDS sync engine makes them; sync=off, since syncing changes no allocation
// and 10,000 syncs would take minutes under emulation. Prints the figures;
// exits 1 when the session needs more than kBudgetBytes over what opening
// took, or when the heap grew from the first checkpoint to the end by more
// than kLeakBudgetBytes (it would then grow with the session).
#include <malloc.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <sds/sds.hpp>
#include <string>

namespace {

constexpr sds::Clock kAppends = 10'000;
constexpr std::size_t kPatchBytes = 200;
constexpr std::size_t kBudgetBytes = std::size_t{4} << 20;
constexpr std::size_t kLeakBudgetBytes = std::size_t{256} << 10;

std::size_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;  // arena chunks in use, and mmap'ed ones
}

}  // namespace

int main() {
  std::string dir = (std::filesystem::temp_directory_path() / "sds-heap-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    std::perror("mkdtemp");
    return 2;
  }
  std::size_t opened = 0, peak = 0, after_first_checkpoint = 0, end = 0;
  int checkpoints = 0;
  {
    auto store = sds::open("lmdb:" + dir + "/env?sync=off", "doc");
    opened = heap_in_use();
    peak = opened;
    std::string snapshot;
    const std::string patch(kPatchBytes, 'p');
    for (sds::Clock clock = 1; clock <= kAppends; ++clock) {
      store->append_patch(sds::as_bytes(patch), clock);
      peak = std::max(peak, heap_in_use());
      if (store->checkpoint_due()) {
        snapshot.assign(64 << 10, static_cast<char>('a' + checkpoints % 26));
        store->checkpoint(sds::as_bytes(snapshot), clock);
        peak = std::max(peak, heap_in_use());
        if (++checkpoints == 1) after_first_checkpoint = heap_in_use();
      }
    }
    end = heap_in_use();
    peak = std::max(peak, end);
  }
  std::filesystem::remove_all(dir);
  const std::size_t growth = end > after_first_checkpoint ? end - after_first_checkpoint : 0;
  std::printf(
      "heap of a %llu-append LMDB session (%d checkpoints): %zu bytes after opening, peak %zu "
      "(+%zu, budget +%zu), %zu at the end (+%zu since the first checkpoint, budget +%zu)\n",
      static_cast<unsigned long long>(kAppends), checkpoints, opened, peak, peak - opened,
      kBudgetBytes, end, growth, kLeakBudgetBytes);
  if (checkpoints == 0) {
    std::printf("FAILED: no checkpoint was ever due\n");
    return 1;
  }
  if (peak - opened > kBudgetBytes || growth > kLeakBudgetBytes) {
    std::printf("FAILED: over budget\n");
    return 1;
  }
  return 0;
}
