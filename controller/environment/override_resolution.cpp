// Planning the resolution of a drop-in that beats the managed drop-in (override-resolve).
#include "environment/override_resolution.h"

#include "changes/safe_fs.h"
#include "environment/environment_overrides.h"
#include "environment/service_environment.h"
#include "environment/text_diff.h"
#include "environment/variable_table.h"
#include "ollama/ollama_installation.h"
#include "systemd/systemd_words.h"
#include "systemd/unit_file.h"

#include <QRegularExpression>

namespace vgpu::controller {

namespace {

const QStringList& dropInComponents() {
  static const QStringList components{QStringLiteral("etc"), QStringLiteral("systemd"), QStringLiteral("system"),
                                      QStringLiteral("ollama.service.d")};
  return components;
}

// The drop-in's bytes: a regular file in the drop-in folder, no symlink on the way, bounded.
std::optional<QByteArray> readDropIn(const SystemRoot& root, const QString& fileName, QString* error) {
  if (const QString problem = checkDropInFileName(fileName); !problem.isEmpty()) {
    *error = problem;
    return std::nullopt;
  }
  const QString path = editableDropInDirectory() + u'/' + fileName;
  const fs::Fd rootFd = fs::openRoot(root.root(), error);
  if (!rootFd.valid()) {
    return std::nullopt;
  }
  const fs::Fd directory = fs::openDirectory(rootFd.get(), dropInComponents(), false, error);
  if (!directory.valid()) {
    *error = QStringLiteral("cannot open %1: %2").arg(editableDropInDirectory(), *error);
    return std::nullopt;
  }
  const auto entry = fs::statAt(directory.get(), fileName, error);
  if (!entry) {
    return std::nullopt;
  }
  if (entry->type == fs::EntryType::Symlink) {
    *error = QStringLiteral("refusing %1: it is a symlink (to %2), not a drop-in file").arg(path, entry->symlinkTarget);
    return std::nullopt;
  }
  if (entry->type != fs::EntryType::File) {
    *error = QStringLiteral("refusing %1: it is %2")
                 .arg(path, entry->type == fs::EntryType::Missing ? QStringLiteral("missing")
                                                                  : QLatin1String(fs::entryTypeName(entry->type)));
    return std::nullopt;
  }
  auto bytes = fs::readFileAt(directory.get(), fileName, error);
  if (!bytes) {
    return std::nullopt;
  }
  if (bytes->size() > kMaxOverrideFileBytes) {
    *error = QStringLiteral("refusing %1: larger than %2 bytes").arg(path).arg(kMaxOverrideFileBytes);
    return std::nullopt;
  }
  return bytes;
}

// The file's lines with their terminators, so that joining them gives the bytes back.
QList<QByteArray> splitLines(const QByteArray& bytes) {
  QList<QByteArray> lines;
  qsizetype start = 0;
  while (start < bytes.size()) {
    const qsizetype end = bytes.indexOf('\n', start);
    const qsizetype next = end < 0 ? bytes.size() : end + 1;
    lines.append(bytes.mid(start, next - start));
    start = next;
  }
  return lines;
}

QByteArray withoutTerminator(const QByteArray& line) {
  return line.endsWith('\n') ? line.chopped(1) : line;
}

QString assignedName(const QString& rawWord) {
  const QString word = resolveSpecifiers(rawWord);
  const qsizetype equals = word.indexOf(u'=');
  return equals > 0 ? word.left(equals) : QString();
}

QString fileDiff(const QByteArray& before, const QByteArray& after, const QString& path) {
  return unifiedDiff(QString::fromUtf8(before), QString::fromUtf8(after), QStringLiteral("a") + path,
                     QStringLiteral("b") + path);
}

// The managed entries first, then the other file's entries that are not already there.
QString mergedList(const QString& managed, const QString& other) {
  QStringList entries = managed.split(u':', Qt::SkipEmptyParts);
  for (const QString& entry : other.split(u':', Qt::SkipEmptyParts)) {
    if (!entries.contains(entry)) {
      entries.append(entry);
    }
  }
  return entries.join(u':');
}

} // namespace

QString overrideResolutionName(OverrideResolution resolution) {
  return resolution == OverrideResolution::Merge ? QStringLiteral("merge") : QStringLiteral("remove");
}

std::optional<OverrideResolution> overrideResolutionFromName(const QString& name) {
  if (name == QLatin1String("remove")) {
    return OverrideResolution::Remove;
  }
  if (name == QLatin1String("merge")) {
    return OverrideResolution::Merge;
  }
  return std::nullopt;
}

QString editableDropInDirectory() {
  return QStringLiteral("/etc/systemd/system/ollama.service.d");
}

QString checkDropInFileName(const QString& fileName) {
  static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]*\\.conf$"));
  if (!shape.match(fileName).hasMatch()) {
    return QStringLiteral("'%1' is not the name of a drop-in in %2").arg(fileName, editableDropInDirectory());
  }
  if (editableDropInDirectory() + u'/' + fileName == managedDropInPath()) {
    return QStringLiteral("%1 is the managed drop-in itself; use env-set or env-unset").arg(fileName);
  }
  return {};
}

