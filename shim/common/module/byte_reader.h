// Bounds-checked little-endian reads from untrusted module bytes, shared by the module parsers.
// Every read says whether it fitted; offsets and sizes are added without overflow.
#pragma once

#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>

namespace vgpu::module::detail {

static_assert(std::endian::native == std::endian::little, "module images are little-endian; so must the host be");

// True when [offset, offset + length) lies inside a buffer of `size` bytes.
constexpr bool fits(std::size_t size, std::uint64_t offset, std::uint64_t length) {
  return offset <= size && length <= size - offset;
}

template <typename T> bool readAt(std::span<const std::uint8_t> bytes, std::uint64_t offset, T& out) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (!fits(bytes.size(), offset, sizeof(T))) {
    return false;
  }
  std::memcpy(&out, bytes.data() + offset, sizeof(T));
  return true;
}

inline std::string hex(std::uint64_t value) {
  char text[20] = {'0', 'x'};
  const auto end = std::to_chars(text + 2, text + sizeof text, value, 16).ptr;
  return std::string(text, end);
}

} // namespace vgpu::module::detail
