// ManagedMachine: the machine the console's Service, Diagnostics and Configuration pages, the status
// header and the install wizard manage. Normally this one: "/", the system bus, ollama.service's
// journal and vgpu-helper through pkexec. In the embedded default (--demo) it is the demo's machine
// instead: a folder with an Ollama installation, a private bus where fake-systemd1 plays systemd,
// a plain log file, and vgpu-helper in its test mode (--root) on that folder — the same controller
// code on both, and nothing on this machine changes.
#pragma once

#include "doctor/engine/doctor_context.h"
#include "doctor/engine/doctor_report.h"

#include <QDBusConnection>
#include <QString>
#include <memory>

namespace vgpu::controller {
struct HelperLaunch;
class LogSource;
} // namespace vgpu::controller

namespace vgpu::console {

struct ManagedMachine {
  QString root = QStringLiteral("/");
  QString sysfsRoot;  // the PCI tree the doctor examines; "" = <root>/sys
  QString busAddress; // systemd's bus; "" = the system bus
  QString helperPath; // "" = the installed vgpu-helper through pkexec; else run in test mode on root
  QString logFile;    // ollama.service's log; "" = the journal
  bool demo = false;  // shown as a demo wherever the console names the machine

  bool isThisMachine() const { return busAddress.isEmpty() && helperPath.isEmpty() && logFile.isEmpty(); }
  // The bus where systemd (or the demo's fake-systemd1) answers. Thread-safe: the status header
  // and the doctor use it off the GUI thread.
  QDBusConnection bus() const;
  controller::HelperLaunch helperLaunch() const;
  // ollama.service's log: the journal, or the demo's file; null with `error` when unreadable.
  std::unique_ptr<controller::LogSource> openLog(QString* error) const;
  // The doctor's inputs for this machine, without the log (the wizard reads it itself).
  controller::doctor::DoctorContext doctorContext() const;
  // A whole doctor run with the log, as `vgpuctl doctor` does. Blocking; the Diagnostics page calls
  // it off the GUI thread. An unreadable journal is kept as the log input's readError.
  controller::doctor::DoctorReport runDoctor() const;
};

} // namespace vgpu::console
