// The store figures one write transaction works with: loaded on first use,
// changed by its operations, published to the StoreStates once it commits.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/store_figures.hpp"
#include "sds/kv.hpp"

namespace sds::core {

class WriteContext {
 public:
  // The figures of `state`'s store as this transaction sees them, with the
  // changes of the operations before this one. Loaded from `txn` when this
  // process knows none yet.
  StoreFigures& figures(const std::shared_ptr<StoreState>& state, kv::ReadTransaction& txn);

  // Figures of a store whose records this operation removed (drop_store).
  void forget(const std::shared_ptr<StoreState>& state);

  // Marks the start of one operation; rollback_operation() undoes the figure
  // changes made since, when its nested transaction rolled back.
  void begin_operation();
  void rollback_operation();

  // Forgets everything: the transaction runs again from the start.
  void clear();
  // Hands the figures to their StoreStates; called once the commit succeeded.
  void publish() const;

 private:
  struct Entry {
    std::shared_ptr<StoreState> state;
    StoreFigures figures;
  };
  using Entries = std::map<const StoreState*, Entry>;
  // Remembers `state`'s entry (or its absence) before the current operation
  // first changes it.
  Entries::iterator touch(const std::shared_ptr<StoreState>& state);

  Entries entries_;
  // The current operation's undo log: entries as they were before it.
  std::vector<std::pair<const StoreState*, std::optional<Entry>>> undo_;
};

}  // namespace sds::core
