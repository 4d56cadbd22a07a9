// The staging step of docs/DESIGN.md section 13 over the Node package's
// layout: staged stores and blobs wait in tables of their own, which the Node
// package never reads (node_layout.hpp), and publishing moves them into
// snapshots, patches and blobs in one transaction, then drops those tables.
#pragma once

#include <memory>
#include <optional>

#include "backends/node/node_file.hpp"
#include "core/staging.hpp"

namespace sds::backend::node {

std::unique_ptr<core::Staging> begin_node_staging(std::shared_ptr<NodeFile> file,
                                                  core::TargetPolicy policy);

// The staging area in the file, running or left by an interrupted transfer.
std::optional<core::StagingArea> find_node_staging(NodeFile& file);

}  // namespace sds::backend::node
