// Parsing of systemd unit files and drop-ins, and the Environment= merge.
#include "systemd/unit_file.h"
#include "common/bounded_file.h"

#include "systemd/systemd_words.h"

#include <QFile>
#include <QRegularExpression>

namespace vgpu::controller {

UnitFile UnitFile::parse(const QByteArray& text, const QString& origin) {
  UnitFile unit;
  unit.origin_ = origin;
  const QString content = QString::fromUtf8(text);
  const QStringList lines = content.split(u'\n');
  QString section;
  for (qsizetype index = 0; index < lines.size(); ++index) {
    const int lineNumber = static_cast<int>(index + 1);
    QString line = lines[index];
    if (line.endsWith(u'\r')) {
      line.chop(1);
    }
    const QString trimmed = line.trimmed();
    if (trimmed.isEmpty() || trimmed.startsWith(u'#') || trimmed.startsWith(u';')) {
      continue;
    }
    if (trimmed.startsWith(u'[')) {
      if (!trimmed.endsWith(u']') || trimmed.size() < 3) {
        unit.problems_.append({lineNumber, QStringLiteral("malformed section header: %1").arg(trimmed)});
        section.clear();
        continue;
      }
      section = trimmed.mid(1, trimmed.size() - 2);
      continue;
    }
    // Continuations: a trailing backslash joins the next line with a space; comment lines inside
    // a continuation are skipped, as systemd does.
    QString logical = trimmed;
    while (logical.endsWith(u'\\') && index + 1 < lines.size()) {
      logical.chop(1);
      ++index;
      QString next = lines[index];
      if (next.endsWith(u'\r')) {
        next.chop(1);
      }
      const QString nextTrimmed = next.trimmed();
      if (nextTrimmed.startsWith(u'#') || nextTrimmed.startsWith(u';')) {
        logical += u'\\';
        continue;
      }
      logical += u' ' + nextTrimmed;
    }
    if (logical.endsWith(u'\\')) {
      logical.chop(1);
    }
    const qsizetype equals = logical.indexOf(u'=');
    if (equals <= 0) {
      unit.problems_.append({lineNumber, QStringLiteral("not an assignment: %1").arg(logical)});
      continue;
    }
    if (section.isEmpty()) {
      unit.problems_.append({lineNumber, QStringLiteral("assignment outside a section: %1").arg(logical)});
      continue;
    }
    UnitAssignment assignment;
    assignment.section = section;
    assignment.key = logical.left(equals).trimmed();
    assignment.value = logical.mid(equals + 1).trimmed();
    assignment.line = lineNumber;
    unit.assignments_.append(assignment);
  }
  return unit;
}

std::optional<UnitFile> UnitFile::read(const QString& path, QString* error) {
  const BoundedFile file = readBoundedFile(path, kMaxConfigBytes);
  if (!file.ok) {
    if (error != nullptr) {
      *error = QStringLiteral("cannot read %1: %2").arg(path, file.error);
    }
    return std::nullopt;
  }
  return parse(file.bytes, path);
}

QStringList UnitFile::values(const QString& section, const QString& key) const {
  QStringList out;
  for (const UnitAssignment& assignment : assignments_) {
    if (assignment.section == section && assignment.key == key) {
      out.append(assignment.value);
    }
  }
  return out;
}

std::optional<QString> UnitFile::lastValue(const QString& section, const QString& key) const {
  const QStringList all = values(section, key);
  if (all.isEmpty()) {
    return std::nullopt;
  }
  return all.last();
}

MergedEnvironment mergeEnvironment(const QList<UnitFile>& files) {
  static const QRegularExpression validName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
  MergedEnvironment merged;
  for (const UnitFile& file : files) {
    for (const UnitAssignment& assignment : file.assignments()) {
      if (assignment.section != u"Service" || assignment.key != u"Environment") {
        continue;
      }
      const QString where = QStringLiteral("%1:%2").arg(file.origin()).arg(assignment.line);
      if (assignment.value.isEmpty()) {
        merged.variables.clear();
        merged.origins.clear();
        continue;
      }
      const WordSplit split = splitSystemdWords(assignment.value);
      if (!split.error.isEmpty()) {
        merged.problems.append(QStringLiteral("%1: Environment= ignored: %2").arg(where, split.error));
        continue;
      }
      for (const QString& rawWord : split.words) {
        const QString word = resolveSpecifiers(rawWord);
        const qsizetype equals = word.indexOf(u'=');
        const QString name = equals > 0 ? word.left(equals) : QString();
        if (equals <= 0 || !validName.match(name).hasMatch()) {
          merged.problems.append(QStringLiteral("%1: invalid environment assignment '%2', ignored").arg(where, word));
          continue;
        }
        merged.variables.insert(name, word.mid(equals + 1));
        merged.origins.insert(name, where);
      }
    }
  }
  return merged;
}

std::optional<QString> execStartProgram(const QString& value) {
  const WordSplit split = splitSystemdWords(value);
  if (!split.error.isEmpty() || split.words.isEmpty()) {
    return std::nullopt;
  }
  QString program = split.words.first();
  qsizetype prefix = 0;
  while (prefix < program.size() && QStringView(u"@-:+!").contains(program[prefix])) {
    ++prefix;
  }
  program = program.mid(prefix);
  if (program.isEmpty()) {
    return std::nullopt;
  }
  return program;
}

} // namespace vgpu::controller
