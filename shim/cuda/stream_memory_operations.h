// Stream memory operations (wait on or write a word in stream order, a memory barrier) checked as
// the driver documents them, once for the stream calls (cuStreamWaitValue32 & co., cuStreamBatchMemOp)
// and for batch memory-operation graph nodes (cuGraphAddBatchMemOpNode, or captured stream calls):
// the device offers the operation (CU_DEVICE_ATTRIBUTE_CAN_USE_64_BIT_STREAM_MEM_OPS,
// _STREAM_WAIT_VALUE_NOR, _CAN_FLUSH_REMOTE_WRITES), the address is aligned to the width and is not
// managed memory, flags are known, a batch holds fewer than 256.
#pragma once

#include "operation.h"

#include <cuda.h>

namespace vgpu::cuda {

// A batch as one Operation (Kind::MemoryOperations) for `context`'s device, keeping the caller's
// entries for the node's parameters. INVALID_VALUE or NOT_SUPPORTED as the driver would answer.
CUresult memoryOperationsOperation(CUcontext context, unsigned count, const CUstreamBatchMemOpParams* params,
                                   unsigned flags, Operation& out);

// A batch memory-operation node's parameters (cuGraphAddBatchMemOpNode and the setters): no context
// means the current one. INVALID_VALUE for a missing structure or an unknown context.
CUresult memoryOperationsNode(const CUDA_BATCH_MEM_OP_NODE_PARAMS* params, Operation& out);

// What an executable's node may not change (the driver documents it): the context, the count and
// each operation's type. Addresses, values and flags may change.
bool sameMemoryOperationShape(const Operation& current, const Operation& next);

// A node's parameters as cuGraphBatchMemOpNodeGetParams reports them: the array is the node's copy.
CUDA_BATCH_MEM_OP_NODE_PARAMS memoryOperationsParams(const Operation& operation);

} // namespace vgpu::cuda
