// Changing one node of an executable graph without instantiating again (cuGraphExec*SetParams,
// cuGraphNodeSetEnabled), as frameworks that replay a graph with new arguments do. The node is
// named by its handle in the graph the executable was instantiated from; nodes inside child graphs
// are changed through their child graph node. Each change is checked against what the driver
// documents for it and affects only later launches; a refused change leaves the executable as it
// was.
#include "entry_common.h"
#include "graph.h"
#include "graph_node_params.h"
#include "stream_memory_operations.h"

#include <algorithm>

using namespace vgpu::cuda;

namespace {

// The executable and where `node` landed in it, when the node is one of its graph's own of `kind`.
CUresult locate(CUgraphExec exec, CUgraphNode node, Operation::Kind kind, CUgraphExec_st*& executable,
                NodeRange& range) {
  executable = state().graphExecs.find(exec);
  if (executable == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto found = executable->positions.find(node);
  if (found == executable->positions.end() || found->second.count != 1 ||
      executable->ordered[found->second.first].kind != kind) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  range = found->second;
  return CUDA_SUCCESS;
}

// Replaces the operation at `range` with `operation` once `compatible` accepts the change.
template <typename Compatible>
CUresult replace(CUgraphExec exec, CUgraphNode node, Operation::Kind kind, CUresult built, Operation operation,
                 Compatible compatible) {
  VGPU_REQUIRE_INIT();
  CUgraphExec_st* executable = nullptr;
  NodeRange range;
  if (const CUresult status = locate(exec, node, kind, executable, range); status != CUDA_SUCCESS) {
    return status;
  }
  if (built != CUDA_SUCCESS) {
    return built;
  }
  Operation& current = executable->ordered[range.first];
  if (!compatible(current, operation)) { // may adjust `operation` to what it keeps of `current`
    return CUDA_ERROR_INVALID_VALUE;
  }
  current = std::move(operation);
  executable->changed();
  return CUDA_SUCCESS;
}

// A kernel, memcpy or memset node of the executable's graph: the ones that can be disabled.
CUresult locateSwitchable(CUgraphExec exec, CUgraphNode node, CUgraphExec_st*& executable, std::size_t& index) {
  for (const Operation::Kind kind : {Operation::Kind::Kernel, Operation::Kind::Copy, Operation::Kind::Memset}) {
    NodeRange range;
    if (locate(exec, node, kind, executable, range) == CUDA_SUCCESS) {
      index = range.first;
      return CUDA_SUCCESS;
    }
  }
  return CUDA_ERROR_INVALID_VALUE;
}

bool anyChange(const Operation& /*current*/, const Operation& /*next*/) {
  return true;
}

// A kernel keeps the node's launch attributes when its parameters change.
bool keepingAttributes(const Operation& current, Operation& next) {
  keepLaunchAttributes(current.launch, next.launch);
  return true;
}

// Copies and memsets may change in an executable only as 1D operations on memory of the same kind
// (the driver: the operands' mappings may not change, and both must be 1-dimensional).
bool sameCopyKind(const Operation& current, const Operation& next) {
  return current.height == 1 && next.height == 1 && current.copySrc.isDevice == next.copySrc.isDevice &&
         current.copyDst.isDevice == next.copyDst.isDevice;
}
bool oneDimensionalMemset(const Operation& current, const Operation& next) {
  return current.height <= 1 && next.height <= 1;
}

CUresult setEvent(CUgraphExec exec, CUgraphNode node, Operation::Kind kind, CUevent event) {
  Operation operation;
  operation.kind = kind;
  operation.event = event;
  const CUresult built = state().events.find(event) != nullptr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
  return replace(exec, node, kind, built, std::move(operation), anyChange);
}

} // namespace

CUresult entry::cuGraphExecKernelNodeSetParams_v2(CUgraphExec exec, CUgraphNode node,
                                                  const CUDA_KERNEL_NODE_PARAMS* params) {
  Operation operation;
  const CUresult built = params == nullptr ? CUDA_ERROR_INVALID_VALUE : kernelOperation(params, operation);
  return replace(exec, node, Operation::Kind::Kernel, built, std::move(operation), keepingAttributes);
}

CUresult entry::cuGraphExecKernelNodeSetParams(CUgraphExec exec, CUgraphNode node,
                                               const CUDA_KERNEL_NODE_PARAMS_v1* params) {
  if (params == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const CUDA_KERNEL_NODE_PARAMS full = fromVersion1(*params);
  return ::cuGraphExecKernelNodeSetParams_v2(exec, node, &full);
}

CUresult entry::cuGraphExecMemcpyNodeSetParams(CUgraphExec exec, CUgraphNode node, const CUDA_MEMCPY3D* params,
                                               CUcontext /*context*/) {
  Operation operation;
  const CUresult built = copyOperation(params, operation);
  return replace(exec, node, Operation::Kind::Copy, built, std::move(operation), sameCopyKind);
}

CUresult entry::cuGraphExecMemsetNodeSetParams(CUgraphExec exec, CUgraphNode node,
                                               const CUDA_MEMSET_NODE_PARAMS* params, CUcontext /*context*/) {
  Operation operation;
  const CUresult built = memsetOperation(params, operation);
  return replace(exec, node, Operation::Kind::Memset, built, std::move(operation), oneDimensionalMemset);
}

CUresult entry::cuGraphExecHostNodeSetParams(CUgraphExec exec, CUgraphNode node, const CUDA_HOST_NODE_PARAMS* params) {
  Operation operation;
  operation.kind = Operation::Kind::Host;
  const bool valid = params != nullptr && params->fn != nullptr;
  if (valid) {
    operation.hostFn = params->fn;
    operation.hostUserData = params->userData;
  }
  return replace(exec, node, Operation::Kind::Host, valid ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE,
                 std::move(operation), anyChange);
}

CUresult entry::cuGraphExecBatchMemOpNodeSetParams(CUgraphExec exec, CUgraphNode node,
                                                   const CUDA_BATCH_MEM_OP_NODE_PARAMS* params) {
  Operation operation;
  const CUresult built = memoryOperationsNode(params, operation);
  return replace(exec, node, Operation::Kind::MemoryOperations, built, std::move(operation), sameMemoryOperationShape);
}

CUresult entry::cuGraphExecEventRecordNodeSetEvent(CUgraphExec exec, CUgraphNode node, CUevent event) {
  return setEvent(exec, node, Operation::Kind::EventRecord, event);
}

CUresult entry::cuGraphExecEventWaitNodeSetEvent(CUgraphExec exec, CUgraphNode node, CUevent event) {
  return setEvent(exec, node, Operation::Kind::EventWait, event);
}

// The child graph must have the topology of the one the node held at instantiation: the same
// operations of the same kinds in the same order (for kernels, the same functions).
CUresult entry::cuGraphExecChildGraphNodeSetParams(CUgraphExec exec, CUgraphNode node, CUgraph child) {
  VGPU_REQUIRE_INIT();
  CUgraphExec_st* executable = state().graphExecs.find(exec);
  CUgraph_st* childObject = state().graphs.find(child);
  if (executable == nullptr || childObject == nullptr || node == nullptr || node->type != CU_GRAPH_NODE_TYPE_GRAPH) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto found = executable->positions.find(node);
  if (found == executable->positions.end()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::vector<Operation> ordered;
  if (const CUresult status = orderGraph(childObject, ordered); status != CUDA_SUCCESS) {
    return status;
  }
  const NodeRange range = found->second;
  if (ordered.size() != range.count) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    const Operation& current = executable->ordered[range.first + i];
    if (ordered[i].kind != current.kind ||
        (current.kind == Operation::Kind::Kernel && ordered[i].function != current.function) ||
        current.kind == Operation::Kind::GraphAlloc || current.kind == Operation::Kind::GraphFree ||
        current.kind == Operation::Kind::Conditional) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  std::move(ordered.begin(), ordered.end(), executable->ordered.begin() + static_cast<std::ptrdiff_t>(range.first));
  executable->changed();
  return CUDA_SUCCESS;
}

// Only kernel, memcpy and memset nodes may be disabled; a disabled node runs as an empty one.
CUresult entry::cuGraphNodeSetEnabled(CUgraphExec exec, CUgraphNode node, unsigned int enabled) {
  VGPU_REQUIRE_INIT();
  CUgraphExec_st* executable = nullptr;
  std::size_t index = 0;
  if (const CUresult status = locateSwitchable(exec, node, executable, index); status != CUDA_SUCCESS) {
    return status;
  }
  if (executable->disabled[index] != (enabled == 0)) {
    executable->disabled[index] = enabled == 0;
    executable->changed();
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphNodeGetEnabled(CUgraphExec exec, CUgraphNode node, unsigned int* enabled) {
  VGPU_REQUIRE_OUT(enabled);
  VGPU_REQUIRE_INIT();
  CUgraphExec_st* executable = nullptr;
  std::size_t index = 0;
  if (const CUresult status = locateSwitchable(exec, node, executable, index); status != CUDA_SUCCESS) {
    return status;
  }
  *enabled = executable->disabled[index] ? 0 : 1;
  return CUDA_SUCCESS;
}

// CUDA 10.2's form of cuGraphExecUpdate: the error node and the result instead of the info record.
CUresult entry::cuGraphExecUpdate(CUgraphExec exec, CUgraph graph, CUgraphNode* errorNode,
                                  CUgraphExecUpdateResult* result) {
  CUgraphExecUpdateResultInfo info{};
  const CUresult status = ::cuGraphExecUpdate_v2(exec, graph, &info);
  if (errorNode != nullptr) {
    *errorNode = info.errorNode;
  }
  if (result != nullptr) {
    *result = info.result;
  }
  return status;
}

// CUDA 12.2's one call for every kind: each kind through its own executable setter.
CUresult entry::cuGraphExecNodeSetParams(CUgraphExec exec, CUgraphNode node, CUgraphNodeParams* params) {
  VGPU_REQUIRE_OUT(params);
  VGPU_REQUIRE_INIT();
  if (node == nullptr || node->type != params->type) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  switch (params->type) {
  case CU_GRAPH_NODE_TYPE_KERNEL: {
    const CUDA_KERNEL_NODE_PARAMS kernel = fromNodeParams(params->kernel);
    return ::cuGraphExecKernelNodeSetParams_v2(exec, node, &kernel);
  }
  case CU_GRAPH_NODE_TYPE_MEMCPY:
    return ::cuGraphExecMemcpyNodeSetParams(exec, node, &params->memcpy.copyParams, params->memcpy.copyCtx);
  case CU_GRAPH_NODE_TYPE_MEMSET: {
    const CUDA_MEMSET_NODE_PARAMS memset = fromNodeParams(params->memset);
    return ::cuGraphExecMemsetNodeSetParams(exec, node, &memset, params->memset.ctx);
  }
  case CU_GRAPH_NODE_TYPE_HOST: {
    const CUDA_HOST_NODE_PARAMS host{params->host.fn, params->host.userData};
    return ::cuGraphExecHostNodeSetParams(exec, node, &host);
  }
  case CU_GRAPH_NODE_TYPE_EVENT_RECORD:
    return ::cuGraphExecEventRecordNodeSetEvent(exec, node, params->eventRecord.event);
  case CU_GRAPH_NODE_TYPE_WAIT_EVENT: return ::cuGraphExecEventWaitNodeSetEvent(exec, node, params->eventWait.event);
  case CU_GRAPH_NODE_TYPE_GRAPH: return ::cuGraphExecChildGraphNodeSetParams(exec, node, params->graph.graph);
  case CU_GRAPH_NODE_TYPE_BATCH_MEM_OP: {
    const CUDA_BATCH_MEM_OP_NODE_PARAMS memOp = fromNodeParams(params->memOp);
    return ::cuGraphExecBatchMemOpNodeSetParams(exec, node, &memOp);
  }
  default: return CUDA_ERROR_NOT_SUPPORTED;
  }
}
