// Asking the shim's control sockets of Ollama's runners (see runtime_sockets.h). Read-only like
// every check: stale sockets are reported, never removed.
#include "doctor/runtime_sockets.h"

#include "common/system_root.h"
#include "telemetry/process_summary.h"
#include "telemetry/runtime_directory.h"
#include "telemetry/telemetry_snapshot.h"

#include <QDir>
#include <QFileInfo>

namespace vgpu::controller::doctor {

namespace {

QString describeProcess(const OllamaProcess& process) {
  return QStringLiteral("%1 pid %2").arg(ollamaProcessRoleName(process.role)).arg(process.pid);
}

QString describeSnapshot(const telemetry::ProcessSnapshot& snapshot) {
  QStringList devices;
  for (const telemetry::DeviceIdentity& device : snapshot.hello.devices) {
    devices.append(QStringLiteral("%1 %2").arg(device.name, device.uuid));
  }
  return QStringLiteral("backend %1 (%2)%7, state %3, devices: %4; VRAM used %5, kernel launches %6")
      .arg(snapshot.hello.backend, snapshot.hello.endpoint.value_or(QStringLiteral("endpoint not reported")),
           snapshot.sample.backendState,
           devices.isEmpty() ? QStringLiteral("none") : devices.join(QStringLiteral(", ")),
           telemetry::humanBytes(snapshot.sample.vramUsedBytes()))
      .arg(snapshot.sample.kernelLaunchesTotal)
      .arg(snapshot.hello.simulated() ? QStringLiteral(", SIMULATED device (kernels counted, never run)") : QString());
}

} // namespace

QString processRuntimeDirectory(const OllamaProcess& process, const QString& root) {
  const SystemRoot systemRoot(root);
  const QString configured = process.environment.value(QStringLiteral("VGPU_RUNTIME_DIR"));
  if (!configured.isEmpty()) {
    return systemRoot.hostPath(configured);
  }
  QString system = systemRoot.hostPath(u"/run/vgpu");
  if (QFileInfo(system).isDir()) {
    return system;
  }
  const QString xdg = process.environment.value(QStringLiteral("XDG_RUNTIME_DIR"));
  return xdg.isEmpty() ? QString() : systemRoot.hostPath(xdg + QStringLiteral("/vgpu"));
}

std::map<int, SocketFinding> askControlSockets(const QList<OllamaProcess>& shimProcesses, const QString& root,
                                               int timeoutMs) {
  std::map<int, SocketFinding> findings;
  std::map<QString, telemetry::SnapshotResult> snapshots; // by directory
  for (const OllamaProcess& process : shimProcesses) {
    SocketFinding& finding = findings[process.pid];
    const QString directory = processRuntimeDirectory(process, root);
    const QString socket = directory.isEmpty() ? QString() : directory + QStringLiteral("/%1.sock").arg(process.pid);
    finding.evidence.what = QStringLiteral("shim control socket of %1").arg(describeProcess(process));
    finding.evidence.where = socket.isEmpty() ? QStringLiteral("(no runtime directory)") : socket;
    const auto noAnswer = [&](const QString& why, const QString& remedy) {
      finding.status = CheckStatus::Warn;
      finding.summary =
          QStringLiteral("%1 loads vgpu's shim but its control socket %2").arg(describeProcess(process), why);
      finding.remedy = remedy;
      finding.evidence.excerpt = why;
    };
    const QString telemetrySetting = process.environment.value(QStringLiteral("VGPU_TELEMETRY"));
    if (telemetrySetting == QStringLiteral("off") || telemetrySetting == QStringLiteral("0")) {
      noAnswer(QStringLiteral("is switched off (VGPU_TELEMETRY=%1 in its environment)").arg(telemetrySetting),
               QStringLiteral("Remove VGPU_TELEMETRY from the service's environment to see the runner in the console "
                              "and vgpuctl ps; nothing else depends on it."));
      continue;
    }
    if (directory.isEmpty()) {
      noAnswer(QStringLiteral("has no runtime directory (no VGPU_RUNTIME_DIR, no /run/vgpu, no XDG_RUNTIME_DIR)"),
               QStringLiteral("Create /run/vgpu (the vgpu package's tmpfiles.d entry does) or set VGPU_RUNTIME_DIR "
                              "in the service's environment."));
      continue;
    }
    auto cached = snapshots.find(directory);
    if (cached == snapshots.end()) {
      cached = snapshots
                   .emplace(directory, telemetry::snapshotAll(directory, std::chrono::milliseconds(timeoutMs),
                                                              telemetry::StaleSockets::Keep))
                   .first;
    }
    const telemetry::SnapshotResult& result = cached->second;
    const auto answered = std::find_if(
        result.processes.begin(), result.processes.end(),
        [&process](const telemetry::ProcessSnapshot& snapshot) { return snapshot.hello.pid == process.pid; });
    if (answered != result.processes.end()) {
      finding.summary = QStringLiteral("%1's shim answers on its control socket").arg(describeProcess(process));
      finding.evidence.excerpt = describeSnapshot(*answered);
      if (answered->hello.devices.isEmpty()) {
        noAnswer(QStringLiteral("reports no device"), QStringLiteral("Run vgpuctl doctor's hardware checks: the shim "
                                                                     "found no stub PCI device."));
      } else if (answered->hello.simulated()) {
        // Ollama "uses the GPU" and answers garbage: the one runtime finding that is a failure.
        finding.status = CheckStatus::Fail;
        finding.summary = QStringLiteral("%1 runs on a simulated device: its kernels are counted, never run")
                              .arg(describeProcess(process));
        finding.remedy = QStringLiteral("Remove backend = sim from /etc/vgpu/shim.conf and VGPU_BACKEND=sim from the "
                                        "service's environment (vgpud must run a real GPU: --backend cuda), then "
                                        "restart ollama.service. See shim.backend.");
      }
      continue;
    }
    const auto problem = std::find_if(result.errors.begin(), result.errors.end(),
                                      [&socket](const QString& error) { return error.startsWith(socket); });
    if (problem != result.errors.end() && problem->contains(QStringLiteral(": refused: "))) {
      noAnswer(QStringLiteral("refused this user (%1)").arg(*problem),
               QStringLiteral("Run the doctor as root or as a member of the socket's group (default vgpu): "
                              "sudo usermod -aG vgpu $USER, then log in again."));
    } else if (problem != result.errors.end()) {
      noAnswer(QStringLiteral("does not answer (%1)").arg(*problem),
               QStringLiteral("The runner may be stuck or still starting; look at logs.discovery-verdict and the "
                              "service journal."));
    } else {
      noAnswer(QStringLiteral("does not exist in %1").arg(directory),
               QStringLiteral("The shim creates it at the first successful cuInit: a runner without it has not "
                              "initialised CUDA, or uses another VGPU_RUNTIME_DIR. See logs.discovery-verdict."));
    }
  }
  return findings;
}

} // namespace vgpu::controller::doctor
