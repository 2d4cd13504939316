// Entry points for copies and memsets, synchronous and asynchronous, legacy and per-thread
// default stream. Each builds an Operation and submits it (operation.h).
#include "cuda_arrays.h"
#include "entry_common.h"
#include "operation.h"

using namespace vgpu::cuda;

namespace {

CUresult copy(CUstream stream, CopyEndpoint dst, CopyEndpoint src, std::size_t width, std::size_t height, bool async) {
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (!async && target.capture) {
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  }
  Operation operation;
  operation.kind = Operation::Kind::Copy;
  operation.copyDst = dst;
  operation.copySrc = src;
  operation.widthBytes = width;
  operation.height = height;
  return submit(target, std::move(operation), async);
}

CUresult fill(CUstream stream, CUdeviceptr dst, std::size_t pitch, std::uint32_t value, unsigned elementSize,
              std::size_t width, std::size_t height, bool async) {
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  Operation operation;
  operation.kind = Operation::Kind::Memset;
  operation.memsetDst = dst;
  operation.memsetPitch = pitch;
  operation.memsetValue = value;
  operation.memsetElementSize = elementSize;
  operation.memsetWidthElements = width;
  operation.height = height;
  return submit(target, std::move(operation), async);
}

// A box of `depth` slices of `height` rows of `widthBytes`, each side host or device memory or a CUDA
// array (cuda_arrays.h). A side is refused for the whole box or not at all (an array side checks
// the whole box at every slice), so resolving the first slice before queuing any means a box that
// leaves an array changes nothing.
CUresult copyBox(CUstream stream, const CopySide& dst, const CopySide& src, std::size_t widthBytes, std::size_t height,
                 std::size_t depth, bool async) {
  for (std::size_t z = 0; z < depth; ++z) {
    CopyEndpoint to;
    CopyEndpoint from;
    if (const CUresult status = copySideEndpoint(dst, widthBytes, height, depth, z, to); status != CUDA_SUCCESS) {
      return status;
    }
    if (const CUresult status = copySideEndpoint(src, widthBytes, height, depth, z, from); status != CUDA_SUCCESS) {
      return status;
    }
    if (const CUresult status = copy(stream, to, from, widthBytes, height, async); status != CUDA_SUCCESS) {
      return status;
    }
  }
  return CUDA_SUCCESS;
}

CUresult copy2D(const CUDA_MEMCPY2D* p, CUstream stream, bool async) {
  if (p == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const CopySide src{p->srcMemoryType, p->srcHost, p->srcDevice, p->srcArray, p->srcXInBytes, p->srcY, 0,
                     p->srcPitch,      0};
  const CopySide dst{p->dstMemoryType, p->dstHost, p->dstDevice, p->dstArray, p->dstXInBytes, p->dstY, 0,
                     p->dstPitch,      0};
  return copyBox(stream, dst, src, p->WidthInBytes, p->Height, 1, async);
}

CUresult copy3D(const CUDA_MEMCPY3D* p, CUstream stream, bool async) {
  if (p == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (p->srcLOD != 0 || p->dstLOD != 0) {
    return CUDA_ERROR_NOT_SUPPORTED; // mipmap levels: mipmapped arrays are not built
  }
  // Pointer sides' slices are srcHeight/dstHeight rows apart; an array's are its own rows apart.
  const CopySide src{p->srcMemoryType, p->srcHost, p->srcDevice, p->srcArray, p->srcXInBytes,
                     p->srcY,          p->srcZ,    p->srcPitch,  p->srcHeight};
  const CopySide dst{p->dstMemoryType, p->dstHost, p->dstDevice, p->dstArray, p->dstXInBytes,
                     p->dstY,          p->dstZ,    p->dstPitch,  p->dstHeight};
  return copyBox(stream, dst, src, p->WidthInBytes, p->Height, p->Depth, async);
}

// The byte copies of 1D arrays (cuMemcpyHtoA, ...): an offset into the array's only row.
CUresult arraySide(CUarray handle, std::size_t offset, std::size_t bytes, CopyEndpoint& out) {
  CUarray_st* array = nullptr;
  if (const CUresult status = findArray(handle, array); status != CUDA_SUCCESS) {
    return status;
  }
  if (array->rows != 1 || array->slices != 1) {
    return CUDA_ERROR_INVALID_VALUE; // these calls are documented for 1D arrays
  }
  const CopySide side{CU_MEMORYTYPE_ARRAY, nullptr, 0, handle, offset, 0, 0, 0, 0};
  return copySideEndpoint(side, bytes, 1, 1, 0, out);
}

CUresult copyWithArray(CUstream stream, CUarray dstArray, std::size_t dstOffset, CopyEndpoint dst, CUarray srcArray,
                       std::size_t srcOffset, CopyEndpoint src, std::size_t bytes, bool async) {
  if (dstArray != nullptr) {
    if (const CUresult status = arraySide(dstArray, dstOffset, bytes, dst); status != CUDA_SUCCESS) {
      return status;
    }
  }
  if (srcArray != nullptr) {
    if (const CUresult status = arraySide(srcArray, srcOffset, bytes, src); status != CUDA_SUCCESS) {
      return status;
    }
  }
  return copy(stream, dst, src, bytes, 1, async);
}

} // namespace

// Unified copies: either side may be host or device memory (unified addressing).
CUresult entry::cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  VGPU_REQUIRE_INIT();
  return copy(nullptr, unifiedEndpoint(dst), unifiedEndpoint(src), bytes, 1, false);
}
CUresult entry::cuMemcpy_ptds(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  VGPU_REQUIRE_INIT();
  return copy(CU_STREAM_PER_THREAD, unifiedEndpoint(dst), unifiedEndpoint(src), bytes, 1, false);
}
CUresult entry::cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream) {
  VGPU_REQUIRE_INIT();
  return copy(stream, unifiedEndpoint(dst), unifiedEndpoint(src), bytes, 1, true);
}
CUresult entry::cuMemcpyAsync_ptsz(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream) {
  VGPU_REQUIRE_INIT();
  return copy(perThread(stream), unifiedEndpoint(dst), unifiedEndpoint(src), bytes, 1, true);
}

