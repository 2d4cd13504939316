// The doctor's service checks, over ollama.service's merged unit and systemd's view of it:
//  - service.daemon-reload: a unit file or drop-in changed since the last daemon-reload
//    (NeedDaemonReload, asked over D-Bus), so the running service does not have it;
//  - service.num-gpu: OLLAMA_NUM_GPU is set, which Ollama never reads (remedy env-unset);
//  - service.debug-level: OLLAMA_DEBUG is too low for the log to show discovery's Debug lines
//    (remedy env-set OLLAMA_DEBUG 1, temporary).
#pragma once

#include "doctor/engine/check.h"

namespace vgpu::controller::doctor {

CheckResult checkDaemonReload(const DoctorContext& context);
CheckResult checkNumGpu(const DoctorContext& context);
CheckResult checkServiceDebugLevel(const DoctorContext& context);

} // namespace vgpu::controller::doctor
