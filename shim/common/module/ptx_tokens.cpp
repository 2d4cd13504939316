// PTX tokenizer (see ptx_tokens.h).
#include "ptx_tokens.h"

#include <cstring>

namespace vgpu::module::detail {
namespace {

bool isWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         c == '%' || c == '.';
}

} // namespace

bool tokenizePtx(std::span<const std::uint8_t> bytes, std::vector<PtxToken>& tokens, std::size_t& errorLine) {
  const auto* begin = reinterpret_cast<const char*>(bytes.data());
  const void* nul = bytes.empty() ? nullptr : std::memchr(begin, 0, bytes.size());
  const std::string_view text(begin,
                              nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - begin) : bytes.size());
  std::size_t line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else if (text.compare(i, 2, "//") == 0) {
      while (i < text.size() && text[i] != '\n') {
        ++i;
      }
    } else if (text.compare(i, 2, "/*") == 0) {
      const std::size_t end = text.find("*/", i + 2);
      if (end == std::string_view::npos) {
        errorLine = line;
        return false;
      }
      for (std::size_t k = i; k < end; ++k) {
        line += text[k] == '\n' ? 1u : 0u;
      }
      i = end + 2;
    } else if (c == '"') {
      const std::size_t end = text.find('"', i + 1);
      if (end == std::string_view::npos) {
        errorLine = line;
        return false;
      }
      i = end + 1;
    } else if (isWordChar(c)) {
      const std::size_t start = i;
      while (i < text.size() && isWordChar(text[i])) {
        ++i;
      }
      tokens.push_back({text.substr(start, i - start), line});
    } else if (std::strchr("()[]{}<>,;=:+-!@|&^*/~?", c)) {
      tokens.push_back({text.substr(i, 1), line});
      ++i;
    } else {
      errorLine = line;
      return false;
    }
  }
  return true;
}

} // namespace vgpu::module::detail
