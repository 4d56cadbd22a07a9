#include "trace_source.hpp"

#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>

namespace sds::bench {

const workloads::Trace& session_trace(std::size_t records) {
  static std::map<std::size_t, workloads::Trace> loaded;  // by `records`
  if (const auto it = loaded.find(records); it != loaded.end()) return it->second;
  const char* chosen = std::getenv("SDS_BENCH_TRACE");
  const std::string path = chosen && *chosen ? chosen : SDS_BENCH_TRACE_FILE;
  workloads::Trace trace;
  try {
    trace = workloads::read_trace(path);
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(std::string(error.what()) +
                             " (set SDS_BENCH_TRACE to the path of a trace file)");
  }
  if (records != 0 && trace.records.size() > records) trace.records.resize(records);
  return loaded.emplace(records, std::move(trace)).first->second;
}

}  // namespace sds::bench
