// The one policy for a systemd job that systemd refuses an unprivileged caller: restarting
// ollama.service and reloading systemd are vgpu-helper verbs (polkit authorizes them), so they are
// retried through the helper; other units and start/stop are not, and the refusal is reported.
// Used by `vgpuctl service` and the console's Service page alike.
#pragma once

#include "changes/helper_command.h"
#include "systemd/systemd_job.h"

#include <optional>

namespace vgpu::controller {

// The helper command that carries out `verb` on `unit` (unit ignored for Reload), if any.
std::optional<HelperCommand> helperCommandForJob(SystemdVerb verb, const QString& unit);

// The helper command to retry a direct attempt with: set only when systemd refused the caller
// (AccessDenied) and the helper has a verb for the job. Any other failure is the answer.
std::optional<HelperCommand> helperRetryFor(const JobOutcome& direct);

} // namespace vgpu::controller
