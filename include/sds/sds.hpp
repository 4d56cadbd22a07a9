// Umbrella header: everything a user of sds-persistence needs.
#pragma once

#include "sds/contents.hpp"
#include "sds/database.hpp"
#include "sds/error.hpp"
#include "sds/kv.hpp"
#include "sds/provider.hpp"
#include "sds/registry.hpp"
#include "sds/store.hpp"
#include "sds/types.hpp"
#include "sds/version.hpp"
#include "sds/write_batch.hpp"
