// The choices of the sqlite: backend, measured side by side in one run.
//
//   sds_sqlite_bench --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
//                    --benchmark_report_aggregates_only=true [QUERY ...]
//
// engine/...: the workloads of the performance issue through the library, once
// per QUERY (URI parameters, or "default" for none; by default page_size 4096,
// 8192 and 16384, each with mmap_size 0 and 256MiB): appends of 200 B (one call each, sync=normal),
// a restore (open, 1 MiB snapshot, 2,621 patches of 200 B), reading 10,000
// patches from clock 0 (on an open store, and after opening it), and saving and loading blobs of 1
// MiB zstd cannot shrink.
//
// layout/...: plain SQLite with the backend's statements, on 4 KiB pages: one
// value read from the WITHOUT ROWID table (inline) or from a rowid table
// (out of line), by value size, and a 1 MiB value read with SELECT or with
// sqlite3_blob_open.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <sds/sds.hpp>
#include <string>
#include <vector>

namespace {

constexpr std::size_t kPatchBytes = 200;
constexpr std::size_t kMiB = std::size_t{1} << 20;

sds::Bytes random_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  sds::Bytes out(size);
  for (auto& byte : out) byte = static_cast<std::uint8_t>(random());
  return out;
}

// A fresh directory, removed with the object.
struct TempDir {
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    path = std::string(base && *base ? base : "/tmp") + "/sds-bench-XXXXXX";
    if (!mkdtemp(path.data())) std::abort();
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string path;
};

// --- engine/: the library, per URI query -----------------------------------

std::string uri_of(const TempDir& dir, const std::string& query) {
  return "sqlite:" + dir.path + "/db" + (query.empty() || query == "default" ? "" : "?" + query);
}

void append(benchmark::State& state, const std::string& query) {
  TempDir dir;
  auto store = sds::open(uri_of(dir, query), "doc");
  const sds::Bytes patch = random_bytes(kPatchBytes, 1);
  sds::Clock clock = 0;
  for (auto _ : state) store->append_patch(patch, ++clock);
  state.SetItemsProcessed(state.iterations());
}

void restore(benchmark::State& state, const std::string& query) {
  TempDir dir;
  const std::string uri = uri_of(dir, query);
  {
    auto store = sds::open(uri, "doc");
    store->save_snapshot(random_bytes(kMiB, 2), 1);
    for (sds::Clock clock = 2; clock < 2 + 2621; ++clock) {
      store->append_patch(random_bytes(kPatchBytes, clock), clock);
    }
  }
  for (auto _ : state) {
    auto store = sds::open(uri, "doc");
    benchmark::DoNotOptimize(store->load_snapshot());
    benchmark::DoNotOptimize(store->load_patches_since(*store->snapshot_clock()));
  }
}

// 10,000 patches from clock 0: on a store kept open (warm), or opened afresh
// each time, as an offline application restores (cold).
void load_patches(benchmark::State& state, const std::string& query, bool cold) {
  TempDir dir;
  const std::string uri = uri_of(dir, query);
  auto store = sds::open(uri, "doc");
  for (sds::Clock clock = 1; clock <= 10000; ++clock) {
    store->append_patch(random_bytes(kPatchBytes, clock), clock);
  }
  if (cold) store.reset();
  for (auto _ : state) {
    if (cold) {
      benchmark::DoNotOptimize(sds::open(uri, "doc")->load_patches_since(0));
    } else {
      benchmark::DoNotOptimize(store->load_patches_since(0));
    }
  }
  state.SetItemsProcessed(state.iterations() * 10000);
}

void load_patches_warm(benchmark::State& state, const std::string& query) {
  load_patches(state, query, false);
}

void load_patches_cold(benchmark::State& state, const std::string& query) {
  load_patches(state, query, true);
}

