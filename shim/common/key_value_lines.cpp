// The "key = value" line reader (vgpu/key_value_lines.h).
#include "vgpu/key_value_lines.h"

namespace vgpu {

std::string_view trimBlanks(std::string_view text) {
  constexpr std::string_view kBlanks = " \t\r";
  const auto first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(kBlanks) - first + 1);
}

void forEachKeyValue(std::string_view text, const std::function<bool(const KeyValueLine&)>& visit) {
  int number = 0;
  while (!text.empty()) {
    ++number;
    const auto newline = text.find('\n');
    const std::string_view line = trimBlanks(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    KeyValueLine entry;
    entry.number = number;
    const auto equals = line.find('=');
    if (line.find('\0') != std::string_view::npos) {
      entry.error = "line contains a NUL byte";
    } else if (equals == std::string_view::npos) {
      entry.error = "expected 'key = value', found no '='";
    } else {
      entry.key = trimBlanks(line.substr(0, equals));
      entry.value = trimBlanks(line.substr(equals + 1));
      if (entry.key.empty()) {
        entry.error = "expected 'key = value', found no key before '='";
      }
    }
    if (!entry.error.empty()) {
      entry.key = {};
      entry.value = {};
    }
    if (!visit(entry)) {
      return;
    }
  }
}

} // namespace vgpu
