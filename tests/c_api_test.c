/* The C API (include/sds_persistence.h), from a program compiled as C99 with
 * -pedantic: the cases of the Node package's tests (snapshot, patches since,
 * duplicate append, prune, blobs with reference counts) and the extras, on
 * every scheme this build has and on `cmap:`, a backend written in C
 * (c_api_map_backend.c), then the error cases. Prints
 * "N passed, N failed" and exits non-zero on any failure. */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "c_api_map_backend.h"
#include "sds_persistence.h"

static int passed = 0, failed = 0;
static const char *current = "setup"; /* the scheme under test, for messages */
static sdsp_error *err = NULL;        /* every call below reports into it */
static char last_message[1024];       /* of the error the last expect() freed */

static int check(int ok, const char *what, int line) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    fprintf(stderr, "c_api_test.c:%d [%s]: failed: %s\n", line, current, what);
  }
  return ok;
}
#define CHECK(condition) check((condition) != 0, #condition, __LINE__)

/* Checks a call's code and, for a failure, that the error object says the
 * same code with a message; frees the error. */
static int expect(sdsp_code got, sdsp_code want, const char *call, int line) {
  int ok = got == want;
  last_message[0] = '\0';
  if (!ok) {
    fprintf(stderr, "c_api_test.c:%d [%s]: %s returned %s, expected %s: %s\n", line, current, call,
            sdsp_code_name(got), sdsp_code_name(want), err ? sdsp_error_message(err) : "");
  }
  if (ok && want != SDSP_OK) {
    ok = err != NULL && sdsp_error_code(err) == want && sdsp_error_message(err)[0] != '\0' &&
         sdsp_error_advice(err) != NULL;
    if (!ok) fprintf(stderr, "c_api_test.c:%d [%s]: no error object for %s\n", line, current, call);
  }
  if (ok && want == SDSP_OK && err != NULL) {
    ok = 0;
    fprintf(stderr, "c_api_test.c:%d [%s]: an error object after success\n", line, current);
  }
  if (err != NULL) {
    strncpy(last_message, sdsp_error_message(err), sizeof last_message - 1);
    last_message[sizeof last_message - 1] = '\0';
  }
  sdsp_error_free(err);
  err = NULL;
  return check(ok, call, line);
}
#define OK(call) expect((call), SDSP_OK, #call, __LINE__)
#define FAILS(code, call) expect((call), (code), #call, __LINE__)

static int bytes_are(const sdsp_bytes *bytes, const void *data, size_t size) {
  return bytes->size == size && memcmp(bytes->data, data, size) == 0 && bytes->data[size] == 0;
}
#define BYTES_ARE(bytes, text) CHECK(bytes_are((bytes), (text), strlen(text)))

/* ---- the provider's cases, on one store ---- */

static void snapshots(sdsp_store *store) {
  static const unsigned char binary[] = {0x00, 0xff, 's', 0x00};
  sdsp_bytes snapshot = {NULL, 0};
  int found = 1;
  uint64_t clock = 99;
  OK(sdsp_store_load_snapshot(store, &snapshot, &found, &err));
  CHECK(!found && snapshot.data == NULL && snapshot.size == 0);
  OK(sdsp_store_snapshot_clock(store, &clock, &found, &err));
  CHECK(!found);

  OK(sdsp_store_save_snapshot(store, "first", 5, 0, &err));
  OK(sdsp_store_snapshot_clock(store, &clock, &found, &err));
  CHECK(found && clock == 0);
  OK(sdsp_store_save_snapshot(store, binary, sizeof binary, 7, &err));
  OK(sdsp_store_load_snapshot(store, &snapshot, &found, &err));
  CHECK(found && bytes_are(&snapshot, binary, sizeof binary));
  sdsp_bytes_free(&snapshot);
  CHECK(snapshot.data == NULL && snapshot.size == 0);
  OK(sdsp_store_snapshot_clock(store, &clock, &found, &err));
  CHECK(found && clock == 7);
}

