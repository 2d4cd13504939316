// CUDA module images as cuModuleLoadData, cuModuleLoadFatBinary, cuLibraryLoadData and
// __cudaRegisterFatBinary receive them: a fatbin wrapper (magic 0x466243b1) pointing to a fatbin
// container (magic 0xba55ed50) of per-architecture entries (SASS cubins and PTX, possibly LZ4 or
// Zstd compressed), a bare cubin (ELF) or PTX text. parseModuleImage() turns any of them into a
// list of decompressed entries; selectForDevice() picks the entry the real driver would load for a
// compute capability. Formats and limits: docs/module-images.md.
#pragma once

#include "vgpu/module/parse_result.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vgpu::module {

inline constexpr std::uint32_t kFatbinWrapperMagic = 0x466243b1;
inline constexpr std::uint32_t kFatbinContainerMagic = 0xba55ed50;
// No entry is decompressed beyond this, whatever its header claims.
inline constexpr std::size_t kMaxDecompressedSize = std::size_t{512} << 20;

enum class ImageFormat { FatbinWrapper, FatbinContainer, Cubin, PtxText };
enum class EntryKind { Sass, Ptx, Other };
enum class Compression { None, Lz4, Zstd };
// sm_90a-style code runs only on exactly its CC; sm_100f-style on its family (same major, minor at
// least its own); generic SASS on its major with a minor at least its own, generic PTX on any newer CC.
enum class ArchVariant { Generic, ArchSpecific, FamilySpecific };

struct ModuleEntry {
  EntryKind kind = EntryKind::Other;
  int arch = 0; // sm_XX / compute_XX as XX (e.g. 90)
  ArchVariant variant = ArchVariant::Generic;
  Compression compression = Compression::None;
  std::uint16_t rawKind = 0;       // the container's kind field (1 PTX, 2 ELF, ...)
  std::uint64_t flags = 0;         // the container's flags field
  std::size_t headerOffset = 0;    // where the entry header starts in the parsed bytes
  std::vector<std::uint8_t> bytes; // decompressed payload; empty when unavailable is set
  std::string unavailable;         // why the payload could not be read (unsupported kind/compression)
};

struct ModuleImage {
  ImageFormat format = ImageFormat::Cubin;
  std::size_t size = 0; // bytes of the input the image occupies (a container's header + entries)
  std::vector<ModuleEntry> entries;
};

const char* describe(ImageFormat format);
const char* describe(EntryKind kind);
const char* describe(Compression compression);

// Auto-detects the format of the bytes. A fatbin wrapper holds a pointer into process memory that
// a span cannot vouch for: it is followed only by parseModuleImageAt().
ParseResult<ModuleImage> parseModuleImage(std::span<const std::uint8_t> bytes);

// Parses one fatbin container at the start of bytes (more may follow, as in .nv_fatbin sections).
ParseResult<ModuleImage> parseFatbinContainer(std::span<const std::uint8_t> bytes);

// For pointers handed to the driver API with no size: works out the extent of the image the
// pointer designates (wrapper → its container, container header → its size, ELF headers → the
// furthest section, PTX → its NUL terminator) and parses it. Trusts the pointer as the real driver
// does; refuses extents beyond kMaxDecompressedSize.
ParseResult<ModuleImage> parseModuleImageAt(const void* image);

// The entry the real driver loads for compute capability major.minor: SASS for exactly that CC (the
// most specific variant first), else SASS of the same major with the highest lower minor, else the
// newest PTX the CC can JIT. Variants restrict all three (ArchVariant). Unavailable entries are
// skipped. nullptr when nothing fits.
const ModuleEntry* selectForDevice(const ModuleImage& image, int ccMajor, int ccMinor);

} // namespace vgpu::module
