// Graphs run whole on the simulated device: what a GPU executor does with a driver graph, done by
// replaying the nodes in their (topological) order through the device's own calls, which count and
// check them as direct work. Creation checks every node first, so a graph naming an unknown
// function, event or memory is refused whole, as the driver's instantiation refuses it.
#include "sim/simulated_backend.h"

namespace vgpu::cuda::sim {

CUresult SimulatedBackend::checkGraph(int device, std::span<const GraphNodeWork> nodes) {
  if (device < 0 || static_cast<std::size_t>(device) >= limits_.size()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  if (nodes.empty()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Device memory a node names must be there now: its first and last row are resolved.
  const auto mapped = [this](CUdeviceptr address, std::size_t width, std::size_t height, std::size_t pitch) {
    if (width == 0 || height == 0) {
      return true;
    }
    if (height > 1 && pitch < width) {
      return false;
    }
    SimulatedMemory* memory = memoryFor(address);
    std::vector<SimulatedMemory::HostSpan> spans;
    const std::size_t last = rowsFootprint(width, height, pitch) - width;
    return memory != nullptr && memory->resolve(address, width, spans) == CUDA_SUCCESS &&
           memory->resolve(address + last, width, spans) == CUDA_SUCCESS;
  };
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const GraphNodeWork& node = nodes[i];
    for (const std::uint32_t dependency : node.dependencies) {
      if (dependency >= i) {
        return CUDA_ERROR_INVALID_VALUE; // only earlier nodes: no cycle
      }
    }
    switch (node.kind) {
    case GraphNodeWork::Kind::Empty: break;
    case GraphNodeWork::Kind::Kernel:
      if (const CUresult status = checkLaunch(node.function, node.launch, node.parameters); status != CUDA_SUCCESS) {
        return status;
      }
      break;
    case GraphNodeWork::Kind::Copy:
      // A host side is the caller's memory (in vgpud: a pinned region the session checked).
      if ((node.hostDestination == nullptr &&
           !mapped(node.destination, node.widthBytes, node.height, node.destinationPitch)) ||
          (node.hostSource == nullptr && !mapped(node.source, node.widthBytes, node.height, node.sourcePitch)) ||
          (node.height > 1 && (node.destinationPitch < node.widthBytes || node.sourcePitch < node.widthBytes))) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      break;
    case GraphNodeWork::Kind::Memset:
      if ((node.elementSize != 1 && node.elementSize != 2 && node.elementSize != 4) ||
          node.destination % node.elementSize != 0 ||
          !mapped(node.destination, node.widthElements * node.elementSize, node.height, node.destinationPitch)) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      break;
    case GraphNodeWork::Kind::EventRecord:
    case GraphNodeWork::Kind::EventWait:
      if (events_.count(node.event) == 0) {
        return CUDA_ERROR_INVALID_HANDLE;
      }
      break;
    case GraphNodeWork::Kind::Conditional:
      // The value that chooses is set by kernels, which the simulated device does not run: the driver
      // layer replays such graphs itself (graph_conditionals.h).
      return CUDA_ERROR_NOT_SUPPORTED;
    default: return CUDA_ERROR_INVALID_VALUE;
    }
  }
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::graphCreate(int device, std::span<const GraphNodeWork> nodes, BackendGraph& out,
                                       std::span<const GraphConditionalHandle> /*handles*/) {
  const std::lock_guard lock(mutex_);
  if (const CUresult status = checkGraph(device, nodes); status != CUDA_SUCCESS) {
    return status;
  }
  out = nextHandle_++;
  graphs_[out] = Graph{device, std::make_shared<const std::vector<GraphNodeWork>>(nodes.begin(), nodes.end())};
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::graphUpdate(BackendGraph graph, std::span<const GraphNodeWork> nodes,
                                       std::span<const GraphConditionalHandle> /*handles*/) {
  const std::lock_guard lock(mutex_);
  const auto it = graphs_.find(graph);
  if (it == graphs_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (!sameGraphTopology(*it->second.nodes, nodes)) {
    return CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE; // another topology
  }
  if (const CUresult status = checkGraph(it->second.device, nodes); status != CUDA_SUCCESS) {
    return status;
  }
  it->second.nodes = std::make_shared<const std::vector<GraphNodeWork>>(nodes.begin(), nodes.end());
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::graphLaunch(BackendGraph graph, BackendStream stream) {
  std::shared_ptr<const std::vector<GraphNodeWork>> nodes;
  {
    const std::lock_guard lock(mutex_);
    const auto it = graphs_.find(graph);
    if (it == graphs_.end()) {
      return CUDA_ERROR_INVALID_HANDLE;
    }
    nodes = it->second.nodes;
  }
  if (!streamExists(stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  for (const GraphNodeWork& node : *nodes) {
    CUresult status = CUDA_SUCCESS;
    switch (node.kind) {
    case GraphNodeWork::Kind::Empty: break;
    case GraphNodeWork::Kind::Kernel: {
      LaunchConfig config = node.launch;
      config.stream = stream;
      status = launch(node.function, config, node.parameters);
      break;
    }
    case GraphNodeWork::Kind::Copy:
      status = copy(
          CopyEndpoint{node.hostDestination == nullptr, node.destination, node.hostDestination, node.destinationPitch},
          CopyEndpoint{node.hostSource == nullptr, node.source, node.hostSource, node.sourcePitch}, node.widthBytes,
          node.height, stream, true);
      break;
    case GraphNodeWork::Kind::Memset:
      status = memset(node.destination, node.destinationPitch, node.value, node.elementSize, node.widthElements,
                      node.height, stream, true);
      break;
    case GraphNodeWork::Kind::EventRecord: status = eventRecord(node.event, stream); break;
    case GraphNodeWork::Kind::EventWait: status = streamWaitEvent(stream, node.event); break;
    case GraphNodeWork::Kind::Conditional: status = CUDA_ERROR_NOT_SUPPORTED; break; // refused at creation
    }
    if (status != CUDA_SUCCESS) {
      return status;
    }
  }
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::graphDestroy(BackendGraph graph) {
  const std::lock_guard lock(mutex_);
  return graphs_.erase(graph) == 1 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}

} // namespace vgpu::cuda::sim
