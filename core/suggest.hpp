// "Did you mean": the known word closest to a mistyped one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sds::core {

// The candidate closest to `word` by edit distance (insertions, deletions,
// substitutions and swaps of neighbours, case ignored), if it is close
// enough to be what was meant: at most a third of the word's length away,
// and at least one edit for short words.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

}  // namespace sds::core
