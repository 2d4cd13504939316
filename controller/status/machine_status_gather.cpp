// Gathering the machine status's inputs through the modules that own each fact: the Ollama
// installation model, systemd's unit status (the doctor's reader), the doctor's proc reader and
// shim.vgpud-endpoint check, the service's shim configuration (vgpu_device's own loader, through
// the doctor), and one read-only snapshot of the control sockets.
#include "status/machine_status.h"

#include "doctor/machine/service_shim_config.h"
#include "doctor/machine/vgpud_endpoint_check.h"
#include "telemetry/runtime_directory.h"
#include "vgpu/device/shim_config.h"

#include <QDir>
#include <QFileInfo>

namespace vgpu::controller::status {

MachineStatusInputs gatherMachineStatusInputs(const MachineStatusSources& sources) {
  MachineStatusInputs inputs;
  doctor::DoctorContext context;
  context.root = sources.root;
  context.installation = OllamaInstallation::detect(SystemRoot(sources.root), sources.environment);
  context.shimDir = sources.shimDir.isEmpty() ? doctor::defaultShimDir() : sources.shimDir;
  inputs.installation = context.installation;
  if (sources.bus) {
    inputs.unit = doctor::readOllamaUnitStatus(*sources.bus);
  }
  const QString procRoot =
      sources.procRoot.isEmpty() ? QDir(sources.root).filePath(QStringLiteral("proc")) : sources.procRoot;
  if (QFileInfo(procRoot).isDir()) {
    inputs.ollamaProcesses = doctor::findOllamaProcesses(procRoot);
  }
  const device::ConfigLoad load = doctor::loadServiceShimConfig(context);
  inputs.configured.simulated = device::simulatedExplicitly(load.config);
  inputs.configured.inProcess = inputs.configured.simulated; // the shim's sim backend runs in the process
  inputs.configured.endpoint = inputs.configured.simulated ? QString() : QString::fromStdString(load.config.endpoint);
  if (sources.askVgpud) {
    inputs.vgpudEndpoint = doctor::checkVgpudEndpoint(context);
  }
  if (sources.readTelemetry) {
    const QStringList directories =
        sources.runtimeDirectories.isEmpty() ? telemetry::defaultRuntimeDirectories() : sources.runtimeDirectories;
    telemetry::SnapshotResult snapshot =
        telemetry::snapshotAll(directories, sources.timeout, telemetry::StaleSockets::Keep);
    inputs.shimProcesses = std::move(snapshot.processes);
    inputs.telemetryErrors = std::move(snapshot.errors);
  }
  return inputs;
}

} // namespace vgpu::controller::status
