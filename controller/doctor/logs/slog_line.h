// One line of an Ollama server log in Go's log/slog text format
// (`time=… level=… source=… msg="…" key=value key="quoted value" …`) or in the older
// `2025/02/27 11:23:26 routes.go:1205: INFO msg key=value` format of Ollama before slog.
// Quoted values are unescaped as Go's strconv.Quote wrote them. A malformed line yields a clear
// error (which key, which column) so the caller can keep it as raw text instead of guessing.
#pragma once

#include <QList>
#include <QString>
#include <QStringView>
#include <optional>
#include <utility>

namespace vgpu::controller::doctor {

// slog's levels as Ollama prints them; Trace is Ollama's level -8 ("TRACE" or "DEBUG-4").
enum class LogLevel { Unknown, Trace, Debug, Info, Warn, Error };

struct SlogRecord {
  QString time;
  LogLevel level = LogLevel::Unknown;
  QString levelText; // as written, e.g. "DEBUG-4"
  QString source;    // e.g. "runner.go:471"
  QString message;
  QList<std::pair<QString, QString>> attributes; // every key=value after msg, in order, unescaped

  // The value of the first attribute named `key`, or an empty optional.
  std::optional<QString> attribute(QStringView key) const;
};

// Parses one line (without its journal prefix). Returns nothing and sets *error when the line is
// not in either format or is malformed (unterminated quote, a word without '=', missing msg).
std::optional<SlogRecord> parseSlogLine(QStringView line, QString* error);

// Maps a slog level word ("DEBUG", "INFO", "WARN", "ERROR", "TRACE", "DEBUG-4", …) to LogLevel.
LogLevel parseLogLevel(QStringView word);

// Lower-case name of a level for reports ("trace", "debug", "info", "warn", "error", "unknown").
QString logLevelName(LogLevel level);

} // namespace vgpu::controller::doctor
