// Backends written in C: sdsp_register_backend adapts an sdsp_kv_methods
// table to the kv trait (sds/kv.hpp). Exceptions never cross the C frames of
// the backend: the engine's bodies and visitors, called from C, catch what
// they throw, return a code, and the exception is thrown again once the
// backend's method has returned (docs/DESIGN.md section 14.4).
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "bindings/c/c_api.hpp"
#include "core/errors.hpp"
#include "sds/registry.hpp"

namespace sds::capi {
namespace {

// Throws the backend's failure as an sds::Error naming the URI.
void check(sdsp_code code, sdsp_error* error, const std::string& uri, const char* method) {
  if (code == SDSP_OK) {
    sdsp_error_free(error);
    return;
  }
  std::string message = error != nullptr ? sdsp_error_message(error) : "";
  std::string advice = error != nullptr ? sdsp_error_advice(error) : "";
  sdsp_error_free(error);
  if (message.empty()) message = std::string("the backend's ") + method + " failed";
  message += " in " + core::in_quotes(uri);
  // Out of memory and internal failures have no Errc: the backend failed.
  const Errc errc = code >= SDSP_INVALID_ARGUMENT && code <= SDSP_CLOSED
                        ? static_cast<Errc>(code - 1)
                        : Errc::io_error;
  throw Error(errc, message, advice);
}

class CTransaction final : public kv::WriteTransaction {
 public:
  CTransaction(const sdsp_kv_methods& methods, void* txn, const std::string& uri)
      : methods_(methods), txn_(txn), uri_(uri) {}

  std::optional<ByteView> get(std::string_view key) override {
    const uint8_t* value = nullptr;
    size_t size = 0;
    int found = 0;
    sdsp_error* error = nullptr;
    const sdsp_code code =
        methods_.get(txn_, as_bytes(key).data(), key.size(), &value, &size, &found, &error);
    check(code, error, uri_, "get");
    if (!found) return std::nullopt;
    return ByteView(value, size);
  }

  void scan(std::string_view from, std::string_view to, const kv::ScanVisitor& visit) override {
    struct Context {
      const kv::ScanVisitor& visit;
      std::exception_ptr thrown;
    } context{visit, nullptr};
    const sdsp_kv_visitor trampoline = [](void* raw, const uint8_t* key, size_t key_size,
                                          const uint8_t* value, size_t value_size) -> int {
      auto& ctx = *static_cast<Context*>(raw);
      try {
        return ctx.visit(as_chars(ByteView(key, key_size)), ByteView(value, value_size)) ? 1 : 0;
      } catch (...) {
        ctx.thrown = std::current_exception();
        return 0;  // stop; thrown again below
      }
    };
    sdsp_error* error = nullptr;
    const sdsp_code code =
        methods_.scan(txn_, as_bytes(from).data(), from.size(), as_bytes(to).data(), to.size(),
                      trampoline, &context, &error);
    if (context.thrown) {
      sdsp_error_free(error);
      std::rethrow_exception(context.thrown);
    }
    check(code, error, uri_, "scan");
  }

  void put(std::string_view key, ByteView value) override {
    sdsp_error* error = nullptr;
    const sdsp_code code =
        methods_.put(txn_, as_bytes(key).data(), key.size(), value.data(), value.size(), &error);
    check(code, error, uri_, "put");
  }

  void erase(std::string_view key) override {
    sdsp_error* error = nullptr;
    const sdsp_code code = methods_.erase(txn_, as_bytes(key).data(), key.size(), &error);
    check(code, error, uri_, "erase");
  }

  void erase_range(std::string_view from, std::string_view to) override {
    sdsp_error* error = nullptr;
    const sdsp_code code = methods_.erase_range(txn_, as_bytes(from).data(), from.size(),
                                                as_bytes(to).data(), to.size(), &error);
    check(code, error, uri_, "erase_range");
  }

  void nested(const std::function<void(kv::WriteTransaction&)>& fn) override {
    run_body(methods_, uri_, "nested", fn, [&](sdsp_kv_body body, void* context, sdsp_error** e) {
      return methods_.nested(txn_, body, context, e);
    });
  }

  // Runs `call` (a backend method taking a body) with a body that runs `fn`
  // on the backend's transaction; rethrows what `fn` threw.
  template <class Fn, class Call>
  static void run_body(const sdsp_kv_methods& methods, const std::string& uri, const char* method,
                       const Fn& fn, const Call& call) {
    struct Context {
      const sdsp_kv_methods& methods;
      const std::string& uri;
      const Fn& fn;
      std::exception_ptr thrown;
    } context{methods, uri, fn, nullptr};
    const sdsp_kv_body body = [](void* raw, void* txn) -> sdsp_code {
      auto& ctx = *static_cast<Context*>(raw);
      try {
        CTransaction transaction(ctx.methods, txn, ctx.uri);
        ctx.fn(transaction);
        return SDSP_OK;
      } catch (...) {
        ctx.thrown = std::current_exception();
        return code_of(ctx.thrown);
      }
    };
    sdsp_error* error = nullptr;
    const sdsp_code code = call(body, &context, &error);
    if (context.thrown) {
      sdsp_error_free(error);
      std::rethrow_exception(context.thrown);
    }
    check(code, error, uri, method);
  }

