/* The C API of sds-persistence: C99, for embedded firmware and for callers in
 * other languages. It covers the C++ API of include/sds/ (docs/DESIGN.md
 * section 14) except the kv trait and register_backend, which stay C++.
 *
 * Names: this file is sds_persistence.h and every symbol starts with `sdsp_`
 * (macros `SDSP_`), so that it never collides with the Simple Dynamic Strings
 * library (`sds.h`, the type `sds`, functions `sdsnew`, `sds_malloc`...),
 * which many C projects vendor.
 *
 * Conventions:
 * - Handles are opaque: sdsp_database, sdsp_store, sdsp_batch, sdsp_error.
 * - Every fallible function returns an sdsp_code: SDSP_OK (0) or the error's
 *   code. Its last parameter `error` may be NULL; otherwise, on failure,
 *   *error receives an error to read with sdsp_error_message() and
 *   sdsp_error_advice() and to free with sdsp_error_free(); on success it is
 *   left alone. No C++ exception ever leaves a function of this API.
 * - Memory this API returns (sdsp_bytes, the lists) is freed by the matching
 *   sdsp_*_free function, never by free().
 * - Store ids and hashes are byte strings with a length (NUL allowed); URIs
 *   are NUL-terminated.
 * - Every function is safe to call from several threads at once on the same
 *   handle, except the *_free functions, which must be the last call on it.
 *
 * Link with -lsds (pkg-config --libs sds). A static libsds.a also needs the
 * C++ runtime: pkg-config --static --libs sds lists it. */
#ifndef SDS_PERSISTENCE_H
#define SDS_PERSISTENCE_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define SDSP_API __attribute__((visibility("default")))
#else
#define SDSP_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Limits (docs/DESIGN.md section 5) ---- */

#define SDSP_MAX_STORE_ID_BYTES 4096
#define SDSP_MAX_HASH_BYTES 256
#define SDSP_MAX_VALUE_BYTES ((size_t)512 << 20)
#define SDSP_DEFAULT_CHECKPOINT_BYTES ((uint64_t)512 << 10)

/* ---- Errors (docs/DESIGN.md section 10) ---- */

/* The numbers are fixed: they never change meaning in a later release. 1 to 9
 * are sds::Errc, in its order; 10 and 11 exist only here. */
typedef enum sdsp_code {
  SDSP_OK = 0,
  SDSP_INVALID_ARGUMENT = 1,
  SDSP_UNSUPPORTED = 2,
  SDSP_NOT_FOUND = 3,
  SDSP_CORRUPTION = 4,
  SDSP_VERSION = 5,
  SDSP_IO_ERROR = 6,
  SDSP_FULL = 7,
  SDSP_BUSY = 8,
  SDSP_CLOSED = 9,
  SDSP_OUT_OF_MEMORY = 10, /* an allocation failed */
  SDSP_INTERNAL = 11       /* a failure the library did not expect: a bug */
} sdsp_code;

/* The code's name as sds::to_string spells it ("invalid_argument"; "ok",
 * "out_of_memory", "internal"); "unknown" for any other number. */
SDSP_API const char *sdsp_code_name(sdsp_code code);

typedef struct sdsp_error sdsp_error;

SDSP_API sdsp_code sdsp_error_code(const sdsp_error *error);
/* What failed; valid until sdsp_error_free(). */
SDSP_API const char *sdsp_error_message(const sdsp_error *error);
/* What to do about it; "" when there is no advice. */
SDSP_API const char *sdsp_error_advice(const sdsp_error *error);
/* NULL is accepted. */
SDSP_API void sdsp_error_free(sdsp_error *error);

/* ---- Returned memory ---- */

/* Bytes the library allocated. `data` has one NUL byte after its `size`
 * bytes (not counted), so a text can be read as a C string; it is NULL only
 * in a zeroed struct. */
typedef struct sdsp_bytes {
  uint8_t *data;
  size_t size;
} sdsp_bytes;

typedef struct sdsp_bytes_list {
  sdsp_bytes *items;
  size_t count;
} sdsp_bytes_list;

/* Free what the library returned and zero the struct; NULL and a zeroed
 * struct are accepted. */
SDSP_API void sdsp_bytes_free(sdsp_bytes *bytes);
SDSP_API void sdsp_bytes_list_free(sdsp_bytes_list *list);

/* ---- Version ---- */

/* The version of the library this program runs with ("0.1.0"). */
SDSP_API const char *sdsp_version(void);

