// The doctor's loader check, loader.libggml-cuda: in the environment Ollama gives its discovery
// subprocess (LD_LIBRARY_PATH = library root : variant : the service's inherited value, plus the
// unit's Environment=), vgpu-doctor-probe dlopens <variant>/libggml-cuda.so with RTLD_NOW — the
// real dynamic loader, in a child process — and reports dlerror (a missing symbol by name) and
// which libcuda.so.1 / libnvidia-ml.so.1 got loaded: vgpu's shim, another (NVIDIA's), or none.
// Ollama itself hides this failure: its runner's dlopen errors are silent on Linux.
#pragma once

#include "doctor/engine/check.h"

namespace vgpu::controller::doctor {

CheckResult checkLibggmlCuda(const DoctorContext& context);

} // namespace vgpu::controller::doctor
