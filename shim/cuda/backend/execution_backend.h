// The seam between the driver API layer and whatever executes the work. The driver layer
// (contexts, handles, argument validation, stream capture, graphs) is backend-agnostic; a
// backend owns device memory, streams, events, modules and launches. Today: the simulated device
// (sim/). The remote executor (vgpud) plugs in here with the same contract.
//
// Contract: asynchronous operations may return CUDA_SUCCESS before the work is done; an error
// found later is reported by the next synchronizing call on that stream (or context), as CUDA
// does. Handles are opaque 64-bit ids chosen by the backend; 0 is never a valid id.
#pragma once

#include "backend/tensor_map_description.h"
#include "backend/texture_description.h"

#include <cuda.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vgpu::cuda {

using BackendStream = std::uint64_t; // 0 = the device's legacy default stream
using BackendEvent = std::uint64_t;
using BackendModule = std::uint64_t;
using BackendFunction = std::uint64_t;
using BackendPhysical = std::uint64_t; // VMM physical allocation
using BackendGraph = std::uint64_t;    // an instantiated graph the backend runs whole

enum class MemoryKind { Device, Host, Managed, HostRegistered };

struct PointerInfo {
  MemoryKind kind = MemoryKind::Device;
  CUdeviceptr base = 0;           // start of the allocation (or mapping) containing the pointer
  std::size_t size = 0;           // its size
  int device = 0;                 // ordinal
  void* hostPointer = nullptr;    // host address of the pointer, for host-accessible kinds
  std::uint64_t allocationId = 0; // unique per allocation (CU_POINTER_ATTRIBUTE_BUFFER_ID)
};

// One side of a copy: device memory or host memory (pageable, pinned or managed).
struct CopyEndpoint {
  bool isDevice = false;
  CUdeviceptr device = 0;
  void* host = nullptr;
  std::size_t pitch = 0; // bytes per row for 2D copies
};

// Bytes a copy or memset side covers: whole rows but the last, which ends at its width.
inline std::size_t rowsFootprint(std::size_t width, std::size_t height, std::size_t pitch) {
  return height <= 1 ? width : pitch * (height - 1) + width;
}

struct KernelParameter {
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
};

struct KernelInfo {
  std::string name;
  std::vector<KernelParameter> parameters;
  std::uint32_t parameterBufferSize = 0; // bytes of the packed parameter buffer
  int maxThreadsPerBlock = 1024;
  int sharedSizeBytes = 0;
  int constSizeBytes = 0;
  int localSizeBytes = 0;
  int numRegs = 0;
  bool fromPtx = false; // only PTX was available for this device (JIT on a real GPU)
};

struct GlobalInfo {
  std::string name;
  CUdeviceptr address = 0;
  std::size_t size = 0;
};

struct LaunchConfig {
  unsigned gridX = 1, gridY = 1, gridZ = 1;
  unsigned blockX = 1, blockY = 1, blockZ = 1;
  unsigned sharedMemBytes = 0;
  BackendStream stream = 0;
  // cuLaunchKernelEx attributes a real GPU must honour (kernels written for clusters or grid-wide
  // synchronization fault without them); the simulated device validates and counts regardless.
  unsigned clusterX = 1, clusterY = 1, clusterZ = 1;
  bool cooperative = false;
  // Performance attributes a real GPU should also see: programmatic dependent launch (the next
  // kernel may start before this one ends) and the cluster scheduling preference.
  bool programmaticSerialization = false;
  std::uint8_t clusterSchedulingPolicy = 0; // CUclusterSchedulingPolicy; 0 = default
  bool extended() const {
    return clusterX * clusterY * clusterZ != 1 || cooperative || programmaticSerialization ||
           clusterSchedulingPolicy != 0;
  }
  bool operator==(const LaunchConfig&) const = default;
};