QString lineFingerprint(const QByteArray& line) {
  return fs::sha256Hex(line);
}

std::optional<QByteArray> readDropInLine(const SystemRoot& root, const QString& fileName, int line, QString* error) {
  const auto bytes = readDropIn(root, fileName, error);
  if (!bytes) {
    return std::nullopt;
  }
  const QList<QByteArray> lines = splitLines(*bytes);
  if (line < 1 || line > lines.size()) {
    *error = QStringLiteral("%1/%2 has no line %3").arg(editableDropInDirectory(), fileName).arg(line);
    return std::nullopt;
  }
  return withoutTerminator(lines.at(line - 1));
}

OverridePlan planOverrideResolution(const SystemRoot& root, const OllamaInstallation& installation,
                                    const OverrideRequest& request) {
  OverridePlan plan;
  plan.request = request;
  plan.managedPath = managedDropInPath();
  plan.otherPath = editableDropInDirectory() + u'/' + request.fileName;
  const QString where = QStringLiteral("%1:%2").arg(plan.otherPath).arg(request.line);
  const auto refuse = [&plan](const QString& error) {
    plan.error = error;
    return plan;
  };
  if (findManagedVariable(request.variable) == nullptr) {
    return refuse(QStringLiteral("unknown variable %1: only the variables vgpu manages").arg(request.variable));
  }
  QString error;
  const auto bytes = readDropIn(root, request.fileName, &error);
  if (!bytes) {
    return refuse(error);
  }
  plan.otherOldBytes = *bytes;
  QList<QByteArray> lines = splitLines(*bytes);
  if (request.line < 1 || request.line > lines.size()) {
    return refuse(QStringLiteral("the file changed since: %1 has no line %2").arg(plan.otherPath).arg(request.line));
  }
  const QByteArray shown = withoutTerminator(lines.at(request.line - 1));
  if (lineFingerprint(shown) != request.fingerprint) {
    return refuse(QStringLiteral("the file changed since: line %1 of %2 is not the line that was shown (now: %3)")
                      .arg(request.line)
                      .arg(plan.otherPath, QString::fromUtf8(shown)));
  }
  if (shown.trimmed().endsWith('\\')) {
    return refuse(QStringLiteral("%1 continues on the next line; edit it by hand").arg(where));
  }

  // The relation as systemd's order makes it: this line must beat the managed drop-in.
  const QList<VariableOverride> relations =
      managedOverrides(installation.unitFiles(), plan.managedPath, request.variable);
  const VariableOverride* relation = nullptr;
  for (const VariableOverride& candidate : relations) {
    if (candidate.origin == where && candidate.kind != OverrideKind::Overrides) {
      relation = &candidate;
    }
  }
  if (relation == nullptr) {
    return refuse(QStringLiteral("%1 does not override the managed drop-in's %2").arg(where, request.variable));
  }
  const bool cleared = relation->kind == OverrideKind::ClearedBy;
  if (cleared && request.resolution == OverrideResolution::Merge) {
    return refuse(QStringLiteral("%1 clears the environment; there is no value to merge").arg(where));
  }

  // The other file without the assignment: the line goes, or keeps its other words.
  const UnitFile parsed = UnitFile::parse(*bytes, plan.otherPath);
  const UnitAssignment* assignment = nullptr;
  for (const UnitAssignment& candidate : parsed.assignments()) {
    if (candidate.line == request.line && candidate.section == u"Service" && candidate.key == u"Environment") {
      assignment = &candidate;
    }
  }
  if (assignment == nullptr) {
    return refuse(QStringLiteral("%1 is not an Environment= line of [Service]").arg(where));
  }
  QString otherValue;
  QStringList kept;
  if (!cleared) {
    const WordSplit split = splitSystemdWords(assignment->value);
    if (!split.error.isEmpty()) {
      return refuse(QStringLiteral("%1: %2").arg(where, split.error));
    }
    for (const QString& word : split.words) {
      if (assignedName(word) == request.variable) {
        otherValue = resolveSpecifiers(word).section(u'=', 1);
        continue;
      }
      const auto quoted = quoteSystemdWord(word);
      if (!quoted) {
        return refuse(QStringLiteral("%1: a word cannot be written back").arg(where));
      }
      kept.append(*quoted);
    }
  }
  if (kept.isEmpty()) {
    lines.removeAt(request.line - 1);
  } else {
    const QByteArray terminator = lines.at(request.line - 1).endsWith('\n') ? QByteArray("\n") : QByteArray();
    lines[request.line - 1] = QStringLiteral("Environment=%1").arg(kept.join(u' ')).toUtf8() + terminator;
  }
  plan.otherNewBytes = lines.join();

  // The managed drop-in: unchanged for remove; for merge it takes the value.
  const ManagedDropIn managed = loadServiceEnvironment(root);
  plan.managedOldBytes = managed.bytes;
  plan.managedNewBytes = managed.bytes;
  if (request.resolution == OverrideResolution::Merge) {
    if (managed.state != DropInState::Managed) {
      return refuse(managed.error.isEmpty() ? QStringLiteral("%1 is not vgpu's").arg(plan.managedPath) : managed.error);
    }
    const VariableSpec* spec = findManagedVariable(request.variable);
    const QString ours = managed.environment.value(request.variable).value_or(QString());
    const QString merged = spec->type == VariableType::DirectoryList ? mergedList(ours, otherValue) : otherValue;
    const VariableVerdict verdict = validateVariable(request.variable, merged, &installation);
    if (!verdict.ok()) {
      return refuse(QStringLiteral("the merged value of %1 is refused: %2").arg(request.variable, verdict.error));
    }
    ServiceEnvironment next = managed.environment;
    next.set(request.variable, merged);
    QString renderError;
    const auto rendered = next.render(&renderError);
    if (!rendered) {
      return refuse(renderError);
    }
    plan.managedNewBytes = *rendered;
  }

  // The value systemd applies before and after.
  QList<UnitFile> before = installation.unitFiles();
  QList<UnitFile> after;
  for (const UnitFile& file : before) {
    if (file.origin() == plan.otherPath) {
      after.append(UnitFile::parse(plan.otherNewBytes, plan.otherPath));
    } else if (file.origin() == plan.managedPath) {
      after.append(UnitFile::parse(plan.managedNewBytes, plan.managedPath));
    } else {
      after.append(file);
    }
  }
  plan.effectiveBefore = mergeEnvironment(before).variables.value(request.variable);
  plan.effectiveAfter = mergeEnvironment(after).variables.value(request.variable);
  if (plan.changesManaged()) {
    plan.diff = fileDiff(plan.managedOldBytes, plan.managedNewBytes, plan.managedPath);
  }
  plan.diff += fileDiff(plan.otherOldBytes, plan.otherNewBytes, plan.otherPath);
  return plan;
}

