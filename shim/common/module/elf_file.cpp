// Bounds-checked ELF64 reading for cubins (see elf_file.h). Malformed input yields a message that
// names the header field or section and the offending offset.
#include "elf_file.h"

#include "vgpu/module/cubin.h"

#include "byte_reader.h"

#include <algorithm>
#include <cstring>

namespace vgpu::module::detail {
namespace {

using Result = ParseResult<ElfFile>;

Result malformed(const std::string& message) {
  return Result::failure(ParseErrorKind::Malformed, "cubin: " + message);
}

// A NUL-terminated string inside a string table section, or nothing when it runs off its end.
std::optional<std::string_view> stringAt(std::span<const std::uint8_t> table, std::uint64_t offset) {
  if (offset >= table.size()) {
    return std::nullopt;
  }
  const auto* start = reinterpret_cast<const char*>(table.data() + offset);
  const void* nul = std::memchr(start, 0, table.size() - static_cast<std::size_t>(offset));
  if (!nul) {
    return std::nullopt;
  }
  return std::string_view(start, static_cast<std::size_t>(static_cast<const char*>(nul) - start));
}

constexpr unsigned char kAbiVersionWithShiftedSm = 8;

} // namespace

const ElfSection* ElfFile::findSection(std::string_view name) const {
  for (const ElfSection& section : sections) {
    if (section.name == name) {
      return &section;
    }
  }
  return nullptr;
}

const ElfSymbol* ElfFile::findSymbol(std::string_view name) const {
  for (const ElfSymbol& symbol : symbols) {
    if (symbol.name == name) {
      return &symbol;
    }
  }
  return nullptr;
}

int ElfFile::smArch() const {
  // ABI version 8 (CUDA 12.8+ toolkits) keeps the SM in bits 8..15; older cubins in bits 0..7.
  if (header.e_ident[EI_ABIVERSION] >= kAbiVersionWithShiftedSm) {
    return static_cast<int>((header.e_flags >> 8) & 0xffu);
  }
  return static_cast<int>(header.e_flags & 0xffu);
}

ParseResult<ElfFile> readElf(std::span<const std::uint8_t> bytes) {
  ElfFile elf;
  if (!readAt(bytes, 0, elf.header)) {
    return malformed("ELF header needs " + std::to_string(sizeof(Elf64_Ehdr)) + " bytes, have " +
                     std::to_string(bytes.size()));
  }
  const Elf64_Ehdr& eh = elf.header;
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    return malformed("no ELF magic at offset 0x0");
  }
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    return malformed("not a little-endian ELF64 file (e_ident class " + std::to_string(eh.e_ident[EI_CLASS]) +
                     ", data " + std::to_string(eh.e_ident[EI_DATA]) + ")");
  }
  if (eh.e_machine != kEmCuda) {
    return malformed("e_machine " + std::to_string(eh.e_machine) + " at offset 0x12 is not EM_CUDA (190)");
  }
  if (eh.e_shnum == 0) {
    return malformed("no section headers (e_shnum 0 at offset 0x3c)");
  }
  if (eh.e_shentsize != sizeof(Elf64_Shdr)) {
    return malformed("e_shentsize " + std::to_string(eh.e_shentsize) + " at offset 0x3a, expected 64");
  }
  if (!fits(bytes.size(), eh.e_shoff, std::uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr))) {
    return malformed("section headers at e_shoff " + hex(eh.e_shoff) + " (" + std::to_string(eh.e_shnum) +
                     " of 64 bytes) run past the " + hex(bytes.size()) + "-byte image");
  }
  if (eh.e_shstrndx >= eh.e_shnum) {
    return malformed("e_shstrndx " + std::to_string(eh.e_shstrndx) + " is not below e_shnum " +
                     std::to_string(eh.e_shnum));
  }
  elf.sections.resize(eh.e_shnum);
  for (std::size_t i = 0; i < eh.e_shnum; ++i) {
    ElfSection& section = elf.sections[i];
    readAt(bytes, eh.e_shoff + i * sizeof(Elf64_Shdr), section.header);
    if (section.header.sh_type == SHT_NOBITS) {
      continue;
    }
    if (!fits(bytes.size(), section.header.sh_offset, section.header.sh_size)) {
      return malformed("section " + std::to_string(i) + ": offset " + hex(section.header.sh_offset) + " size " +
                       hex(section.header.sh_size) + " runs past the " + hex(bytes.size()) + "-byte image");
    }
    section.contents = bytes.subspan(static_cast<std::size_t>(section.header.sh_offset),
                                     static_cast<std::size_t>(section.header.sh_size));
  }
  const auto names = elf.sections[eh.e_shstrndx].contents;
  for (std::size_t i = 0; i < elf.sections.size(); ++i) {
    const auto name = stringAt(names, elf.sections[i].header.sh_name);
    if (!name) {
      return malformed("section " + std::to_string(i) + ": name offset " + hex(elf.sections[i].header.sh_name) +
                       " is outside the section name table");
    }
    elf.sections[i].name = *name;
  }
  for (std::size_t i = 0; i < elf.sections.size(); ++i) {
    const ElfSection& table = elf.sections[i];
    if (table.header.sh_type != SHT_SYMTAB) {
      continue;
    }
    if (table.header.sh_entsize != sizeof(Elf64_Sym) || table.contents.size() % sizeof(Elf64_Sym) != 0) {
      return malformed("symbol table (section " + std::to_string(i) + "): entry size " +
                       std::to_string(table.header.sh_entsize) + " / size " + hex(table.header.sh_size) +
                       " do not describe 24-byte symbols");
    }
    if (table.header.sh_link >= elf.sections.size()) {
      return malformed("symbol table (section " + std::to_string(i) + "): string table index " +
                       std::to_string(table.header.sh_link) + " is out of range");
    }
    const auto strings = elf.sections[table.header.sh_link].contents;
    const std::size_t count = table.contents.size() / sizeof(Elf64_Sym);
    elf.symbols.reserve(count);
    for (std::size_t s = 0; s < count; ++s) {
      Elf64_Sym raw{};
      readAt(table.contents, s * sizeof(Elf64_Sym), raw);
      const auto name = stringAt(strings, raw.st_name);
      if (!name) {
        return malformed("symbol " + std::to_string(s) + ": name offset " + hex(raw.st_name) +
                         " is outside its string table");
      }
      elf.symbols.push_back({*name, static_cast<unsigned char>(ELF64_ST_TYPE(raw.st_info)), raw.st_other, raw.st_shndx,
                             raw.st_value, raw.st_size});
    }
    break;
  }
  return ParseResult<ElfFile>::success(std::move(elf));
}

std::optional<std::uint64_t> elfExtent(const std::uint8_t* image, std::uint64_t limit) {
  Elf64_Ehdr eh{};
  std::memcpy(&eh, image, sizeof eh);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(Elf64_Shdr)) {
    return std::nullopt;
  }
  const std::uint64_t tables = std::uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr);
  if (eh.e_shoff > limit || tables > limit - eh.e_shoff) {
    return std::nullopt;
  }
  std::uint64_t extent = std::max<std::uint64_t>(sizeof eh, eh.e_shoff + tables);
  const std::uint64_t programTables = std::uint64_t{eh.e_phnum} * eh.e_phentsize;
  if (eh.e_phoff <= limit && programTables <= limit - eh.e_phoff) {
    extent = std::max(extent, eh.e_phoff + programTables);
  }
  for (std::size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh{};
    std::memcpy(&sh, image + eh.e_shoff + i * sizeof sh, sizeof sh);
    if (sh.sh_type == SHT_NOBITS) {
      continue;
    }
    if (sh.sh_offset > limit || sh.sh_size > limit - sh.sh_offset) {
      return std::nullopt;
    }
    extent = std::max(extent, sh.sh_offset + sh.sh_size);
  }
  return extent;
}

} // namespace vgpu::module::detail
