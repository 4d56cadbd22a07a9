// What a directory holds, byte for byte: to tell whether an operation changed
// or added a file (the security suite's read-only and path checks).
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace sds::test {

// A fingerprint of a file's bytes (FNV-1a).
std::uint64_t fingerprint(const std::string& file);

// Every file and directory under `root`, relative to it, with the fingerprint
// of its bytes (a directory's is 0). LMDB's lock.mdb holds the reader table,
// which every open rewrites: it is listed, not fingerprinted.
using FileTree = std::map<std::string, std::uint64_t>;
FileTree file_tree(const std::string& root);

// The tree as one line, for messages: " name#fingerprint ...".
std::string describe(const FileTree& files);

}  // namespace sds::test
