// The doctor's check shim.vgpud-endpoint: when the shims' configuration (shim.conf under the root,
// read with vgpu_device's loadShimConfig) selects the remote backend, explicitly or by leaving the
// backend unset, connect to the endpoint and ask vgpud's version over the wire protocol
// (docs/wire-protocol.md). Skips only when backend = sim is configured (shim.backend judges that).
#pragma once

#include "doctor/engine/check.h"

namespace vgpu::controller::doctor {

CheckResult checkVgpudEndpoint(const DoctorContext& context);

} // namespace vgpu::controller::doctor
