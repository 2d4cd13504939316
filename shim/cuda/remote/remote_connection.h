// The shim's connection to vgpud: a Unix socket plus a sealed memfd shared-memory region (sent
// with SCM_RIGHTS in the hello), or a TCP connection authenticated by a token (no shared memory:
// sharedSize() is 0 and every byte travels in frames). Asynchronous calls are appended to a send buffer and go out in
// batches (one write per many frames) without waiting; a synchronous call flushes the buffer and
// waits for its reply. Every wait and every blocked write is bounded by the configured timeout:
// when vgpud dies or stops answering, the connection is marked lost, logged once, and every pending
// and later call fails with CUDA_ERROR_DEVICE_UNAVAILABLE. No thread of its own: replies are read
// by the calling thread. Not thread-safe: RemoteBackend serialises callers.
#pragma once

#include "remote/guest_region.h"

#include "vgpu/unix_socket.h"
#include "vgpu/wire_buffer.h"
#include "vgpu/wire_frame.h"
#include "vgpu/wire_hello.h"

#include <cuda.h>

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

namespace vgpu::cuda::remote {

inline constexpr CUresult kConnectionLost = CUDA_ERROR_DEVICE_UNAVAILABLE;

struct ConnectionSettings {
  std::string endpoint; // "unix:/run/vgpud.sock"
  int timeoutMilliseconds = 30000;
  std::size_t sharedBytes = std::size_t{32} << 20; // the bulk-data region (unix only)
  std::string token;                               // tcp: presented in hello (VGPU_TOKEN_FILE)
};

// A slice of the guest region vgpud handed out (pinned host memory there).
struct RegionSliceReply {
  std::uint64_t hostRegion = 0; // the id frames use (source/destination 2)
  std::uint8_t* data = nullptr; // in this process's mapping of the BAR
  std::uint64_t bytes = 0;
};

class RemoteConnection {
public:
  RemoteConnection() = default;
  ~RemoteConnection();
  RemoteConnection(const RemoteConnection&) = delete;
  RemoteConnection& operator=(const RemoteConnection&) = delete;

  // Connects, creates and sends the shared-memory region, says hello. CUDA_SUCCESS with `reply`
  // filled, or an error with `error` naming the endpoint and the reason.
  CUresult open(const ConnectionSettings& settings, wire::HelloRequest hello, wire::HelloReply& reply,
                std::string& error);

  // An asynchronous call: queued, sent with the next batch; no reply.
  CUresult post(wire::Call call, std::span<const std::uint8_t> payload);
  // Sends what is queued now (event records, so their timestamps are taken when recorded).
  CUresult flush();
  // A frame whose payload is `fields` then `data`, the data written straight from where it lies
  // (one gathering write with whatever is queued: no copy into the send buffer). Async (no reply)
  // when `requestId` is nullptr; otherwise a request whose reply receive() collects.
  CUresult sendGathered(wire::Call call, std::span<const std::uint8_t> fields, std::span<const std::uint8_t> data,
                        std::uint64_t* requestId);
  // receive() without copying: `fields` views the reply in the receive buffer, valid until the next
  // call on this connection.
  CUresult receiveView(std::uint64_t requestId, std::span<const std::uint8_t>& fields);
  // The reply to a copy into host memory, its data received straight into `data` (no copy through
  // the receive buffer): the reply must carry exactly data.size() bytes, or the connection is lost.
  CUresult receiveInto(std::uint64_t requestId, std::span<std::uint8_t> data);
  // A request whose reply is collected later with receive(); replies come back in order.
  CUresult send(wire::Call call, std::span<const std::uint8_t> payload, std::uint64_t& requestId);
  // The reply to `requestId` (the oldest outstanding one): its status, and its fields in `fields`.
  CUresult receive(std::uint64_t requestId, std::vector<std::uint8_t>& fields);
  // send + receive.
  CUresult call(wire::Call call, std::span<const std::uint8_t> payload, std::vector<std::uint8_t>& fields);
  // call, with a file descriptor passed (SCM_RIGHTS) along with the request frame.
  CUresult callWithDescriptor(wire::Call call, std::span<const std::uint8_t> payload, int descriptor,
                              std::vector<std::uint8_t>& fields);

  // Over tcp/vsock: the guest's shared-memory region (mapped by the caller, owned by this
  // connection from now on), attached at the first bulk transfer or pinned allocation, so cuInit
  // stays one round trip and processes that move no data take no slice.
  void offerRegion(GuestRegionMapping mapping);
  // Attaches an offered region now (AttachRegion: a slice becomes the session's bulk-data region);
  // a refusal is logged once and the session goes on with frames. Cheap when nothing is offered.
  void attachOfferedRegion();
  // Pinned host memory in the attached region: CUDA_SUCCESS with `out`, or the error.
  CUresult allocateInRegion(std::size_t bytes, RegionSliceReply& out);
  bool hasRegion() const { return region_.base != nullptr && shared_ != nullptr; }
  // Maps the region's bytes [offset, offset + bytes) a second time, at `address` exactly, where
  // nothing of this process is (the BAR file reopened, MAP_FIXED_NOREPLACE): managed memory vgpud
  // keeps at its own address of that slice. False when the address is taken or the range is not
  // the region's.
  bool mapRegionAt(std::uint64_t offset, std::uint64_t bytes, std::uint64_t address) const;
  const std::string& regionSource() const { return region_.source; }

  std::uint8_t* shared() const { return shared_; }
  std::size_t sharedSize() const { return sharedSize_; }
  bool lost() const { return lost_; }
  // Round trips (replies waited for) since open, hello included.
  std::uint64_t roundTrips() const { return roundTrips_; }
  const std::string& endpoint() const { return settings_.endpoint; }

  // Marks the connection lost (logged once, naming the endpoint and `reason`): a reply this side
  // cannot trust ends the session as a dead vgpud does.
  CUresult fail(const std::string& reason);

private:
  bool writeBuffered();
  // Writes output_ and then `data` (gathered), bounded by the timeout like writeBuffered.
  bool writeGathered(std::span<const std::uint8_t> data);
  // Reads the next frame into the receive buffer and views its payload there.
  bool readFrameView(wire::Header& header, std::span<const std::uint8_t>& payload);
  // Sends `frame` with `descriptor` attached to its first byte; the rest as ordinary data.
  bool sendWithDescriptor(const std::vector<std::uint8_t>& frame, int descriptor);
  bool readFrame(wire::Header& header, std::vector<std::uint8_t>& payload);
  bool fillInput(std::size_t needed);
  // One blocking receive of at most `room` bytes (bounded by the timeout); 0 when the connection
  // was lost (and marked so).
  std::size_t receiveSome(std::uint8_t* into, std::size_t room);

  ConnectionSettings settings_;
  FileDescriptor socket_;
  GuestRegionMapping region_;      // the guest's shared-memory BAR (tcp/vsock with a shared device)
  bool regionOffered_ = false;     // mapped, not attached yet
  std::uint8_t* shared_ = nullptr; // the memfd's mapping, or the staging slice of region_
  std::size_t sharedSize_ = 0;
  std::vector<std::uint8_t> output_;
  std::int64_t queuedSince_ = 0; // when the oldest frame in output_ was queued (CLOCK_MONOTONIC, ns)
  wire::ReceiveBuffer input_{std::size_t{64} * 1024};
  std::deque<std::uint64_t> outstanding_;
  std::uint64_t nextRequestId_ = 1;
  std::uint64_t roundTrips_ = 0;
  bool lost_ = false;
};

} // namespace vgpu::cuda::remote
