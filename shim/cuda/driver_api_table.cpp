// The table of implemented driver entry points and the cuGetProcAddress lookup over it.
#include "driver_api_table.h"

#include "entry_points.h"

#include <array>

namespace vgpu::cuda {
namespace {

template <typename F> void* fn(F* function) {
  return reinterpret_cast<void*>(function);
}

// Rows are grouped by name; versions are those at which NVIDIA introduced each variant.
// Built at the first lookup (a function-local static), never by a load-time constructor:
// function addresses are not constant expressions here.
const auto& table() {
  static const std::array kTable{
      DriverEntry{"cuInit", 2000, StreamVariant::Legacy, "cuInit", fn(&cuInit)},
      DriverEntry{"cuDriverGetVersion", 2020, StreamVariant::Legacy, "cuDriverGetVersion", fn(&cuDriverGetVersion)},
      DriverEntry{"cuDeviceGetCount", 2000, StreamVariant::Legacy, "cuDeviceGetCount", fn(&cuDeviceGetCount)},
      DriverEntry{"cuGetProcAddress", 11030, StreamVariant::Legacy, "cuGetProcAddress", fn(&cuGetProcAddress)},
      DriverEntry{"cuGetProcAddress", 12000, StreamVariant::Legacy, "cuGetProcAddress_v2", fn(&cuGetProcAddress_v2)},
  };
  return kTable;
}

} // namespace

std::span<const DriverEntry> driverApiTable() {
  return table();
}

ProcLookup lookupDriverEntry(std::string_view name, int cudaVersion, cuuint64_t flags) {
  const bool perThread = (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) != 0;
  const DriverEntry* best = nullptr;
  bool nameKnown = false;
  for (const DriverEntry& entry : table()) {
    if (entry.name != name) {
      continue;
    }
    nameKnown = true;
    if (entry.sinceVersion > cudaVersion) {
      continue;
    }
    if (entry.stream == StreamVariant::PerThread && !perThread) {
      continue;
    }
    // Newest version wins; at equal version a per-thread variant beats the legacy one.
    if (best == nullptr || entry.sinceVersion > best->sinceVersion ||
        (entry.sinceVersion == best->sinceVersion && entry.stream == StreamVariant::PerThread)) {
      best = &entry;
    }
  }
  ProcLookup lookup;
  if (best != nullptr) {
    lookup.result = CUDA_SUCCESS;
    lookup.status = CU_GET_PROC_ADDRESS_SUCCESS;
    lookup.function = best->function;
  } else if (nameKnown) {
    lookup.status = CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT;
  }
  return lookup;
}

} // namespace vgpu::cuda
