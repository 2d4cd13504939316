// cuGetProcAddress (CUDA 11.3 signature) and cuGetProcAddress_v2 (CUDA 12), answered from the
// driver API table.
#include "call_statistics.h"
#include "driver_api_table.h"
#include "entry_points.h"

#include "vgpu/log.h"

#include <cstring>

using vgpu::cuda::ApiId;
using vgpu::cuda::lookupDriverEntry;
using vgpu::cuda::ProcLookup;
using vgpu::cuda::traced;

namespace {

CUresult answer(const char* symbol, void** pfn, int cudaVersion, cuuint64_t flags,
                CUdriverProcAddressQueryResult* symbolStatus) {
  if (symbol == nullptr || pfn == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const ProcLookup lookup = lookupDriverEntry(std::string_view(symbol, std::strlen(symbol)), cudaVersion, flags);
  *pfn = lookup.function;
  if (symbolStatus != nullptr) {
    *symbolStatus = lookup.status;
  }
  if (lookup.function == nullptr) {
    vgpu::log::writef(vgpu::log::Level::Debug, "cuGetProcAddress", "%s (version %d): %s", symbol, cudaVersion,
                      lookup.result != CUDA_SUCCESS                                 ? "version above the driver's"
                      : lookup.status == CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT ? "version not sufficient"
                                                                                    : "unknown name");
  }
  return lookup.result;
}

} // namespace

VGPU_EXPORT CUresult cuGetProcAddress(const char* symbol, void** pfn, int cudaVersion, cuuint64_t flags) {
  return traced(ApiId::cuGetProcAddress,
                [&]() -> CUresult { return answer(symbol, pfn, cudaVersion, flags, nullptr); });
}

VGPU_EXPORT CUresult cuGetProcAddress_v2(const char* symbol, void** pfn, int cudaVersion, cuuint64_t flags,
                                         CUdriverProcAddressQueryResult* symbolStatus) {
  return traced(ApiId::cuGetProcAddress_v2,
                [&]() -> CUresult { return answer(symbol, pfn, cudaVersion, flags, symbolStatus); });
}
