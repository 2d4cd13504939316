// Running the doctor's child processes (vgpu-doctor-probe, readelf) and reading their answers:
// the environment the service gives its processes, mapped under the doctor's root; a bounded run
// that never throws; and the "key value" lines the probe prints.
#pragma once

#include "doctor/engine/doctor_context.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace vgpu::controller::doctor {

struct ChildRun {
  bool ran = false;  // started and exited normally within the time limit
  int exitCode = -1; // when ran
  QString output;    // stdout and stderr merged
  QString error;     // why it did not run (not found, crashed, timed out)
  QString command;   // for evidence: the program and its arguments as one line
};

ChildRun runChild(const QString& program, const QStringList& arguments, const QProcessEnvironment& environment,
                  int timeoutMs = 15000);

// The value of each "key value" line with this key, in output order.
QStringList childValues(const QString& output, const QString& key);

// A PATH-separated list of system paths, each mapped to its host path under the root.
QString hostPathList(const DoctorContext& context, const QString& systemPathList);

// The environment ollama.service's processes get: systemd's PATH plus the unit's effective
// Environment= (LD_LIBRARY_PATH mapped under the root), and, for a test root, the shim's
// configuration, sysfs and machine id redirected into it.
QProcessEnvironment serviceProcessEnvironment(const DoctorContext& context);

} // namespace vgpu::controller::doctor
