// shim.backend over the service's shim configuration (service_shim_config.h).
#include "doctor/machine/shim_backend_check.h"

#include "doctor/machine/service_shim_config.h"

namespace vgpu::controller::doctor {

namespace {

QString fromStd(std::string_view text) {
  return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace

CheckResult checkShimBackend(const DoctorContext& context) {
  if (context.shimDir.isEmpty()) {
    return CheckResult::skip(QStringLiteral("the shim was not examined"));
  }
  const device::ConfigLoad load = loadServiceShimConfig(context);
  const QString endpoint = QString::fromStdString(load.config.endpoint);
  const QString origin = backendSettingOrigin(context, load);
  const Evidence configEvidence{
      QStringLiteral("shim configuration"), origin.isEmpty() ? QStringLiteral("/etc/vgpu/shim.conf") : origin,
      QStringLiteral("backend=%1 endpoint=%2").arg(fromStd(device::describeBackend(load.config)), endpoint)};
  CheckResult result;
  if (device::simulatedExplicitly(load.config)) {
    result = CheckResult::fail(
        QStringLiteral("Ollama would run on the simulated device (backend=sim from %1): it looks like a GPU, but "
                       "kernels are counted and never run, so models answer garbage")
            .arg(origin));
    const bool fromUnit = origin.startsWith(QLatin1String("VGPU_BACKEND"));
    result.remedy = Remedy{
        fromUnit ? QStringLiteral("Remove VGPU_BACKEND=sim from ollama.service's environment (%1), run systemctl "
                                  "daemon-reload and restart ollama.service: the shims then send the work to vgpud "
                                  "at %2. The simulated device is for tests and demos only.")
                       .arg(origin.mid(origin.indexOf(u'(') + 1).chopped(1), endpoint)
                 : QStringLiteral("Delete the line backend = sim from /etc/vgpu/shim.conf (or write backend = remote) "
                                  "and restart ollama.service: the shims then send the work to vgpud at %1. The "
                                  "simulated device is for tests and demos only.")
                       .arg(endpoint),
        std::nullopt};
  } else {
    result = CheckResult::pass(
        load.config.backend
            ? QStringLiteral("the shims send Ollama's work to vgpud at %1 (backend=remote from %2)")
                  .arg(endpoint, origin)
            : QStringLiteral("the shims send Ollama's work to vgpud at %1 (no backend configured: remote is the "
                             "default; the simulated device runs only with backend = sim)")
                  .arg(endpoint));
  }
  result.evidence.append(configEvidence);
  appendConfigProblems(result, load);
  return result;
}

} // namespace vgpu::controller::doctor
