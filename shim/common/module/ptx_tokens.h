// A tokenizer for PTX text, just enough for declarations: directives and identifiers, numbers,
// punctuation; comments and quoted strings are skipped. Stops at the first NUL (fatbin PTX entries
// are NUL-padded).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace vgpu::module::detail {

struct PtxToken {
  std::string_view text;
  std::size_t line = 0;
};

// Returns false (with the line in errorLine) for an unterminated comment or string, or a byte
// that cannot appear in PTX.
bool tokenizePtx(std::span<const std::uint8_t> bytes, std::vector<PtxToken>& tokens, std::size_t& errorLine);

} // namespace vgpu::module::detail
