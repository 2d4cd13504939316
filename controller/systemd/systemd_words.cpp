// systemd's quoting rules for unit-file values, for reading and for writing drop-ins.
#include "systemd/systemd_words.h"

namespace vgpu::controller {
namespace {

bool isSeparator(QChar c) {
  return c == u' ' || c == u'\t' || c == u'\n' || c == u'\r';
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

// Decodes one C escape starting after the backslash at value[i]; advances i past it.
std::optional<char32_t> decodeEscape(QStringView value, qsizetype& i) {
  if (i >= value.size()) {
    return std::nullopt;
  }
  const QChar c = value[i++];
  switch (c.unicode()) {
  case u'a': return U'\a';
  case u'b': return U'\b';
  case u'f': return U'\f';
  case u'n': return U'\n';
  case u'r': return U'\r';
  case u't': return U'\t';
  case u'v': return U'\v';
  case u'\\': return U'\\';
  case u'"': return U'"';
  case u'\'': return U'\'';
  case u's': return U' ';
  case u'x': {
    if (i + 2 > value.size()) {
      return std::nullopt;
    }
    const int hi = hexValue(value[i]);
    const int lo = hexValue(value[i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    i += 2;
    return static_cast<char32_t>(hi * 16 + lo);
  }
  case u'u':
  case u'U': {
    const qsizetype digits = c == u'u' ? 4 : 8;
    if (i + digits > value.size()) {
      return std::nullopt;
    }
    char32_t code = 0;
    for (qsizetype k = 0; k < digits; ++k) {
      const int h = hexValue(value[i + k]);
      if (h < 0) {
        return std::nullopt;
      }
      code = code * 16 + static_cast<char32_t>(h);
    }
    i += digits;
    return code;
  }
  default:
    if (c >= u'0' && c <= u'7') {
      if (i + 2 > value.size()) {
        return std::nullopt;
      }
      const QChar b = value[i];
      const QChar d = value[i + 1];
      if (b < u'0' || b > u'7' || d < u'0' || d > u'7') {
        return std::nullopt;
      }
      i += 2;
      return static_cast<char32_t>((c.unicode() - u'0') * 64 + (b.unicode() - u'0') * 8 + (d.unicode() - u'0'));
    }
    return std::nullopt;
  }
}

} // namespace

WordSplit splitSystemdWords(QStringView value) {
  WordSplit result;
  qsizetype i = 0;
  const qsizetype n = value.size();
  while (true) {
    while (i < n && isSeparator(value[i])) {
      ++i;
    }
    if (i >= n) {
      return result;
    }
    QString word;
    QChar quote;
    while (i < n) {
      const QChar c = value[i];
      if (quote.isNull() && isSeparator(c)) {
        break;
      }
      ++i;
      if (c == u'\\') {
        const qsizetype at = i;
        const auto decoded = decodeEscape(value, i);
        if (!decoded || *decoded == 0) {
          result.error = QStringLiteral("invalid escape sequence at column %1").arg(at);
          return result;
        }
        word += QString::fromUcs4(&*decoded, 1);
      } else if (!quote.isNull() && c == quote) {
        quote = QChar();
      } else if (quote.isNull() && (c == u'"' || c == u'\'')) {
        quote = c;
      } else {
        word += c;
      }
    }
    if (!quote.isNull()) {
      result.error = QStringLiteral("unbalanced %1 quote").arg(quote);
      return result;
    }
    result.words.append(word);
  }
}

QString resolveSpecifiers(QStringView word, bool* unresolved) {
  QString out;
  out.reserve(word.size());
  for (qsizetype i = 0; i < word.size(); ++i) {
    if (word[i] == u'%' && i + 1 < word.size()) {
      if (word[i + 1] == u'%') {
        out += u'%';
        ++i;
        continue;
      }
      if (unresolved != nullptr) {
        *unresolved = true;
      }
    }
    out += word[i];
  }
  return out;
}

std::optional<QString> quoteSystemdWord(QStringView word) {
  QString out;
  out.reserve(word.size() + 2);
  out += u'"';
  for (const QChar c : word) {
    if (c.unicode() == 0 || (c.unicode() < 0x20 && c != u'\t') || c.unicode() == 0x7f) {
      return std::nullopt;
    }
    if (c == u'\\' || c == u'"') {
      out += u'\\';
    }
    if (c == u'\t') {
      out += QStringLiteral("\\t");
      continue;
    }
    // '%' starts a specifier in unit files; "%%" is a literal percent sign.
    if (c == u'%') {
      out += u'%';
    }
    out += c;
  }
  out += u'"';
  return out;
}

} // namespace vgpu::controller