static void patches(sdsp_store *store) {
  sdsp_bytes_list list = {NULL, 0};
  /* out of order: loads are ascending by clock */
  OK(sdsp_store_append_patch(store, "p30", 3, 30, &err));
  OK(sdsp_store_append_patch(store, "p10", 3, 10, &err));
  OK(sdsp_store_append_patch(store, "p20", 3, 20, &err));
  OK(sdsp_store_load_patches_since(store, 10, &list, &err));
  if (CHECK(list.count == 2)) {
    BYTES_ARE(&list.items[0], "p20");
    BYTES_ARE(&list.items[1], "p30");
  }
  sdsp_bytes_list_free(&list);
  OK(sdsp_store_load_patches_since(store, 30, &list, &err));
  CHECK(list.count == 0);
  sdsp_bytes_list_free(&list);

  /* a duplicate append: the first wins, without an error */
  OK(sdsp_store_append_patch(store, "first", 5, 40, &err));
  OK(sdsp_store_append_patch(store, "second", 6, 40, &err));
  OK(sdsp_store_load_patches_since(store, 39, &list, &err));
  if (CHECK(list.count == 1)) BYTES_ARE(&list.items[0], "first");
  sdsp_bytes_list_free(&list);

  /* prune: every clock below 30 goes */
  OK(sdsp_store_prune_patches(store, 30, &err));
  OK(sdsp_store_load_patches_since(store, 0, &list, &err));
  if (CHECK(list.count == 2)) {
    BYTES_ARE(&list.items[0], "p30");
    BYTES_ARE(&list.items[1], "first");
  }
  sdsp_bytes_list_free(&list);
}

typedef struct visited {
  uint64_t clocks[8];
  size_t count;
  size_t stop_after;
} visited;

static int visit_patch(void *context, uint64_t clock, const uint8_t *patch, size_t size) {
  visited *seen = (visited *)context;
  (void)patch;
  (void)size;
  if (seen->count < 8) seen->clocks[seen->count] = clock;
  ++seen->count;
  return seen->count < seen->stop_after;
}

static void extras(sdsp_store *store) {
  visited seen = {{0}, 0, 100};
  uint64_t accumulated = 0, clock = 0;
  int due = 1, found = 0;
  sdsp_bytes_list list = {NULL, 0};
  sdsp_store_stats stats;

  OK(sdsp_store_visit_patches_since(store, 0, visit_patch, &seen, &err));
  CHECK(seen.count == 2 && seen.clocks[0] == 30 && seen.clocks[1] == 40);
  seen.count = 0;
  seen.stop_after = 1;
  OK(sdsp_store_visit_patches_since(store, 0, visit_patch, &seen, &err));
  CHECK(seen.count == 1);

  /* the snapshot is at 7: both patches count */
  OK(sdsp_store_accumulated_bytes(store, &accumulated, &err));
  CHECK(accumulated == 3 + 5);
  OK(sdsp_store_checkpoint_due(store, &due, &err));
  CHECK(!due);
  OK(sdsp_store_checkpoint(store, "cp", 2, 40, &err));
  OK(sdsp_store_snapshot_clock(store, &clock, &found, &err));
  CHECK(found && clock == 40);
  OK(sdsp_store_load_patches_since(store, 0, &list, &err));
  if (CHECK(list.count == 1)) BYTES_ARE(&list.items[0], "first");
  sdsp_bytes_list_free(&list);
  OK(sdsp_store_accumulated_bytes(store, &accumulated, &err));
  CHECK(accumulated == 0);
  FAILS(SDSP_INVALID_ARGUMENT, sdsp_store_checkpoint(store, "stale", 5, 39, &err));
  CHECK(strstr(last_message, "checkpoint") != NULL || strstr(last_message, "clock") != NULL);

  OK(sdsp_store_get_stats(store, SDSP_STATS_STORE_ONLY, &stats, &err));
  CHECK(stats.has_snapshot && stats.snapshot_clock == 40 && stats.snapshot_bytes == 2);
  CHECK(stats.patch_count == 1 && stats.has_patches && stats.first_patch_clock == 40);
  CHECK(stats.checkpoint_bytes == SDSP_DEFAULT_CHECKPOINT_BYTES);
  OK(sdsp_store_flush(store, &err));
}

