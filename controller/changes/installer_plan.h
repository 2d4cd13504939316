// The plan vgpu-helper's `install --scope S` carries out, computed read-only as the user: the shim
// libraries and, for the service scope, the managed drop-in with vgpu's directory first on
// LD_LIBRARY_PATH. The console's install wizard shows it before anything is changed (the helper
// plans again, as root, and its plan is the one applied).
#pragma once

#include "changes/change_plan.h"
#include "changes/shim_install_plan.h"
#include "common/system_root.h"

#include <QString>
#include <optional>

namespace vgpu::controller {

struct OllamaInstallation;

// The plan, or nullopt with `error` (the drop-in cannot be planned, shim libraries missing, ...).
std::optional<ChangePlan> planInstallerRun(const SystemRoot& root, const OllamaInstallation& installation,
                                           InstallScope scope, QString* error);

} // namespace vgpu::controller