// One node of a graph a backend runs whole (graphCreate): work on device memory only, so it can run
// where the device is, without this process. Nodes come in a topological order: each depends only
// on earlier ones.
struct GraphNodeWork {
  enum class Kind : std::uint8_t { Empty, Kernel, Copy, Memset, EventRecord, EventWait, Conditional };
  Kind kind = Kind::Empty;
  std::vector<std::uint32_t> dependencies; // indices of earlier nodes it runs after
  // Kernel: the launch's shape and attributes (launch.stream unused) and its packed parameters.
  BackendFunction function = 0;
  LaunchConfig launch;
  std::vector<std::uint8_t> parameters;
  // Copy and Memset: the destination; Copy: its source; rows of widthBytes (Memset: widthElements
  // of elementSize bytes), `height` rows, pitches apart. A copy's side in host memory has its
  // address in hostDestination or hostSource instead (through vgpud: pinned memory shared with it).
  CUdeviceptr destination = 0;
  void* hostDestination = nullptr;
  std::size_t destinationPitch = 0;
  CUdeviceptr source = 0;
  void* hostSource = nullptr;
  std::size_t sourcePitch = 0;
  std::size_t widthBytes = 0;
  std::size_t height = 1;
  std::uint32_t value = 0;
  unsigned elementSize = 1;
  std::size_t widthElements = 0;
  // EventRecord, EventWait
  BackendEvent event = 0;
  // Conditional (only where kernels run: they set the value that chooses): the kind of choice
  // (CUgraphConditionalNodeType), its handle (an index into the graph's handles) and its bodies,
  // each a list of nodes as the graph's own (dependencies index nodes of the same body).
  std::uint8_t conditionalType = 0;
  std::uint32_t handle = 0;
  std::vector<std::vector<GraphNodeWork>> bodies;
  bool operator==(const GraphNodeWork&) const = default;
};

// True when `next` has the topology of `current` (graphUpdate's condition): the same kinds and
// dependencies, node for node, bodies included.
inline bool sameGraphTopology(std::span<const GraphNodeWork> current, std::span<const GraphNodeWork> next) {
  if (current.size() != next.size()) {
    return false;
  }
  for (std::size_t i = 0; i < current.size(); ++i) {
    if (current[i].kind != next[i].kind || current[i].dependencies != next[i].dependencies ||
        current[i].bodies.size() != next[i].bodies.size()) {
      return false;
    }
    for (std::size_t b = 0; b < current[i].bodies.size(); ++b) {
      if (!sameGraphTopology(current[i].bodies[b], next[i].bodies[b])) {
        return false;
      }
    }
  }
  return true;
}

// A conditional handle of a graph run whole: the value the application's kernels were given (the
// driver layer's), which the executor replaces with its own driver's handle wherever a kernel node
// of the graph has it as a whole 8-byte parameter, and how that handle is created.
struct GraphConditionalHandle {
  std::uint64_t value = 0;
  unsigned defaultValue = 0;
  unsigned flags = 0; // 0 or CU_GRAPH_COND_ASSIGN_DEFAULT
  bool operator==(const GraphConditionalHandle&) const = default;
};

// One stream memory operation (cuStreamWaitValue*, cuStreamWriteValue*, cuStreamBatchMemOp): a
// 32- or 64-bit word of device memory, or of host memory the device maps, waited on or written in
// stream order; or a memory barrier. The driver layer checked the flags, the width's alignment and
// that the device offers the operation.
inline constexpr std::size_t kMaxStreamMemoryOperations = 255; // cuStreamBatchMemOp: fewer than 256

struct StreamMemoryOperation {
  enum class Kind : std::uint8_t { Wait32, Write32, Wait64, Write64, Barrier };
  Kind kind = Kind::Write32;
  CUdeviceptr address = 0; // device memory (device, managed or VMM)
  void* host = nullptr;    // or host memory the caller checked (pinned or registered), by its host address
  std::uint64_t value = 0;
  unsigned flags = 0; // waits: CU_STREAM_WAIT_VALUE_*; writes: CU_STREAM_WRITE_VALUE_*; barrier: its type
  // The word's width: 8 bytes for the 64-bit operations, else 4 (and its alignment).
  std::size_t wordBytes() const { return kind == Kind::Wait64 || kind == Kind::Write64 ? 8 : 4; }
  bool operator==(const StreamMemoryOperation&) const = default;
};

