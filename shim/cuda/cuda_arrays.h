// CUDA arrays (cuArrayCreate, cuArray3DCreate): the driver's opaque texture memory. The shim keeps
// an array as row-major device memory of the backend, rows padded to the device's texture pitch
// alignment and slices (3D depth or layers) one after another, so:
// - copies to and from arrays are the pitched copies every backend already runs (also through
//   vgpud, with no call of their own);
// - an array counts against the device's memory, and under a vgpud quota, like any allocation;
// - a texture over a 2D array can be given to a GPU behind vgpud as a pitched 2D texture of that
//   memory (entry_texture_objects.cpp), which samples the same as the block-linear original.
// A mipmapped array is one such array per level (each level's extents halved, layers kept), the
// levels owned by it: copies, surfaces and textures of a level are those of an array; a texture
// over the whole mipmapped array (sampling between levels) is not built. Sparse and
// deferred-mapping arrays and the block-compressed and video formats are not built either
// (CUDA_ERROR_NOT_SUPPORTED, logged once).
#pragma once

#include "backend/execution_backend.h"

#include <cstddef>
#include <cuda.h>
#include <vector>

struct CUarray_st {
  CUcontext context = nullptr;
  int device = 0;
  CUDA_ARRAY3D_DESCRIPTOR descriptor{}; // as created: Height 0 for 1D, Depth 0 unless 3D or layered
  std::size_t elementBytes = 0;         // one element, every channel
  std::size_t pitch = 0;                // bytes from one row to the next
  std::size_t rows = 1;                 // rows per slice: Height, or 1 for 1D arrays
  std::size_t slices = 1;               // Depth (or layers), or 1
  CUdeviceptr memory = 0;
  CUmipmappedArray mipmap = nullptr; // the mipmapped array this is a level of, which destroys it
};

struct CUmipmappedArray_st {
  CUcontext context = nullptr;
  CUDA_ARRAY3D_DESCRIPTOR descriptor{}; // level 0's, as created
  std::vector<CUarray> levels;
};

namespace vgpu::cuda {

struct DeviceRecord;

// The documented rules of cuArray3DCreate for `device`: format and channels, flags and their
// combinations, and each extent within the device's limit for that kind of array.
CUresult checkArrayDescriptor(const DeviceRecord& device, const CUDA_ARRAY3D_DESCRIPTOR& descriptor);

// The live array behind a handle (INVALID_HANDLE for unknown and destroyed ones).
CUresult findArray(CUarray handle, CUarray_st*& out);

// One side of a CUDA_MEMCPY2D/3D description.
struct CopySide {
  CUmemorytype type = CU_MEMORYTYPE_HOST;
  const void* host = nullptr;
  CUdeviceptr device = 0;
  CUarray array = nullptr;
  std::size_t xBytes = 0;
  std::size_t y = 0;
  std::size_t z = 0;
  std::size_t pitch = 0;  // pointer sides: bytes per row
  std::size_t height = 0; // pointer sides of 3D copies: rows per slice
};

// Where slice `slice` of a copy of `widthBytes` x `height` x `depth` starts on `side`, as an endpoint
// the backend copies with; an array side must hold the whole box (INVALID_VALUE otherwise), as
// must an array's rows hold `widthBytes` from `xBytes`.
CUresult copySideEndpoint(const CopySide& side, std::size_t widthBytes, std::size_t height, std::size_t depth,
                          std::size_t slice, CopyEndpoint& out);

} // namespace vgpu::cuda
