// One vgpud session: one client connection, served by its own thread. The session owns its
// execution backend (a simulated device per expected device, for --backend sim), so every handle
// and device pointer a client sends is looked up in ITS tables only: another session's pointer is
// simply unknown here (CUDA_ERROR_INVALID_VALUE). It also owns the client's shared-memory region
// (a sealed memfd received with SCM_RIGHTS at hello), the pending asynchronous error, and its VRAM
// quota. Everything it holds is freed when the connection ends, however it ends.
#pragma once

#include "daemon_limits.h"
#include "guest_regions.h"
#include "session_priority.h"
#include "session_registry.h"

#include "backend/execution_backend.h"
#include "vgpu/unix_socket.h"
#include "vgpu/wire_buffer.h"
#include "vgpu/wire_codec.h"
#include "vgpu/wire_frame.h"
#include "vgpu/wire_hello.h"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vgpu::daemon {

struct CudaDriver;

struct SessionLimits {
  std::uint64_t vramQuotaBytes = 0;                   // per device; 0: the device's memory is the limit
  const CudaDriver* driver = nullptr;                 // backend cuda: the real driver; nullptr: backend sim
  SessionPriority priority = SessionPriority::Normal; // resolved from the peer uid at accept
  DaemonLimits bounds;                                // reply buffer, module uploads, devices, sim memory, ...
  GuestRegions* guestRegions = nullptr;               // the VM guests' shared-memory regions (--shared-region)
};

// Writes a freshly claimed registry slot's identity (`networkPeer`: "tcp:ADDRESS" or "vsock:CID",
// empty for Unix) and its initial settings from `limits`, then marks it ready.
void describeSession(SessionFigures& slot, const PeerCredentials& peer, std::string_view networkPeer,
                     const SessionLimits& limits);

