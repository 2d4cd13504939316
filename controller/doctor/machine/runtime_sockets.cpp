// Asking the shim's control sockets of Ollama's runners (see runtime_sockets.h). Read-only like
// every check: stale sockets are reported, never removed.
#include "doctor/machine/runtime_sockets.h"

#include "common/system_root.h"
#include "telemetry/process_summary.h"
#include "telemetry/runtime_directory.h"
#include "telemetry/telemetry_snapshot.h"

#include "vgpu/telemetry/runtime_directory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <sys/stat.h>

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

// Whether `process` could create its socket in `directory`, by its credentials and the mode bits.
bool mayCreateIn(const OllamaProcess& process, const std::string& directory) {
  if (!process.uid) {
    return true; // credentials unknown: an existing directory is taken to be usable
  }
  struct stat info {};
  if (::stat(directory.c_str(), &info) != 0) {
    return false;
  }
  if (*process.uid == 0) {
    return true;
  }
  const auto bits = [&info](mode_t write, mode_t search) {
    return (info.st_mode & (write | search)) == (write | search);
  };
  if (info.st_uid == *process.uid) {
    return bits(S_IWUSR, S_IXUSR);
  }
  if ((process.gid && info.st_gid == *process.gid) || process.groups.contains(static_cast<unsigned>(info.st_gid))) {
    return bits(S_IWGRP, S_IXGRP);
  }
  return bits(S_IWOTH, S_IXOTH);
}

} // namespace

QString processRuntimeDirectory(const OllamaProcess& process, const QString& root, QString* why) {
  const SystemRoot systemRoot(root);
  vgpu::telemetry::RuntimeDirectoryInputs inputs;
  const QString configured = process.environment.value(QStringLiteral("VGPU_RUNTIME_DIR"));
  if (!configured.isEmpty()) {
    inputs.configured = QFile::encodeName(systemRoot.hostPath(configured)).toStdString();
  }
  const QString xdg = process.environment.value(QStringLiteral("XDG_RUNTIME_DIR"));
  if (!xdg.isEmpty()) {
    inputs.xdgRuntimeDir = QFile::encodeName(systemRoot.hostPath(xdg)).toStdString();
  }
  inputs.systemDirectory =
      QFile::encodeName(systemRoot.hostPath(QString::fromLatin1(vgpu::telemetry::kSystemRuntimeDirectory)))
          .toStdString();
  inputs.userDirectories.clear(); // the process serves in its own folders only
  inputs.writable = [&process](const std::string& directory) { return mayCreateIn(process, directory); };
  const vgpu::telemetry::RuntimeDirectories chosen =
      vgpu::telemetry::runtimeDirectories(inputs, vgpu::telemetry::RuntimeDirectoryUse::WouldServe);
  if (why != nullptr) {
    *why = QFile::decodeName(chosen.why.c_str());
  }
  return chosen.directories.empty() ? QString() : QFile::decodeName(chosen.directories.front().c_str());
}

std::map<int, SocketFinding> askControlSockets(const QList<OllamaProcess>& shimProcesses, const QString& root,
                                               int timeoutMs) {
  std::map<int, SocketFinding> findings;
  std::map<QString, telemetry::SnapshotResult> snapshots; // by directory
  for (const OllamaProcess& process : shimProcesses) {
    SocketFinding& finding = findings[process.pid];
    QString noDirectory;
    const QString directory = processRuntimeDirectory(process, root, &noDirectory);
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
      noAnswer(QStringLiteral("has no runtime directory (%1)").arg(noDirectory),
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
    const auto unlisted = std::find_if(result.errors.begin(), result.errors.end(), [&directory](const QString& error) {
      return error.startsWith(directory + QStringLiteral(": "));
    });
    if (unlisted != result.errors.end()) {
      // The packaged /run/vgpu is 1770 root:vgpu: outside the group, nothing in it can be seen.
      noAnswer(QStringLiteral("cannot be seen by this user (%1)").arg(*unlisted),
               QStringLiteral("Run the doctor as root or as a member of the directory's group (default vgpu): "
                              "sudo usermod -aG vgpu $USER, then log in again."));
    } else if (problem != result.errors.end() && (problem->contains(QStringLiteral(": refused: ")) ||
                                                  problem->contains(QStringLiteral("ermission denied")))) {
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