void save_blobs(benchmark::State& state, const std::string& query) {
  TempDir dir;
  auto store = sds::open(uri_of(dir, query), "doc");
  const sds::Bytes blob = random_bytes(kMiB, 3);
  std::uint64_t hash = 0;
  for (auto _ : state) store->save_value("blob-" + std::to_string(++hash), blob);
  state.SetBytesProcessed(state.iterations() * kMiB);
}

void load_blobs(benchmark::State& state, const std::string& query) {
  TempDir dir;
  const std::string uri = uri_of(dir, query);
  constexpr int kBlobs = 32;
  {
    auto store = sds::open(uri, "doc");
    for (int i = 0; i < kBlobs; ++i)
      store->save_value("blob-" + std::to_string(i), random_bytes(kMiB, i));
  }
  auto store = sds::open(uri, "doc");  // the WAL checkpointed at the close
  int i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(store->load_value("blob-" + std::to_string(i++ % kBlobs)));
  state.SetBytesProcessed(state.iterations() * kMiB);
}

// --- layout/: plain SQLite ---------------------------------------------------

struct Raw {
  explicit Raw(const std::string& path) {
    sqlite3_open(path.c_str(), &db);
    exec("PRAGMA page_size=4096");
    exec("PRAGMA journal_mode=WAL");
    exec("CREATE TABLE kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID");
    exec("CREATE TABLE vals (id INTEGER PRIMARY KEY, k BLOB NOT NULL UNIQUE, v BLOB NOT NULL)");
  }
  ~Raw() {
    for (sqlite3_stmt* statement : statements) sqlite3_finalize(statement);
    sqlite3_close(db);
  }
  void exec(const char* sql) { sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &statement, nullptr);
    statements.push_back(statement);
    return statement;
  }
  sqlite3* db = nullptr;
  std::vector<sqlite3_stmt*> statements;
};

// 18 bytes, as the key of a patch.
std::string key_of(int i) {
  return std::string("S\0\0\0\0\0\0\0\1p", 10) + std::to_string(10000000 + i);
}

