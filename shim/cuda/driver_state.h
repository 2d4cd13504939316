// Process-wide state of the driver shim, created at the first call that needs it (never at load
// time): configuration, the presented devices, the execution backend, the registries of every
// handle given out, and each thread's current-context stack.
#pragma once

#include "backend/execution_backend.h"
#include "cuda_arrays.h"
#include "driver_objects.h"
#include "graph.h"
#include "handles.h"
#include "link_state.h"
#include "vmm_table.h"

#include "vgpu/device/device_discovery.h"

#include <cuda.h>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vgpu::cuda {

struct DeviceRecord {
  device::PresentedDevice presented;
  std::string pciBusId; // "0000:00:05.0"
  // The primary context: created at the first retain, kept (as a tombstone) after the last
  // release so cudart's cached handle stays recognisable; reset destroys its resources.
  std::mutex primaryMutex;
  CUcontext primary = nullptr;
  unsigned primaryFlags = 0;
  int primaryReferences = 0;
};

// A size limit the device's profile states (an attribute); 0, which nothing fits, where it states none.
inline std::size_t presentedLimit(const DeviceRecord& device, CUdevice_attribute attribute) {
  int value = 0;
  return device::presentedAttribute(device.presented, attribute, value) && value > 0 ? std::size_t(value) : 0;
}
// Whether the profile offers a capability its attribute states (1 where offered, 0 where not).
inline bool presentedCapability(const DeviceRecord& device, CUdevice_attribute attribute) {
  return presentedLimit(device, attribute) != 0;
}

class DriverState {
public:
  static DriverState& instance();

  // Runs initialisation once; later calls return the first result, as the real driver does.
  CUresult initialize(unsigned int flags);
  // CUDA_SUCCESS once cuInit succeeded, else CUDA_ERROR_NOT_INITIALIZED.
  CUresult requireInitialized() const;

  int deviceCount() const { return static_cast<int>(devices_.size()); }
  // nullptr for an ordinal out of range.
  DeviceRecord* device(CUdevice ordinal);
  ExecutionBackend& backend() { return *backend_; }
  // The configured libnvJitLink (jit_linker): a path, "off", or empty to find it by name.
  const std::string& jitLinker() const { return jitLinker_; }
  bool hasBackend() const { return backend_ != nullptr; }

  HandleRegistry<CUctx_st> contexts;
  HandleRegistry<CUstream_st> streams;
  HandleRegistry<CUevent_st> events;
  HandleRegistry<CUmod_st> modules;
  HandleRegistry<CUfunc_st> functions;
  HandleRegistry<CUlib_st> libraries;
  HandleRegistry<CUkern_st> kernels;
  HandleRegistry<CUgraph_st> graphs;
  HandleRegistry<CUgraphExec_st> graphExecs;
  HandleRegistry<CUarray_st> arrays;
  HandleRegistry<CUmipmappedArray_st> mipmappedArrays;
  HandleRegistry<CUlinkState_st> links;

  unsigned long long nextObjectId() { return nextId_.fetch_add(1) + 1; }

  // VMM physical allocations by the CUmemGenericAllocationHandle given out, and their mappings.
  VmmTable vmm;

  // Allocations cuPointerSetAttribute(SYNC_MEMOPS) marked: base address -> buffer id, so a later
  // allocation at the same base (another id) is never taken for a marked one. cuMemFree drops its mark.
  std::mutex syncMemopsMutex;
  std::map<CUdeviceptr, std::uint64_t> syncMemops;

private:
  DriverState() = default;
  CUresult initResult_ = CUDA_ERROR_NOT_INITIALIZED;
  std::vector<std::unique_ptr<DeviceRecord>> devices_;
  std::unique_ptr<ExecutionBackend> backend_;
  std::string jitLinker_;
  std::atomic<unsigned long long> nextId_{0};
};

// The calling thread's context stack (cuCtxPush/Pop/SetCurrent).
CUcontext currentContext();
void setCurrentContext(CUcontext context); // replaces the top (or pushes onto an empty stack)
void pushContext(CUcontext context);
CUcontext popContext(); // nullptr when empty

// Validates a context handle: CUDA_SUCCESS, INVALID_CONTEXT (unknown) or CONTEXT_IS_DESTROYED.
CUresult checkContext(CUcontext context);
// The current context, validated; INVALID_CONTEXT when none is current.
CUresult requireCurrentContext(CUcontext& out);

} // namespace vgpu::cuda
