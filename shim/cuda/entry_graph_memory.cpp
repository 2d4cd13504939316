// Entry points for graph memory nodes and the device's graph memory figures (graph_memory.h):
// cudaGraphAddMemAllocNode / cudaGraphAddMemFreeNode, their parameters, cudaDeviceGraphMemTrim and
// cudaDeviceGet/SetGraphMemAttribute.
#include "entry_common.h"
#include "graph.h"
#include "graph_memory.h"

#include <algorithm>

using namespace vgpu::cuda;

namespace {

// Adds a memory node of `type` for the allocation at `pointer`, as the other node kinds are added:
// dependencies checked against the graph, the node owned by it.
CUresult addMemoryNode(CUgraphNode* out, CUgraph_st* graph, const CUgraphNode* dependencies, size_t count,
                       CUgraphNodeType type, CUdeviceptr pointer) {
  auto node = std::make_unique<CUgraphNode_st>();
  node->graph = graph;
  node->type = type;
  node->operation.kind =
      type == CU_GRAPH_NODE_TYPE_MEM_ALLOC ? Operation::Kind::GraphAlloc : Operation::Kind::GraphFree;
  node->operation.graphMemory = pointer;
  for (size_t i = 0; i < count; ++i) {
    if (!nodeInGraph(graph, dependencies[i])) {
      return CUDA_ERROR_INVALID_VALUE; // a dependency from another graph, or a stale node
    }
    node->dependencies.push_back(dependencies[i]);
  }
  *out = node.get();
  graph->hasMemoryNodes = true;
  graph->nodes.push_back(std::move(node));
  return CUDA_SUCCESS;
}

CUresult requireDevice(CUdevice device) {
  VGPU_REQUIRE_INIT();
  return state().device(device) != nullptr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

} // namespace

CUresult entry::cuGraphAddMemAllocNode(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies, size_t count,
                                       CUDA_MEM_ALLOC_NODE_PARAMS* params) {
  VGPU_REQUIRE_OUT(node);
  VGPU_REQUIRE_OUT(params);
  VGPU_REQUIRE_INIT();
  CUgraph_st* object = state().graphs.find(graph);
  if (object == nullptr || (count > 0 && dependencies == nullptr)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(object->mutex);
  for (size_t i = 0; i < count; ++i) {
    if (!nodeInGraph(object, dependencies[i])) {
      return CUDA_ERROR_INVALID_VALUE; // checked before an address is reserved for the node
    }
  }
  if (const CUresult status = graph_memory::reserve(*params, state().deviceCount(), graph); status != CUDA_SUCCESS) {
    return status;
  }
  return addMemoryNode(node, object, dependencies, count, CU_GRAPH_NODE_TYPE_MEM_ALLOC, params->dptr);
}

CUresult entry::cuGraphMemAllocNodeGetParams(CUgraphNode node, CUDA_MEM_ALLOC_NODE_PARAMS* params) {
  VGPU_REQUIRE_OUT(params);
  VGPU_REQUIRE_INIT();
  if (node == nullptr || node->type != CU_GRAPH_NODE_TYPE_MEM_ALLOC) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return graph_memory::describe(node->operation.graphMemory, *params) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult entry::cuGraphAddMemFreeNode(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies, size_t count,
                                      CUdeviceptr pointer) {
  VGPU_REQUIRE_OUT(node);
  VGPU_REQUIRE_INIT();
  CUgraph_st* object = state().graphs.find(graph);
  if (object == nullptr || (count > 0 && dependencies == nullptr)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Only an address an allocation node returned, and only once in a graph.
  if (!graph_memory::isAllocation(pointer)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(object->mutex);
  const bool freedAlready = std::any_of(object->nodes.begin(), object->nodes.end(), [pointer](const auto& other) {
    return other->type == CU_GRAPH_NODE_TYPE_MEM_FREE && other->operation.graphMemory == pointer;
  });
  if (freedAlready) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return addMemoryNode(node, object, dependencies, count, CU_GRAPH_NODE_TYPE_MEM_FREE, pointer);
}

CUresult entry::cuGraphMemFreeNodeGetParams(CUgraphNode node, CUdeviceptr* pointer) {
  VGPU_REQUIRE_OUT(pointer);
  VGPU_REQUIRE_INIT();
  if (node == nullptr || node->type != CU_GRAPH_NODE_TYPE_MEM_FREE) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *pointer = node->operation.graphMemory;
  return CUDA_SUCCESS;
}

// Freed graph memory is released at once (graph_memory.h), so there is nothing left to trim.
CUresult entry::cuDeviceGraphMemTrim(CUdevice device) {
  return requireDevice(device);
}

CUresult entry::cuDeviceGetGraphMemAttribute(CUdevice device, CUgraphMem_attribute attribute, void* value) {
  VGPU_REQUIRE_OUT(value);
  if (const CUresult status = requireDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  cuuint64_t figure = 0;
  if (const CUresult status = graph_memory::getAttribute(device, attribute, figure); status != CUDA_SUCCESS) {
    return status;
  }
  *static_cast<cuuint64_t*>(value) = figure;
  return CUDA_SUCCESS;
}

CUresult entry::cuDeviceSetGraphMemAttribute(CUdevice device, CUgraphMem_attribute attribute, void* value) {
  VGPU_REQUIRE_OUT(value);
  if (const CUresult status = requireDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  return graph_memory::setAttribute(device, attribute, *static_cast<const cuuint64_t*>(value));
}
