// Word splitting and quoting as systemd does it for Environment= and ExecStart= values
// (systemd's extract_first_word with EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE; systemd.syntax(7)).
#pragma once

#include <QString>
#include <QStringList>
#include <optional>

namespace vgpu::controller {

struct WordSplit {
  QStringList words;
  QString error; // non-empty when the value cannot be split (unbalanced quote, bad escape)
};

WordSplit splitSystemdWords(QStringView value);

// Resolves unit-file specifiers in a split word: "%%" becomes "%". Other specifiers (%n, %i, ...)
// depend on the unit instance and are kept verbatim; `unresolved` (optional) is set when one is.
QString resolveSpecifiers(QStringView word, bool* unresolved = nullptr);

// Quotes one word so that resolveSpecifiers(splitSystemdWords(quoted)) returns it unchanged. Refuses (nullopt) what a
// unit file cannot carry: control characters other than tab, and the NUL character.
std::optional<QString> quoteSystemdWord(QStringView word);

} // namespace vgpu::controller
