// ProcessSummary: the one-line view of a shim process (pid, user, executable, devices, backend,
// VRAM, launches/s) shared by `vgpuctl ps`, `vgpuctl top` and the console's process table, with
// its JSON form (documented in docs/vgpuctl-json.md).
#pragma once

#include "telemetry/telemetry_types.h"

#include <QJsonObject>
#include <QStringList>

namespace vgpu::controller::telemetry {

struct ProcessSummary {
  qint64 pid = 0;
  std::uint32_t uid = 0;
  QString user; // account name of uid, or the number when it has none
  QString executable;
  QStringList devices;    // UUIDs of the devices the process sees (hello order)
  QString backend;        // "simulated", "remote", …
  QString endpoint;       // "in-process", "unix:/run/vgpud.sock"; "" when the shim does not say
  QString executor;       // "simulated", "cuda"; "" when the shim does not say
  bool simulated = false; // no GPU runs this process's kernels (in-process simulator or vgpud --backend sim)
  QString backendState;
  std::uint64_t vramUsedBytes = 0;
  std::uint64_t vramTotalBytes = 0; // summed over the devices
  double launchesPerSecond = 0.0;

  QJsonObject toJson() const;
};

ProcessSummary summarizeProcess(const ProcessHello& hello, const Sample& sample);

// The account name of uid, or its number as text.
QString userName(std::uint32_t uid);

// The BACKEND column: "simulated" (in-process), "remote(sim)" (vgpud's simulated executor),
// "remote" (a GPU behind vgpud): a simulated device is never shown as a plain one.
QString backendLabel(const ProcessSummary& row);

// A note printed under a table with simulated rows: what a simulated device does not do.
QString simulatedNote();

// The rows as an aligned text table with a header line (PID USER BACKEND VRAM LAUNCH/S DEVICES
// EXECUTABLE), for terminals; simulatedNote() follows when a row is simulated.
QString processTable(const QList<ProcessSummary>& rows);

// "64.0 MiB", "1.5 GiB", "512 B": for tables.
QString humanBytes(std::uint64_t bytes);

} // namespace vgpu::controller::telemetry
