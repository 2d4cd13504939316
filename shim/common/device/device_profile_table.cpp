// The SKU table: each supported GPU as its architecture's attribute set (device_profile_
// architectures.h) plus the figures of that board. Everything is constexpr data, constant-
// initialised: no code runs at load time.
//
// Where the numbers come from (per SKU in `source`):
// - h100-sxm5: the driver facts captured on a real H100 80GB HBM3 (docs/gpu-results/2026-11-26-…).
// - t4, a100-sxm4-40gb, a10, l40s, rtx-4090: published deviceQuery outputs; l4, a100-sxm4-80gb:
//   published cudaGetDeviceProperties dumps (SMs, clocks, memory bytes, bus, L2, copy engines).
// - h100-pcie, h100-nvl, h200 (and the memory of a100-pcie-40gb/-80gb): NVIDIA product briefs for
//   SMs, boost clock, memory data rate, bus width, L2. Total memory of h100-nvl and h200 is
//   nvidia-smi's "FB Memory Total" minus the 480 MiB the captured H100 reserved (the capture shows
//   cuDeviceTotalMem = nvidia-smi total − reserved): an estimate. h100-pcie takes the SXM5's (same
//   81559 MiB total in nvidia-smi).
// - persisting-L2 maximum: captured on Hopper (62.5 % of L2; the same ratio reported for H200); 75 % of L2 assumed for
// Ampere and Ada
//   (A100: 30 MiB). Copy engines: 3 on data-centre HBM parts and T4, 2 on GDDR Ampere/Ada parts.
#include "device_profile_architectures.h"

#include "vgpu/device/pci_discovery.h"

#include <array>

