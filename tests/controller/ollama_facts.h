// The Ollama facts generated from Ollama's source (tests/data/ollama-facts/, written by
// scripts/dev-tools/generate-ollama-facts.py), loaded for tests: the tags in version order, the
// slog messages with level, attribute keys and tag ranges, the runner output formats, and the
// variables "server config" prints. checkLogAgainstFacts() holds a log text against them for a
// tag range: every line must be one Ollama prints in every tag of that range.
#pragma once

#include <QList>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QString>
#include <QStringList>
#include <utility>

namespace vgpu::test {

using TagRanges = QList<std::pair<int, int>>; // inclusive tag indices

struct FactMessage {
  QString level; // "DEBUG", "INFO", "WARN", "ERROR", "TRACE"
  QString text;  // the message, or a Sprintf format
  bool sprintf = false;
  QSet<QString> keys;
  bool dynamicKeys = false;
  TagRanges ranges;
  QRegularExpression format; // for Sprintf formats: the format as a pattern
};

struct FactRunnerFormat {
  QString kind; // "c-format:INFO", "go-regexp"
  QString text;
  QRegularExpression pattern; // a c-format as a full-line pattern, or Ollama's own expression
  bool fullLine = true;
  TagRanges ranges;
};

struct OllamaFacts {
  QStringList tags;
  QList<FactMessage> messages;
  QList<FactRunnerFormat> runnerFormats;
  QMap<QString, TagRanges> serverConfigVariables;
  QMap<QString, QString> serverConfigReads; // variable -> "expr @ ranges | …" (env.tsv)

  int tagIndex(const QString& tag) const { return static_cast<int>(tags.indexOf(tag)); }
  // The tag range "v0.12.6" or "v0.13.0..v0.24.0"; {-1, -1} when a tag is unknown.
  std::pair<int, int> parseRange(const QString& label) const;
};

const OllamaFacts& ollamaFacts();

bool covers(const TagRanges& ranges, int from, int to);

// printf format → pattern for a whole line ("%d" → -?\d+, "%s" → .*, …).
QString printfPattern(const QString& format);

// A "server config" line as Ollama at `tag` prints it: every variable of envconfig.AsMap() in that
// tag with its default value (booleans as the facts read them), `values` overriding.
QString serverConfigLine(const QString& tag, const QMap<QString, QString>& values);

// The problems of `logText` against the facts for the tags [from, to]: a line of text Ollama
// never printed at that level, with attributes its call does not pass, outside the range, ….
QStringList checkLogAgainstFacts(const QString& logText, int from, int to);

} // namespace vgpu::test
