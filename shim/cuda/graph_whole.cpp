// Executable graphs run whole by the backend (graph_whole.h).
#include "graph_whole.h"

#include "activity.h"
#include "entry_common.h"
#include "graph_conditionals.h"

#include "vgpu/log.h"

#include <algorithm>
#include <atomic>
#include <mutex>

namespace vgpu::cuda::graph_whole {
namespace {

// Operations as nodes the backend can hold, and the conditional handles they use.
struct Conversion {
  bool conditionals = false; // the backend runs kernels: they set the values that choose
  std::vector<GraphConditionalHandle> handles;

  bool node(const Operation& operation, bool disabled, GraphNodeWork& out);
  bool conditional(const Operation& operation, GraphNodeWork& out);
};

// A conditional node with its bodies; each body's operations run one after the other (their order
// is a topological one of the body's graph).
bool Conversion::conditional(const Operation& operation, GraphNodeWork& out) {
  unsigned defaultValue = 0;
  unsigned flags = 0;
  if (!conditionals || !operation.conditionalBodies ||
      !graph_conditionals::describe(operation.conditionalHandle, defaultValue, flags)) {
    return false;
  }
  out.kind = GraphNodeWork::Kind::Conditional;
  out.conditionalType = static_cast<std::uint8_t>(operation.conditionalType);
  const auto known = std::find_if(handles.begin(), handles.end(), [&](const GraphConditionalHandle& handle) {
    return handle.value == operation.conditionalHandle;
  });
  out.handle = static_cast<std::uint32_t>(known - handles.begin());
  if (known == handles.end()) {
    handles.push_back({operation.conditionalHandle, defaultValue, flags});
  }
  for (const std::vector<Operation>& body : *operation.conditionalBodies) {
    std::vector<GraphNodeWork>& nodes = out.bodies.emplace_back(body.size());
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (!node(body[i], false, nodes[i])) {
        return false;
      }
      if (i > 0) {
        nodes[i].dependencies = {static_cast<std::uint32_t>(i - 1)};
      }
    }
  }
  return true;
}

// The operation as a node the backend can hold; false for work that must run in this process, or
// a handle already destroyed (the replay reports it).
bool Conversion::node(const Operation& operation, bool disabled, GraphNodeWork& out) {
  if (disabled) {
    out.kind = GraphNodeWork::Kind::Empty; // cuGraphNodeSetEnabled: an empty node until enabled again
    return true;
  }
  switch (operation.kind) {
  case Operation::Kind::Empty: out.kind = GraphNodeWork::Kind::Empty; return true;
  case Operation::Kind::Kernel: {
    const CUfunc_st* function = state().functions.find(operation.function);
    if (function == nullptr) {
      return false;
    }
    out.kind = GraphNodeWork::Kind::Kernel;
    out.function = function->backend;
    out.launch = operation.launch;
    out.parameters = operation.parameters;
    return true;
  }
  case Operation::Kind::Copy:
    // A host side goes as it is: the backend takes it where it can reach it (vgpud: pinned memory
    // it shares), and refuses the graph otherwise.
    if (!operation.copyDst.isDevice && !operation.copySrc.isDevice) {
      return false; // host to host: this process's own work
    }
    out.kind = GraphNodeWork::Kind::Copy;
    out.destination = operation.copyDst.isDevice ? operation.copyDst.device : 0;
    out.hostDestination = operation.copyDst.isDevice ? nullptr : operation.copyDst.host;
    out.destinationPitch = operation.copyDst.pitch;
    out.source = operation.copySrc.isDevice ? operation.copySrc.device : 0;
    out.hostSource = operation.copySrc.isDevice ? nullptr : operation.copySrc.host;
    out.sourcePitch = operation.copySrc.pitch;
    out.widthBytes = operation.widthBytes;
    out.height = operation.height;
    return true;
  case Operation::Kind::Memset:
    out.kind = GraphNodeWork::Kind::Memset;
    out.destination = operation.memsetDst;
    out.destinationPitch = operation.memsetPitch;
    out.value = operation.memsetValue;
    out.elementSize = operation.memsetElementSize;
    out.widthElements = operation.memsetWidthElements;
    out.height = operation.height;
    return true;
  case Operation::Kind::EventRecord:
  case Operation::Kind::EventWait: {
    const CUevent_st* event = state().events.find(operation.event);
    if (event == nullptr) {
      return false;
    }
    out.kind = operation.kind == Operation::Kind::EventRecord ? GraphNodeWork::Kind::EventRecord
                                                              : GraphNodeWork::Kind::EventWait;
    out.event = event->backend;
    return true;
  }
  case Operation::Kind::Conditional: return conditional(operation, out);
  default: return false; // host functions, graph allocations
  }
}

// The backend's copy of the executable, built or updated; NOT_SUPPORTED when it does not qualify.
CUresult build(CUgraphExec_st& exec) {
  if (exec.ordered.empty() || exec.after.size() != exec.ordered.size()) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  ExecutionBackend& backend = state().backend();
  Conversion conversion;
  conversion.conditionals = backend.runsKernels(exec.context->device);
  std::vector<GraphNodeWork> nodes(exec.ordered.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!conversion.node(exec.ordered[i], exec.disabled[i], nodes[i])) {
      return CUDA_ERROR_NOT_SUPPORTED;
    }
    nodes[i].dependencies = exec.after[i];
  }
  if (exec.backendGraph != 0 && backend.graphUpdate(exec.backendGraph, nodes, conversion.handles) == CUDA_SUCCESS) {
    return CUDA_SUCCESS;
  }
  release(exec);
  return backend.graphCreate(exec.context->device, nodes, exec.backendGraph, conversion.handles);
}

