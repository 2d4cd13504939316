// A read-only view of a cubin's ELF64 structure with every offset and size checked against the
// buffer before use: header, section headers, section names, section contents, symbols. The shim
// cannot depend on libelf; <elf.h> supplies the structure definitions only.
#pragma once

#include "vgpu/module/parse_result.h"

#include <elf.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vgpu::module::detail {

struct ElfSection {
  Elf64_Shdr header{};
  std::string_view name;
  std::span<const std::uint8_t> contents; // empty for SHT_NOBITS
};

struct ElfSymbol {
  std::string_view name;
  unsigned char type = 0;
  unsigned char other = 0;
  std::uint16_t sectionIndex = 0;
  std::uint64_t value = 0;
  std::uint64_t size = 0;
};

struct ElfFile {
  Elf64_Ehdr header{};
  std::vector<ElfSection> sections;
  std::vector<ElfSymbol> symbols; // from the first SHT_SYMTAB, index 0 included

  const ElfSection* findSection(std::string_view name) const;
  const ElfSymbol* findSymbol(std::string_view name) const;
  // The SM architecture from e_flags (its position changed with the CUDA ELF ABI version 8).
  int smArch() const;
};

ParseResult<ElfFile> readElf(std::span<const std::uint8_t> bytes);

// Bytes from the start of the ELF image to the end of its furthest header table or section, using
// only the ELF header and section headers (for images passed by pointer without a size).
std::optional<std::uint64_t> elfExtent(const std::uint8_t* image, std::uint64_t limit);

} // namespace vgpu::module::detail
