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

VGPU_EXPORT CUresult cuStreamCreate(CUstream* stream, unsigned int flags) {
  return traced(ApiId::cuStreamCreate, [&]() -> CUresult { return createStream(stream, flags, 0); });
}

VGPU_EXPORT CUresult cuStreamCreateWithPriority(CUstream* stream, unsigned int flags, int priority) {
  return traced(ApiId::cuStreamCreateWithPriority, [&]() -> CUresult { return createStream(stream, flags, priority); });
}

VGPU_EXPORT CUresult cuStreamDestroy_v2(CUstream stream) {
  return traced(ApiId::cuStreamDestroy_v2, [&]() -> CUresult {
    VGPU_REQUIRE_INIT();
    CUstream_st* object = state().streams.find(stream);
    if (object == nullptr) {
      return CUDA_ERROR_INVALID_HANDLE; // default streams, stale and foreign handles
    }
    state().backend().streamDestroy(object->backend);
    state().streams.destroy(stream);
    return CUDA_SUCCESS;
  });
}

VGPU_EXPORT CUresult cuStreamGetPriority(CUstream stream, int* priority) {
  return traced(ApiId::cuStreamGetPriority, [&]() -> CUresult {
    VGPU_REQUIRE_OUT(priority);
    StreamTarget target;
    if (const CUresult status = streamProperty(stream, target); status != CUDA_SUCCESS) {
      return status;
    }
    *priority = target.stream != nullptr ? target.stream->priority : 0;
    return CUDA_SUCCESS;
  });
}
VGPU_EXPORT CUresult cuStreamGetPriority_ptsz(CUstream stream, int* priority) {
  return traced(ApiId::cuStreamGetPriority_ptsz,
                [&]() -> CUresult { return cuStreamGetPriority(perThread(stream), priority); });
}

VGPU_EXPORT CUresult cuStreamGetFlags(CUstream stream, unsigned int* flags) {
  return traced(ApiId::cuStreamGetFlags, [&]() -> CUresult {
    VGPU_REQUIRE_OUT(flags);
    StreamTarget target;
    if (const CUresult status = streamProperty(stream, target); status != CUDA_SUCCESS) {
      return status;
    }
    *flags = target.stream != nullptr ? target.stream->flags : 0;
    return CUDA_SUCCESS;
  });
}
VGPU_EXPORT CUresult cuStreamGetFlags_ptsz(CUstream stream, unsigned int* flags) {
  return traced(ApiId::cuStreamGetFlags_ptsz, [&]() -> CUresult { return cuStreamGetFlags(perThread(stream), flags); });
}

VGPU_EXPORT CUresult cuStreamGetId(CUstream stream, unsigned long long* id) {
  return traced(ApiId::cuStreamGetId, [&]() -> CUresult {
    VGPU_REQUIRE_OUT(id);
    StreamTarget target;
    if (const CUresult status = streamProperty(stream, target); status != CUDA_SUCCESS) {
      return status;
    }
    // Default streams have fixed ids: legacy 0x... ids are not documented; use small constants.
    *id = target.stream != nullptr ? target.stream->id : (stream == CU_STREAM_PER_THREAD ? 2 : 1);
    return CUDA_SUCCESS;
  });
}
VGPU_EXPORT CUresult cuStreamGetId_ptsz(CUstream stream, unsigned long long* id) {
  return traced(ApiId::cuStreamGetId_ptsz, [&]() -> CUresult { return cuStreamGetId(perThread(stream), id); });
}

VGPU_EXPORT CUresult cuStreamGetDevice(CUstream stream, CUdevice* device) {
  return traced(ApiId::cuStreamGetDevice, [&]() -> CUresult {
    VGPU_REQUIRE_OUT(device);
    StreamTarget target;
    if (const CUresult status = streamProperty(stream, target); status != CUDA_SUCCESS) {
      return status;
    }
    *device = target.context->device;
    return CUDA_SUCCESS;
  });
}
VGPU_EXPORT CUresult cuStreamGetDevice_ptsz(CUstream stream, CUdevice* device) {
  return traced(ApiId::cuStreamGetDevice_ptsz,
                [&]() -> CUresult { return cuStreamGetDevice(perThread(stream), device); });
}

VGPU_EXPORT CUresult cuStreamGetCtx(CUstream stream, CUcontext* context) {
  return traced(ApiId::cuStreamGetCtx, [&]() -> CUresult {
    VGPU_REQUIRE_OUT(context);
    StreamTarget target;
    if (const CUresult status = streamProperty(stream, target); status != CUDA_SUCCESS) {
      return status;
    }
    *context = target.context;
    return CUDA_SUCCESS;
  });
}
VGPU_EXPORT CUresult cuStreamGetCtx_ptsz(CUstream stream, CUcontext* context) {
  return traced(ApiId::cuStreamGetCtx_ptsz, [&]() -> CUresult { return cuStreamGetCtx(perThread(stream), context); });
}

VGPU_EXPORT CUresult cuStreamSynchronize(CUstream stream) {
  return traced(ApiId::cuStreamSynchronize, [&]() -> CUresult { return synchronizeStream(stream); });
}
VGPU_EXPORT CUresult cuStreamSynchronize_ptsz(CUstream stream) {
  return traced(ApiId::cuStreamSynchronize_ptsz, [&]() -> CUresult { return synchronizeStream(perThread(stream)); });
}
VGPU_EXPORT CUresult cuStreamQuery(CUstream stream) {
  return traced(ApiId::cuStreamQuery, [&]() -> CUresult { return queryStream(stream); });
}
VGPU_EXPORT CUresult cuStreamQuery_ptsz(CUstream stream) {
  return traced(ApiId::cuStreamQuery_ptsz, [&]() -> CUresult { return queryStream(perThread(stream)); });
}

