// `vgpuctl journal [-f] [--since TIME] [--boot] [--after-cursor CURSOR] [--json] [--unit NAME]
// [--directory DIR | --file FILE]`: a unit's log (ollama.service by default) from the systemd
// journal through sd-journal, a directory of journal files, or a plain log file; -f follows new
// entries until interrupted. --json writes one JSON object per line (with the cursor, so a script
// can continue with --after-cursor). Exit codes: 0 read, 1 the source cannot be read, 2 usage.
#include "vgpuctl_command.h"

#include "journal/journal_reader.h"
#include "journal/plain_log_reader.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QEventLoop>
#include <QJsonDocument>
#include <QRegularExpression>
#include <array>
#include <memory>
#include <optional>

namespace vgpu::cli {
namespace {

using namespace vgpu::controller;

constexpr char kUsage[] =
    "usage: vgpuctl journal [-f] [--since TIME] [--boot] [--after-cursor CURSOR] [--json] [--unit NAME]\n"
    "                       [--directory DIR | --file FILE]\n"
    "  TIME: 2025-11-26T09:40:00Z, '2025-11-26 09:40:00' (local), @EPOCH_SECONDS, or -30s/-10m/-2h/-1d\n";

struct UnitRow {
  char suffix;
  qint64 seconds;
};
constexpr std::array kRelativeUnits{UnitRow{'s', 1}, UnitRow{'m', 60}, UnitRow{'h', 3600}, UnitRow{'d', 86400}};

// Parses --since; nullopt when the text is none of the documented forms.
std::optional<quint64> parseSince(const QString& text) {
  static const QRegularExpression relative(QStringLiteral("^-(\\d+)([smhd])$"));
  static const QRegularExpression epoch(QStringLiteral("^@(\\d+)$"));
  const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
  if (const auto match = relative.match(text); match.hasMatch()) {
    for (const UnitRow& row : kRelativeUnits) {
      if (match.captured(2).at(0) == QLatin1Char(row.suffix)) {
        const qint64 ms = nowMs - match.captured(1).toLongLong() * row.seconds * 1000;
        return ms > 0 ? static_cast<quint64>(ms) * 1000U : 1U;
      }
    }
  }
  if (const auto match = epoch.match(text); match.hasMatch()) {
    return static_cast<quint64>(match.captured(1).toLongLong()) * 1000000U;
  }
  QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
  if (!time.isValid()) {
    time = QDateTime::fromString(text, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
  }
  if (!time.isValid() || time.toMSecsSinceEpoch() <= 0) {
    return std::nullopt;
  }
  return static_cast<quint64>(time.toMSecsSinceEpoch()) * 1000U;
}

void printEntry(QTextStream& out, const JournalEntry& entry, bool json) {
  if (json) {
    out << QJsonDocument(journalEntryToJson(entry)).toJson(QJsonDocument::Compact) << '\n';
    return;
  }
  const QString time = entry.realtimeUs == 0
                           ? QStringLiteral("-")
                           : QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(entry.realtimeUs / 1000U), Qt::UTC)
                                 .toString(Qt::ISODateWithMs);
  QString ident = entry.fields.value(QStringLiteral("SYSLOG_IDENTIFIER"), entry.fields.value(QStringLiteral("_COMM")));
  if (ident.isEmpty() && entry.pid == 0) {
    out << time << ' ' << entry.message << '\n';
    return;
  }
  if (ident.isEmpty()) {
    ident = QStringLiteral("pid");
  }
  out << time << ' ' << ident;
  if (entry.pid != 0) {
    out << '[' << entry.pid << ']';
  }
  out << ": " << entry.message << '\n';
}

} // namespace

int runJournal(CommandContext& context) {
  QCommandLineParser parser;
  const QCommandLineOption follow({QStringLiteral("f"), QStringLiteral("follow")}, QStringLiteral("Follow."));
  const QCommandLineOption since(QStringLiteral("since"), QStringLiteral("Since."), QStringLiteral("TIME"));
  const QCommandLineOption boot(QStringLiteral("boot"), QStringLiteral("Current boot only."));
  const QCommandLineOption afterCursor(QStringLiteral("after-cursor"), QStringLiteral("Cursor."),
                                       QStringLiteral("CURSOR"));
  const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("JSON lines."));
  const QCommandLineOption unit(QStringLiteral("unit"), QStringLiteral("Unit."), QStringLiteral("NAME"),
                                QStringLiteral("ollama.service"));
  const QCommandLineOption directory(QStringLiteral("directory"), QStringLiteral("Journal files."),
                                     QStringLiteral("DIR"));
  const QCommandLineOption file(QStringLiteral("file"), QStringLiteral("Plain log file."), QStringLiteral("FILE"));
  parser.addOptions({follow, since, boot, afterCursor, json, unit, directory, file});
  if (!parser.parse(QStringList{QStringLiteral("journal")} + context.arguments) ||
      !parser.positionalArguments().isEmpty() || (parser.isSet(directory) && parser.isSet(file))) {
    context.err << "vgpuctl journal: "
                << (parser.errorText().isEmpty() ? QStringLiteral("bad arguments") : parser.errorText()) << '\n'
                << kUsage;
    return 2;
  }
  JournalQuery query;
  query.unit = parser.value(unit);
  query.currentBootOnly = parser.isSet(boot);
  query.afterCursor = parser.value(afterCursor);
  if (parser.isSet(since)) {
    const std::optional<quint64> time = parseSince(parser.value(since));
    if (!time) {
      context.err << "vgpuctl journal: cannot read --since '" << parser.value(since) << "'\n" << kUsage;
      return 2;
    }
    query.sinceRealtimeUs = *time;
  }

  QString error;
  std::unique_ptr<LogSource> source;
  if (parser.isSet(file)) {
    source = std::make_unique<PlainLogReader>(parser.value(file));
  } else if (parser.isSet(directory)) {
    source = JournalReader::openDirectory(parser.value(directory), &error);
  } else {
    source = JournalReader::openSystem(&error);
  }
  QList<JournalEntry> entries;
  if (!source || !source->read(query, &entries, &error)) {
    context.err << "vgpuctl journal: " << error << '\n';
    return 1;
  }
  const bool asJson = parser.isSet(json);
  for (const JournalEntry& entry : entries) {
    printEntry(context.out, entry, asJson);
  }
  context.out.flush();
  if (!parser.isSet(follow)) {
    return 0;
  }
  // Follow until interrupted (SIGINT/SIGTERM end the process) or the watch fails.
  QEventLoop loop;
  QObject::connect(source.get(), &LogSource::entriesAppended, &loop, [&](const QList<JournalEntry>& appended) {
    for (const JournalEntry& entry : appended) {
      printEntry(context.out, entry, asJson);
    }
    context.out.flush();
  });
  int code = 0;
  QObject::connect(source.get(), &LogSource::followFailed, &loop, [&](const QString& why) {
    context.err << "vgpuctl journal: " << why << '\n';
    code = 1;
    loop.quit();
  });
  if (!source->follow(&error)) {
    context.err << "vgpuctl journal: " << error << '\n';
    return 1;
  }
  loop.exec();
  return code;
}

} // namespace vgpu::cli