/* ---- Registry (sds/registry.hpp) ---- */

typedef enum sdsp_path_kind {
  SDSP_PATH_FILE = 0,      /* a file whose parent directory must exist */
  SDSP_PATH_DIRECTORY = 1, /* a directory the backend creates */
  SDSP_PATH_NAME = 2,      /* a free-form name (memory:NAME) */
  SDSP_PATH_SERVER = 3     /* a database on a server (postgres://host/db) */
} sdsp_path_kind;

typedef struct sdsp_param {
  char *name;
  char *default_value;
  char *help;
} sdsp_param;

typedef struct sdsp_param_list {
  sdsp_param *items;
  size_t count;
} sdsp_param_list;

typedef struct sdsp_backend_info {
  char *scheme;
  char *description;
  sdsp_path_kind path_kind;
  /* BackendCapabilities, 1 or 0 */
  int persistent;
  int multi_process;
  int compaction;
  int reports_size;
  /* what the stored layout holds (BackendCapabilities): */
  int binary_ids;          /* 0: store ids and hashes must be UTF-8 */
  int compression;         /* records may be compressed */
  int checksums;           /* every record carries a checksum */
  uint64_t max_clock;      /* the largest clock a write may use */
  uint32_t format_version; /* sdsp_database_stats.format_version; 0: none */
  sdsp_bytes_list private_paths;
  sdsp_param_list params; /* besides the common ones */
} sdsp_backend_info;

typedef struct sdsp_backend_info_list {
  sdsp_backend_info *items;
  size_t count;
} sdsp_backend_info_list;

/* The schemes this process can open, sorted. */
SDSP_API sdsp_code sdsp_backends(sdsp_bytes_list *schemes, sdsp_error **error);
/* Their descriptions, sorted by scheme. */
SDSP_API sdsp_code sdsp_backend_infos(sdsp_backend_info_list *infos, sdsp_error **error);
/* The URI parameters every scheme accepts, with their defaults. */
SDSP_API sdsp_code sdsp_common_params(sdsp_param_list *params, sdsp_error **error);
SDSP_API void sdsp_param_list_free(sdsp_param_list *params);
SDSP_API void sdsp_backend_info_list_free(sdsp_backend_info_list *infos);

/* ---- Database (sds/database.hpp) ---- */

typedef struct sdsp_database sdsp_database;
typedef struct sdsp_store sdsp_store;

/* Flags of sdsp_open_database() and sdsp_open(). */
#define SDSP_OPEN_READ_ONLY 1u

typedef struct sdsp_database_stats {
  uint64_t store_count;
  uint64_t blob_count;
  uint64_t blob_bytes;        /* as the callers saved them */
  uint64_t blob_stored_bytes; /* after compression and framing */
  int has_bytes_on_disk;      /* 1 where the backend knows it */
  uint64_t bytes_on_disk;
  uint32_t format_version;
} sdsp_database_stats;

/* Opens the database a URI names (docs/DESIGN.md section 8). `flags` is 0 or
 * SDSP_OPEN_READ_ONLY. On success *database is a handle to free with
 * sdsp_database_free(). */
SDSP_API sdsp_code sdsp_open_database(const char *uri, unsigned flags, sdsp_database **database,
                                      sdsp_error **error);
/* sdsp_open_database() then sdsp_database_store(), in one call. */
SDSP_API sdsp_code sdsp_open(const char *uri, const void *store_id, size_t store_id_size,
                             unsigned flags, sdsp_store **store, sdsp_error **error);

/* A store handle (free it with sdsp_store_free()); it stays usable after the
 * database handle is closed or freed. */
SDSP_API sdsp_code sdsp_database_store(sdsp_database *database, const void *store_id,
                                       size_t store_id_size, sdsp_store **store,
                                       sdsp_error **error);
/* The ids of the stores that hold anything, bytewise sorted. */
SDSP_API sdsp_code sdsp_database_stores(sdsp_database *database, sdsp_bytes_list *store_ids,
                                        sdsp_error **error);
/* Deletes a store's snapshot and patches (blobs stay); SDSP_NOT_FOUND when
 * there is no such store. */
SDSP_API sdsp_code sdsp_database_drop_store(sdsp_database *database, const void *store_id,
                                            size_t store_id_size, sdsp_error **error);
SDSP_API sdsp_code sdsp_database_get_stats(sdsp_database *database, sdsp_database_stats *stats,
                                           sdsp_error **error);
