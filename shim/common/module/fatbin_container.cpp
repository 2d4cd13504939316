// Fatbin containers (magic 0xba55ed50): a 16-byte header {magic u32, version u16, header size u16,
// size of the entries u64} followed by entries laid end to end. Each entry header (64 bytes, or
// more for newer architectures; its own size is in the header) is followed by its payload:
//   0x00 kind u16 (1 PTX, 2 ELF)     0x02 entry version u16     0x04 header size u32
//   0x08 payload size u64            0x10 compressed size u32   0x14 (PTX: address size)
//   0x18 code version minor/major    0x1c arch u32 (sm_XX)      0x20 name offset/size u32 each
//   0x28 flags u64 (0x2000 LZ4, 0x8000 Zstd, 0x100000 sm_XXa, 0x200000 sm_XXf)
//   0x38 uncompressed size u64
// Layout from public reverse-engineering notes, confirmed against nvcc 13.0 output.
#include "vgpu/module/decompress.h"
#include "vgpu/module/module_image.h"

#include "byte_reader.h"

namespace vgpu::module {
namespace {

using detail::hex;
using Result = ParseResult<ModuleImage>;

constexpr std::size_t kContainerHeaderSize = 16;
constexpr std::size_t kEntryBaseSize = 64;
constexpr std::uint16_t kContainerVersion = 1;
constexpr std::uint64_t kFlagLz4 = 0x2000;
constexpr std::uint64_t kFlagZstd = 0x8000;
constexpr std::uint64_t kFlagArchSpecific = 0x100000;
constexpr std::uint64_t kFlagFamilySpecific = 0x200000;
// LZ4 cannot expand beyond 255:1; Zstd's worst cases for real code stay far below this ratio.
constexpr std::uint64_t kMaxLz4Ratio = 256;
constexpr std::uint64_t kMaxZstdRatio = 4096;

struct EntryHeader {
  std::uint16_t kind;
  std::uint16_t version;
  std::uint32_t headerSize;
  std::uint64_t payloadSize;
  std::uint32_t compressedSize;
  std::uint32_t addressSize;
  std::uint16_t codeMinor;
  std::uint16_t codeMajor;
  std::uint32_t arch;
  std::uint32_t nameOffset;
  std::uint32_t nameSize;
  std::uint64_t flags;
  std::uint64_t reserved;
  std::uint64_t uncompressedSize;
};
static_assert(sizeof(EntryHeader) == kEntryBaseSize);

struct KindName {
  std::uint16_t raw;
  EntryKind kind;
};
constexpr KindName kKinds[] = {{1, EntryKind::Ptx}, {2, EntryKind::Sass}};

EntryKind kindOf(std::uint16_t raw) {
  for (const KindName& known : kKinds) {
    if (known.raw == raw) {
      return known.kind;
    }
  }
  return EntryKind::Other;
}

Result malformed(std::string message) {
  return Result::failure(ParseErrorKind::Malformed, std::move(message));
}

// Fills entry.bytes (or entry.unavailable) from the payload; returns an error for malformed data.
std::string readPayload(const EntryHeader& header, std::span<const std::uint8_t> payload, ModuleEntry& entry,
                        const std::string& where) {
  const bool lz4 = (header.flags & kFlagLz4) != 0;
  const bool zstd = (header.flags & kFlagZstd) != 0;
  if (lz4 && zstd) {
    return where + ": flags " + hex(header.flags) + " name both LZ4 and Zstd compression";
  }
  if (!lz4 && !zstd) {
    entry.bytes.assign(payload.begin(), payload.end());
    return {};
  }
  entry.compression = lz4 ? Compression::Lz4 : Compression::Zstd;
  if (header.compressedSize == 0 || header.compressedSize > header.payloadSize) {
    return where + ": compressed size " + hex(header.compressedSize) + " is zero or exceeds payload size " +
           hex(header.payloadSize);
  }
  const std::uint64_t ratio = lz4 ? kMaxLz4Ratio : kMaxZstdRatio;
  if (header.uncompressedSize == 0 || header.uncompressedSize > kMaxDecompressedSize ||
      header.uncompressedSize > std::uint64_t{header.compressedSize} * ratio + 4096) {
    return where + ": uncompressed size " + hex(header.uncompressedSize) + " is zero, above the " +
           std::to_string(kMaxDecompressedSize >> 20) + " MiB cap or beyond a " + std::to_string(ratio) +
           ":1 ratio to the compressed size " + hex(header.compressedSize);
  }
  const auto compressed = payload.first(header.compressedSize);
  const auto expected = static_cast<std::size_t>(header.uncompressedSize);
  auto decoded = lz4 ? decodeLz4Block(compressed, expected) : decodeZstdFrame(compressed, expected);
  if (!decoded) {
    if (decoded.errorKind() == ParseErrorKind::Unsupported) {
      entry.unavailable = decoded.error();
      return {};
    }
    return where + ": " + decoded.error();
  }
  entry.bytes = std::move(decoded).value();
  return {};
}

} // namespace

ParseResult<ModuleImage> parseFatbinContainer(std::span<const std::uint8_t> bytes) {
  std::uint32_t magic = 0;
  std::uint16_t version = 0;
  std::uint16_t headerSize = 0;
  std::uint64_t entriesSize = 0;
  if (!detail::readAt(bytes, 0, magic) || !detail::readAt(bytes, 4, version) || !detail::readAt(bytes, 6, headerSize) ||
      !detail::readAt(bytes, 8, entriesSize)) {
    return malformed("fatbin container: header needs 16 bytes, have " + std::to_string(bytes.size()));
  }
  if (magic != kFatbinContainerMagic) {
    return malformed("fatbin container: magic " + hex(magic) + " at offset 0x0, expected " +
                     hex(kFatbinContainerMagic));
  }
  if (version != kContainerVersion) {
    return Result::failure(ParseErrorKind::Unsupported,
                           "fatbin container: version " + std::to_string(version) + " at offset 0x4, only 1 is known");
  }
  if (headerSize < kContainerHeaderSize || headerSize > bytes.size()) {
    return malformed("fatbin container: header size " + hex(headerSize) +
                     " at offset 0x6 is below 0x10 or beyond the " + hex(bytes.size()) + "-byte buffer");
  }
  if (!detail::fits(bytes.size(), headerSize, entriesSize)) {
    return malformed("fatbin container: entries size " + hex(entriesSize) + " at offset 0x8 runs past the " +
                     hex(bytes.size()) + "-byte buffer");
  }
  ModuleImage image;
  image.format = ImageFormat::FatbinContainer;
  image.size = static_cast<std::size_t>(headerSize + entriesSize);
  const auto container = bytes.first(image.size);

  std::size_t offset = headerSize;
  while (offset < container.size()) {
    const std::string where = "fatbin entry " + std::to_string(image.entries.size()) + " at offset " + hex(offset);
    EntryHeader header{};
    if (!detail::readAt(container, offset, header)) {
      return malformed(where + ": header needs " + std::to_string(kEntryBaseSize) + " bytes, the container has " +
                       hex(container.size() - offset) + " left");
    }
    if (header.headerSize < kEntryBaseSize || !detail::fits(container.size(), offset, header.headerSize)) {
      return malformed(where + ": header size " + hex(header.headerSize) +
                       " is below 0x40 (header and payload would overlap) or runs past the container end " +
                       hex(container.size()));
    }
    const std::size_t payloadOffset = offset + header.headerSize;
    if (!detail::fits(container.size(), payloadOffset, header.payloadSize)) {
      return malformed(where + ": payload size " + hex(header.payloadSize) + " at " + hex(payloadOffset) +
                       " runs past the container end " + hex(container.size()));
    }
    ModuleEntry entry;
    entry.rawKind = header.kind;
    entry.kind = kindOf(header.kind);
    entry.arch = static_cast<int>(header.arch);
    entry.flags = header.flags;
    if (header.flags & kFlagArchSpecific) {
      entry.variant = ArchVariant::ArchSpecific;
    } else if (header.flags & kFlagFamilySpecific) {
      entry.variant = ArchVariant::FamilySpecific;
    }
    entry.headerOffset = offset;
    if (header.arch > 10000) {
      return malformed(where + ": architecture " + std::to_string(header.arch) + " is not an sm_XX number");
    }
    const auto payload = container.subspan(payloadOffset, static_cast<std::size_t>(header.payloadSize));
    if (entry.kind == EntryKind::Other) {
      entry.unavailable = "unsupported entry kind " + hex(header.kind);
    } else if (std::string problem = readPayload(header, payload, entry, where); !problem.empty()) {
      return malformed(std::move(problem));
    }
    image.entries.push_back(std::move(entry));
    offset = payloadOffset + static_cast<std::size_t>(header.payloadSize);
  }
  return Result::success(std::move(image));
}

} // namespace vgpu::module