void prepareLocked(CUgraphExec_st& exec) {
  if (exec.whole != CUgraphExec_st::Whole::Stale) {
    return;
  }
  const CUresult status = build(exec);
  exec.whole = status == CUDA_SUCCESS ? CUgraphExec_st::Whole::Built : CUgraphExec_st::Whole::Replay;
  if (status == CUDA_SUCCESS) {
    static std::atomic<bool> told{false};
    if (!told.exchange(true)) {
      log::writef(log::Level::Debug, "driver", "graphs run whole on the backend (%s): one call per launch",
                  state().backend().describe().c_str());
    }
  } else if (status != CUDA_ERROR_NOT_SUPPORTED) {
    static std::atomic<bool> reported{false};
    if (!reported.exchange(true)) {
      log::writef(log::Level::Debug, "driver",
                  "the backend refused a graph of %zu operations (CUresult %d); it is replayed operation by operation",
                  exec.ordered.size(), static_cast<int>(status));
    }
  }
  exec.wholeKernels = false;
  exec.wholeMemory = false;
  exec.wholeOnly = false;
  for (std::size_t i = 0; i < exec.ordered.size(); ++i) {
    const Operation::Kind kind = exec.ordered[i].kind;
    // Where kernels run, only the executor can follow the values they give conditional handles.
    exec.wholeOnly =
        exec.wholeOnly || (kind == Operation::Kind::Conditional && state().backend().runsKernels(exec.context->device));
    if (!exec.disabled[i]) {
      exec.wholeKernels = exec.wholeKernels || kind == Operation::Kind::Kernel;
      exec.wholeMemory = exec.wholeMemory || kind == Operation::Kind::Copy || kind == Operation::Kind::Memset;
    }
  }
}

} // namespace

void prepare(CUgraphExec_st& exec) {
  const std::lock_guard lock(exec.wholeMutex);
  prepareLocked(exec);
}

CUresult launch(CUgraphExec_st& exec, const StreamTarget& target, bool& launched) {
  launched = false;
  if (target.capture) {
    return CUDA_SUCCESS; // captured operation by operation into the stream's graph
  }
  const std::lock_guard lock(exec.wholeMutex);
  prepareLocked(exec);
  if (exec.whole != CUgraphExec_st::Whole::Built) {
    if (exec.wholeOnly) {
      launched = true; // a replay here could not follow what the GPU's kernels decide
      static std::atomic<bool> reported{false};
      if (!reported.exchange(true)) {
        log::writef(log::Level::Warn, "driver",
                    "a graph with conditional nodes must run whole where kernels run, and the executor refused it "
                    "(an older vgpud, or a graph past its limits): CUDA_ERROR_NOT_SUPPORTED");
      }
      return CUDA_ERROR_NOT_SUPPORTED;
    }
    return CUDA_SUCCESS;
  }
  launched = true;
  if (exec.wholeKernels) {
    activity::mark(activity::Kind::Kernel);
  }
  if (exec.wholeMemory) {
    activity::mark(activity::Kind::Memory);
  }
  return state().backend().graphLaunch(exec.backendGraph, target.backend);
}

void release(CUgraphExec_st& exec) {
  if (exec.backendGraph != 0) {
    state().backend().graphDestroy(exec.backendGraph);
    exec.backendGraph = 0;
  }
}

} // namespace vgpu::cuda::graph_whole
