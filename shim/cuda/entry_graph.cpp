// Entry points for CUDA graphs and stream capture: building graphs explicitly or by capturing a
// stream (including other streams joined through events), instantiating them in topological
// order, launching and updating them. Nodes hold the same Operations direct calls submit.
#include "entry_common.h"
#include "graph.h"
#include "graph_conditionals.h"
#include "graph_memory.h"
#include "graph_node_params.h"
#include "graph_user_objects.h"
#include "graph_whole.h"
#include "operation.h"
#include "stream_memory_operations.h"

#include <algorithm>
#include <cstring>
#include <set>

using namespace vgpu::cuda;

namespace vgpu::cuda {

CUresult captureOperation(const std::shared_ptr<CaptureState>& capture, CUstream stream, Operation operation) {
  const std::lock_guard lock(capture->mutex);
  if (capture->invalidated) {
    return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
  }
  CUgraph_st* graph = capture->graph;
  auto node = std::make_unique<CUgraphNode_st>();
  node->graph = graph;
  node->operation = std::move(operation);
  switch (node->operation.kind) {
  case Operation::Kind::Kernel: node->type = CU_GRAPH_NODE_TYPE_KERNEL; break;
  case Operation::Kind::Copy: node->type = CU_GRAPH_NODE_TYPE_MEMCPY; break;
  case Operation::Kind::Memset: node->type = CU_GRAPH_NODE_TYPE_MEMSET; break;
  case Operation::Kind::Host: node->type = CU_GRAPH_NODE_TYPE_HOST; break;
  case Operation::Kind::EventRecord: node->type = CU_GRAPH_NODE_TYPE_EVENT_RECORD; break;
  case Operation::Kind::EventWait: node->type = CU_GRAPH_NODE_TYPE_WAIT_EVENT; break;
  case Operation::Kind::Empty: node->type = CU_GRAPH_NODE_TYPE_EMPTY; break;
  case Operation::Kind::GraphAlloc: node->type = CU_GRAPH_NODE_TYPE_MEM_ALLOC; break;
  case Operation::Kind::GraphFree: node->type = CU_GRAPH_NODE_TYPE_MEM_FREE; break;
  case Operation::Kind::Conditional: node->type = CU_GRAPH_NODE_TYPE_CONDITIONAL; break; // a launched graph's
  case Operation::Kind::MemoryOperations: node->type = CU_GRAPH_NODE_TYPE_BATCH_MEM_OP; break;
  }
  auto& frontier = capture->frontiers[stream];
  node->dependencies = frontier;
  CUgraphNode raw = node.get();
  {
    const std::lock_guard graphLock(graph->mutex);
    graph->hasMemoryNodes = graph->hasMemoryNodes || isMemoryNode(node->type);
    graph->nodes.push_back(std::move(node));
  }
  frontier.assign(1, raw);
  return CUDA_SUCCESS;
}

} // namespace vgpu::cuda

