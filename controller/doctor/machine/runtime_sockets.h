// The control-socket part of runtime.ollama-processes: a runner that has vgpu's libcuda.so.1 loaded
// and initialised serves <runtime dir>/<pid>.sock (docs/telemetry-protocol.md). Asking it confirms
// from the inside what /proc only suggests — the shim runs, presents its devices, and uses memory.
#pragma once

#include "doctor/engine/check.h"
#include "doctor/machine/ollama_processes.h"

#include <QString>
#include <map>

namespace vgpu::controller::doctor {

struct SocketFinding {
  CheckStatus status = CheckStatus::Pass; // Pass or Warn (a missing socket is never a failure:
                                          // telemetry may be switched off on purpose); Fail only for
                                          // a runner on a simulated device
  QString summary;
  QString remedy;
  Evidence evidence;
};

// The runtime directory a process uses, by the shim's rule (vgpu/telemetry/runtime_directory.h,
// the same function) applied to its own environment and credentials: VGPU_RUNTIME_DIR, else
// /run/vgpu (under `root`) when its uid or groups may create files there (mode bits; unknown
// credentials: when it exists), else $XDG_RUNTIME_DIR/vgpu. Returned as a host path (under
// `root`); "" when none applies.
// `why` (optional) receives the rule's reason when none applies.
QString processRuntimeDirectory(const OllamaProcess& process, const QString& root, QString* why = nullptr);

// Asks the control socket of each process in `shimProcesses` (pids that map vgpu's libcuda.so.1).
// Snapshots are taken once per directory, within `timeoutMs` each.
std::map<int, SocketFinding> askControlSockets(const QList<OllamaProcess>& shimProcesses, const QString& root,
                                               int timeoutMs = 2000);

} // namespace vgpu::controller::doctor
