// The doctor's check ollama.jetpack-vulkan: variant folders Ollama skips before loading anything
// because of JetPack detection (/etc/nv_tegra_release, or JETSON_JETPACK in the unit's
// environment) or because Vulkan is off (era A needs OLLAMA_VULKAN=1; era B has it on unless
// OLLAMA_VULKAN=0). Such skips log nothing or only at debug level, so they are read off the tree
// and the unit, by the rules of shared/reference/ollama-discovery.md.
#pragma once

#include "doctor/check.h"

namespace vgpu::controller::doctor {

CheckResult checkJetpackVulkan(const DoctorContext& context);

// "0.31.2" (or "v0.32.0-rc1") is at least major.minor.patch; false for "unknown".
bool ollamaVersionAtLeast(const QString& version, int major, int minor, int patch);

} // namespace vgpu::controller::doctor
