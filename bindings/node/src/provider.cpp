// SDS_NativePersistenceProvider: SDS_PersistenceProvider of @rozek/sds-core
// over an sds::Store, every call queued on the database's worker.
#include <string>

#include "bindings/node/src/handle_lifecycle.hpp"

namespace sds::node {

namespace {

ProviderHandle& unwrap(napi_env env, napi_value self) {
  void* data = nullptr;
  if (napi_unwrap(env, self, &data) != napi_ok || data == nullptr) {
    invalid_argument("`this` is not an SDS_NativePersistenceProvider");
  }
  return *static_cast<ProviderHandle*>(data);
}

using Slot = std::shared_ptr<StoreSlot>;

napi_value load_snapshot(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 0>(env, info, [](napi_env, const Slot& slot, napi_value*) {
    return std::make_unique<CallJob<std::optional<Bytes>>>(
        CallKind::load_snapshot, [slot] { return slot->get().load_snapshot(); },
        [](napi_env env, std::optional<Bytes>& bytes) {
          return uint8_array(env, std::move(bytes));
        });
  });
}

napi_value save_snapshot(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 2>(env, info, [](napi_env env, const Slot& slot, napi_value* args) {
    const Clock clock =
        is_undefined(env, args[1]) ? 0 : clock_arg(env, args[1], "saveSnapshot: Clock");
    auto data = std::make_shared<Bytes>(bytes_arg(env, args[0], "saveSnapshot: Data"));
    return std::make_unique<VoidJob>(
        CallKind::save_snapshot, [slot, data, clock] { slot->get().save_snapshot(*data, clock); },
        data->size());
  });
}

napi_value load_patches_since(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 1>(env, info, [](napi_env env, const Slot& slot, napi_value* args) {
    const Clock clock = clock_arg(env, args[0], "loadPatchesSince: SeqNumber");
    return std::make_unique<CallJob<std::vector<Bytes>>>(
        CallKind::load_patches_since,
        [slot, clock] { return slot->get().load_patches_since(clock); },
        [](napi_env env, std::vector<Bytes>& patches) { return uint8_arrays(env, patches); });
  });
}

napi_value append_patch(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 2>(env, info, [](napi_env env, const Slot& slot, napi_value* args) {
    const Clock clock = clock_arg(env, args[1], "appendPatch: SeqNumber");
    return std::make_unique<AppendJob>(slot, bytes_arg(env, args[0], "appendPatch: Patch"), clock);
  });
}

napi_value prune_patches(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 1>(env, info, [](napi_env env, const Slot& slot, napi_value* args) {
    const Clock before = clock_arg(env, args[0], "prunePatches: beforeSeqNumber");
    return std::make_unique<VoidJob>(CallKind::prune_patches,
                                     [slot, before] { slot->get().prune_patches(before); });
  });
}

napi_value load_value(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 1>(env, info, [](napi_env env, const Slot& slot, napi_value* args) {
    std::string hash = string_arg(env, args[0], "loadValue: ValueHash");
    return std::make_unique<CallJob<std::optional<Bytes>>>(
        CallKind::load_value, [slot, hash] { return slot->get().load_value(hash); },
        [](napi_env env, std::optional<Bytes>& bytes) {
          return uint8_array(env, std::move(bytes));
        });
  });
}

napi_value save_value(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 2>(env, info, [](napi_env env, const Slot& slot, napi_value* args) {
    std::string hash = string_arg(env, args[0], "saveValue: ValueHash");
    auto data = std::make_shared<Bytes>(bytes_arg(env, args[1], "saveValue: Data"));
    return std::make_unique<VoidJob>(
        CallKind::save_value, [slot, hash, data] { slot->get().save_value(hash, *data); },
        data->size());
  });
}

napi_value release_value(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 1>(env, info, [](napi_env env, const Slot& slot, napi_value* args) {
    std::string hash = string_arg(env, args[0], "releaseValue: ValueHash");
    return std::make_unique<VoidJob>(CallKind::release_value,
                                     [slot, hash] { slot->get().release_value(hash); });
  });
}

napi_value accumulated_bytes(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 0>(env, info, [](napi_env, const Slot& slot, napi_value*) {
    return std::make_unique<CallJob<std::uint64_t>>(
        CallKind::accumulated_bytes, [slot] { return slot->get().accumulated_bytes(); },
        [](napi_env env, std::uint64_t& bytes) {
          return safe_number(env, bytes, "accumulatedBytes");
        });
  });
}

napi_value checkpoint_due(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 0>(env, info, [](napi_env, const Slot& slot, napi_value*) {
    return std::make_unique<CallJob<bool>>(
        CallKind::checkpoint_due, [slot] { return slot->get().checkpoint_due(); },
        [](napi_env env, bool& due) { return boolean(env, due); });
  });
}

napi_value checkpoint(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 2>(env, info, [](napi_env env, const Slot& slot, napi_value* args) {
    const Clock clock = clock_arg(env, args[1], "checkpoint: Clock");
    auto snapshot = std::make_shared<Bytes>(bytes_arg(env, args[0], "checkpoint: Snapshot"));
    return std::make_unique<VoidJob>(
        CallKind::checkpoint, [slot, snapshot, clock] { slot->get().checkpoint(*snapshot, clock); },
        snapshot->size());
  });
}

napi_value snapshot_clock(napi_env env, napi_callback_info info) {
  return queued_call<unwrap, 0>(env, info, [](napi_env, const Slot& slot, napi_value*) {
    return std::make_unique<CallJob<std::optional<Clock>>>(
        CallKind::snapshot_clock, [slot] { return slot->get().snapshot_clock(); },
        [](napi_env env, std::optional<Clock>& clock) {
          return clock ? safe_number(env, *clock, "snapshot clock") : undefined(env);
        });
  });
}

// The job that closes a provider's store, and its database when it owns one.
std::unique_ptr<Job> close_job(const ProviderHandle& handle) {
  return std::make_unique<VoidJob>(
      CallKind::worker_only, [slot = handle.slot, owns = handle.owns_database] {
        slot->closed = true;
        std::unique_ptr<Store> store = std::move(slot->store);
        if (store) store->close();
        if (owns) {
          std::unique_ptr<Database> database = std::move(slot->database->database);
          if (database) database->close();
        }
      });
}

// Queued after every call made before it, so those finish first.
napi_value close(napi_env env, napi_callback_info info) {
  return js_entry(env, [&]() -> napi_value {
    auto call = call_info<0>(env, info);
    ProviderHandle& handle = unwrap(env, call.self);
    return close_handle(env, handle, close_job(handle));
  });
}

napi_value store_id(napi_env env, napi_callback_info info) {
  return js_entry(env, [&] {
    auto call = call_info<0>(env, info);
    return string(env, unwrap(env, call.self).slot->id);
  });
}

void finalize(napi_env env, void* data, void*) {
  finalize_handle(env, static_cast<ProviderHandle*>(data),
                  [](const ProviderHandle& handle) { return close_job(handle); });
}

// new SDS_NativePersistenceProvider(uriOrPath, storeId, options), or
// (database, storeId) as SDS_NativeDatabase.store() calls it: then the
// options are the database's.
napi_value construct(napi_env env, napi_callback_info info) {
  return js_entry(env, [&]() -> napi_value {
    auto call = call_info<3>(env, info);
    auto handle = std::make_unique<ProviderHandle>();
    auto slot = std::make_shared<StoreSlot>();
    slot->id = string_arg(env, call.args[1], "SDS_NativePersistenceProvider: StoreId");
    bool is_database = false;
    napi_valuetype type = napi_undefined;
    check(env, napi_typeof(env, call.args[0], &type), "napi_typeof");
    if (type == napi_object) {
      check(env, napi_check_object_type_tag(env, call.args[0], &kDatabaseTag, &is_database),
            "napi_check_object_type_tag");
    }
    if (is_database) {
      void* data = nullptr;
      check(env, napi_unwrap(env, call.args[0], &data), "napi_unwrap");
      auto& database = *static_cast<DatabaseHandle*>(data);
      if (!is_undefined(env, call.args[2])) {
        invalid_argument(
            "SDS_NativePersistenceProvider: a provider on an SDS_NativeDatabase has the "
            "database's options; give them to openDatabase()");
      }
      if (database.closed) throw JsFailure({"closed", "the database is closed", ""});
      slot->database = database.slot;
      handle->worker = database.worker;
    } else {
      slot->database = std::make_shared<DatabaseSlot>();
      slot->database->uri =
          uri_of(string_arg(env, call.args[0], "SDS_NativePersistenceProvider: DbPath or URI"));
      const JsThreadBudget budget =
          budget_option(env, call.args[2], "SDS_NativePersistenceProvider");
      handle->worker = open_on_worker(env, slot->database, budget);
      handle->owns_database = true;
    }
    handle->slot = slot;
    // Made in queue order, before any later close of the database.
    handle->worker->submit(env, std::make_unique<VoidJob>(CallKind::worker_only, [slot] {
                             try {
                               slot->get();
                             } catch (...) {  // kept in the slot: every call rejects with it
                             }
                           }));
    handle->worker->retain();
    check(env, napi_wrap(env, call.self, handle.get(), finalize, nullptr, nullptr), "napi_wrap");
    handle.release();
    return call.self;
  });
}

}  // namespace

napi_value define_provider_class(napi_env env) {
  const napi_property_descriptor properties[] = {
      method("loadSnapshot", load_snapshot),
      method("saveSnapshot", save_snapshot),
      method("loadPatchesSince", load_patches_since),
      method("appendPatch", append_patch),
      method("prunePatches", prune_patches),
      method("loadValue", load_value),
      method("saveValue", save_value),
      method("releaseValue", release_value),
      method("close", close),
      method("accumulatedBytes", accumulated_bytes),
      method("checkpointDue", checkpoint_due),
      method("checkpoint", checkpoint),
      method("snapshotClock", snapshot_clock),
      method("flush", flush_call<unwrap>),
      method("stats", stats_call<unwrap, store_stats_object>),
      method("ready", ready_call<unwrap>),
      method("queueStats", queue_stats<unwrap>),
      getter("storeId", store_id),
  };
  return define_class(env, "SDS_NativePersistenceProvider", construct, properties);
}

}  // namespace sds::node
