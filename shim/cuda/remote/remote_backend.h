// The remote executor backend: the ExecutionBackend contract carried over the wire protocol to
// vgpud (docs/wire-protocol.md). Device memory, modules, streams and events live in the vgpud
// session; this side keeps what must be local or is cheap to mirror:
//  - host-side memory (pinned, registered): it is this process's memory, so it stays here and
//    copies to and from it go through the shared-memory region;
//  - a mirror of device allocations, module globals and reserved VA ranges, so pointer queries
//    (every unified-address copy asks one) cost no round trip;
//  - each kernel's KernelInfo from the module metadata, so a launch is checked and its parameter
//    buffer marshalled by those sizes here, and then sent without waiting (batched);
//  - the device snapshot from hello, presented as a DeviceProfile.
//  - pinned memory (hostAlloc) is a sealed memfd registered with vgpud, so copies to and from it
//    move the data once, in place.
// Asynchronous calls (launches, small async copies to the device, copies between device buffers,
// memsets, event records, stream waits, destroys, async copies into pinned memory) return at once;
// an error vgpud finds in them is reported by the next synchronizing call (stream/event/device
// synchronize or query, synchronous copies and memsets), as the contract in
// backend/execution_backend.h asks. Other copies into host memory, and large ones from it,
// complete before they return (the data must land in, or be taken from, this process).
// Managed memory is not offered remotely (CUDA_ERROR_NOT_SUPPORTED): it would need page-fault
// coherence between two address spaces.
#pragma once

#include "backend/execution_backend.h"
#include "remote/remote_connection.h"

