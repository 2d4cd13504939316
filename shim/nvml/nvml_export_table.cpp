// nvmlInternalGetExportTable: NVIDIA's private side door into libnvidia-ml, which nvidia-smi 535
// asks for right after nvmlInitWithFlags (table id c4fe3e6c-c98f-6c4e-a327-ee696e12f7c4); a failure
// makes it stop with "Mismatch in versions between nvidia-smi and NVML". As with CUDA's export
// tables, the first word of a table is its size in bytes, and nvidia-smi checks that size before
// each slot it uses (cmpq $offset,(table)) and takes its documented-API path when the slot is
// absent. For some things it has no documented path: its process lists come only from slots of
// this table. The shim fills the slots whose contract is known (docs/nvml.md, "nvidia-smi's private
// table"): 81, a device handle by index, and 213-215, the process lists; every other slot up to the
// table's end answers NVML_ERROR_NOT_SUPPORTED and writes nothing (logged once per slot at
// VGPU_LOG=info, so new slots nvidia-smi starts to use show up). Other table ids: NOT_SUPPORTED.
#include "nvml_devices.h"
#include "nvml_entry_points.h"
#include "nvml_usage.h"

#include "vgpu/log.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <utility>

namespace {

using TableId = std::array<unsigned char, 16>;

constexpr TableId kNvidiaSmiTable = {0xc4, 0xfe, 0x3e, 0x6c, 0xc9, 0x8f, 0x6c, 0x4e,
                                     0xa3, 0x27, 0xee, 0x69, 0x6e, 0x12, 0xf7, 0xc4};

// Table index = byte offset / 8 (word 0 is the size).
constexpr int kSlotHandleByIndex = 81;     // fn(unsigned index, nvmlDevice_t* out, 0x22, ...)
constexpr int kSlotComputeProcesses = 213; // fn(nvmlDevice_t, unsigned* count, ProcessEntry* entries)
constexpr int kSlotLastProcessList = 215;  // 214, 215: the other process lists (graphics, MPS)
constexpr int kSlots = kSlotLastProcessList + 1;

// One entry of the private process list: the numeric head of nvmlProcessDetail_v1_t followed by
// the process name inline (the name is what makes nvidia-smi show the row at all).
struct ProcessEntry {
  unsigned int pid;
  unsigned int reserved;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
  unsigned long long usedGpuCcProtectedMemory;
  char name[4096];
};
static_assert(sizeof(ProcessEntry) == 4128 && offsetof(ProcessEntry, name) == 32);

constexpr unsigned int kNoInstance = 0xFFFFFFFFU;
constexpr unsigned int kMaxCapacity = 65536; // nvidia-smi passes 250 or 500

nvmlReturn_t handleByIndex(std::uintptr_t index, void* out) {
  if (out == nullptr || index > 0xFFFFFFFFU) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  return nvmlDeviceGetHandleByIndex_v2(static_cast<unsigned int>(index), static_cast<nvmlDevice_t*>(out));
}

// `compute`: the shim processes presenting the device; the other lists are empty (no graphics
// contexts, no MPS server), which is their true answer.
nvmlReturn_t processList(void* device, void* countOut, void* entriesOut, bool compute) {
  auto* const handle = static_cast<nvmlDevice_t>(device);
  if (const nvmlReturn_t status = vgpu::nvml::checkDevice(handle); status != NVML_SUCCESS) {
    return status;
  }
  auto* const count = static_cast<unsigned int*>(countOut);
  if (count == nullptr || *count > kMaxCapacity) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  std::vector<vgpu::nvml::DeviceProcess> processes;
  if (compute) {
    const vgpu::nvml::DeviceUsage usage = vgpu::nvml::deviceUsage(*handle);
    if (!usage.known) {
      return NVML_ERROR_NOT_SUPPORTED;
    }
    processes = usage.processes;
  }
  const auto capacity = static_cast<std::size_t>(*count);
  auto* const entries = static_cast<ProcessEntry*>(entriesOut);
  std::size_t written = 0;
  for (; written < processes.size() && written < capacity && entries != nullptr; ++written) {
    ProcessEntry& entry = entries[written];
    std::memset(&entry, 0, offsetof(ProcessEntry, name));
    entry.pid = processes[written].pid;
    entry.usedGpuMemory = processes[written].usedBytes;
    entry.gpuInstanceId = kNoInstance;
    entry.computeInstanceId = kNoInstance;
    const std::string name = vgpu::nvml::processExecutable(entry.pid);
    const std::size_t length = std::min(name.size(), sizeof entry.name - 1);
    std::memcpy(entry.name, name.data(), length);
    entry.name[length] = '\0';
  }
  *count = static_cast<unsigned int>(written);
  return NVML_SUCCESS;
}

nvmlReturn_t dispatch(int slot, void* a0, void* a1, void* a2) {
  switch (slot) {
  case kSlotHandleByIndex: return handleByIndex(reinterpret_cast<std::uintptr_t>(a0), a1);
  case kSlotComputeProcesses: return processList(a0, a1, a2, true);
  case kSlotComputeProcesses + 1:
  case kSlotLastProcessList: return processList(a0, a1, a2, false);
  default: break;
  }
  static std::array<std::atomic_flag, kSlots> logged{};
  if (!logged[static_cast<std::size_t>(slot)].test_and_set(std::memory_order_relaxed)) {
    vgpu::log::writef(vgpu::log::Level::Info, "nvml",
                      "nvmlInternalGetExportTable slot %d is not implemented: NVML_ERROR_NOT_SUPPORTED", slot);
  }
  return NVML_ERROR_NOT_SUPPORTED;
}

// One function per slot, so a call says which slot it came through. NVIDIA's slot functions take
// up to four pointer-sized arguments; the unused ones are ignored.
template <int Slot> nvmlReturn_t slotFunction(void* a0, void* a1, void* a2, void* /*a3*/) {
  return dispatch(Slot, a0, a1, a2);
}

template <int... Slots> std::array<const void*, kSlots> makeTable(std::integer_sequence<int, Slots...>) {
  return {reinterpret_cast<const void*>(static_cast<std::uintptr_t>(sizeof(void*) * kSlots)),
          reinterpret_cast<const void*>(&slotFunction<Slots + 1>)...};
}

const void* nvidiaSmiTable() {
  // Built at the first request (a function-local static: no constructor at load time), never freed.
  static const std::array<const void*, kSlots> table = makeTable(std::make_integer_sequence<int, kSlots - 1>{});
  return table.data();
}

} // namespace

VGPU_NVML_EXPORT nvmlReturn_t nvmlInternalGetExportTable(const void** table, const void* tableId) {
  if (table == nullptr || tableId == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  if (std::memcmp(tableId, kNvidiaSmiTable.data(), kNvidiaSmiTable.size()) != 0) {
    const auto* id = static_cast<const unsigned char*>(tableId);
    vgpu::log::writef(vgpu::log::Level::Warn, "nvml",
                      "nvmlInternalGetExportTable: unknown table id "
                      "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                      id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7], id[8], id[9], id[10], id[11], id[12],
                      id[13], id[14], id[15]);
    return NVML_ERROR_NOT_SUPPORTED;
  }
  *table = nvidiaSmiTable();
  return NVML_SUCCESS;
}