class Session {
public:
  // `token`: for a TCP session, the token hello must present (nullptr: a Unix session).
  // `slot`: the registry slot the daemon already claimed and described (it frees it when the thread
  // or worker ends, however it ends); nullptr: the session claims its own. The session frees its
  // slot as it ends either way.
  // `received`: bytes the accept loop already read from the connection (a network client's hello).
  Session(int fd, PeerCredentials peer, SessionRegistry& registry, SessionLimits limits,
          const std::string* token = nullptr, SessionFigures* slot = nullptr,
          std::span<const std::uint8_t> received = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Serves the connection until it ends (EOF, error, malformed frame, shutdown()); then frees
  // everything and shuts the socket down so the client sees the end at once.
  void serve();
  // What applyCpuPriority did for the thread or process serving this session (logged at hello).
  void setCpuPriority(CpuPriority applied) { cpuPriority_ = applied; }

  // Handlers (session_calls.cpp) use these.
  cuda::ExecutionBackend& backend() { return *backend_; }
  bool hasBackend() const { return backend_ != nullptr; }
  // The bytes [offset, offset + length) of the shared-memory region; empty when out of range.
  std::span<std::uint8_t> sharedBytes(std::uint64_t offset, std::uint64_t length);
  std::vector<std::uint8_t>& moduleStaging() { return moduleStaging_; }
  // Pinned host regions (RegisterHost): the bytes [offset, offset + length) of region `id`, empty
  // when out of range or unknown.
  std::span<std::uint8_t> hostRegionBytes(std::uint64_t id, std::uint64_t offset, std::uint64_t length);
  // Maps the oldest descriptor received with a frame as a new region; 0 and `error` on failure.
  std::uint64_t registerHostRegion(std::uint64_t bytes, std::string& error);
  bool unregisterHostRegion(std::uint64_t id);
  // The oldest descriptor received with a frame (invalid when none came): a call that takes one
  // takes it whatever its answer, so the next such call gets its own.
  FileDescriptor takeReceivedDescriptor();
  // The client's managed memory (ManagedAlloc): `memfd`, sealed and of `bytes`, mapped where the
  // kernel chooses and made managed memory of the backend over those bytes, so the client, mapping
  // the memfd at `out`, shares them at one address. CUresult and `error` on refusal.
  CUresult allocateManaged(int device, std::uint64_t bytes, FileDescriptor memfd, CUdeviceptr& out, std::string& error);
  // A network session's managed memory (RegionManagedAlloc): a slice of its guest region, made
  // managed memory of the backend at this process's address of the slice, where the guest maps
  // the slice of its BAR too. CUresult and `error` on refusal.
  CUresult allocateManagedInGuestRegion(int device, std::uint64_t bytes, RegionSlice& slice, CUdeviceptr& out,
                                        std::string& error);
  // After the backend freed `pointer`: its mapping goes if it was the client's managed memory.
  void forgetManaged(CUdeviceptr pointer);
  // A network session's bulk-data slice in the guest region whose id the client read from it
  // (AttachRegion): becomes the session's shared-memory region. CUresult and `error` on refusal.
  CUresult attachGuestRegion(const RegionId& id, std::uint64_t bytes, RegionSlice& out, std::string& error);
  // A pinned host allocation in the attached guest region (RegionAlloc): a host region id, and its
  // slice; 0 when there is no attached region or no room.
  std::uint64_t allocateInGuestRegion(std::uint64_t bytes, RegionSlice& out);
  // The quota now: the management socket may change it while the session runs.
  std::uint64_t vramQuota() const {
    return figures_ != nullptr ? figures_->vramQuotaBytes.load(std::memory_order_relaxed) : limits_.vramQuotaBytes;
  }
  const DaemonLimits& bounds() const { return limits_.bounds; }
  // backend sim: true when `bytes` more would pass sim-memory (device memory there is vgpud's host
  // memory, as are module uploads and images). Always false on the cuda backend.
  bool wouldExceedHostMemory(std::uint64_t bytes);
  // A loaded module's image size, counted until it is unloaded (0: forget it).
  void countModule(std::uint64_t module, std::uint64_t bytes);
  // Graphs run whole (GraphCreate, GraphUpdate) hold what their nodes describe: true when graph
  // `graph` (0: a new one) may hold `bytes` within graph-limit, counting what the others hold.
  bool graphFits(std::uint64_t graph, std::uint64_t bytes) const;
  // What graph `graph` holds from now on (0: it was destroyed), and the pinned host regions its
  // copies use: unregistering one destroys the graph first, so it never copies to unmapped memory.
  void countGraph(std::uint64_t graph, std::uint64_t bytes, std::vector<std::uint64_t> regions = {});
  SessionRegistry& registry() { return registry_; }
  // Recomputes the device bytes this session holds (after any call that allocates or frees).
  void refreshFigures();
  std::uint64_t id() const { return id_; }
  int deviceCount() const { return deviceCount_; }

private:
  bool readMore();
  // False: close the connection.
  bool handleFrames();
  bool handleHello(const wire::Header& header, std::span<const std::uint8_t> payload);
  void sendError(const wire::Header& header, wire::ProtocolError code, const std::string& message);
  // The hello's client and devices into the registry slot (the management socket lists them).
  void publishClient(const wire::HelloRequest& hello, const std::vector<wire::DeviceSnapshot>& devices);
  // Before a call: follows a priority the management socket changed. After it: the call's figures.
  void followPriority();
  // `nanoseconds`: a synchronous call's time; nullopt for an asynchronous one (counted, not timed).
  void countCall(CUresult result, std::optional<std::uint64_t> nanoseconds);
  bool draining() const;
  bool flush();

  int fd_;
  PeerCredentials peer_;
  SessionRegistry& registry_;
  SessionLimits limits_;
  CpuPriority cpuPriority_;
  SessionPriority appliedPriority_ = SessionPriority::Normal; // the CPU lever's level now
  std::uint64_t untimedCalls_ = 0;                            // asynchronous calls counted so far
  const std::string* token_;
  SessionFigures* figures_ = nullptr; // this session's slot in the registry; nullptr: the table is full
  std::uint64_t id_ = 0;
  std::unique_ptr<cuda::ExecutionBackend> backend_;
  int deviceCount_ = 0;
  FileDescriptor sharedFd_;                // received with the hello frame
  std::deque<FileDescriptor> receivedFds_; // received later (RegisterHost), oldest first
  struct HostRegion {
    std::uint8_t* data = nullptr;
    std::uint64_t size = 0;
    std::uint64_t guestOffset = ~std::uint64_t{0}; // a slice of the guest region (not our mapping)
  };
  void pinForDriver(std::uint8_t* data, std::uint64_t bytes, const char* what);
  std::map<std::uint64_t, HostRegion> hostRegions_;
  std::map<CUdeviceptr, HostRegion> managedRegions_; // ManagedAlloc's mappings, by address
  std::uint64_t mappedClientBytes_ = 0;              // both maps' own mappings (pinned-limit)
  std::uint64_t nextHostRegion_ = 1;
  std::uint8_t* shared_ = nullptr; // its mapping
  std::uint64_t sharedSize_ = 0;
  int guestRegion_ = -1; // the attached guest region: shared_ is a slice of it, not a mapping of ours
  bool helloDone_ = false;
  bool warnedDescriptors_ = false;
  std::uint64_t replies_ = 0;            // frames answered (round trips the client waited for), hello included
  CUresult pendingError_ = CUDA_SUCCESS; // first failure of an asynchronous call, not yet reported
  wire::ReceiveBuffer input_;
  std::vector<std::uint8_t> output_;
  std::vector<std::uint8_t> moduleStaging_;
  std::map<std::uint64_t, std::uint64_t> moduleBytes_; // loaded modules' image sizes
  std::uint64_t loadedModuleBytes_ = 0;
  std::map<std::uint64_t, std::uint64_t> graphBytes_; // graphs run whole: what each one's nodes hold
  std::uint64_t heldGraphBytes_ = 0;
  std::map<std::uint64_t, std::vector<std::uint64_t>> graphRegions_; // graph → pinned regions it copies with

  friend struct SessionDispatch;
};

} // namespace vgpu::daemon