SDSP_API sdsp_code sdsp_database_flush(sdsp_database *database, sdsp_error **error);
/* The URI the database was opened with, any password masked; valid while the
 * handle is. */
SDSP_API const char *sdsp_database_uri(const sdsp_database *database);
SDSP_API int sdsp_database_read_only(const sdsp_database *database);
/* Idempotent; later calls on the handle fail with SDSP_CLOSED. */
SDSP_API sdsp_code sdsp_database_close(sdsp_database *database, sdsp_error **error);
/* Closes (if still open) and frees; NULL is accepted. */
SDSP_API void sdsp_database_free(sdsp_database *database);

/* ---- Store (sds/provider.hpp, sds/store.hpp) ---- */

typedef enum sdsp_stats_scope {
  SDSP_STATS_STORE_ONLY = 0, /* blob fields stay 0 */
  SDSP_STATS_WITH_BLOBS = 1  /* also every blob of the database */
} sdsp_stats_scope;

typedef struct sdsp_store_stats {
  int has_snapshot;
  uint64_t snapshot_clock;
  uint64_t snapshot_bytes;
  uint64_t snapshot_stored_bytes;
  uint64_t patch_count;
  uint64_t patch_bytes;
  int has_patches; /* 1 when first_patch_clock and last_patch_clock are set */
  uint64_t first_patch_clock;
  uint64_t last_patch_clock;
  uint64_t accumulated_bytes;
  uint64_t checkpoint_bytes;
  uint64_t blob_count;
  uint64_t blob_bytes;
  uint64_t blob_stored_bytes;
  int has_bytes_on_disk;
  uint64_t bytes_on_disk;
} sdsp_store_stats;

/* Called for each patch, ascending by clock; return nonzero to go on, 0 to
 * stop. The bytes are valid only during the call. */
typedef int (*sdsp_patch_visitor)(void *context, uint64_t clock, const uint8_t *patch, size_t size);

/* The store id; *size (if not NULL) gets its length. Valid while the handle is. */
SDSP_API const char *sdsp_store_id(const sdsp_store *store, size_t *size);

/* *found is 1 and *snapshot the bytes (free with sdsp_bytes_free()), or
 * *found is 0 and *snapshot zeroed when no snapshot was saved. */
SDSP_API sdsp_code sdsp_store_load_snapshot(sdsp_store *store, sdsp_bytes *snapshot, int *found,
                                            sdsp_error **error);
SDSP_API sdsp_code sdsp_store_save_snapshot(sdsp_store *store, const void *data, size_t size,
                                            uint64_t clock, sdsp_error **error);
/* Every patch with a clock greater than `clock`, ascending. */
SDSP_API sdsp_code sdsp_store_load_patches_since(sdsp_store *store, uint64_t clock,
                                                 sdsp_bytes_list *patches, sdsp_error **error);
/* A second append at an existing clock is ignored: the first wins. */
SDSP_API sdsp_code sdsp_store_append_patch(sdsp_store *store, const void *patch, size_t size,
                                           uint64_t clock, sdsp_error **error);
/* Deletes every patch with a clock less than `before`. */
SDSP_API sdsp_code sdsp_store_prune_patches(sdsp_store *store, uint64_t before, sdsp_error **error);
SDSP_API sdsp_code sdsp_store_load_value(sdsp_store *store, const void *hash, size_t hash_size,
                                         sdsp_bytes *value, int *found, sdsp_error **error);
/* Stores with reference count 1, or adds a reference to the stored blob. */
SDSP_API sdsp_code sdsp_store_save_value(sdsp_store *store, const void *hash, size_t hash_size,
                                         const void *data, size_t size, sdsp_error **error);
/* Drops a reference; at zero the blob is gone. An unknown hash is a no-op. */
SDSP_API sdsp_code sdsp_store_release_value(sdsp_store *store, const void *hash, size_t hash_size,
                                            sdsp_error **error);
/* *retained is 0 (and nothing changed) when no blob is stored under `hash`. */
SDSP_API sdsp_code sdsp_store_retain_value(sdsp_store *store, const void *hash, size_t hash_size,
                                           int *retained, sdsp_error **error);

SDSP_API sdsp_code sdsp_store_accumulated_bytes(sdsp_store *store, uint64_t *bytes,
                                                sdsp_error **error);
