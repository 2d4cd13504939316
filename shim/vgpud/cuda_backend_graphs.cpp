// Graphs run whole on the GPU: the guest's graph, as nodes of device work, becomes a driver graph
// that is instantiated once and launched with one cuGraphLaunch, so the GPU sees what it would see
// natively instead of one launch per node. Every node is checked against the session's own tables
// first, as the calls it stands for are; and checked again before a launch once anything it may
// name has gone away (a freed range, a destroyed event, an unloaded module), so a graph never runs
// on what the session no longer holds.
#include "cuda_backend.h"
#include "graph_handles.h"

namespace vgpu::daemon {

CUresult CudaBackend::checkGraphNodes(int device, std::span<const cuda::GraphNodeWork> nodes, std::size_t handles,
                                      bool inBody) {
  if (!validDevice(device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  if (nodes.empty() && !inBody) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto onDevice = [&](CUdeviceptr address, std::size_t width, std::size_t height, std::size_t pitch) {
    int found = -1;
    return width == 0 || height == 0 ||
           ((height <= 1 || pitch >= width) && knownRange(address, cuda::rowsFootprint(width, height, pitch), found) &&
            found == device);
  };
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const cuda::GraphNodeWork& node = nodes[i];
    for (const std::uint32_t dependency : node.dependencies) {
      if (dependency >= i) {
        return CUDA_ERROR_INVALID_VALUE;
      }
    }
    switch (node.kind) {
    case cuda::GraphNodeWork::Kind::Empty: break;
    case cuda::GraphNodeWork::Kind::Kernel: {
      const auto function = functions_.find(node.function);
      if (function == functions_.end()) {
        return CUDA_ERROR_INVALID_HANDLE;
      }
      if (function->second.device != device || node.parameters.size() < function->second.info.parameterBufferSize) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      break;
    }
    case cuda::GraphNodeWork::Kind::Copy:
      // A host side is one of the session's pinned regions, registered with the driver (checked by
      // the session, which destroys the graph before the region goes).
      if ((node.hostDestination == nullptr &&
           !onDevice(node.destination, node.widthBytes, node.height, node.destinationPitch)) ||
          (node.hostSource == nullptr && !onDevice(node.source, node.widthBytes, node.height, node.sourcePitch)) ||
          (node.hostDestination != nullptr && node.hostSource != nullptr) ||
          (inBody && (node.hostDestination != nullptr || node.hostSource != nullptr))) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      break;
    case cuda::GraphNodeWork::Kind::Memset:
      if ((node.elementSize != 1 && node.elementSize != 2 && node.elementSize != 4) ||
          !onDevice(node.destination, node.widthElements * node.elementSize, node.height, node.destinationPitch)) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      break;
    case cuda::GraphNodeWork::Kind::Conditional:
      if (node.handle >= handles) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      for (const std::vector<cuda::GraphNodeWork>& body : node.bodies) {
        if (const CUresult status = checkGraphNodes(device, body, handles, true); status != CUDA_SUCCESS) {
          return status;
        }
      }
      break;
    case cuda::GraphNodeWork::Kind::EventRecord:
    case cuda::GraphNodeWork::Kind::EventWait: {
      if (inBody) {
        return CUDA_ERROR_INVALID_VALUE; // a conditional body holds kernels, copies, memsets and conditionals
      }
      const auto event = events_.find(node.event);
      if (event == events_.end()) {
        return CUDA_ERROR_INVALID_HANDLE;
      }
      if (event->second.device != device) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      break;
    }
    default: return CUDA_ERROR_INVALID_VALUE;
    }
  }
  return CUDA_SUCCESS;
}

namespace {

// A kernel node's attributes beyond its shape, set on the node as cuLaunchKernelEx's would be on a
// launch. Programmatic stream serialization is a stream's property; in a graph the driver expresses
// it as programmatic edges, which the guest's graph does not carry, so it is not set.
template <typename Driver>
CUresult setKernelAttributes(const Driver& driver, CUgraphNode node, const cuda::LaunchConfig& config) {
  CUlaunchAttributeValue value{};
  if (config.clusterX * config.clusterY * config.clusterZ != 1) {
    value.clusterDim.x = config.clusterX;
    value.clusterDim.y = config.clusterY;
    value.clusterDim.z = config.clusterZ;
    if (const CUresult result =
            driver.cuGraphKernelNodeSetAttribute(node, CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION, &value);
        result != CUDA_SUCCESS) {
      return result;
    }
  }
  if (config.cooperative) {
    value = CUlaunchAttributeValue{};
    value.cooperative = 1;
    if (const CUresult result = driver.cuGraphKernelNodeSetAttribute(node, CU_LAUNCH_ATTRIBUTE_COOPERATIVE, &value);
        result != CUDA_SUCCESS) {
      return result;
    }
  }
  if (config.clusterSchedulingPolicy != 0) {
    value = CUlaunchAttributeValue{};
    value.clusterSchedulingPolicyPreference = static_cast<CUclusterSchedulingPolicy>(config.clusterSchedulingPolicy);
    return driver.cuGraphKernelNodeSetAttribute(node, CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE, &value);
  }
  return CUDA_SUCCESS;
}

} // namespace

CUresult CudaBackend::addGraphNodes(CUgraph graph, CUcontext context, std::span<const cuda::GraphNodeWork> nodes,
                                    const GraphHandles& handles, cuda::BackendCounters* perLaunch) {
  std::vector<CUgraphNode> made(nodes.size(), nullptr);
  std::vector<CUgraphNode> dependencies;
  std::vector<void*> arguments;
  std::vector<std::uint8_t> parameters;
  CUresult result = CUDA_SUCCESS;
  for (std::size_t i = 0; i < nodes.size() && result == CUDA_SUCCESS; ++i) {
    const cuda::GraphNodeWork& node = nodes[i];
    dependencies.clear();
    for (const std::uint32_t dependency : node.dependencies) {
      dependencies.push_back(made[dependency]);
    }
    CUgraphNode* const added = &made[i];
    const CUgraphNode* const after = dependencies.empty() ? nullptr : dependencies.data();
    switch (node.kind) {
    case cuda::GraphNodeWork::Kind::Empty:
      result = driver_.cuGraphAddEmptyNode(added, graph, after, dependencies.size());
      break;
    case cuda::GraphNodeWork::Kind::Kernel: {
      Function& function = functions_.at(node.function);
      optInSharedMemory(function, node.launch.sharedMemBytes);
      parameters = node.parameters;
      replaceConditionalHandles(parameters, function.info.parameters, handles.guest, handles.real);
      arguments.clear();
      for (const cuda::KernelParameter& parameter : function.info.parameters) {
        // The driver copies each parameter's bytes when the node is added.
        arguments.push_back(parameters.data() + parameter.offset);
      }
      CUDA_KERNEL_NODE_PARAMS params{};
      params.func = function.function;
      params.gridDimX = node.launch.gridX;
      params.gridDimY = node.launch.gridY;
      params.gridDimZ = node.launch.gridZ;
      params.blockDimX = node.launch.blockX;
      params.blockDimY = node.launch.blockY;
      params.blockDimZ = node.launch.blockZ;
      params.sharedMemBytes = node.launch.sharedMemBytes;
      params.kernelParams = arguments.empty() ? nullptr : arguments.data();
      result = driver_.cuGraphAddKernelNode(added, graph, after, dependencies.size(), &params);
      if (result == CUDA_SUCCESS && node.launch.extended()) {
        result = setKernelAttributes(driver_, *added, node.launch);
      }
      if (perLaunch != nullptr) {
        ++perLaunch->kernelLaunches;
      }
      break;
    }
    case cuda::GraphNodeWork::Kind::Copy: {
      CUDA_MEMCPY3D copy{};
      copy.srcMemoryType = node.hostSource != nullptr ? CU_MEMORYTYPE_HOST : CU_MEMORYTYPE_DEVICE;
      copy.srcDevice = node.source;
      copy.srcHost = node.hostSource;
      copy.srcPitch = node.height > 1 ? node.sourcePitch : node.widthBytes;
      copy.dstMemoryType = node.hostDestination != nullptr ? CU_MEMORYTYPE_HOST : CU_MEMORYTYPE_DEVICE;
      copy.dstDevice = node.destination;
      copy.dstHost = node.hostDestination;
      copy.dstPitch = node.height > 1 ? node.destinationPitch : node.widthBytes;
      copy.WidthInBytes = node.widthBytes;
      copy.Height = node.height;
      copy.Depth = 1;
      result = driver_.cuGraphAddMemcpyNode(added, graph, after, dependencies.size(), &copy, context);
      if (perLaunch != nullptr) {
        (node.hostSource != nullptr        ? perLaunch->bytesHostToDevice
         : node.hostDestination != nullptr ? perLaunch->bytesDeviceToHost
                                           : perLaunch->bytesDeviceToDevice) += node.widthBytes * node.height;
      }
      break;
    }
    case cuda::GraphNodeWork::Kind::Memset: {
      CUDA_MEMSET_NODE_PARAMS memset{};
      memset.dst = node.destination;
      memset.pitch = node.height > 1 ? node.destinationPitch : node.widthElements * node.elementSize;
      memset.value = node.value;
      memset.elementSize = node.elementSize;
      memset.width = node.widthElements;
      memset.height = node.height;
      result = driver_.cuGraphAddMemsetNode(added, graph, after, dependencies.size(), &memset, context);
      if (perLaunch != nullptr) {
        ++perLaunch->memsets;
      }
      break;
    }
    case cuda::GraphNodeWork::Kind::EventRecord:
      result =
          driver_.cuGraphAddEventRecordNode(added, graph, after, dependencies.size(), events_.at(node.event).event);
      break;
    case cuda::GraphNodeWork::Kind::EventWait:
      result = driver_.cuGraphAddEventWaitNode(added, graph, after, dependencies.size(), events_.at(node.event).event);
      break;
    case cuda::GraphNodeWork::Kind::Conditional: {
      // The driver makes the bodies (owned by the node); they are filled like the graph itself.
      // What a launch does inside them depends on the values kernels set: not counted.
      CUgraphNodeParams params{};
      params.type = CU_GRAPH_NODE_TYPE_CONDITIONAL;
      params.conditional.handle = handles.real[node.handle];
      params.conditional.type = static_cast<CUgraphConditionalNodeType>(node.conditionalType);
      params.conditional.size = static_cast<unsigned>(node.bodies.size());
      params.conditional.ctx = context;
      result = driver_.cuGraphAddNode(added, graph, after, nullptr, dependencies.size(), &params);
      for (std::size_t b = 0; b < node.bodies.size() && result == CUDA_SUCCESS; ++b) {
        result = addGraphNodes(params.conditional.phGraph_out[b], context, node.bodies[b], handles, nullptr);
      }
      break;
    }
    }
  }
  return result;
}

CUresult CudaBackend::buildGraph(int device, std::span<const cuda::GraphNodeWork> nodes,
                                 std::span<const cuda::GraphConditionalHandle> handles, CUgraph& out,
                                 cuda::BackendCounters& perLaunch) {
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  CUcontext context = devices_[static_cast<std::size_t>(device)].context;
  CUgraph graph = nullptr;
  if (const CUresult result = driver_.cuGraphCreate(&graph, 0); result != CUDA_SUCCESS) {
    return note(result);
  }
  perLaunch = cuda::BackendCounters{};
  // The graph's own handles: the values its kernels receive in place of the application's.
  GraphHandles mapped{handles, std::vector<CUgraphConditionalHandle>(handles.size(), 0)};
  CUresult result = CUDA_SUCCESS;
  for (std::size_t h = 0; h < handles.size() && result == CUDA_SUCCESS; ++h) {
    result = driver_.cuGraphConditionalHandleCreate(&mapped.real[h], graph, context, handles[h].defaultValue,
                                                    handles[h].flags);
  }
  if (result == CUDA_SUCCESS) {
    result = addGraphNodes(graph, context, nodes, mapped, &perLaunch);
  }
  if (result != CUDA_SUCCESS) {
    driver_.cuGraphDestroy(graph);
    return note(result);
  }
  out = graph;
  return CUDA_SUCCESS;
}

CUresult CudaBackend::graphCreate(int device, std::span<const cuda::GraphNodeWork> nodes, cuda::BackendGraph& out,
                                  std::span<const cuda::GraphConditionalHandle> handles) {
  if (const CUresult status = checkGraphNodes(device, nodes, handles.size()); status != CUDA_SUCCESS) {
    return status;
  }
  Graph made;
  CUgraph graph = nullptr;
  if (const CUresult status = buildGraph(device, nodes, handles, graph, made.perLaunch); status != CUDA_SUCCESS) {
    return status;
  }
  // The executable keeps what it needs: the graph itself is not kept.
  const CUresult result = driver_.cuGraphInstantiateWithFlags(&made.exec, graph, 0);
  driver_.cuGraphDestroy(graph);
  if (result != CUDA_SUCCESS) {
    return note(result);
  }
  made.device = device;
  made.nodes.assign(nodes.begin(), nodes.end());
  made.handles.assign(handles.begin(), handles.end());
  made.checkedGeneration = generation_;
  out = nextId_++;
  graphs_[out] = std::move(made);
  return CUDA_SUCCESS;
}

CUresult CudaBackend::graphUpdate(cuda::BackendGraph id, std::span<const cuda::GraphNodeWork> nodes,
                                  std::span<const cuda::GraphConditionalHandle> handles) {
  const auto it = graphs_.find(id);
  if (it == graphs_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  Graph& graph = it->second;
  if (!cuda::sameGraphTopology(graph.nodes, nodes)) {
    return CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE; // another topology
  }
  if (const CUresult status = checkGraphNodes(graph.device, nodes, handles.size()); status != CUDA_SUCCESS) {
    return status;
  }
  CUgraph updated = nullptr;
  cuda::BackendCounters perLaunch;
  if (const CUresult status = buildGraph(graph.device, nodes, handles, updated, perLaunch); status != CUDA_SUCCESS) {
    return status;
  }
  // In place where the driver allows the change; otherwise a new executable (the driver refuses,
  // for example, a kernel whose function moved to another module's context). A graph with
  // conditional nodes always gets a new one: its handles are the new graph's.
  CUgraphExecUpdateResultInfo info{};
  CUresult result = handles.empty() ? driver_.cuGraphExecUpdate(graph.exec, updated, &info) : CUDA_ERROR_NOT_SUPPORTED;
  if (result != CUDA_SUCCESS) {
    CUgraphExec replacement = nullptr;
    result = driver_.cuGraphInstantiateWithFlags(&replacement, updated, 0);
    if (result == CUDA_SUCCESS) {
      driver_.cuGraphExecDestroy(graph.exec);
      graph.exec = replacement;
    }
  }
  driver_.cuGraphDestroy(updated);
  if (result != CUDA_SUCCESS) {
    return note(result);
  }
  graph.nodes.assign(nodes.begin(), nodes.end());
  graph.handles.assign(handles.begin(), handles.end());
  graph.perLaunch = perLaunch;
  graph.checkedGeneration = generation_;
  return CUDA_SUCCESS;
}

CUresult CudaBackend::graphLaunch(cuda::BackendGraph id, cuda::BackendStream stream) {
  const auto it = graphs_.find(id);
  if (it == graphs_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  Graph& graph = it->second;
  if (graph.checkedGeneration != generation_) {
    if (const CUresult status = checkGraphNodes(graph.device, graph.nodes, graph.handles.size());
        status != CUDA_SUCCESS) {
      return status;
    }
    graph.checkedGeneration = generation_;
  }
  if (const CUresult bound = bind(graph.device); bound != CUDA_SUCCESS) {
    return bound;
  }
  CUstream target = nullptr;
  if (!resolveStream(stream, graph.device, target)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const CUresult result = driver_.cuGraphLaunch(graph.exec, target);
  if (result == CUDA_SUCCESS) {
    counters_.kernelLaunches += graph.perLaunch.kernelLaunches;
    counters_.memsets += graph.perLaunch.memsets;
    counters_.bytesDeviceToDevice += graph.perLaunch.bytesDeviceToDevice;
    counters_.bytesHostToDevice += graph.perLaunch.bytesHostToDevice;
    counters_.bytesDeviceToHost += graph.perLaunch.bytesDeviceToHost;
  }
  return note(result);
}

CUresult CudaBackend::graphDestroy(cuda::BackendGraph id) {
  const auto it = graphs_.find(id);
  if (it == graphs_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (const CUresult bound = bind(it->second.device); bound != CUDA_SUCCESS) {
    return bound;
  }
  // The driver lets an executable be destroyed while a launch of it is in flight: the launch completes.
  const CUresult result = driver_.cuGraphExecDestroy(it->second.exec);
  graphs_.erase(it);
  return note(result);
}

} // namespace vgpu::daemon