// Args: value size, 0 inline / 1 out of line.
void layout_get(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const bool out_of_line = state.range(1) == 1;
  const int rows = static_cast<int>(std::min<std::size_t>(2000, (16 * kMiB) / size));
  TempDir dir;
  Raw raw(dir.path + "/raw.db");
  const sds::Bytes value = random_bytes(size, 4);
  sqlite3_stmt* put_inline = raw.prepare("INSERT INTO kv(k, v) VALUES(?1, ?2)");
  sqlite3_stmt* put_value = raw.prepare("INSERT INTO vals(k, v) VALUES(?1, ?2)");
  sqlite3_stmt* put_ref = raw.prepare("INSERT INTO kv(k, v) VALUES(?1, ?2)");
  raw.exec("BEGIN");
  for (int i = 0; i < rows; ++i) {
    const std::string key = key_of(i);
    sqlite3_stmt* first = out_of_line ? put_value : put_inline;
    sqlite3_bind_blob(first, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_blob(first, 2, value.data(), static_cast<int>(size), SQLITE_STATIC);
    sqlite3_step(first);
    sqlite3_reset(first);
    if (!out_of_line) continue;
    sqlite3_bind_blob(put_ref, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_int64(put_ref, 2, sqlite3_last_insert_rowid(raw.db));
    sqlite3_step(put_ref);
    sqlite3_reset(put_ref);
  }
  raw.exec("COMMIT");
  raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_stmt* get = raw.prepare("SELECT v FROM kv WHERE k = ?1");
  sqlite3_stmt* get_value = raw.prepare("SELECT v FROM vals WHERE id = ?1");
  std::vector<std::uint8_t> out(size);
  std::mt19937 random(5);
  for (auto _ : state) {
    const std::string key = key_of(static_cast<int>(random() % rows));
    raw.exec("BEGIN");
    sqlite3_bind_blob(get, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_step(get);
    sqlite3_stmt* from = get;
    if (sqlite3_column_type(get, 0) == SQLITE_INTEGER) {
      sqlite3_bind_int64(get_value, 1, sqlite3_column_int64(get, 0));
      sqlite3_step(get_value);
      from = get_value;
    }
    std::memcpy(out.data(), sqlite3_column_blob(from, 0), sqlite3_column_bytes(from, 0));
    sqlite3_reset(get_value);
    sqlite3_reset(get);
    raw.exec("COMMIT");
  }
  state.SetBytesProcessed(state.iterations() * size);
}

// Arg: 0 SELECT, 1 sqlite3_blob_open; Arg 2: mmap_size in MiB.
void layout_read_1mib(benchmark::State& state) {
  const bool blob_open = state.range(0) == 1;
  TempDir dir;
  Raw raw(dir.path + "/raw.db");
  raw.exec(("PRAGMA mmap_size=" + std::to_string(state.range(1) * kMiB)).c_str());
  constexpr int kValues = 32;
  sqlite3_stmt* put = raw.prepare("INSERT INTO vals(id, k, v) VALUES(?1, ?1, ?2)");
  for (int i = 1; i <= kValues; ++i) {
    const sds::Bytes value = random_bytes(kMiB, i);
    sqlite3_bind_int64(put, 1, i);
    sqlite3_bind_blob(put, 2, value.data(), static_cast<int>(kMiB), SQLITE_TRANSIENT);
    sqlite3_step(put);
    sqlite3_reset(put);
  }
  raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_stmt* select = raw.prepare("SELECT v FROM vals WHERE id = ?1");
  std::vector<std::uint8_t> out(kMiB);
  int i = 0;
  for (auto _ : state) {
    const int id = 1 + i++ % kValues;
    raw.exec("BEGIN");
    if (blob_open) {
      sqlite3_blob* blob = nullptr;
      sqlite3_blob_open(raw.db, "main", "vals", "v", id, 0, &blob);
      sqlite3_blob_read(blob, out.data(), sqlite3_blob_bytes(blob), 0);
      sqlite3_blob_close(blob);
    } else {
      sqlite3_bind_int64(select, 1, id);
      sqlite3_step(select);
      std::memcpy(out.data(), sqlite3_column_blob(select, 0), sqlite3_column_bytes(select, 0));
      sqlite3_reset(select);
    }
    raw.exec("COMMIT");
  }
  state.SetBytesProcessed(state.iterations() * kMiB);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::vector<std::string> queries(argv + 1, argv + argc);
  if (queries.empty()) {
    for (const char* page : {"4096", "8192", "16384"}) {
      for (const char* mmap : {"0", "256MiB"}) {
        queries.push_back(std::string("page_size=") + page + "&mmap_size=" + mmap);
      }
    }
  }
  using Workload = void (*)(benchmark::State&, const std::string&);
  const std::pair<const char*, Workload> workloads[] = {
      {"append_200B", append},
      {"restore", restore},
      {"load_patches_10k_warm", load_patches_warm},
      {"load_patches_10k_cold", load_patches_cold},
      {"blob_save_1MiB", save_blobs},
      {"blob_load_1MiB", load_blobs}};
  for (const auto& [name, workload] : workloads) {
    for (const std::string& query : queries) {
      benchmark::RegisterBenchmark(
          ("engine/" + std::string(name) + "/" + query).c_str(),
          [workload = workload, query](benchmark::State& state) { workload(state, query); })
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
    }
  }
  benchmark::RegisterBenchmark("layout/get", layout_get)
      ->ArgNames({"size", "out_of_line"})
      ->ArgsProduct({{256, 512, 768, 1024, 4096, 65536}, {0, 1}})
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("layout/read_1MiB", layout_read_1mib)
      ->ArgNames({"blob_open", "mmap_MiB"})
      ->ArgsProduct({{0, 1}, {0, 256}})
      ->Unit(benchmark::kMicrosecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
