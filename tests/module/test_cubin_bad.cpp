// Malformed cubins, made by corrupting one field of nvcc's sm_80 cubin at a time: ELF header fields,
// section and symbol tables out of range, broken `.nv.info` records and inconsistent parameter
// metadata. Each gives an error naming what is wrong; truncation at every length never crashes.
#include "module_test_support.h"

#include "vgpu/module/cubin.h"

#include <catch2/catch.hpp>

#include <elf.h>

using namespace vgpu::module;
using vgpu::module::test::Bytes;
using vgpu::module::test::put;
using vgpu::module::test::readFile;

namespace {

Bytes cubin() {
  Bytes bytes = readFile(std::string(VGPU_MODULE_FIXTURE_DIR) + "/kernels_sm80.cubin");
  REQUIRE(bytes.size() > sizeof(Elf64_Ehdr));
  return bytes;
}

Elf64_Ehdr header(const Bytes& bytes) {
  Elf64_Ehdr eh{};
  std::memcpy(&eh, bytes.data(), sizeof eh);
  return eh;
}

// Offset of the section header of the named section.
std::size_t sectionHeaderOffset(const Bytes& bytes, std::string_view name) {
  const Elf64_Ehdr eh = header(bytes);
  Elf64_Shdr names{};
  std::memcpy(&names, bytes.data() + eh.e_shoff + eh.e_shstrndx * sizeof(Elf64_Shdr), sizeof names);
  for (std::size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh{};
    const std::size_t at = eh.e_shoff + i * sizeof sh;
    std::memcpy(&sh, bytes.data() + at, sizeof sh);
    if (name == reinterpret_cast<const char*>(bytes.data() + names.sh_offset + sh.sh_name)) {
      return at;
    }
  }
  FAIL("no section " << name);
  return 0;
}

Elf64_Shdr section(const Bytes& bytes, std::string_view name) {
  Elf64_Shdr sh{};
  std::memcpy(&sh, bytes.data() + sectionHeaderOffset(bytes, name), sizeof sh);
  return sh;
}

// Offset (in the file) of the first .nv.info record with this attribute in the named section.
std::size_t recordOffset(const Bytes& bytes, std::string_view name, std::uint8_t attribute) {
  const Elf64_Shdr sh = section(bytes, name);
  std::size_t at = sh.sh_offset;
  while (at < sh.sh_offset + sh.sh_size) {
    if (bytes[at + 1] == attribute) {
      return at;
    }
    const std::uint8_t format = bytes[at];
    std::uint16_t size = 0;
    std::memcpy(&size, bytes.data() + at + 2, 2);
    at += 4 + (format == 4 ? size : 0);
  }
  FAIL("no attribute " << int(attribute) << " in " << name);
  return 0;
}

std::string errorOf(const Bytes& bytes) {
  const auto parsed = parseCubin(bytes);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error();
}

} // namespace

TEST_CASE("the unmodified cubin parses", "[cubin]") {
  REQUIRE(parseCubin(cubin()).ok());
}

TEST_CASE("bad ELF headers", "[cubin][bad]") {
  Bytes bytes = cubin();
  SECTION("magic") {
    bytes[1] = 'F';
    CHECK_THAT(errorOf(bytes), Catch::Contains("no ELF magic"));
  }
  SECTION("class") {
    bytes[EI_CLASS] = ELFCLASS32;
    CHECK_THAT(errorOf(bytes), Catch::Contains("not a little-endian ELF64"));
  }
  SECTION("machine") {
    put<std::uint16_t>(bytes, offsetof(Elf64_Ehdr, e_machine), EM_X86_64);
    CHECK_THAT(errorOf(bytes), Catch::Contains("e_machine 62 at offset 0x12 is not EM_CUDA"));
  }
  SECTION("section header table beyond the file") {
    put<std::uint64_t>(bytes, offsetof(Elf64_Ehdr, e_shoff), bytes.size() - 10);
    CHECK_THAT(errorOf(bytes), Catch::Contains("section headers at e_shoff"));
  }
  SECTION("section header table offset overflows") {
    put<std::uint64_t>(bytes, offsetof(Elf64_Ehdr, e_shoff), ~std::uint64_t{0} - 8);
    CHECK_THAT(errorOf(bytes), Catch::Contains("run past the"));
  }
  SECTION("section header size") {
    put<std::uint16_t>(bytes, offsetof(Elf64_Ehdr, e_shentsize), 40);
    CHECK_THAT(errorOf(bytes), Catch::Contains("e_shentsize 40"));
  }
  SECTION("section name table index") {
    put<std::uint16_t>(bytes, offsetof(Elf64_Ehdr, e_shstrndx), header(bytes).e_shnum);
    CHECK_THAT(errorOf(bytes), Catch::Contains("e_shstrndx"));
  }
}