// Whether a wait's condition holds for `current` (CU_STREAM_WAIT_VALUE_GEQ is a cyclic comparison,
// as the driver documents: (int32)(current - value) >= 0).
inline bool waitConditionMet(const StreamMemoryOperation& operation, std::uint64_t current) {
  const bool wide = operation.wordBytes() == 8;
  const std::uint64_t mask = wide ? ~std::uint64_t{0} : 0xffffffffu;
  current &= mask;
  const std::uint64_t value = operation.value & mask;
  switch (operation.flags & 0x3u) {
  case CU_STREAM_WAIT_VALUE_GEQ:
    return wide ? static_cast<std::int64_t>(current - value) >= 0
                : static_cast<std::int32_t>(static_cast<std::uint32_t>(current - value)) >= 0;
  case CU_STREAM_WAIT_VALUE_EQ: return current == value;
  case CU_STREAM_WAIT_VALUE_AND: return (current & value) != 0;
  default: return (~(current | value) & mask) != 0; // CU_STREAM_WAIT_VALUE_NOR
  }
}

struct BackendCounters {
  std::uint64_t kernelLaunches = 0;
  std::uint64_t bytesHostToDevice = 0;
  std::uint64_t bytesDeviceToHost = 0;
  std::uint64_t bytesDeviceToDevice = 0;
  std::uint64_t memsets = 0;
};

// A device's memory accounting, as telemetry and NVML report it.
struct MemoryUsage {
  std::size_t usedBytes = 0;
  std::size_t totalBytes = 0;
  std::size_t peakBytes = 0;         // highest use since the backend started or resetPeak()
  std::uint64_t allocationCount = 0; // live allocations counted against the device's memory
};

class ExecutionBackend {
public:
  virtual ~ExecutionBackend() = default;

  // "simulated" or "remote <endpoint>": shown in logs, docs and telemetry.
  virtual std::string describe() const = 0;
  // What this backend does not do (e.g. the simulated device does not run kernels).
  virtual std::string_view limitations() const = 0;
  // True when `device`'s kernels run (a GPU behind vgpud), false where they are only validated and
  // counted (the simulated device, here or in vgpud).
  virtual bool runsKernels(int device) const = 0;

  // Memory.
  virtual CUresult memAlloc(int device, std::size_t bytes, CUdeviceptr& out) = 0;
  virtual CUresult memAllocManaged(int device, std::size_t bytes, CUdeviceptr& out) = 0;
  // Managed memory over `bytes` bytes at `memory`, which the caller mapped and keeps mapped until
  // memFree: vgpud's sessions, whose client maps the same shared memfd at the same address, so the
  // host and the device use one address and one copy of the bytes. `out` is `memory`.
  virtual CUresult memAllocManagedOver(int /*device*/, void* /*memory*/, std::size_t /*bytes*/, CUdeviceptr& /*out*/) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  virtual CUresult memFree(CUdeviceptr pointer) = 0;
  // Legacy IPC (cuIpcGetMemHandle & co.): the memAlloc allocation holding `pointer` described in a
  // handle another process of this machine opens (ipcImport) into `device`'s address space, until
  // ipcClose. NOT_SUPPORTED where the backend cannot share device memory between processes.
  virtual CUresult ipcExport(CUdeviceptr /*pointer*/, CUipcMemHandle& /*out*/) { return CUDA_ERROR_NOT_SUPPORTED; }
  virtual CUresult ipcImport(int /*device*/, const CUipcMemHandle& /*handle*/, CUdeviceptr& /*out*/) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  virtual CUresult ipcClose(CUdeviceptr /*pointer*/) { return CUDA_ERROR_INVALID_VALUE; }
  // Whether an event opened from another process's handle may stand for that process's work: true
  // where work is complete when it is submitted (the simulated device), so such an event is always
  // reached; false where another process's work runs on (it would need the GPU's own IPC event).
  virtual bool ipcEventsComplete() const { return false; }
  // Whether ipcExport and ipcImport work here (pools exported to other processes rely on them).
  virtual bool sharesMemoryBetweenProcesses() const { return false; }
  virtual CUresult hostAlloc(std::size_t bytes, void*& out) = 0; // pinned, device-mapped (UVA)
  virtual CUresult hostFree(void* pointer) = 0;
  virtual CUresult hostRegister(void* pointer, std::size_t bytes) = 0;
  virtual CUresult hostUnregister(void* pointer) = 0;
  virtual CUresult memGetInfo(int device, std::size_t& freeBytes, std::size_t& totalBytes) = 0;
  virtual CUresult pointerInfo(CUdeviceptr pointer, PointerInfo& out) = 0;
  virtual CUresult memUsage(int device, MemoryUsage& out) const = 0;
  // Restarts every device's peak from its current use (telemetry's reset-peaks; no CUDA state).
  virtual void resetMemoryPeaks() = 0;

