// The driver API as data: one row per exported variant of an entry point. cuGetProcAddress,
// the API coverage document and the export tests all read this one table.
#pragma once

#include <cuda.h>
#include <span>
#include <string_view>

namespace vgpu::cuda {

// Which default-stream semantics a variant implements (cuda.h's _ptds/_ptsz suffixes).
enum class StreamVariant { Legacy, PerThread };

struct DriverEntry {
  std::string_view name;   // the name cudart asks for, e.g. "cuMemAlloc"
  int sinceVersion;        // first CUDA version (1000*major + 10*minor) this variant answers
  StreamVariant stream;    // per-thread variants answer only CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM
  std::string_view symbol; // the exported symbol, e.g. "cuMemAlloc_v2"
  void* function;          // the implementation, or a stub answering CUDA_ERROR_NOT_SUPPORTED
  bool implemented;
};

std::span<const DriverEntry> driverApiTable();

struct ProcLookup {
  CUresult result = CUDA_SUCCESS;
  CUdriverProcAddressQueryResult status = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
  void* function = nullptr;
};

// Answers like NVIDIA's driver (observed on driver 580, docs/gpu-results/2026-11-26-h100-driver-facts):
// the newest variant of `name` that existed at `cudaVersion`; with the per-thread flag, the
// per-thread variant when the name has one. Unknown names and too-old versions are CUDA_SUCCESS
// with a NULL function and the status saying which; a version above ours is INVALID_VALUE.
ProcLookup lookupDriverEntry(std::string_view name, int cudaVersion, cuuint64_t flags);

} // namespace vgpu::cuda