#include "vgpu/device/device_profiles.h"
#include "vgpu/wire_calls.h"
#include "vgpu/wire_hello.h"

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace vgpu::cuda::remote {

// A device snapshot from hello, owning everything its DeviceProfile views.
// (Unified addressing: the device address ranges from the snapshot are reserved in this process.)
struct RemoteDevice {
  wire::DeviceSnapshot snapshot;
  std::string key;
  std::vector<device::AttributeValue> attributes;
  device::DeviceProfile profile;
};

class RemoteBackend final : public ExecutionBackend {
public:
  RemoteBackend() = default;
  ~RemoteBackend() override;

  // Connects and says hello; CUDA_ERROR_NO_DEVICE with `error` naming the endpoint on failure.
  CUresult connect(const ConnectionSettings& settings, const std::vector<wire::ExpectedDevice>& expected,
                   std::string& error);
  // Over tcp/vsock: moves bulk data and pinned memory into the guest's shared-memory device when
  // the configuration names one and it carries vgpud's region (logged either way at info/warn).
  void useGuestRegion(const device::ShimConfig& config);
  const RemoteDevice& device(int ordinal) const { return *devices_[static_cast<std::size_t>(ordinal)]; }
  int deviceCount() const { return static_cast<int>(devices_.size()); }
  // Round trips to vgpud so far (hello included).
  std::uint64_t roundTrips() const;
  // The session id vgpud's hello gave (its management socket lists the session by it).
  std::uint64_t sessionId() const { return sessionId_; }
  // Daemon-wide figures (the Status call): sessions, device bytes held by all of them.
  CUresult daemonStatus(std::uint32_t& sessions, std::uint64_t& deviceBytes);

  std::string describe() const override;
  std::string_view limitations() const override;
  bool runsKernels(int ordinal) const override { return !device(ordinal).snapshot.simulated; }

  CUresult memAlloc(int device, std::size_t bytes, CUdeviceptr& out) override;
  CUresult memAllocManaged(int device, std::size_t bytes, CUdeviceptr& out) override;
  CUresult memFree(CUdeviceptr pointer) override;
  CUresult hostAlloc(std::size_t bytes, void*& out) override;
  CUresult hostFree(void* pointer) override;
  CUresult hostRegister(void* pointer, std::size_t bytes) override;
  CUresult hostUnregister(void* pointer) override;
  CUresult memGetInfo(int device, std::size_t& freeBytes, std::size_t& totalBytes) override;
  CUresult pointerInfo(CUdeviceptr pointer, PointerInfo& out) override;
  CUresult memUsage(int device, MemoryUsage& out) const override;
  void resetMemoryPeaks() override;

  std::size_t allocationGranularity(int device) const override;
  CUresult physicalCreate(int device, std::size_t bytes, BackendPhysical& out) override;
  CUresult physicalRelease(BackendPhysical handle) override;
  // Shareable VMM memory is created like any (it is real memory in the session); handing it to
  // another process is not built through vgpud: export answers NOT_SUPPORTED, with the reason once.
  CUresult physicalCreateShareable(int device, std::size_t bytes, const std::string& deviceTag,
                                   BackendPhysical& out) override;
  CUresult physicalExport(BackendPhysical handle, int& fd) override;
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
  // Stream memory operations (remote_memory_operations.cpp): device memory, or pinned memory vgpud
  // shares; the first batch is a round trip (an older vgpud answers NOT_SUPPORTED), later ones are
  // asynchronous.
  CUresult streamMemoryOperations(BackendStream stream, std::span<const StreamMemoryOperation> operations) override;
  // Tensor maps encoded by vgpud's executor (remote_tensor_maps.cpp): a GPU's driver, whose kernels
  // read them; a round trip each.
  CUresult tensorMapEncode(int device, const TensorMapDescription& description, CUtensorMap& out) override;
  CUresult tensorMapReplaceAddress(int device, CUtensorMap& map, CUdeviceptr address) override;
  // Texture objects made by the executor (remote_textures.cpp); surfaces are refused.
  CUresult textureObjectCreate(int device, const TextureDescription& description, std::uint64_t& out) override;
  CUresult textureObjectDestroy(std::uint64_t object) override;
  CUresult surfaceObjectCreate(int device, const TextureDescription& description, std::uint64_t& out) override;
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

  // Graphs of device work vgpud runs whole (remote_graphs.cpp): kernels checked here as launches are.
  CUresult graphCreate(int device, std::span<const GraphNodeWork> nodes, BackendGraph& out,
                       std::span<const GraphConditionalHandle> handles = {}) override;
  CUresult graphUpdate(BackendGraph graph, std::span<const GraphNodeWork> nodes,
                       std::span<const GraphConditionalHandle> handles = {}) override;
  CUresult graphLaunch(BackendGraph graph, BackendStream stream) override;
  CUresult graphDestroy(BackendGraph graph) override;

  BackendCounters counters() const override;

private:
  struct HostRegion {
    std::size_t size = 0;
    MemoryKind kind = MemoryKind::Host;
    std::uint64_t id = 0;
    bool owned = false;         // allocated here (hostAlloc), unmapped by hostFree
    std::uint64_t remoteId = 0; // registered with vgpud (a shared memfd): copies need no staging
    bool inGuestRegion = false; // a slice of the guest's shared-memory BAR: not ours to unmap
  };
  struct DeviceAllocation {
    std::size_t size = 0;
    int device = 0;
    std::uint64_t id = 0;
    BackendModule module = 0;       // a module global: forgotten when its module unloads
    std::size_t managedMapping = 0; // managed memory: the bytes of the memfd mapped here (0: none)
  };
  // One try of memAllocManaged: vgpud's address for a new memfd, and whether it is free here too.
  CUresult tryManagedAt(int device, std::size_t mapped, CUdeviceptr& out, bool& mappedHere);
  // The same in a VM guest: a slice of the guest region, mapped here from the BAR at vgpud's address.
  CUresult tryManagedInRegion(int device, std::size_t bytes, CUdeviceptr& out, bool& mappedHere);
  struct Function {
    int device = 0;
    BackendModule module = 0;
    KernelInfo info;
  };

  // Calls with the connection locked.
  CUresult call(wire::Call call, const std::vector<std::uint8_t>& payload, std::vector<std::uint8_t>& fields) const;
  CUresult post(wire::Call call, const std::vector<std::uint8_t>& payload);
  // A call defined in vgpu/wire_calls.h: the request encoded and the reply decoded by its
  // definition, shared with vgpud (a short reply leaves the missing fields zero).
  template <wire::Call C> CUresult callDefined(const wire::RequestOf<C>& request, wire::ReplyOf<C>& reply) const {
    std::vector<std::uint8_t> fields;
    const CUresult status = call(C, wire::encode(request), fields);
    wire::decode(std::span<const std::uint8_t>(fields), reply);
    return status;
  }
  template <wire::Call C> CUresult callDefined(const wire::RequestOf<C>& request) const {
    wire::ReplyOf<C> none;
    return callDefined<C>(request, none);
  }
  template <wire::Call C> CUresult postDefined(const wire::RequestOf<C>& request) {
    return post(C, wire::encode(request));
  }
  // The host address behind a device-side endpoint that is really this process's memory, or nullptr.
  void* localHost(CUdeviceptr address, std::size_t bytes) const;
  // The vgpud region id and offset of [address, address + bytes) when it lies in one pinned
  // region registered with vgpud; 0 otherwise.
  std::uint64_t sharedHostRegion(const void* address, std::size_t bytes, std::uint64_t& offset) const;
  CUresult copyToDevice(CUdeviceptr dst, std::size_t dstPitch, const std::uint8_t* src, std::size_t srcPitch,
                        std::size_t width, std::size_t height, BackendStream stream, bool async);
  CUresult copyToHost(std::uint8_t* dst, std::size_t dstPitch, CUdeviceptr src, std::size_t srcPitch, std::size_t width,
                      std::size_t height, BackendStream stream);
  // A launch's checks against the kernel's metadata and the device's limits; the caller holds mutex_.
  CUresult checkLaunch(BackendFunction handle, const LaunchConfig& config,
                       std::span<const std::uint8_t> parameters) const;
  // GraphCreate's and GraphUpdate's nodes and handles, encoded into `payload`: kernels checked, host
  // sides in shared regions, the whole within one frame (NOT_SUPPORTED otherwise: replayed).
  template <typename Request>
  CUresult graphRequest(std::span<const GraphNodeWork> nodes, std::span<const GraphConditionalHandle> handles,
                        Request& request, std::vector<std::uint8_t>& payload) const;
  bool memoryOperationsAnswered_ = false; // vgpud has taken a StreamMemoryOperations call
  bool knownStream(BackendStream stream) const { return stream == 0 || streams_.count(stream) != 0; }

  mutable std::mutex mutex_; // one caller at a time on the connection and the mirrors
  mutable RemoteConnection connection_;
  std::vector<std::unique_ptr<RemoteDevice>> devices_;
  std::string backendName_;
  std::uint64_t sessionId_ = 0;
  std::map<std::uintptr_t, HostRegion> hostRegions_;
  std::map<CUdeviceptr, DeviceAllocation> allocations_; // memAlloc results and module globals
  std::map<CUdeviceptr, std::size_t> reservations_;     // VMM address ranges: queried remotely
  // vgpud's answers for mapped VMM memory, by the base they name: a pointer inside one is answered
  // here (a copy or stream operation on VMM memory asks for each), until the mappings change.
  std::map<CUdeviceptr, PointerInfo> mappedInfo_;
  std::map<BackendModule, int> modules_;          // module → device
  std::map<BackendFunction, Function> functions_; // node-based: KernelInfo addresses are stable
  std::set<BackendStream> streams_;
  std::set<BackendEvent> events_;
  // vgpud's device address ranges, reserved (inaccessible) here so no host allocation of this
  // process can have an address that is also a device address.
  std::vector<std::pair<void*, std::size_t>> addressReservations_;
  std::uint64_t nextHostId_ = 1;
};

} // namespace vgpu::cuda::remote
