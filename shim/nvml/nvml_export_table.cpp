// nvmlInternalGetExportTable: NVIDIA's private side door into libnvidia-ml, which nvidia-smi 535
// asks for right after nvmlInitWithFlags (table id c4fe3e6c-c98f-6c4e-a327-ee696e12f7c4); a failure
// makes it stop with "Mismatch in versions between nvidia-smi and NVML". As with CUDA's export
// tables, the first word of a table is its size in bytes, and nvidia-smi checks that size before
// each slot it uses (cmpq $offset,(table)) and takes its documented-API path when the slot is
// absent. The shim implements none of the private slots, so it hands out a table holding only its
// size: every slot reads as absent. Other table ids are unknown: NVML_ERROR_NOT_SUPPORTED.
#include "nvml_entry_points.h"

#include "vgpu/log.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace {

using TableId = std::array<unsigned char, 16>;

constexpr TableId kNvidiaSmiTable = {0xc4, 0xfe, 0x3e, 0x6c, 0xc9, 0x8f, 0x6c, 0x4e,
                                     0xa3, 0x27, 0xee, 0x69, 0x6e, 0x12, 0xf7, 0xc4};

// The size word alone: no slot lies inside the table.
constexpr std::uintptr_t kEmptyTable[1] = {sizeof(std::uintptr_t)};

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
  *table = kEmptyTable;
  return NVML_SUCCESS;
}
