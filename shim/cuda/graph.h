// CUDA graphs: nodes holding Operations with their dependencies, instantiated graphs in a
// topological order, and the state of a stream capture.
#pragma once

#include "operation.h"
#include "stream_attributes.h"

#include <cstring>
#include <cuda.h>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace vgpu::cuda {

struct GraphNode {
  CUgraph graph = nullptr;
  CUgraphNodeType type = CU_GRAPH_NODE_TYPE_EMPTY;
  Operation operation;
  std::vector<CUgraphNode> dependencies;
  CUgraph childGraph = nullptr;     // for CU_GRAPH_NODE_TYPE_GRAPH
  std::vector<CUgraph> bodies;      // for CU_GRAPH_NODE_TYPE_CONDITIONAL: owned by the node
  CUgraphNode clonedFrom = nullptr; // in a cuGraphClone copy: the original's node (cuGraphNodeFindInClone)
  // A kernel node's attributes that are kept and reported (cuGraphKernelNodeSetAttribute); those
  // that change how it runs (clusters, cooperative) live in operation.launch.
  StreamAttributes kernelAttributes;
  int kernelPriority = 0;
};

// The capture a stream belongs to: the graph being built and, per participating stream, the
// nodes new work depends on (its frontier).
struct CaptureState {
  CUgraph graph = nullptr;
  CUstreamCaptureMode mode = CU_STREAM_CAPTURE_MODE_GLOBAL;
  unsigned long long id = 0;
  CUstream origin = nullptr;
  bool invalidated = false;
  std::mutex mutex;
  std::map<CUstream, std::vector<CUgraphNode>> frontiers;
};

// Where a node of an instantiated graph landed in the executable's order: one operation, or a
// child graph's operations.
struct NodeRange {
  std::size_t first = 0;
  std::size_t count = 0;
};

// Appends `operation` as a node of the capture, depending on the stream's frontier.
CUresult captureOperation(const std::shared_ptr<CaptureState>& capture, CUstream stream, Operation operation);

// Adds a conditional node with its new body graphs (entry_graph_conditional.cpp, graph_conditionals.h).
CUresult addConditionalNode(CUgraphNode* out, CUgraph graph, const CUgraphNode* dependencies, size_t count,
                            CUDA_CONDITIONAL_NODE_PARAMS& params);
// Destroys a graph with the body graphs its conditional nodes own, its graph allocations' and
// conditional handles' records.
void destroyGraphTree(CUgraph graph);
// Destroys the body graphs a conditional node owns.
void destroyBodies(const GraphNode& node);

} // namespace vgpu::cuda

struct CUgraphNode_st : vgpu::cuda::GraphNode {};

struct CUgraph_st {
  std::mutex mutex;
  std::vector<std::unique_ptr<CUgraphNode_st>> nodes;
  // Nodes removed with cuGraphDestroyNode, kept (as graphs are, handles.h) so their addresses are
  // never reused: an executable instantiated before names its nodes by address (`positions`).
  std::vector<std::unique_ptr<CUgraphNode_st>> removedNodes;
  // Allocation or free nodes restrict the graph: no clone, no child use, no node or edge removal,
  // one executable at a time (graph_memory.h).
  bool hasMemoryNodes = false;
  // A conditional node's body: the graph whose node owns it (graph_conditionals.h); nullptr else.
  CUgraph_st* owner = nullptr;
  bool hasConditionalNodes = false;
};

namespace vgpu::cuda {

// True when `node` is one of `graph`'s (not a stale handle or another graph's node). The caller
// holds graph->mutex.
inline bool nodeInGraph(const CUgraph_st* graph, CUgraphNode node) {
  for (const auto& owned : graph->nodes) {
    if (owned.get() == node) {
      return true;
    }
  }
  return false;
}

// True when every edge is a default (full) edge, the only kind the shim builds; null means default.
inline bool defaultEdges(const CUgraphEdgeData* edges, std::size_t count) {
  static constexpr CUgraphEdgeData kDefault{};
  for (std::size_t i = 0; edges != nullptr && i < count; ++i) {
    if (std::memcmp(&edges[i], &kDefault, sizeof kDefault) != 0) {
      return false;
    }
  }
  return true;
}

inline bool isMemoryNode(CUgraphNodeType type) {
  return type == CU_GRAPH_NODE_TYPE_MEM_ALLOC || type == CU_GRAPH_NODE_TYPE_MEM_FREE;
}

// The graph's memory-node restrictions: NOT_SUPPORTED for a graph that has such nodes.
inline CUresult refuseIfMemoryNodes(const CUgraph_st* graph) {
  return graph != nullptr && graph->hasMemoryNodes ? CUDA_ERROR_NOT_SUPPORTED : CUDA_SUCCESS;
}

// Per operation of an ordered graph: the indices of the earlier operations it runs after.
using OperationEdges = std::vector<std::vector<std::uint32_t>>;

// The graph's operations in a topological order, child graphs expanded in place and conditional
// bodies ordered (entry_graph.cpp); `positions`, when given, receives where each of the graph's
// own nodes landed, and `after` each operation's dependencies. INVALID_VALUE for a cycle, a
// destroyed child or a body holding a refused kind.
CUresult orderGraph(CUgraph_st* graph, std::vector<Operation>& out,
                    std::map<CUgraphNode, NodeRange>* positions = nullptr, OperationEdges* after = nullptr);

} // namespace vgpu::cuda

struct CUgraphExec_st {
  CUcontext context = nullptr;
  std::vector<vgpu::cuda::Operation> ordered; // topological order
  // Per operation of `ordered`: the earlier operations it runs after (the graph's edges, child
  // graphs expanded), so a backend that runs the graph whole keeps its parallelism.
  vgpu::cuda::OperationEdges after;
  unsigned long long flags = 0;
  // The instantiated graph's own nodes (not those inside child graphs or conditional bodies): the
  // handles cuGraphExec*SetParams and cuGraphNodeSetEnabled take.
  std::map<CUgraphNode, vgpu::cuda::NodeRange> positions;
  std::vector<bool> disabled; // per operation of `ordered`
  // The graph as the backend runs it whole (graph_whole.h): Stale until built, and again after any
  // change to `ordered` or `disabled`; Replay when it holds work that runs in this process or the
  // backend refused it (until the next change).
  enum class Whole { Stale, Built, Replay };
  Whole whole = Whole::Stale;
  vgpu::cuda::BackendGraph backendGraph = 0;
  bool wholeKernels = false; // what a launch of it marks in the activity telemetry
  bool wholeMemory = false;
  bool wholeOnly = false; // conditional nodes where kernels run: never replayed here
  std::mutex wholeMutex;  // two threads launching one executable build its backend copy once
  // Every change to `ordered` or `disabled` goes through here, so the backend's copy is rebuilt.
  void changed() { whole = Whole::Stale; }
};
