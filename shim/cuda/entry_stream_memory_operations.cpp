// Stream memory operations (cuStreamWaitValue32/64, cuStreamWriteValue32/64, cuStreamBatchMemOp,
// the _v2 forms cuda.h names): a word of device memory, or of host memory the device maps, waited
// on or written in stream order. Checked here as the driver documents them — the device offers the
// operation (CU_DEVICE_ATTRIBUTE_CAN_USE_64_BIT_STREAM_MEM_OPS, _STREAM_WAIT_VALUE_NOR,
// _CAN_FLUSH_REMOTE_WRITES), the address is aligned to the width and is not managed memory, flags
// are known, a batch holds fewer than 256 — then run by the backend in order on the stream.
// Capturing them into a graph (a batch memory-operation node) is not built: refused with
// CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED.
#include "entry_common.h"
#include "operation.h"

#include "vgpu/device/device_discovery.h"

#include <vector>

using namespace vgpu::cuda;

namespace {

using Kind = StreamMemoryOperation::Kind;

bool deviceOffers(const StreamTarget& target, CUdevice_attribute attribute) {
  const DeviceRecord* device = state().device(target.context->device);
  int value = 0;
  return device != nullptr && vgpu::device::presentedAttribute(device->presented, attribute, value) && value != 0;
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
CUresult translate(const StreamTarget& target, const CUstreamBatchMemOpParams& params, StreamMemoryOperation& out) {
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

CUresult run(CUstream stream, unsigned count, const CUstreamBatchMemOpParams* params, unsigned flags) {
  VGPU_REQUIRE_INIT();
  if (flags != 0 || count >= 256 || (count > 0 && params == nullptr)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (target.capture) {
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED; // a batch memory-operation node is not built
  }
  std::vector<StreamMemoryOperation> operations(count);
  for (unsigned i = 0; i < count; ++i) {
    if (const CUresult status = translate(target, params[i], operations[i]); status != CUDA_SUCCESS) {
      return status;
    }
  }
  if (operations.empty()) {
    return CUDA_SUCCESS;
  }
  return state().backend().streamMemoryOperations(target.backend, operations);
}

CUresult one(CUstream stream, CUstreamBatchMemOpType type, CUdeviceptr address, std::uint64_t value, unsigned flags) {
  CUstreamBatchMemOpParams params{};
  params.operation = type;
  if (type == CU_STREAM_MEM_OP_WAIT_VALUE_32 || type == CU_STREAM_MEM_OP_WAIT_VALUE_64) {
    params.waitValue.address = address;
    params.waitValue.value64 = value;
    params.waitValue.flags = flags;
  } else {
    params.writeValue.address = address;
    params.writeValue.value64 = value;
    params.writeValue.flags = flags;
  }
  return run(stream, 1, &params, 0);
}

} // namespace

CUresult entry::cuStreamWaitValue32_v2(CUstream stream, CUdeviceptr address, cuuint32_t value, unsigned int flags) {
  return one(stream, CU_STREAM_MEM_OP_WAIT_VALUE_32, address, value, flags);
}
CUresult entry::cuStreamWaitValue64_v2(CUstream stream, CUdeviceptr address, cuuint64_t value, unsigned int flags) {
  return one(stream, CU_STREAM_MEM_OP_WAIT_VALUE_64, address, value, flags);
}
CUresult entry::cuStreamWriteValue32_v2(CUstream stream, CUdeviceptr address, cuuint32_t value, unsigned int flags) {
  return one(stream, CU_STREAM_MEM_OP_WRITE_VALUE_32, address, value, flags);
}
CUresult entry::cuStreamWriteValue64_v2(CUstream stream, CUdeviceptr address, cuuint64_t value, unsigned int flags) {
  return one(stream, CU_STREAM_MEM_OP_WRITE_VALUE_64, address, value, flags);
}
CUresult entry::cuStreamBatchMemOp_v2(CUstream stream, unsigned int count, CUstreamBatchMemOpParams* params,
                                      unsigned int flags) {
  return run(stream, count, params, flags);
}