namespace {

CUgraph_st* findGraph(CUgraph graph) {
  return state().graphs.find(graph);
}

CUresult addNode(CUgraphNode* out, CUgraph graph, const CUgraphNode* dependencies, size_t count, CUgraphNodeType type,
                 Operation operation) {
  VGPU_REQUIRE_OUT(out);
  VGPU_REQUIRE_INIT();
  CUgraph_st* object = findGraph(graph);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (count > 0 && dependencies == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(object->mutex);
  auto node = std::make_unique<CUgraphNode_st>();
  node->graph = object;
  node->type = type;
  node->operation = std::move(operation);
  for (size_t i = 0; i < count; ++i) {
    if (!nodeInGraph(object, dependencies[i])) {
      return CUDA_ERROR_INVALID_VALUE; // a dependency from another graph, or a stale node
    }
    node->dependencies.push_back(dependencies[i]);
  }
  *out = node.get();
  object->hasMemoryNodes = object->hasMemoryNodes || isMemoryNode(type);
  object->nodes.push_back(std::move(node));
  return CUDA_SUCCESS;
}

// Where an ordered graph's edges go (orderNodes): `after` receives each operation's dependencies;
// the graph's roots run after `entry`, and `exits` receives the operations nothing in the graph runs
// after (`entry` itself for a graph without operations), which is what a child graph's dependants wait for.
struct EdgeSink {
  OperationEdges* after = nullptr;
  std::vector<std::uint32_t> entry;
  std::vector<std::uint32_t> exits;
};

void sortUnique(std::vector<std::uint32_t>& indices) {
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
}

CUresult orderNodes(CUgraph_st* graph, std::vector<Operation>& out, CUgraphNode* errorNode, int depth = 0,
                    std::map<CUgraphNode, NodeRange>* positions = nullptr, EdgeSink* edges = nullptr);

// A conditional body may hold kernels, empty nodes, child graphs, memsets, copies and conditionals
// (CUDA_CONDITIONAL_NODE_PARAMS); anything else refuses the instantiation.
bool allowedInBody(const Operation& operation) {
  switch (operation.kind) {
  case Operation::Kind::Empty:
  case Operation::Kind::Kernel:
  case Operation::Kind::Copy:
  case Operation::Kind::Memset:
  case Operation::Kind::Conditional: return true;
  default: return false;
  }
}

// A conditional node's operation with each body ordered, as instantiation sees it then.
CUresult orderConditional(const CUgraphNode_st& node, Operation& out, CUgraphNode* errorNode, int depth) {
  out = node.operation;
  if (node.bodies.empty()) {
    return out.conditionalBodies ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE; // captured from a launch: ordered
  }
  auto bodies = std::make_shared<std::vector<std::vector<Operation>>>();
  for (CUgraph body : node.bodies) {
    CUgraph_st* object = state().graphs.find(body);
    std::vector<Operation>& ordered = bodies->emplace_back();
    if (object == nullptr) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    if (const CUresult status = orderNodes(object, ordered, errorNode, depth + 1); status != CUDA_SUCCESS) {
      return status;
    }
    if (!std::all_of(ordered.begin(), ordered.end(), allowedInBody)) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  out.conditionalBodies = std::move(bodies);
  return CUDA_SUCCESS;
}

// Kahn's algorithm over the graph's nodes; child graphs are expanded in place. `positions`, when
// given, receives where each of the graph's own nodes landed in `out`.
CUresult orderNodes(CUgraph_st* graph, std::vector<Operation>& out, CUgraphNode* errorNode, int depth,
                    std::map<CUgraphNode, NodeRange>* positions, EdgeSink* edges) {
  if (depth > 16) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(graph->mutex);
  std::map<CUgraphNode, std::size_t> pending;
  std::map<CUgraphNode, std::vector<CUgraphNode>> dependants;
  for (const auto& node : graph->nodes) {
    pending[node.get()] = node->dependencies.size();
    for (CUgraphNode dependency : node->dependencies) {
      dependants[dependency].push_back(node.get());
    }
  }
  std::vector<CUgraphNode> ready;
  for (const auto& node : graph->nodes) {
    if (node->dependencies.empty()) {
      ready.push_back(node.get());
    }
  }
  std::size_t emitted = 0;
  std::map<CUgraphNode, std::vector<std::uint32_t>> exitsOf; // with `edges`: what a node's dependants wait for
  while (!ready.empty()) {
    CUgraphNode node = ready.front();
    ready.erase(ready.begin());
    ++emitted;
    const std::size_t first = out.size();
    std::vector<std::uint32_t> inputs;
    if (edges != nullptr) {
      if (node->dependencies.empty()) {
        inputs = edges->entry;
      }
      for (CUgraphNode dependency : node->dependencies) {
        const std::vector<std::uint32_t>& exits = exitsOf[dependency];
        inputs.insert(inputs.end(), exits.begin(), exits.end());
      }
      sortUnique(inputs);
    }
    if (node->type == CU_GRAPH_NODE_TYPE_GRAPH) {
      CUgraph_st* child = state().graphs.find(node->childGraph);
      if (child == nullptr) {
        if (errorNode != nullptr) {
          *errorNode = node;
        }
        return CUDA_ERROR_INVALID_VALUE;
      }
      EdgeSink childEdges{edges != nullptr ? edges->after : nullptr, inputs, {}};
      if (const CUresult status =
              orderNodes(child, out, errorNode, depth + 1, nullptr, edges != nullptr ? &childEdges : nullptr);
          status != CUDA_SUCCESS) {
        return status;
      }
      exitsOf[node] = std::move(childEdges.exits);
    } else if (node->type == CU_GRAPH_NODE_TYPE_CONDITIONAL) {
      Operation conditional;
      if (const CUresult status = orderConditional(*node, conditional, errorNode, depth); status != CUDA_SUCCESS) {
        if (errorNode != nullptr) {
          *errorNode = node;
        }
        return status;
      }
      out.push_back(std::move(conditional));
    } else {
      out.push_back(node->operation);
    }
    if (node->type != CU_GRAPH_NODE_TYPE_GRAPH && edges != nullptr) {
      edges->after->push_back(std::move(inputs));
      exitsOf[node] = {static_cast<std::uint32_t>(first)};
    }
    if (positions != nullptr) {
      (*positions)[node] = NodeRange{first, out.size() - first};
    }
    for (CUgraphNode next : dependants[node]) {
      if (--pending[next] == 0) {
        ready.push_back(next);
      }
    }
  }
  if (emitted != graph->nodes.size()) {
    return CUDA_ERROR_INVALID_VALUE; // a cycle
  }
  if (edges != nullptr) {
    edges->exits = graph->nodes.empty() ? edges->entry : std::vector<std::uint32_t>{};
    for (const auto& node : graph->nodes) {
      if (dependants[node.get()].empty()) {
        const std::vector<std::uint32_t>& exits = exitsOf[node.get()];
        edges->exits.insert(edges->exits.end(), exits.begin(), exits.end());
      }
    }
    sortUnique(edges->exits);
  }
  return CUDA_SUCCESS;
}

// What cuGraphExecUpdate may change (the driver's documented limits): parameters, not the
// topology, node kinds, a kernel's context or cooperation, a copy's memory kinds, a 2D memset's
// shape, or memory and conditional nodes. The first operation that breaks one, and how.
struct UpdateCheck {
  CUgraphExecUpdateResult result = CU_GRAPH_EXEC_UPDATE_SUCCESS;
  std::size_t index = static_cast<std::size_t>(-1);
};

CUcontext contextOf(CUfunction function) {
  const CUfunc_st* object = state().functions.find(function);
  return object != nullptr && object->module != nullptr ? object->module->context : nullptr;
}

CUgraphExecUpdateResult compareForUpdate(const Operation& current, const Operation& next) {
  if (current.kind != next.kind) {
    return CU_GRAPH_EXEC_UPDATE_ERROR_NODE_TYPE_CHANGED;
  }
  switch (current.kind) {
  case Operation::Kind::Kernel:
    if (contextOf(current.function) != contextOf(next.function)) {
      return CU_GRAPH_EXEC_UPDATE_ERROR_UNSUPPORTED_FUNCTION_CHANGE;
    }
    return current.launch.cooperative == next.launch.cooperative ? CU_GRAPH_EXEC_UPDATE_SUCCESS
                                                                 : CU_GRAPH_EXEC_UPDATE_ERROR_ATTRIBUTES_CHANGED;
  case Operation::Kind::Copy:
    return current.copySrc.isDevice == next.copySrc.isDevice && current.copyDst.isDevice == next.copyDst.isDevice
               ? CU_GRAPH_EXEC_UPDATE_SUCCESS
               : CU_GRAPH_EXEC_UPDATE_ERROR_PARAMETERS_CHANGED;
  case Operation::Kind::Memset: {
    const bool twoD = current.height > 1 || next.height > 1;
    const bool sameShape = current.height == next.height && current.memsetWidthElements == next.memsetWidthElements &&
                           current.memsetPitch == next.memsetPitch &&
                           current.memsetElementSize == next.memsetElementSize;
    return !twoD || sameShape ? CU_GRAPH_EXEC_UPDATE_SUCCESS : CU_GRAPH_EXEC_UPDATE_ERROR_PARAMETERS_CHANGED;
  }
  case Operation::Kind::GraphAlloc:
  case Operation::Kind::GraphFree: // an allocation's address is fixed for the graph's life
    return current.graphMemory == next.graphMemory ? CU_GRAPH_EXEC_UPDATE_SUCCESS
                                                   : CU_GRAPH_EXEC_UPDATE_ERROR_PARAMETERS_CHANGED;
  case Operation::Kind::Conditional:
    return current.conditionalHandle == next.conditionalHandle && current.conditionalType == next.conditionalType
               ? CU_GRAPH_EXEC_UPDATE_SUCCESS
               : CU_GRAPH_EXEC_UPDATE_ERROR_PARAMETERS_CHANGED;
  case Operation::Kind::MemoryOperations:
    return sameMemoryOperationShape(current, next) ? CU_GRAPH_EXEC_UPDATE_SUCCESS
                                                   : CU_GRAPH_EXEC_UPDATE_ERROR_PARAMETERS_CHANGED;
  default: return CU_GRAPH_EXEC_UPDATE_SUCCESS;
  }
}

UpdateCheck checkUpdate(const std::vector<Operation>& current, const std::vector<Operation>& next) {
  if (current.size() != next.size()) {
    return {CU_GRAPH_EXEC_UPDATE_ERROR_TOPOLOGY_CHANGED, static_cast<std::size_t>(-1)};
  }
  for (std::size_t i = 0; i < next.size(); ++i) {
    if (const CUgraphExecUpdateResult result = compareForUpdate(current[i], next[i]);
        result != CU_GRAPH_EXEC_UPDATE_SUCCESS) {
      return {result, i};
    }
  }
  return {};
}

} // namespace

CUresult vgpu::cuda::orderGraph(CUgraph_st* graph, std::vector<Operation>& out,
                                std::map<CUgraphNode, NodeRange>* positions, OperationEdges* after) {
  EdgeSink edges{after, {}, {}};
  return orderNodes(graph, out, nullptr, 0, positions, after != nullptr ? &edges : nullptr);
}

namespace {

// `visit` on the handle of every conditional node among the operations, bodies included.
void forEachConditionalHandle(const std::vector<Operation>& ordered, void (*visit)(CUgraphConditionalHandle)) {
  for (const Operation& operation : ordered) {
    if (operation.kind == Operation::Kind::Conditional && operation.conditionalBodies) {
      visit(operation.conditionalHandle);
      for (const std::vector<Operation>& body : *operation.conditionalBodies) {
        forEachConditionalHandle(body, visit);
      }
    }
  }
}

// A launch starts: conditional handles created with CU_GRAPH_COND_ASSIGN_DEFAULT take their default.
void startConditionals(const std::vector<Operation>& ordered) {
  forEachConditionalHandle(ordered, graph_conditionals::launchStarts);
}

CUresult instantiate(CUgraphExec* exec, CUgraph graph, unsigned long long flags, CUgraphNode* errorNode) {
  VGPU_REQUIRE_OUT(exec);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  CUgraph_st* object = findGraph(graph);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  auto executable = std::make_unique<CUgraphExec_st>();
  executable->context = context;
  executable->flags = flags;
  EdgeSink edges{&executable->after, {}, {}};
  if (const CUresult status = orderNodes(object, executable->ordered, errorNode, 0, &executable->positions, &edges);
      status != CUDA_SUCCESS) {
    return status;
  }
  executable->disabled.assign(executable->ordered.size(), false);
  std::vector<CUdeviceptr> allocations;
  for (const Operation& operation : executable->ordered) {
    if (operation.kind == Operation::Kind::GraphAlloc) {
      allocations.push_back(operation.graphMemory);
    }
  }
  // A graph with allocation nodes has one executable at a time.
  if (const CUresult status = graph_memory::bindExecutable(allocations, executable.get()); status != CUDA_SUCCESS) {
    return status;
  }
  forEachConditionalHandle(executable->ordered, graph_conditionals::retain);
  *exec = state().graphExecs.add(std::move(executable));
  user_objects::executableInstantiated(graph, *exec);
  return CUDA_SUCCESS;
}

// An allocation of the executable that is still live from its last launch refuses the relaunch,
// or is freed first when the executable was instantiated with auto-free-on-launch.
CUresult settleLiveAllocations(const CUgraphExec_st& executable, const StreamTarget& target) {
  for (const Operation& operation : executable.ordered) {
    if (operation.kind != Operation::Kind::GraphAlloc || !graph_memory::isLive(operation.graphMemory)) {
      continue;
    }
    if ((executable.flags & CUDA_GRAPH_INSTANTIATE_FLAG_AUTO_FREE_ON_LAUNCH) == 0) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    if (const CUresult status = state().backend().streamSynchronize(target.backend); status != CUDA_SUCCESS) {
      return status;
    }
    if (const CUresult status = graph_memory::free(operation.graphMemory); status != CUDA_SUCCESS) {
      return status;
    }
  }
  return CUDA_SUCCESS;
}

CUresult launchGraph(CUgraphExec exec, CUstream stream) {
  VGPU_REQUIRE_INIT();
  CUgraphExec_st* object = state().graphExecs.find(exec);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  bool launched = false;
  if (const CUresult status = graph_whole::launch(*object, target, launched); launched || status != CUDA_SUCCESS) {
    return status;
  }
  if (const CUresult status = settleLiveAllocations(*object, target); status != CUDA_SUCCESS) {
    return status;
  }
  startConditionals(object->ordered);
  for (std::size_t i = 0; i < object->ordered.size(); ++i) {
    if (object->disabled[i]) {
      continue; // cuGraphNodeSetEnabled: an empty node until enabled again
    }
    if (const CUresult status = submit(target, object->ordered[i], true); status != CUDA_SUCCESS) {
      return status;
    }
  }
  return CUDA_SUCCESS;
}

// Starts a capture into a new graph, or into `into` (cuStreamBeginCaptureToGraph), where the
// first work depends on `frontier` (nodes the caller checked are `into`'s).
CUresult beginCapture(CUstream stream, CUstreamCaptureMode mode, CUgraph into = nullptr,
                      std::vector<CUgraphNode> frontier = {}) {
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (target.stream == nullptr) {
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED; // the legacy NULL stream cannot be captured
  }
  if (mode > CU_STREAM_CAPTURE_MODE_RELAXED) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (target.capture) {
    return CUDA_ERROR_ILLEGAL_STATE;
  }
  auto capture = std::make_shared<CaptureState>();
  capture->graph = into != nullptr ? into : state().graphs.add(std::make_unique<CUgraph_st>());
  capture->mode = mode;
  capture->id = state().nextObjectId();
  capture->origin = target.stream;
  capture->frontiers[target.stream] = std::move(frontier);
  target.stream->capture = capture;
  return CUDA_SUCCESS;
}

CUresult endCapture(CUstream stream, CUgraph* graph) {
  VGPU_REQUIRE_OUT(graph);
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (target.stream == nullptr || !target.capture) {
    return CUDA_ERROR_ILLEGAL_STATE;
  }
  if (target.capture->origin != target.stream) {
    return CUDA_ERROR_STREAM_CAPTURE_UNMATCHED;
  }
  std::shared_ptr<CaptureState> capture = target.capture;
  // Every stream that joined the capture leaves it.
  state().streams.forEachLive([&](CUstream_st& other) {
    if (other.capture == capture) {
      other.capture.reset();
    }
  });
  if (capture->invalidated) {
    *graph = nullptr;
    return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
  }
  *graph = capture->graph;
  return CUDA_SUCCESS;
}

CUresult captureStatus(CUstream stream, CUstreamCaptureStatus* status, cuuint64_t* id, CUgraph* graph,
                       const CUgraphNode** dependencies, const CUgraphEdgeData** edges, size_t* count) {
  VGPU_REQUIRE_OUT(status);
  StreamTarget target;
  if (const CUresult result = resolveStream(stream, target); result != CUDA_SUCCESS) {
    return result;
  }
  if (!target.capture) {
    *status = CU_STREAM_CAPTURE_STATUS_NONE;
    if (count != nullptr) {
      *count = 0;
    }
    return CUDA_SUCCESS;
  }
  const std::lock_guard lock(target.capture->mutex);
  *status = target.capture->invalidated ? CU_STREAM_CAPTURE_STATUS_INVALIDATED : CU_STREAM_CAPTURE_STATUS_ACTIVE;
  if (id != nullptr) {
    *id = target.capture->id;
  }
  if (graph != nullptr) {
    *graph = target.capture->graph;
  }
  const auto& frontier = target.capture->frontiers[target.stream];
  if (dependencies != nullptr) {
    *dependencies = frontier.empty() ? nullptr : frontier.data();
  }
  if (edges != nullptr) {
    *edges = nullptr; // default edges only
  }
  if (count != nullptr) {
    *count = frontier.size();
  }
  return CUDA_SUCCESS;
}

} // namespace

CUresult entry::cuGraphCreate(CUgraph* graph, unsigned int flags) {
  VGPU_REQUIRE_OUT(graph);
  VGPU_REQUIRE_INIT();
  if (flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *graph = state().graphs.add(std::make_unique<CUgraph_st>());
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphDestroy(CUgraph graph) {
  VGPU_REQUIRE_INIT();
  const CUgraph_st* object = findGraph(graph);
  if (object == nullptr || object->owner != nullptr) {
    return CUDA_ERROR_INVALID_VALUE; // a conditional node's body goes with its node
  }
  destroyGraphTree(graph);
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphAddEmptyNode(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies, size_t count) {
  return addNode(node, graph, dependencies, count, CU_GRAPH_NODE_TYPE_EMPTY, Operation{});
}

CUresult entry::cuGraphAddKernelNode_v2(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies, size_t count,
                                        const CUDA_KERNEL_NODE_PARAMS* params) {
  VGPU_REQUIRE_INIT();
  Operation operation;
  if (const CUresult status = kernelOperation(params, operation); status != CUDA_SUCCESS) {
    return status;
  }
  return addNode(node, graph, dependencies, count, CU_GRAPH_NODE_TYPE_KERNEL, std::move(operation));
}

CUresult entry::cuGraphKernelNodeGetParams_v2(CUgraphNode node, CUDA_KERNEL_NODE_PARAMS* params) {
  VGPU_REQUIRE_OUT(params);
  VGPU_REQUIRE_INIT();
  if (node == nullptr || node->type != CU_GRAPH_NODE_TYPE_KERNEL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const Operation& operation = node->operation;
  *params = CUDA_KERNEL_NODE_PARAMS{};
  params->func = operation.function;
  params->gridDimX = operation.launch.gridX;
  params->gridDimY = operation.launch.gridY;
  params->gridDimZ = operation.launch.gridZ;
  params->blockDimX = operation.launch.blockX;
  params->blockDimY = operation.launch.blockY;
  params->blockDimZ = operation.launch.blockZ;
  params->sharedMemBytes = operation.launch.sharedMemBytes;
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphKernelNodeSetParams_v2(CUgraphNode node, const CUDA_KERNEL_NODE_PARAMS* params) {
  VGPU_REQUIRE_INIT();
  if (node == nullptr || node->type != CU_GRAPH_NODE_TYPE_KERNEL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Operation operation;
  if (const CUresult status = kernelOperation(params, operation); status != CUDA_SUCCESS) {
    return status;
  }
  keepLaunchAttributes(node->operation.launch, operation.launch);
  node->operation = std::move(operation);
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphAddMemcpyNode(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies, size_t count,
                                     const CUDA_MEMCPY3D* copy, CUcontext /*context*/) {
  VGPU_REQUIRE_INIT();
  Operation operation;
  if (const CUresult status = copyOperation(copy, operation); status != CUDA_SUCCESS) {
    return status;
  }
  return addNode(node, graph, dependencies, count, CU_GRAPH_NODE_TYPE_MEMCPY, std::move(operation));
}

CUresult entry::cuGraphAddMemsetNode(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies, size_t count,
                                     const CUDA_MEMSET_NODE_PARAMS* params, CUcontext /*context*/) {
  VGPU_REQUIRE_INIT();
  Operation operation;
  if (const CUresult status = memsetOperation(params, operation); status != CUDA_SUCCESS) {
    return status;
  }
  return addNode(node, graph, dependencies, count, CU_GRAPH_NODE_TYPE_MEMSET, std::move(operation));
}

CUresult entry::cuGraphAddHostNode(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies, size_t count,
                                   const CUDA_HOST_NODE_PARAMS* params) {
  VGPU_REQUIRE_INIT();
  if (params == nullptr || params->fn == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Operation operation;
  operation.kind = Operation::Kind::Host;
  operation.hostFn = params->fn;
  operation.hostUserData = params->userData;
  return addNode(node, graph, dependencies, count, CU_GRAPH_NODE_TYPE_HOST, std::move(operation));
}

CUresult entry::cuGraphAddBatchMemOpNode(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies,
                                         size_t count, const CUDA_BATCH_MEM_OP_NODE_PARAMS* params) {
  VGPU_REQUIRE_INIT();
  Operation operation;
  if (const CUresult status = memoryOperationsNode(params, operation); status != CUDA_SUCCESS) {
    return status;
  }
  return addNode(node, graph, dependencies, count, CU_GRAPH_NODE_TYPE_BATCH_MEM_OP, std::move(operation));
}

CUresult entry::cuGraphAddEventRecordNode(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies,
                                          size_t count, CUevent event) {
  VGPU_REQUIRE_INIT();
  if (state().events.find(event) == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Operation operation;
  operation.kind = Operation::Kind::EventRecord;
  operation.event = event;
  return addNode(node, graph, dependencies, count, CU_GRAPH_NODE_TYPE_EVENT_RECORD, std::move(operation));
}

CUresult entry::cuGraphAddEventWaitNode(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies, size_t count,
                                        CUevent event) {
  VGPU_REQUIRE_INIT();
  if (state().events.find(event) == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Operation operation;
  operation.kind = Operation::Kind::EventWait;
  operation.event = event;
  return addNode(node, graph, dependencies, count, CU_GRAPH_NODE_TYPE_WAIT_EVENT, std::move(operation));
}

CUresult entry::cuGraphAddChildGraphNode(CUgraphNode* node, CUgraph graph, const CUgraphNode* dependencies,
                                         size_t count, CUgraph child) {
  VGPU_REQUIRE_INIT();
  CUgraph_st* childObject = findGraph(child);
  if (childObject == nullptr || child == graph) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult status = refuseIfMemoryNodes(childObject); status != CUDA_SUCCESS) {
    return status;
  }
  const CUresult status = addNode(node, graph, dependencies, count, CU_GRAPH_NODE_TYPE_GRAPH, Operation{});
  if (status == CUDA_SUCCESS) {
    (*node)->childGraph = child;
  }
  return status;
}

CUresult entry::cuGraphNodeGetType(CUgraphNode node, CUgraphNodeType* type) {
  VGPU_REQUIRE_OUT(type);
  VGPU_REQUIRE_INIT();
  if (node == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *type = node->type;
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphGetNodes(CUgraph graph, CUgraphNode* nodes, size_t* count) {
  VGPU_REQUIRE_OUT(count);
  VGPU_REQUIRE_INIT();
  CUgraph_st* object = findGraph(graph);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(object->mutex);
  if (nodes == nullptr) {
    *count = object->nodes.size();
    return CUDA_SUCCESS;
  }
  const std::size_t n = std::min(*count, object->nodes.size());
  for (std::size_t i = 0; i < n; ++i) {
    nodes[i] = object->nodes[i].get();
  }
  *count = n;
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphGetRootNodes(CUgraph graph, CUgraphNode* nodes, size_t* count) {
  VGPU_REQUIRE_OUT(count);
  VGPU_REQUIRE_INIT();
  CUgraph_st* object = findGraph(graph);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(object->mutex);
  std::vector<CUgraphNode> roots;
  for (const auto& node : object->nodes) {
    if (node->dependencies.empty()) {
      roots.push_back(node.get());
    }
  }
  if (nodes == nullptr) {
    *count = roots.size();
    return CUDA_SUCCESS;
  }
  const std::size_t n = std::min(*count, roots.size());
  std::copy_n(roots.begin(), n, nodes);
  *count = n;
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphInstantiateWithFlags(CUgraphExec* exec, CUgraph graph, unsigned long long flags) {
  return instantiate(exec, graph, flags, nullptr);
}

CUresult entry::cuGraphInstantiate(CUgraphExec* exec, CUgraph graph, CUgraphNode* errorNode, char* logBuffer,
                                   size_t bufferSize) {
  if (logBuffer != nullptr && bufferSize > 0) {
    logBuffer[0] = '\0';
  }
  return instantiate(exec, graph, 0, errorNode);
}

CUresult entry::cuGraphInstantiate_v2(CUgraphExec* exec, CUgraph graph, CUgraphNode* errorNode, char* logBuffer,
                                      size_t bufferSize) {
  return ::cuGraphInstantiate(exec, graph, errorNode, logBuffer, bufferSize);
}

CUresult entry::cuGraphInstantiateWithParams(CUgraphExec* exec, CUgraph graph, CUDA_GRAPH_INSTANTIATE_PARAMS* params) {
  if (params == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  params->hErrNode_out = nullptr;
  CUresult status = instantiate(exec, graph, params->flags, &params->hErrNode_out);
  params->result_out = status == CUDA_SUCCESS ? CUDA_GRAPH_INSTANTIATE_SUCCESS : CUDA_GRAPH_INSTANTIATE_ERROR;
  if (status == CUDA_SUCCESS && (params->flags & CUDA_GRAPH_INSTANTIATE_FLAG_UPLOAD) != 0) {
    // Uploaded in the same call, on the stream the parameters name.
    status = entry::cuGraphUpload(*exec, params->hUploadStream);
    if (status != CUDA_SUCCESS) {
      entry::cuGraphExecDestroy(*exec);
      *exec = nullptr;
      params->result_out = CUDA_GRAPH_INSTANTIATE_ERROR;
    }
  }
  return status;
}

CUresult entry::cuGraphInstantiateWithParams_ptsz(CUgraphExec* exec, CUgraph graph,
                                                  CUDA_GRAPH_INSTANTIATE_PARAMS* params) {
  if (params == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // The upload stream's NULL is the calling thread's default stream.
  CUDA_GRAPH_INSTANTIATE_PARAMS local = *params;
  local.hUploadStream = perThread(local.hUploadStream);
  const CUresult status = entry::cuGraphInstantiateWithParams(exec, graph, &local);
  params->hErrNode_out = local.hErrNode_out;
  params->result_out = local.result_out;
  return status;
}

CUresult entry::cuGraphExecGetFlags(CUgraphExec exec, cuuint64_t* flags) {
  VGPU_REQUIRE_OUT(flags);
  VGPU_REQUIRE_INIT();
  CUgraphExec_st* object = state().graphExecs.find(exec);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *flags = object->flags;
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphExecDestroy(CUgraphExec exec) {
  VGPU_REQUIRE_INIT();
  CUgraphExec_st* object = state().graphExecs.find(exec);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  graph_whole::release(*object);
  forEachConditionalHandle(object->ordered, graph_conditionals::release);
  user_objects::executableDestroyed(exec, object->context->device);
  graph_memory::unbindExecutable(exec);
  return state().graphExecs.destroy(exec) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult entry::cuGraphLaunch(CUgraphExec exec, CUstream stream) {
  return launchGraph(exec, stream);
}

CUresult entry::cuGraphUpload(CUgraphExec exec, CUstream stream) {
  VGPU_REQUIRE_INIT();
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  CUgraphExec_st* object = state().graphExecs.find(exec);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  graph_whole::prepare(*object);
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphExecUpdate_v2(CUgraphExec exec, CUgraph graph, CUgraphExecUpdateResultInfo* info) {
  VGPU_REQUIRE_INIT();
  CUgraphExec_st* executable = state().graphExecs.find(exec);
  CUgraph_st* object = findGraph(graph);
  if (info != nullptr) {
    *info = CUgraphExecUpdateResultInfo{};
    info->result = CU_GRAPH_EXEC_UPDATE_ERROR;
  }
  if (executable == nullptr || object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::vector<Operation> ordered;
  std::map<CUgraphNode, NodeRange> positions;
  CUgraphNode orderError = nullptr;
  OperationEdges after;
  EdgeSink edges{&after, {}, {}};
  if (const CUresult status = orderNodes(object, ordered, &orderError, 0, &positions, &edges); status != CUDA_SUCCESS) {
    return status;
  }
  std::vector<CUgraphNode> nodeAt(ordered.size(), nullptr); // the graph's own node each operation came from
  for (const auto& [node, range] : positions) {
    for (std::size_t k = 0; k < range.count; ++k) {
      nodeAt[range.first + k] = node;
    }
  }
  const UpdateCheck check = checkUpdate(executable->ordered, ordered);
  if (info != nullptr) {
    info->result = check.result;
    info->errorNode = check.index < nodeAt.size() ? nodeAt[check.index] : nullptr;
  }
  if (check.result != CU_GRAPH_EXEC_UPDATE_SUCCESS) {
    return CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE;
  }
  forEachConditionalHandle(ordered, graph_conditionals::retain);
  forEachConditionalHandle(executable->ordered, graph_conditionals::release);
  executable->ordered = std::move(ordered);
  executable->after = std::move(after);
  executable->changed();
  // Nodes of the graph it was updated from name the same operations from now on, as well.
  executable->positions.insert(positions.begin(), positions.end());
  return CUDA_SUCCESS;
}

CUresult entry::cuStreamBeginCapture_v2(CUstream stream, CUstreamCaptureMode mode) {
  return beginCapture(stream, mode);
}

// Captures into an existing graph: the captured work depends on `dependencies` (nodes of that
// graph), and cuStreamEndCapture hands the same graph back.
CUresult entry::cuStreamBeginCaptureToGraph(CUstream stream, CUgraph graph, const CUgraphNode* dependencies,
                                            const CUgraphEdgeData* edges, size_t count, CUstreamCaptureMode mode) {
  VGPU_REQUIRE_INIT();
  CUgraph_st* object = findGraph(graph);
  if (object == nullptr || (count > 0 && dependencies == nullptr) || object->owner != nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!defaultEdges(edges, count)) {
    return CUDA_ERROR_NOT_SUPPORTED; // only default edges are built (entry_graph_edges.cpp)
  }
  std::vector<CUgraphNode> frontier;
  {
    const std::lock_guard lock(object->mutex);
    for (size_t i = 0; i < count; ++i) {
      if (!nodeInGraph(object, dependencies[i])) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      frontier.push_back(dependencies[i]);
    }
  }
  return beginCapture(stream, mode, graph, std::move(frontier));
}

// Changes what the stream's next captured work depends on: adds nodes of the capture's graph to
// the stream's frontier, or replaces it with them.
CUresult entry::cuStreamUpdateCaptureDependencies_v2(CUstream stream, CUgraphNode* dependencies,
                                                     const CUgraphEdgeData* edges, size_t count, unsigned int flags) {
  VGPU_REQUIRE_INIT();
  if ((count > 0 && dependencies == nullptr) ||
      (flags != CU_STREAM_ADD_CAPTURE_DEPENDENCIES && flags != CU_STREAM_SET_CAPTURE_DEPENDENCIES)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!defaultEdges(edges, count)) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (!target.capture) {
    return CUDA_ERROR_ILLEGAL_STATE;
  }
  const std::lock_guard lock(target.capture->mutex);
  if (target.capture->invalidated) {
    return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
  }
  CUgraph_st* graph = target.capture->graph;
  std::vector<CUgraphNode>& frontier = target.capture->frontiers[target.stream];
  std::vector<CUgraphNode> updated =
      flags == CU_STREAM_SET_CAPTURE_DEPENDENCIES ? std::vector<CUgraphNode>{} : frontier;
  {
    const std::lock_guard graphLock(graph->mutex);
    for (size_t i = 0; i < count; ++i) {
      if (!nodeInGraph(graph, dependencies[i])) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      if (std::find(updated.begin(), updated.end(), dependencies[i]) == updated.end()) {
        updated.push_back(dependencies[i]);
      }
    }
  }
  frontier = std::move(updated);
  return CUDA_SUCCESS;
}

CUresult entry::cuStreamUpdateCaptureDependencies(CUstream stream, CUgraphNode* dependencies, size_t count,
                                                  unsigned int flags) {
  return ::cuStreamUpdateCaptureDependencies_v2(stream, dependencies, nullptr, count, flags);
}

// CUDA 10.1's form: the status and the capture's id only.
CUresult entry::cuStreamGetCaptureInfo(CUstream stream, CUstreamCaptureStatus* status, cuuint64_t* id) {
  return captureStatus(stream, status, id, nullptr, nullptr, nullptr, nullptr);
}
CUresult entry::cuStreamBeginCapture(CUstream stream) {
  return beginCapture(stream, CU_STREAM_CAPTURE_MODE_GLOBAL);
}
CUresult entry::cuStreamEndCapture(CUstream stream, CUgraph* graph) {
  return endCapture(stream, graph);
}

CUresult entry::cuStreamIsCapturing(CUstream stream, CUstreamCaptureStatus* status) {
  return captureStatus(stream, status, nullptr, nullptr, nullptr, nullptr, nullptr);
}
CUresult entry::cuStreamGetCaptureInfo_v2(CUstream stream, CUstreamCaptureStatus* status, cuuint64_t* id,
                                          CUgraph* graph, const CUgraphNode** dependencies, size_t* count) {
  return captureStatus(stream, status, id, graph, dependencies, nullptr, count);
}
CUresult entry::cuStreamGetCaptureInfo_v3(CUstream stream, CUstreamCaptureStatus* status, cuuint64_t* id,
                                          CUgraph* graph, const CUgraphNode** dependencies,
                                          const CUgraphEdgeData** edges, size_t* count) {
  return captureStatus(stream, status, id, graph, dependencies, edges, count);
}

CUresult entry::cuThreadExchangeStreamCaptureMode(CUstreamCaptureMode* mode) {
  VGPU_REQUIRE_OUT(mode);
  VGPU_REQUIRE_INIT();
  // The thread's capture mode only restricts unsafe calls during global captures; the shim keeps
  // one per thread and hands the previous one back, as CUDA does.
  thread_local CUstreamCaptureMode threadMode = CU_STREAM_CAPTURE_MODE_GLOBAL;
  std::swap(threadMode, *mode);
  return CUDA_SUCCESS;
}

// The CUDA 10 form: CUDA_KERNEL_NODE_PARAMS_v1 is the v2 structure without its last two fields.
CUresult entry::cuGraphKernelNodeGetParams(CUgraphNode node, CUDA_KERNEL_NODE_PARAMS_v1* params) {
  VGPU_REQUIRE_OUT(params);
  CUDA_KERNEL_NODE_PARAMS full{};
  if (const CUresult status = ::cuGraphKernelNodeGetParams_v2(node, &full); status != CUDA_SUCCESS) {
    return status;
  }
  std::memcpy(params, &full, sizeof *params);
  return CUDA_SUCCESS;
}
