// A CUresult that came over the wire from vgpud: only values CUDA defines become one; anything else
// (a broken or hostile vgpud) is CUDA_ERROR_UNKNOWN, never an enumerator the program cannot know.
#pragma once

#include <cstdint>
#include <cuda.h>

namespace vgpu::cuda::remote {

inline CUresult resultFromWire(std::int32_t status) {
  switch (status) {
#define X(enumerator, text) case enumerator:
#include "cuda_error_strings.inc"
#undef X
    return static_cast<CUresult>(status);
  default: return CUDA_ERROR_UNKNOWN;
  }
}

} // namespace vgpu::cuda::remote