 private:
  const sdsp_kv_methods& methods_;
  void* txn_;
  const std::string& uri_;
};

class CBackend final : public kv::Backend {
 public:
  CBackend(const sdsp_kv_methods& methods, void* backend, std::string uri)
      : methods_(methods), backend_(backend), uri_(std::move(uri)) {}
  ~CBackend() override { methods_.close(backend_); }

  void view(const std::function<void(kv::ReadTransaction&)>& fn) override {
    CTransaction::run_body(methods_, uri_, "view", fn,
                           [&](sdsp_kv_body body, void* context, sdsp_error** error) {
                             return methods_.view(backend_, body, context, error);
                           });
  }

  void update(const std::function<void(kv::WriteTransaction&)>& fn) override {
    CTransaction::run_body(methods_, uri_, "update", fn,
                           [&](sdsp_kv_body body, void* context, sdsp_error** error) {
                             return methods_.update(backend_, body, context, error);
                           });
  }

  void flush() override {
    sdsp_error* error = nullptr;
    const sdsp_code code = methods_.flush(backend_, &error);
    check(code, error, uri_, "flush");
  }

 private:
  const sdsp_kv_methods& methods_;
  void* backend_;
  std::string uri_;
};

std::string text_or_empty(const char* text) { return text == nullptr ? "" : text; }

BackendInfo info_of(const sdsp_backend_definition& definition) {
  const sdsp_kv_methods* methods = definition.methods;
  const bool complete = methods != nullptr && methods->view && methods->update && methods->flush &&
                        methods->close && methods->get && methods->scan && methods->put &&
                        methods->erase && methods->erase_range && methods->nested &&
                        definition.open != nullptr;
  const std::string scheme = text_or_empty(definition.scheme);
  if (!complete) {
    throw Error(Errc::invalid_argument,
                "cannot register scheme '" + scheme + "': a method or open is NULL",
                "set every member of sdsp_kv_methods, and open");
  }
  if (definition.path_kind != SDSP_PATH_FILE && definition.path_kind != SDSP_PATH_DIRECTORY &&
      definition.path_kind != SDSP_PATH_NAME) {
    throw Error(Errc::invalid_argument, "cannot register scheme '" + scheme +
                                            "': unknown path_kind " +
                                            std::to_string(definition.path_kind));
  }
  BackendInfo info;
  info.scheme = scheme;
  info.description = text_or_empty(definition.description);
  info.path_kind = definition.path_kind == SDSP_PATH_FILE        ? PathKind::file
                   : definition.path_kind == SDSP_PATH_DIRECTORY ? PathKind::directory
                                                                 : PathKind::name;
  info.capabilities.persistent = definition.persistent != 0;
  info.capabilities.multi_process = definition.multi_process != 0;
  for (size_t i = 0; i < definition.private_path_count; ++i) {
    info.private_paths.push_back(text_or_empty(definition.private_paths[i]));
  }
  for (size_t i = 0; i < definition.param_count; ++i) {
    const sdsp_param& param = definition.params[i];
    info.params.push_back(
        {text_or_empty(param.name), text_or_empty(param.default_value), text_or_empty(param.help)});
  }
  info.open_kv = [methods, open = definition.open,
                  context = definition.context](const BackendConfig& config) {
    std::vector<const char*> names, values;
    for (const auto& [name, value] : config.params) {
      names.push_back(name.c_str());
      values.push_back(value.c_str());
    }
    const sdsp_backend_config c_config{config.uri.c_str(),
                                       config.authority.c_str(),
                                       config.path.c_str(),
                                       names.size(),
                                       names.data(),
                                       values.data(),
                                       config.sync == SyncMode::off    ? SDSP_SYNC_OFF
                                       : config.sync == SyncMode::full ? SDSP_SYNC_FULL
                                                                       : SDSP_SYNC_NORMAL,
                                       config.read_only};
    void* backend = nullptr;
    sdsp_error* error = nullptr;
    const sdsp_code code = open(context, &c_config, &backend, &error);
    check(code, error, config.uri, "open");
    std::shared_ptr<kv::Backend> opened;
    if (backend != nullptr) opened = std::make_shared<CBackend>(*methods, backend, config.uri);
    return opened;  // null: the core reports io_error
  };
  return info;
}

}  // namespace
}  // namespace sds::capi

extern "C" {

sdsp_code sdsp_register_backend(const sdsp_backend_definition* definition, sdsp_error** error) {
  return sds::capi::guard(error, [&] {
    sds::capi::require(definition != nullptr, "sdsp_register_backend: definition");
    sds::register_backend(sds::capi::info_of(*definition));
  });
}

}  // extern "C"
