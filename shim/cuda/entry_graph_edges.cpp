// Entry points for a graph's topology: adding and removing dependencies (edges), reading them per
// node and for the whole graph, and destroying a node with its edges. The _v2 forms carry edge
// data (CUDA 12.3); only the default edge (full completion, no programmatic port) is presented,
// so other edge types are CUDA_ERROR_NOT_SUPPORTED and reads report default edges.
#include "entry_common.h"
#include "graph.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>

using namespace vgpu::cuda;

namespace {

// Answers a list query: the count when `out` is null, else up to *count entries (the rest set to
// null, as the driver does) and the number that exist.
CUresult answerList(const std::vector<CUgraphNode>& list, CUgraphNode* out, CUgraphEdgeData* edges,
                    std::size_t* count) {
  if (count == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (out != nullptr) {
    for (std::size_t i = 0; i < *count; ++i) {
      out[i] = i < list.size() ? list[i] : nullptr;
      if (edges != nullptr) {
        edges[i] = CUgraphEdgeData{};
      }
    }
  }
  *count = list.size();
  return CUDA_SUCCESS;
}

using EdgeChange = std::function<CUresult(CUgraphNode from, CUgraphNode to)>;

// Checks every edge's nodes first, then applies `change` to each: all or nothing as far as the
// checks go.
CUresult changeEdges(CUgraph graph, const CUgraphNode* from, const CUgraphNode* to, const CUgraphEdgeData* edges,
                     std::size_t count, const EdgeChange& change) {
  VGPU_REQUIRE_INIT();
  CUgraph_st* object = state().graphs.find(graph);
  if (object == nullptr || (count > 0 && (from == nullptr || to == nullptr))) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!defaultEdges(edges, count)) {
    return CUDA_ERROR_NOT_SUPPORTED; // programmatic (port) edges are not presented
  }
  const std::lock_guard lock(object->mutex);
  for (std::size_t i = 0; i < count; ++i) {
    if (!nodeInGraph(object, from[i]) || !nodeInGraph(object, to[i]) || from[i] == to[i]) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (const CUresult status = change(from[i], to[i]); status != CUDA_SUCCESS) {
      return status;
    }
  }
  return CUDA_SUCCESS;
}

CUresult addEdge(CUgraphNode from, CUgraphNode to) {
  auto& dependencies = to->dependencies;
  if (std::find(dependencies.begin(), dependencies.end(), from) != dependencies.end()) {
    return CUDA_ERROR_INVALID_VALUE; // the edge exists already
  }
  dependencies.push_back(from);
  return CUDA_SUCCESS;
}

CUresult removeEdge(CUgraphNode from, CUgraphNode to) {
  auto& dependencies = to->dependencies;
  const auto it = std::find(dependencies.begin(), dependencies.end(), from);
  if (it == dependencies.end()) {
    return CUDA_ERROR_INVALID_VALUE; // no such edge
  }
  dependencies.erase(it);
  return CUDA_SUCCESS;
}

CUgraph_st* graphOf(CUgraphNode node) {
  return node != nullptr ? state().graphs.find(node->graph) : nullptr;
}

enum class Direction { Dependencies, Dependents };

// A node's dependencies (the nodes it waits for) or dependents (the nodes waiting for it).
CUresult neighboursOf(CUgraphNode node, Direction direction, CUgraphNode* out, CUgraphEdgeData* edges,
                      std::size_t* count) {
  VGPU_REQUIRE_INIT();
  CUgraph_st* graph = graphOf(node);
  if (graph == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(graph->mutex);
  if (!nodeInGraph(graph, node)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (direction == Direction::Dependencies) {
    return answerList(node->dependencies, out, edges, count);
  }
  std::vector<CUgraphNode> dependents;
  for (const auto& other : graph->nodes) {
    if (std::find(other->dependencies.begin(), other->dependencies.end(), node) != other->dependencies.end()) {
      dependents.push_back(other.get());
    }
  }
  return answerList(dependents, out, edges, count);
}

CUresult edgesOf(CUgraph graph, CUgraphNode* from, CUgraphNode* to, CUgraphEdgeData* edges, std::size_t* count) {
  VGPU_REQUIRE_INIT();
  CUgraph_st* object = state().graphs.find(graph);
  if (object == nullptr || count == nullptr || (from == nullptr) != (to == nullptr)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(object->mutex);
  std::vector<CUgraphNode> sources;
  std::vector<CUgraphNode> targets;
  for (const auto& node : object->nodes) {
    for (CUgraphNode dependency : node->dependencies) {
      sources.push_back(dependency);
      targets.push_back(node.get());
    }
  }
  if (from != nullptr) {
    std::size_t room = *count;
    answerList(sources, from, edges, &room);
    room = *count;
    answerList(targets, to, nullptr, &room);
  }
  *count = sources.size();
  return CUDA_SUCCESS;
}

} // namespace

CUresult entry::cuGraphAddDependencies(CUgraph graph, const CUgraphNode* from, const CUgraphNode* to, size_t count) {
  return changeEdges(graph, from, to, nullptr, count, addEdge);
}
CUresult entry::cuGraphAddDependencies_v2(CUgraph graph, const CUgraphNode* from, const CUgraphNode* to,
                                          const CUgraphEdgeData* edges, size_t count) {
  return changeEdges(graph, from, to, edges, count, addEdge);
}

CUresult entry::cuGraphRemoveDependencies(CUgraph graph, const CUgraphNode* from, const CUgraphNode* to, size_t count) {
  return ::cuGraphRemoveDependencies_v2(graph, from, to, nullptr, count);
}
CUresult entry::cuGraphRemoveDependencies_v2(CUgraph graph, const CUgraphNode* from, const CUgraphNode* to,
                                             const CUgraphEdgeData* edges, size_t count) {
  VGPU_REQUIRE_INIT();
  if (const CUresult status = refuseIfMemoryNodes(state().graphs.find(graph)); status != CUDA_SUCCESS) {
    return status;
  }
  return changeEdges(graph, from, to, edges, count, removeEdge);
}

CUresult entry::cuGraphNodeGetDependencies(CUgraphNode node, CUgraphNode* dependencies, size_t* count) {
  return neighboursOf(node, Direction::Dependencies, dependencies, nullptr, count);
}
CUresult entry::cuGraphNodeGetDependencies_v2(CUgraphNode node, CUgraphNode* dependencies, CUgraphEdgeData* edges,
                                              size_t* count) {
  return neighboursOf(node, Direction::Dependencies, dependencies, edges, count);
}

CUresult entry::cuGraphNodeGetDependentNodes(CUgraphNode node, CUgraphNode* dependents, size_t* count) {
  return neighboursOf(node, Direction::Dependents, dependents, nullptr, count);
}
CUresult entry::cuGraphNodeGetDependentNodes_v2(CUgraphNode node, CUgraphNode* dependents, CUgraphEdgeData* edges,
                                                size_t* count) {
  return neighboursOf(node, Direction::Dependents, dependents, edges, count);
}

CUresult entry::cuGraphGetEdges(CUgraph graph, CUgraphNode* from, CUgraphNode* to, size_t* count) {
  return edgesOf(graph, from, to, nullptr, count);
}
CUresult entry::cuGraphGetEdges_v2(CUgraph graph, CUgraphNode* from, CUgraphNode* to, CUgraphEdgeData* edges,
                                   size_t* count) {
  return edgesOf(graph, from, to, edges, count);
}

CUresult entry::cuGraphDestroyNode(CUgraphNode node) {
  VGPU_REQUIRE_INIT();
  CUgraph_st* graph = graphOf(node);
  if (graph == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  CUgraphNode_st* removed = nullptr;
  {
    const std::lock_guard lock(graph->mutex);
    if (const CUresult status = refuseIfMemoryNodes(graph); status != CUDA_SUCCESS) {
      return status;
    }
    const auto it = std::find_if(graph->nodes.begin(), graph->nodes.end(),
                                 [node](const auto& owned) { return owned.get() == node; });
    if (it == graph->nodes.end()) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    for (const auto& other : graph->nodes) { // its edges go with it
      auto& dependencies = other->dependencies;
      dependencies.erase(std::remove(dependencies.begin(), dependencies.end(), node), dependencies.end());
    }
    removed = it->get();
    graph->removedNodes.push_back(std::move(*it));
    graph->nodes.erase(it);
  }
  // A conditional node's bodies go with it, outside the graph's lock (destroyGraphTree says why).
  destroyBodies(*removed);
  return CUDA_SUCCESS;
}
