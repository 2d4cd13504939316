// ChangePlan: names, descriptions and JSON of planned operations.
#include "changes/change_plan.h"

#include "changes/safe_fs.h"

#include <QJsonArray>
#include <array>
#include <utility>

namespace vgpu::controller {

namespace {

constexpr std::array<std::pair<OperationKind, const char*>, 6> kKindNames{{
    {OperationKind::CreateDirectory, "create-directory"},
    {OperationKind::WriteFile, "write-file"},
    {OperationKind::ReplaceFile, "replace-file"},
    {OperationKind::RemoveFile, "remove-file"},
    {OperationKind::CreateSymlink, "create-symlink"},
    {OperationKind::RunLdconfig, "run-ldconfig"},
}};

QString ownerText(const Operation& operation) {
  if (!operation.uid && !operation.gid) {
    return {};
  }
  return QStringLiteral(", owner %1:%2")
      .arg(operation.uid ? QString::number(*operation.uid) : QStringLiteral("-"),
           operation.gid ? QString::number(*operation.gid) : QStringLiteral("-"));
}

} // namespace

QString operationKindName(OperationKind kind) {
  for (const auto& [value, name] : kKindNames) {
    if (value == kind) {
      return QString::fromLatin1(name);
    }
  }
  return QStringLiteral("unknown");
}

std::optional<OperationKind> operationKindFromName(const QString& name) {
  for (const auto& [value, text] : kKindNames) {
    if (name == QLatin1String(text)) {
      return value;
    }
  }
  return std::nullopt;
}

QString Operation::describe() const {
  switch (kind) {
  case OperationKind::CreateDirectory:
    return QStringLiteral("mkdir    %1 (mode %2%3)").arg(path, fs::modeString(mode), ownerText(*this));
  case OperationKind::WriteFile:
    return QStringLiteral("write    %1 (%2 bytes, mode %3%4, sha256 %5)")
        .arg(path)
        .arg(content.size())
        .arg(fs::modeString(mode), ownerText(*this), fs::sha256Hex(content));
  case OperationKind::ReplaceFile:
    return QStringLiteral("replace  %1 (%2 bytes, mode %3%4, sha256 %5; the current file is backed up)")
        .arg(path)
        .arg(content.size())
        .arg(fs::modeString(mode), ownerText(*this), fs::sha256Hex(content));
  case OperationKind::RemoveFile: return QStringLiteral("remove   %1 (backed up)").arg(path);
  case OperationKind::CreateSymlink: return QStringLiteral("symlink  %1 -> %2").arg(path, linkTarget);
  case OperationKind::RunLdconfig: return QStringLiteral("run      ldconfig");
  }
  return {};
}

QJsonObject Operation::toJson() const {
  QJsonObject object{{QStringLiteral("op"), operationKindName(kind)}};
  if (!path.isEmpty()) {
    object.insert(QStringLiteral("path"), path);
  }
  if (kind == OperationKind::WriteFile || kind == OperationKind::ReplaceFile) {
    object.insert(QStringLiteral("sha256"), fs::sha256Hex(content));
    object.insert(QStringLiteral("size"), content.size());
  }
  if (kind == OperationKind::WriteFile || kind == OperationKind::ReplaceFile ||
      kind == OperationKind::CreateDirectory) {
    object.insert(QStringLiteral("mode"), fs::modeString(mode));
  }
  if (uid) {
    object.insert(QStringLiteral("uid"), static_cast<qint64>(*uid));
  }
  if (gid) {
    object.insert(QStringLiteral("gid"), static_cast<qint64>(*gid));
  }
  if (kind == OperationKind::CreateSymlink) {
    object.insert(QStringLiteral("target"), linkTarget);
  }
  return object;
}

QString ChangePlan::describe() const {
  QString text = QStringLiteral("Plan: %1\n").arg(title);
  for (const QString& warning : warnings) {
    text += QStringLiteral("warning: %1\n").arg(warning);
  }
  for (const QString& note : notes) {
    text += QStringLiteral("note: %1\n").arg(note);
  }
  if (operations.isEmpty()) {
    text += QStringLiteral("nothing to change\n");
  }
  for (const Operation& operation : operations) {
    text += operation.describe() + u'\n';
  }
  if (needsDaemonReload) {
    text += QStringLiteral("then: systemd daemon-reload is needed\n");
  }
  if (needsRestart) {
    text += QStringLiteral("then: ollama.service must be restarted\n");
  }
  return text;
}

QJsonObject ChangePlan::toJson() const {
  QJsonArray operationArray;
  for (const Operation& operation : operations) {
    QJsonObject object = operation.toJson();
    object.insert(QStringLiteral("description"), operation.describe());
    operationArray.append(object);
  }
  return {{QStringLiteral("title"), title},
          {QStringLiteral("operations"), operationArray},
          {QStringLiteral("needsDaemonReload"), needsDaemonReload},
          {QStringLiteral("needsRestart"), needsRestart},
          {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)},
          {QStringLiteral("notes"), QJsonArray::fromStringList(notes)}};
}

} // namespace vgpu::controller
