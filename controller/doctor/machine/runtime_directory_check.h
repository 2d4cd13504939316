// The doctor's check shim.runtime-directory: /run/vgpu, where every shim process serves its control
// socket, is the packaged directory (1770 root:vgpu, tmpfiles.d) and nothing less safe: owned by
// root, not a symlink, writable by nobody outside its group, and sticky wherever the group may
// write (so no member can remove or replace another process's socket). docs/security.md.
#pragma once

#include "doctor/engine/check.h"

namespace vgpu::controller::doctor {

CheckResult checkRuntimeDirectory(const DoctorContext& context);

} // namespace vgpu::controller::doctor
