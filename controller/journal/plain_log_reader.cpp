// Plain log files as entries (see plain_log_reader.h). The line formats recognised are a table of
// patterns, each giving where the time, the pid and the priority are.
#include "journal/plain_log_reader.h"
#include "common/bounded_file.h"

#include <QDateTime>
#include <QFile>
#include <QRegularExpression>
#include <array>

namespace vgpu::controller {
namespace {

constexpr qint64 kMaxLineBytes = 64 * 1024;

struct LevelRow {
  const char* level;
  int priority;
};

// Ollama's (Go slog) levels and syslog names as syslog priorities.
constexpr std::array kLevels{
    LevelRow{"ERROR", 3}, LevelRow{"ERR", 3},   LevelRow{"WARN", 4},  LevelRow{"WARNING", 4},
    LevelRow{"INFO", 6},  LevelRow{"DEBUG", 7}, LevelRow{"TRACE", 7},
};

int priorityOf(const QString& level) {
  for (const LevelRow& row : kLevels) {
    if (level.compare(QLatin1String(row.level), Qt::CaseInsensitive) == 0) {
      return row.priority;
    }
  }
  return -1;
}

quint64 parseTimeUs(const QString& text) {
  QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
  if (!time.isValid()) {
    // journalctl -o short-iso writes +0000 without a colon, which Qt's ISO parser refuses.
    static const QRegularExpression offset(QStringLiteral("([+-]\\d\\d)(\\d\\d)$"));
    QString fixed = text;
    fixed.replace(offset, QStringLiteral("\\1:\\2"));
    time = QDateTime::fromString(fixed, Qt::ISODateWithMs);
  }
  // A time without an offset is local time, as journalctl and Ollama write it.
  return time.isValid() ? static_cast<quint64>(time.toMSecsSinceEpoch()) * 1000U : 0U;
}

// key=value and key="quoted value" pairs as Go's slog text handler writes them.
QMap<QString, QString> parsePairs(const QString& text) {
  static const QRegularExpression pair(QStringLiteral("(\\w[\\w.]*)=(\"((?:[^\"\\\\]|\\\\.)*)\"|\\S*)"));
  QMap<QString, QString> fields;
  auto matches = pair.globalMatch(text);
  while (matches.hasNext()) {
    const QRegularExpressionMatch match = matches.next();
    QString value = match.captured(3).isNull() ? match.captured(2) : match.captured(3);
    value.replace(QStringLiteral("\\\""), QStringLiteral("\""));
    fields.insert(match.captured(1), value);
  }
  return fields;
}

} // namespace

JournalEntry parsePlainLogLine(const QString& line, quint64 previousRealtimeUs) {
  JournalEntry entry;
  entry.message = line;
  entry.realtimeUs = previousRealtimeUs;
  // Ollama's own format: time=2026-11-26T10:00:00.123Z level=INFO source=... msg="..."
  static const QRegularExpression slog(QStringLiteral("^time=(\\S+) level=(\\w+)"));
  // journalctl -o short-iso: 2026-11-26T10:00:00+0000 host ollama[1234]: text
  static const QRegularExpression shortIso(
      QStringLiteral("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?) \\S+ "
                     "[^\\[:\\s]+(?:\\[(\\d+)\\])?: (.*)$"));
  if (const auto match = slog.match(line); match.hasMatch()) {
    entry.fields = parsePairs(line);
    if (const quint64 time = parseTimeUs(match.captured(1)); time != 0) {
      entry.realtimeUs = time;
    }
    entry.priority = priorityOf(match.captured(2));
    if (entry.fields.contains(QStringLiteral("msg"))) {
      entry.message = entry.fields.value(QStringLiteral("msg"));
    }
  } else if (const auto iso = shortIso.match(line); iso.hasMatch()) {
    if (const quint64 time = parseTimeUs(iso.captured(1)); time != 0) {
      entry.realtimeUs = time;
    }
    entry.pid = iso.captured(2).toLongLong();
    entry.message = iso.captured(3);
    // The message itself may be an Ollama slog line.
    if (const auto inner = slog.match(entry.message); inner.hasMatch()) {
      entry.fields = parsePairs(entry.message);
      entry.priority = priorityOf(inner.captured(2));
    }
  }
  return entry;
}

PlainLogReader::PlainLogReader(const QString& path, QObject* parent) : LogSource(parent), path_(path) {
  poll_.setInterval(500);
  connect(&poll_, &QTimer::timeout, this, &PlainLogReader::onPoll);
}

bool PlainLogReader::read(const JournalQuery& query, QList<JournalEntry>* entries, QString* error) {
  query_ = query;
  lastRealtimeUs_ = 0;
  qint64 start = 0;
  if (!query.afterCursor.isEmpty()) {
    static const QRegularExpression cursor(QStringLiteral("^offset=(\\d+)$"));
    const auto match = cursor.match(query.afterCursor);
    if (!match.hasMatch()) {
      *error = QStringLiteral("invalid log file cursor '%1' (expected offset=N)").arg(query.afterCursor);
      return false;
    }
    start = match.captured(1).toLongLong();
    QFile file;
    if (QString why; openRegularFile(path_, file, &why) && file.seek(start)) {
      start += static_cast<qint64>(file.readLine().size()); // skip the cursor's own line
    }
  }
  entries->clear();
  return readFrom(start, entries, error);
}

bool PlainLogReader::readFrom(qint64 offset, QList<JournalEntry>* entries, QString* error) {
  QFile file;
  if (QString why; !openRegularFile(path_, file, &why)) {
    *error = QStringLiteral("cannot read log file %1: %2").arg(path_, why);
    return false;
  }
  if (file.size() < offset) {
    offset = 0; // truncated or replaced (log rotation): start again from the top
  }
  file.seek(offset);
  while (!file.atEnd()) {
    const qint64 lineStart = file.pos();
    // A line is read at most 64 KiB at a time: a file without newlines cannot grow the reader.
    const QByteArray bytes = file.readLine(kMaxLineBytes + 2); // Qt reads at most maxSize - 1 bytes
    if (!bytes.endsWith('\n') && bytes.size() <= kMaxLineBytes) {
      file.seek(lineStart); // a line still being written: read it whole next time
      break;
    }
    JournalEntry entry = parsePlainLogLine(QString::fromUtf8(bytes).trimmed(), lastRealtimeUs_);
    lastRealtimeUs_ = entry.realtimeUs;
    entry.cursor = QStringLiteral("offset=%1").arg(lineStart);
    const bool tooOld = query_.afterCursor.isEmpty() && query_.sinceRealtimeUs != 0 && entry.realtimeUs != 0 &&
                        entry.realtimeUs < query_.sinceRealtimeUs;
    if (!tooOld) {
      entries->append(std::move(entry));
    }
  }
  offset_ = file.pos();
  return true;
}

bool PlainLogReader::follow(QString* error) {
  if (!QFile::exists(path_)) {
    *error = QStringLiteral("cannot follow %1: no such file").arg(path_);
    return false;
  }
  poll_.start();
  return true;
}

void PlainLogReader::stopFollowing() {
  poll_.stop();
}

void PlainLogReader::onPoll() {
  QList<JournalEntry> entries;
  QString error;
  if (!readFrom(offset_, &entries, &error)) {
    return; // the file may be in the middle of a rotation; try again on the next tick
  }
  if (!entries.isEmpty()) {
    Q_EMIT entriesAppended(entries);
  }
}

} // namespace vgpu::controller
