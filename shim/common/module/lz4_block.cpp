// A bounds-checked decoder for the LZ4 block format (the format nvcc uses for fatbin entries with
// -compress-mode=speed): sequences of a token, literals and a back-reference. Every length is
// checked against the input and the expected output size before any byte moves.
#include "vgpu/module/decompress.h"

#include "byte_reader.h"

namespace vgpu::module {
namespace {

constexpr std::size_t kMinMatch = 4;

// Reads an LZ4 length continuation (bytes of 255 add up until one is smaller).
bool readExtendedLength(std::span<const std::uint8_t> src, std::size_t& pos, std::size_t& length, std::size_t limit) {
  for (;;) {
    if (pos >= src.size()) {
      return false;
    }
    const std::uint8_t more = src[pos++];
    length += more;
    if (length > limit) {
      return false;
    }
    if (more != 255) {
      return true;
    }
  }
}

ParseResult<std::vector<std::uint8_t>> fail(const std::string& what, std::size_t pos) {
  return ParseResult<std::vector<std::uint8_t>>::failure(ParseErrorKind::Malformed,
                                                         "LZ4 block: " + what + " at input offset " + detail::hex(pos));
}

} // namespace

ParseResult<std::vector<std::uint8_t>> decodeLz4Block(std::span<const std::uint8_t> src, std::size_t expectedSize) {
  std::vector<std::uint8_t> out;
  out.reserve(expectedSize);
  std::size_t pos = 0;
  while (pos < src.size()) {
    const std::size_t tokenPos = pos;
    const std::uint8_t token = src[pos++];
    std::size_t literals = token >> 4;
    if (literals == 15 && !readExtendedLength(src, pos, literals, expectedSize)) {
      return fail("literal length runs past the input or the expected size", tokenPos);
    }
    if (!detail::fits(src.size(), pos, literals)) {
      return fail("literal run of " + std::to_string(literals) + " bytes runs past the input", tokenPos);
    }
    if (literals > expectedSize - out.size()) {
      return fail("literals exceed the expected size " + std::to_string(expectedSize), tokenPos);
    }
    out.insert(out.end(), src.begin() + static_cast<std::ptrdiff_t>(pos),
               src.begin() + static_cast<std::ptrdiff_t>(pos + literals));
    pos += literals;
    if (pos == src.size()) {
      break; // the last sequence has literals only
    }
    std::uint16_t distance = 0;
    if (!detail::readAt(src, pos, distance)) {
      return fail("match offset cut off", pos);
    }
    pos += 2;
    if (distance == 0 || distance > out.size()) {
      return fail("match offset " + std::to_string(distance) + " points before the output start", pos - 2);
    }
    std::size_t matchLength = token & 0x0fu;
    if (matchLength == 15 && !readExtendedLength(src, pos, matchLength, expectedSize)) {
      return fail("match length runs past the input or the expected size", tokenPos);
    }
    matchLength += kMinMatch;
    if (matchLength > expectedSize - out.size()) {
      return fail("match exceeds the expected size " + std::to_string(expectedSize), tokenPos);
    }
    // Byte by byte: a match may overlap the bytes it produces (distance < length).
    std::size_t from = out.size() - distance;
    for (std::size_t i = 0; i < matchLength; ++i) {
      out.push_back(out[from++]);
    }
  }
  if (out.size() != expectedSize) {
    return fail("produced " + std::to_string(out.size()) + " bytes, expected " + std::to_string(expectedSize), pos);
  }
  return ParseResult<std::vector<std::uint8_t>>::success(std::move(out));
}

} // namespace vgpu::module
