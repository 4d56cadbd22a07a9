#include "core/write_context.hpp"

#include <algorithm>

namespace sds::core {

WriteContext::Entries::iterator WriteContext::touch(const std::shared_ptr<StoreState>& state) {
  const StoreState* key = state.get();
  const auto it = entries_.find(key);
  const bool logged =
      std::any_of(undo_.begin(), undo_.end(), [&](const auto& undo) { return undo.first == key; });
  if (!logged) {
    undo_.emplace_back(key, it == entries_.end() ? std::nullopt : std::optional<Entry>(it->second));
  }
  return it;
}

StoreFigures& WriteContext::figures(const std::shared_ptr<StoreState>& state,
                                    kv::ReadTransaction& txn) {
  auto it = touch(state);
  if (it == entries_.end()) {
    std::optional<StoreFigures> known = state->get();
    StoreFigures figures = known ? *known : load_figures(txn, state->id(), state->where());
    it = entries_.emplace(state.get(), Entry{state, figures}).first;
  }
  return it->second.figures;
}

void WriteContext::forget(const std::shared_ptr<StoreState>& state) {
  auto it = touch(state);
  if (it == entries_.end()) {
    entries_.emplace(state.get(), Entry{state, StoreFigures{}});
  } else {
    it->second.figures = StoreFigures{};
  }
}

void WriteContext::begin_operation() { undo_.clear(); }

void WriteContext::rollback_operation() {
  for (auto& [key, before] : undo_) {
    if (before) {
      entries_.insert_or_assign(key, std::move(*before));
    } else {
      entries_.erase(key);
    }
  }
  undo_.clear();
}

void WriteContext::clear() {
  entries_.clear();
  undo_.clear();
}

void WriteContext::publish() const {
  for (const auto& [key, entry] : entries_) entry.state->set(entry.figures);
}

}  // namespace sds::core
