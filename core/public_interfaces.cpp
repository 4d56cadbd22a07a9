// The out-of-line members of the public interfaces. Defining each class's first
// virtual function here makes libsds the one home of its vtable and typeinfo,
// exported through SDS_API, so that a backend or store written outside the
// library derives from the very classes the library uses.
#include "sds/contents.hpp"
#include "sds/database.hpp"
#include "sds/error.hpp"
#include "sds/kv.hpp"
#include "sds/provider.hpp"
#include "sds/store.hpp"

namespace sds {

Error::~Error() = default;
PersistenceProvider::~PersistenceProvider() = default;
Store::~Store() = default;
Database::~Database() = default;
ContentsVisitor::~ContentsVisitor() = default;

namespace kv {

Backend::~Backend() = default;

bool WriteTransaction::insert(std::string_view key, ByteView value) {
  if (get(key)) return false;
  put(key, value);
  return true;
}

void WriteTransaction::put_parts(std::string_view key, std::span<const ByteView> parts) {
  Bytes joined;
  std::size_t size = 0;
  for (const ByteView part : parts) size += part.size();
  joined.reserve(size);
  for (const ByteView part : parts) joined.insert(joined.end(), part.begin(), part.end());
  put(key, joined);
}

std::optional<std::uint64_t> Backend::bytes_on_disk() { return std::nullopt; }

void Backend::compact() { throw Error(Errc::unsupported, "this backend has no compaction"); }

IntegrityCheck Backend::check_integrity() {
  return {false, "this backend has no check of its own", {}};
}

}  // namespace kv
}  // namespace sds
