// Parser for slog text lines and Ollama's pre-slog log lines. Hand-written scanning rather than
// one regular expression because quoted values carry Go escapes and spaces, and because a
// malformed line must say where it went wrong.
#include "doctor/logs/slog_line.h"

#include <QRegularExpression>

namespace vgpu::controller::doctor {

namespace {

struct LevelWord {
  const char* prefix;
  LogLevel level;
};

// Order matters: "DEBUG-4" (trace) must be tried before "DEBUG".
constexpr LevelWord kLevelWords[] = {
    {"TRACE", LogLevel::Trace}, {"DEBUG-", LogLevel::Trace}, {"DEBUG", LogLevel::Debug},
    {"INFO", LogLevel::Info},   {"WARN", LogLevel::Warn},    {"ERROR", LogLevel::Error},
};

bool isSpace(QChar c) {
  return c == u' ' || c == u'\t';
}

int hexValue(QChar c) {
  if (c >= u'0' && c <= u'9') {
    return c.unicode() - u'0';
  }
  if (c >= u'a' && c <= u'f') {
    return c.unicode() - u'a' + 10;
  }
  if (c >= u'A' && c <= u'F') {
    return c.unicode() - u'A' + 10;
  }
  return -1;
}

// Reads `digits` hex digits at `pos`; returns the code point or -1.
int readHex(QStringView text, qsizetype pos, int digits) {
  if (pos + digits > text.size()) {
    return -1;
  }
  int value = 0;
  for (int i = 0; i < digits; ++i) {
    const int digit = hexValue(text[pos + i]);
    if (digit < 0) {
      return -1;
    }
    value = value * 16 + digit;
  }
  return value;
}

// Unescapes a Go strconv.Quote string starting at the opening quote `text[pos]`. On success
// returns the position after the closing quote.
std::optional<qsizetype> readQuoted(QStringView text, qsizetype pos, QString* value) {
  struct Escape {
    char letter;
    char16_t meaning;
  };
  static constexpr Escape kEscapes[] = {{'a', u'\a'}, {'b', u'\b'}, {'f', u'\f'},  {'n', u'\n'}, {'r', u'\r'},
                                        {'t', u'\t'}, {'v', u'\v'}, {'\\', u'\\'}, {'"', u'"'},  {'\'', u'\''}};
  for (qsizetype i = pos + 1; i < text.size(); ++i) {
    const QChar c = text[i];
    if (c == u'"') {
      return i + 1;
    }
    if (c != u'\\' || i + 1 >= text.size()) {
      value->append(c);
      continue;
    }
    const QChar next = text[++i];
    bool simple = false;
    for (const Escape& escape : kEscapes) {
      if (next == QLatin1Char(escape.letter)) {
        value->append(QChar(escape.meaning));
        simple = true;
        break;
      }
    }
    if (simple) {
      continue;
    }
    const int digits = next == u'x' ? 2 : next == u'u' ? 4 : next == u'U' ? 8 : 0;
    const int code = digits > 0 ? readHex(text, i + 1, digits) : -1;
    if (code < 0) {
      value->append(u'\\');
      value->append(next); // unknown escape: keep it as written rather than lose it
      continue;
    }
    const auto codePoint = static_cast<char32_t>(code);
    value->append(QString::fromUcs4(&codePoint, 1));
    i += digits;
  }
  return std::nullopt;
}

// Parses `key=value key="value" …` from `pos` to the end of `text`.
bool parseAttributes(QStringView text, qsizetype pos, QList<std::pair<QString, QString>>* attributes, QString* error) {
  while (true) {
    while (pos < text.size() && isSpace(text[pos])) {
      ++pos;
    }
    if (pos >= text.size()) {
      return true;
    }
    const qsizetype keyStart = pos;
    QString key;
    if (text[pos] == u'"') { // slog quotes keys with spaces: "total vram"="0 B"
      const auto end = readQuoted(text, pos, &key);
      if (!end) {
        *error = QStringLiteral("unterminated quoted key at column %1").arg(keyStart + 1);
        return false;
      }
      pos = *end;
    } else {
      while (pos < text.size() && !isSpace(text[pos]) && text[pos] != u'=') {
        ++pos;
      }
      key = text.mid(keyStart, pos - keyStart).toString();
    }
    if (pos >= text.size() || text[pos] != u'=' || key.isEmpty()) {
      *error = QStringLiteral("word '%1' at column %2 is not key=value")
                   .arg(text.mid(keyStart, pos - keyStart).toString())
                   .arg(keyStart + 1);
      return false;
    }
    ++pos; // '='
    QString value;
    if (pos < text.size() && text[pos] == u'"') {
      const auto end = readQuoted(text, pos, &value);
      if (!end) {
        *error = QStringLiteral("unterminated quoted value of '%1' at column %2").arg(key).arg(pos + 1);
        return false;
      }
      pos = *end;
      if (pos < text.size() && !isSpace(text[pos])) {
        *error = QStringLiteral("text right after the quoted value of '%1' at column %2").arg(key).arg(pos + 1);
        return false;
      }
    } else {
      const qsizetype valueStart = pos;
      while (pos < text.size() && !isSpace(text[pos])) {
        ++pos;
      }
      value = text.mid(valueStart, pos - valueStart).toString();
    }
    attributes->append({key, value});
  }
}

// The pre-slog format: "2025/02/27 11:23:26 routes.go:1205: INFO server config env=…".
std::optional<SlogRecord> parseLegacyLine(QStringView line, QString* error) {
  static const QRegularExpression kLegacy(
      QStringLiteral(R"(^(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) (\S+?): (TRACE|DEBUG|INFO|WARN|ERROR) (.*)$)"));
  static const QRegularExpression kFirstAttribute(QStringLiteral(R"((^|\s)[A-Za-z_][\w.]*=)"));
  const QString lineText = line.toString();
  const auto match = kLegacy.match(lineText);
  if (!match.hasMatch()) {
    *error = QStringLiteral("not an slog line (no time= at the start)");
    return std::nullopt;
  }
  SlogRecord record;
  record.time = match.captured(1);
  record.source = match.captured(2);
  record.levelText = match.captured(3);
  record.level = parseLogLevel(record.levelText);
  const QString rest = match.captured(4);
  const auto attribute = kFirstAttribute.match(rest);
  QList<std::pair<QString, QString>> attributes;
  QString ignored;
  if (attribute.hasMatch() && parseAttributes(rest, attribute.capturedStart(0), &attributes, &ignored)) {
    record.message = rest.left(attribute.capturedStart(0)).trimmed();
    record.attributes = attributes;
  } else {
    record.message = rest.trimmed(); // free text: keep it whole rather than guess at attributes
  }
  return record;
}

} // namespace

std::optional<QString> SlogRecord::attribute(QStringView key) const {
  for (const auto& [name, value] : attributes) {
    if (name == key) {
      return value;
    }
  }
  return std::nullopt;
}

LogLevel parseLogLevel(QStringView word) {
  for (const LevelWord& entry : kLevelWords) {
    if (word.startsWith(QLatin1String(entry.prefix), Qt::CaseInsensitive)) {
      return entry.level;
    }
  }
  return LogLevel::Unknown;
}

QString logLevelName(LogLevel level) {
  switch (level) {
  case LogLevel::Trace: return QStringLiteral("trace");
  case LogLevel::Debug: return QStringLiteral("debug");
  case LogLevel::Info: return QStringLiteral("info");
  case LogLevel::Warn: return QStringLiteral("warn");
  case LogLevel::Error: return QStringLiteral("error");
  case LogLevel::Unknown: break;
  }
  return QStringLiteral("unknown");
}

std::optional<SlogRecord> parseSlogLine(QStringView line, QString* error) {
  QString ignored;
  if (error == nullptr) {
    error = &ignored;
  }
  const QStringView trimmed = line.trimmed();
  if (!trimmed.startsWith(u"time=")) {
    return parseLegacyLine(trimmed, error);
  }
  QList<std::pair<QString, QString>> attributes;
  if (!parseAttributes(trimmed, 0, &attributes, error)) {
    return std::nullopt;
  }
  SlogRecord record;
  bool haveMessage = false;
  for (const auto& [key, value] : attributes) {
    if (key == u"time" && record.time.isEmpty()) {
      record.time = value;
    } else if (key == u"level" && record.levelText.isEmpty()) {
      record.levelText = value;
      record.level = parseLogLevel(value);
    } else if (key == u"source" && record.source.isEmpty()) {
      record.source = value;
    } else if (key == u"msg" && !haveMessage) {
      record.message = value;
      haveMessage = true;
    } else {
      record.attributes.append({key, value});
    }
  }
  if (!haveMessage || record.levelText.isEmpty()) {
    *error =
        QStringLiteral("slog line without %1").arg(haveMessage ? QStringLiteral("level=") : QStringLiteral("msg="));
    return std::nullopt;
  }
  return record;
}

} // namespace vgpu::controller::doctor