OverrideResolution defaultOverrideResolution(const VariableOverride& relation) {
  const VariableSpec* spec = findManagedVariable(relation.variable);
  return relation.kind == OverrideKind::OverriddenBy && spec != nullptr && spec->type == VariableType::DirectoryList
             ? OverrideResolution::Merge
             : OverrideResolution::Remove;
}

QList<BeatingAssignment> findBeatingAssignments(const SystemRoot& root, const OllamaInstallation& installation,
                                                const QString& onlyVariable,
                                                std::optional<OverrideResolution> resolution) {
  QList<BeatingAssignment> out;
  const QList<UnitFile> files = installation.unitFiles();
  const QString managedPath = managedDropInPath();
  const UnitFile* managed = nullptr;
  for (const UnitFile& file : files) {
    if (file.origin() == managedPath) {
      managed = &file;
    }
  }
  if (managed == nullptr) {
    return out;
  }
  const MergedEnvironment ours = mergeEnvironment({*managed});
  for (const VariableOverride& relation : managedOverrides(files, managedPath, onlyVariable)) {
    if (relation.kind == OverrideKind::Overrides) {
      continue;
    }
    BeatingAssignment beating;
    beating.relation = relation;
    beating.managedOrigin = ours.origins.value(relation.variable);
    beating.managedValue = ours.variables.value(relation.variable);
    if (const EnvironmentValue* effective = installation.environmentValue(relation.variable)) {
      beating.effectiveValue = effective->value;
      beating.effectiveOrigin = effective->origin;
    }
    const qsizetype colon = relation.origin.lastIndexOf(u':');
    const QString path = relation.origin.left(colon);
    beating.line = relation.origin.mid(colon + 1).toInt();
    const QString fileName = path.section(u'/', -1);
    if (path != editableDropInDirectory() + u'/' + fileName || !checkDropInFileName(fileName).isEmpty()) {
      beating.planError = QStringLiteral("vgpu-helper only edits the drop-ins in %1").arg(editableDropInDirectory());
      out.append(beating);
      continue;
    }
    beating.fileName = fileName;
    QString error;
    if (const auto text = readDropInLine(root, fileName, beating.line, &error)) {
      beating.lineText = QString::fromUtf8(*text);
      const OverrideRequest request{resolution.value_or(defaultOverrideResolution(relation)), relation.variable,
                                    fileName, beating.line, lineFingerprint(*text)};
      const OverridePlan plan = planOverrideResolution(root, installation, request);
      if (plan.ok()) {
        beating.plan = plan;
      } else {
        beating.planError = plan.error;
      }
    } else {
      beating.planError = error;
    }
    out.append(beating);
  }
  return out;
}

} // namespace vgpu::controller