  // Virtual memory management (cuMemCreate & co.).
  virtual std::size_t allocationGranularity(int device) const = 0;
  virtual CUresult physicalCreate(int device, std::size_t bytes, BackendPhysical& out) = 0;
  virtual CUresult physicalRelease(BackendPhysical handle) = 0;
  virtual CUresult addressReserve(std::size_t bytes, std::size_t alignment, CUdeviceptr fixed, CUdeviceptr& out) = 0;
  virtual CUresult addressFree(CUdeviceptr base, std::size_t bytes) = 0;
  virtual CUresult map(CUdeviceptr address, std::size_t bytes, std::size_t offset, BackendPhysical handle) = 0;
  virtual CUresult unmap(CUdeviceptr address, std::size_t bytes) = 0;
  virtual CUresult setAccess(CUdeviceptr address, std::size_t bytes, int device, bool readWrite) = 0;

  // Copies and memsets; width in bytes, height rows (1 for linear).
  virtual CUresult copy(const CopyEndpoint& dst, const CopyEndpoint& src, std::size_t widthBytes, std::size_t height,
                        BackendStream stream, bool async) = 0;
  virtual CUresult memset(CUdeviceptr dst, std::size_t pitch, std::uint32_t value, unsigned elementSize,
                          std::size_t widthElements, std::size_t height, BackendStream stream, bool async) = 0;

  // Streams and events.
  virtual CUresult streamCreate(int device, unsigned flags, int priority, BackendStream& out) = 0;
  virtual CUresult streamDestroy(BackendStream stream) = 0;
  virtual CUresult streamSynchronize(BackendStream stream) = 0;
  virtual CUresult streamQuery(BackendStream stream) = 0;
  virtual CUresult streamWaitEvent(BackendStream stream, BackendEvent event) = 0;
  // One stream attribute (stream_attributes.h checked it and keeps it for cuStreamGetAttribute):
  // what the device should know of it. Not for the default stream (0).
  virtual CUresult streamSetAttribute(BackendStream stream, CUlaunchAttributeID id,
                                      const CUlaunchAttributeValue& value) = 0;
  virtual CUresult hostFunction(BackendStream stream, void (*fn)(void*), void* userData) = 0;
  virtual CUresult eventCreate(unsigned flags, BackendEvent& out) = 0;
  virtual CUresult eventDestroy(BackendEvent event) = 0;
  virtual CUresult eventRecord(BackendEvent event, BackendStream stream) = 0;
  virtual CUresult eventQuery(BackendEvent event) = 0;
  virtual CUresult eventSynchronize(BackendEvent event) = 0;
  virtual CUresult eventElapsed(BackendEvent start, BackendEvent end, float& milliseconds) = 0;
  virtual CUresult deviceSynchronize(int device) = 0;

  // Modules and launches. `image` is whatever the application passed (fatbin wrapper contents,
  // fatbin, cubin or PTX), already copied into a buffer.
  virtual CUresult moduleLoad(int device, std::span<const std::uint8_t> image, BackendModule& out,
                              std::string& error) = 0;
  virtual CUresult moduleUnload(BackendModule module) = 0;
  virtual CUresult moduleFunction(BackendModule module, std::string_view name, BackendFunction& out,
                                  const KernelInfo*& info) = 0;
  virtual CUresult moduleFunctions(BackendModule module, std::vector<std::string>& names) = 0;
  virtual CUresult moduleGlobal(BackendModule module, std::string_view name, GlobalInfo& out) = 0;
  // `parameters` is the packed parameter buffer laid out per KernelInfo::parameters.
  virtual CUresult launch(BackendFunction function, const LaunchConfig& config,
                          std::span<const std::uint8_t> parameters) = 0;

