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
  ProcLookup lookup;
  if (cudaVersion > CUDA_VERSION) {
    lookup.result = CUDA_ERROR_INVALID_VALUE; // newer than the API this driver implements
    return lookup;
  }
  lookup.result = CUDA_SUCCESS; // not-found answers are statuses with a NULL pointer, as in NVIDIA's driver
  const bool perThread = (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) != 0;
  // With the per-thread flag, a name that has per-thread variants is answered from those only:
  // the real driver reports VERSION_NOT_SUFFICIENT rather than falling back to the legacy one.
  bool hasPerThreadVariant = false;
  bool nameKnown = false;
  for (const DriverEntry& entry : table()) {
    if (entry.name == name) {
      nameKnown = true;
      hasPerThreadVariant = hasPerThreadVariant || entry.stream == StreamVariant::PerThread;
    }
  }
  if (!nameKnown) {
    return lookup;
  }
  const StreamVariant wanted = perThread && hasPerThreadVariant ? StreamVariant::PerThread : StreamVariant::Legacy;
  const DriverEntry* best = nullptr;
  for (const DriverEntry& entry : table()) {
    if (entry.name == name && entry.stream == wanted && entry.sinceVersion <= cudaVersion &&
        (best == nullptr || entry.sinceVersion > best->sinceVersion)) {
      best = &entry;
    }
  }
  if (best == nullptr) {
    lookup.status = CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT;
    return lookup;
  }
  lookup.status = CU_GET_PROC_ADDRESS_SUCCESS;
  lookup.function = best->function;
  return lookup;
}

} // namespace vgpu::cuda
