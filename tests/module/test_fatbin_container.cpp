// Fatbin containers built byte by byte: entry walking, selection by compute capability, and bad
// input (truncation at every offset, wrong magics, sizes beyond the buffer, overlapping header and
// payload, decompression bombs, unknown kinds and compressions) — each a precise error.
#include "module_test_support.h"

#include "vgpu/module/module_image.h"

#include <catch2/catch.hpp>

using namespace vgpu::module;
using vgpu::module::test::Bytes;
using vgpu::module::test::containerBytes;
using vgpu::module::test::put;
using vgpu::module::test::SyntheticEntry;

namespace {

SyntheticEntry sass(std::uint32_t arch) {
  SyntheticEntry entry;
  entry.arch = arch;
  entry.payload = Bytes(8, static_cast<std::uint8_t>(arch));
  return entry;
}

SyntheticEntry ptx(std::uint32_t arch) {
  SyntheticEntry entry;
  entry.kind = 1;
  entry.arch = arch;
  entry.payload = vgpu::module::test::textBytes(".version 9.0\n.target sm_" + std::to_string(arch) + "\n");
  return entry;
}

std::string errorOf(const Bytes& bytes) {
  const auto parsed = parseModuleImage(bytes);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error();
}

} // namespace

TEST_CASE("container entries are listed with kind, arch and payload", "[fatbin]") {
  const Bytes bytes = containerBytes({sass(75), sass(80), ptx(90)});
  const auto parsed = parseModuleImage(bytes);
  REQUIRE(parsed.ok());
  const ModuleImage& image = parsed.value();
  CHECK(image.format == ImageFormat::FatbinContainer);
  CHECK(image.size == bytes.size());
  REQUIRE(image.entries.size() == 3);
  CHECK(image.entries[0].kind == EntryKind::Sass);
  CHECK(image.entries[0].arch == 75);
  CHECK(image.entries[0].bytes == Bytes(8, 75));
  CHECK(image.entries[1].headerOffset == 16 + 64 + 8);
  CHECK(image.entries[2].kind == EntryKind::Ptx);
  CHECK(image.entries[2].arch == 90);
}

TEST_CASE("a container followed by another is measured, not merged", "[fatbin]") {
  Bytes bytes = containerBytes({sass(80)});
  const std::size_t first = bytes.size();
  const Bytes second = containerBytes({sass(90)});
  bytes.insert(bytes.end(), second.begin(), second.end());
  const auto parsed = parseFatbinContainer(bytes);
  REQUIRE(parsed.ok());
  CHECK(parsed.value().size == first);
  CHECK(parsed.value().entries.size() == 1);
}

TEST_CASE("selection follows the driver: exact SASS, same-major SASS, then PTX", "[fatbin][select]") {
  const auto parsed = parseModuleImage(containerBytes({sass(75), sass(80), sass(86), ptx(80), ptx(90)}));
  REQUIRE(parsed.ok());
  const ModuleImage& image = parsed.value();
  struct Case {
    int major, minor;
    EntryKind kind;
    int arch;
  };
  const Case cases[] = {
      {7, 5, EntryKind::Sass, 75},                             // exact
      {8, 0, EntryKind::Sass, 80},                             // exact
      {8, 6, EntryKind::Sass, 86},                             // exact
      {8, 9, EntryKind::Sass, 86},                             // same major, highest lower minor
      {8, 7, EntryKind::Sass, 86}, {9, 0, EntryKind::Ptx, 90}, // no Hopper SASS: JIT the newest PTX not newer than 9.0
      {12, 0, EntryKind::Ptx, 90},                             // newer major: PTX
  };
  for (const Case& c : cases) {
    INFO("CC " << c.major << "." << c.minor);
    const ModuleEntry* chosen = selectForDevice(image, c.major, c.minor);
    REQUIRE(chosen != nullptr);
    CHECK(chosen->kind == c.kind);
    CHECK(chosen->arch == c.arch);
  }
  CHECK(selectForDevice(image, 7, 0) == nullptr); // older than every entry
  const auto sassOnly = parseModuleImage(containerBytes({sass(80)}));
  REQUIRE(sassOnly.ok());
  CHECK(selectForDevice(sassOnly.value(), 9, 0) == nullptr); // SASS never crosses majors
}

