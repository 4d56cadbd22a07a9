#include "tests/reliability/file_tree.hpp"

#include <filesystem>
#include <fstream>

namespace sds::test {

namespace fs = std::filesystem;

std::uint64_t fingerprint(const std::string& file) {
  std::uint64_t hash = 1469598103934665603ull;
  std::ifstream in(file, std::ios::binary);
  for (char c; in.get(c);) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return hash;
}

FileTree file_tree(const std::string& root) {
  FileTree out;
  std::error_code error;
  for (const auto& entry : fs::recursive_directory_iterator(root, error)) {
    const bool content = entry.is_regular_file() && entry.path().filename() != "lock.mdb";
    out[fs::relative(entry.path(), root).string()] =
        content ? fingerprint(entry.path().string()) : 0;
  }
  return out;
}

std::string describe(const FileTree& files) {
  std::string out;
  for (const auto& [name, hash] : files) {
    out += " " + name + (hash ? "#" + std::to_string(hash) : "");
  }
  return out;
}

}  // namespace sds::test
