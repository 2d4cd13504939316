// service.managed-overrides: a later drop-in of ollama.service (override.conf as `systemctl edit`
// writes it, 60-x.conf, ...) assigns a variable the managed drop-in 50-vgpu.conf also assigns, or
// resets the environment after it, so systemd applies the other value and vgpu's is silently
// lost. Each finding names the file:line that wins and the value that takes effect; for
// LD_LIBRARY_PATH it means Ollama's runners do not load the shim, and reinstalling the shim (which
// rewrites 50-vgpu.conf) cannot help. The remedy is vgpu-helper's override-resolve: merge the
// other value into the managed drop-in (LD_LIBRARY_PATH: the managed entries first) or remove the
// other assignment (the managed value wins), planned by environment/override_resolution.h.
#pragma once

#include "doctor/engine/check.h"

#include <optional>

namespace vgpu::controller::doctor {

CheckResult checkManagedOverrides(const DoctorContext& context);

// When the managed drop-in's LD_LIBRARY_PATH is beaten by a later drop-in: the remedy that
// resolves it, for the checks whose remedy would otherwise be to (re)install the shim.
std::optional<Remedy> overriddenLibraryPathRemedy(const DoctorContext& context);

// Replaces `result`'s remedy when it is to install the shim and overriddenLibraryPathRemedy() has one.
void preferOverrideRemedy(const DoctorContext& context, CheckResult& result);

} // namespace vgpu::controller::doctor