VGPU_EXPORT CUresult cuStreamWaitEvent(CUstream stream, CUevent event, unsigned int flags) {
  return traced(ApiId::cuStreamWaitEvent, [&]() -> CUresult { return waitEvent(stream, event, flags); });
}
VGPU_EXPORT CUresult cuStreamWaitEvent_ptsz(CUstream stream, CUevent event, unsigned int flags) {
  return traced(ApiId::cuStreamWaitEvent_ptsz,
                [&]() -> CUresult { return waitEvent(perThread(stream), event, flags); });
}

VGPU_EXPORT CUresult cuStreamAddCallback(CUstream stream, CUstreamCallback callback, void* userData,
                                         unsigned int flags) {
  return traced(ApiId::cuStreamAddCallback, [&]() -> CUresult {
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
  });
}
VGPU_EXPORT CUresult cuStreamAddCallback_ptsz(CUstream stream, CUstreamCallback callback, void* userData,
                                              unsigned int flags) {
  return traced(ApiId::cuStreamAddCallback_ptsz,
                [&]() -> CUresult { return cuStreamAddCallback(perThread(stream), callback, userData, flags); });
}

VGPU_EXPORT CUresult cuLaunchHostFunc(CUstream stream, CUhostFn fn, void* userData) {
  return traced(ApiId::cuLaunchHostFunc, [&]() -> CUresult {
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
  });
}
VGPU_EXPORT CUresult cuLaunchHostFunc_ptsz(CUstream stream, CUhostFn fn, void* userData) {
  return traced(ApiId::cuLaunchHostFunc_ptsz,
                [&]() -> CUresult { return cuLaunchHostFunc(perThread(stream), fn, userData); });
}

VGPU_EXPORT CUresult cuEventCreate(CUevent* event, unsigned int flags) {
  return traced(ApiId::cuEventCreate, [&]() -> CUresult {
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
  });
}

VGPU_EXPORT CUresult cuEventDestroy_v2(CUevent event) {
  return traced(ApiId::cuEventDestroy_v2, [&]() -> CUresult {
    VGPU_REQUIRE_INIT();
    CUevent_st* object = state().events.find(event);
    if (object == nullptr) {
      return CUDA_ERROR_INVALID_HANDLE;
    }
    state().backend().eventDestroy(object->backend);
    state().events.destroy(event);
    return CUDA_SUCCESS;
  });
}

VGPU_EXPORT CUresult cuEventRecord(CUevent event, CUstream stream) {
  return traced(ApiId::cuEventRecord, [&]() -> CUresult { return recordEvent(event, stream); });
}
VGPU_EXPORT CUresult cuEventRecord_ptsz(CUevent event, CUstream stream) {
  return traced(ApiId::cuEventRecord_ptsz, [&]() -> CUresult { return recordEvent(event, perThread(stream)); });
}
VGPU_EXPORT CUresult cuEventRecordWithFlags(CUevent event, CUstream stream, unsigned int flags) {
  return traced(ApiId::cuEventRecordWithFlags, [&]() -> CUresult {
    if ((flags & ~static_cast<unsigned>(CU_EVENT_RECORD_EXTERNAL)) != 0) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    return recordEvent(event, stream);
  });
}
VGPU_EXPORT CUresult cuEventRecordWithFlags_ptsz(CUevent event, CUstream stream, unsigned int flags) {
  return traced(ApiId::cuEventRecordWithFlags_ptsz,
                [&]() -> CUresult { return cuEventRecordWithFlags(event, perThread(stream), flags); });
}

VGPU_EXPORT CUresult cuEventQuery(CUevent event) {
  return traced(ApiId::cuEventQuery, [&]() -> CUresult {
    VGPU_REQUIRE_INIT();
    CUevent_st* object = state().events.find(event);
    return object == nullptr ? CUDA_ERROR_INVALID_HANDLE : state().backend().eventQuery(object->backend);
  });
}

VGPU_EXPORT CUresult cuEventSynchronize(CUevent event) {
  return traced(ApiId::cuEventSynchronize, [&]() -> CUresult {
    VGPU_REQUIRE_INIT();
    CUevent_st* object = state().events.find(event);
    return object == nullptr ? CUDA_ERROR_INVALID_HANDLE : state().backend().eventSynchronize(object->backend);
  });
}

VGPU_EXPORT CUresult cuEventElapsedTime(float* milliseconds, CUevent start, CUevent end) {
  return traced(ApiId::cuEventElapsedTime, [&]() -> CUresult {
    VGPU_REQUIRE_OUT(milliseconds);
    VGPU_REQUIRE_INIT();
    CUevent_st* first = state().events.find(start);
    CUevent_st* second = state().events.find(end);
    if (first == nullptr || second == nullptr) {
      return CUDA_ERROR_INVALID_HANDLE;
    }
    return state().backend().eventElapsed(first->backend, second->backend, *milliseconds);
  });
}

VGPU_EXPORT CUresult cuEventElapsedTime_v2(float* milliseconds, CUevent start, CUevent end) {
  return traced(ApiId::cuEventElapsedTime_v2,
                [&]() -> CUresult { return cuEventElapsedTime(milliseconds, start, end); });
}
