// Rendering and parsing of the managed drop-in.
#include "environment/service_environment.h"
#include "common/bounded_file.h"

#include "systemd/systemd_words.h"
#include "systemd/unit_file.h"

#include <QFile>
#include <QFileInfo>

namespace vgpu::controller {

QString managedDropInPath() {
  return QStringLiteral("/etc/systemd/system/ollama.service.d/50-vgpu.conf");
}

QString managedMarker() {
  return QStringLiteral("# Managed by vgpu — edit with vgpu-console or vgpuctl env; other drop-ins are never touched");
}

QString managedMarkerPrefix() {
  return QStringLiteral("# Managed by vgpu");
}

std::optional<QString> ServiceEnvironment::value(const QString& name) const {
  const auto it = variables_.constFind(name);
  return it == variables_.cend() ? std::nullopt : std::optional<QString>(*it);
}

std::optional<QByteArray> ServiceEnvironment::render(QString* error) const {
  QString text = managedMarker() + QStringLiteral("\n[Service]\n");
  for (auto it = variables_.cbegin(); it != variables_.cend(); ++it) {
    const auto quoted = quoteSystemdWord(QString(it.key() + u'=' + it.value()));
    if (!quoted) {
      if (error != nullptr) {
        *error = QStringLiteral("the value of %1 contains a newline or another control character, which a unit file "
                                "cannot carry")
                     .arg(it.key());
      }
      return std::nullopt;
    }
    text += QStringLiteral("Environment=") + *quoted + u'\n';
  }
  return text.toUtf8();
}

QString dropInStateName(DropInState state) {
  switch (state) {
  case DropInState::Absent: return QStringLiteral("absent");
  case DropInState::Managed: return QStringLiteral("managed");
  case DropInState::Foreign: return QStringLiteral("foreign");
  case DropInState::Unreadable: return QStringLiteral("unreadable");
  }
  return {};
}

ManagedDropIn parseServiceEnvironmentFile(const QByteArray& bytes, const QString& origin) {
  ManagedDropIn dropIn;
  dropIn.bytes = bytes;
  const qsizetype newline = bytes.indexOf('\n');
  const QString firstLine = QString::fromUtf8(newline < 0 ? bytes : bytes.left(newline));
  // Any first line starting "# Managed by vgpu" is ours: the installer's minimal writer
  // (controller/changes/managed_drop_in) words the rest of its marker differently.
  if (!firstLine.startsWith(managedMarkerPrefix())) {
    dropIn.state = DropInState::Foreign;
    dropIn.error = QStringLiteral("%1 exists but was not written by vgpu (its first line is not vgpu's marker); vgpu "
                                  "will not overwrite it. Move its settings to another drop-in (e.g. override.conf) "
                                  "and remove it, then retry")
                       .arg(origin);
    return dropIn;
  }
  dropIn.state = DropInState::Managed;
  const UnitFile unit = UnitFile::parse(bytes, origin);
  for (const UnitFileProblem& problem : unit.problems()) {
    dropIn.problems.append(QStringLiteral("%1:%2: %3").arg(origin).arg(problem.line).arg(problem.message));
  }
  for (const UnitAssignment& assignment : unit.assignments()) {
    const QString where = QStringLiteral("%1:%2").arg(origin).arg(assignment.line);
    if (assignment.section != u"Service" || assignment.key != u"Environment") {
      dropIn.problems.append(
          QStringLiteral("%1: %2.%3= is not written by vgpu").arg(where, assignment.section, assignment.key));
    }
  }
  // mergeEnvironment gives systemd's reading of the file's Environment= lines.
  const MergedEnvironment merged = mergeEnvironment({unit});
  dropIn.problems.append(merged.problems);
  for (auto it = merged.variables.cbegin(); it != merged.variables.cend(); ++it) {
    dropIn.environment.set(it.key(), it.value());
  }
  return dropIn;
}

ManagedDropIn loadServiceEnvironment(const SystemRoot& root) {
  const QString host = root.hostPath(managedDropInPath());
  const QFileInfo info(host);
  if (!info.exists() && !info.isSymLink()) {
    return {};
  }
  ManagedDropIn dropIn;
  if (info.isSymLink() || !info.isFile()) {
    dropIn.state = DropInState::Foreign;
    dropIn.error = QStringLiteral("%1 is not a regular file (a symlink or something else); vgpu will not overwrite it")
                       .arg(managedDropInPath());
    return dropIn;
  }
  const BoundedFile file = readBoundedFile(host, kMaxConfigBytes);
  if (!file.ok) {
    dropIn.state = DropInState::Unreadable;
    dropIn.error = QStringLiteral("cannot read %1: %2").arg(managedDropInPath(), file.error);
    return dropIn;
  }
  return parseServiceEnvironmentFile(file.bytes, managedDropInPath());
}

} // namespace vgpu::controller
