// The PTX declaration parser on the hand-written corpus in tests/data/modules/ptx/: parameter
// alignment rules, pointer attributes, launch-bound directives, globals, comments, and one file per
// kind of malformed text, each with its own message.
#include "module_test_support.h"

#include "vgpu/module/cubin.h"
#include "vgpu/module/module_image.h"

#include <catch2/catch.hpp>

using namespace vgpu::module;
using vgpu::module::test::Bytes;
using vgpu::module::test::readFile;

namespace {

Bytes corpus(const std::string& name) {
  Bytes bytes = readFile(std::string(VGPU_TEST_DATA_DIR) + "/modules/ptx/" + name);
  REQUIRE_FALSE(bytes.empty());
  return bytes;
}

void checkParams(const KernelInfo& kernel, const std::vector<KernelParam>& expected, std::uint32_t bufferSize) {
  INFO("kernel " << kernel.name);
  REQUIRE(kernel.params.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("parameter " << i);
    CHECK(kernel.params[i].offset == expected[i].offset);
    CHECK(kernel.params[i].size == expected[i].size);
  }
  CHECK(kernel.paramBufferSize == bufferSize);
}

} // namespace

TEST_CASE("PTX declarations: kernels, parameter offsets, launch bounds, globals", "[ptx]") {
  const auto parsed = parsePtx(corpus("declarations.ptx"));
  INFO(parsed.error());
  REQUIRE(parsed.ok());
  const CubinInfo& info = parsed.value();
  CHECK(info.arch == 86);
  REQUIRE(info.kernels.size() == 3); // .func helper and the commented-out kernels are not kernels

  const KernelInfo* aligned = info.findKernel("k_aligned");
  REQUIRE(aligned != nullptr);
  // u8 @0; .align 16 b8[32] @16; u16 @48; u64 pointer (pointee .align 8 does not move it) @56; f32 @64
  checkParams(*aligned, {{0, 1}, {16, 32}, {48, 2}, {56, 8}, {64, 4}}, 68);
  CHECK(aligned->maxThreadsPerBlock == 256u);
  CHECK(aligned->staticSharedSize == 104u); // .b8[100] then a 4-aligned .u32; the dynamic array is not static

  const KernelInfo* weak = info.findKernel("k_weak");
  REQUIRE(weak != nullptr);
  checkParams(*weak, {{0, 8}, {8, 1}, {12, 6}, {24, 8}}, 32);
  CHECK(weak->maxThreadsPerBlock == 64u);

  const KernelInfo* none = info.findKernel("k_noparams");
  REQUIRE(none != nullptr);
  checkParams(*none, {}, 0);
  CHECK_FALSE(none->maxThreadsPerBlock.has_value());
  CHECK_FALSE(weak->staticSharedSize.has_value());

  CHECK(info.findGlobal("g_external") == nullptr); // declared here, defined elsewhere
  struct Global {
    const char* name;
    std::uint64_t size;
    bool constant;
  };
  const Global globals[] = {
      {"g_pointers", 32, false}, {"g_matrix", 15, false}, {"c_vec", 16, true}, {"c_halves", 20, true}};
  CHECK(info.globals.size() == std::size(globals));
  for (const Global& expected : globals) {
    INFO(expected.name);
    const GlobalInfo* global = info.findGlobal(expected.name);
    REQUIRE(global != nullptr);
    CHECK(global->size == expected.size);
    CHECK(global->constant == expected.constant);
  }
}

TEST_CASE("PTX text is detected as a module image", "[ptx]") {
  Bytes bytes = corpus("declarations.ptx");
  bytes.insert(bytes.end(), 16, 0); // NUL padding as in fatbin entries
  const auto image = parseModuleImage(bytes);
  INFO(image.error());
  REQUIRE(image.ok());
  CHECK(image.value().format == ImageFormat::PtxText);
  CHECK(image.value().entries[0].arch == 86);
}

TEST_CASE("malformed PTX: each file a precise error", "[ptx][bad]") {
  struct Bad {
    const char* file;
    const char* message;
  };
  const Bad cases[] = {
      {"bad_unterminated_comment.ptx", "PTX line 3: unterminated comment"},
      {"bad_param_type.ptx", "PTX line 3: unknown parameter type '.u24' in k"},
      {"bad_entry_without_name.ptx", "'.entry' without a name"},
      {"bad_unbalanced_braces.ptx", "unbalanced braces"},
      {"bad_array_dimension.ptx", "array dimension 'abc' is not a number"},
      {"bad_alignment.ptx", "'.align 3' is not a power of two"},
      {"bad_missing_comma.ptx", "expected ',' or ')' after a parameter of k, found '.param'"},
  };
  for (const Bad& bad : cases) {
    INFO(bad.file);
    const auto parsed = parsePtx(corpus(bad.file));
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.error(), Catch::Contains(bad.message));
  }
}
