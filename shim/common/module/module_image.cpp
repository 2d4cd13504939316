// Format detection for module images, entry selection by compute capability, and the dispatch from
// an entry to its cubin or PTX parser.
#include "vgpu/module/module_image.h"
#include "vgpu/module/cubin.h"

#include "byte_reader.h"
#include "elf_file.h"

#include <cstring>

namespace vgpu::module {
namespace {

using detail::hex;
using Result = ParseResult<ModuleImage>;

constexpr std::size_t kWrapperSize = 24; // magic u32, version u32, data pointer, filename pointer

// PTX text begins, after comments and blank lines, with a directive such as .version or .target.
bool looksLikePtx(std::span<const std::uint8_t> bytes) {
  const std::size_t probe = std::min<std::size_t>(bytes.size(), 4096);
  for (std::size_t i = 0; i < probe; ++i) {
    const std::uint8_t c = bytes[i];
    if (c == 0) {
      break;
    }
    if (c < 0x09 || (c > 0x0d && c < 0x20) || c > 0x7e) {
      return false; // binary, not text
    }
  }
  const std::string_view head(reinterpret_cast<const char*>(bytes.data()), probe);
  return head.find(".version") != std::string_view::npos || head.find(".target") != std::string_view::npos ||
         head.find(".entry") != std::string_view::npos;
}

Result singleEntry(ImageFormat format, EntryKind kind, int arch, std::span<const std::uint8_t> bytes) {
  ModuleImage image;
  image.format = format;
  image.size = bytes.size();
  ModuleEntry entry;
  entry.kind = kind;
  entry.arch = arch;
  entry.bytes.assign(bytes.begin(), bytes.end());
  image.entries.push_back(std::move(entry));
  return Result::success(std::move(image));
}

Result parseCubinImage(std::span<const std::uint8_t> bytes) {
  auto elf = detail::readElf(bytes);
  if (!elf) {
    return Result::failureFrom(elf);
  }
  return singleEntry(ImageFormat::Cubin, EntryKind::Sass, elf.value().smArch(), bytes);
}

Result parsePtxImage(std::span<const std::uint8_t> bytes) {
  const void* nul = std::memchr(bytes.data(), 0, bytes.size());
  const auto text =
      nul ? bytes.first(static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - bytes.data())) : bytes;
  auto info = parsePtx(text);
  if (!info) {
    return Result::failureFrom(info);
  }
  return singleEntry(ImageFormat::PtxText, EntryKind::Ptx, info.value().arch, text);
}

// Reads the wrapper's fields; the data pointer is returned, not followed.
ParseResult<std::uint64_t> readWrapper(std::span<const std::uint8_t> bytes) {
  std::uint32_t version = 0;
  std::uint64_t data = 0;
  if (!detail::readAt(bytes, 4, version) || !detail::readAt(bytes, 8, data) || bytes.size() < kWrapperSize) {
    return ParseResult<std::uint64_t>::failure(ParseErrorKind::Malformed,
                                               "fatbin wrapper: needs 24 bytes, have " + std::to_string(bytes.size()));
  }
  if (version != 1 && version != 2) {
    return ParseResult<std::uint64_t>::failure(ParseErrorKind::Unsupported, "fatbin wrapper: version " +
                                                                                std::to_string(version) +
                                                                                " at offset 0x4, known are 1 and 2");
  }
  if (data == 0) {
    return ParseResult<std::uint64_t>::failure(ParseErrorKind::Malformed,
                                               "fatbin wrapper: null data pointer at offset 0x8");
  }
  return ParseResult<std::uint64_t>::success(data);
}

} // namespace

const char* describe(ImageFormat format) {
  switch (format) {
  case ImageFormat::FatbinWrapper: return "fatbin wrapper";
  case ImageFormat::FatbinContainer: return "fatbin container";
  case ImageFormat::Cubin: return "cubin";
  case ImageFormat::PtxText: return "PTX text";
  }
  return "?";
}

const char* describe(EntryKind kind) {
  switch (kind) {
  case EntryKind::Sass: return "SASS";
  case EntryKind::Ptx: return "PTX";
  case EntryKind::Other: return "other";
  }
  return "?";
}

const char* describe(Compression compression) {
  switch (compression) {
  case Compression::None: return "none";
  case Compression::Lz4: return "LZ4";
  case Compression::Zstd: return "Zstd";
  }
  return "?";
}

ParseResult<ModuleImage> parseModuleImage(std::span<const std::uint8_t> bytes) {
  std::uint32_t magic = 0;
  if (!detail::readAt(bytes, 0, magic)) {
    return Result::failure(ParseErrorKind::Malformed,
                           "module image: " + std::to_string(bytes.size()) + " bytes are too few to identify");
  }
  if (magic == kFatbinContainerMagic) {
    return parseFatbinContainer(bytes);
  }
  if (magic == kFatbinWrapperMagic) {
    auto wrapper = readWrapper(bytes);
    if (!wrapper) {
      return Result::failureFrom(wrapper);
    }
    return Result::failure(ParseErrorKind::Unsupported,
                           "fatbin wrapper: its data pointer " + hex(wrapper.value()) +
                               " refers to process memory; parse it with parseModuleImageAt()");
  }
  if (std::memcmp(bytes.data(), ELFMAG, SELFMAG) == 0) {
    return parseCubinImage(bytes);
  }
  if (looksLikePtx(bytes)) {
    return parsePtxImage(bytes);
  }
  return Result::failure(ParseErrorKind::Malformed, "module image: first word " + hex(magic) +
                                                        " is neither a fatbin wrapper (0x466243b1), a fatbin "
                                                        "container (0xba55ed50), an ELF cubin nor PTX text");
}

