// vgpud's `cuda` backend: one session's work on the real GPU through NVIDIA's driver (cuda_driver.h).
//
// Each session gets its own CUDA context per device, so a fault (an illegal address, a trap) is
// sticky in that context only: the session's later calls all return it, as CUDA does, and other
// sessions go on. Device memory comes from the VMM API inside a per-device address slot the
// session reserves (cuMemAddressReserve at a fixed address between 32 and 96 TiB, like the sim
// backend's): the hello snapshot announces the slot, the client keeps the same range free in its
// own process, so the device addresses the guest sees are the real ones — pointers stored in
// device memory or passed to kernels need no translation. Every allocation is its own physical
// allocation, rounded up to the device's granularity (2 MiB on current GPUs); the client may address
// only its size (rounded to 512 bytes, as cuMemAlloc aligns).
//
// Every pointer a client names in a copy or memset is checked against this session's own
// allocations, mappings and module globals; every stream, event, module and function id against
// its own tables. (A kernel's parameters cannot be checked: they are opaque bytes.)
//
// Host memory never comes from the client: copies read or write the session's shared-memory region
// or inline frame data, which the driver treats as pageable (the copy has taken its source when a
// host-to-device call returns, and a device-to-host copy is complete when it returns) — except the
// client's pinned regions (RegisterHost), which the session registers here (hostRegister): copies
// to and from them are asynchronous DMA, with CUDA's pinned-memory semantics.
#pragma once

#include "address_range_allocator.h"
#include "cuda_driver.h"
#include "session_priority.h"

#include "backend/execution_backend.h"

#include <map>
#include <string>
#include <vector>

namespace vgpu::daemon {

class CudaBackend final : public cuda::ExecutionBackend {
public:
  struct Device {
    CUdevice device = 0;
    CUcontext context = nullptr;
    std::size_t granularity = 0;
    std::size_t totalMemory = 0;
    CUdeviceptr slotBase = 0; // the session's address slot on this device
    std::size_t slotSize = 0;
    AddressRangeAllocator addresses;
    cuda::MemoryUsage usage;
  };

