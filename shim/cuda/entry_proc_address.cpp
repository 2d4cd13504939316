// cuGetProcAddress (CUDA 11.3 signature) and cuGetProcAddress_v2 (CUDA 12), answered from the
// driver API table.
#include "call_statistics.h"
#include "driver_api_table.h"
#include "entry_implementations.h"

#include "vgpu/log.h"

#include <cstring>

using vgpu::cuda::ApiId;
using vgpu::cuda::lookupDriverEntry;
using vgpu::cuda::ProcLookup;
using vgpu::cuda::traced;
namespace entry = vgpu::cuda::entry;

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

CUresult entry::cuGetProcAddress(const char* symbol, void** pfn, int cudaVersion, cuuint64_t flags) {
  return answer(symbol, pfn, cudaVersion, flags, nullptr);
}

CUresult entry::cuGetProcAddress_v2(const char* symbol, void** pfn, int cudaVersion, cuuint64_t flags,
                                    CUdriverProcAddressQueryResult* symbolStatus) {
  return answer(symbol, pfn, cudaVersion, flags, symbolStatus);
}