static void blobs(sdsp_store *store, sdsp_store *other) {
  static const char hash[] = "sha256:2cf24dba";
  const size_t hash_size = strlen(hash);
  sdsp_bytes value = {NULL, 0};
  int found = 0, retained = 1;

  OK(sdsp_store_save_value(store, hash, hash_size, "blob", 4, &err));
  OK(sdsp_store_save_value(store, hash, hash_size, "ignored", 7, &err));   /* count 2 */
  OK(sdsp_store_load_value(other, hash, hash_size, &value, &found, &err)); /* shared */
  CHECK(found && bytes_are(&value, "blob", 4));
  sdsp_bytes_free(&value);
  OK(sdsp_store_retain_value(store, hash, hash_size, &retained, &err)); /* count 3 */
  CHECK(retained);
  OK(sdsp_store_release_value(store, hash, hash_size, &err));
  OK(sdsp_store_release_value(other, hash, hash_size, &err));
  OK(sdsp_store_load_value(store, hash, hash_size, &value, &found, &err));
  CHECK(found);
  sdsp_bytes_free(&value);
  OK(sdsp_store_release_value(store, hash, hash_size, &err)); /* to zero: gone */
  OK(sdsp_store_load_value(store, hash, hash_size, &value, &found, &err));
  CHECK(!found && value.data == NULL);
  OK(sdsp_store_release_value(store, hash, hash_size, &err)); /* unknown: a no-op */
  OK(sdsp_store_retain_value(store, hash, hash_size, &retained, &err));
  CHECK(!retained);
}

static void batches(sdsp_store *store) {
  sdsp_batch *batch = NULL;
  sdsp_bytes_list list = {NULL, 0};
  sdsp_bytes value = {NULL, 0};
  int found = 0;
  OK(sdsp_batch_new(&batch, &err));
  OK(sdsp_batch_append_patch(batch, "b50", 3, 50, &err));
  OK(sdsp_batch_append_patch(batch, "b51", 3, 51, &err));
  OK(sdsp_batch_append_patch(batch, "dup", 3, 51, &err)); /* first wins here too */
  OK(sdsp_batch_save_value(batch, "h", 1, "v", 1, &err));
  FAILS(SDSP_INVALID_ARGUMENT, sdsp_batch_save_value(batch, "", 0, "v", 1, &err));
  CHECK(sdsp_batch_size(batch) == 4);
  OK(sdsp_store_write(store, batch, &err));
  OK(sdsp_store_load_patches_since(store, 49, &list, &err));
  if (CHECK(list.count == 2)) {
    BYTES_ARE(&list.items[0], "b50");
    BYTES_ARE(&list.items[1], "b51");
  }
  sdsp_bytes_list_free(&list);
  OK(sdsp_store_load_value(store, "h", 1, &value, &found, &err));
  CHECK(found && bytes_are(&value, "v", 1));
  sdsp_bytes_free(&value);
  sdsp_batch_clear(batch);
  CHECK(sdsp_batch_size(batch) == 0);
  OK(sdsp_batch_release_value(batch, "h", 1, &err));
  OK(sdsp_batch_prune_patches(batch, 51, &err));
  OK(sdsp_store_write(store, batch, &err));
  OK(sdsp_store_load_value(store, "h", 1, &value, &found, &err));
  CHECK(!found);
  OK(sdsp_store_load_patches_since(store, 0, &list, &err));
  if (CHECK(list.count == 1)) BYTES_ARE(&list.items[0], "b51");
  sdsp_bytes_list_free(&list);
  sdsp_batch_free(batch);
}

static int has_id(const sdsp_bytes_list *ids, const void *id, size_t size) {
  size_t i;
  for (i = 0; i < ids->count; ++i) {
    if (bytes_are(&ids->items[i], id, size)) return 1;
  }
  return 0;
}

/* Every case on one database of the scheme `uri` names, whose layout has
   format version `format_version` (0: none). */
/* The URI of a server scheme's database: SDS_CONFORMANCE_<SCHEME>_URI with
 * "{name}" replaced by a fresh name (tests/postgres_tests.cmake sets it). A
 * missing variable fails the test: a server scheme is never left untested. */