TEST_CASE("arch-specific (sm_XXa) and family (sm_XXf) variants restrict selection", "[fatbin][select]") {
  const auto flagged = [](SyntheticEntry entry, std::uint64_t flags) {
    entry.flags = flags;
    return entry;
  };
  const auto parsed = parseModuleImage(
      containerBytes({flagged(sass(90), 0x100011), flagged(sass(100), 0x1100011), flagged(sass(100), 0x1200011),
                      flagged(ptx(120), 0x200011), flagged(ptx(90), 0x100011)}));
  REQUIRE(parsed.ok());
  const ModuleImage& image = parsed.value();
  CHECK(image.entries[0].variant == ArchVariant::ArchSpecific);
  CHECK(image.entries[2].variant == ArchVariant::FamilySpecific);
  CHECK(selectForDevice(image, 9, 0) == &image.entries[0]);  // sm_90a on exactly 9.0
  CHECK(selectForDevice(image, 10, 0) == &image.entries[1]); // both fit 10.0: the arch-specific one
  CHECK(selectForDevice(image, 10, 3) == &image.entries[2]); // sm_100a not on 10.3, sm_100f is
  CHECK(selectForDevice(image, 12, 1) == &image.entries[3]); // compute_120f JITs within its family
  CHECK(selectForDevice(image, 13, 0) == nullptr);           // ... and nowhere else
}

TEST_CASE("unknown entry kinds are kept but never selected", "[fatbin][select]") {
  SyntheticEntry other = sass(90);
  other.kind = 0x40;
  const auto parsed = parseModuleImage(containerBytes({other, sass(80)}));
  REQUIRE(parsed.ok());
  CHECK(parsed.value().entries[0].kind == EntryKind::Other);
  CHECK_THAT(parsed.value().entries[0].unavailable, Catch::Contains("unsupported entry kind 0x40"));
  const ModuleEntry* chosen = selectForDevice(parsed.value(), 9, 0);
  CHECK(chosen == nullptr);
}

TEST_CASE("truncation at every offset is a clear error", "[fatbin][bad]") {
  const Bytes whole = containerBytes({sass(75), ptx(90)});
  for (std::size_t size = 0; size < whole.size(); ++size) {
    INFO("truncated to " << size << " bytes");
    const Bytes cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(size));
    const auto parsed = parseModuleImage(cut);
    REQUIRE_FALSE(parsed.ok());
    CHECK_FALSE(parsed.error().empty());
  }
}

TEST_CASE("bad container fields name the field and offset", "[fatbin][bad]") {
  const Bytes good = containerBytes({sass(75), sass(80)});
  struct Mutation {
    const char* what;
    std::size_t offset;
    std::uint64_t value;
    int width;
    const char* message;
  };
  const Mutation cases[] = {
      {"wrong magic", 0, 0xba55ed51, 4, "is neither a fatbin wrapper"},
      {"unknown version", 4, 2, 2, "version 2 at offset 0x4"},
      {"header size too small", 6, 8, 2, "header size 0x8 at offset 0x6"},
      {"entries beyond buffer", 8, 0x100000, 8, "entries size 0x100000 at offset 0x8 runs past"},
      {"entry payload beyond container", 16 + 0x08, 0x1000, 8, "fatbin entry 0 at offset 0x10: payload size 0x1000"},
      {"entry header overlaps payload", 16 + 0x04, 32, 4, "below 0x40 (header and payload would overlap)"},
      {"entry header beyond container", 16 + 0x04, 0x10000, 4, "runs past the container end"},
      {"second entry cut", 8, 64 + 8 + 40, 8, "fatbin entry 1 at offset 0x58: header needs 64 bytes"},
      {"arch not a number", 16 + 0x1c, 0xffffffff, 4, "is not an sm_XX number"},
  };
  for (const Mutation& m : cases) {
    INFO(m.what);
    Bytes bad = good;
    switch (m.width) {
    case 2: put<std::uint16_t>(bad, m.offset, static_cast<std::uint16_t>(m.value)); break;
    case 4: put<std::uint32_t>(bad, m.offset, static_cast<std::uint32_t>(m.value)); break;
    default: put<std::uint64_t>(bad, m.offset, m.value); break;
    }
    CHECK_THAT(errorOf(bad), Catch::Contains(m.message));
  }
}

