// The doctor's check shim.vgpud-endpoint: when the shims' configuration (shim.conf under the root,
// read with vgpu_device's loadShimConfig) selects the remote backend on a unix: endpoint, connect
// to it and ask vgpud's version over the wire protocol (docs/wire-protocol.md). Skips when the
// shims run the simulated backend, which needs no daemon.
#pragma once

#include "doctor/check.h"

namespace vgpu::controller::doctor {

CheckResult checkVgpudEndpoint(const DoctorContext& context);

} // namespace vgpu::controller::doctor