  // Contexts and slots for the host GPUs `ordinals` (one per device the client expects); the
  // session's `priority` sets its streams' CUDA priorities (sessionStreamPriority). Check `ok()`;
  // `error()` says what failed.
  CudaBackend(const CudaDriver& driver, const std::vector<int>& ordinals,
              SessionPriority priority = SessionPriority::Normal);
  ~CudaBackend() override;
  CudaBackend(const CudaBackend&) = delete;
  CudaBackend& operator=(const CudaBackend&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const Device& device(int ordinal) const { return devices_[static_cast<std::size_t>(ordinal)]; }

  std::string describe() const override;
  std::string_view limitations() const override;
  bool runsKernels(int /*device*/) const override { return true; }

  CUresult memAlloc(int device, std::size_t bytes, CUdeviceptr& out) override;
  CUresult memAllocManaged(int device, std::size_t bytes, CUdeviceptr& out) override;
  CUresult memAllocManagedOver(int device, void* memory, std::size_t bytes, CUdeviceptr& out) override;
  CUresult memFree(CUdeviceptr pointer) override;
  CUresult hostAlloc(std::size_t bytes, void*& out) override;
  CUresult hostFree(void* pointer) override;
  CUresult hostRegister(void* pointer, std::size_t bytes) override;
  CUresult hostUnregister(void* pointer) override;
  CUresult memGetInfo(int device, std::size_t& freeBytes, std::size_t& totalBytes) override;
  CUresult pointerInfo(CUdeviceptr pointer, cuda::PointerInfo& out) override;
  CUresult memUsage(int device, cuda::MemoryUsage& out) const override;
  void resetMemoryPeaks() override;

  std::size_t allocationGranularity(int device) const override;
  CUresult physicalCreate(int device, std::size_t bytes, cuda::BackendPhysical& out) override;
  CUresult physicalRelease(cuda::BackendPhysical handle) override;
  CUresult addressReserve(std::size_t bytes, std::size_t alignment, CUdeviceptr fixed, CUdeviceptr& out) override;
  CUresult addressFree(CUdeviceptr base, std::size_t bytes) override;
  CUresult map(CUdeviceptr address, std::size_t bytes, std::size_t offset, cuda::BackendPhysical handle) override;
  CUresult unmap(CUdeviceptr address, std::size_t bytes) override;
  CUresult setAccess(CUdeviceptr address, std::size_t bytes, int device, bool readWrite) override;

  CUresult copy(const cuda::CopyEndpoint& dst, const cuda::CopyEndpoint& src, std::size_t widthBytes,
                std::size_t height, cuda::BackendStream stream, bool async) override;
  CUresult memset(CUdeviceptr dst, std::size_t pitch, std::uint32_t value, unsigned elementSize,
                  std::size_t widthElements, std::size_t height, cuda::BackendStream stream, bool async) override;

  CUresult streamCreate(int device, unsigned flags, int priority, cuda::BackendStream& out) override;
  CUresult streamDestroy(cuda::BackendStream stream) override;
  CUresult streamSynchronize(cuda::BackendStream stream) override;
  CUresult streamQuery(cuda::BackendStream stream) override;
  CUresult streamSetAttribute(cuda::BackendStream stream, CUlaunchAttributeID id,
                              const CUlaunchAttributeValue& value) override;
  CUresult streamWaitEvent(cuda::BackendStream stream, cuda::BackendEvent event) override;
  CUresult streamMemoryOperations(cuda::BackendStream stream,
                                  std::span<const cuda::StreamMemoryOperation> operations) override;
  CUresult hostFunction(cuda::BackendStream stream, void (*fn)(void*), void* userData) override;
  // Tensor maps: the driver's own encoding, in the device's context (its kernels read them).
  CUresult tensorMapEncode(int device, const cuda::TensorMapDescription& description, CUtensorMap& out) override;
  CUresult tensorMapReplaceAddress(int device, CUtensorMap& map, CUdeviceptr address) override;
  // Texture objects (cuda_backend_textures.cpp): the driver's own, over the session's memory; a
  // CUDA array (pitched memory, the shim's cuda_arrays.h) as a pitched 2D texture where it is one
  // (2D, not layered, a view only of its own format), else NOT_SUPPORTED. Surfaces keep the base class's NOT_SUPPORTED.
  CUresult textureObjectCreate(int device, const cuda::TextureDescription& description, std::uint64_t& out) override;
  CUresult textureObjectDestroy(std::uint64_t object) override;
  CUresult eventCreate(unsigned flags, cuda::BackendEvent& out) override;
  CUresult eventDestroy(cuda::BackendEvent event) override;
  CUresult eventRecord(cuda::BackendEvent event, cuda::BackendStream stream) override;
  CUresult eventQuery(cuda::BackendEvent event) override;
  CUresult eventSynchronize(cuda::BackendEvent event) override;
  CUresult eventElapsed(cuda::BackendEvent start, cuda::BackendEvent end, float& milliseconds) override;
  CUresult deviceSynchronize(int device) override;

  CUresult moduleLoad(int device, std::span<const std::uint8_t> image, cuda::BackendModule& out,
                      std::string& error) override;
  CUresult moduleUnload(cuda::BackendModule module) override;
  CUresult moduleFunction(cuda::BackendModule module, std::string_view name, cuda::BackendFunction& out,
                          const cuda::KernelInfo*& info) override;
  CUresult moduleFunctions(cuda::BackendModule module, std::vector<std::string>& names) override;
  CUresult moduleGlobal(cuda::BackendModule module, std::string_view name, cuda::GlobalInfo& out) override;
  CUresult launch(cuda::BackendFunction function, const cuda::LaunchConfig& config,
                  std::span<const std::uint8_t> parameters) override;

  // Graphs run whole (cuda_backend_graphs.cpp): a driver graph built from the nodes and
  // instantiated once, updated in place where the driver allows, one cuGraphLaunch per launch.
  CUresult graphCreate(int device, std::span<const cuda::GraphNodeWork> nodes, cuda::BackendGraph& out,
                       std::span<const cuda::GraphConditionalHandle> handles = {}) override;
  CUresult graphUpdate(cuda::BackendGraph graph, std::span<const cuda::GraphNodeWork> nodes,
                       std::span<const cuda::GraphConditionalHandle> handles = {}) override;
  CUresult graphLaunch(cuda::BackendGraph graph, cuda::BackendStream stream) override;
  CUresult graphDestroy(cuda::BackendGraph graph) override;

  cuda::BackendCounters counters() const override { return counters_; }

private:
  // A device range the session may name in copies and memsets.
  enum class RangeKind { Allocation, Mapping, Global, Managed };
  struct Range {
    std::size_t size = 0;       // what the client may address (an allocation: its size, 512-byte aligned)
    std::size_t mappedSize = 0; // Allocation: the granularity-rounded mapping behind it
    int device = 0;
    RangeKind kind = RangeKind::Allocation;
    CUmemGenericAllocationHandle physical = 0; // Allocation: its own physical memory
    std::uint64_t allocationId = 0;
    cuda::BackendModule module = 0;       // Global: forgotten with its module
    cuda::BackendPhysical physicalId = 0; // Mapping: the physical allocation it maps
  };
  struct Physical {
    CUmemGenericAllocationHandle handle = 0;
    int device = 0;
    std::size_t size = 0;
    int mappings = 0; // live cuMemMap of it: released only when none is left
    bool released = false;
  };
  struct Reservation {
    std::size_t size = 0;
    int device = 0;
  };
  struct Stream {
    CUstream stream = nullptr;
    int device = 0;
  };
  struct Event {
    CUevent event = nullptr;
    int device = 0;
  };
  struct Module {
    CUmodule module = nullptr;
    int device = 0;
  };
  struct Function {
    CUfunction function = nullptr;
    cuda::BackendModule module = 0;
    int device = 0;
    cuda::KernelInfo info;
    unsigned dynamicSharedOptIn = 0; // MAX_DYNAMIC_SHARED_SIZE_BYTES set so far (set once, not per launch)
  };

  struct Graph {
    CUgraphExec exec = nullptr;
    int device = 0;
    std::vector<cuda::GraphNodeWork> nodes; // re-checked after something they may name went away
    std::vector<cuda::GraphConditionalHandle> handles;
    std::uint64_t checkedGeneration = 0;
    cuda::BackendCounters perLaunch; // what one launch adds to the counters
  };

  // Makes the device's context current on this thread (sessions are served by one thread each).
  CUresult bind(int device);
  // Records a sticky fault (the context is lost) and returns `result` unchanged.
  CUresult note(CUresult result);
  bool validDevice(int device) const { return device >= 0 && static_cast<std::size_t>(device) < devices_.size(); }
  // [pointer, pointer + bytes) lies in this session's ranges (contiguous ones may be spanned);
  // its device in `device`.
  bool knownRange(CUdeviceptr pointer, std::size_t bytes, int& device) const;
  const Range* rangeAt(CUdeviceptr pointer, CUdeviceptr& base) const;
  // The CUstream for an id (0: the device's legacy default stream); false when unknown.
  bool resolveStream(cuda::BackendStream id, int device, CUstream& out) const;
  template <typename Call> CUresult onStream(cuda::BackendStream id, Call call);
  // A checked batch of stream memory operations as the driver's one batch, on `stream` (bound).
  CUresult runMemoryOperations(CUstream stream, std::span<const cuda::StreamMemoryOperation> operations);
  template <typename Call> CUresult onEvent(cuda::BackendEvent id, Call call);
  CUresult mapPhysical(int device, CUdeviceptr address, std::size_t bytes, CUmemGenericAllocationHandle handle,
                       std::size_t offset);
  void releaseEverything();
  // Dynamic shared memory beyond 48 KiB needs the kernel's opt-in (set once per size).
  void optInSharedMemory(Function& function, unsigned sharedMemBytes);
  // Graphs: the nodes name only this session's functions, events and memory on `device`, and
  // handles below `handles`; a conditional body (`inBody`) holds only what the driver allows there.
  CUresult checkGraphNodes(int device, std::span<const cuda::GraphNodeWork> nodes, std::size_t handles,
                           bool inBody = false);
  // A driver graph of the nodes with its own conditional handles (the caller destroys it); what one
  // launch of it does outside conditional bodies in `perLaunch`.
  CUresult buildGraph(int device, std::span<const cuda::GraphNodeWork> nodes,
                      std::span<const cuda::GraphConditionalHandle> handles, CUgraph& out,
                      cuda::BackendCounters& perLaunch);
  // The application's conditional handles and this driver's, index for index.
  struct GraphHandles {
    std::span<const cuda::GraphConditionalHandle> guest;
    std::vector<CUgraphConditionalHandle> real;
  };
  CUresult addGraphNodes(CUgraph graph, CUcontext context, std::span<const cuda::GraphNodeWork> nodes,
                         const GraphHandles& handles, cuda::BackendCounters* perLaunch);

  const CudaDriver& driver_;
  SessionPriority priority_;
  std::vector<Device> devices_;
  std::string error_;
  CUresult sticky_ = CUDA_SUCCESS;
  int bound_ = -1;
  std::map<CUdeviceptr, Range> ranges_; // allocations, mappings and module globals by start
  std::map<cuda::BackendPhysical, Physical> physicals_;
  std::map<CUdeviceptr, Reservation> reservations_; // the client's VMM reservations (inside the slot)
  std::map<cuda::BackendStream, Stream> streams_;
  std::map<cuda::BackendEvent, Event> events_;
  std::map<cuda::BackendModule, Module> modules_;
  std::map<cuda::BackendFunction, Function> functions_; // node-based: KernelInfo addresses stay put
  std::uint64_t nextId_ = 1;
  cuda::BackendCounters counters_;
  std::vector<void*> launchArguments_; // a launch's kernelParams, reused from launch to launch
  std::map<cuda::BackendGraph, Graph> graphs_;
  std::map<std::uint64_t, int> textures_; // texture objects this session made, and their device
  // Bumped whenever memory, an event or a module goes away: a graph checked at another generation
  // is checked again before it launches, so it never runs on what the session no longer holds.
  std::uint64_t generation_ = 0;
};

} // namespace vgpu::daemon
