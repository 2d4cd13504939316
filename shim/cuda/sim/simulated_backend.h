// The simulated device: a first-class backend for GPU-less CI and demos. Memory, copies,
// memsets, streams, events and accounting are real; kernels are validated (the function exists,
// the parameter buffer matches the module's metadata, the launch fits the device's limits) and
// counted, NOT executed. Work runs in submission order on the calling thread, which keeps CUDA's
// stream ordering (every operation is complete when its call returns; event timestamps are
// taken when the event is reached).
#pragma once

#include "backend/execution_backend.h"
#include "sim/simulated_memory.h"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>

namespace vgpu::cuda::sim {

struct SimulatedDeviceLimits {
  std::size_t totalMemoryBytes = 0;
  int ccMajor = 0;
  int ccMinor = 0;
  int maxThreadsPerBlock = 1024;
  int maxBlockDim[3] = {1024, 1024, 64};
  int maxGridDim[3] = {2147483647, 65535, 65535};
  int maxSharedMemoryPerBlockOptin = 49152;
};

class SimulatedBackend final : public ExecutionBackend {
public:
  // addressHint: where device 0's address range should start, the next devices' following it
  // (SimulatedMemory); 0: anywhere.
  explicit SimulatedBackend(std::vector<SimulatedDeviceLimits> devices, std::uintptr_t addressHint = 0);
  ~SimulatedBackend() override;

  std::string describe() const override { return "simulated"; }
  std::string_view limitations() const override;
  bool runsKernels(int /*device*/) const override { return false; }

  CUresult memAlloc(int device, std::size_t bytes, CUdeviceptr& out) override;
  CUresult memAllocManaged(int device, std::size_t bytes, CUdeviceptr& out) override;
  CUresult memAllocManagedOver(int device, void* memory, std::size_t bytes, CUdeviceptr& out) override;
  CUresult memFree(CUdeviceptr pointer) override;
  CUresult ipcExport(CUdeviceptr pointer, CUipcMemHandle& out) override;
  CUresult ipcImport(int device, const CUipcMemHandle& handle, CUdeviceptr& out) override;
  CUresult ipcClose(CUdeviceptr pointer) override;
  bool ipcEventsComplete() const override { return true; }
  bool sharesMemoryBetweenProcesses() const override { return true; }
  CUresult hostAlloc(std::size_t bytes, void*& out) override;
  CUresult hostFree(void* pointer) override;
  CUresult hostRegister(void* pointer, std::size_t bytes) override;
  CUresult hostUnregister(void* pointer) override;
  CUresult memGetInfo(int device, std::size_t& freeBytes, std::size_t& totalBytes) override;
  CUresult memUsage(int device, MemoryUsage& out) const override;
  void resetMemoryPeaks() override;
  CUresult pointerInfo(CUdeviceptr pointer, PointerInfo& out) override;

  std::size_t allocationGranularity(int device) const override;
  CUresult physicalCreate(int device, std::size_t bytes, BackendPhysical& out) override;
  CUresult physicalRelease(BackendPhysical handle) override;
  CUresult physicalCreateShareable(int device, std::size_t bytes, const std::string& deviceTag,
                                   BackendPhysical& out) override;
  CUresult physicalExport(BackendPhysical handle, int& fd) override;
  CUresult physicalInspect(int fd, std::string& deviceTag, std::size_t& bytes) override;
  CUresult physicalImport(int device, int fd, BackendPhysical& out) override;
  CUresult addressReserve(std::size_t bytes, std::size_t alignment, CUdeviceptr fixed, CUdeviceptr& out) override;
  CUresult addressFree(CUdeviceptr base, std::size_t bytes) override;
  CUresult map(CUdeviceptr address, std::size_t bytes, std::size_t offset, BackendPhysical handle) override;
  CUresult unmap(CUdeviceptr address, std::size_t bytes) override;
  CUresult setAccess(CUdeviceptr address, std::size_t bytes, int device, bool readWrite) override;

  CUresult copy(const CopyEndpoint& dst, const CopyEndpoint& src, std::size_t widthBytes, std::size_t height,
                BackendStream stream, bool async) override;
  CUresult memset(CUdeviceptr dst, std::size_t pitch, std::uint32_t value, unsigned elementSize,
                  std::size_t widthElements, std::size_t height, BackendStream stream, bool async) override;

  CUresult streamCreate(int device, unsigned flags, int priority, BackendStream& out) override;
  CUresult streamDestroy(BackendStream stream) override;
  CUresult streamSynchronize(BackendStream stream) override;
  CUresult streamQuery(BackendStream stream) override;
  CUresult streamSetAttribute(BackendStream stream, CUlaunchAttributeID id,
                              const CUlaunchAttributeValue& value) override;
  CUresult streamWaitEvent(BackendStream stream, BackendEvent event) override;
  CUresult hostFunction(BackendStream stream, void (*fn)(void*), void* userData) override;
  // Writes and barriers run; a wait must be met when it is submitted (work runs then), else it is
  // refused with NOT_SUPPORTED rather than blocking the stream's thread for ever.
  CUresult streamMemoryOperations(BackendStream stream, std::span<const StreamMemoryOperation> operations) override;
  // Tensor maps in a form of the simulated device's own (simulated_tensor_maps.cpp): its kernels
  // do not run, so nothing reads them but cuTensorMapReplaceAddress.
  CUresult tensorMapEncode(int device, const TensorMapDescription& description, CUtensorMap& out) override;
  CUresult tensorMapReplaceAddress(int device, CUtensorMap& map, CUdeviceptr address) override;
  // Texture and surface objects (simulated_textures.cpp): values of the device's own for memory it
  // holds; its kernels do not run, so nothing samples them.
  CUresult textureObjectCreate(int device, const TextureDescription& description, std::uint64_t& out) override;
  CUresult textureObjectDestroy(std::uint64_t object) override;
  CUresult surfaceObjectCreate(int device, const TextureDescription& description, std::uint64_t& out) override;
  CUresult surfaceObjectDestroy(std::uint64_t object) override;
  CUresult eventCreate(unsigned flags, BackendEvent& out) override;
  CUresult eventDestroy(BackendEvent event) override;
  CUresult eventRecord(BackendEvent event, BackendStream stream) override;
  CUresult eventQuery(BackendEvent event) override;
  CUresult eventSynchronize(BackendEvent event) override;
  CUresult eventElapsed(BackendEvent start, BackendEvent end, float& milliseconds) override;
  CUresult deviceSynchronize(int device) override;