SDSP_API sdsp_code sdsp_store_checkpoint_due(sdsp_store *store, int *due, sdsp_error **error);
/* Saves the snapshot and prunes below `clock`, atomically; a clock below the
 * stored snapshot's is SDSP_INVALID_ARGUMENT. */
SDSP_API sdsp_code sdsp_store_checkpoint(sdsp_store *store, const void *snapshot, size_t size,
                                         uint64_t clock, sdsp_error **error);
/* *found is 0 when there is no snapshot. */
SDSP_API sdsp_code sdsp_store_snapshot_clock(sdsp_store *store, uint64_t *clock, int *found,
                                             sdsp_error **error);
/* Streams the patches with a clock greater than `clock` to `visit`, which may
 * call the store again. */
SDSP_API sdsp_code sdsp_store_visit_patches_since(sdsp_store *store, uint64_t clock,
                                                  sdsp_patch_visitor visit, void *context,
                                                  sdsp_error **error);
SDSP_API sdsp_code sdsp_store_flush(sdsp_store *store, sdsp_error **error);
SDSP_API sdsp_code sdsp_store_get_stats(sdsp_store *store, sdsp_stats_scope scope,
                                        sdsp_store_stats *stats, sdsp_error **error);
/* Idempotent; later calls on the handle fail with SDSP_CLOSED. */
SDSP_API sdsp_code sdsp_store_close(sdsp_store *store, sdsp_error **error);
/* Closes (if still open) and frees; NULL is accepted. */
SDSP_API void sdsp_store_free(sdsp_store *store);

/* ---- WriteBatch (sds/write_batch.hpp) ---- */

/* Writes to apply to one store in one transaction, in order: all or none.
 * The batch refers to the bytes and hashes it is given without copying them:
 * they must stay valid until sdsp_store_write() returns. Each add checks its
 * arguments at once (SDSP_INVALID_ARGUMENT). */
typedef struct sdsp_batch sdsp_batch;

SDSP_API sdsp_code sdsp_batch_new(sdsp_batch **batch, sdsp_error **error);
SDSP_API void sdsp_batch_free(sdsp_batch *batch);
SDSP_API size_t sdsp_batch_size(const sdsp_batch *batch);
SDSP_API void sdsp_batch_clear(sdsp_batch *batch);
SDSP_API sdsp_code sdsp_batch_append_patch(sdsp_batch *batch, const void *patch, size_t size,
                                           uint64_t clock, sdsp_error **error);
SDSP_API sdsp_code sdsp_batch_save_snapshot(sdsp_batch *batch, const void *data, size_t size,
                                            uint64_t clock, sdsp_error **error);
SDSP_API sdsp_code sdsp_batch_checkpoint(sdsp_batch *batch, const void *snapshot, size_t size,
                                         uint64_t clock, sdsp_error **error);
SDSP_API sdsp_code sdsp_batch_prune_patches(sdsp_batch *batch, uint64_t before, sdsp_error **error);
SDSP_API sdsp_code sdsp_batch_save_value(sdsp_batch *batch, const void *hash, size_t hash_size,
                                         const void *data, size_t size, sdsp_error **error);
SDSP_API sdsp_code sdsp_batch_release_value(sdsp_batch *batch, const void *hash, size_t hash_size,
                                            sdsp_error **error);
/* Applies the batch in one transaction; the batch is left as it was. */
SDSP_API sdsp_code sdsp_store_write(sdsp_store *store, const sdsp_batch *batch, sdsp_error **error);

/* ---- Backends written in C (sds/kv.hpp, sds::register_backend) ---- */

/* A backend is a key-value store with transactions (docs/DESIGN.md section
 * 3): keys and values are byte strings, keys ordered bytewise (memcmp, then
 * the shorter first). The engine hands it its work as a body to run inside a
 * transaction; the backend passes its own transaction pointer, whatever it
 * is, to the body, and the engine passes it back to the methods below.
 *
 * A body returns SDSP_OK, or the code of a failure: the backend then undoes
 * every write of that transaction and returns the same code (setting no
 * error: the engine has it). A method that fails itself returns its code and
 * may set *error to an error made with sdsp_error_new(). Every method may be
 * called from several threads at once, each on its own transaction. */
typedef sdsp_code (*sdsp_kv_body)(void *body_context, void *txn);

/* Called for each entry of a scan, ascending; return nonzero to go on. The
 * bytes are valid only during the call. */
typedef int (*sdsp_kv_visitor)(void *context, const uint8_t *key, size_t key_size,
                               const uint8_t *value, size_t value_size);

