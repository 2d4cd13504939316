// The one "key = value" line format of vgpu's configuration files (shim.conf, vgpud.conf): one
// setting per line, blanks around key and value ignored, blank lines and lines whose first
// non-blank character is '#' skipped. The reader hands each setting line to the caller, or the
// reason the line is not one; what a key means and whether to stop at a bad line is the caller's.
#pragma once

#include <functional>
#include <string_view>

namespace vgpu {

struct KeyValueLine {
  int number = 0; // 1-based
  std::string_view key;
  std::string_view value;
  std::string_view error; // non-empty: not a setting line (key and value empty)
};

// Spaces, tabs and carriage returns (a file written on Windows) at both ends removed.
std::string_view trimBlanks(std::string_view text);

// Calls `visit` for every line that is neither blank nor a comment, in order, until it returns false.
void forEachKeyValue(std::string_view text, const std::function<bool(const KeyValueLine&)>& visit);

} // namespace vgpu
