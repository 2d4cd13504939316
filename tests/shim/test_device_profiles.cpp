// The device profile table: completeness (every attribute id answered or explicitly erroring),
// agreement between fields and attributes, the h100-sxm5 profile against the captured driver facts,
// lookups, and docs/device-profiles.md being the generated table.
#include "test_paths.h"

#include "vgpu/device/device_profiles.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace vgpu::device;

namespace {

int attribute(const DeviceProfile& profile, CUdevice_attribute id) {
  int value = 0;
  REQUIRE(profileAttribute(profile, id, value));
  return value;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct CapturedFacts {
  std::string name;
  std::uint64_t totalMemory = 0;
  std::map<int, std::pair<bool, int>> attributes; // id → (answered, value or error code)
};

CapturedFacts parseDriverFacts(const std::filesystem::path& path) {
  CapturedFacts facts;
  std::istringstream lines(readFile(path));
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string device, ordinal, kind;
    if (!(words >> device >> ordinal >> kind) || device != "device" || ordinal != "0") {
      continue;
    }
    if (kind == "name") {
      std::getline(words >> std::ws, facts.name);
      facts.name = facts.name.substr(1, facts.name.size() - 2); // strip the quotes
    } else if (kind == "total-mem") {
      words >> facts.totalMemory;
    } else if (kind == "attribute") {
      int id = 0;
      std::string first;
      words >> id >> first;
      if (first == "error") {
        int code = 0;
        words >> code;
        facts.attributes[id] = {false, code};
      } else {
        facts.attributes[id] = {true, std::stoi(first)};
      }
    }
  }
  return facts;
}

} // namespace

TEST_CASE("the table holds the required SKUs with the names the driver reports") {
  const std::map<std::uint16_t, std::string> required = {
      {0x2331, "NVIDIA H100 PCIe"},
      {0x2330, "NVIDIA H100 80GB HBM3"},
      {0x2321, "NVIDIA H100 NVL"},
      {0x2335, "NVIDIA H200"},
      {0x20f1, "NVIDIA A100-PCIE-40GB"},
      {0x20b0, "NVIDIA A100-SXM4-40GB"},
      {0x20b5, "NVIDIA A100 80GB PCIe"},
      {0x20b2, "NVIDIA A100-SXM4-80GB"},
      {0x26b9, "NVIDIA L40S"},
      {0x27b8, "NVIDIA L4"},
      {0x2236, "NVIDIA A10"},
      {0x1eb8, "Tesla T4"},
      {0x2684, "NVIDIA GeForce RTX 4090"},
  };
  for (const auto& [id, name] : required) {
    const DeviceProfile* profile = findProfileByPciDevice(id);
    INFO("PCI device " << std::hex << id);
    REQUIRE(profile != nullptr);
    CHECK(profile->name == name);
    CHECK(findProfileByKey(profile->key) == profile);
  }
  CHECK(findProfileByPciDevice(0x1234) == nullptr);
  CHECK(findProfileByKey("h100") == nullptr);
  CHECK(findProfileByKey("h100-pcie")->pciDeviceId == 0x2331);
}

TEST_CASE("keys, names and PCI ids are unique") {
  std::set<std::string_view> keys, names;
  std::set<std::uint16_t> ids;
  for (const DeviceProfile& profile : allProfiles()) {
    CHECK(keys.insert(profile.key).second);
    CHECK(names.insert(profile.name).second);
    CHECK(ids.insert(profile.pciDeviceId).second);
  }
}

TEST_CASE("every profile answers every attribute id of cuda.h, in id order") {
  for (const DeviceProfile& profile : allProfiles()) {
    INFO(profile.key);
    REQUIRE(profile.attributes.size() == static_cast<std::size_t>(CU_DEVICE_ATTRIBUTE_MAX - 1));
    for (int id = 1; id < CU_DEVICE_ATTRIBUTE_MAX; ++id) {
      const AttributeValue* entry = findAttribute(profile, id);
      REQUIRE(entry != nullptr);
      CHECK(static_cast<int>(entry->attribute) == id);
      int value = 0;
      CHECK(profileAttribute(profile, id, value) == (entry->result == CUDA_SUCCESS));
    }
    int value = 0;
    CHECK(findAttribute(profile, 0) == nullptr);
    CHECK(findAttribute(profile, CU_DEVICE_ATTRIBUTE_MAX) == nullptr);
    CHECK_FALSE(profileAttribute(profile, -1, value));
    CHECK_FALSE(profileAttribute(profile, CU_DEVICE_ATTRIBUTE_MAX, value));
  }
}

