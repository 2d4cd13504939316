// Stream resolution and the single path every piece of stream work takes: captured into a graph
// or executed on the backend.
#include "operation.h"

#include "activity.h"
#include "entry_common.h"
#include "graph.h"
#include "graph_conditionals.h"
#include "graph_memory.h"

#include "vgpu/log.h"

#include <atomic>

namespace vgpu::cuda {

CUresult resolveStream(CUstream stream, StreamTarget& out) {
  VGPU_REQUIRE_INIT();
  if (stream == nullptr || stream == CU_STREAM_LEGACY || stream == CU_STREAM_PER_THREAD) {
    CUcontext context = nullptr;
    if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
      return status;
    }
    out = StreamTarget{};
    out.context = context;
    return CUDA_SUCCESS;
  }
  CUstream_st* object = state().streams.find(stream);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  out.stream = object;
  out.context = object->context;
  out.backend = object->backend;
  out.capture = object->capture;
  return CUDA_SUCCESS;
}

namespace {

CUresult runBody(const std::vector<Operation>& body, BackendStream stream, bool async) {
  for (const Operation& operation : body) {
    if (const CUresult status = executeOperation(operation, stream, async); status != CUDA_SUCCESS) {
      return status;
    }
  }
  return CUDA_SUCCESS;
}

// Chooses the body by the handle's value (graph_conditionals.h). Only built where kernels do not
// run, so nothing changes the value during the launch: a WHILE that would run its body could never
// end, and is refused instead.
CUresult runConditional(const Operation& operation, BackendStream stream, bool async) {
  if (!operation.conditionalBodies) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::vector<std::vector<Operation>>& bodies = *operation.conditionalBodies;
  const unsigned value = graph_conditionals::value(operation.conditionalHandle);
  switch (operation.conditionalType) {
  case CU_GRAPH_COND_TYPE_IF:
    if (value != 0) {
      return runBody(bodies.at(0), stream, async);
    }
    return bodies.size() > 1 ? runBody(bodies[1], stream, async) : CUDA_SUCCESS;
  case CU_GRAPH_COND_TYPE_SWITCH: return value < bodies.size() ? runBody(bodies[value], stream, async) : CUDA_SUCCESS;
  case CU_GRAPH_COND_TYPE_WHILE: {
    if (value == 0) {
      return CUDA_SUCCESS;
    }
    static std::atomic<bool> reported{false};
    if (!reported.exchange(true)) {
      log::writef(log::Level::Warn, "driver",
                  "a WHILE graph node's condition is %u and only kernels could change it, which the simulated "
                  "device does not run: the loop could never end, so the launch is refused "
                  "(CUDA_ERROR_NOT_SUPPORTED)",
                  value);
    }
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  }
  return CUDA_ERROR_INVALID_VALUE;
}

} // namespace

CUresult executeOperation(const Operation& operation, BackendStream stream, bool async) {
  ExecutionBackend& backend = state().backend();
  switch (operation.kind) {
  case Operation::Kind::Empty: return CUDA_SUCCESS;
  case Operation::Kind::Kernel: {
    LaunchConfig config = operation.launch;
    config.stream = stream;
    if (state().functions.find(operation.function) == nullptr) {
      return CUDA_ERROR_INVALID_HANDLE;
    }
    activity::mark(activity::Kind::Kernel);
    return backend.launch(operation.function->backend, config, operation.parameters);
  }
  case Operation::Kind::Copy:
    activity::mark(activity::Kind::Memory);
    return backend.copy(operation.copyDst, operation.copySrc, operation.widthBytes, operation.height, stream, async);
  case Operation::Kind::Memset:
    activity::mark(activity::Kind::Memory);
    return backend.memset(operation.memsetDst, operation.memsetPitch, operation.memsetValue,
                          operation.memsetElementSize, operation.memsetWidthElements, operation.height, stream, async);
  case Operation::Kind::Host: return backend.hostFunction(stream, operation.hostFn, operation.hostUserData);
  case Operation::Kind::EventRecord: {
    CUevent_st* event = state().events.find(operation.event);
    return event == nullptr ? CUDA_ERROR_INVALID_HANDLE : backend.eventRecord(event->backend, stream);
  }
  case Operation::Kind::EventWait: {
    CUevent_st* event = state().events.find(operation.event);
    return event == nullptr ? CUDA_ERROR_INVALID_HANDLE : backend.streamWaitEvent(stream, event->backend);
  }
  case Operation::Kind::GraphAlloc:
    activity::mark(activity::Kind::Memory);
    return graph_memory::allocate(operation.graphMemory);
  case Operation::Kind::GraphFree: {
    // Released after the work queued before it, never under it.
    if (const CUresult status = backend.streamSynchronize(stream); status != CUDA_SUCCESS) {
      return status;
    }
    return graph_memory::free(operation.graphMemory);
  }
  case Operation::Kind::Conditional: return runConditional(operation, stream, async);
  case Operation::Kind::MemoryOperations:
    return operation.memoryOperations.empty() ? CUDA_SUCCESS
                                              : backend.streamMemoryOperations(stream, operation.memoryOperations);
  }
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult submit(const StreamTarget& target, Operation operation, bool async) {
  if (target.capture) {
    return captureOperation(target.capture, target.stream, std::move(operation));
  }
  return executeOperation(operation, target.backend, async);
}

} // namespace vgpu::cuda