namespace vgpu::device {
namespace profiles {
namespace {

constexpr int kMiB = 1024 * 1024;

struct SkuFigures {
  std::string_view key;
  std::string_view name;
  std::string_view architecture;
  std::uint16_t pciDeviceId = 0;
  std::uint16_t subsystemDeviceId = 0; // a typical board's; the presented device's own replaces it
  std::uint64_t totalMemoryBytes = 0;
  int multiProcessorCount = 0;
  int clockRateKHz = 0;
  int memoryClockRateKHz = 0;
  int memoryBusWidthBits = 0;
  int l2CacheBytes = 0;
  int persistingL2MaxBytes = 0;
  int eccEnabled = 1;
  int asyncEngineCount = 3;
  std::string_view source;
};

constexpr int packedPciId(std::uint16_t deviceId) {
  return static_cast<int>((static_cast<std::uint32_t>(deviceId) << 16) | kNvidiaVendorId);
}

// The architecture's set with the SKU's own figures written into their attributes, so the profile's
// fields and its attribute answers cannot disagree.
constexpr AttributeSet skuAttributes(const AttributeSet& architecture, const SkuFigures& sku,
                                     std::initializer_list<AttributeValue> extra = {}) {
  AttributeSet set =
      withOverrides(architecture, {
                                      {CU_DEVICE_ATTRIBUTE_CLOCK_RATE, sku.clockRateKHz},
                                      {CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, sku.multiProcessorCount},
                                      {CU_DEVICE_ATTRIBUTE_ECC_ENABLED, sku.eccEnabled},
                                      {CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE, sku.memoryClockRateKHz},
                                      {CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, sku.memoryBusWidthBits},
                                      {CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, sku.l2CacheBytes},
                                      {CU_DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT, sku.asyncEngineCount},
                                      {CU_DEVICE_ATTRIBUTE_MAX_PERSISTING_L2_CACHE_SIZE, sku.persistingL2MaxBytes},
                                      {CU_DEVICE_ATTRIBUTE_GPU_PCI_DEVICE_ID, packedPciId(sku.pciDeviceId)},
                                      {CU_DEVICE_ATTRIBUTE_GPU_PCI_SUBSYSTEM_ID, packedPciId(sku.subsystemDeviceId)},
                                  });
  return withOverrides(set, extra);
}

constexpr int attributeOf(const AttributeSet& set, CUdevice_attribute attribute) {
  return set[attributeIndex(attribute)].value;
}

constexpr DeviceProfile makeProfile(const SkuFigures& sku, const AttributeSet& set) {
  return DeviceProfile{
      .key = sku.key,
      .name = sku.name,
      .architecture = sku.architecture,
      .pciDeviceId = sku.pciDeviceId,
      .ccMajor = attributeOf(set, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
      .ccMinor = attributeOf(set, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
      .totalMemoryBytes = sku.totalMemoryBytes,
      .multiProcessorCount = attributeOf(set, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
      .clockRateKHz = attributeOf(set, CU_DEVICE_ATTRIBUTE_CLOCK_RATE),
      .memoryClockRateKHz = attributeOf(set, CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE),
      .memoryBusWidthBits = attributeOf(set, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH),
      .l2CacheBytes = attributeOf(set, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE),
      .sharedMemPerBlockOptin = attributeOf(set, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN),
      .maxThreadsPerMultiProcessor = attributeOf(set, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR),
      .source = sku.source,
      .attributes = std::span<const AttributeValue>(set),
  };
}

// GeForce boards: no ECC, no GPUDirect RDMA.
constexpr std::initializer_list<AttributeValue> kGeForceOverrides = {
    {CU_DEVICE_ATTRIBUTE_GPU_DIRECT_RDMA_WITH_CUDA_VMM_SUPPORTED, 0},
    {CU_DEVICE_ATTRIBUTE_GPU_DIRECT_RDMA_SUPPORTED, 0},
    {CU_DEVICE_ATTRIBUTE_GPU_DIRECT_RDMA_FLUSH_WRITES_OPTIONS, 0},
    {CU_DEVICE_ATTRIBUTE_GPU_DIRECT_RDMA_WRITES_ORDERING, 0},
};

constexpr SkuFigures kH100Sxm5{.key = "h100-sxm5",
                               .name = "NVIDIA H100 80GB HBM3",
                               .architecture = "Hopper",
                               .pciDeviceId = 0x2330,
                               .subsystemDeviceId = 0x16c1,
                               .totalMemoryBytes = 85017493504,
                               .multiProcessorCount = 132,
                               .clockRateKHz = 1980000,
                               .memoryClockRateKHz = 2619000,
                               .memoryBusWidthBits = 5120,
                               .l2CacheBytes = 50 * kMiB,
                               .persistingL2MaxBytes = 32768000,
                               .source = "captured: real H100 80GB HBM3, driver 580.159.04 (docs/gpu-results)"};
constexpr SkuFigures kH100Pcie{.key = "h100-pcie",
                               .name = "NVIDIA H100 PCIe",
                               .architecture = "Hopper",
                               .pciDeviceId = 0x2331,
                               .totalMemoryBytes = 85017493504,
                               .multiProcessorCount = 114,
                               .clockRateKHz = 1755000,
                               .memoryClockRateKHz = 1593000,
                               .memoryBusWidthBits = 5120,
                               .l2CacheBytes = 50 * kMiB,
                               .persistingL2MaxBytes = 32768000,
                               .source = "H100 PCIe product brief (114 SMs, 1755 MHz, HBM2e 1593 MHz); memory as SXM5"};
constexpr SkuFigures kH100Nvl{.key = "h100-nvl",
                              .name = "NVIDIA H100 NVL",
                              .architecture = "Hopper",
                              .pciDeviceId = 0x2321,
                              .totalMemoryBytes = 99981721600,
                              .multiProcessorCount = 132,
                              .clockRateKHz = 1785000,
                              .memoryClockRateKHz = 2619000,
                              .memoryBusWidthBits = 6144,
                              .l2CacheBytes = 50 * kMiB,
                              .persistingL2MaxBytes = 32768000,
                              .source = "H100 NVL product brief (94 GB HBM3, 6144-bit); nvidia-smi 95830 MiB"};
constexpr SkuFigures kH200{.key = "h200",
                           .name = "NVIDIA H200",
                           .architecture = "Hopper",
                           .pciDeviceId = 0x2335,
                           .totalMemoryBytes = 150251503616,
                           .multiProcessorCount = 132,
                           .clockRateKHz = 1980000,
                           .memoryClockRateKHz = 3201000,
                           .memoryBusWidthBits = 6144,
                           .l2CacheBytes = 60 * kMiB,
                           .persistingL2MaxBytes = 39321600,
                           .source = "H200 product brief (141 GB HBM3e, 4.8 TB/s); nvidia-smi 143771 MiB; a published "
                                     "H200 probe: 60 MiB L2, 37.5 MiB persisting max"};
constexpr SkuFigures kA100Pcie40{.key = "a100-pcie-40gb",
                                 .name = "NVIDIA A100-PCIE-40GB",
                                 .architecture = "Ampere GA100",
                                 .pciDeviceId = 0x20f1,
                                 .totalMemoryBytes = 42298834944,
                                 .multiProcessorCount = 108,
                                 .clockRateKHz = 1410000,
                                 .memoryClockRateKHz = 1215000,
                                 .memoryBusWidthBits = 5120,
                                 .l2CacheBytes = 40 * kMiB,
                                 .persistingL2MaxBytes = 30 * kMiB,
                                 .source = "A100 datasheet; memory as the A100-SXM4-40GB deviceQuery"};
constexpr SkuFigures kA100Sxm4_40{.key = "a100-sxm4-40gb",
                                  .name = "NVIDIA A100-SXM4-40GB",
                                  .architecture = "Ampere GA100",
                                  .pciDeviceId = 0x20b0,
                                  .totalMemoryBytes = 42298834944,
                                  .multiProcessorCount = 108,
                                  .clockRateKHz = 1410000,
                                  .memoryClockRateKHz = 1215000,
                                  .memoryBusWidthBits = 5120,
                                  .l2CacheBytes = 40 * kMiB,
                                  .persistingL2MaxBytes = 30 * kMiB,
                                  .source = "deviceQuery, A100-SXM4-40GB, driver 535 (CUDA 12.2)"};
constexpr SkuFigures kA100Pcie80{.key = "a100-pcie-80gb",
                                 .name = "NVIDIA A100 80GB PCIe",
                                 .architecture = "Ampere GA100",
                                 .pciDeviceId = 0x20b5,
                                 .totalMemoryBytes = 85166014464,
                                 .multiProcessorCount = 108,
                                 .clockRateKHz = 1410000,
                                 .memoryClockRateKHz = 1512000,
                                 .memoryBusWidthBits = 5120,
                                 .l2CacheBytes = 40 * kMiB,
                                 .persistingL2MaxBytes = 30 * kMiB,
                                 .source = "A100 80GB datasheet (HBM2e 1935 GB/s); memory as the A100-SXM4-80GB"};
constexpr SkuFigures kA100Sxm4_80{
    .key = "a100-sxm4-80gb",
    .name = "NVIDIA A100-SXM4-80GB",
    .architecture = "Ampere GA100",
    .pciDeviceId = 0x20b2,
    .totalMemoryBytes = 85166014464,
    .multiProcessorCount = 108,
    .clockRateKHz = 1410000,
    .memoryClockRateKHz = 1593000,
    .memoryBusWidthBits = 5120,
    .l2CacheBytes = 40 * kMiB,
    .persistingL2MaxBytes = 30 * kMiB,
    .source = "cudaGetDeviceProperties dump, A100-SXM4-80GB (81221.8 MiB); datasheet (HBM2e 2039 GB/s)"};
constexpr SkuFigures kL40s{.key = "l40s",
                           .name = "NVIDIA L40S",
                           .architecture = "Ada",
                           .pciDeviceId = 0x26b9,
                           .totalMemoryBytes = 47803596800,
                           .multiProcessorCount = 142,
                           .clockRateKHz = 2520000,
                           .memoryClockRateKHz = 9001000,
                           .memoryBusWidthBits = 384,
                           .l2CacheBytes = 96 * kMiB,
                           .persistingL2MaxBytes = 72 * kMiB,
                           .asyncEngineCount = 2,
                           .source = "deviceQuery, L40S, driver 550 (CUDA 12.4); nvidia-smi -q: ECC enabled"};
constexpr SkuFigures kL4{.key = "l4",
                         .name = "NVIDIA L4",
                         .architecture = "Ada",
                         .pciDeviceId = 0x27b8,
                         .totalMemoryBytes = 23670685696,
                         .multiProcessorCount = 58,
                         .clockRateKHz = 2040000,
                         .memoryClockRateKHz = 6251000,
                         .memoryBusWidthBits = 192,
                         .l2CacheBytes = 48 * kMiB,
                         .persistingL2MaxBytes = 36 * kMiB,
                         .asyncEngineCount = 2,
                         .source = "cudaGetDeviceProperties dump, L4 (22574 MiB, 2 copy engines); L4 datasheet"};
constexpr SkuFigures kA10{.key = "a10",
                          .name = "NVIDIA A10",
                          .architecture = "Ampere GA10x",
                          .pciDeviceId = 0x2236,
                          .totalMemoryBytes = 23609475072,
                          .multiProcessorCount = 72,
                          .clockRateKHz = 1695000,
                          .memoryClockRateKHz = 6251000,
                          .memoryBusWidthBits = 384,
                          .l2CacheBytes = 6 * kMiB,
                          .persistingL2MaxBytes = 4718592,
                          .asyncEngineCount = 2,
                          .source =
                              "deviceQuery, A10, driver 535 (CUDA 12.2); A10 datasheet (72 SMs, GDDR6 12.5 Gbps)"};
constexpr SkuFigures kT4{.key = "t4",
                         .name = "Tesla T4",
                         .architecture = "Turing",
                         .pciDeviceId = 0x1eb8,
                         .totalMemoryBytes = 15843721216,
                         .multiProcessorCount = 40,
                         .clockRateKHz = 1590000,
                         .memoryClockRateKHz = 5001000,
                         .memoryBusWidthBits = 256,
                         .l2CacheBytes = 4 * kMiB,
                         .persistingL2MaxBytes = 0,
                         .source = "deviceQuery, Tesla T4"};
constexpr SkuFigures kRtx4090{.key = "rtx-4090",
                              .name = "NVIDIA GeForce RTX 4090",
                              .architecture = "Ada",
                              .pciDeviceId = 0x2684,
                              .totalMemoryBytes = 25386352640,
                              .multiProcessorCount = 128,
                              .clockRateKHz = 2520000,
                              .memoryClockRateKHz = 10501000,
                              .memoryBusWidthBits = 384,
                              .l2CacheBytes = 72 * kMiB,
                              .persistingL2MaxBytes = 54 * kMiB,
                              .eccEnabled = 0,
                              .asyncEngineCount = 2,
                              .source =
                                  "deviceQuery, GeForce RTX 4090, driver 550 (CUDA 12.4): 2 copy engines, ECC off"};

constexpr AttributeSet kH100Sxm5Attributes = skuAttributes(kHopperAttributes, kH100Sxm5);
constexpr AttributeSet kH100PcieAttributes = skuAttributes(kHopperAttributes, kH100Pcie);
constexpr AttributeSet kH100NvlAttributes = skuAttributes(kHopperAttributes, kH100Nvl);
constexpr AttributeSet kH200Attributes = skuAttributes(kHopperAttributes, kH200);
constexpr AttributeSet kA100Pcie40Attributes = skuAttributes(kAmpereGa100Attributes, kA100Pcie40);
constexpr AttributeSet kA100Sxm4_40Attributes = skuAttributes(kAmpereGa100Attributes, kA100Sxm4_40);
constexpr AttributeSet kA100Pcie80Attributes = skuAttributes(kAmpereGa100Attributes, kA100Pcie80);
constexpr AttributeSet kA100Sxm4_80Attributes = skuAttributes(kAmpereGa100Attributes, kA100Sxm4_80);
constexpr AttributeSet kL40sAttributes = skuAttributes(kAdaAttributes, kL40s);
constexpr AttributeSet kL4Attributes = skuAttributes(kAdaAttributes, kL4);
constexpr AttributeSet kA10Attributes = skuAttributes(kAmpereGa10xAttributes, kA10);
constexpr AttributeSet kT4Attributes = skuAttributes(kTuringAttributes, kT4);
constexpr AttributeSet kRtx4090Attributes = skuAttributes(kAdaAttributes, kRtx4090, kGeForceOverrides);

} // namespace

constexpr std::array kProfiles{
    makeProfile(kH100Pcie, kH100PcieAttributes),
    makeProfile(kH100Sxm5, kH100Sxm5Attributes),
    makeProfile(kH100Nvl, kH100NvlAttributes),
    makeProfile(kH200, kH200Attributes),
    makeProfile(kA100Pcie40, kA100Pcie40Attributes),
    makeProfile(kA100Sxm4_40, kA100Sxm4_40Attributes),
    makeProfile(kA100Pcie80, kA100Pcie80Attributes),
    makeProfile(kA100Sxm4_80, kA100Sxm4_80Attributes),
    makeProfile(kL40s, kL40sAttributes),
    makeProfile(kL4, kL4Attributes),
    makeProfile(kA10, kA10Attributes),
    makeProfile(kT4, kT4Attributes),
    makeProfile(kRtx4090, kRtx4090Attributes),
};

} // namespace profiles

std::span<const DeviceProfile> allProfiles() {
  return profiles::kProfiles;
}

} // namespace vgpu::device
