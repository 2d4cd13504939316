// The doctor's check ollama.jetpack-vulkan: variant folders Ollama skips before loading anything
// because of JetPack detection or because Vulkan is off. Such skips log nothing or only at debug
// level, so they are read off the tree and the unit, by Ollama's own rules (discover/gpu.go
// cudaJetpack, discover/runner.go GPUDevices, envconfig; every tag v0.12.0..v0.33.0-rc2):
// - JetPack is detected only on linux/arm64: JETSON_JETPACK=N[.x] gives jetpackN; otherwise
//   /etc/nv_tegra_release counts only when its first " R<n> " is R35 (jetpack5) or R36 (jetpack6).
//   A detected JetPack skips every folder but cuda_jetpackN, the requested one included, in every
//   version; from v0.31.2 detection is cleared when that cuda_jetpackN folder is not installed.
// - OLLAMA_VULKAN is read with Go's strconv.ParseBool after trimming spaces and quotes, and a value
//   it cannot parse counts as true: before v0.30.0 unset means off, from v0.30.0 unset means on.
#pragma once

#include "doctor/engine/check.h"

namespace vgpu::controller::doctor {

CheckResult checkJetpackVulkan(const DoctorContext& context);

// Ollama's reading of a boolean variable (envconfig.BoolWithDefault): `defaultValue` when empty
// after trimming spaces and quotes, the strconv.ParseBool value, and true for anything else.
bool ollamaBoolValue(const QString& value, bool defaultValue);

// "0.31.2" (or "v0.32.0-rc1") is at least major.minor.patch; false for "unknown".
bool ollamaVersionAtLeast(const QString& version, int major, int minor, int patch);

} // namespace vgpu::controller::doctor
