// planInstallerRun: the managed drop-in's bytes from the environment planner, then the shim plan.
#include "changes/installer_plan.h"

#include "environment/environment_change.h"
#include "ollama/ollama_installation.h"

namespace vgpu::controller {

std::optional<ChangePlan> planInstallerRun(const SystemRoot& root, const OllamaInstallation& installation,
                                           InstallScope scope, QString* error) {
  ShimInstallRequest request;
  request.scope = scope;
  if (scope == InstallScope::Service) {
    const EnvironmentPlan environment = planEnvironmentChange(root, installation, QStringLiteral("LD_LIBRARY_PATH"),
                                                              request.targetDir, PlanCaller::Installer);
    if (!environment.ok()) {
      *error = environment.error;
      return std::nullopt;
    }
    request.dropIn = environment.newBytes;
    request.dropInPath = environment.path;
  }
  return planShimInstall(root, request, error);
}

} // namespace vgpu::controller
