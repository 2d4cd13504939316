// The doctor's log checks, over the Ollama server log in the DoctorContext:
//  - logs.ollama-log: the log was given, is readable and is an Ollama server log;
//  - logs.debug-level-sufficient: the log shows the Debug discovery lines a CPU verdict needs;
//  - logs.discovery-verdict: GPU mode with the device, or CPU mode with the ranked causes.
#pragma once

#include "doctor/engine/check.h"

namespace vgpu::controller::doctor {

CheckResult checkOllamaLog(const DoctorContext& context);
CheckResult checkDebugLevelSufficient(const DoctorContext& context);
CheckResult checkDiscoveryVerdict(const DoctorContext& context);

} // namespace vgpu::controller::doctor
