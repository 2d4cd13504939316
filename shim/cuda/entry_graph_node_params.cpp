// Reading and changing a graph node's parameters: memcpy and memset nodes, and CUDA 10's forms of
// the kernel node calls (CUDA_KERNEL_NODE_PARAMS_v1). The new parameters are checked as adding
// the node checks them, and a refused change leaves the node as it was.
#include "entry_common.h"
#include "graph.h"
#include "graph_node_params.h"
#include "stream_memory_operations.h"

using namespace vgpu::cuda;

namespace {

// The node when it is live and of `type`; nullptr else.
CUgraphNode_st* nodeOfType(CUgraphNode node, CUgraphNodeType type) {
  if (node == nullptr || node->type != type) {
    return nullptr;
  }
  CUgraph_st* graph = state().graphs.find(node->graph);
  if (graph == nullptr) {
    return nullptr;
  }
  const std::lock_guard lock(graph->mutex);
  return nodeInGraph(graph, node) ? node : nullptr;
}

} // namespace

CUresult entry::cuGraphMemcpyNodeGetParams(CUgraphNode node, CUDA_MEMCPY3D* params) {
  VGPU_REQUIRE_OUT(params);
  VGPU_REQUIRE_INIT();
  CUgraphNode_st* object = nodeOfType(node, CU_GRAPH_NODE_TYPE_MEMCPY);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *params = copyParams(object->operation);
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphMemcpyNodeSetParams(CUgraphNode node, const CUDA_MEMCPY3D* params) {
  VGPU_REQUIRE_INIT();
  CUgraphNode_st* object = nodeOfType(node, CU_GRAPH_NODE_TYPE_MEMCPY);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Operation operation;
  if (const CUresult status = copyOperation(params, operation); status != CUDA_SUCCESS) {
    return status;
  }
  object->operation = std::move(operation);
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphMemsetNodeGetParams(CUgraphNode node, CUDA_MEMSET_NODE_PARAMS* params) {
  VGPU_REQUIRE_OUT(params);
  VGPU_REQUIRE_INIT();
  CUgraphNode_st* object = nodeOfType(node, CU_GRAPH_NODE_TYPE_MEMSET);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *params = memsetParams(object->operation);
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphMemsetNodeSetParams(CUgraphNode node, const CUDA_MEMSET_NODE_PARAMS* params) {
  VGPU_REQUIRE_INIT();
  CUgraphNode_st* object = nodeOfType(node, CU_GRAPH_NODE_TYPE_MEMSET);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Operation operation;
  if (const CUresult status = memsetOperation(params, operation); status != CUDA_SUCCESS) {
    return status;
  }
  object->operation = std::move(operation);
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphAddKernelNode(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies, size_t count,
                                     const CUDA_KERNEL_NODE_PARAMS_v1* params) {
  if (params == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const CUDA_KERNEL_NODE_PARAMS full = fromVersion1(*params);
  return ::cuGraphAddKernelNode_v2(node, graph, dependencies, count, &full);
}

CUresult entry::cuGraphKernelNodeSetParams(CUgraphNode node, const CUDA_KERNEL_NODE_PARAMS_v1* params) {
  if (params == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const CUDA_KERNEL_NODE_PARAMS full = fromVersion1(*params);
  return ::cuGraphKernelNodeSetParams_v2(node, &full);
}

CUresult entry::cuGraphBatchMemOpNodeGetParams(CUgraphNode node, CUDA_BATCH_MEM_OP_NODE_PARAMS* params) {
  VGPU_REQUIRE_OUT(params);
  VGPU_REQUIRE_INIT();
  const CUgraphNode_st* object = nodeOfType(node, CU_GRAPH_NODE_TYPE_BATCH_MEM_OP);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *params = memoryOperationsParams(object->operation);
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphBatchMemOpNodeSetParams(CUgraphNode node, const CUDA_BATCH_MEM_OP_NODE_PARAMS* params) {
  VGPU_REQUIRE_INIT();
  CUgraphNode_st* object = nodeOfType(node, CU_GRAPH_NODE_TYPE_BATCH_MEM_OP);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Operation operation;
  if (const CUresult status = memoryOperationsNode(params, operation); status != CUDA_SUCCESS) {
    return status;
  }
  object->operation = std::move(operation);
  return CUDA_SUCCESS;
}

// CUDA 12.2's one call for every kind, with the parameters in a union: each kind through its own
// setter. The kind must be the node's; kinds whose parameters cannot change are NOT_SUPPORTED.
CUresult entry::cuGraphNodeSetParams(CUgraphNode node, CUgraphNodeParams* params) {
  VGPU_REQUIRE_OUT(params);
  VGPU_REQUIRE_INIT();
  if (node == nullptr || node->type != params->type) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  switch (params->type) {
  case CU_GRAPH_NODE_TYPE_KERNEL: {
    const CUDA_KERNEL_NODE_PARAMS kernel = fromNodeParams(params->kernel);
    return ::cuGraphKernelNodeSetParams_v2(node, &kernel);
  }
  case CU_GRAPH_NODE_TYPE_MEMCPY: return ::cuGraphMemcpyNodeSetParams(node, &params->memcpy.copyParams);
  case CU_GRAPH_NODE_TYPE_MEMSET: {
    const CUDA_MEMSET_NODE_PARAMS memset = fromNodeParams(params->memset);
    return ::cuGraphMemsetNodeSetParams(node, &memset);
  }
  case CU_GRAPH_NODE_TYPE_HOST: {
    const CUDA_HOST_NODE_PARAMS host{params->host.fn, params->host.userData};
    return ::cuGraphHostNodeSetParams(node, &host);
  }
  case CU_GRAPH_NODE_TYPE_EVENT_RECORD: return ::cuGraphEventRecordNodeSetEvent(node, params->eventRecord.event);
  case CU_GRAPH_NODE_TYPE_WAIT_EVENT: return ::cuGraphEventWaitNodeSetEvent(node, params->eventWait.event);
  case CU_GRAPH_NODE_TYPE_BATCH_MEM_OP: {
    const CUDA_BATCH_MEM_OP_NODE_PARAMS memOp = fromNodeParams(params->memOp);
    return ::cuGraphBatchMemOpNodeSetParams(node, &memOp);
  }
  default: return CUDA_ERROR_NOT_SUPPORTED;
  }
}
