// Helpers shared by the module-image tests: reading fixture files and building synthetic fatbin
// containers byte by byte (little-endian, the layout docs/module-images.md describes).
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace vgpu::module::test {

using Bytes = std::vector<std::uint8_t>;

// The whole file in one read (libcublasLt is 517 MB: byte by byte through istreambuf_iterator it
// took most of a minute at -O0, and five under ASan); empty when it cannot be read.
inline Bytes readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : -1;
  if (size < 0) {
    return {};
  }
  Bytes bytes(static_cast<std::size_t>(size));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  return in ? bytes : Bytes{};
}

template <typename T> void put(Bytes& out, std::size_t offset, T value) {
  if (out.size() < offset + sizeof(T)) {
    out.resize(offset + sizeof(T));
  }
  std::memcpy(out.data() + offset, &value, sizeof(T));
}

struct SyntheticEntry {
  std::uint16_t kind = 2; // 1 PTX, 2 ELF
  std::uint32_t arch = 80;
  std::uint64_t flags = 0x11;
  Bytes payload;
  std::uint32_t compressedSize = 0;
  std::uint64_t uncompressedSize = 0;
  std::uint32_t headerSize = 64;
};

// A 64-byte entry header followed by the payload.
inline Bytes entryBytes(const SyntheticEntry& entry) {
  Bytes out(entry.headerSize, 0);
  put<std::uint16_t>(out, 0x00, entry.kind);
  put<std::uint16_t>(out, 0x02, 0x0101);
  put<std::uint32_t>(out, 0x04, entry.headerSize);
  put<std::uint64_t>(out, 0x08, entry.payload.size());
  put<std::uint32_t>(out, 0x10, entry.compressedSize);
  put<std::uint32_t>(out, 0x1c, entry.arch);
  put<std::uint64_t>(out, 0x28, entry.flags);
  put<std::uint64_t>(out, 0x38, entry.uncompressedSize);
  out.resize(entry.headerSize);
  out.insert(out.end(), entry.payload.begin(), entry.payload.end());
  return out;
}

inline Bytes containerBytes(const std::vector<SyntheticEntry>& entries) {
  Bytes body;
  for (const SyntheticEntry& entry : entries) {
    const Bytes bytes = entryBytes(entry);
    body.insert(body.end(), bytes.begin(), bytes.end());
  }
  Bytes out;
  put<std::uint32_t>(out, 0, 0xba55ed50);
  put<std::uint16_t>(out, 4, 1);
  put<std::uint16_t>(out, 6, 16);
  put<std::uint64_t>(out, 8, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

inline Bytes textBytes(const std::string& text) {
  return Bytes(text.begin(), text.end());
}

} // namespace vgpu::module::test
