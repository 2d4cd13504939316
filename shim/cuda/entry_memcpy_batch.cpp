// Batched copies (cuMemcpyBatchAsync and cuMemcpy3DBatchAsync, CUDA 12.8; the forms without failIdx
// are CUDA 13's) and 3D peer copies. A 3D batch's operands are pointers (CUDA arrays are not built:
// NOT_SUPPORTED), copied as Depth slices of Height rows with the operands' row lengths and layer
// heights as pitches (element size 1, as the driver defines pointer-to-pointer copies). Every copy of a batch is
// checked before any is queued, so a refused batch queues nothing. The copies run in stream order, one after another:
// the driver may reorder them within the batch, so in-order is one of the orders it allows. Copies whose attributes say
// the source is read during the call (CU_MEMCPY_SRC_ACCESS_ORDER_DURING_API_CALL: a stack buffer, say) are complete
// when the call returns, since the call waits for the stream.
#include "entry_common.h"
#include "operation.h"

#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

using namespace vgpu::cuda;

namespace {

constexpr std::size_t kNoCopy = std::numeric_limits<std::size_t>::max(); // failIdx: not one copy's fault

CUresult refuse(std::size_t* failIndex, std::size_t index) {
  if (failIndex != nullptr) {
    *failIndex = index;
  }
  return CUDA_ERROR_INVALID_VALUE;
}

bool validAttributes(const CUmemcpyAttributes& attributes) {
  const auto order = static_cast<std::uint32_t>(attributes.srcAccessOrder);
  return order >= CU_MEMCPY_SRC_ACCESS_ORDER_STREAM && order <= CU_MEMCPY_SRC_ACCESS_ORDER_ANY &&
         (attributes.flags & ~static_cast<unsigned>(CU_MEMCPY_FLAG_PREFER_OVERLAP_WITH_COMPUTE)) == 0;
}

CUresult batch(CUdeviceptr* dsts, CUdeviceptr* srcs, std::size_t* sizes, std::size_t count, CUmemcpyAttributes* attrs,
               std::size_t* attrsIdxs, std::size_t numAttrs, std::size_t* failIndex, CUstream stream) {
  VGPU_REQUIRE_INIT();
  if (failIndex != nullptr) {
    *failIndex = kNoCopy;
  }
  if (count == 0 || dsts == nullptr || srcs == nullptr || sizes == nullptr || attrs == nullptr ||
      attrsIdxs == nullptr || numAttrs == 0 || numAttrs > count || attrsIdxs[0] != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (stream == nullptr || stream == CU_STREAM_LEGACY) {
    return CUDA_ERROR_INVALID_VALUE; // the legacy NULL stream is not allowed
  }
  bool waitForSources = false;
  for (std::size_t k = 0; k < numAttrs; ++k) {
    if ((k > 0 && attrsIdxs[k] <= attrsIdxs[k - 1]) || attrsIdxs[k] >= count) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    if (!validAttributes(attrs[k])) {
      return refuse(failIndex, attrsIdxs[k]);
    }
    waitForSources = waitForSources || attrs[k].srcAccessOrder == CU_MEMCPY_SRC_ACCESS_ORDER_DURING_API_CALL;
  }
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (waitForSources && target.capture) {
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED; // the call cannot wait for a stream being captured
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (sizes[i] != 0 && (dsts[i] == 0 || srcs[i] == 0)) {
      return refuse(failIndex, i);
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (sizes[i] == 0) {
      continue;
    }
    Operation operation;
    operation.kind = Operation::Kind::Copy;
    operation.copyDst = unifiedEndpoint(dsts[i]);
    operation.copySrc = unifiedEndpoint(srcs[i]);
    operation.widthBytes = sizes[i];
    if (const CUresult status = submit(target, std::move(operation), true); status != CUDA_SUCCESS) {
      if (failIndex != nullptr) {
        *failIndex = i;
      }
      return status;
    }
  }
  return waitForSources ? state().backend().streamSynchronize(target.backend) : CUDA_SUCCESS;
}

// One 3D operand's pitch and layer stride in bytes (0 = tightly packed by the extent); false when
// it is not a pointer operand of valid shape.
CUresult operandLayout(const CUmemcpy3DOperand& operand, const CUextent3D& extent, std::size_t& pitch,
                       std::size_t& layer) {
  if (operand.type == CU_MEMCPY_OPERAND_TYPE_ARRAY) {
    return CUDA_ERROR_NOT_SUPPORTED; // CUDA arrays are not built
  }
  if (operand.type != CU_MEMCPY_OPERAND_TYPE_POINTER || operand.op.ptr.ptr == 0 ||
      (operand.op.ptr.rowLength != 0 && operand.op.ptr.rowLength < extent.width) ||
      (operand.op.ptr.layerHeight != 0 && operand.op.ptr.layerHeight < extent.height)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  pitch = operand.op.ptr.rowLength != 0 ? operand.op.ptr.rowLength : extent.width;
  const std::size_t rows = operand.op.ptr.layerHeight != 0 ? operand.op.ptr.layerHeight : extent.height;
  if (rows != 0 && pitch > std::numeric_limits<std::size_t>::max() / rows) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  layer = pitch * rows;
  return CUDA_SUCCESS;
}

CUresult batch3D(std::size_t count, const CUDA_MEMCPY3D_BATCH_OP* operations, std::size_t* failIndex,
                 unsigned long long flags, CUstream stream) {
  VGPU_REQUIRE_INIT();
  if (failIndex != nullptr) {
    *failIndex = kNoCopy;
  }
  if (count == 0 || operations == nullptr || flags != 0 || stream == nullptr || stream == CU_STREAM_LEGACY) {
    return CUDA_ERROR_INVALID_VALUE; // nor the legacy NULL stream
  }
  struct Layout {
    std::size_t srcPitch = 0, srcLayer = 0, dstPitch = 0, dstLayer = 0;
  };
  std::vector<Layout> layouts(count);
  bool waitForSources = false;
  for (std::size_t i = 0; i < count; ++i) {
    const CUDA_MEMCPY3D_BATCH_OP& op = operations[i];
    const CUmemcpyAttributes attributes{op.srcAccessOrder, {}, {}, op.flags};
    if (op.extent.width == 0 || op.extent.height == 0 || op.extent.depth == 0 || !validAttributes(attributes)) {
      return refuse(failIndex, i);
    }
    for (const auto& [operand, pitch, layer] : {std::tuple{&op.src, &layouts[i].srcPitch, &layouts[i].srcLayer},
                                                std::tuple{&op.dst, &layouts[i].dstPitch, &layouts[i].dstLayer}}) {
      if (const CUresult status = operandLayout(*operand, op.extent, *pitch, *layer); status != CUDA_SUCCESS) {
        if (failIndex != nullptr) {
          *failIndex = i;
        }
        return status;
      }
    }
    waitForSources = waitForSources || op.srcAccessOrder == CU_MEMCPY_SRC_ACCESS_ORDER_DURING_API_CALL;
  }
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (waitForSources && target.capture) {
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  }
  for (std::size_t i = 0; i < count; ++i) {
    const CUDA_MEMCPY3D_BATCH_OP& op = operations[i];
    for (std::size_t z = 0; z < op.extent.depth; ++z) {
      Operation operation;
      operation.kind = Operation::Kind::Copy;
      operation.copyDst = unifiedEndpoint(op.dst.op.ptr.ptr + z * layouts[i].dstLayer, layouts[i].dstPitch);
      operation.copySrc = unifiedEndpoint(op.src.op.ptr.ptr + z * layouts[i].srcLayer, layouts[i].srcPitch);
      operation.widthBytes = op.extent.width;
      operation.height = op.extent.height;
      if (const CUresult status = submit(target, std::move(operation), true); status != CUDA_SUCCESS) {
        if (failIndex != nullptr) {
          *failIndex = i;
        }
        return status;
      }
    }
  }
  return waitForSources ? state().backend().streamSynchronize(target.backend) : CUDA_SUCCESS;
}

// CUDA_MEMCPY3D_PEER is CUDA_MEMCPY3D with each side's context: with unified addressing the
// pointers say where the memory is, so the copy is the 3D copy.
CUDA_MEMCPY3D withoutContexts(const CUDA_MEMCPY3D_PEER& peer) {
  CUDA_MEMCPY3D copy{};
  copy.srcXInBytes = peer.srcXInBytes;
  copy.srcY = peer.srcY;
  copy.srcZ = peer.srcZ;
  copy.srcLOD = peer.srcLOD;
  copy.srcMemoryType = peer.srcMemoryType;
  copy.srcHost = peer.srcHost;
  copy.srcDevice = peer.srcDevice;
  copy.srcArray = peer.srcArray;
  copy.srcPitch = peer.srcPitch;
  copy.srcHeight = peer.srcHeight;
  copy.dstXInBytes = peer.dstXInBytes;
  copy.dstY = peer.dstY;
  copy.dstZ = peer.dstZ;
  copy.dstLOD = peer.dstLOD;
  copy.dstMemoryType = peer.dstMemoryType;
  copy.dstHost = peer.dstHost;
  copy.dstDevice = peer.dstDevice;
  copy.dstArray = peer.dstArray;
  copy.dstPitch = peer.dstPitch;
  copy.dstHeight = peer.dstHeight;
  copy.WidthInBytes = peer.WidthInBytes;
  copy.Height = peer.Height;
  copy.Depth = peer.Depth;
  return copy;
}

} // namespace

CUresult entry::cuMemcpyBatchAsync_v2(CUdeviceptr* dsts, CUdeviceptr* srcs, size_t* sizes, size_t count,
                                      CUmemcpyAttributes* attrs, size_t* attrsIdxs, size_t numAttrs, CUstream stream) {
  return batch(dsts, srcs, sizes, count, attrs, attrsIdxs, numAttrs, nullptr, stream);
}

CUresult entry::cuMemcpyBatchAsync_v2_ptsz(CUdeviceptr* dsts, CUdeviceptr* srcs, size_t* sizes, size_t count,
                                           CUmemcpyAttributes* attrs, size_t* attrsIdxs, size_t numAttrs,
                                           CUstream stream) {
  return batch(dsts, srcs, sizes, count, attrs, attrsIdxs, numAttrs, nullptr, perThread(stream));
}

CUresult entry::cuMemcpyBatchAsync(CUdeviceptr* dsts, CUdeviceptr* srcs, size_t* sizes, size_t count,
                                   CUmemcpyAttributes* attrs, size_t* attrsIdxs, size_t numAttrs, size_t* failIndex,
                                   CUstream stream) {
  return batch(dsts, srcs, sizes, count, attrs, attrsIdxs, numAttrs, failIndex, stream);
}

CUresult entry::cuMemcpyBatchAsync_ptsz(CUdeviceptr* dsts, CUdeviceptr* srcs, size_t* sizes, size_t count,
                                        CUmemcpyAttributes* attrs, size_t* attrsIdxs, size_t numAttrs,
                                        size_t* failIndex, CUstream stream) {
  return batch(dsts, srcs, sizes, count, attrs, attrsIdxs, numAttrs, failIndex, perThread(stream));
}

CUresult entry::cuMemcpy3DBatchAsync(size_t count, CUDA_MEMCPY3D_BATCH_OP* operations, size_t* failIndex,
                                     unsigned long long flags, CUstream stream) {
  return batch3D(count, operations, failIndex, flags, stream);
}
CUresult entry::cuMemcpy3DBatchAsync_ptsz(size_t count, CUDA_MEMCPY3D_BATCH_OP* operations, size_t* failIndex,
                                          unsigned long long flags, CUstream stream) {
  return batch3D(count, operations, failIndex, flags, perThread(stream));
}
CUresult entry::cuMemcpy3DBatchAsync_v2(size_t count, CUDA_MEMCPY3D_BATCH_OP* operations, unsigned long long flags,
                                        CUstream stream) {
  return batch3D(count, operations, nullptr, flags, stream);
}
CUresult entry::cuMemcpy3DBatchAsync_v2_ptsz(size_t count, CUDA_MEMCPY3D_BATCH_OP* operations, unsigned long long flags,
                                             CUstream stream) {
  return batch3D(count, operations, nullptr, flags, perThread(stream));
}

CUresult entry::cuMemcpy3DPeer(const CUDA_MEMCPY3D_PEER* copy) {
  if (copy == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const CUDA_MEMCPY3D plain = withoutContexts(*copy);
  return ::cuMemcpy3D_v2(&plain);
}

CUresult entry::cuMemcpy3DPeerAsync(const CUDA_MEMCPY3D_PEER* copy, CUstream stream) {
  if (copy == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const CUDA_MEMCPY3D plain = withoutContexts(*copy);
  return ::cuMemcpy3DAsync_v2(&plain, stream);
}
