// The figures of stats() and queueStats() as plain JS objects.
#pragma once

#include <node_api.h>

#include "bindings/node/src/worker.hpp"
#include "sds/database.hpp"
#include "sds/store.hpp"

namespace sds::node {

napi_value store_stats_object(napi_env env, const StoreStats& figures);
napi_value database_stats_object(napi_env env, const DatabaseStats& figures);
napi_value queue_figures_object(napi_env env, const QueueFigures& figures);

}  // namespace sds::node