TEST_CASE("profile fields agree with the attribute answers") {
  for (const DeviceProfile& p : allProfiles()) {
    INFO(p.key);
    CHECK(attribute(p, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) == p.ccMajor);
    CHECK(attribute(p, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR) == p.ccMinor);
    CHECK(attribute(p, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT) == p.multiProcessorCount);
    CHECK(attribute(p, CU_DEVICE_ATTRIBUTE_CLOCK_RATE) == p.clockRateKHz);
    CHECK(attribute(p, CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE) == p.memoryClockRateKHz);
    CHECK(attribute(p, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH) == p.memoryBusWidthBits);
    CHECK(attribute(p, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE) == p.l2CacheBytes);
    CHECK(attribute(p, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN) == p.sharedMemPerBlockOptin);
    CHECK(attribute(p, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR) == p.maxThreadsPerMultiProcessor);
    const int packedId = attribute(p, CU_DEVICE_ATTRIBUTE_GPU_PCI_DEVICE_ID);
    CHECK((packedId & 0xffff) == 0x10de);
    CHECK((packedId >> 16) == p.pciDeviceId);
    // Opt-in shared memory per block plus the reserved part fits in the SM's shared memory.
    CHECK(p.sharedMemPerBlockOptin + attribute(p, CU_DEVICE_ATTRIBUTE_RESERVED_SHARED_MEMORY_PER_BLOCK) ==
          attribute(p, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR));
    CHECK(attribute(p, CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED) == 1);
    CHECK(attribute(p, CU_DEVICE_ATTRIBUTE_MAX_PERSISTING_L2_CACHE_SIZE) < p.l2CacheBytes);
    CHECK(p.totalMemoryBytes > (std::uint64_t{14} << 30));
    CHECK(p.totalMemoryBytes < (std::uint64_t{144} << 30));
    CHECK_FALSE(p.source.empty());
  }
}

TEST_CASE("Hopper profiles opt in to 227 KiB of shared memory per block") {
  for (const DeviceProfile& p : allProfiles()) {
    if (p.architecture == "Hopper") {
      INFO(p.key);
      CHECK(p.ccMajor == 9);
      CHECK(p.sharedMemPerBlockOptin == 232448);
    }
  }
}

TEST_CASE("h100-sxm5 is the captured H100 80GB HBM3 verbatim") {
  const CapturedFacts facts = parseDriverFacts(vgpu::test::sourceDir() / "docs" / "gpu-results" /
                                               "2026-11-26-h100-driver-facts" / "driver-facts.txt");
  REQUIRE(facts.attributes.size() == static_cast<std::size_t>(CU_DEVICE_ATTRIBUTE_MAX - 1));
  const DeviceProfile* profile = findProfileByKey("h100-sxm5");
  REQUIRE(profile != nullptr);
  CHECK(profile->name == facts.name);
  CHECK(profile->totalMemoryBytes == facts.totalMemory);
  for (const auto& [id, answer] : facts.attributes) {
    INFO("attribute " << id);
    const AttributeValue* entry = findAttribute(*profile, id);
    REQUIRE(entry != nullptr);
    if (answer.first) {
      CHECK(entry->result == CUDA_SUCCESS);
      CHECK(entry->value == answer.second);
    } else {
      CHECK(static_cast<int>(entry->result) == answer.second);
    }
  }
}

TEST_CASE("docs/device-profiles.md is the generated table") {
  const std::string committed = readFile(vgpu::test::sourceDir() / "docs" / "device-profiles.md");
  // On failure: build vgpu-profile-table and run it > docs/device-profiles.md.
  CHECK(committed == renderProfileTableMarkdown());
}
