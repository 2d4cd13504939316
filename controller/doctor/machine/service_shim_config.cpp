// Loading the service's shim configuration for the doctor's shim.backend and shim.vgpud-endpoint.
#include "doctor/machine/service_shim_config.h"

#include "common/system_root.h"

#include <map>

namespace vgpu::controller::doctor {

device::ConfigLoad loadServiceShimConfig(const DoctorContext& context) {
  const std::string path = SystemRoot(context.root).hostPath(u"/etc/vgpu/shim.conf").toStdString();
  std::map<std::string, std::string, std::less<>> unitValues;
  if (context.installation) {
    for (const char* name : {"VGPU_BACKEND", "VGPU_ENDPOINT"}) {
      const EnvironmentValue* value = context.installation->environmentValue(QString::fromLatin1(name));
      if (value != nullptr) {
        unitValues.emplace(name, value->value.toStdString());
      }
    }
  }
  device::ConfigLoad load = device::loadShimConfig([&path, &unitValues](const char* name) -> const char* {
    if (std::string_view(name) == "VGPU_CONFIG") {
      return path.c_str();
    }
    const auto found = unitValues.find(std::string_view(name));
    return found == unitValues.end() ? nullptr : found->second.c_str();
  });
  // VGPU_CONFIG is the doctor's own way of naming the root's file: a missing shim.conf is normal
  // (defaults apply), not a problem of the machine.
  std::erase_if(load.problems, [](const device::ConfigProblem& problem) { return problem.source == "VGPU_CONFIG"; });
  return load;
}

QString backendSettingOrigin(const DoctorContext& context, const device::ConfigLoad& load) {
  if (!load.config.backend) {
    return {};
  }
  if (context.installation) {
    const EnvironmentValue* value = context.installation->environmentValue(QStringLiteral("VGPU_BACKEND"));
    // Only a value the shims accept overrides the file (a bad one is reported and ignored).
    if (value != nullptr &&
        (value->value.trimmed() == QLatin1String("sim") || value->value.trimmed() == QLatin1String("remote"))) {
      return QStringLiteral("VGPU_BACKEND in ollama.service (%1)").arg(value->origin);
    }
  }
  return QStringLiteral("/etc/vgpu/shim.conf");
}

void appendConfigProblems(CheckResult& result, const device::ConfigLoad& load) {
  for (const device::ConfigProblem& problem : load.problems) {
    result.evidence.append({QStringLiteral("shim.conf problem"),
                            QStringLiteral("%1:%2").arg(QString::fromStdString(problem.source)).arg(problem.line),
                            QString::fromStdString(problem.message)});
  }
}

} // namespace vgpu::controller::doctor
