// NVIDIA's CUDA runtime (libcudart.so.13) and cuBLAS on the shim's simulated device: the nvcc-built
// programs in tests/cuda/programs run with the shim first on the library path and a fixture sysfs
// tree as the guest's PCI bus.
#include <catch2/catch.hpp>

#include "run_program.h"
#include "sysfs_fixture.h"
#include "test_paths.h"

#include "vgpu/device/device_discovery.h"
#include "vgpu/device/device_identity.h"
#include "vgpu/device/device_profiles.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

using vgpu::test::outputValue;
using vgpu::test::ProgramResult;

// Run by with_vgpud.sh --cuda-double: vgpud's cuda backend over the shim standing in for the driver.
bool executorIsDriverDouble() {
  const char* executor = std::getenv("VGPU_TEST_EXECUTOR");
  return executor != nullptr && std::string(executor) == "cuda-double";
}

std::string machineIdFile() {
  return (vgpu::test::dataDir() / "sysfs" / "machine-id").string();
}

ProgramResult runCuda(const std::string& program, const std::string& sysfsTree,
                      std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> environment = {
      {"LD_LIBRARY_PATH", VGPU_SHIM_LIBRARY_DIR},
      {"VGPU_CONFIG", "/nonexistent/vgpu-shim.conf"},
      {"VGPU_BACKEND", vgpu::test::testBackend()},
      {"VGPU_SYSFS_ROOT", vgpu::test::buildSysfsTree(sysfsTree).string()},
      {"VGPU_MACHINE_ID_FILE", machineIdFile()},
      {"VGPU_EXPECT_SIMULATED", "1"},
      {"VGPU_LOG", "warn"},
      {"VGPU_PROFILE", ""},
      {"CUDA_VISIBLE_DEVICES", ""},
  };
  for (auto& [name, value] : extra) {
    environment[name] = value;
  }
  return vgpu::test::runProgram(std::string(VGPU_CUDA_PROGRAM_DIR) + "/" + program, {}, environment, 300);
}

std::string expectedUuid(const std::string& address) {
  std::ifstream file(machineIdFile());
  std::stringstream text;
  text << file.rdbuf();
  vgpu::device::PciAddress pci;
  unsigned domain = 0, bus = 0, device = 0, function = 0;
  std::sscanf(address.c_str(), "%x:%x:%x.%x", &domain, &bus, &device, &function);
  pci.domain = domain;
  pci.bus = static_cast<std::uint8_t>(bus);
  pci.device = static_cast<std::uint8_t>(device);
  pci.function = static_cast<std::uint8_t>(function);
  const auto uuid = vgpu::device::deviceUuid(vgpu::device::trimMachineId(text.str()), pci);
  std::string hex;
  char digits[3];
  for (std::uint8_t byte : uuid) {
    std::snprintf(digits, sizeof digits, "%02x", byte);
    hex += digits;
  }
  return hex;
}

} // namespace

TEST_CASE("cudaGetDeviceCount follows the stubs on the PCI bus: 0, 1, 2") {
  const ProgramResult zero = runCuda("device_query", "zero-stubs");
  INFO(zero.output);
  CHECK(zero.exitCode == 0);
  CHECK(outputValue(zero.output, "device-count") == "0");

  const ProgramResult one = runCuda("device_query", "one-stub");
  INFO(one.output);
  REQUIRE(one.exitCode == 0);
  CHECK(outputValue(one.output, "device-count") == "1");
  CHECK(outputValue(one.output, "driver-version") == std::to_string(CUDA_VERSION));
  CHECK(outputValue(one.output, "0 name") == "NVIDIA H100 PCIe");
  CHECK(outputValue(one.output, "0 pci") == "0000:00:05");
  CHECK(outputValue(one.output, "0 uuid") == expectedUuid("0000:00:05.0"));

  if (executorIsDriverDouble()) {
    WARN("two GPUs through vgpud's cuda backend need multi-GPU VMM, which the driver double does not simulate");
    return;
  }
  const ProgramResult two = runCuda("device_query", "two-stubs");
  INFO(two.output);
  REQUIRE(two.exitCode == 0);
  CHECK(outputValue(two.output, "device-count") == "2");
  CHECK(outputValue(two.output, "0 pci") < outputValue(two.output, "1 pci")); // PCI address order
  CHECK(outputValue(two.output, "0 uuid") != outputValue(two.output, "1 uuid"));
}