static int server_uri(const char *scheme, char *uri, size_t size) {
  char variable[128] = "SDS_CONFORMANCE_";
  size_t at = strlen(variable);
  const char *pattern;
  const char *name;
  char fresh[64];
  for (; *scheme != '\0' && at + 5 < sizeof variable; ++scheme) {
    const char c = *scheme;
    variable[at++] = (c >= 'a' && c <= 'z')   ? (char)(c - 'a' + 'A')
                     : (c >= '0' && c <= '9') ? c
                                              : '_';
  }
  strcpy(variable + at, "_URI");
  pattern = getenv(variable);
  if (!CHECK(pattern != NULL) || !CHECK((name = strstr(pattern, "{name}")) != NULL)) return 0;
  snprintf(fresh, sizeof fresh, "c_api_%ld", (long)getpid());
  snprintf(uri, size, "%.*s%s%s", (int)(name - pattern), pattern, fresh, name + 6);
  return 1;
}

static void test_database(const char *uri, uint32_t format_version) {
  static const char nul_id[] = {'a', '\0', 'b'};
  sdsp_database *database = NULL;
  sdsp_store *store = NULL, *other = NULL;
  sdsp_bytes_list ids = {NULL, 0};
  sdsp_database_stats stats;
  size_t id_size = 0;
  sdsp_bytes snapshot = {NULL, 0};
  int found = 0;

  if (!OK(sdsp_open_database(uri, 0, &database, &err))) return;
  CHECK(strncmp(sdsp_database_uri(database), uri, strlen(current)) == 0);
  CHECK(!sdsp_database_read_only(database));
  if (!OK(sdsp_database_store(database, "notes", 5, &store, &err))) return;
  OK(sdsp_database_store(database, nul_id, sizeof nul_id, &other, &err));
  CHECK(memcmp(sdsp_store_id(other, &id_size), nul_id, sizeof nul_id) == 0 &&
        id_size == sizeof nul_id);

  snapshots(store);
  patches(store);
  extras(store);
  blobs(store, other);
  batches(store);

  /* stores never see each other's data */
  OK(sdsp_store_load_snapshot(other, &snapshot, &found, &err));
  CHECK(!found);
  OK(sdsp_store_append_patch(other, "o", 1, 1, &err));
  OK(sdsp_database_stores(database, &ids, &err));
  CHECK(ids.count == 2 && has_id(&ids, "notes", 5) && has_id(&ids, nul_id, sizeof nul_id));
  sdsp_bytes_list_free(&ids);
  OK(sdsp_database_drop_store(database, nul_id, sizeof nul_id, &err));
  FAILS(SDSP_NOT_FOUND, sdsp_database_drop_store(database, nul_id, sizeof nul_id, &err));
  OK(sdsp_database_stores(database, &ids, &err));
  CHECK(ids.count == 1 && has_id(&ids, "notes", 5));
  sdsp_bytes_list_free(&ids);
  OK(sdsp_database_get_stats(database, &stats, &err));
  CHECK(stats.store_count == 1 && stats.blob_count == 0 && stats.format_version == format_version);
  OK(sdsp_database_flush(database, &err));

  /* closed handles */
  OK(sdsp_store_close(store, &err));
  OK(sdsp_store_close(store, &err)); /* idempotent */
  FAILS(SDSP_CLOSED, sdsp_store_load_snapshot(store, &snapshot, &found, &err));
  FAILS(SDSP_CLOSED, sdsp_store_append_patch(store, "x", 1, 99, &err));
  OK(sdsp_database_close(database, &err));
  FAILS(SDSP_CLOSED, sdsp_database_stores(database, &ids, &err));
  /* a store outlives its database handle */
  OK(sdsp_store_append_patch(other, "o2", 2, 2, &err));

  sdsp_store_free(store);
  sdsp_store_free(other);
  sdsp_database_free(database);
}

/* ---- errors that need no scheme in particular ---- */

