// Entry points for copies and memsets, synchronous and asynchronous, legacy and per-thread
// default stream. Each builds an Operation and submits it (operation.h).
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

CUresult copy2D(const CUDA_MEMCPY2D* p, CUstream stream, bool async) {
  if (p == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  CUresult status = CUDA_SUCCESS;
  const CopyEndpoint src =
      endpointFor(p->srcMemoryType, p->srcHost, p->srcDevice, p->srcPitch, p->srcXInBytes, p->srcY, status);
  if (status != CUDA_SUCCESS) {
    return status;
  }
  const CopyEndpoint dst =
      endpointFor(p->dstMemoryType, p->dstHost, p->dstDevice, p->dstPitch, p->dstXInBytes, p->dstY, status);
  if (status != CUDA_SUCCESS) {
    return status;
  }
  return copy(stream, dst, src, p->WidthInBytes, p->Height, async);
}

CUresult copy3D(const CUDA_MEMCPY3D* p, CUstream stream, bool async) {
  if (p == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (p->srcLOD != 0 || p->dstLOD != 0 || p->srcZ != 0 || p->dstZ != 0) {
    return CUDA_ERROR_NOT_SUPPORTED; // offsets into 3D slices and mipmaps are not simulated
  }
  // A 3D copy is Depth 2D copies of Height rows, each slice srcHeight/dstHeight rows apart.
  for (std::size_t z = 0; z < p->Depth; ++z) {
    CUDA_MEMCPY2D slice{};
    slice.srcXInBytes = p->srcXInBytes;
    slice.srcY = p->srcY + z * p->srcHeight;
    slice.srcMemoryType = p->srcMemoryType;
    slice.srcHost = p->srcHost;
    slice.srcDevice = p->srcDevice;
    slice.srcArray = p->srcArray;
    slice.srcPitch = p->srcPitch;
    slice.dstXInBytes = p->dstXInBytes;
    slice.dstY = p->dstY + z * p->dstHeight;
    slice.dstMemoryType = p->dstMemoryType;
    slice.dstHost = p->dstHost;
    slice.dstDevice = p->dstDevice;
    slice.dstArray = p->dstArray;
    slice.dstPitch = p->dstPitch;
    slice.WidthInBytes = p->WidthInBytes;
    slice.Height = p->Height;
    if (const CUresult status = copy2D(&slice, stream, async); status != CUDA_SUCCESS) {
      return status;
    }
  }
  return CUDA_SUCCESS;
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