TEST_CASE("cudaGetDeviceProperties matches every device profile field by field") {
  if (executorIsDriverDouble()) {
    WARN("vgpud's cuda backend presents the executing GPU's own identity, not a profile the guest names");
    return;
  }
  for (const vgpu::device::DeviceProfile& profile : vgpu::device::allProfiles()) {
    INFO("profile " << profile.key);
    const ProgramResult run =
        runCuda("device_query", "one-stub", {{"VGPU_PROFILE", "10de:2331=" + std::string(profile.key)}});
    INFO(run.output);
    REQUIRE(run.exitCode == 0);
    CHECK(outputValue(run.output, "0 name") == profile.name);
    CHECK(outputValue(run.output, "0 cc") == std::to_string(profile.ccMajor) + "." + std::to_string(profile.ccMinor));
    CHECK(outputValue(run.output, "0 sms") == std::to_string(profile.multiProcessorCount));
    CHECK(outputValue(run.output, "0 total-mem") == std::to_string(profile.totalMemoryBytes));
    CHECK(outputValue(run.output, "0 smem-optin") == std::to_string(profile.sharedMemPerBlockOptin));
    CHECK(outputValue(run.output, "0 l2") == std::to_string(profile.l2CacheBytes));
    CHECK(outputValue(run.output, "0 bus-width") == std::to_string(profile.memoryBusWidthBits));
    CHECK(outputValue(run.output, "0 uuid") == expectedUuid("0000:00:05.0"));
    // cudaMemGetInfo follows allocations: 256 MiB allocated shows as 256 MiB less free, and back.
    CHECK(outputValue(run.output, "0 mem-total") == std::to_string(profile.totalMemoryBytes));
    CHECK(outputValue(run.output, "0 mem-free-delta-alloc") == std::to_string(256 << 20));
    CHECK(outputValue(run.output, "0 mem-free-delta-free") == std::to_string(256 << 20));
  }
}

