// The URIs of the raw-library subjects: "raw-NAME:PATH?sync=off|normal|full".
#pragma once

#include <sds/registry.hpp>
#include <string>
#include <string_view>

namespace sds::baselines {

struct RawUri {
  std::string path;  // percent-decoded, as the engine's URIs
  SyncMode sync = SyncMode::normal;
};

// Throws std::invalid_argument for a bad escape, an unknown sync mode or
// another parameter (raw subjects take only sync).
RawUri parse_raw_uri(std::string_view uri);

}  // namespace sds::baselines
