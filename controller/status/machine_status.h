// MachineStatus: the answer an admin opens the console (or runs `vgpuctl status`) for — is
// Ollama on the GPU, which GPU, executed where (simulated, or vgpud at an endpoint), how much VRAM
// is used — assembled from facts other modules already read: the Ollama installation model,
// ollama.service's unit status, the doctor's proc reader and its shim.vgpud-endpoint check, the
// service's shim configuration and the shim processes' control sockets. Nothing here parses a file
// or a reply itself. Every item names the console page that explains it, so the header links there.
#pragma once

#include "doctor/engine/check.h"
#include "doctor/engine/doctor_context.h"
#include "doctor/machine/ollama_processes.h"
#include "ollama/ollama_installation.h"
#include "telemetry/telemetry_snapshot.h"

#include <QDBusConnection>
#include <QJsonObject>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <chrono>
#include <cstdint>
#include <optional>

namespace vgpu::controller::status {

// The console's pages, as the header's links name them ("dashboard", … in JSON).
enum class StatusPage { Dashboard, Processes, Hosts, Service, Diagnostics, Configuration };
QString statusPageName(StatusPage page);

// ollama.service: from systemd when it was asked, else from the processes (`ollama serve` runs).
enum class OllamaState { NotInstalled, Inactive, Active, Unknown };
QString ollamaStateName(OllamaState state); // "not-installed", "inactive", "active", "unknown"

// Where Ollama's runners do their work now.
enum class Placement {
  Gpu,       // every runner has the CUDA backend loaded and none runs on a simulated device
  Cpu,       // a runner has no libggml-cuda.so loaded: CPU fallback
  Simulated, // a runner's devices are simulated: kernels are counted, never run
  Idle,      // ollama serve runs no runner now (no model loaded)
  None,      // no Ollama process runs
  Unknown,   // the processes were not examined
};
QString placementName(Placement placement); // "gpu", "cpu", "simulated", "idle", "none", "unknown"

// The overall answer, and `vgpuctl status`'s exit code (docs/vgpuctl.md).
enum class Verdict {
  Gpu = 0,       // Ollama runs on (or is ready for) a real GPU through vgpud
  Degraded = 1,  // CPU fallback, vgpud unreachable, or a shim process that could not be read
  Simulated = 3, // the work runs on the simulated device (configured, or seen in a runner)
  NoOllama = 4,  // Ollama is not installed or ollama.service does not run
};
QString verdictName(Verdict verdict); // "gpu", "degraded", "simulated", "no-ollama"

enum class AlertKind { NoOllama, OllamaInactive, CpuFallback, VgpudUnreachable, SimulatedDevice, TelemetryUnreadable };
QString alertKindName(AlertKind kind); // "no-ollama", "ollama-inactive", "cpu-fallback", …

struct StatusAlert {
  AlertKind kind = AlertKind::NoOllama;
  QString detail; // the finding in the words of the module that made it (English), e.g. the doctor's summary
  StatusPage page = StatusPage::Diagnostics;
};

// Where a device's work is executed.
struct WorkPlace {
  bool simulated = false;
  bool inProcess = false; // the simulated device inside the CUDA process itself (no vgpud)
  QString endpoint;       // vgpud's endpoint ("unix:/run/vgpud.sock"); "" when in-process or unknown
};

// One device the guest presents, as the shim processes report it.
struct StatusGpu {
  QString name;
  QString uuid;
  WorkPlace where;
  std::uint64_t vramUsedBytes = 0;  // summed over the processes that use it
  std::uint64_t vramTotalBytes = 0; // the device's memory
};

struct MachineStatus {
  OllamaState ollama = OllamaState::Unknown;
  QString ollamaVersion; // "0.12.3"; "" when unknown
  QString unitState;     // "active (running)"; "" when systemd was not asked
  QString unitError;     // why systemd could not answer (then the state follows from the processes)
  Placement placement = Placement::Unknown;
  int runners = 0;
  int runnersOnCpu = 0;
  // The configured backend of ollama.service's shims (shim.conf, VGPU_BACKEND/VGPU_ENDPOINT).
  WorkPlace configured;
  std::optional<bool> vgpudReachable;          // empty: not asked (simulated backend, or shim not examined)
  QList<StatusGpu> gpus;                       // every device a shim process presents, by UUID
  std::optional<std::uint64_t> vramUsedBytes;  // over `gpus`; empty when no shim process was read
  std::optional<std::uint64_t> vramTotalBytes; // over `gpus`
  QList<StatusAlert> alerts;

  Verdict verdict() const;
  int exitCode() const { return static_cast<int>(verdict()); }
  bool hasAlert(AlertKind kind) const;

  // The pages that explain each item.
  static StatusPage ollamaPage() { return StatusPage::Service; }
  StatusPage placementPage() const;
  StatusPage workPlacePage() const; // Processes for a simulated device, Hosts for vgpud
  static StatusPage gpuPage() { return StatusPage::Processes; }
  static StatusPage vramPage() { return StatusPage::Dashboard; }

  // `vgpuctl status --json` (docs/vgpuctl.md, "vgpuctl status").
  QJsonObject toJson() const;
};

// What the status is assembled from; each part optional (not examined → its items say "unknown").
struct MachineStatusInputs {
  std::optional<OllamaInstallation> installation;
  std::optional<doctor::UnitStatusInput> unit;
  std::optional<QList<doctor::OllamaProcess>> ollamaProcesses;
  WorkPlace configured;                             // from the service's shim configuration
  std::optional<doctor::CheckResult> vgpudEndpoint; // the doctor's shim.vgpud-endpoint
  QList<telemetry::ProcessSnapshot> shimProcesses;
  QStringList telemetryErrors;
};

MachineStatus assembleMachineStatus(const MachineStatusInputs& inputs);

// Where the inputs come from on a machine (or a test tree under `root`).
struct MachineStatusSources {
  QString root = QStringLiteral("/");
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment(); // PATH for the binary
  std::optional<QDBusConnection> bus; // ollama.service's status; empty: systemd is not asked
  QString procRoot;                   // "" = <root>/proc
  QString shimDir;                    // "" = the installed shim directory
  bool readTelemetry = true;          // ask the shim processes' control sockets
  // Ask vgpud (shim.vgpud-endpoint's Version request). vgpud gives every Unix connection a session
  // (a worker process on the cuda backend), so a caller that refreshes often asks less often.
  bool askVgpud = true;
  QStringList runtimeDirectories; // empty = the shim's reader rule
  std::chrono::milliseconds timeout{2000};
};

// Blocking (sockets with timeouts): the console calls it off the GUI thread. Read-only: stale
// control sockets are kept, as the doctor keeps them. `readTelemetry` false leaves
// shimProcesses empty for a caller that has its own live client (the console).
MachineStatusInputs gatherMachineStatusInputs(const MachineStatusSources& sources);

} // namespace vgpu::controller::status
