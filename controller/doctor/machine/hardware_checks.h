// The doctor's hardware check, hardware.pci-stub: the stub PCI device the shims present, found
// with the shims' own discovery (vgpu_device: libpci on the sysfs tree, shim.conf's matches and
// profile= mappings), its ids and the device profile it maps to.
#pragma once

#include "doctor/engine/check.h"

namespace vgpu::controller::doctor {

CheckResult checkPciStub(const DoctorContext& context);

} // namespace vgpu::controller::doctor
