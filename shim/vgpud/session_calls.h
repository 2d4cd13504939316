// The table of calls a session answers after hello: call id → handler, and whether the call is
// synchronizing (it reports a pending asynchronous error, as CUDA's synchronizing calls do), and
// whether it starts new work (docs/management-protocol.md, drain).
#pragma once

#include "vgpu/wire_codec.h"
#include "vgpu/wire_frame.h"

#include <cuda.h>

namespace vgpu::daemon {

class Session;

// Reads its request from `request` and writes the reply's fields after the status into `reply`
// (they are dropped when the status is not CUDA_SUCCESS). A request that does not decode leaves
// `request` failed: the connection is closed as malformed.
using CallHandler = CUresult (*)(Session& session, wire::Reader& request, wire::Writer& reply, bool async);

struct CallEntry {
  wire::Call call;
  CallHandler handler;
  bool synchronizing;
  bool newWork = false; // starts something new (allocation, module, launch): refused while draining
};

// nullptr for a call the table does not hold.
const CallEntry* findCall(std::uint16_t call);

} // namespace vgpu::daemon