CUresult entry::cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes) {
  return copy(nullptr, deviceEndpoint(dst), hostEndpoint(src), bytes, 1, false);
}
CUresult entry::cuMemcpyHtoD_v2_ptds(CUdeviceptr dst, const void* src, size_t bytes) {
  return copy(CU_STREAM_PER_THREAD, deviceEndpoint(dst), hostEndpoint(src), bytes, 1, false);
}
CUresult entry::cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes) {
  return copy(nullptr, hostEndpoint(dst), deviceEndpoint(src), bytes, 1, false);
}
CUresult entry::cuMemcpyDtoH_v2_ptds(void* dst, CUdeviceptr src, size_t bytes) {
  return copy(CU_STREAM_PER_THREAD, hostEndpoint(dst), deviceEndpoint(src), bytes, 1, false);
}
CUresult entry::cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  return copy(nullptr, deviceEndpoint(dst), deviceEndpoint(src), bytes, 1, false);
}
CUresult entry::cuMemcpyDtoD_v2_ptds(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  return copy(CU_STREAM_PER_THREAD, deviceEndpoint(dst), deviceEndpoint(src), bytes, 1, false);
}
CUresult entry::cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t bytes, CUstream stream) {
  return copy(stream, deviceEndpoint(dst), hostEndpoint(src), bytes, 1, true);
}
CUresult entry::cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t bytes, CUstream stream) {
  return copy(stream, hostEndpoint(dst), deviceEndpoint(src), bytes, 1, true);
}
CUresult entry::cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream) {
  return copy(stream, deviceEndpoint(dst), deviceEndpoint(src), bytes, 1, true);
}

CUresult entry::cuMemcpyPeer(CUdeviceptr dst, CUcontext /*dstContext*/, CUdeviceptr src, CUcontext /*srcContext*/,
                             size_t bytes) {
  return copy(nullptr, deviceEndpoint(dst), deviceEndpoint(src), bytes, 1, false);
}
CUresult entry::cuMemcpyPeer_ptds(CUdeviceptr dst, CUcontext /*dstContext*/, CUdeviceptr src, CUcontext /*srcContext*/,
                                  size_t bytes) {
  return copy(CU_STREAM_PER_THREAD, deviceEndpoint(dst), deviceEndpoint(src), bytes, 1, false);
}
CUresult entry::cuMemcpyPeerAsync(CUdeviceptr dst, CUcontext /*dstContext*/, CUdeviceptr src, CUcontext /*srcContext*/,
                                  size_t bytes, CUstream stream) {
  return copy(stream, deviceEndpoint(dst), deviceEndpoint(src), bytes, 1, true);
}

