// Entry points that read and change the parameters of a graph's host, event record/wait and child
// graph nodes (cudaGraphHostNodeGetParams, cudaGraphEventRecordNodeSetEvent, ...). A node of
// another kind is CUDA_ERROR_INVALID_VALUE, as NVIDIA's driver answers. Instantiated graphs keep
// the parameters they were instantiated with.
#include "entry_common.h"
#include "graph.h"

using namespace vgpu::cuda;

namespace {

// The node when it is of `type`; nullptr otherwise.
CUgraphNode_st* nodeOfType(CUgraphNode node, CUgraphNodeType type) {
  return node != nullptr && node->type == type ? node : nullptr;
}

CUresult getEvent(CUgraphNode node, CUgraphNodeType type, CUevent* event) {
  VGPU_REQUIRE_OUT(event);
  VGPU_REQUIRE_INIT();
  CUgraphNode_st* found = nodeOfType(node, type);
  if (found == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *event = found->operation.event;
  return CUDA_SUCCESS;
}

CUresult setEvent(CUgraphNode node, CUgraphNodeType type, CUevent event) {
  VGPU_REQUIRE_INIT();
  CUgraphNode_st* found = nodeOfType(node, type);
  if (found == nullptr || state().events.find(event) == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  found->operation.event = event;
  return CUDA_SUCCESS;
}

} // namespace

CUresult entry::cuGraphHostNodeGetParams(CUgraphNode node, CUDA_HOST_NODE_PARAMS* params) {
  VGPU_REQUIRE_OUT(params);
  VGPU_REQUIRE_INIT();
  CUgraphNode_st* found = nodeOfType(node, CU_GRAPH_NODE_TYPE_HOST);
  if (found == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  params->fn = found->operation.hostFn;
  params->userData = found->operation.hostUserData;
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphHostNodeSetParams(CUgraphNode node, const CUDA_HOST_NODE_PARAMS* params) {
  VGPU_REQUIRE_INIT();
  CUgraphNode_st* found = nodeOfType(node, CU_GRAPH_NODE_TYPE_HOST);
  if (found == nullptr || params == nullptr || params->fn == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  found->operation.hostFn = params->fn;
  found->operation.hostUserData = params->userData;
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphEventRecordNodeGetEvent(CUgraphNode node, CUevent* event) {
  return getEvent(node, CU_GRAPH_NODE_TYPE_EVENT_RECORD, event);
}

CUresult entry::cuGraphEventRecordNodeSetEvent(CUgraphNode node, CUevent event) {
  return setEvent(node, CU_GRAPH_NODE_TYPE_EVENT_RECORD, event);
}

CUresult entry::cuGraphEventWaitNodeGetEvent(CUgraphNode node, CUevent* event) {
  return getEvent(node, CU_GRAPH_NODE_TYPE_WAIT_EVENT, event);
}

CUresult entry::cuGraphEventWaitNodeSetEvent(CUgraphNode node, CUevent event) {
  return setEvent(node, CU_GRAPH_NODE_TYPE_WAIT_EVENT, event);
}

// The graph a child graph node runs: the one it was added with (kept by reference, see
// docs/simulated-device.md), which the caller must not destroy while the node exists.
CUresult entry::cuGraphChildGraphNodeGetGraph(CUgraphNode node, CUgraph* graph) {
  VGPU_REQUIRE_OUT(graph);
  VGPU_REQUIRE_INIT();
  CUgraphNode_st* found = nodeOfType(node, CU_GRAPH_NODE_TYPE_GRAPH);
  if (found == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *graph = found->childGraph;
  return CUDA_SUCCESS;
}
