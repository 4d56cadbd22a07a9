// Memory the C API hands out: bytes and lists of them, allocated with
// malloc and released only by our free functions.
#include <cstdlib>
#include <cstring>
#include <new>

#include "bindings/c/c_api.hpp"

namespace sds::capi {

ByteView bytes_of(const void* data, std::size_t size, const char* what) {
  if (data == nullptr && size != 0) {
    throw Error(Errc::invalid_argument,
                std::string(what) + " is NULL with a size of " + std::to_string(size) + " bytes");
  }
  return {static_cast<const std::uint8_t*>(data), size};
}

std::string_view text_of(const void* data, std::size_t size, const char* what) {
  return as_chars(bytes_of(data, size, what));
}

sdsp_bytes copy_bytes(ByteView bytes) {
  auto* data = static_cast<std::uint8_t*>(std::malloc(bytes.size() + 1));
  if (data == nullptr) throw std::bad_alloc();
  if (!bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  data[bytes.size()] = 0;
  return {data, bytes.size()};
}

char* copy_string(std::string_view text) {
  return reinterpret_cast<char*>(copy_bytes(as_bytes(text)).data);
}

namespace {

template <class Items>
sdsp_bytes_list copy_items(const Items& items) {
  sdsp_bytes_list list{static_cast<sdsp_bytes*>(std::calloc(items.size() + 1, sizeof(sdsp_bytes))),
                       0};
  if (list.items == nullptr) throw std::bad_alloc();
  try {
    for (const auto& item : items) {
      list.items[list.count] =
          copy_bytes(ByteView(reinterpret_cast<const std::uint8_t*>(item.data()), item.size()));
      ++list.count;
    }
  } catch (...) {
    sdsp_bytes_list_free(&list);
    throw;
  }
  return list;
}

}  // namespace

sdsp_bytes_list copy_list(const std::vector<std::string>& items) { return copy_items(items); }
sdsp_bytes_list copy_list(const std::vector<Bytes>& items) { return copy_items(items); }

}  // namespace sds::capi

extern "C" {

void sdsp_bytes_free(sdsp_bytes* bytes) {
  if (bytes == nullptr) return;
  std::free(bytes->data);
  *bytes = sdsp_bytes{nullptr, 0};
}

void sdsp_bytes_list_free(sdsp_bytes_list* list) {
  if (list == nullptr) return;
  for (std::size_t i = 0; i < list->count; ++i) sdsp_bytes_free(&list->items[i]);
  std::free(list->items);
  *list = sdsp_bytes_list{nullptr, 0};
}

}  // extern "C"