CUresult entry::cuMemcpy2D_v2(const CUDA_MEMCPY2D* p) {
  return copy2D(p, nullptr, false);
}
CUresult entry::cuMemcpy2D_v2_ptds(const CUDA_MEMCPY2D* p) {
  return copy2D(p, CU_STREAM_PER_THREAD, false);
}
CUresult entry::cuMemcpy2DUnaligned_v2(const CUDA_MEMCPY2D* p) {
  return copy2D(p, nullptr, false);
}
CUresult entry::cuMemcpy2DUnaligned_v2_ptds(const CUDA_MEMCPY2D* p) {
  return copy2D(p, CU_STREAM_PER_THREAD, false);
}
CUresult entry::cuMemcpy2DAsync_v2(const CUDA_MEMCPY2D* p, CUstream stream) {
  return copy2D(p, stream, true);
}
CUresult entry::cuMemcpy3D_v2(const CUDA_MEMCPY3D* p) {
  return copy3D(p, nullptr, false);
}
CUresult entry::cuMemcpy3D_v2_ptds(const CUDA_MEMCPY3D* p) {
  return copy3D(p, CU_STREAM_PER_THREAD, false);
}
CUresult entry::cuMemcpy3DAsync_v2(const CUDA_MEMCPY3D* p, CUstream stream) {
  return copy3D(p, stream, true);
}

// Copies to, from and between 1D arrays; a NULL array handle is refused (INVALID_HANDLE).
CUresult entry::cuMemcpyHtoA_v2(CUarray dst, size_t dstOffset, const void* src, size_t bytes) {
  return dst == nullptr ? CUDA_ERROR_INVALID_HANDLE
                        : copyWithArray(nullptr, dst, dstOffset, {}, nullptr, 0, hostEndpoint(src), bytes, false);
}
CUresult entry::cuMemcpyHtoA_v2_ptds(CUarray dst, size_t dstOffset, const void* src, size_t bytes) {
  return dst == nullptr
             ? CUDA_ERROR_INVALID_HANDLE
             : copyWithArray(CU_STREAM_PER_THREAD, dst, dstOffset, {}, nullptr, 0, hostEndpoint(src), bytes, false);
}
CUresult entry::cuMemcpyHtoAAsync_v2(CUarray dst, size_t dstOffset, const void* src, size_t bytes, CUstream stream) {
  return dst == nullptr ? CUDA_ERROR_INVALID_HANDLE
                        : copyWithArray(stream, dst, dstOffset, {}, nullptr, 0, hostEndpoint(src), bytes, true);
}
CUresult entry::cuMemcpyAtoH_v2(void* dst, CUarray src, size_t srcOffset, size_t bytes) {
  return src == nullptr ? CUDA_ERROR_INVALID_HANDLE
                        : copyWithArray(nullptr, nullptr, 0, hostEndpoint(dst), src, srcOffset, {}, bytes, false);
}
CUresult entry::cuMemcpyAtoH_v2_ptds(void* dst, CUarray src, size_t srcOffset, size_t bytes) {
  return src == nullptr
             ? CUDA_ERROR_INVALID_HANDLE
             : copyWithArray(CU_STREAM_PER_THREAD, nullptr, 0, hostEndpoint(dst), src, srcOffset, {}, bytes, false);
}
CUresult entry::cuMemcpyAtoHAsync_v2(void* dst, CUarray src, size_t srcOffset, size_t bytes, CUstream stream) {
  return src == nullptr ? CUDA_ERROR_INVALID_HANDLE
                        : copyWithArray(stream, nullptr, 0, hostEndpoint(dst), src, srcOffset, {}, bytes, true);
}
CUresult entry::cuMemcpyDtoA_v2(CUarray dst, size_t dstOffset, CUdeviceptr src, size_t bytes) {
  return dst == nullptr ? CUDA_ERROR_INVALID_HANDLE
                        : copyWithArray(nullptr, dst, dstOffset, {}, nullptr, 0, deviceEndpoint(src), bytes, false);
}
CUresult entry::cuMemcpyDtoA_v2_ptds(CUarray dst, size_t dstOffset, CUdeviceptr src, size_t bytes) {
  return dst == nullptr
             ? CUDA_ERROR_INVALID_HANDLE
             : copyWithArray(CU_STREAM_PER_THREAD, dst, dstOffset, {}, nullptr, 0, deviceEndpoint(src), bytes, false);
}
CUresult entry::cuMemcpyAtoD_v2(CUdeviceptr dst, CUarray src, size_t srcOffset, size_t bytes) {
  return src == nullptr ? CUDA_ERROR_INVALID_HANDLE
                        : copyWithArray(nullptr, nullptr, 0, deviceEndpoint(dst), src, srcOffset, {}, bytes, false);
}
CUresult entry::cuMemcpyAtoD_v2_ptds(CUdeviceptr dst, CUarray src, size_t srcOffset, size_t bytes) {
  return src == nullptr
             ? CUDA_ERROR_INVALID_HANDLE
             : copyWithArray(CU_STREAM_PER_THREAD, nullptr, 0, deviceEndpoint(dst), src, srcOffset, {}, bytes, false);
}
CUresult entry::cuMemcpyAtoA_v2(CUarray dst, size_t dstOffset, CUarray src, size_t srcOffset, size_t bytes) {
  return dst == nullptr || src == nullptr
             ? CUDA_ERROR_INVALID_HANDLE
             : copyWithArray(nullptr, dst, dstOffset, {}, src, srcOffset, {}, bytes, false);
}
CUresult entry::cuMemcpyAtoA_v2_ptds(CUarray dst, size_t dstOffset, CUarray src, size_t srcOffset, size_t bytes) {
  return dst == nullptr || src == nullptr
             ? CUDA_ERROR_INVALID_HANDLE
             : copyWithArray(CU_STREAM_PER_THREAD, dst, dstOffset, {}, src, srcOffset, {}, bytes, false);
}

