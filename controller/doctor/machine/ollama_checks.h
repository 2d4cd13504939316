// The doctor's Ollama checks, over the installation model (controller/ollama/):
//  - ollama.binary: the binary the service runs, its version and discovery era;
//  - ollama.library-root: the library root by Ollama's own rule, and that it exists;
//  - ollama.variant-folders: the variant folders and whether Ollama can see a CUDA one;
//  - ollama.requested-library: the folder OLLAMA_LLM_LIBRARY names exists, has a *ggml-* file
//    directly inside, is not a broken symlink, and the service user may read and enter it.
#pragma once

#include "doctor/engine/check.h"

namespace vgpu::controller::doctor {

CheckResult checkOllamaBinary(const DoctorContext& context);
CheckResult checkLibraryRoot(const DoctorContext& context);
CheckResult checkVariantFolders(const DoctorContext& context);
CheckResult checkRequestedLibrary(const DoctorContext& context);

// OLLAMA_LLM_LIBRARY as Ollama reads it (trimmed of spaces and quotes); "" when unset.
QString requestedLibrary(const OllamaInstallation& installation);

} // namespace vgpu::controller::doctor
