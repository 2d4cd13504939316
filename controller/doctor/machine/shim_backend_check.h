// The doctor's check shim.backend: the shims loaded in ollama.service must not run the simulated
// device, which presents an ordinary-looking GPU whose kernels are counted and never run (Ollama
// would "use the GPU" and answer garbage). Fails when shim.conf or the service's VGPU_BACKEND
// selects backend = sim; passes when the work goes to vgpud (configured, or by default).
#pragma once

#include "doctor/engine/check.h"

namespace vgpu::controller::doctor {

CheckResult checkShimBackend(const DoctorContext& context);

} // namespace vgpu::controller::doctor
