// Stream memory operations (cuStreamWaitValue32/64, cuStreamWriteValue32/64, cuStreamBatchMemOp,
// the _v2 forms cuda.h names): a word of device memory, or of host memory the device maps, waited
// on or written in stream order. Checked as the driver documents them (stream_memory_operations.h),
// then run by the backend in order on the stream, or captured as a batch memory-operation node.
#include "entry_common.h"
#include "stream_memory_operations.h"

using namespace vgpu::cuda;

namespace {

CUresult run(CUstream stream, unsigned count, const CUstreamBatchMemOpParams* params, unsigned flags) {
  VGPU_REQUIRE_INIT();
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  Operation operation;
  if (const CUresult status = memoryOperationsOperation(target.context, count, params, flags, operation);
      status != CUDA_SUCCESS) {
    return status;
  }
  if (operation.memoryOperations.empty() && !target.capture) {
    return CUDA_SUCCESS;
  }
  // Captured, the batch becomes a batch memory-operation node of the stream's graph.
  return submit(target, std::move(operation), true);
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
