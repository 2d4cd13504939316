// Creating and tearing down contexts: shared by cuCtxCreate/Destroy, the primary-context calls
// and the dark API's context paths.
#pragma once

#include <cuda.h>

namespace vgpu::cuda {

CUcontext createContext(int device, unsigned flags, bool primary);
// Runs the context-local-storage destructors (registered by cudart through the dark API) and
// frees what the context owns: its streams, events and modules become stale handles.
void releaseContextResources(CUcontext context);
// releaseContextResources, then the handle itself is marked destroyed (still recognisable).
void destroyContext(CUcontext context);
// The device's primary context, created on first use, without taking a reference (what the dark
// API's CUDART_INTERFACE slot 2 and context-independent libraries need). nullptr for a bad device.
CUcontext primaryContextHandle(CUdevice device);
// Retains the device's primary context, creating it when needed.
CUresult retainPrimaryContext(CUdevice device, CUcontext& out);

} // namespace vgpu::cuda