TEST_CASE("compressed entries: sizes and ratios are checked before decoding", "[fatbin][bad]") {
  SyntheticEntry entry = sass(80);
  entry.flags = 0x2011; // LZ4
  entry.payload = {0x40, 'a', 'b', 'c', 'd', 0, 0, 0};
  entry.compressedSize = 5;
  entry.uncompressedSize = 4;
  {
    const auto parsed = parseModuleImage(containerBytes({entry}));
    REQUIRE(parsed.ok());
    CHECK(parsed.value().entries[0].compression == Compression::Lz4);
    CHECK(parsed.value().entries[0].bytes == Bytes{'a', 'b', 'c', 'd'});
  }
  SECTION("bomb: a tiny payload claiming 512 MiB") {
    entry.uncompressedSize = std::uint64_t{512} << 20;
    CHECK_THAT(errorOf(containerBytes({entry})), Catch::Contains("ratio to the compressed size 0x5"));
  }
  SECTION("above the cap") {
    entry.uncompressedSize = std::uint64_t{1} << 40;
    CHECK_THAT(errorOf(containerBytes({entry})), Catch::Contains("above the 512 MiB cap"));
  }
  SECTION("compressed size beyond payload") {
    entry.compressedSize = 9;
    CHECK_THAT(errorOf(containerBytes({entry})), Catch::Contains("compressed size 0x9 is zero or exceeds payload"));
  }
  SECTION("both compressions flagged") {
    entry.flags = 0xa011;
    CHECK_THAT(errorOf(containerBytes({entry})), Catch::Contains("name both LZ4 and Zstd"));
  }
  SECTION("corrupt LZ4 data") {
    entry.payload[0] = 0x70;
    CHECK_THAT(errorOf(containerBytes({entry})), Catch::Contains("fatbin entry 0 at offset 0x10: LZ4 block"));
  }
  SECTION("corrupt Zstd data") {
    entry.flags = 0x8011;
    const auto parsed = parseModuleImage(containerBytes({entry}));
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.error(), Catch::Contains("Zstd"));
  }
}

TEST_CASE("wrapper in a buffer is recognised; its pointer is followed only in process", "[fatbin][wrapper]") {
  const Bytes container = containerBytes({sass(80), ptx(90)});
  struct Wrapper {
    std::uint32_t magic;
    std::uint32_t version;
    const void* data;
    const void* filename;
  };
  const Wrapper wrapper{kFatbinWrapperMagic, 1, container.data(), nullptr};
  Bytes raw(sizeof wrapper);
  std::memcpy(raw.data(), &wrapper, sizeof wrapper);
  const auto fromSpan = parseModuleImage(raw);
  REQUIRE_FALSE(fromSpan.ok());
  CHECK(fromSpan.errorKind() == ParseErrorKind::Unsupported);
  CHECK_THAT(fromSpan.error(), Catch::Contains("parseModuleImageAt"));

  const auto inProcess = parseModuleImageAt(&wrapper);
  REQUIRE(inProcess.ok());
  CHECK(inProcess.value().format == ImageFormat::FatbinWrapper);
  CHECK(inProcess.value().entries.size() == 2);

  const Wrapper badVersion{kFatbinWrapperMagic, 7, container.data(), nullptr};
  CHECK_THAT(parseModuleImageAt(&badVersion).error(), Catch::Contains("version 7"));
  const Wrapper null{kFatbinWrapperMagic, 1, nullptr, nullptr};
  CHECK_THAT(parseModuleImageAt(&null).error(), Catch::Contains("null data pointer"));
  CHECK_THAT(parseModuleImageAt(nullptr).error(), Catch::Contains("null pointer"));
}

TEST_CASE("unrecognisable bytes are refused with their first word", "[bad]") {
  CHECK_THAT(errorOf(Bytes{1, 2, 3}), Catch::Contains("too few to identify"));
  CHECK_THAT(errorOf(Bytes{0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0}), Catch::Contains("first word 0xefbeadde"));
}
