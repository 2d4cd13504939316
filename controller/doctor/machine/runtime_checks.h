// The doctor's runtime check, runtime.ollama-processes: the running `ollama serve` and its runner /
// llama-server children, read from the proc tree (DoctorContext::procRoot, `<root>/proc`): whether
// libggml-cuda.so is mapped, which libcuda.so.1 is (vgpu's shim directory or another path), and
// whether the environment carries the shim directory on LD_LIBRARY_PATH (unless ld.so.conf lists
// it: the system install scope) and the requested variant on OLLAMA_LIBRARY_PATH /
// GGML_BACKEND_PATH. Skips with the reason when no Ollama process runs.
#pragma once

#include "doctor/engine/check.h"

namespace vgpu::controller::doctor {

CheckResult checkOllamaProcesses(const DoctorContext& context);

} // namespace vgpu::controller::doctor
