// A systemd unit file or drop-in, parsed as systemd reads it (systemd.syntax(7)): sections,
// assignments in order with their line numbers, continuation lines, comments. Malformed lines
// are reported with their line number and skipped, as systemd skips them; nothing is lost.
#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace vgpu::controller {

struct UnitAssignment {
  QString section;
  QString key;
  QString value; // raw value, continuation lines joined with a space
  int line = 0;  // 1-based line where the assignment starts
};

struct UnitFileProblem {
  int line = 0;
  QString message;
};

class UnitFile {
public:
  // origin names the file in problems and evidence (e.g. "/etc/systemd/system/ollama.service").
  static UnitFile parse(const QByteArray& text, const QString& origin);
  static std::optional<UnitFile> read(const QString& path, QString* error);

  const QString& origin() const { return origin_; }
  const QList<UnitAssignment>& assignments() const { return assignments_; }
  const QList<UnitFileProblem>& problems() const { return problems_; }

  // Every value assigned to section.key, in file order.
  QStringList values(const QString& section, const QString& key) const;
  // The value systemd uses for a single-valued setting: the last assignment. Empty if unset.
  std::optional<QString> lastValue(const QString& section, const QString& key) const;

private:
  QString origin_;
  QList<UnitAssignment> assignments_;
  QList<UnitFileProblem> problems_;
};

// Applies the Environment= assignments of `files` in order (unit first, then drop-ins) as systemd
// merges them: later assignments of a variable win, an empty Environment= clears the list.
// Invalid words are skipped and reported in `problems` with their file and line.
struct MergedEnvironment {
  QMap<QString, QString> variables;
  QMap<QString, QString> origins; // variable -> "file:line" of the assignment that won
  QStringList problems;
};
MergedEnvironment mergeEnvironment(const QList<UnitFile>& files);

// The program of an ExecStart= value: the first word, without systemd's prefixes (@-:+!).
std::optional<QString> execStartProgram(const QString& value);

} // namespace vgpu::controller
