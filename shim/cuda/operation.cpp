// Stream resolution and the single path every piece of stream work takes: captured into a graph
// or executed on the backend.
#include "operation.h"

#include "activity.h"
#include "entry_common.h"
#include "graph.h"
#include "graph_memory.h"

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