  // Graphs run whole where the device is: one call per launch instead of one per node, and on a
  // GPU one driver graph launch. A backend that cannot answers NOT_SUPPORTED and the driver layer
  // replays the graph node by node. graphCreate checks every node (handles, memory, parameters,
  // dependencies) as the calls it stands for would; graphUpdate replaces the nodes of a graph (the
  // same topology: cuGraphExecUpdate, changed parameters, disabled nodes); graphLaunch is
  // asynchronous and ordered on `stream` like any launch.
  virtual CUresult graphCreate(int /*device*/, std::span<const GraphNodeWork> /*nodes*/, BackendGraph& /*out*/,
                               std::span<const GraphConditionalHandle> /*handles*/ = {}) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  virtual CUresult graphUpdate(BackendGraph /*graph*/, std::span<const GraphNodeWork> /*nodes*/,
                               std::span<const GraphConditionalHandle> /*handles*/ = {}) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  virtual CUresult graphLaunch(BackendGraph /*graph*/, BackendStream /*stream*/) { return CUDA_ERROR_NOT_SUPPORTED; }
  virtual CUresult graphDestroy(BackendGraph /*graph*/) { return CUDA_ERROR_NOT_SUPPORTED; }

  // Stream memory operations, in order on `stream` (at most kMaxStreamMemoryOperations).
  virtual CUresult streamMemoryOperations(BackendStream /*stream*/,
                                          std::span<const StreamMemoryOperation> /*operations*/) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }

  // Tensor maps (cuTensorMapEncodeTiled/Im2col, cuTensorMapReplaceAddress) are encoded by whoever
  // runs the kernels that read them: a GPU's driver, or the simulated device in a form of its own.
  // `description` was checked (checkTensorMap); `device` is the current context's.
  virtual CUresult tensorMapEncode(int /*device*/, const TensorMapDescription& /*description*/, CUtensorMap& /*out*/) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  virtual CUresult tensorMapReplaceAddress(int /*device*/, CUtensorMap& /*map*/, CUdeviceptr /*address*/) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }

  // Texture and surface objects (cuTexObjectCreate, cuSurfObjectCreate) are made by whoever runs
  // the kernels that read them: the value given back is what kernels use. The description is
  // checked (texture_description.h) and its memory is the device's; a surface is a texture
  // description's resource part, always of an array.
  virtual CUresult textureObjectCreate(int /*device*/, const TextureDescription& /*description*/,
                                       std::uint64_t& /*out*/) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  virtual CUresult textureObjectDestroy(std::uint64_t /*object*/) { return CUDA_ERROR_NOT_SUPPORTED; }
  virtual CUresult surfaceObjectCreate(int /*device*/, const TextureDescription& /*description*/,
                                       std::uint64_t& /*out*/) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  virtual CUresult surfaceObjectDestroy(std::uint64_t /*object*/) { return CUDA_ERROR_NOT_SUPPORTED; }

  // VMM memory other processes may import (cuMemCreate with CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR,
  // cuMemExportToShareableHandle, cuMemImportFromShareableHandle). Created shareable, a physical
  // allocation can be exported as a file descriptor (a new one per call, the caller's to close);
  // `deviceTag` names its device across processes (the presented UUID) and is given back by
  // physicalInspect, so the importer can tell which of its devices the memory belongs to. Imported
  // memory is the exporter's: it does not count again against the importer's device.
  virtual CUresult physicalCreateShareable(int /*device*/, std::size_t /*bytes*/, const std::string& /*deviceTag*/,
                                           BackendPhysical& /*out*/) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  virtual CUresult physicalExport(BackendPhysical /*handle*/, int& /*fd*/) { return CUDA_ERROR_NOT_SUPPORTED; }
  // Checks that `fd` is memory physicalExport gave out (of any process) and reads its tag and size;
  // the descriptor stays the caller's.
  virtual CUresult physicalInspect(int /*fd*/, std::string& /*deviceTag*/, std::size_t& /*bytes*/) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  virtual CUresult physicalImport(int /*device*/, int /*fd*/, BackendPhysical& /*out*/) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }

  virtual BackendCounters counters() const = 0;
};

} // namespace vgpu::cuda
