// Building the doctor's inputs: reading and parsing the Ollama log once, and gathering the
// machine's models (Ollama installation, sysfs, shim directory, probe) for the system checks.
#include "doctor/engine/doctor_context.h"
#include "common/bounded_file.h"

#include "common/install_paths.h"

#include "systemd/systemd_manager.h"

#include <QDBusError>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace vgpu::controller::doctor {

OllamaLogInput DoctorContext::readOllamaLog(const QString& path) {
  const BoundedFile file = readBoundedFile(path, kMaxLogBytes);
  if (!file.ok) {
    return {path, QStringLiteral("cannot read %1: %2").arg(path, file.error), nullptr};
  }
  return ollamaLogFromText(path, QString::fromUtf8(file.bytes));
}

OllamaLogInput DoctorContext::ollamaLogFromText(const QString& origin, const QString& text) {
  return {origin, QString(), std::make_shared<const OllamaLog>(parseOllamaLog(text))};
}

QString defaultShimDir() {
  return installedShimDir();
}

QString defaultProbePath() {
  const QByteArray fromEnvironment = qgetenv("VGPU_DOCTOR_PROBE");
  return fromEnvironment.isEmpty() ? installedProbePath() : QString::fromLocal8Bit(fromEnvironment);
}

void gatherSystemInputs(DoctorContext& context, const QProcessEnvironment& environment) {
  // Child processes and libpci get these paths: relative ones would depend on their working
  // directory (libpci's sysfs method refuses them), so they are made absolute once here.
  context.root = QFileInfo(context.root).absoluteFilePath();
  const SystemRoot root(context.root);
  context.installation = OllamaInstallation::detect(root, environment);
  context.sysfsRoot =
      context.sysfsRoot.isEmpty() ? root.hostPath(u"/sys") : QFileInfo(context.sysfsRoot).absoluteFilePath();
  if (context.procRoot.isEmpty()) {
    context.procRoot = root.hostPath(u"/proc");
  }
  if (context.shimDir.isEmpty()) {
    context.shimDir = defaultShimDir();
  }
  context.askControlSockets = true;
  context.probePath =
      QFileInfo(context.probePath.isEmpty() ? defaultProbePath() : context.probePath).absoluteFilePath();
  if (context.readelfPath.isEmpty()) {
    context.readelfPath = QStandardPaths::findExecutable(QStringLiteral("readelf"));
  }
}

UnitStatusInput readOllamaUnitStatus(const QDBusConnection& bus) {
  UnitStatusInput input;
  if (!bus.isConnected()) {
    input.error = QStringLiteral("no D-Bus connection: %1").arg(bus.lastError().message());
    return input;
  }
  SystemdManager manager(bus);
  const UnitStatusResult result = manager.unitStatus(QStringLiteral("ollama.service"));
  if (result.error.isError()) {
    input.error = result.error.message;
  } else {
    input.status = result.status;
  }
  return input;
}

} // namespace vgpu::controller::doctor
