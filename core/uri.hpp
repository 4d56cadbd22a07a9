// URI parsing (docs/DESIGN.md section 8): `scheme:path` or `scheme://authority/path`,
// then optionally `?key=value&key=value`.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sds::core {

struct Uri {
  std::string scheme;  // lower-cased
  bool has_authority = false;
  std::string authority;                                    // percent-decoded
  std::string path;                                         // percent-decoded
  std::vector<std::pair<std::string, std::string>> params;  // decoded, in order
};

// Parses `text`. Throws Errc::invalid_argument for a missing or malformed
// scheme, a bad % escape, an empty or repeated parameter key, or a parameter
// without '='. Messages quote the URI with any password masked.
Uri parse_uri(std::string_view text);

// `text` with the password of `user:password@` and of a `password=` parameter
// replaced by "***", for messages.
std::string mask_password(std::string_view text);

// An authority (`user:password@host`, raw or percent-decoded) with its
// password replaced by "***", for messages.
std::string mask_authority(std::string_view authority);

}  // namespace sds::core