TEST_CASE("bad section and symbol tables", "[cubin][bad]") {
  Bytes bytes = cubin();
  SECTION("section contents beyond the file") {
    put<std::uint64_t>(bytes, sectionHeaderOffset(bytes, ".nv.info") + offsetof(Elf64_Shdr, sh_offset), bytes.size());
    CHECK_THAT(errorOf(bytes), Catch::Contains("runs past the"));
  }
  SECTION("section size overflows") {
    put<std::uint64_t>(bytes, sectionHeaderOffset(bytes, ".nv.info") + offsetof(Elf64_Shdr, sh_size), ~0ULL);
    CHECK_THAT(errorOf(bytes), Catch::Contains("size 0xffffffffffffffff runs past"));
  }
  SECTION("section name outside the name table") {
    put<std::uint32_t>(bytes, sectionHeaderOffset(bytes, ".nv.info") + offsetof(Elf64_Shdr, sh_name), 0x7fffffff);
    CHECK_THAT(errorOf(bytes), Catch::Contains("name offset 0x7fffffff is outside the section name table"));
  }
  SECTION("symbol entry size") {
    put<std::uint64_t>(bytes, sectionHeaderOffset(bytes, ".symtab") + offsetof(Elf64_Shdr, sh_entsize), 16);
    CHECK_THAT(errorOf(bytes), Catch::Contains("do not describe 24-byte symbols"));
  }
  SECTION("symbol string table index") {
    put<std::uint32_t>(bytes, sectionHeaderOffset(bytes, ".symtab") + offsetof(Elf64_Shdr, sh_link), 999);
    CHECK_THAT(errorOf(bytes), Catch::Contains("string table index 999 is out of range"));
  }
  SECTION("symbol name outside its string table") {
    const Elf64_Shdr symtab = section(bytes, ".symtab");
    put<std::uint32_t>(bytes, symtab.sh_offset + sizeof(Elf64_Sym) + offsetof(Elf64_Sym, st_name), 0x7fffffff);
    CHECK_THAT(errorOf(bytes), Catch::Contains("symbol 1: name offset 0x7fffffff"));
  }
}

TEST_CASE("bad .nv.info records and parameter metadata", "[cubin][bad]") {
  Bytes bytes = cubin();
  constexpr std::uint8_t kParamCbank = 0x0a;
  constexpr std::uint8_t kKparamInfo = 0x17;
  SECTION("unknown record format") {
    bytes[recordOffset(bytes, ".nv.info.k_mixed", kParamCbank)] = 9;
    CHECK_THAT(errorOf(bytes), Catch::Contains("section .nv.info.k_mixed: record at 0xc: unknown format byte 0x9"));
  }
  SECTION("record value beyond the section") {
    put<std::uint16_t>(bytes, recordOffset(bytes, ".nv.info.k_mixed", kParamCbank) + 2, 0x4000);
    CHECK_THAT(errorOf(bytes), Catch::Contains("value size 0x4000 runs past the section end"));
  }
  SECTION("duplicate parameter ordinal") {
    const std::size_t first = recordOffset(bytes, ".nv.info.k_mixed", kKparamInfo);
    put<std::uint16_t>(bytes, first + 4 + 4, 4); // the first record describes ordinal 5; make it 4 too
    CHECK_THAT(errorOf(bytes), Catch::Contains("parameter ordinals are not 0..5"));
  }
  SECTION("parameter beyond the parameter buffer") {
    const std::size_t first = recordOffset(bytes, ".nv.info.k_mixed", kKparamInfo);
    put<std::uint16_t>(bytes, first + 4 + 6, 0x100); // offset 0x100 > buffer 0x38
    CHECK_THAT(errorOf(bytes), Catch::Contains("parameters end at 0x108, the parameter buffer is 0x38"));
  }
  SECTION("short parameter record") {
    put<std::uint16_t>(bytes, recordOffset(bytes, ".nv.info.k_mixed", kKparamInfo) + 2, 4);
    const std::string error = errorOf(bytes);
    CHECK_THAT(error, Catch::Contains(".nv.info.k_mixed"));
  }
}

TEST_CASE("a cubin truncated at any length is an error, never a crash", "[cubin][bad]") {
  const Bytes whole = cubin();
  const Elf64_Ehdr eh = header(whole);
  const std::size_t tablesEnd = eh.e_shoff + eh.e_shnum * sizeof(Elf64_Shdr);
  for (std::size_t size = 0; size < whole.size(); ++size) {
    const auto parsed = parseCubin(std::span(whole.data(), size));
    if (size < tablesEnd && (parsed.ok() || parsed.error().empty())) {
      FAIL("a cubin cut to " << size << " bytes (section headers end at " << tablesEnd << ") gave no error");
    }
  }
}
