// Who is staging into a database (docs/DESIGN.md section 13.1): the header a
// staging process writes, and whether the process of a header found is alive.
// One definition for every implementation of core::Staging.
#pragma once

#include "core/payloads.hpp"

namespace sds::core {

// The header of a staging by this process: pid with its start time, a random
// token, the time, the host and its boot.
StagingHeader this_process();

// Whether the process that wrote `header` may still be staging. A process of
// another host cannot be asked, so it counts as running; another boot of
// this host ended every process of the one before.
bool is_running(const StagingHeader& header);

}  // namespace sds::core
