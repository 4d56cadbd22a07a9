/* The `cmap:` backend of c_api_map_backend.h. A database is a sorted array of
 * entries under a mutex; a write transaction works on a copy, which replaces
 * the array when its body succeeds, and a nested one on a copy of that. */
#define _XOPEN_SOURCE 700

#include "c_api_map_backend.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
  uint8_t *key;
  size_t key_size;
  uint8_t *value;
  size_t value_size;
} entry;

typedef struct table {
  entry *items;
  size_t count;
  size_t capacity;
} table;

typedef struct map_backend {
  pthread_mutex_t mutex;
  table data;
} map_backend;

static int compare(const uint8_t *a, size_t a_size, const uint8_t *b, size_t b_size) {
  const size_t common = a_size < b_size ? a_size : b_size;
  const int order = common == 0 ? 0 : memcmp(a, b, common);
  if (order != 0) return order;
  return a_size < b_size ? -1 : a_size > b_size ? 1 : 0;
}

/* The first index whose key is not below `key`. */
static size_t lower_bound(const table *t, const uint8_t *key, size_t key_size) {
  size_t low = 0, high = t->count;
  while (low < high) {
    const size_t middle = low + (high - low) / 2;
    if (compare(t->items[middle].key, t->items[middle].key_size, key, key_size) < 0) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

static uint8_t *copy_of(const uint8_t *data, size_t size) {
  uint8_t *copy = (uint8_t *)malloc(size + 1); /* never malloc(0) */
  if (copy != NULL && size > 0) memcpy(copy, data, size);
  return copy;
}

static void free_entry(entry *e) {
  free(e->key);
  free(e->value);
}

static void free_table(table *t) {
  size_t i;
  for (i = 0; i < t->count; ++i) free_entry(&t->items[i]);
  free(t->items);
  t->items = NULL;
  t->count = t->capacity = 0;
}

static sdsp_code out_of_memory(sdsp_error **error) {
  if (error != NULL) *error = sdsp_error_new(SDSP_OUT_OF_MEMORY, "cmap: out of memory", "");
  return SDSP_OUT_OF_MEMORY;
}

/* A deep copy of `from` into `to`; 0 when memory ran out (`to` then empty). */
static int copy_table(const table *from, table *to) {
  size_t i;
  to->items = (entry *)malloc((from->count + 1) * sizeof(entry));
  to->count = 0;
  to->capacity = from->count + 1;
  if (to->items == NULL) return 0;
  for (i = 0; i < from->count; ++i) {
    entry *e = &to->items[i];
    e->key = copy_of(from->items[i].key, from->items[i].key_size);
    e->value = copy_of(from->items[i].value, from->items[i].value_size);
    e->key_size = from->items[i].key_size;
    e->value_size = from->items[i].value_size;
    to->count = i + 1;
    if (e->key == NULL || e->value == NULL) {
      free_table(to);
      return 0;
    }
  }
  return 1;
}

/* Runs body on a copy of *t, which replaces *t when the body succeeds. */
static sdsp_code on_a_copy(table *t, sdsp_kv_body body, void *body_context, sdsp_error **error) {
  table copy;
  sdsp_code code;
  if (!copy_table(t, &copy)) return out_of_memory(error);
  code = body(body_context, &copy);
  if (code == SDSP_OK) {
    free_table(t);
    *t = copy;
  } else {
    free_table(&copy);
  }
  return code;
}

static sdsp_code map_view(void *backend, sdsp_kv_body body, void *body_context,
                          sdsp_error **error) {
  map_backend *map = (map_backend *)backend;
  sdsp_code code;
  (void)error;
  pthread_mutex_lock(&map->mutex);
  code = body(body_context, &map->data);
  pthread_mutex_unlock(&map->mutex);
  return code;
}

static sdsp_code map_update(void *backend, sdsp_kv_body body, void *body_context,
                            sdsp_error **error) {
  map_backend *map = (map_backend *)backend;
  sdsp_code code;
  pthread_mutex_lock(&map->mutex);
  code = on_a_copy(&map->data, body, body_context, error);
  pthread_mutex_unlock(&map->mutex);
  return code;
}

static sdsp_code map_flush(void *backend, sdsp_error **error) {
  (void)backend;
  (void)error;
  return SDSP_OK; /* nothing outlives the process */
}

static void map_close(void *backend) {
  map_backend *map = (map_backend *)backend;
  free_table(&map->data);
  pthread_mutex_destroy(&map->mutex);
  free(map);
}

static sdsp_code map_get(void *txn, const uint8_t *key, size_t key_size, const uint8_t **value,
                         size_t *value_size, int *found, sdsp_error **error) {
  const table *t = (const table *)txn;
  const size_t at = lower_bound(t, key, key_size);
  (void)error;
  *found = at < t->count && compare(t->items[at].key, t->items[at].key_size, key, key_size) == 0;
  if (*found) {
    *value = t->items[at].value;
    *value_size = t->items[at].value_size;
  }
  return SDSP_OK;
}

static sdsp_code map_scan(void *txn, const uint8_t *from, size_t from_size, const uint8_t *to,
                          size_t to_size, sdsp_kv_visitor visit, void *visit_context,
                          sdsp_error **error) {
  const table *t = (const table *)txn;
  size_t at;
  (void)error;
  for (at = lower_bound(t, from, from_size); at < t->count; ++at) {
    const entry *e = &t->items[at];
    if (to_size > 0 && compare(e->key, e->key_size, to, to_size) >= 0) break;
    if (!visit(visit_context, e->key, e->key_size, e->value, e->value_size)) break;
  }
  return SDSP_OK;
}

static sdsp_code map_put(void *txn, const uint8_t *key, size_t key_size, const uint8_t *value,
                         size_t value_size, sdsp_error **error) {
  table *t = (table *)txn;
  const size_t at = lower_bound(t, key, key_size);
  uint8_t *value_copy = copy_of(value, value_size);
  if (value_copy == NULL) return out_of_memory(error);
  if (at < t->count && compare(t->items[at].key, t->items[at].key_size, key, key_size) == 0) {
    free(t->items[at].value);
    t->items[at].value = value_copy;
    t->items[at].value_size = value_size;
    return SDSP_OK;
  }
  if (t->count == t->capacity) {
    const size_t capacity = t->capacity * 2 + 8;
    entry *grown = (entry *)realloc(t->items, capacity * sizeof(entry));
    if (grown == NULL) {
      free(value_copy);
      return out_of_memory(error);
    }
    t->items = grown;
    t->capacity = capacity;
  }
  {
    entry e;
    e.key = copy_of(key, key_size);
    e.key_size = key_size;
    e.value = value_copy;
    e.value_size = value_size;
    if (e.key == NULL) {
      free(value_copy);
      return out_of_memory(error);
    }
    memmove(&t->items[at + 1], &t->items[at], (t->count - at) * sizeof(entry));
    t->items[at] = e;
    ++t->count;
  }
  return SDSP_OK;
}

/* Removes the entries [begin, end). */
static void remove_range(table *t, size_t begin, size_t end) {
  size_t i;
  for (i = begin; i < end; ++i) free_entry(&t->items[i]);
  memmove(&t->items[begin], &t->items[end], (t->count - end) * sizeof(entry));
  t->count -= end - begin;
}

static sdsp_code map_erase(void *txn, const uint8_t *key, size_t key_size, sdsp_error **error) {
  table *t = (table *)txn;
  const size_t at = lower_bound(t, key, key_size);
  (void)error;
  if (at < t->count && compare(t->items[at].key, t->items[at].key_size, key, key_size) == 0) {
    remove_range(t, at, at + 1);
  }
  return SDSP_OK;
}

static sdsp_code map_erase_range(void *txn, const uint8_t *from, size_t from_size,
                                 const uint8_t *to, size_t to_size, sdsp_error **error) {
  table *t = (table *)txn;
  const size_t begin = lower_bound(t, from, from_size);
  const size_t end = lower_bound(t, to, to_size);
  (void)error;
  if (begin < end) remove_range(t, begin, end);
  return SDSP_OK;
}

static sdsp_code map_nested(void *txn, sdsp_kv_body body, void *body_context, sdsp_error **error) {
  return on_a_copy((table *)txn, body, body_context, error);
}

static const sdsp_kv_methods map_methods = {map_view,        map_update, map_flush, map_close,
                                            map_get,         map_scan,   map_put,   map_erase,
                                            map_erase_range, map_nested};

static sdsp_code map_open(void *context, const sdsp_backend_config *config, void **backend,
                          sdsp_error **error) {
  map_backend *map;
  (void)context;
  if (strcmp(config->path, "fail-busy") == 0) {
    if (error != NULL) *error = sdsp_error_new(SDSP_BUSY, "cmap: fail-busy is busy", "try later");
    return SDSP_BUSY;
  }
  map = (map_backend *)calloc(1, sizeof *map);
  if (map == NULL) return out_of_memory(error);
  pthread_mutex_init(&map->mutex, NULL);
  *backend = map;
  return SDSP_OK;
}

sdsp_backend_definition c_map_definition(void) {
  static const char *const private_paths[] = {""};
  sdsp_backend_definition definition;
  memset(&definition, 0, sizeof definition);
  definition.scheme = "cmap";
  definition.description = "a sorted array in memory, written in C (tests only)";
  definition.path_kind = SDSP_PATH_NAME;
  definition.private_path_count = 1;
  definition.private_paths = private_paths;
  definition.methods = &map_methods;
  definition.open = map_open;
  return definition;
}

sdsp_code c_map_register(sdsp_error **error) {
  const sdsp_backend_definition definition = c_map_definition();
  return sdsp_register_backend(&definition, error);
}
