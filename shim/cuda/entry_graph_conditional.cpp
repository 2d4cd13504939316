// Conditional graph nodes (graph_conditionals.h): cuGraphConditionalHandleCreate, the conditional
// kind of cuGraphAddNode, and the teardown of the body graphs a conditional node owns.
#include "entry_common.h"
#include "graph.h"
#include "graph_conditionals.h"
#include "graph_memory.h"
#include "graph_user_objects.h"

using namespace vgpu::cuda;

namespace {

constexpr unsigned kMaxSwitchBodies = 1024; // a bound on what one node may make the shim allocate

// The context a handle or node names: the given one, or the calling thread's.
CUresult contextFor(CUcontext given, CUcontext& out) {
  if (given == nullptr) {
    return requireCurrentContext(out);
  }
  if (const CUresult status = checkContext(given); status != CUDA_SUCCESS) {
    return status;
  }
  out = given;
  return CUDA_SUCCESS;
}

// True when `handleGraph` is `graph` or a graph whose conditional node owns `graph`, at any depth.
bool handleReaches(const CUgraph_st* handleGraph, const CUgraph_st* graph) {
  for (const CUgraph_st* g = graph; g != nullptr; g = g->owner) {
    if (g == handleGraph) {
      return true;
    }
  }
  return false;
}

bool validShape(CUgraphConditionalNodeType type, unsigned size) {
  switch (type) {
  case CU_GRAPH_COND_TYPE_IF: return size == 1 || size == 2;
  case CU_GRAPH_COND_TYPE_WHILE: return size == 1;
  case CU_GRAPH_COND_TYPE_SWITCH: return size >= 1 && size <= kMaxSwitchBodies;
  }
  return false;
}

} // namespace

namespace vgpu::cuda {

CUresult addConditionalNode(CUgraphNode* out, CUgraph graph, const CUgraphNode* dependencies, size_t count,
                            CUDA_CONDITIONAL_NODE_PARAMS& params) {
  VGPU_REQUIRE_OUT(out);
  VGPU_REQUIRE_INIT();
  CUgraph_st* object = state().graphs.find(graph);
  CUgraph handleGraph = nullptr;
  if (object == nullptr || (count > 0 && dependencies == nullptr) ||
      !graph_conditionals::graphOf(params.handle, handleGraph) || !handleReaches(handleGraph, object) ||
      !validShape(params.type, params.size)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  CUcontext context = nullptr;
  if (const CUresult status = contextFor(params.ctx, context); status != CUDA_SUCCESS) {
    return status;
  }
  const std::lock_guard lock(object->mutex);
  auto node = std::make_unique<CUgraphNode_st>();
  node->graph = object;
  node->type = CU_GRAPH_NODE_TYPE_CONDITIONAL;
  node->operation.kind = Operation::Kind::Conditional;
  node->operation.conditionalHandle = params.handle;
  node->operation.conditionalType = params.type;
  for (size_t i = 0; i < count; ++i) {
    if (!nodeInGraph(object, dependencies[i])) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    node->dependencies.push_back(dependencies[i]);
  }
  for (unsigned i = 0; i < params.size; ++i) {
    auto body = std::make_unique<CUgraph_st>();
    body->owner = object;
    node->bodies.push_back(state().graphs.add(std::move(body)));
  }
  params.phGraph_out = node->bodies.data(); // the driver's array, valid while the node exists
  *out = node.get();
  object->hasConditionalNodes = true;
  object->nodes.push_back(std::move(node));
  return CUDA_SUCCESS;
}

void destroyBodies(const GraphNode& node) {
  for (CUgraph body : node.bodies) {
    destroyGraphTree(body);
  }
}

void destroyGraphTree(CUgraph graph) {
  // The bodies are destroyed after the graph's lock is released: destroying one takes the user
  // objects' registry lock, which instantiation takes before graph locks.
  std::vector<CUgraph> bodies;
  if (CUgraph_st* object = state().graphs.find(graph); object != nullptr) {
    const std::lock_guard lock(object->mutex);
    for (const auto& node : object->nodes) {
      bodies.insert(bodies.end(), node->bodies.begin(), node->bodies.end());
    }
  }
  for (CUgraph body : bodies) {
    destroyGraphTree(body);
  }
  graph_memory::graphDestroyed(graph);
  graph_conditionals::graphDestroyed(graph);
  user_objects::graphDestroyed(graph);
  state().graphs.destroy(graph);
}

} // namespace vgpu::cuda

CUresult entry::cuGraphConditionalHandleCreate(CUgraphConditionalHandle* handle, CUgraph graph, CUcontext context,
                                               unsigned int defaultValue, unsigned int flags) {
  VGPU_REQUIRE_OUT(handle);
  VGPU_REQUIRE_INIT();
  if (state().graphs.find(graph) == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  CUcontext resolved = nullptr;
  if (const CUresult status = contextFor(context, resolved); status != CUDA_SUCCESS) {
    return status;
  }
  return graph_conditionals::create(graph, defaultValue, flags, *handle);
}