// Memsets: D8/D16/D32 write 1-, 2- and 4-byte elements (never emulated with byte loops on the
// wrong width); 2D forms take a pitch in bytes and a width in elements.
CUresult entry::cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t count) {
  return fill(nullptr, dst, 0, value, 1, count, 1, false);
}
CUresult entry::cuMemsetD8_v2_ptds(CUdeviceptr dst, unsigned char value, size_t count) {
  return fill(CU_STREAM_PER_THREAD, dst, 0, value, 1, count, 1, false);
}
CUresult entry::cuMemsetD16_v2(CUdeviceptr dst, unsigned short value, size_t count) {
  return fill(nullptr, dst, 0, value, 2, count, 1, false);
}
CUresult entry::cuMemsetD16_v2_ptds(CUdeviceptr dst, unsigned short value, size_t count) {
  return fill(CU_STREAM_PER_THREAD, dst, 0, value, 2, count, 1, false);
}
CUresult entry::cuMemsetD32_v2(CUdeviceptr dst, unsigned int value, size_t count) {
  return fill(nullptr, dst, 0, value, 4, count, 1, false);
}
CUresult entry::cuMemsetD32_v2_ptds(CUdeviceptr dst, unsigned int value, size_t count) {
  return fill(CU_STREAM_PER_THREAD, dst, 0, value, 4, count, 1, false);
}
CUresult entry::cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t count, CUstream stream) {
  return fill(stream, dst, 0, value, 1, count, 1, true);
}
CUresult entry::cuMemsetD16Async(CUdeviceptr dst, unsigned short value, size_t count, CUstream stream) {
  return fill(stream, dst, 0, value, 2, count, 1, true);
}
CUresult entry::cuMemsetD32Async(CUdeviceptr dst, unsigned int value, size_t count, CUstream stream) {
  return fill(stream, dst, 0, value, 4, count, 1, true);
}
CUresult entry::cuMemsetD2D8_v2(CUdeviceptr dst, size_t pitch, unsigned char value, size_t width, size_t height) {
  return fill(nullptr, dst, pitch, value, 1, width, height, false);
}
CUresult entry::cuMemsetD2D8_v2_ptds(CUdeviceptr dst, size_t pitch, unsigned char value, size_t width, size_t height) {
  return fill(CU_STREAM_PER_THREAD, dst, pitch, value, 1, width, height, false);
}
CUresult entry::cuMemsetD2D16_v2(CUdeviceptr dst, size_t pitch, unsigned short value, size_t width, size_t height) {
  return fill(nullptr, dst, pitch, value, 2, width, height, false);
}
CUresult entry::cuMemsetD2D16_v2_ptds(CUdeviceptr dst, size_t pitch, unsigned short value, size_t width,
                                      size_t height) {
  return fill(CU_STREAM_PER_THREAD, dst, pitch, value, 2, width, height, false);
}
CUresult entry::cuMemsetD2D32_v2(CUdeviceptr dst, size_t pitch, unsigned int value, size_t width, size_t height) {
  return fill(nullptr, dst, pitch, value, 4, width, height, false);
}
CUresult entry::cuMemsetD2D32_v2_ptds(CUdeviceptr dst, size_t pitch, unsigned int value, size_t width, size_t height) {
  return fill(CU_STREAM_PER_THREAD, dst, pitch, value, 4, width, height, false);
}
CUresult entry::cuMemsetD2D8Async(CUdeviceptr dst, size_t pitch, unsigned char value, size_t width, size_t height,
                                  CUstream stream) {
  return fill(stream, dst, pitch, value, 1, width, height, true);
}
CUresult entry::cuMemsetD2D16Async(CUdeviceptr dst, size_t pitch, unsigned short value, size_t width, size_t height,
                                   CUstream stream) {
  return fill(stream, dst, pitch, value, 2, width, height, true);
}
CUresult entry::cuMemsetD2D32Async(CUdeviceptr dst, size_t pitch, unsigned int value, size_t width, size_t height,
                                   CUstream stream) {
  return fill(stream, dst, pitch, value, 4, width, height, true);
}
