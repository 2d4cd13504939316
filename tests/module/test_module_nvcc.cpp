// Modules built by nvcc at test-build time from tests/data/modules/kernels.cu: cubins for three
// architectures, fatbins (uncompressed, LZ4, Zstd) and PTX. The parameter layouts below follow
// from the kernels' C++ signatures (sizes and alignments of the types); every form of the module
// must report exactly them.
#include "module_test_support.h"

#include "vgpu/module/cubin.h"
#include "vgpu/module/decompress.h"
#include "vgpu/module/module_image.h"

#include <catch2/catch.hpp>

using namespace vgpu::module;
using vgpu::module::test::Bytes;
using vgpu::module::test::readFile;

namespace {

std::string fixture(const std::string& name) {
  return std::string(VGPU_MODULE_FIXTURE_DIR) + "/" + name;
}

struct ExpectedKernel {
  const char* name;
  std::vector<KernelParam> params;
  std::uint32_t bufferSize;
};

const std::vector<ExpectedKernel>& expectedKernels() {
  static const std::vector<ExpectedKernel> kernels = {
      {"k_ptrs", {{0, 8}, {8, 8}, {16, 4}}, 20},                              // float*, const float*, int
      {"k_mixed", {{0, 1}, {8, 8}, {16, 4}, {20, 4}, {24, 24}, {48, 8}}, 56}, // char, double, int, float, Triple, ll*
      {"k_grid", {{0, 24}, {24, 8}}, 32},                                     // __grid_constant__ GridArgs, float*
      {"k_empty", {}, 0},
      {"k_bounded", {{0, 8}}, 8},
      {"_Z6k_tmplIfLi4EEvPT_S0_", {{0, 8}, {8, 4}}, 12}, // k_tmpl<float, 4>(float*, float)
      {"_Z6k_tmplIdLi8EEvPT_S0_", {{0, 8}, {8, 8}}, 16}, // k_tmpl<double, 8>(double*, double)
  };
  return kernels;
}

void checkLayouts(const CubinInfo& info, bool fromCubin) {
  CHECK(info.kernels.size() == expectedKernels().size());
  for (const ExpectedKernel& expected : expectedKernels()) {
    INFO("kernel " << expected.name);
    const KernelInfo* kernel = info.findKernel(expected.name);
    REQUIRE(kernel != nullptr);
    REQUIRE(kernel->params.size() == expected.params.size());
    for (std::size_t i = 0; i < expected.params.size(); ++i) {
      INFO("parameter " << i);
      CHECK(kernel->params[i].offset == expected.params[i].offset);
      CHECK(kernel->params[i].size == expected.params[i].size);
    }
    CHECK(kernel->paramBufferSize == expected.bufferSize);
  }
  const KernelInfo* bounded = info.findKernel("k_bounded");
  REQUIRE(bounded != nullptr);
  CHECK(bounded->maxThreadsPerBlock == 256u);
  CHECK(bounded->staticSharedSize == 512u); // int tile[128]; sm_90's reserved 1 KiB not counted (as the driver)
  if (fromCubin) {
    CHECK(info.findKernel("k_mixed")->registers.has_value());
  }
  const GlobalInfo* counter = info.findGlobal("g_counter");
  REQUIRE(counter != nullptr);
  CHECK(counter->size == 4);
  CHECK_FALSE(counter->constant);
  const GlobalInfo* table = info.findGlobal("c_table");
  REQUIRE(table != nullptr);
  CHECK(table->size == 256);
  CHECK(table->constant);
}

ModuleImage parseFixture(const std::string& name) {
  const Bytes bytes = readFile(fixture(name));
  REQUIRE_FALSE(bytes.empty());
  auto parsed = parseModuleImage(bytes);
  INFO(name << ": " << parsed.error());
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

const ModuleEntry* findEntry(const ModuleImage& image, EntryKind kind, int arch) {
  for (const ModuleEntry& entry : image.entries) {
    if (entry.kind == kind && entry.arch == arch) {
      return &entry;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("cubins for sm_75, sm_80 and sm_90 give the exact parameter layouts", "[nvcc][cubin]") {
  for (const int arch : {75, 80, 90}) {
    INFO("sm_" << arch);
    const Bytes bytes = readFile(fixture("kernels_sm" + std::to_string(arch) + ".cubin"));
    const auto info = parseCubin(bytes);
    INFO(info.error());
    REQUIRE(info.ok());
    CHECK(info.value().arch == arch);
    checkLayouts(info.value(), true);

    const ModuleImage image = parseFixture("kernels_sm" + std::to_string(arch) + ".cubin");
    CHECK(image.format == ImageFormat::Cubin);
    REQUIRE(image.entries.size() == 1);
    CHECK(image.entries[0].kind == EntryKind::Sass);
    CHECK(image.entries[0].arch == arch);
  }
}

TEST_CASE("PTX gives the same layouts as the cubin", "[nvcc][ptx]") {
  const ModuleImage image = parseFixture("kernels.ptx");
  CHECK(image.format == ImageFormat::PtxText);
  REQUIRE(image.entries.size() == 1);
  CHECK(image.entries[0].arch == 75);
  const auto info = describeEntry(image.entries[0]);
  INFO(info.error());
  REQUIRE(info.ok());
  checkLayouts(info.value(), false);
}

TEST_CASE("fatbins: uncompressed, LZ4 and Zstd carry the same entries", "[nvcc][fatbin]") {
  const ModuleImage plain = parseFixture("kernels_plain.fatbin");
  REQUIRE(plain.entries.size() == 4);
  for (const ModuleEntry& entry : plain.entries) {
    CHECK(entry.compression == Compression::None);
  }
  struct Variant {
    const char* file;
    Compression compression;
  };
  const Variant variants[] = {{"kernels_lz4.fatbin", Compression::Lz4}, {"kernels_zstd.fatbin", Compression::Zstd}};
  for (const Variant& variant : variants) {
    INFO(variant.file);
    const ModuleImage image = parseFixture(variant.file);
    REQUIRE(image.entries.size() == plain.entries.size());
    for (std::size_t i = 0; i < image.entries.size(); ++i) {
      INFO("entry " << i);
      const ModuleEntry& entry = image.entries[i];
      CHECK(entry.compression == variant.compression);
      CHECK(entry.unavailable.empty());
      CHECK(entry.kind == plain.entries[i].kind);
      CHECK(entry.arch == plain.entries[i].arch);
      // Uncompressed payloads are padded; the decompressed bytes are the padded payload's prefix.
      REQUIRE(entry.bytes.size() <= plain.entries[i].bytes.size());
      CHECK(std::equal(entry.bytes.begin(), entry.bytes.end(), plain.entries[i].bytes.begin()));
      const auto info = describeEntry(entry);
      INFO(info.error());
      REQUIRE(info.ok());
      checkLayouts(info.value(), entry.kind == EntryKind::Sass);
    }
  }
}

TEST_CASE("the fatbin entry for a device is the driver's choice", "[nvcc][select]") {
  const ModuleImage image = parseFixture("kernels_plain.fatbin");
  REQUIRE(findEntry(image, EntryKind::Sass, 75));
  REQUIRE(findEntry(image, EntryKind::Sass, 80));
  REQUIRE(findEntry(image, EntryKind::Sass, 90));
  REQUIRE(findEntry(image, EntryKind::Ptx, 90));
  struct Case {
    int major, minor;
    EntryKind kind;
    int arch;
  };
  const Case cases[] = {
      {7, 5, EntryKind::Sass, 75}, {8, 0, EntryKind::Sass, 80}, {8, 6, EntryKind::Sass, 80}, // A10: sm_80 SASS
      {8, 9, EntryKind::Sass, 80},                                                           // L40S, RTX 4090
      {9, 0, EntryKind::Sass, 90},                                                           // H100
      {10, 0, EntryKind::Ptx, 90},                                                           // Blackwell: JIT
      {12, 0, EntryKind::Ptx, 90},
  };
  for (const Case& c : cases) {
    INFO("CC " << c.major << "." << c.minor);
    const ModuleEntry* chosen = selectForDevice(image, c.major, c.minor);
    REQUIRE(chosen != nullptr);
    CHECK(chosen->kind == c.kind);
    CHECK(chosen->arch == c.arch);
  }
  CHECK(selectForDevice(image, 7, 0) == nullptr);
}

TEST_CASE("images passed by pointer alone are measured and parsed", "[nvcc][pointer]") {
  const Bytes fatbin = readFile(fixture("kernels_zstd.fatbin"));
  const auto fromContainer = parseModuleImageAt(fatbin.data());
  INFO(fromContainer.error());
  REQUIRE(fromContainer.ok());
  CHECK(fromContainer.value().size == fatbin.size());

  const Bytes cubin = readFile(fixture("kernels_sm80.cubin"));
  const auto fromCubin = parseModuleImageAt(cubin.data());
  INFO(fromCubin.error());
  REQUIRE(fromCubin.ok());
  CHECK(fromCubin.value().size == cubin.size());

  Bytes ptx = readFile(fixture("kernels.ptx"));
  ptx.push_back(0);
  const auto fromPtx = parseModuleImageAt(ptx.data());
  INFO(fromPtx.error());
  REQUIRE(fromPtx.ok());
  CHECK(fromPtx.value().entries[0].kind == EntryKind::Ptx);
}