TEST_CASE("memory round trips, memsets, event timing and a captured graph through cudart 13") {
  const ProgramResult run = runCuda("memory_checks", "one-stub");
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  CHECK(run.output.find("pass roundtrip-sync-268435456") != std::string::npos);
  CHECK(run.output.find("pass graph-launch-results") != std::string::npos);
  CHECK(run.output.find("pass graph-clone-nodes") != std::string::npos);
  CHECK(run.output.find("pass graph-clone-launch-results") != std::string::npos);
  CHECK(run.output.find("pass graph-edges-api") != std::string::npos);
  for (const char* check : {"graph-host-node-params", "graph-event-node-events", "graph-child-node-graph",
                            "graph-node-kind-refused", "graph-node-params-launch"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
  for (const char* check : {"malloc-async",
                            "malloc-async-data",
                            "pool-used-follows-malloc-async",
                            "pool-used-follows-free-async",
                            "pool-release-threshold",
                            "explicit-pool-alloc",
                            "explicit-pool-destroy",
                            "memcpy-batch-round-trip",
                            "memcpy-batch-bad-attribute-index-refused",
                            "memcpy-batch-invalid-access-order-refused",
                            "memcpy-batch-legacy-stream-refused",
                            "memcpy-batch-refusals-copy-nothing",
                            "memcpy-3d-peer-region",
                            "default-pool-by-location",
                            "set-pool-by-location",
                            "pool-by-location-missing-device-refused",
                            "host-pool-default",
                            "host-pool-current",
                            "host-pool-not-a-device-pool",
                            "host-pool-allocation-is-host-memory",
                            "host-pool-memory-copies",
                            "host-pool-used",
                            "host-pool-free-async",
                            "host-pool-explicit",
                            "host-numa-pool",
                            "host-numa-pool-missing-node-refused",
                            "memcpy-3d-batch-box",
                            "memcpy-3d-batch-zero-extent-refused",
                            "memcpy-3d-batch-short-rows-refused",
                            "memcpy-3d-batch-legacy-stream-refused"}) {
    CHECK(run.output.find(std::string("pass ") + check + " \n") != std::string::npos);
  }
  // Pools of managed memory are not built: said, never faked.
  CHECK(outputValue(run.output, "info managed-pool-default") == "801"); // cudaErrorNotSupported
}

// Pinned and managed memory are shared with the executor everywhere but through vgpud over a
// network without a guest region (TCP, vsock), where pinned memory stays in the process and managed
// memory is not offered.
bool hostMemoryUnshared() {
  const char* endpoint = std::getenv("VGPU_ENDPOINT");
  const std::string where = endpoint != nullptr ? endpoint : "";
  return (where.rfind("tcp:", 0) == 0 || where.rfind("vsock:", 0) == 0) && std::getenv("VGPU_SHARED_DEVICE") == nullptr;
}

TEST_CASE("stream memory operations: writes, waits and batches in stream order, and the driver's refusals") {
  const ProgramResult run =
      runCuda("stream_memory_checks", "one-stub", {{"VGPU_EXPECT_PINNED_UNSHARED", hostMemoryUnshared() ? "1" : "0"}});
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  for (const char* check : {"write-value-32",
                            "write-value-64",
                            "write-value-no-barrier",
                            "wait-geq-met",
                            "wait-geq-cyclic-met",
                            "wait-eq-met",
                            "wait-and-met",
                            "wait-nor-met",
                            "wait-64-eq-met",
                            "write-after-memset-in-order",
                            "memset-after-write-in-order",
                            "batch-in-order",
                            "batch-256-refused",
                            "batch-255",
                            "batch-flags-refused",
                            "batch-null-refused",
                            "batch-refused-runs-nothing",
                            "flush-remote-writes-not-offered",
                            "misaligned-32-refused",
                            "misaligned-64-refused",
                            "write-flags-refused",
                            "wait-flags-refused",
                            "null-address-refused",
                            "pageable-refused",
                            "capture-into-graph-nodes",
                            "batch-node-params-read-back",
                            "batch-node-runs",
                            "batch-node-exec-set-params",
                            "batch-node-exec-type-or-count-change-refused",
                            "batch-node-set-params",
                            "batch-node-through-add-node",
                            "batch-node-bad-params-refused",
                            "default-stream-write",
                            "unmet-device-wait-refused-simulated"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
  if (hostMemoryUnshared()) {
    CHECK(run.output.find("pass pinned-host-unreachable-refused ") != std::string::npos);
  } else {
    for (const char* check : {"pinned-host-write", "pinned-host-wait-met", "unmet-wait-refused-simulated"}) {
      INFO(check);
      CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
    }
  }
  // Managed memory is refused where it exists (the simulated device; vgpud offers none).
  CHECK((run.output.find("pass managed-refused ") != std::string::npos ||
         run.output.find("info managed-refused not checked") != std::string::npos));
}

TEST_CASE("managed memory hints: prefetches, advice and range attributes kept per page, and the refusals") {
  const ProgramResult run = runCuda("managed_memory_checks", "one-stub");
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  for (const char* check :
       {"prefetch-device-memory-refused", "advise-device-memory-refused", "attribute-device-memory-refused"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
  if (hostMemoryUnshared()) {
    // vgpud over TCP or vsock without a guest region shares no memory: said, and the hints on device
    // memory refused above.
    CHECK(run.output.find("info managed memory not offered here") != std::string::npos);
    return;
  }
  for (const char* check : {"managed-pointer-attributes",
                            "host-writes-device-reads",
                            "device-memset-host-reads",
                            "device-copy-host-reads",
                            "never-prefetched-invalid",
                            "prefetch-to-device",
                            "last-prefetch-device",
                            "last-prefetch-type-and-id",
                            "prefetch-half-to-host",
                            "last-prefetch-per-part",
                            "page-rounding",
                            "prefetch-batch",
                            "prefetch-batch-indices-refused",
                            "discard-batch",
                            "read-mostly",
                            "read-mostly-per-page",
                            "no-preferred-location",
                            "preferred-device",
                            "preferred-host-on-one-page",
                            "preferred-type-host",
                            "preferred-unset",
                            "accessed-by",
                            "accessed-by-needs-whole-range",
                            "range-get-attributes",
                            "attribute-size-refused",
                            "advise-missing-device-refused",
                            "prefetch-flags-refused",
                            "prefetch-past-allocation-refused",
                            "stream-attach-single",
                            "stream-attach-flags-refused",
                            "data-unchanged",
                            "new-allocation-no-hints"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
}

TEST_CASE("__managed__ variables: host access, symbol, hints; where they cannot be reached refused with the reason") {
  const ProgramResult run = runCuda("managed_variable_checks", "one-stub", {{"VGPU_LOG", "warn"}});
  INFO(run.output);
  const char* executor = std::getenv("VGPU_TEST_EXECUTOR");
  if (executor != nullptr && std::string(executor) == "cuda-double") {
    // Where kernels run the variable is the GPU driver's, in vgpud: the driver says so, and cudart
    // cannot run the program.
    CHECK(run.output.find("__managed__ variable counters is the managed memory of the GPU's driver behind the "
                          "executor") != std::string::npos);
    CHECK(run.exitCode != 0);
    return;
  }
  if (hostMemoryUnshared()) {
    // No managed memory behind vgpud over TCP: the driver says so, and cudart cannot run the program.
    CHECK(run.output.find("__managed__ variable counters needs managed memory, which this executor does not offer") !=
          std::string::npos);
    CHECK(run.exitCode != 0);
    return;
  }
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  for (const char* check : {"managed-variable-host-access", "managed-variable-symbol", "managed-variable-is-managed",
                            "managed-variable-prefetch"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
}

TEST_CASE("tensor maps: tiled and im2col encodings, every documented rule refused alone, address replacement") {
  const ProgramResult run = runCuda("tensor_map_checks", "one-stub");
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  for (const char* check : {"tiled-encode",
                            "tiled-encode-swizzle-128b",
                            "replace-address",
                            "replace-address-misaligned-refused",
                            "rank-0-refused",
                            "rank-6-refused",
                            "address-misaligned-refused",
                            "dim-0-refused",
                            "dim-over-2-32-refused",
                            "stride-not-16-refused",
                            "stride-2-40-refused",
                            "box-0-refused",
                            "box-257-refused",
                            "box-inner-not-16-bytes-refused",
                            "element-stride-0-refused",
                            "element-stride-9-refused",
                            "interleave-unknown-refused",
                            "swizzle-unknown-refused",
                            "oob-nan-integer-refused",
                            "swizzle-span-exceeded-refused",
                            "interleave-rank-2-refused",
                            "interleave-32b-needs-swizzle-32b-refused",
                            "map-misaligned-refused",
                            "im2col-encode",
                            "im2col-rank-2-refused",
                            "im2col-channels-257-refused",
                            "im2col-pixels-1025-refused",
                            "im2col-corner-out-of-range-refused",
                            "im2col-swizzle-span-exceeded-refused"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
  CHECK(run.output.find("skip tma-tile-copy ") != std::string::npos); // kernels run only on a GPU
}

TEST_CASE("CUDA arrays, texture and surface objects: kinds, copies, descriptors and the documented refusals") {
  const ProgramResult run = runCuda("array_texture_checks", "one-stub");
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  for (const char* check : {"array-counts-against-memory",
                            "array-get-info",
                            "array-2d-round-trip",
                            "array-2d-sub-box",
                            "array-box-past-row-refused",
                            "array-box-past-rows-refused",
                            "array-x-not-element-aligned-refused",
                            "array-refused-copies-changed-nothing",
                            "array-to-array-and-device",
                            "array-copy-captured",
                            "freed-array-memory-returned",
                            "array-3d-round-trip",
                            "array-3d-slices-at-offsets",
                            "array-3d-past-depth-refused",
                            "array-layered",
                            "array-cubemap",
                            "array-width-0-refused",
                            "array-3-channels-refused",
                            "array-unknown-format-refused",
                            "array-normalized-format-channels-refused",
                            "array-normalized-format",
                            "array-past-2d-width-refused",
                            "array-gather-3d-refused",
                            "array-cubemap-not-square-refused",
                            "array-3d-without-rows-refused",
                            "array-unknown-flag-refused",
                            "array-1d-descriptor",
                            "array-1d-byte-copies",
                            "array-1d-past-end-refused",
                            "array-destroy-twice-refused",
                            "array-destroyed-refused",
                            "texture-on-array",
                            "texture-resource-desc",
                            "texture-texture-desc",
                            "texture-no-view-refused",
                            "texture-destroy",
                            "texture-destroy-twice-refused",
                            "texture-view",
                            "texture-view-other-extent-refused",
                            "texture-seamless-cubemap-on-2d-refused",
                            "texture-on-pitched",
                            "texture-pitched-misaligned-refused",
                            "texture-pitch-not-aligned-refused",
                            "texture-past-allocation-refused",
                            "texture-on-linear",
                            "texture-view-on-linear-refused",
                            "texture-on-host-memory-refused",
                            "surface-without-load-store-refused",
                            "mipmap-create",
                            "mipmap-counts-against-memory",
                            "mipmap-levels-clamped",
                            "mipmap-level-extents",
                            "mipmap-last-level-1x1",
                            "mipmap-level-round-trip",
                            "mipmap-level-texture",
                            "sparse-properties-of-plain-refused",
                            "memory-requirements-of-mapped-refused",
                            "plane-of-single-plane-refused",
                            "mipmap-free",
                            "mipmap-memory-returned"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
  CHECK(run.output.find("skip texture-sampled-in-kernel ") != std::string::npos); // kernels run only on a GPU
  // A texture over a whole mipmapped array (sampling between levels) is not built, with the reason.
  CHECK(run.output.find("skip mipmap-texture not offered here") != std::string::npos);
  CHECK(run.output.find("a texture over a whole mipmapped array is not built") != std::string::npos);
  if (std::getenv("VGPU_ENDPOINT") != nullptr) {
    // vgpud makes textures (its executor's own values) but no surfaces: they need the GPU's own arrays.
    CHECK(run.output.find("skip surface-object not offered here") != std::string::npos);
    CHECK(run.output.find("surface objects need CUDA arrays on the executing GPU") != std::string::npos);
    return;
  }
  for (const char* check : {"surface-object", "surface-resource-desc", "surface-destroy"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
}

// VMM memory as NCCL and PyTorch's expandable segments ask for it: shareable as POSIX file
// descriptors, fabric handles answered NOT_PERMITTED (as without an IMEX channel), access per
// device, retained handles, release while mapped; and exported memory imported in this process
// and in a child process the descriptor was passed to, each seeing the other's bytes.
TEST_CASE("VMM memory shared as POSIX file descriptors, retained, released while mapped, its access read back") {
  const ProgramResult run = runCuda("vmm_sharing_checks", "one-stub", {{"VGPU_LOG", "info"}});
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  for (const char* check :
       {"granularity-of-shareable", "create-fabric-answered-as-nccl-expects", "create-windows-handle-refused",
        "create-posix", "properties-say-posix", "pointer-allowed-handle-types", "get-access-read-write",
        "get-access-after-set", "retain-from-inner-address", "handle-held-after-retain-release",
        "memory-lives-while-mapped", "released-handle-gone", "retain-after-release-while-mapped",
        "get-access-of-unmapped-refused", "retain-of-unmapped-refused", "export-of-unshareable-refused"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
  CHECK(run.output.find("fabric handles need an IMEX channel") != std::string::npos); // the reason, logged
  if (std::getenv("VGPU_ENDPOINT") != nullptr) {
    // The memory lives in the vgpud session: handing it to another process is not built there.
    CHECK(run.output.find("skip export not offered here") != std::string::npos);
    CHECK(run.output.find("is not built through vgpud") != std::string::npos);
    return;
  }
  for (const char* check : {"export", "import-in-same-process", "import-of-a-pipe-refused", "child-reads-parent-bytes",
                            "child-sees-parent-bytes", "parent-sees-child-bytes"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
}

// CUDA's JIT linker: NVIDIA's libnvJitLink (the toolkit's, found by name here) links relocatable PTX
// into a cubin every backend loads; without a linker one input passes through and two are refused.
TEST_CASE("the JIT linker: relocatable units linked into a cubin that loads, logs written back, bad input refused") {
  const ProgramResult run = runCuda("link_checks", "one-stub");
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  for (const char* check : {"link-unknown-option-refused", "link-log-without-size-refused", "link-one-input",
                            "link-one-input-loads", "link-two-ptx-units", "link-info-log-size-written",
                            "link-wall-time-written", "link-cubin-loads", "link-input-type-refused",
                            "link-missing-file-refused", "link-destroyed-refused", "link-unresolved-symbol-refused"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
  CHECK(run.output.find("Undefined reference to 'scale'") != std::string::npos); // the linker's own words

  const ProgramResult without = runCuda("link_checks", "one-stub", {{"VGPU_JIT_LINKER", "off"}});
  INFO(without.output);
  CHECK(without.exitCode == 0);
  CHECK(without.output.find("fail ") == std::string::npos);
  for (const char* check : {"link-one-input", "link-one-input-loads", "link-two-inputs-need-a-linker"}) {
    INFO(check);
    CHECK(without.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
}

TEST_CASE("graph memory nodes: explicit and captured, their data, their rules and the device's figures") {
  const ProgramResult run = runCuda("graph_memory_checks", "one-stub", {{"VGPU_LOG", "info"}});
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  for (const char* check : {"graph-alloc-node-address",
                            "graph-alloc-node-params",
                            "graph-free-node-params",
                            "graph-free-twice-refused",
                            "graph-free-foreign-address-refused",
                            "graph-memory-clone-refused",
                            "graph-memory-child-refused",
                            "graph-memory-node-removal-refused",
                            "graph-memory-one-instantiation",
                            "graph-alloc-node-data-every-launch",
                            "graph-mem-used-follows-nodes",
                            "graph-mem-high-reset",
                            "graph-mem-attribute-set-refused",
                            "graph-mem-trim",
                            "graph-memory-instantiate-after-destroy",
                            "graph-allocation-used-after-launch",
                            "graph-mem-used-while-live",
                            "graph-relaunch-while-live-refused",
                            "graph-mem-used-after-free-async",
                            "graph-relaunch-after-free-async",
                            "graph-relaunch-after-cudafree",
                            "graph-auto-free-on-launch",
                            "capture-malloc-async-nodes",
                            "capture-did-not-execute",
                            "capture-malloc-async-data",
                            "capture-allocation-freed-by-cudafree",
                            "graph-add-node-generic",
                            "graph-add-node-unbuilt-kind-refused"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
}

TEST_CASE("graph nodes change after building and in an executable; capture into a graph; user objects; DOT dump; "
          "kernel node attributes") {
  // Debug: the shim says when the backend runs a graph whole (graph_whole.h), as every backend here can.
  const ProgramResult run = runCuda("graph_update_checks", "one-stub", {{"VGPU_LOG", "debug"}});
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  CHECK(run.output.find("graphs run whole on the backend") != std::string::npos);
  CHECK(run.output.find("refused a graph") == std::string::npos);
  for (const char* check : {"device-graph-results",
                            "device-graph-exec-set-params",
                            "device-graph-disabled-copy-skipped",
                            "device-graph-enabled-copy-runs",
                            "device-graph-updated-results",
                            "instantiate-with-params-upload",
                            "memset-node-params-read-back",
                            "memcpy-node-params-read-back",
                            "memset-node-set-read-back",
                            "memset-node-bad-element-refused",
                            "memset-node-unchanged-after-refusal",
                            "launch-memset-copied",
                            "launch-host-nodes-ran",
                            "updated-memset-copied-to-new-destination",
                            "updated-old-destination-untouched",
                            "updated-host-functions-ran",
                            "updated-event-recorded",
                            "graph-unchanged-by-exec-updates",
                            "disabled-memset-skipped",
                            "enabled-memset-runs-again",
                            "host-node-cannot-be-disabled",
                            "kernel-params-on-memset-node-refused",
                            "memcpy-changing-memory-kind-refused",
                            "child-graph-of-other-shape-refused",
                            "node-of-another-graph-refused",
                            "executable-unchanged-by-refusals",
                            "exec-update-success",
                            "capture-into-existing-graph",
                            "captured-node-depends-on-given-node",
                            "capture-dependencies-outside-capture-refused",
                            "generic-node-set-read-back",
                            "generic-node-set-other-kind-refused",
                            "graph-release-too-many-refused",
                            "debug-dot-print-content",
                            "user-object-alive-with-executable",
                            "user-object-destroyed-with-last-reference",
                            "user-object-released-after-destruction-refused",
                            "kernel-attributes-read-back",
                            "kernel-window-beyond-device-refused",
                            "kernel-cluster-not-dividing-grid-refused",
                            "stream-only-attribute-refused",
                            "attribute-on-memset-node-refused",
                            "kernel-attributes-copied",
                            "kernel-attributes-kept-by-new-params",
                            "exec-update-kernel-function-changed",
                            "exec-update-node-kind-changed-refused",
                            "exec-update-node-count-changed-refused"}) {
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
}

// Where kernels run (vgpud's cuda backend, here on the driver double) the graphs run whole in the
// executor's driver (graph_whole.h), which decides; elsewhere the shim replays and decides.
TEST_CASE("conditional graph nodes choose their bodies by the handle's value, in the shim or in the executor") {
  const ProgramResult run = runCuda("graph_conditional_checks", "one-stub", {{"VGPU_LOG", "debug"}});
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  if (executorIsDriverDouble()) {
    CHECK(run.output.find("graphs run whole on the backend") != std::string::npos);
    CHECK(run.output.find("must run whole") == std::string::npos);
  }
  for (const char* check :
       {"conditional-if-taken", "conditional-else-taken", "conditional-node-type",
        "conditional-switch-chooses-by-value", "conditional-clone-refused", "conditional-while-zero-runs-nothing",
        "conditional-nested-if", "conditional-without-default-starts-at-zero", "conditional-if-of-three-refused",
        "conditional-foreign-handle-refused", "conditional-body-host-node-refused", "conditional-body-owned-by-node",
        "conditional-graph-destroyed-before-launch", "conditional-endless-while-refused"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
}

TEST_CASE("kernel launches are accepted when they match the kernel, refused otherwise, and counted") {
  const ProgramResult run = runCuda("launch_checks", "one-stub", {{"VGPU_LOG", "info"}});
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  CHECK(run.output.find("pass driver-launch-wrong-size-refused") != std::string::npos);
  CHECK(run.output.find("pass profiler-start") != std::string::npos);
  CHECK(run.output.find("pass profiler-stop") != std::string::npos);
  for (const char* check : {"stream-attribute-set", "stream-attribute-get", "stream-attribute-copy",
                            "stream-attribute-bad-refused", "stream-attribute-sync-policy"}) {
    CHECK(run.output.find(std::string("pass ") + check) != std::string::npos);
  }
  // Accepted: one <<<>>> launch, one cuLaunchKernel with kernelParams, one with a right-sized
  // buffer. Refused launches are not counted.
  CHECK(run.output.find("kernel launches validated and counted (not run): 3;") != std::string::npos);
}

TEST_CASE("cuBLAS creates, configures and destroys a handle through the shim") {
  const ProgramResult run = runCuda("cublas_smoke", "one-stub");
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
}

TEST_CASE("cuRAND, cuSOLVER, cuSPARSE, cuDNN, NVRTC and cuFFT work through the shim") {
  const ProgramResult run = runCuda("library_checks", "one-stub");
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  // cuFFT's plans need the tools' module table (6e163fbe, slot 7): docs/dark-api.md §2.12.
  for (const char* check : {"curand-create", "curand-generate", "cusolver-create", "cusolver-potrf-workspace",
                            "cusolver-potrf", "cusolver-potrs", "cusparse-create", "cusparse-csr", "cusparse-spmv",
                            "nvrtc-compile", "nvrtc-module-load", "nvrtc-launch", "cufft-plan", "cufft-set-stream",
                            "cufft-exec", "cufft-inverse", "cufft-r2c", "cufft-2d", "cufft-plan-many"}) {
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
  CHECK((run.output.find("pass cudnn-create ") != std::string::npos ||
         run.output.find("info cudnn-create not built") != std::string::npos));
}

// Legacy IPC as PyTorch's multiprocessing and NCCL's legacy transport use it: a cudaMalloc
// allocation's handle opened by a child process, each seeing the other's bytes, opened twice (one
// pointer, reference counted), an interprocess event opened there; a pool shared as rmm and UCX
// share one (its descriptor and a pointer imported by the child); and the driver's refusals.
TEST_CASE(
    "legacy IPC and shared pools: handles opened by another process, a pool's pointer imported there, the refusals") {
  const ProgramResult run = runCuda("ipc_checks", "one-stub", {{"VGPU_LOG", "warn"}});
  INFO(run.output);
  CHECK(run.output.find("fail ") == std::string::npos);
  CHECK(run.exitCode == 0);
  for (const char* check :
       {"pool-memory-refused", "host-memory-refused", "plain-event-refused", "interprocess-event-needs-disable-timing",
        "garbage-handle-refused", "close-of-unopened-refused"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
  if (std::getenv("VGPU_ENDPOINT") != nullptr) {
    // Device memory lives in the vgpud session: handing it to another process is not built there.
    CHECK(run.output.find("pass event-handle-not-offered ") != std::string::npos);
    CHECK(run.output.find("skip get-mem-handle not offered here") != std::string::npos);
    CHECK(run.output.find("shares no device memory or events between processes") != std::string::npos);
    return;
  }
  CHECK(outputValue(run.output, "info pool-export") == "0");
  for (const char* check :
       {"get-mem-handle", "inner-pointer-names-its-allocation", "open-in-own-process-refused", "bad-flags-refused",
        "posix-exportable-pool-allocates", "pool-export-of-plain-pointer-refused", "pool-export-of-unshareable-refused",
        "pool-import-of-other-descriptor-refused", "child-sees-parent-bytes", "parent-sees-child-bytes",
        "parent-sees-child-pool-bytes"}) {
    INFO(check);
    CHECK(run.output.find(std::string("pass ") + check + " ") != std::string::npos);
  }
}

// The profile table audited: every CUDA program of ours passes on every device profile, on the
// simulated device and through vgpud (sim) over a Unix socket. The other transports carry the same
// calls, and vgpud's cuda backend presents the executing GPU's own identity, so they are not swept.
TEST_CASE("every CUDA program passes on every device profile") {
  const char* endpoint = std::getenv("VGPU_ENDPOINT");
  if (executorIsDriverDouble() || (endpoint != nullptr && std::string(endpoint).rfind("unix:", 0) != 0)) {
    WARN("the profile sweep runs on the simulated device and through vgpud over a Unix socket only");
    return;
  }
  for (const vgpu::device::DeviceProfile& profile : vgpu::device::allProfiles()) {
    for (const char* program :
         {"device_query", "memory_checks", "launch_checks", "graph_memory_checks", "graph_conditional_checks",
          "graph_update_checks", "stream_memory_checks", "array_texture_checks", "vmm_sharing_checks", "ipc_checks",
          "cublas_smoke", "library_checks"}) {
      INFO("profile " << profile.key << ", program " << program);
      const ProgramResult run = runCuda(program, "one-stub",
                                        {{"VGPU_PROFILE", "10de:2331=" + std::string(profile.key)},
                                         {"VGPU_ROUND_TRIP_MAX_BYTES", std::to_string((1 << 20) + 7)},
                                         {"VGPU_LOG", "info"}}); // cuInit's line names the device
      INFO(run.output);
      CHECK(run.exitCode == 0);
      CHECK(run.output.find("fail ") == std::string::npos);
      CHECK(run.output.find(" " + std::string(profile.name) + " ") != std::string::npos); // it ran as that device
    }
  }
}

TEST_CASE("bad PCI trees and unknown ids give no device, not a crash") {
  for (const char* tree : {"unknown-id", "garbled", "missing-device-file"}) {
    INFO("tree " << tree);
    const ProgramResult run = runCuda("device_query", tree, {{"VGPU_LOG", "info"}});
    INFO(run.output);
    CHECK(run.exitCode == 0);
    CHECK(outputValue(run.output, "device-count") == "0");
  }
  const ProgramResult unknown = runCuda("device_query", "unknown-id", {{"VGPU_LOG", "info"}});
  CHECK(unknown.output.find("profile=") != std::string::npos); // the log names the setting that maps it
}