ParseResult<ModuleImage> parseModuleImageAt(const void* image) {
  if (!image) {
    return Result::failure(ParseErrorKind::Malformed, "module image: null pointer");
  }
  const auto* bytes = static_cast<const std::uint8_t*>(image);
  std::uint32_t magic = 0;
  std::memcpy(&magic, bytes, sizeof magic);
  if (magic == kFatbinWrapperMagic) {
    auto wrapper = readWrapper(std::span(bytes, kWrapperSize));
    if (!wrapper) {
      return Result::failureFrom(wrapper);
    }
    auto parsed = parseModuleImageAt(reinterpret_cast<const void*>(static_cast<std::uintptr_t>(wrapper.value())));
    if (parsed && parsed.value().format == ImageFormat::FatbinContainer) {
      parsed.value().format = ImageFormat::FatbinWrapper;
      return parsed;
    }
    return parsed ? Result::failure(ParseErrorKind::Malformed, "fatbin wrapper: data does not point to a container")
                  : parsed;
  }
  std::uint64_t extent = 0;
  if (magic == kFatbinContainerMagic) {
    std::uint16_t headerSize = 0;
    std::uint64_t entriesSize = 0;
    std::memcpy(&headerSize, bytes + 6, sizeof headerSize);
    std::memcpy(&entriesSize, bytes + 8, sizeof entriesSize);
    if (entriesSize > kMaxDecompressedSize) {
      return Result::failure(ParseErrorKind::Malformed,
                             "fatbin container: entries size " + hex(entriesSize) + " at offset 0x8 is above the cap");
    }
    extent = headerSize + entriesSize;
  } else if (std::memcmp(bytes, ELFMAG, SELFMAG) == 0) {
    const auto elfSize = detail::elfExtent(bytes, kMaxDecompressedSize);
    if (!elfSize) {
      return Result::failure(ParseErrorKind::Malformed, "cubin: header tables out of range");
    }
    extent = *elfSize;
  } else {
    const void* nul = std::memchr(bytes, 0, kMaxDecompressedSize);
    if (!nul) {
      return Result::failure(ParseErrorKind::Malformed, "module image: no NUL terminator within the cap");
    }
    extent = static_cast<std::uint64_t>(static_cast<const std::uint8_t*>(nul) - bytes);
  }
  return parseModuleImage(std::span(bytes, static_cast<std::size_t>(extent)));
}

const ModuleEntry* selectForDevice(const ModuleImage& image, int ccMajor, int ccMinor) {
  const int cc = ccMajor * 10 + ccMinor;
  const auto sameFamily = [&](const ModuleEntry& entry) { return entry.arch / 10 == ccMajor && entry.arch <= cc; };
  const auto specificity = [](const ModuleEntry& entry) {
    return entry.variant == ArchVariant::ArchSpecific ? 2 : entry.variant == ArchVariant::FamilySpecific ? 1 : 0;
  };
  const ModuleEntry* exact = nullptr;
  const ModuleEntry* lowerMinor = nullptr;
  const ModuleEntry* ptx = nullptr;
  for (const ModuleEntry& entry : image.entries) {
    if (!entry.unavailable.empty()) {
      continue;
    }
    if (entry.kind == EntryKind::Sass) {
      if (entry.arch == cc) {
        if (!exact || specificity(entry) > specificity(*exact)) {
          exact = &entry;
        }
      } else if (entry.variant != ArchVariant::ArchSpecific && sameFamily(entry) &&
                 (!lowerMinor || entry.arch > lowerMinor->arch)) {
        lowerMinor = &entry;
      }
    } else if (entry.kind == EntryKind::Ptx) {
      const bool runs = entry.variant == ArchVariant::ArchSpecific     ? entry.arch == cc
                        : entry.variant == ArchVariant::FamilySpecific ? sameFamily(entry)
                                                                       : entry.arch <= cc;
      if (runs && (!ptx || entry.arch > ptx->arch)) {
        ptx = &entry;
      }
    }
  }
  return exact ? exact : lowerMinor ? lowerMinor : ptx;
}

ParseResult<CubinInfo> describeEntry(const ModuleEntry& entry) {
  if (!entry.unavailable.empty()) {
    return ParseResult<CubinInfo>::failure(ParseErrorKind::Unsupported, entry.unavailable);
  }
  switch (entry.kind) {
  case EntryKind::Sass: return parseCubin(entry.bytes);
  case EntryKind::Ptx: return parsePtx(entry.bytes);
  case EntryKind::Other: break;
  }
  return ParseResult<CubinInfo>::failure(ParseErrorKind::Unsupported,
                                         "entry kind " + hex(entry.rawKind) + " is neither SASS nor PTX");
}

} // namespace vgpu::module
