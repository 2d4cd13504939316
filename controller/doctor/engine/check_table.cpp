// THE table of doctor checks: one line per check (id, title, prerequisites, run function).
// The log checks come first, then the machine's: hardware, shim, Ollama tree, loader, service
// then the running processes; the engine orders them by their prerequisites.
#include "doctor/engine/check_table.h"

#include "doctor/logs/log_checks.h"
#include "doctor/machine/hardware_checks.h"
#include "doctor/machine/jetpack_vulkan_checks.h"
#include "doctor/machine/loader_checks.h"
#include "doctor/machine/ollama_checks.h"
#include "doctor/machine/override_check.h"
#include "doctor/machine/runtime_checks.h"
#include "doctor/machine/runtime_directory_check.h"
#include "doctor/machine/service_checks.h"
#include "doctor/machine/shim_backend_check.h"
#include "doctor/machine/shim_checks.h"
#include "doctor/machine/vgpud_endpoint_check.h"

#include <vector>

namespace vgpu::controller::doctor {

std::span<const Check> doctorChecks() {
  static const std::vector<Check> kChecks{
      {QStringLiteral("logs.ollama-log"), QStringLiteral("Ollama server log is readable"), {}, &checkOllamaLog},
      {QStringLiteral("logs.debug-level-sufficient"),
       QStringLiteral("Ollama log level shows GPU discovery"),
       {QStringLiteral("logs.ollama-log")},
       &checkDebugLevelSufficient},
      {QStringLiteral("logs.discovery-verdict"),
       QStringLiteral("Ollama GPU discovery verdict"),
       {QStringLiteral("logs.ollama-log")},
       &checkDiscoveryVerdict},
      {QStringLiteral("hardware.pci-stub"), QStringLiteral("The stub PCI device and its profile"), {}, &checkPciStub},
      {QStringLiteral("shim.installed"), QStringLiteral("Shim libraries installed"), {}, &checkShimInstalled},
      {QStringLiteral("shim.soname"),
       QStringLiteral("Shim libraries carry the SONAMEs CUDA software loads"),
       {QStringLiteral("shim.installed")},
       &checkShimSoname},
      {QStringLiteral("shim.loadable"),
       QStringLiteral("Shim loads and initialises in the service's environment"),
       {QStringLiteral("shim.soname")},
       &checkShimLoadable},
      {QStringLiteral("shim.nvml-uuids"),
       QStringLiteral("CUDA and NVML present the same devices (UUIDs)"),
       {QStringLiteral("shim.loadable")},
       &checkNvmlUuids},
      {QStringLiteral("shim.backend"),
       QStringLiteral("Ollama's work runs on a GPU, not the simulated device"),
       {},
       &checkShimBackend},
      {QStringLiteral("shim.vgpud-endpoint"), QStringLiteral("vgpud endpoint reachable"), {}, &checkVgpudEndpoint},
      {QStringLiteral("shim.runtime-directory"),
       QStringLiteral("The control sockets' directory admits only its own users"),
       {},
       &checkRuntimeDirectory},
      {QStringLiteral("ollama.binary"), QStringLiteral("Ollama binary and version"), {}, &checkOllamaBinary},
      {QStringLiteral("ollama.library-root"),
       QStringLiteral("Ollama library root"),
       {QStringLiteral("ollama.binary")},
       &checkLibraryRoot},
      {QStringLiteral("ollama.variant-folders"),
       QStringLiteral("Ollama variant folders"),
       {QStringLiteral("ollama.library-root")},
       &checkVariantFolders},
      {QStringLiteral("ollama.requested-library"),
       QStringLiteral("The folder OLLAMA_LLM_LIBRARY requests is usable"),
       {QStringLiteral("ollama.library-root")},
       &checkRequestedLibrary},
      {QStringLiteral("ollama.jetpack-vulkan"),
       QStringLiteral("No JetPack or Vulkan rule makes Ollama skip the CUDA folder"),
       {QStringLiteral("ollama.library-root")},
       &checkJetpackVulkan},
      {QStringLiteral("loader.libggml-cuda"),
       QStringLiteral("libggml-cuda.so loads with vgpu's libcuda.so.1 in Ollama's discovery environment"),
       {QStringLiteral("ollama.variant-folders")},
       &checkLibggmlCuda},
      {QStringLiteral("service.daemon-reload"),
       QStringLiteral("systemd has loaded the current unit files"),
       {},
       &checkDaemonReload},
      {QStringLiteral("service.num-gpu"), QStringLiteral("No OLLAMA_NUM_GPU (Ollama ignores it)"), {}, &checkNumGpu},
      {QStringLiteral("service.managed-overrides"),
       QStringLiteral("No later drop-in overrides what vgpu's drop-in sets"),
       {},
       &checkManagedOverrides},
      {QStringLiteral("service.debug-level"),
       QStringLiteral("OLLAMA_DEBUG shows GPU discovery"),
       {},
       &checkServiceDebugLevel},
      {QStringLiteral("runtime.ollama-processes"),
       QStringLiteral("Running Ollama processes use vgpu's libcuda.so.1"),
       {},
       &checkOllamaProcesses},
  };
  return kChecks;
}

} // namespace vgpu::controller::doctor