/* Whether this build registered `scheme`. */
static int has_scheme(const char *scheme) {
  sdsp_bytes_list schemes = {NULL, 0};
  size_t i;
  int found = 0;
  if (!OK(sdsp_backends(&schemes, &err))) return 0;
  for (i = 0; i < schemes.count; ++i) {
    found = found || (schemes.items[i].size == strlen(scheme) &&
                      memcmp(schemes.items[i].data, scheme, schemes.items[i].size) == 0);
  }
  sdsp_bytes_list_free(&schemes);
  return found;
}

static void errors(const char *dir) {
  char uri[4200];
  char *long_id = NULL;
  sdsp_database *database = NULL;
  sdsp_store *store = NULL;

  current = "errors";
  FAILS(SDSP_INVALID_ARGUMENT, sdsp_open_database("nosuchscheme:x", 0, &database, &err));
  CHECK(strstr(last_message, "nosuchscheme") != NULL);
  CHECK(database == NULL);
  if (has_scheme("postgres")) { /* built in: port 1 of the loopback refuses the connection */
    FAILS(SDSP_IO_ERROR, sdsp_open_database("postgres://127.0.0.1:1/db", 0, &database, &err));
  } else {
    FAILS(SDSP_UNSUPPORTED, sdsp_open_database("postgres://host/db", 0, &database, &err));
  }
  FAILS(SDSP_INVALID_ARGUMENT, sdsp_open_database("memory:", 2, &database, &err));
  FAILS(SDSP_INVALID_ARGUMENT, sdsp_open_database(NULL, 0, &database, &err));
  snprintf(uri, sizeof uri, "memory:%s/never-created", dir);
  FAILS(SDSP_NOT_FOUND, sdsp_open_database(uri, SDSP_OPEN_READ_ONLY, &database, &err));
  /* a NULL error pointer: the code alone */
  CHECK(sdsp_open_database("nosuchscheme:x", 0, &database, NULL) == SDSP_INVALID_ARGUMENT);

  long_id = (char *)malloc(SDSP_MAX_STORE_ID_BYTES + 1);
  if (CHECK(long_id != NULL)) {
    memset(long_id, 'i', SDSP_MAX_STORE_ID_BYTES + 1);
    FAILS(SDSP_INVALID_ARGUMENT,
          sdsp_open("memory:", long_id, SDSP_MAX_STORE_ID_BYTES + 1, 0, &store, &err));
    free(long_id);
  }
  FAILS(SDSP_INVALID_ARGUMENT, sdsp_store_append_patch(NULL, "x", 1, 1, &err));
  if (OK(sdsp_open("memory:", "s", 1, 0, &store, &err))) {
    FAILS(SDSP_INVALID_ARGUMENT, sdsp_store_append_patch(store, NULL, 5, 1, &err));
    FAILS(SDSP_INVALID_ARGUMENT, sdsp_store_save_value(store, "", 0, "x", 1, &err));
    FAILS(SDSP_INVALID_ARGUMENT, sdsp_store_get_stats(store, (sdsp_stats_scope)7, NULL, &err));
    OK(sdsp_store_append_patch(store, NULL, 0, 1, &err)); /* an empty patch */
    sdsp_store_free(store);
  }

  /* the fixed numbers and their names */
  CHECK(SDSP_OK == 0 && SDSP_INVALID_ARGUMENT == 1 && SDSP_UNSUPPORTED == 2);
  CHECK(SDSP_NOT_FOUND == 3 && SDSP_CORRUPTION == 4 && SDSP_VERSION == 5);
  CHECK(SDSP_IO_ERROR == 6 && SDSP_FULL == 7 && SDSP_BUSY == 8 && SDSP_CLOSED == 9);
  CHECK(SDSP_OUT_OF_MEMORY == 10 && SDSP_INTERNAL == 11);
  CHECK(strcmp(sdsp_code_name(SDSP_INVALID_ARGUMENT), "invalid_argument") == 0);
  CHECK(strcmp(sdsp_code_name(SDSP_CLOSED), "closed") == 0);
  CHECK(strcmp(sdsp_code_name(SDSP_OUT_OF_MEMORY), "out_of_memory") == 0);
  CHECK(strcmp(sdsp_code_name((sdsp_code)42), "unknown") == 0);
}

