// Real-world robustness: every fatbin container in the `.nv_fatbin` sections of NVIDIA's
// libcublas.so.13 and libcublasLt.so.13 (thousands of containers, Zstd-compressed cubins for many
// architectures) parses, and every SASS and PTX entry yields its kernels without error. A
// sanitizer build (the parsers at -O0 and instrumented) walks libcublas alone, hundreds of
// containers of the same kinds: with libcublasLt's 517 MB the test was most of the asan suite's
// time. The default build walks both, and fuzz_module_image covers bytes no library holds.
#include "module_test_support.h"

#include "vgpu/module/cubin.h"
#include "vgpu/module/decompress.h"
#include "vgpu/module/module_image.h"

#include <catch2/catch.hpp>

#include <elf.h>

#include <filesystem>
#include <map>

using namespace vgpu::module;
using vgpu::module::test::Bytes;
using vgpu::module::test::readFile;

namespace {

// The named section of a host ELF64 shared library (the test trusts this file; the parsers do not).
std::span<const std::uint8_t> hostSection(const Bytes& elf, std::string_view wanted) {
  Elf64_Ehdr eh{};
  std::memcpy(&eh, elf.data(), sizeof eh);
  Elf64_Shdr names{};
  std::memcpy(&names, elf.data() + eh.e_shoff + eh.e_shstrndx * sizeof names, sizeof names);
  for (std::size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh{};
    std::memcpy(&sh, elf.data() + eh.e_shoff + i * sizeof sh, sizeof sh);
    if (wanted == reinterpret_cast<const char*>(elf.data() + names.sh_offset + sh.sh_name)) {
      return std::span(elf.data() + sh.sh_offset, sh.sh_size);
    }
  }
  return {};
}

struct Tally {
  std::size_t containers = 0;
  std::size_t sass = 0;
  std::size_t ptx = 0;
  std::size_t kernels = 0;
  std::size_t unsupported = 0;
  std::map<int, std::size_t> archs;
};

void walk(const std::string& path, Tally& tally) {
  INFO(path);
  const Bytes library = readFile(path);
  REQUIRE_FALSE(library.empty());
  const auto section = hostSection(library, ".nv_fatbin");
  REQUIRE_FALSE(section.empty());
  std::size_t offset = 0;
  while (offset < section.size()) {
    INFO("container at section offset " << offset);
    const auto image = parseFatbinContainer(section.subspan(offset));
    INFO(image.error());
    REQUIRE(image.ok());
    ++tally.containers;
    for (const ModuleEntry& entry : image.value().entries) {
      if (!entry.unavailable.empty()) {
        ++tally.unsupported;
        continue;
      }
      const auto info = describeEntry(entry);
      INFO("entry at " << entry.headerOffset << ", " << describe(entry.kind) << " arch " << entry.arch);
      INFO(info.error());
      REQUIRE(info.ok());
      if (entry.kind == EntryKind::Sass) {
        ++tally.sass;
        CHECK(info.value().arch == entry.arch); // ELF flags and container header agree
      } else {
        ++tally.ptx;
      }
      ++tally.archs[entry.arch];
      tally.kernels += info.value().kernels.size();
    }
    offset += image.value().size;
  }
}

} // namespace

TEST_CASE("every fatbin in libcublas and libcublasLt parses down to kernel layouts", "[cublas]") {
  const std::string dir = VGPU_CUDA_LIBRARY_DIR;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  const std::string libraries[] = {dir + "/libcublas.so.13"};
#else
  const std::string libraries[] = {dir + "/libcublas.so.13", dir + "/libcublasLt.so.13"};
#endif
  for (const std::string& library : libraries) {
    if (!std::filesystem::exists(library)) {
      WARN("skipped: " << library << " does not exist");
      continue;
    }
    Tally tally;
    walk(library, tally);
    std::string archs;
    for (const auto& [arch, count] : tally.archs) {
      archs += " sm_" + std::to_string(arch) + ":" + std::to_string(count);
    }
    WARN(library << ": " << tally.containers << " containers, " << tally.sass << " SASS and " << tally.ptx
                 << " PTX entries, " << tally.kernels << " kernels, " << tally.unsupported
                 << " unsupported entries; per arch" << archs);
    CHECK(tally.containers > 100);
    CHECK(tally.kernels > 1000);
    if (zstdAvailable()) {
      CHECK(tally.unsupported == 0);
    }
  }
}
