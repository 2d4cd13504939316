// Context creation, destruction (with the dark API's context-local-storage destructors) and the
// primary context's reference counting.
#include "context_lifecycle.h"

#include "entry_common.h"

#include <vector>

namespace vgpu::cuda {

CUcontext createContext(int device, unsigned flags, bool primary) {
  auto context = std::make_unique<CUctx_st>();
  context->device = device;
  context->flags = flags;
  context->primary = primary;
  context->id = state().nextObjectId();
  return state().contexts.add(std::move(context));
}

void releaseContextResources(CUcontext context) {
  std::map<void*, CUctx_st::LocalValue> storage;
  {
    const std::lock_guard lock(context->mutex);
    storage.swap(context->localStorage);
  }
  // cudart registers destructors through CONTEXT_LOCAL_STORAGE and expects them to run when the
  // context goes away; they may call back into the driver, so no lock is held here.
  for (auto& [key, local] : storage) {
    if (local.destructor != nullptr) {
      local.destructor(context, key, local.value);
    }
  }
  // Streams, events and modules of the context die with it.
  std::vector<CUstream> streams;
  state().streams.forEachLive([&](CUstream_st& stream) {
    if (stream.context == context) {
      streams.push_back(&stream);
    }
  });
  for (CUstream stream : streams) {
    state().backend().streamDestroy(stream->backend);
    state().streams.destroy(stream);
  }
  std::vector<CUevent> events;
  state().events.forEachLive([&](CUevent_st& event) {
    if (event.context == context) {
      events.push_back(&event);
    }
  });
  for (CUevent event : events) {
    state().backend().eventDestroy(event->backend);
    state().events.destroy(event);
  }
  std::vector<CUmodule> modules;
  state().modules.forEachLive([&](CUmod_st& module) {
    if (module.context == context) {
      modules.push_back(&module);
    }
  });
  for (CUmodule module : modules) {
    state().backend().moduleUnload(module->backend);
    state().modules.destroy(module);
  }
}

void destroyContext(CUcontext context) {
  releaseContextResources(context);
  state().contexts.destroy(context);
}

CUcontext primaryContextHandle(CUdevice device) {
  DeviceRecord* record = state().device(device);
  if (record == nullptr) {
    return nullptr;
  }
  const std::lock_guard lock(record->primaryMutex);
  if (record->primary == nullptr) {
    record->primary = createContext(device, record->primaryFlags, true);
  }
  return record->primary;
}

CUresult retainPrimaryContext(CUdevice device, CUcontext& out) {
  VGPU_REQUIRE_INIT();
  DeviceRecord* record = state().device(device);
  if (record == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  const std::lock_guard lock(record->primaryMutex);
  if (record->primary == nullptr) {
    record->primary = createContext(device, record->primaryFlags, true);
  }
  ++record->primaryReferences;
  out = record->primary;
  return CUDA_SUCCESS;
}

} // namespace vgpu::cuda
