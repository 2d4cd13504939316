// Entry points that copy graphs: cuGraphClone makes an independent graph with the same nodes and
// dependencies (not of a graph with memory nodes, as in NVIDIA's driver, nor yet of one with
// conditional nodes) (a node of the copy remembers its original,
// for cuGraphNodeFindInClone). A child graph node of the copy refers to the same child graph as the original's node
// does: the shim keeps child graphs by reference (NVIDIA's driver embeds a copy), so a child graph changed after it was
// added changes both.
#include "entry_common.h"
#include "graph.h"
#include "graph_user_objects.h"

#include <map>

using namespace vgpu::cuda;

CUresult entry::cuGraphClone(CUgraph* clone, CUgraph original) {
  VGPU_REQUIRE_OUT(clone);
  VGPU_REQUIRE_INIT();
  CUgraph_st* source = state().graphs.find(original);
  if (source == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult status = refuseIfMemoryNodes(source); status != CUDA_SUCCESS) {
    return status; // an allocation node's address belongs to one graph
  }
  if (source->hasConditionalNodes) {
    return CUDA_ERROR_NOT_SUPPORTED; // bodies and handles belong to one graph: not copied yet
  }
  const CUgraph copy = state().graphs.add(std::make_unique<CUgraph_st>());
  const std::lock_guard lock(source->mutex);
  std::map<CUgraphNode, CUgraphNode> renamed;
  for (const auto& node : source->nodes) {
    auto twin = std::make_unique<CUgraphNode_st>();
    static_cast<GraphNode&>(*twin) = *node;
    twin->graph = copy;
    twin->clonedFrom = node.get();
    renamed[node.get()] = twin.get();
    copy->nodes.push_back(std::move(twin));
  }
  for (const auto& node : copy->nodes) {
    for (CUgraphNode& dependency : node->dependencies) {
      const auto it = renamed.find(dependency);
      if (it == renamed.end()) { // not a node of the graph: cannot happen through the API
        state().graphs.destroy(copy);
        return CUDA_ERROR_INVALID_VALUE;
      }
      dependency = it->second;
    }
  }
  user_objects::graphCloned(original, copy);
  *clone = copy;
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphNodeFindInClone(CUgraphNode* found, CUgraphNode original, CUgraph clone) {
  VGPU_REQUIRE_OUT(found);
  VGPU_REQUIRE_INIT();
  CUgraph_st* copy = state().graphs.find(clone);
  if (copy == nullptr || original == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(copy->mutex);
  for (const auto& node : copy->nodes) {
    if (node->clonedFrom == original) {
      *found = node.get();
      return CUDA_SUCCESS;
    }
  }
  return CUDA_ERROR_INVALID_VALUE;
}
