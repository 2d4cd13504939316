// Randomised robustness: every nvcc fixture and PTX corpus file, mutated (bytes flipped, words
// overwritten with boundary values, cut short) thousands of times within a fixed time budget, then
// parsed down to kernel layouts. Passing means no crash, hang or sanitizer report, and an error
// message whenever parsing fails. VGPU_MUTATION_SEED and VGPU_MUTATION_MS change seed and budget.
#include "module_test_support.h"

#include "vgpu/module/cubin.h"
#include "vgpu/module/module_image.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>

using namespace vgpu::module;
using vgpu::module::test::Bytes;
using vgpu::module::test::readFile;

namespace {

std::vector<Bytes> seeds() {
  std::vector<Bytes> inputs;
  for (const auto* dir : {VGPU_MODULE_FIXTURE_DIR, VGPU_TEST_DATA_DIR "/modules/ptx"}) {
    for (const auto& file : std::filesystem::directory_iterator(dir)) {
      if (file.is_regular_file()) {
        inputs.push_back(readFile(file.path().string()));
      }
    }
  }
  return inputs;
}

unsigned long fromEnvironment(const char* name, unsigned long fallback) {
  const char* value = std::getenv(name); // NOLINT(concurrency-mt-unsafe): the test has one thread
  return value ? std::strtoul(value, nullptr, 10) : fallback;
}

void mutate(Bytes& bytes, std::mt19937_64& random) {
  if (bytes.empty()) {
    return;
  }
  static constexpr std::uint32_t kBoundaries[] = {0, 1, 0x3f, 0x40, 0x7f, 0xff, 0xffff, 0x7fffffff, 0xffffffff};
  const auto at = [&] { return static_cast<std::size_t>(random() % bytes.size()); };
  switch (random() % 4) {
  case 0:
    for (std::uint64_t n = 1 + random() % 8; n > 0; --n) {
      bytes[at()] ^= static_cast<std::uint8_t>(1u << (random() % 8));
    }
    break;
  case 1: {
    const std::size_t where = at() & ~std::size_t{3};
    if (where + 4 <= bytes.size()) {
      const std::uint32_t value = kBoundaries[random() % std::size(kBoundaries)];
      std::memcpy(bytes.data() + where, &value, 4);
    }
    break;
  }
  case 2: bytes.resize(at()); break;
  default: bytes[at()] = static_cast<std::uint8_t>(random()); break;
  }
}

} // namespace

TEST_CASE("mutated module images never crash the parsers", "[mutation]") {
  const std::vector<Bytes> inputs = seeds();
  REQUIRE(inputs.size() >= 8);
  const unsigned long seed = fromEnvironment("VGPU_MUTATION_SEED", 20261126);
  const auto budget = std::chrono::milliseconds(fromEnvironment("VGPU_MUTATION_MS", 1500));
  std::mt19937_64 random(seed);
  const auto start = std::chrono::steady_clock::now();
  std::size_t runs = 0;
  std::size_t parsed = 0;
  while (std::chrono::steady_clock::now() - start < budget) {
    Bytes bytes = inputs[random() % inputs.size()];
    mutate(bytes, random);
    const auto image = parseModuleImage(bytes);
    ++runs;
    if (!image.ok()) {
      REQUIRE_FALSE(image.error().empty());
      continue;
    }
    ++parsed;
    for (const ModuleEntry& entry : image.value().entries) {
      const auto info = describeEntry(entry);
      REQUIRE((info.ok() || !info.error().empty()));
    }
  }
  WARN("seed " << seed << ": " << runs << " mutated images, " << parsed << " still parsed as images");
  CHECK(runs > 100);
}
