// The shims' configuration as the shims loaded in ollama.service would see it: the root's
// /etc/vgpu/shim.conf, then the unit's VGPU_BACKEND / VGPU_ENDPOINT (when the installation was
// examined), applied by vgpu_device's own loadShimConfig so the doctor and the shims agree.
#pragma once

#include "doctor/engine/check.h"
#include "doctor/engine/doctor_context.h"
#include "vgpu/device/shim_config.h"

namespace vgpu::controller::doctor {

device::ConfigLoad loadServiceShimConfig(const DoctorContext& context);

// Where the backend setting in effect came from: "VGPU_BACKEND in <unit file:line>",
// "/etc/vgpu/shim.conf", or "" when nothing configured one.
QString backendSettingOrigin(const DoctorContext& context, const device::ConfigLoad& load);

// Appends each problem of the configuration (file:line and message) to a check's evidence.
void appendConfigProblems(CheckResult& result, const device::ConfigLoad& load);

} // namespace vgpu::controller::doctor
