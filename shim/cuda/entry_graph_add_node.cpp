// cuGraphAddNode (cudaGraphAddNode, CUDA 12): one entry point for every node kind, with the
// parameters in a union. Each kind is added by its own entry point, so a node made here is the node
// the kind's own call makes (conditional nodes have no call of their own: graph_conditionals.h).
// Kinds the shim does not build (external semaphores, batched memory operations) are
// CUDA_ERROR_NOT_SUPPORTED and logged once per kind.
#include "entry_common.h"
#include "graph.h"
#include "graph_node_params.h"

#include "vgpu/log.h"

#include <atomic>

using namespace vgpu::cuda;

namespace {

CUresult unsupportedKind(CUgraphNodeType type) {
  static std::atomic<unsigned> reported{0}; // one bit per kind (kinds are small numbers)
  const unsigned bit = 1u << (static_cast<unsigned>(type) & 31u);
  if ((reported.fetch_or(bit) & bit) == 0) {
    vgpu::log::writef(vgpu::log::Level::Warn, "driver",
                      "cuGraphAddNode: node type %d is not supported by vgpu: CUDA_ERROR_NOT_SUPPORTED",
                      static_cast<int>(type));
  }
  return CUDA_ERROR_NOT_SUPPORTED;
}

CUresult addAllocation(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies, size_t count,
                       CUDA_MEM_ALLOC_NODE_PARAMS_v2& alloc) {
  CUDA_MEM_ALLOC_NODE_PARAMS params{};
  params.poolProps = alloc.poolProps;
  params.accessDescs = alloc.accessDescs;
  params.accessDescCount = alloc.accessDescCount;
  params.bytesize = alloc.bytesize;
  const CUresult status = ::cuGraphAddMemAllocNode(node, graph, dependencies, count, &params);
  alloc.dptr = params.dptr; // the address is an out-parameter of the union, as in the kind's own call
  return status;
}

CUresult addByKind(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies, size_t count,
                   CUgraphNodeParams& params) {
  switch (params.type) {
  case CU_GRAPH_NODE_TYPE_KERNEL: {
    const CUDA_KERNEL_NODE_PARAMS kernel = fromNodeParams(params.kernel);
    return ::cuGraphAddKernelNode_v2(node, graph, dependencies, count, &kernel);
  }
  case CU_GRAPH_NODE_TYPE_MEMCPY:
    if (params.memcpy.flags != 0 || params.memcpy.reserved != 0) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    return ::cuGraphAddMemcpyNode(node, graph, dependencies, count, &params.memcpy.copyParams, params.memcpy.copyCtx);
  case CU_GRAPH_NODE_TYPE_MEMSET: {
    const CUDA_MEMSET_NODE_PARAMS memset = fromNodeParams(params.memset);
    return ::cuGraphAddMemsetNode(node, graph, dependencies, count, &memset, params.memset.ctx);
  }
  case CU_GRAPH_NODE_TYPE_HOST: {
    const CUDA_HOST_NODE_PARAMS host{params.host.fn, params.host.userData};
    return ::cuGraphAddHostNode(node, graph, dependencies, count, &host);
  }
  case CU_GRAPH_NODE_TYPE_GRAPH:
    if (params.graph.ownership != CU_GRAPH_CHILD_GRAPH_OWNERSHIP_CLONE) {
      return unsupportedKind(params.type); // moving a graph into its parent is not built
    }
    return ::cuGraphAddChildGraphNode(node, graph, dependencies, count, params.graph.graph);
  case CU_GRAPH_NODE_TYPE_EMPTY: return ::cuGraphAddEmptyNode(node, graph, dependencies, count);
  case CU_GRAPH_NODE_TYPE_WAIT_EVENT:
    return ::cuGraphAddEventWaitNode(node, graph, dependencies, count, params.eventWait.event);
  case CU_GRAPH_NODE_TYPE_EVENT_RECORD:
    return ::cuGraphAddEventRecordNode(node, graph, dependencies, count, params.eventRecord.event);
  case CU_GRAPH_NODE_TYPE_MEM_ALLOC: return addAllocation(node, graph, dependencies, count, params.alloc);
  case CU_GRAPH_NODE_TYPE_MEM_FREE: return ::cuGraphAddMemFreeNode(node, graph, dependencies, count, params.free.dptr);
  case CU_GRAPH_NODE_TYPE_CONDITIONAL: return addConditionalNode(node, graph, dependencies, count, params.conditional);
  case CU_GRAPH_NODE_TYPE_BATCH_MEM_OP: {
    const CUDA_BATCH_MEM_OP_NODE_PARAMS memOp = fromNodeParams(params.memOp);
    return ::cuGraphAddBatchMemOpNode(node, graph, dependencies, count, &memOp);
  }
  default: return unsupportedKind(params.type);
  }
}

} // namespace

CUresult entry::cuGraphAddNode_v2(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies,
                                  const CUgraphEdgeData* edges, size_t count, CUgraphNodeParams* params) {
  VGPU_REQUIRE_OUT(node);
  VGPU_REQUIRE_OUT(params);
  VGPU_REQUIRE_INIT();
  if (!defaultEdges(edges, count)) {
    return CUDA_ERROR_NOT_SUPPORTED; // only default edges are built (entry_graph_edges.cpp)
  }
  return addByKind(node, graph, dependencies, count, *params);
}

CUresult entry::cuGraphAddNode(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies, size_t count,
                               CUgraphNodeParams* params) {
  return ::cuGraphAddNode_v2(node, graph, dependencies, nullptr, count, params);
}
