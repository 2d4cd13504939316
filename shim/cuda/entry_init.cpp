// Entry points for initialisation, versions and error descriptions.
#include "entry_common.h"

#include <array>
#include <string_view>

using namespace vgpu::cuda;

namespace {

struct ErrorEntry {
  CUresult code;
  const char* name;
  const char* text;
};

constexpr ErrorEntry kErrors[] = {
#define X(enumerator, text) {enumerator, #enumerator, text},
#include "cuda_error_strings.inc"
#undef X
};

const ErrorEntry* findError(CUresult code) {
  for (const ErrorEntry& entry : kErrors) {
    if (entry.code == code) {
      return &entry;
    }
  }
  return nullptr;
}

} // namespace

CUresult entry::cuInit(unsigned int flags) {
  return state().initialize(flags);
}

CUresult entry::cuDriverGetVersion(int* driverVersion) {
  VGPU_REQUIRE_OUT(driverVersion);
  // The API level this shim implements: the cuda.h it was built against.
  *driverVersion = CUDA_VERSION;
  return CUDA_SUCCESS;
}

CUresult entry::cuGetErrorString(CUresult error, const char** text) {
  VGPU_REQUIRE_OUT(text);
  const ErrorEntry* entry = findError(error);
  if (entry == nullptr) {
    *text = nullptr;
    return CUDA_ERROR_INVALID_VALUE;
  }
  *text = entry->text;
  return CUDA_SUCCESS;
}

CUresult entry::cuGetErrorName(CUresult error, const char** name) {
  VGPU_REQUIRE_OUT(name);
  const ErrorEntry* entry = findError(error);
  if (entry == nullptr) {
    *name = nullptr;
    return CUDA_ERROR_INVALID_VALUE;
  }
  *name = entry->name;
  return CUDA_SUCCESS;
}
