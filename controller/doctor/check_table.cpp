// THE table of doctor checks: one line per check (id, title, prerequisites, run function).
// Checks from the other models (hardware, shim, Ollama tree, loader, service, runtime) are added
// here as they arrive; the engine orders them by their prerequisites.
#include "doctor/check_table.h"

#include "doctor/log_checks.h"

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
  };
  return kChecks;
}

} // namespace vgpu::controller::doctor