typedef struct sdsp_kv_methods {
  /* Runs body in a read-only transaction that sees one committed state. */
  sdsp_code (*view)(void *backend, sdsp_kv_body body, void *body_context, sdsp_error **error);
  /* Runs body in a read-write transaction, one at a time; commits when it
   * returns SDSP_OK, with the durability of the config's sync mode. */
  sdsp_code (*update)(void *backend, sdsp_kv_body body, void *body_context, sdsp_error **error);
  /* Makes every committed write durable. */
  sdsp_code (*flush)(void *backend, sdsp_error **error);
  /* The last user of the backend is gone: release it. */
  void (*close)(void *backend);

  /* In any transaction: the value under key (valid until the next call on
   * the transaction or its end), *found 0 when there is none. */
  sdsp_code (*get)(void *txn, const uint8_t *key, size_t key_size, const uint8_t **value,
                   size_t *value_size, int *found, sdsp_error **error);
  /* Every entry with from <= key < to, ascending; to_size 0 means no bound. */
  sdsp_code (*scan)(void *txn, const uint8_t *from, size_t from_size, const uint8_t *to,
                    size_t to_size, sdsp_kv_visitor visit, void *visit_context, sdsp_error **error);
  /* In a write transaction, which sees its own writes: insert or replace;
   * remove (a missing key is no error); remove from <= key < to (to_size is
   * never 0); and run body in a transaction nested in this one, whose writes
   * are undone when body fails, the outer transaction going on as before. */
  sdsp_code (*put)(void *txn, const uint8_t *key, size_t key_size, const uint8_t *value,
                   size_t value_size, sdsp_error **error);
  sdsp_code (*erase)(void *txn, const uint8_t *key, size_t key_size, sdsp_error **error);
  sdsp_code (*erase_range)(void *txn, const uint8_t *from, size_t from_size, const uint8_t *to,
                           size_t to_size, sdsp_error **error);
  sdsp_code (*nested)(void *txn, sdsp_kv_body body, void *body_context, sdsp_error **error);
} sdsp_kv_methods;

/* The `sync` URI parameter (docs/DESIGN.md section 9). */
typedef enum sdsp_sync_mode {
  SDSP_SYNC_OFF = 0,
  SDSP_SYNC_NORMAL = 1,
  SDSP_SYNC_FULL = 2
} sdsp_sync_mode;

/* What the engine parsed and checked of a URI, for open(); valid during the
 * call. */
typedef struct sdsp_backend_config {
  const char *uri;       /* for messages: any password masked */
  const char *authority; /* "" when absent */
  const char *path;      /* percent-decoded; canonical for files and directories */
  size_t param_count;    /* the backend's own parameters, as written */
  const char *const *param_names;
  const char *const *param_values;
  sdsp_sync_mode sync;
  int read_only; /* then update() is never called, and nothing may be created */
} sdsp_backend_config;

/* Opens the database config names: *backend gets the pointer the methods
 * receive. Called once per canonical path while that path is open in the
 * process. */
typedef sdsp_code (*sdsp_kv_open)(void *context, const sdsp_backend_config *config, void **backend,
                                  sdsp_error **error);

typedef struct sdsp_backend_definition {
  const char *scheme;      /* lower case letters, digits, + - . */
  const char *description; /* one line */
  sdsp_path_kind path_kind;
  int persistent;    /* the data outlives the process (docs/DESIGN.md 3.5) */
  int multi_process; /* several processes may open one database */
  size_t private_path_count;
  const char *const *private_paths; /* paths opened afresh each time */
  size_t param_count;
  const sdsp_param *params; /* the backend's own URI parameters */
  /* These three must stay valid until the process ends. */
  const sdsp_kv_methods *methods;
  sdsp_kv_open open;
  void *context;
} sdsp_backend_definition;

/* Adds a scheme whose databases the methods serve (the strings are copied).
 * SDSP_INVALID_ARGUMENT for a malformed or taken scheme, or a missing method. */
SDSP_API sdsp_code sdsp_register_backend(const sdsp_backend_definition *definition,
                                         sdsp_error **error);

/* An error for a backend method to return in *error; NULL when even that
 * cannot be allocated. A NULL message or advice is "". */
SDSP_API sdsp_error *sdsp_error_new(sdsp_code code, const char *message, const char *advice);

#ifdef __cplusplus
}
#endif

#endif /* SDS_PERSISTENCE_H */
