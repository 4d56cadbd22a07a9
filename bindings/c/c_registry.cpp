// The C API's version and registry functions: sds::version(), backends(),
// backend_infos() and common_params() as C structs.
#include <cstdlib>
#include <new>

#include "bindings/c/c_api.hpp"
#include "sds/registry.hpp"
#include "sds/version.hpp"

namespace {

using sds::capi::copy_string;

sdsp_path_kind path_kind_of(sds::PathKind kind) {
  switch (kind) {
    case sds::PathKind::file:
      return SDSP_PATH_FILE;
    case sds::PathKind::directory:
      return SDSP_PATH_DIRECTORY;
    case sds::PathKind::server:
      return SDSP_PATH_SERVER;
    case sds::PathKind::name:
      break;
  }
  return SDSP_PATH_NAME;
}

void free_params(sdsp_param_list* list) {
  for (std::size_t i = 0; i < list->count; ++i) {
    std::free(list->items[i].name);
    std::free(list->items[i].default_value);
    std::free(list->items[i].help);
  }
  std::free(list->items);
  *list = sdsp_param_list{nullptr, 0};
}

sdsp_param_list copy_params(const std::vector<sds::ParamSpec>& specs) {
  sdsp_param_list list{static_cast<sdsp_param*>(std::calloc(specs.size() + 1, sizeof(sdsp_param))),
                       0};
  if (list.items == nullptr) throw std::bad_alloc();
  try {
    for (const auto& spec : specs) {
      sdsp_param& param = list.items[list.count++];  // counted first: freed on failure
      param.name = copy_string(spec.name);
      param.default_value = copy_string(spec.default_value);
      param.help = copy_string(spec.help);
    }
  } catch (...) {
    free_params(&list);
    throw;
  }
  return list;
}

void free_info(sdsp_backend_info* info) {
  std::free(info->scheme);
  std::free(info->description);
  sdsp_bytes_list_free(&info->private_paths);
  free_params(&info->params);
}

}  // namespace

extern "C" {

const char* sdsp_version(void) { return sds::version(); }

sdsp_code sdsp_backends(sdsp_bytes_list* schemes, sdsp_error** error) {
  return sds::capi::guard(error, [&] {
    sds::capi::require(schemes != nullptr, "sdsp_backends: schemes");
    *schemes = sds::capi::copy_list(sds::backends());
  });
}

sdsp_code sdsp_backend_infos(sdsp_backend_info_list* infos, sdsp_error** error) {
  return sds::capi::guard(error, [&] {
    sds::capi::require(infos != nullptr, "sdsp_backend_infos: infos");
    const auto all = sds::backend_infos();
    sdsp_backend_info_list list{
        static_cast<sdsp_backend_info*>(std::calloc(all.size() + 1, sizeof(sdsp_backend_info))), 0};
    if (list.items == nullptr) throw std::bad_alloc();
    try {
      for (const auto& info : all) {
        sdsp_backend_info& out = list.items[list.count++];  // zeroed: freeable at every step
        out.scheme = copy_string(info.scheme);
        out.description = copy_string(info.description);
        out.path_kind = path_kind_of(info.path_kind);
        out.persistent = info.capabilities.persistent;
        out.multi_process = info.capabilities.multi_process;
        out.compaction = info.capabilities.compaction;
        out.reports_size = info.capabilities.reports_size;
        out.binary_ids = info.capabilities.binary_ids;
        out.compression = info.capabilities.compression;
        out.checksums = info.capabilities.checksums;
        out.max_clock = info.capabilities.max_clock;
        out.format_version = info.capabilities.format_version;
        out.private_paths = sds::capi::copy_list(info.private_paths);
        out.params = copy_params(info.params);
      }
    } catch (...) {
      sdsp_backend_info_list_free(&list);
      throw;
    }
    *infos = list;
  });
}

sdsp_code sdsp_common_params(sdsp_param_list* params, sdsp_error** error) {
  return sds::capi::guard(error, [&] {
    sds::capi::require(params != nullptr, "sdsp_common_params: params");
    *params = copy_params(sds::common_params());
  });
}

void sdsp_param_list_free(sdsp_param_list* params) {
  if (params != nullptr) free_params(params);
}

void sdsp_backend_info_list_free(sdsp_backend_info_list* infos) {
  if (infos == nullptr) return;
  for (std::size_t i = 0; i < infos->count; ++i) free_info(&infos->items[i]);
  std::free(infos->items);
  *infos = sdsp_backend_info_list{nullptr, 0};
}

}  // extern "C"
