/* A backend written in C for tests/c_api_test.c: the scheme `cmap:`, sorted
 * arrays in memory behind sdsp_kv_methods, registered with
 * sdsp_register_backend(). `cmap:fail-busy` refuses to open with
 * SDSP_BUSY, to test that a backend's errors reach the caller. */
#ifndef C_API_MAP_BACKEND_H
#define C_API_MAP_BACKEND_H

#include "sds_persistence.h"

/* The definition c_map_register() registers, for tests of the checks. */
sdsp_backend_definition c_map_definition(void);
sdsp_code c_map_register(sdsp_error **error);

#endif
