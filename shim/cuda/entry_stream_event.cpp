// Entry points for streams and events (legacy and per-thread default-stream variants).
#include "entry_common.h"
#include "graph.h"
#include "operation.h"

#include <algorithm>

using namespace vgpu::cuda;

namespace {

CUresult createStream(CUstream* out, unsigned flags, int priority) {
  VGPU_REQUIRE_OUT(out);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  if ((flags & ~static_cast<unsigned>(CU_STREAM_NON_BLOCKING)) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Priorities outside [greatest, least] = [-5, 0] are clamped, as NVIDIA's driver does.
  priority = std::clamp(priority, -5, 0);
  BackendStream backendStream = 0;
  if (const CUresult status = state().backend().streamCreate(context->device, flags, priority, backendStream);
      status != CUDA_SUCCESS) {
    return status;
  }
  auto stream = std::make_unique<CUstream_st>();
  stream->context = context;
  stream->backend = backendStream;
  stream->flags = flags;
  stream->priority = priority;
  stream->id = state().nextObjectId();
  *out = state().streams.add(std::move(stream));
  return CUDA_SUCCESS;
}

// Stream properties of a default stream are those of the context's NULL stream.
CUresult streamProperty(CUstream stream, StreamTarget& target) {
  return resolveStream(stream, target);
}

CUresult synchronizeStream(CUstream stream) {
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (target.capture) {
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  }
  return state().backend().streamSynchronize(target.backend);
}

CUresult queryStream(CUstream stream) {
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (target.capture) {
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  }
  return state().backend().streamQuery(target.backend);
}

CUresult waitEvent(CUstream stream, CUevent event, unsigned flags) {
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  CUevent_st* object = state().events.find(event);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if ((flags & ~static_cast<unsigned>(CU_EVENT_WAIT_EXTERNAL)) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Waiting on an event recorded during a capture joins this stream to that capture (fork).
  if (object->capture && target.stream != nullptr && !target.capture) {
    const std::lock_guard lock(object->capture->mutex);
    object->capture->frontiers[target.stream] = object->captureNodes;
    target.stream->capture = object->capture;
    return CUDA_SUCCESS;
  }
  if (target.capture) {
    if (object->capture == target.capture) {
      // Join: the stream's next work also depends on the recorded nodes.
      const std::lock_guard lock(target.capture->mutex);
      auto& frontier = target.capture->frontiers[target.stream];
      frontier.insert(frontier.end(), object->captureNodes.begin(), object->captureNodes.end());
      return CUDA_SUCCESS;
    }
    Operation operation;
    operation.kind = Operation::Kind::EventWait;
    operation.event = event;
    return submit(target, std::move(operation), true);
  }
  return state().backend().streamWaitEvent(target.backend, object->backend);
}

CUresult recordEvent(CUevent event, CUstream stream) {
  CUevent_st* object = state().events.find(event);
  if (object == nullptr) {
    VGPU_REQUIRE_INIT();
    return CUDA_ERROR_INVALID_HANDLE;
  }
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (target.capture) {
    // Recording inside a capture marks the event with the stream's current frontier.
    const std::lock_guard lock(target.capture->mutex);
    object->capture = target.capture;
    object->captureNodes = target.capture->frontiers[target.stream];
    return CUDA_SUCCESS;
  }
  object->capture.reset();
  object->captureNodes.clear();
  Operation operation;
  operation.kind = Operation::Kind::EventRecord;
  operation.event = event;
  return submit(target, std::move(operation), true);
}

struct HostCallback {
  CUstreamCallback callback;
  CUstream stream;
  void* userData;
};

void runHostCallback(void* data) {
  auto* call = static_cast<HostCallback*>(data);
  call->callback(call->stream, CUDA_SUCCESS, call->userData);
  delete call;
}

} // namespace

CUresult entry::cuStreamCreate(CUstream* stream, unsigned int flags) {
  return createStream(stream, flags, 0);
}

CUresult entry::cuStreamCreateWithPriority(CUstream* stream, unsigned int flags, int priority) {
  return createStream(stream, flags, priority);
}

CUresult entry::cuStreamDestroy_v2(CUstream stream) {
  VGPU_REQUIRE_INIT();
  CUstream_st* object = state().streams.find(stream);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE; // default streams, stale and foreign handles
  }
  state().backend().streamDestroy(object->backend);
  state().streams.destroy(stream);
  return CUDA_SUCCESS;
}

CUresult entry::cuStreamGetPriority(CUstream stream, int* priority) {
  VGPU_REQUIRE_OUT(priority);
  StreamTarget target;
  if (const CUresult status = streamProperty(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  *priority = target.stream != nullptr ? target.stream->priority : 0;
  return CUDA_SUCCESS;
}

CUresult entry::cuStreamGetFlags(CUstream stream, unsigned int* flags) {
  VGPU_REQUIRE_OUT(flags);
  StreamTarget target;
  if (const CUresult status = streamProperty(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  *flags = target.stream != nullptr ? target.stream->flags : 0;
  return CUDA_SUCCESS;
}

CUresult entry::cuStreamGetId(CUstream stream, unsigned long long* id) {
  VGPU_REQUIRE_OUT(id);
  StreamTarget target;
  if (const CUresult status = streamProperty(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  // Default streams have fixed ids: legacy 0x... ids are not documented; use small constants.
  *id = target.stream != nullptr ? target.stream->id : (stream == CU_STREAM_PER_THREAD ? 2 : 1);
  return CUDA_SUCCESS;
}

CUresult entry::cuStreamGetDevice(CUstream stream, CUdevice* device) {
  VGPU_REQUIRE_OUT(device);
  StreamTarget target;
  if (const CUresult status = streamProperty(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  *device = target.context->device;
  return CUDA_SUCCESS;
}

CUresult entry::cuStreamGetCtx(CUstream stream, CUcontext* context) {
  VGPU_REQUIRE_OUT(context);
  StreamTarget target;
  if (const CUresult status = streamProperty(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  *context = target.context;
  return CUDA_SUCCESS;
}

// CUDA 12.5's form also names a stream's green context; the shim presents none (no
// cuGreenCtxCreate), so it is always NULL and the stream's context is the regular one.
CUresult entry::cuStreamGetCtx_v2(CUstream stream, CUcontext* context, CUgreenCtx* greenContext) {
  VGPU_REQUIRE_OUT(greenContext);
  if (const CUresult status = ::cuStreamGetCtx(stream, context); status != CUDA_SUCCESS) {
    return status;
  }
  *greenContext = nullptr;
  return CUDA_SUCCESS;
}

CUresult entry::cuStreamSynchronize(CUstream stream) {
  return synchronizeStream(stream);
}
CUresult entry::cuStreamQuery(CUstream stream) {
  return queryStream(stream);
}

CUresult entry::cuStreamWaitEvent(CUstream stream, CUevent event, unsigned int flags) {
  return waitEvent(stream, event, flags);
}

CUresult entry::cuStreamAddCallback(CUstream stream, CUstreamCallback callback, void* userData, unsigned int flags) {
  if (callback == nullptr || flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (target.capture) {
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED; // callbacks cannot be captured, as in CUDA
  }
  Operation operation;
  operation.kind = Operation::Kind::Host;
  operation.hostFn = runHostCallback;
  operation.hostUserData = new HostCallback{callback, stream, userData};
  return submit(target, std::move(operation), true);
}

CUresult entry::cuLaunchHostFunc(CUstream stream, CUhostFn fn, void* userData) {
  if (fn == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  Operation operation;
  operation.kind = Operation::Kind::Host;
  operation.hostFn = fn;
  operation.hostUserData = userData;
  return submit(target, std::move(operation), true);
}

CUresult entry::cuEventCreate(CUevent* event, unsigned int flags) {
  VGPU_REQUIRE_OUT(event);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  constexpr unsigned kValid = CU_EVENT_BLOCKING_SYNC | CU_EVENT_DISABLE_TIMING | CU_EVENT_INTERPROCESS;
  if ((flags & ~kValid) != 0 || ((flags & CU_EVENT_INTERPROCESS) != 0 && (flags & CU_EVENT_DISABLE_TIMING) == 0)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  BackendEvent backendEvent = 0;
  if (const CUresult status = state().backend().eventCreate(flags, backendEvent); status != CUDA_SUCCESS) {
    return status;
  }
  auto object = std::make_unique<CUevent_st>();
  object->context = context;
  object->backend = backendEvent;
  object->flags = flags;
  *event = state().events.add(std::move(object));
  return CUDA_SUCCESS;
}

CUresult entry::cuEventDestroy_v2(CUevent event) {
  VGPU_REQUIRE_INIT();
  CUevent_st* object = state().events.find(event);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  state().backend().eventDestroy(object->backend);
  state().events.destroy(event);
  return CUDA_SUCCESS;
}

CUresult entry::cuEventRecord(CUevent event, CUstream stream) {
  return recordEvent(event, stream);
}
CUresult entry::cuEventRecordWithFlags(CUevent event, CUstream stream, unsigned int flags) {
  if ((flags & ~static_cast<unsigned>(CU_EVENT_RECORD_EXTERNAL)) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return recordEvent(event, stream);
}

CUresult entry::cuEventQuery(CUevent event) {
  VGPU_REQUIRE_INIT();
  CUevent_st* object = state().events.find(event);
  return object == nullptr ? CUDA_ERROR_INVALID_HANDLE : state().backend().eventQuery(object->backend);
}

CUresult entry::cuEventSynchronize(CUevent event) {
  VGPU_REQUIRE_INIT();
  CUevent_st* object = state().events.find(event);
  return object == nullptr ? CUDA_ERROR_INVALID_HANDLE : state().backend().eventSynchronize(object->backend);
}

CUresult entry::cuEventElapsedTime(float* milliseconds, CUevent start, CUevent end) {
  VGPU_REQUIRE_OUT(milliseconds);
  VGPU_REQUIRE_INIT();
  CUevent_st* first = state().events.find(start);
  CUevent_st* second = state().events.find(end);
  if (first == nullptr || second == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  return state().backend().eventElapsed(first->backend, second->backend, *milliseconds);
}

CUresult entry::cuEventElapsedTime_v2(float* milliseconds, CUevent start, CUevent end) {
  return ::cuEventElapsedTime(milliseconds, start, end);
}