  CUresult moduleLoad(int device, std::span<const std::uint8_t> image, BackendModule& out, std::string& error) override;
  CUresult moduleUnload(BackendModule module) override;
  CUresult moduleFunction(BackendModule module, std::string_view name, BackendFunction& out,
                          const KernelInfo*& info) override;
  CUresult moduleFunctions(BackendModule module, std::vector<std::string>& names) override;
  CUresult moduleGlobal(BackendModule module, std::string_view name, GlobalInfo& out) override;
  CUresult launch(BackendFunction function, const LaunchConfig& config,
                  std::span<const std::uint8_t> parameters) override;

  // Graphs run whole (simulated_graphs.cpp): checked at creation, replayed node by node in their
  // order at each launch, through the calls above.
  CUresult graphCreate(int device, std::span<const GraphNodeWork> nodes, BackendGraph& out,
                       std::span<const GraphConditionalHandle> handles = {}) override;
  CUresult graphUpdate(BackendGraph graph, std::span<const GraphNodeWork> nodes,
                       std::span<const GraphConditionalHandle> handles = {}) override;
  CUresult graphLaunch(BackendGraph graph, BackendStream stream) override;
  CUresult graphDestroy(BackendGraph graph) override;

  BackendCounters counters() const override;

  // The device's address range (for a remote client to keep free in its own address space, so a
  // device address never equals one of its host addresses). False for an unknown device.
  bool addressRange(int device, CUdeviceptr& base, std::size_t& size) const;

private:
  // The memory of a device (nullptr for an ordinal out of range), and of a physical handle, whose
  // top byte names its device (`local` is the handle within that memory).
  SimulatedMemory* deviceMemory(int device) const;
  SimulatedMemory* physicalMemory(BackendPhysical handle, BackendPhysical& local) const;
  template <typename Create> CUresult createPhysical(int device, BackendPhysical& out, Create create);

  struct Stream {
    int device = 0;
  };
  struct Event {
    unsigned flags = 0;
    bool recorded = false;
    std::chrono::steady_clock::time_point when{};
  };
  struct Function {
    BackendModule module = 0;
    KernelInfo info;
  };
  struct Module {
    int device = 0;
    std::map<std::string, BackendFunction, std::less<>> functions;
    std::map<std::string, GlobalInfo, std::less<>> globals;
  };

  struct Graph {
    int device = 0;
    std::shared_ptr<const std::vector<GraphNodeWork>> nodes; // shared with launches in flight
  };

  SimulatedMemory* memoryFor(CUdeviceptr pointer);
  // A launch's checks (handle, parameter buffer, shape against the device's limits); mutex_ held.
  CUresult checkLaunch(BackendFunction handle, const LaunchConfig& config,
                       std::span<const std::uint8_t> parameters) const;
  // A graph's nodes checked as their calls would be at their first launch; mutex_ held.
  CUresult checkGraph(int device, std::span<const GraphNodeWork> nodes);
  CUresult resolveEndpoint(const CopyEndpoint& endpoint, std::size_t offset, std::size_t bytes,
                           std::vector<SimulatedMemory::HostSpan>& spans);
  bool streamExists(BackendStream stream);
  CUresult imageObjectCreate(int device, const TextureDescription& description, bool surface, std::uint64_t& out);
  CUresult imageObjectDestroy(std::uint64_t object, bool surface);

  std::vector<SimulatedDeviceLimits> limits_;
  std::vector<std::unique_ptr<SimulatedMemory>> memories_;
  // Copies, memsets and stream memory operations hold it shared while they touch device memory; an
  // IPC export, which moves an allocation onto a memfd, holds it alone, so no write is lost in the
  // move. Taken before any SimulatedMemory lock.
  mutable std::shared_mutex contents_;
  mutable std::mutex mutex_;
  std::uint64_t nextHandle_ = 1;
  std::map<BackendStream, Stream> streams_;
  std::map<BackendEvent, Event> events_;
  std::map<BackendModule, Module> modules_;
  std::map<BackendFunction, Function> functions_;
  std::map<BackendGraph, Graph> graphs_;
  std::map<std::uint64_t, bool> imageObjects_; // texture (false) and surface (true) objects
  std::atomic<std::uint64_t> launches_{0};
  std::atomic<std::uint64_t> memoryBarrier_{0}; // stream memory barriers (streamMemoryOperations)
  std::atomic<std::uint64_t> bytesHtoD_{0};
  std::atomic<std::uint64_t> bytesDtoH_{0};
  std::atomic<std::uint64_t> bytesDtoD_{0};
  std::atomic<std::uint64_t> memsets_{0};
};

} // namespace vgpu::cuda::sim
