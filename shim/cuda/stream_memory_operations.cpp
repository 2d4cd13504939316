// Stream memory operations checked once for streams and graph nodes (stream_memory_operations.h).
#include "stream_memory_operations.h"

#include "entry_common.h"

#include "vgpu/device/device_discovery.h"

namespace vgpu::cuda {
namespace {

using Kind = StreamMemoryOperation::Kind;

bool deviceOffers(CUcontext context, CUdevice_attribute attribute) {
  const DeviceRecord* device = state().device(context->device);
  return device != nullptr && presentedCapability(*device, attribute);
}

// Where the operation's word is: device memory by its address, host memory the device maps by its
// host address. Managed memory is refused, as the driver documents; pageable memory is not mapped.
CUresult locate(StreamMemoryOperation& operation) {
  const std::size_t width = operation.wordBytes();
  if (operation.address == 0 || operation.address % width != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  PointerInfo info;
  if (state().backend().pointerInfo(operation.address, info) != CUDA_SUCCESS ||
      operation.address - info.base > info.size || width > info.size - (operation.address - info.base)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  switch (info.kind) {
  case MemoryKind::Device: return CUDA_SUCCESS;
  case MemoryKind::Managed: return CUDA_ERROR_INVALID_VALUE;
  case MemoryKind::Host:
  case MemoryKind::HostRegistered:
    if (info.hostPointer == nullptr) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    operation.host = info.hostPointer;
    operation.address = 0;
    return CUDA_SUCCESS;
  }
  return CUDA_ERROR_INVALID_VALUE;
}

// One batch entry as the backend's operation; INVALID_VALUE or NOT_SUPPORTED as the driver would.
CUresult translate(CUcontext target, const CUstreamBatchMemOpParams& params, StreamMemoryOperation& out) {
  switch (params.operation) {
  case CU_STREAM_MEM_OP_WAIT_VALUE_32:
  case CU_STREAM_MEM_OP_WAIT_VALUE_64: {
    const bool wide = params.operation == CU_STREAM_MEM_OP_WAIT_VALUE_64;
    const unsigned flags = params.waitValue.flags;
    if ((flags & ~(0x3u | CU_STREAM_WAIT_VALUE_FLUSH)) != 0) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    if ((wide && !deviceOffers(target, CU_DEVICE_ATTRIBUTE_CAN_USE_64_BIT_STREAM_MEM_OPS)) ||
        ((flags & 0x3u) == CU_STREAM_WAIT_VALUE_NOR &&
         !deviceOffers(target, CU_DEVICE_ATTRIBUTE_CAN_USE_STREAM_WAIT_VALUE_NOR)) ||
        ((flags & CU_STREAM_WAIT_VALUE_FLUSH) != 0 &&
         !deviceOffers(target, CU_DEVICE_ATTRIBUTE_CAN_FLUSH_REMOTE_WRITES))) {
      return CUDA_ERROR_NOT_SUPPORTED;
    }
    out.kind = wide ? Kind::Wait64 : Kind::Wait32;
    out.address = params.waitValue.address;
    out.value = wide ? params.waitValue.value64 : params.waitValue.value;
    out.flags = flags;
    return locate(out);
  }
  case CU_STREAM_MEM_OP_WRITE_VALUE_32:
  case CU_STREAM_MEM_OP_WRITE_VALUE_64: {
    const bool wide = params.operation == CU_STREAM_MEM_OP_WRITE_VALUE_64;
    if ((params.writeValue.flags & ~unsigned{CU_STREAM_WRITE_VALUE_NO_MEMORY_BARRIER}) != 0) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    if (wide && !deviceOffers(target, CU_DEVICE_ATTRIBUTE_CAN_USE_64_BIT_STREAM_MEM_OPS)) {
      return CUDA_ERROR_NOT_SUPPORTED;
    }
    out.kind = wide ? Kind::Write64 : Kind::Write32;
    out.address = params.writeValue.address;
    out.value = wide ? params.writeValue.value64 : params.writeValue.value;
    out.flags = params.writeValue.flags;
    return locate(out);
  }
  case CU_STREAM_MEM_OP_BARRIER:
    if (params.memoryBarrier.flags != CU_STREAM_MEMORY_BARRIER_TYPE_SYS &&
        params.memoryBarrier.flags != CU_STREAM_MEMORY_BARRIER_TYPE_GPU) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    out.kind = Kind::Barrier;
    out.flags = params.memoryBarrier.flags;
    return CUDA_SUCCESS;
  case CU_STREAM_MEM_OP_FLUSH_REMOTE_WRITES:
    // Needs platform support for GPUDirect RDMA write flushes, which no presented device offers
    // (CU_DEVICE_ATTRIBUTE_CAN_FLUSH_REMOTE_WRITES is 0, as on NVIDIA's H100 and A100).
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  return CUDA_ERROR_INVALID_VALUE;
}

} // namespace

CUresult memoryOperationsOperation(CUcontext context, unsigned count, const CUstreamBatchMemOpParams* params,
                                   unsigned flags, Operation& out) {
  if (context == nullptr || flags != 0 || count >= 256 || (count > 0 && params == nullptr)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Operation built;
  built.kind = Operation::Kind::MemoryOperations;
  built.memoryOperations.resize(count);
  for (unsigned i = 0; i < count; ++i) {
    if (const CUresult status = translate(context, params[i], built.memoryOperations[i]); status != CUDA_SUCCESS) {
      return status;
    }
  }
  built.memoryOperationParams.assign(params, params + count);
  built.memoryOperationContext = context;
  out = std::move(built);
  return CUDA_SUCCESS;
}

CUresult memoryOperationsNode(const CUDA_BATCH_MEM_OP_NODE_PARAMS* params, Operation& out) {
  if (params == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const CUcontext context = params->ctx != nullptr ? params->ctx : currentContext();
  if (context == nullptr || state().contexts.find(context) == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return memoryOperationsOperation(context, params->count, params->paramArray, params->flags, out);
}

bool sameMemoryOperationShape(const Operation& current, const Operation& next) {
  if (current.memoryOperationContext != next.memoryOperationContext ||
      current.memoryOperations.size() != next.memoryOperations.size()) {
    return false;
  }
  for (std::size_t i = 0; i < current.memoryOperations.size(); ++i) {
    if (current.memoryOperations[i].kind != next.memoryOperations[i].kind) {
      return false;
    }
  }
  return true;
}

CUDA_BATCH_MEM_OP_NODE_PARAMS memoryOperationsParams(const Operation& operation) {
  CUDA_BATCH_MEM_OP_NODE_PARAMS params{};
  params.ctx = operation.memoryOperationContext;
  params.count = static_cast<unsigned>(operation.memoryOperationParams.size());
  params.paramArray = const_cast<CUstreamBatchMemOpParams*>(operation.memoryOperationParams.data());
  params.flags = 0;
  return params;
}

} // namespace vgpu::cuda
