// The inputs a doctor run reads, gathered before any check runs and never changed by them.
// Every input is optional: a check whose input is missing skips with the reason. The models that
// other parts of the controller build (Ollama installation, service environment, shim state,
// journal) plug in here as further optional members. gatherSystemInputs() fills the members that
// describe a machine (or a test tree under `root`).
#pragma once

#include "doctor/logs/ollama_log.h"
#include "ollama/ollama_installation.h"
#include "systemd/unit_status.h"

#include <QDBusConnection>
#include <QProcessEnvironment>

#include <QString>
#include <memory>
#include <optional>

namespace vgpu::controller::doctor {

struct OllamaLogInput {
  QString origin;                       // a file path, or "journal: ollama.service" once the journal reader exists
  QString readError;                    // non-empty when the source could not be read
  std::shared_ptr<const OllamaLog> log; // parsed once for every check
};

struct UnitStatusInput {
  std::optional<UnitStatus> status; // ollama.service as systemd reports it
  QString error;                    // why it could not be read (no bus, no systemd, ...)
};

struct DoctorContext {
  QString root = QStringLiteral("/"); // every system path resolves under it (test trees use another)
  std::optional<OllamaLogInput> ollamaLog;

  // The machine's inputs; all unset (their checks skip) unless gatherSystemInputs() ran.
  std::optional<OllamaInstallation> installation;
  QString sysfsRoot;                         // host path of the sysfs tree libpci scans; "" = hardware not examined
  QString shimDir;                           // system path of vgpu's library directory; "" = shim not examined
  QString probePath;                         // host path of vgpu-doctor-probe; "" = the child-process checks skip
  QString readelfPath;                       // host path of readelf; "" = SONAMEs are not read
  QString procRoot;                          // host path of the proc tree; "" = running processes not examined
  bool askControlSockets = false;            // ask the shim control sockets of the runners (gatherSystemInputs sets it)
  std::optional<UnitStatusInput> unitStatus; // only when a bus was given

  // The context with the Ollama log read from `path` (errors are kept, not thrown).
  static OllamaLogInput readOllamaLog(const QString& path);
  // The context's log input from text already in memory (the console, tests).
  static OllamaLogInput ollamaLogFromText(const QString& origin, const QString& text);
};

// The defaults gatherSystemInputs() uses for what the caller leaves empty.
QString defaultShimDir();   // installedShimDir(): where the vgpu-guest package puts the shim libraries
QString defaultProbePath(); // the installed vgpu-doctor-probe (VGPU_DOCTOR_PROBE overrides)

// Detects the Ollama installation under context.root and fills the empty machine inputs with the
// defaults: sysfs <root>/sys, proc <root>/proc, the shim directory, the probe, readelf from PATH.
void gatherSystemInputs(DoctorContext& context, const QProcessEnvironment& environment);

// ollama.service as systemd on `bus` reports it (blocking; errors are kept, not thrown).
UnitStatusInput readOllamaUnitStatus(const QDBusConnection& bus);

} // namespace vgpu::controller::doctor