/* Registering backends written in C, and their errors reaching callers. */
static void c_backends(void) {
  sdsp_backend_definition definition = c_map_definition();
  sdsp_database *database = NULL;
  sdsp_kv_methods incomplete;

  current = "cmap";
  OK(c_map_register(&err));
  FAILS(SDSP_INVALID_ARGUMENT, c_map_register(&err)); /* taken */
  definition.scheme = "Not A Scheme";
  FAILS(SDSP_INVALID_ARGUMENT, sdsp_register_backend(&definition, &err));
  definition = c_map_definition();
  definition.scheme = "cmap-incomplete";
  incomplete = *definition.methods;
  incomplete.nested = NULL;
  definition.methods = &incomplete;
  FAILS(SDSP_INVALID_ARGUMENT, sdsp_register_backend(&definition, &err));
  FAILS(SDSP_INVALID_ARGUMENT, sdsp_register_backend(NULL, &err));
  FAILS(SDSP_BUSY, sdsp_open_database("cmap:fail-busy", 0, &database, &err));
  CHECK(strstr(last_message, "fail-busy is busy") != NULL &&
        strstr(last_message, "'cmap:fail-busy'") != NULL);
}

static int remove_entry(const char *path, const struct stat *info, int flag, struct FTW *ftw) {
  (void)info;
  (void)flag;
  (void)ftw;
  return remove(path);
}

int main(void) {
  char dir_template[] = "/tmp/sdsp-c-api-XXXXXX";
  const char *tmp = getenv("TMPDIR");
  char dir[4096];
  char uri[4200];
  sdsp_backend_info_list infos = {NULL, 0};
  sdsp_param_list common = {NULL, 0};
  size_t i;
  const char *version = sdsp_version();

  CHECK(version != NULL && version[0] >= '0' && version[0] <= '9');
  if (tmp != NULL && tmp[0] != '\0') {
    snprintf(dir, sizeof dir, "%s/sdsp-c-api-XXXXXX", tmp);
  } else {
    snprintf(dir, sizeof dir, "%s", dir_template);
  }
  if (!CHECK(mkdtemp(dir) != NULL)) return 1;

  c_backends();
  OK(sdsp_common_params(&common, &err));
  for (i = 0; i < common.count && strcmp(common.items[i].name, "sync") != 0; ++i) continue;
  CHECK(i < common.count && strcmp(common.items[i].default_value, "normal") == 0);
  sdsp_param_list_free(&common);

  if (OK(sdsp_backend_infos(&infos, &err))) {
    CHECK(infos.count >= 3); /* cmap, memory, and at least one of lmdb, sqlite, rocksdb */
    for (i = 0; i < infos.count; ++i) {
      const sdsp_backend_info *info = &infos.items[i];
      current = info->scheme;
      CHECK(info->description[0] != '\0');
      if (info->path_kind == SDSP_PATH_FILE) {
        snprintf(uri, sizeof uri, "%s:%s/%s.db", info->scheme, dir, info->scheme);
      } else if (info->path_kind == SDSP_PATH_DIRECTORY) {
        snprintf(uri, sizeof uri, "%s:%s/%s", info->scheme, dir, info->scheme);
      } else if (info->path_kind == SDSP_PATH_SERVER) {
        if (!server_uri(info->scheme, uri, sizeof uri)) continue;
      } else {
        snprintf(uri, sizeof uri, "%s:c-api-test", info->scheme);
      }
      test_database(uri, info->format_version);
      if (info->persistent) { /* what was written is there after a reopen */
        sdsp_store *store = NULL;
        sdsp_bytes_list list = {NULL, 0};
        if (OK(sdsp_open(uri, "notes", 5, SDSP_OPEN_READ_ONLY, &store, &err))) {
          OK(sdsp_store_load_patches_since(store, 0, &list, &err));
          if (CHECK(list.count == 1)) BYTES_ARE(&list.items[0], "b51");
          sdsp_bytes_list_free(&list);
          FAILS(SDSP_UNSUPPORTED, sdsp_store_append_patch(store, "x", 1, 60, &err));
          sdsp_store_free(store);
        }
      }
    }
    sdsp_backend_info_list_free(&infos);
    CHECK(infos.items == NULL && infos.count == 0);
  }
  errors(dir);

  nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
