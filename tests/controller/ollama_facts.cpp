// Loading tests/data/ollama-facts/ and holding a log against it.
#include "ollama_facts.h"

#include "doctor/logs/discovery_facts.h"
#include "doctor/logs/ollama_log_events.h"
#include "doctor/logs/slog_line.h"
#include "test_paths.h"

#include <QFile>
#include <stdexcept>

namespace vgpu::test {

namespace {

using namespace vgpu::controller::doctor;

QString unescape(const QString& text) {
  QString out;
  for (qsizetype i = 0; i < text.size(); ++i) {
    if (text[i] == u'\\' && i + 1 < text.size()) {
      const QChar next = text[++i];
      out.append(next == u't' ? u'\t' : next == u'n' ? u'\n' : next == u'r' ? u'\r' : next);
    } else {
      out.append(text[i]);
    }
  }
  return out;
}

QList<QStringList> readTable(const char* name) {
  QFile file(QString::fromStdString((dataDir() / "ollama-facts" / name).string()));
  if (!file.open(QIODevice::ReadOnly)) {
    throw std::runtime_error(std::string("cannot read tests/data/ollama-facts/") + name);
  }
  QList<QStringList> rows;
  for (const QByteArray& line : file.readAll().split('\n')) {
    if (line.isEmpty() || line.startsWith('#')) {
      continue;
    }
    rows.append(QString::fromUtf8(line).split(u'\t'));
  }
  return rows;
}

TagRanges parseRangesOf(const OllamaFacts& facts, const QString& text) {
  TagRanges ranges;
  for (const QString& range : text.split(u',', Qt::SkipEmptyParts)) {
    const QStringList ends = range.split(QStringLiteral(".."));
    ranges.append({facts.tagIndex(ends.constFirst()), facts.tagIndex(ends.constLast())});
  }
  return ranges;
}

OllamaFacts loadFacts() {
  OllamaFacts facts;
  for (const QStringList& row : readTable("tags.tsv")) {
    facts.tags.append(row.at(1));
  }
  for (const QStringList& row : readTable("messages.tsv")) {
    FactMessage message;
    message.level = row.at(0);
    message.text = unescape(row.at(1));
    message.sprintf = row.at(2).contains(QLatin1String("sprintf"));
    for (const QString& key : row.at(3).split(u',', Qt::SkipEmptyParts)) {
      if (key == u'*') {
        message.dynamicKeys = true;
      } else if (key != u'-') {
        message.keys.insert(key);
      }
    }
    message.ranges = parseRangesOf(facts, row.at(4));
    if (message.sprintf) {
      message.format = QRegularExpression(QRegularExpression::anchoredPattern(printfPattern(message.text)),
                                          QRegularExpression::DotMatchesEverythingOption);
    }
    facts.messages.append(message);
  }
  for (const QStringList& row : readTable("runner-formats.tsv")) {
    FactRunnerFormat format;
    format.kind = row.at(0);
    format.text = unescape(row.at(1));
    format.ranges = parseRangesOf(facts, row.at(2));
    if (format.kind == QLatin1String("go-regexp")) {
      format.pattern = QRegularExpression(format.text.mid(format.text.indexOf(u' ') + 1));
      format.fullLine = false;
    } else {
      // A format with hardly any fixed text ("%s", ": ") would vouch for any line: not a fact.
      static const QRegularExpression kVerbs(QStringLiteral(R"(%[-+ #0]*[0-9*]*(?:\.[0-9*]+)?[a-zA-Z%]+)"));
      if (QString(format.text).remove(kVerbs).trimmed().size() < 8) {
        continue;
      }
      format.pattern = QRegularExpression(QRegularExpression::anchoredPattern(printfPattern(format.text)));
    }
    facts.runnerFormats.append(format);
  }
  for (const QStringList& row : readTable("env.tsv")) {
    facts.serverConfigVariables.insert(row.at(0), parseRangesOf(facts, row.at(1)));
    facts.serverConfigReads.insert(row.at(0), unescape(row.at(2)));
  }
  return facts;
}

QString levelWord(const SlogRecord& record) {
  switch (record.level) {
  case LogLevel::Trace: return QStringLiteral("TRACE");
  case LogLevel::Debug: return QStringLiteral("DEBUG");
  case LogLevel::Info: return QStringLiteral("INFO");
  case LogLevel::Warn: return QStringLiteral("WARN");
  case LogLevel::Error: return QStringLiteral("ERROR");
  case LogLevel::Unknown: break;
  }
  return record.levelText;
}

} // namespace

std::pair<int, int> OllamaFacts::parseRange(const QString& label) const {
  const QStringList ends = label.split(QStringLiteral(".."));
  return {tagIndex(ends.constFirst()), tagIndex(ends.constLast())};
}

const OllamaFacts& ollamaFacts() {
  static const OllamaFacts facts = loadFacts();
  return facts;
}

bool covers(const TagRanges& ranges, int from, int to) {
  for (int tag = from; tag <= to; ++tag) {
    bool found = false;
    for (const auto& [first, last] : ranges) {
      found = found || (tag >= first && tag <= last);
    }
    if (!found) {
      return false;
    }
  }
  return true;
}

QString printfPattern(const QString& format) {
  static const QRegularExpression kVerb(
      QStringLiteral(R"(%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|z|j|t|L|q)?([diouxXeEfgGcspvqw%]))"));
  QString pattern;
  qsizetype at = 0;
  auto it = kVerb.globalMatch(format);
  while (it.hasNext()) {
    const auto match = it.next();
    pattern += QRegularExpression::escape(format.mid(at, match.capturedStart() - at));
    const QChar verb = match.captured(1).at(0);
    if (verb == u'%') {
      pattern += QStringLiteral("%");
    } else if (QStringLiteral("diouxX").contains(verb)) {
      pattern += QStringLiteral(R"( *-?[0-9a-fA-Fx]+)"); // a width pads with spaces
    } else if (QStringLiteral("eEfgG").contains(verb)) {
      pattern += QStringLiteral(R"( *-?[0-9.e+-]+)");
    } else {
      pattern += QStringLiteral(".*");
    }
    at = match.capturedEnd();
  }
  return pattern + QRegularExpression::escape(format.mid(at));
}

QString serverConfigLine(const QString& tag, const QMap<QString, QString>& values) {
  const OllamaFacts& facts = ollamaFacts();
  const int at = facts.tagIndex(tag);
  // Defaults Ollama prints on a plain Linux install (the facts give only booleans' defaults).
  static const QMap<QString, QString> kDefaults{
      {QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("INFO")},
      {QStringLiteral("OLLAMA_HOST"), QStringLiteral("http://127.0.0.1:11434")},
      {QStringLiteral("OLLAMA_KEEP_ALIVE"), QStringLiteral("5m0s")},
      {QStringLiteral("OLLAMA_LOAD_TIMEOUT"), QStringLiteral("5m0s")},
      {QStringLiteral("OLLAMA_MAX_LOADED_MODELS"), QStringLiteral("0")},
      {QStringLiteral("OLLAMA_MAX_QUEUE"), QStringLiteral("512")},
      {QStringLiteral("OLLAMA_MODELS"), QStringLiteral("/usr/share/ollama/.ollama/models")},
      {QStringLiteral("OLLAMA_NUM_PARALLEL"), QStringLiteral("1")},
      {QStringLiteral("OLLAMA_CONTEXT_LENGTH"), QStringLiteral("4096")},
      {QStringLiteral("OLLAMA_GPU_OVERHEAD"), QStringLiteral("0")},
      {QStringLiteral("OLLAMA_ORIGINS"), QStringLiteral("[http://localhost https://localhost]")},
      {QStringLiteral("OLLAMA_REMOTES"), QStringLiteral("[ollama.com]")},
      {QStringLiteral("OLLAMA_MAX_TRANSFER_STREAMS"), QStringLiteral("4")},
  };
  static const QRegularExpression kBoolDefault(QStringLiteral(R"(^\w+\((true|false)\))"));
  QStringList words;
  for (auto it = facts.serverConfigVariables.cbegin(); it != facts.serverConfigVariables.cend(); ++it) {
    if (!covers(*it, at, at)) {
      continue;
    }
    QString value = values.value(it.key(), kDefaults.value(it.key()));
    if (!values.contains(it.key()) && !kDefaults.contains(it.key())) {
      for (const QString& read : facts.serverConfigReads.value(it.key()).split(QStringLiteral(" | "))) {
        const qsizetype split = read.lastIndexOf(QStringLiteral(" @ "));
        if (split < 0 || !covers(parseRangesOf(facts, read.mid(split + 3)), at, at)) {
          continue;
        }
        const QString expression = read.left(split);
        const auto match = kBoolDefault.match(expression);
        value = match.hasMatch()                              ? match.captured(1)
                : expression.contains(QLatin1String("Bool(")) ? QStringLiteral("false")
                                                              : QString();
      }
    }
    words.append(it.key() + u':' + value);
  }
  return QStringLiteral("time=2026-03-02T10:00:00.000Z level=INFO source=routes.go:1544 msg=\"server config\" "
                        "env=\"map[%1]\"")
      .arg(words.join(u' '));
}

QStringList checkLogAgainstFacts(const QString& logText, int from, int to) {
  const OllamaFacts& facts = ollamaFacts();
  QStringList problems;
  if (from < 0 || to < from) {
    return {QStringLiteral("the tag range is not a range of tags.tsv")};
  }
  const QString range = facts.tags.at(from) + QStringLiteral("..") + facts.tags.at(to);
  for (const LogEvent& event : parseOllamaLogEvents(logText)) {
    if (!event.process.isEmpty() && event.process != QLatin1String("ollama")) {
      continue; // systemd's own lines around the service
    }
    const QString where = QStringLiteral("line %1").arg(event.line);
    if (event.kind == EventKind::Malformed && event.line == static_cast<int>(logText.trimmed().count(u'\n')) + 1) {
      continue; // a log cut off in the middle of its last line
    }
    if (event.kind == EventKind::Malformed) {
      problems.append(where + QStringLiteral(": malformed slog line: ") + event.detail);
      continue;
    }
    if (!event.slog) {
      bool known = false;
      bool inRange = false;
      for (const FactRunnerFormat& format : facts.runnerFormats) {
        const auto match = format.pattern.match(event.text);
        if (match.hasMatch()) {
          known = true;
          inRange = inRange || covers(format.ranges, from, to);
        }
      }
      if (!known) {
        problems.append(where + QStringLiteral(": runner output no format of the facts prints: ") + event.text);
      } else if (!inRange) {
        problems.append(where + QStringLiteral(": runner output not printed in every tag of %1: ").arg(range) +
                        event.text);
      }
      continue;
    }
    QString error;
    const auto record = parseSlogLine(event.text, &error);
    const QString level = levelWord(*record);
    TagRanges ranges;
    QSet<QString> keys;
    bool dynamicKeys = false;
    bool known = false;
    for (const FactMessage& message : facts.messages) {
      const bool same =
          message.sprintf ? message.format.match(record->message).hasMatch() : message.text == record->message;
      if (same && message.level == level) {
        known = true;
        ranges.append(message.ranges);
        keys.unite(message.keys);
        dynamicKeys = dynamicKeys || message.dynamicKeys;
      }
    }
    if (!known) {
      problems.append(where + QStringLiteral(": Ollama never logs \"%1\" at %2").arg(record->message, level));
      continue;
    }
    if (!covers(ranges, from, to)) {
      problems.append(
          where + QStringLiteral(": \"%1\" (%2) is not logged in every tag of %3").arg(record->message, level, range));
    }
    if (!dynamicKeys) {
      for (const auto& [key, value] : record->attributes) {
        if (!keys.contains(key)) {
          problems.append(where + QStringLiteral(": \"%1\" has no attribute %2").arg(record->message, key));
        }
      }
    }
    if (record->message == QLatin1String("server config")) {
      const auto variables = parseServerConfigEnv(record->attribute(u"env").value_or(QString()));
      for (auto it = variables.cbegin(); it != variables.cend(); ++it) {
        const auto printed = facts.serverConfigVariables.constFind(it.key());
        if (printed == facts.serverConfigVariables.cend() || !covers(*printed, from, to)) {
          problems.append(where + QStringLiteral(": \"server config\" of %1 does not print %2").arg(range, it.key()));
        }
      }
      for (auto it = facts.serverConfigVariables.cbegin(); it != facts.serverConfigVariables.cend(); ++it) {
        // Printed in every tag of the range (http_proxy etc. only on Linux, as the fixtures are).
        if (covers(*it, from, to) && !variables.contains(it.key())) {
          problems.append(where + QStringLiteral(": \"server config\" of %1 always prints %2").arg(range, it.key()));
        }
      }
    }
    if (event.kind == EventKind::Listening) {
      const QString version = event.fields.value(QStringLiteral("version"));
      const int tag = facts.tagIndex(QStringLiteral("v") + version);
      if (tag < from || tag > to) {
        problems.append(where + QStringLiteral(": version %1 lies outside %2").arg(version, range));
      }
    }
  }
  return problems;
}

} // namespace vgpu::test
