// The transport under RemoteBackend: unix:PATH sockets, the memfd region, batching, timeouts.
#include "remote/remote_connection.h"

#include "remote/wire_result.h"
#include "vgpu/wire_calls.h"

#include "vgpu/log.h"
#include "vgpu/tcp_socket.h"
#include "vgpu/wire_codec.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>

namespace vgpu::cuda::remote {
namespace {

constexpr const char* kComponent = "remote";
constexpr std::size_t kBatchBytes = std::size_t{256} * 1024; // queued asynchronous frames go out at this size
// ... or once the oldest has waited this long, so vgpud starts on a burst of work (and the GPU with
// it) while the program is still queuing more, as it would natively; a tight launch loop still
// sends hundreds of frames per write.
constexpr std::int64_t kBatchAgeNanoseconds = 20000;

std::int64_t monotonicNanoseconds() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return std::int64_t{now.tv_sec} * 1000000000 + now.tv_nsec;
}

using Clock = std::chrono::steady_clock;

int remainingMilliseconds(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

} // namespace

RemoteConnection::~RemoteConnection() {
  if (region_.base != nullptr) {
    unmapGuestRegion(region_); // shared_ is a slice of it
  } else if (shared_ != nullptr) {
    ::munmap(shared_, sharedSize_);
  }
}

void RemoteConnection::offerRegion(GuestRegionMapping mapping) {
  region_ = mapping;
  regionOffered_ = true;
}

void RemoteConnection::attachOfferedRegion() {
  if (!regionOffered_ || lost_) {
    return;
  }
  regionOffered_ = false;
  // The staging slice: the configured size, at most an eighth of the region so the guest's other
  // processes and pinned memory have room.
  const std::uint64_t page = region_.header.pageBytes;
  std::uint64_t staging = std::min<std::uint64_t>(settings_.sharedBytes, region_.header.regionBytes / 8);
  staging = std::max<std::uint64_t>(staging / page * page, page);
  wire::RequestOf<wire::Call::AttachRegion> request;
  std::memcpy(&request.regionIdLow, region_.header.regionId.data(), 8);
  std::memcpy(&request.regionIdHigh, region_.header.regionId.data() + 8, 8);
  request.stagingBytes = staging;
  std::vector<std::uint8_t> fields;
  const CUresult status = call(wire::Call::AttachRegion, wire::encode(request), fields);
  wire::Reader reader(fields);
  wire::ReplyOf<wire::Call::AttachRegion> reply;
  wire::decode(reader, reply);
  const auto [offset, bytes] = reply;
  if (status != CUDA_SUCCESS || !reader.atEnd() || offset > region_.size || bytes > region_.size - offset ||
      bytes == 0) {
    log::writef(log::Level::Warn, kComponent, "vgpud at %s %s the shared-memory region of %s%s",
                settings_.endpoint.c_str(), status == CUDA_SUCCESS ? "answered with a slice outside" : "refused",
                region_.source.c_str(), ": bulk data travels through the socket");
    unmapGuestRegion(region_);
    return;
  }
  shared_ = region_.base + offset;
  sharedSize_ = bytes;
  log::writef(log::Level::Info, kComponent, "shared-memory device %s: bulk data and pinned memory live there",
              region_.source.c_str());
}

CUresult RemoteConnection::allocateInRegion(std::size_t bytes, RegionSliceReply& out) {
  if (!hasRegion()) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  std::vector<std::uint8_t> fields;
  if (const CUresult status =
          call(wire::Call::RegionAlloc, wire::encode(wire::RequestOf<wire::Call::RegionAlloc>{bytes}), fields);
      status != CUDA_SUCCESS) {
    return status;
  }
  wire::Reader reader(fields);
  wire::ReplyOf<wire::Call::RegionAlloc> reply;
  wire::decode(reader, reply);
  const auto [id, offset, size] = reply;
  // Never trust vgpud with an address: the slice must lie in the mapping and hold what was asked.
  if (!reader.atEnd() || id == 0 || offset > region_.size || size > region_.size - offset || size < bytes) {
    return fail("RegionAlloc answered a slice outside the region");
  }
  out = {id, region_.base + offset, size};
  return CUDA_SUCCESS;
}

bool RemoteConnection::mapRegionAt(std::uint64_t offset, std::uint64_t bytes, std::uint64_t address) const {
  if (!hasRegion() || bytes == 0 || offset > region_.size || bytes > region_.size - offset) {
    return false;
  }
  FileDescriptor bar(::open(region_.source.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK));
  if (!bar.valid()) {
    return false;
  }
  void* here = ::mmap(reinterpret_cast<void*>(address), static_cast<std::size_t>(bytes), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_FIXED_NOREPLACE, bar.get(), static_cast<off_t>(offset));
  if (here != MAP_FAILED && here != reinterpret_cast<void*>(address)) {
    ::munmap(here, static_cast<std::size_t>(bytes)); // a kernel before 4.17 took the address as a hint
    return false;
  }
  return here != MAP_FAILED;
}

CUresult RemoteConnection::fail(const std::string& reason) {
  if (!lost_) {
    lost_ = true;
    log::writef(log::Level::Error, kComponent, "vgpud at %s: %s; every pending and later call fails",
                settings_.endpoint.c_str(), reason.c_str());
    socket_.reset();
  }
  return kConnectionLost;
}

CUresult RemoteConnection::open(const ConnectionSettings& settings, wire::HelloRequest hello, wire::HelloReply& reply,
                                std::string& error) {
  settings_ = settings;
  constexpr std::string_view kUnix = "unix:";
  constexpr std::string_view kTcp = "tcp:";
  constexpr std::string_view kVsock = "vsock:";
  const bool vsock = settings.endpoint.rfind(kVsock, 0) == 0;
  // TCP and vsock are both network channels: token, no shared memory.
  const bool tcp = vsock || settings.endpoint.rfind(kTcp, 0) == 0;
  if (!tcp && settings.endpoint.rfind(kUnix, 0) != 0) {
    error = "endpoint '" + settings.endpoint + "': unix:PATH, tcp:HOST:PORT or vsock:CID:PORT";
    lost_ = true;
    return CUDA_ERROR_NO_DEVICE;
  }
  SocketResult connected = vsock ? connectVsock(settings.endpoint.substr(kVsock.size()), settings.timeoutMilliseconds)
                           : tcp ? connectTcp(settings.endpoint.substr(kTcp.size()), settings.timeoutMilliseconds)
                                 : connectUnix(settings.endpoint.substr(kUnix.size()));
  if (!connected.fd.valid()) {
    error = "cannot reach vgpud at " + settings.endpoint + ": " + connected.message;
    lost_ = true;
    return CUDA_ERROR_NO_DEVICE;
  }
  socket_ = std::move(connected.fd);
  // Every blocking receive waits at most the timeout (a reply that never comes fails the call).
  timeval limit{settings.timeoutMilliseconds / 1000,
                static_cast<suseconds_t>(settings.timeoutMilliseconds % 1000) * 1000};
  ::setsockopt(socket_.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);

  const std::uint64_t requestId = nextRequestId_++;
  std::vector<std::uint8_t> frame;
  if (tcp) {
    hello.sharedMemoryBytes = 0;
    hello.token = settings.token;
    wire::appendFrame(frame, wire::Call::Hello, requestId, 0, wire::encodeHello(hello));
    output_ = frame;
    if (!writeBuffered()) {
      error = "cannot send hello to vgpud at " + settings.endpoint;
      return CUDA_ERROR_NO_DEVICE;
    }
  } else {
    // The bulk-data region: sealed so the daemon can trust its size.
    FileDescriptor memfd(::memfd_create("vgpu-bulk", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!memfd.valid() || ::ftruncate(memfd.get(), static_cast<off_t>(settings.sharedBytes)) != 0 ||
        ::fcntl(memfd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
      error = std::string("cannot create the shared-memory region: ") + std::system_category().message(errno);
      lost_ = true;
      return CUDA_ERROR_NO_DEVICE;
    }
    void* mapping = ::mmap(nullptr, settings.sharedBytes, PROT_READ | PROT_WRITE, MAP_SHARED, memfd.get(), 0);
    if (mapping == MAP_FAILED) {
      error = std::string("cannot map the shared-memory region: ") + std::system_category().message(errno);
      lost_ = true;
      return CUDA_ERROR_NO_DEVICE;
    }
    shared_ = static_cast<std::uint8_t*>(mapping);
    sharedSize_ = settings.sharedBytes;
    hello.sharedMemoryBytes = sharedSize_;
    hello.token.clear();
    wire::appendFrame(frame, wire::Call::Hello, requestId, 0, wire::encodeHello(hello));
    if (!sendWithDescriptor(frame, memfd.get())) {
      error = "cannot send hello to vgpud at " + settings.endpoint + ": " + std::system_category().message(errno);
      lost_ = true;
      return CUDA_ERROR_NO_DEVICE;
    }
  }
  outstanding_.push_back(requestId);
  std::vector<std::uint8_t> payload;
  wire::Header replyHeader;
  if (!readFrame(replyHeader, payload)) {
    error = "vgpud at " + settings.endpoint + " did not answer hello";
    fail("no hello reply");
    return CUDA_ERROR_NO_DEVICE;
  }
  outstanding_.pop_front();
  ++roundTrips_;
  if (replyHeader.call == static_cast<std::uint16_t>(wire::Call::Error)) {
    wire::ErrorReply refused;
    wire::decodeErrorReply(payload, refused);
    error = "vgpud at " + settings.endpoint + " refused the session: " + refused.message;
    lost_ = true;
    return CUDA_ERROR_NO_DEVICE;
  }
  if (replyHeader.call != static_cast<std::uint16_t>(wire::Call::Hello) || !wire::decodeHelloReply(payload, reply)) {
    error = "vgpud at " + settings.endpoint + " sent a malformed hello reply";
    fail("malformed hello reply");
    return CUDA_ERROR_NO_DEVICE;
  }
  return CUDA_SUCCESS;
}

bool RemoteConnection::sendWithDescriptor(const std::vector<std::uint8_t>& frame, int descriptor) {
  iovec vector{const_cast<std::uint8_t*>(frame.data()), frame.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(header), &descriptor, sizeof descriptor);
  ssize_t sent = 0;
  do {
    sent = ::sendmsg(socket_.get(), &message, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    return false;
  }
  output_.assign(frame.begin() + sent, frame.end());
  return writeBuffered();
}

bool RemoteConnection::writeBuffered() {
  return writeGathered({});
}

bool RemoteConnection::writeGathered(std::span<const std::uint8_t> data) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(settings_.timeoutMilliseconds);
  std::size_t done = 0;
  const std::size_t total = output_.size() + data.size();
  while (done < total) {
    iovec vectors[2];
    int count = 0;
    if (done < output_.size()) {
      vectors[count++] = {output_.data() + done, output_.size() - done};
    }
    const std::size_t dataDone = done > output_.size() ? done - output_.size() : 0;
    if (dataDone < data.size()) {
      vectors[count++] = {const_cast<std::uint8_t*>(data.data()) + dataDone, data.size() - dataDone};
    }
    msghdr message{};
    message.msg_iov = vectors;
    message.msg_iovlen = static_cast<std::size_t>(count);
    const ssize_t n = ::sendmsg(socket_.get(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      fail(std::string("send failed: ") + std::system_category().message(errno));
      return false;
    }
    pollfd descriptor{socket_.get(), POLLOUT, 0};
    const int left = remainingMilliseconds(deadline);
    if (left == 0 || ::poll(&descriptor, 1, left) == 0) {
      fail("not accepting data within " + std::to_string(settings_.timeoutMilliseconds) + " ms");
      return false;
    }
  }
  output_.clear();
  return true;
}

CUresult RemoteConnection::sendGathered(wire::Call call, std::span<const std::uint8_t> fields,
                                        std::span<const std::uint8_t> data, std::uint64_t* requestId) {
  if (lost_) {
    return kConnectionLost;
  }
  wire::Header header;
  header.call = static_cast<std::uint16_t>(call);
  header.payloadLength = static_cast<std::uint32_t>(fields.size() + data.size());
  header.flags = requestId == nullptr ? wire::kFlagAsync : 0;
  header.requestId = requestId == nullptr ? 0 : nextRequestId_++;
  const std::size_t at = output_.size();
  output_.resize(at + wire::kHeaderSize);
  wire::encodeHeader(header, std::span<std::uint8_t, wire::kHeaderSize>(output_.data() + at, wire::kHeaderSize));
  output_.insert(output_.end(), fields.begin(), fields.end());
  if (requestId != nullptr) {
    *requestId = header.requestId;
    outstanding_.push_back(header.requestId);
  }
  return writeGathered(data) ? CUDA_SUCCESS : kConnectionLost;
}

std::size_t RemoteConnection::receiveSome(std::uint8_t* into, std::size_t room) {
  while (true) {
    // Blocking, bounded by SO_RCVTIMEO (set at open): one system call per read.
    const ssize_t n = ::recv(socket_.get(), into, room, 0);
    if (n > 0) {
      return static_cast<std::size_t>(n);
    }
    if (n == 0) {
      fail("connection closed by vgpud");
      return 0;
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      fail("no reply within " + std::to_string(settings_.timeoutMilliseconds) + " ms");
      return 0;
    }
    fail(std::string("receive failed: ") + std::system_category().message(errno));
    return 0;
  }
}

bool RemoteConnection::fillInput(std::size_t needed) {
  while (input_.readable().size() < needed) {
    const std::span<std::uint8_t> room = input_.writable(needed - input_.readable().size());
    const std::size_t n = receiveSome(room.data(), room.size());
    if (n == 0) {
      return false;
    }
    input_.produced(n);
  }
  return true;
}

CUresult RemoteConnection::receiveInto(std::uint64_t requestId, std::span<std::uint8_t> data) {
  if (lost_) {
    return kConnectionLost;
  }
  if (outstanding_.empty() || outstanding_.front() != requestId) {
    return fail("reply order broken in the client");
  }
  // Header, i32 status, u32 data length: then the data, which goes where it belongs.
  constexpr std::size_t kPrefix = wire::kHeaderSize + 8;
  wire::Header header;
  if (!fillInput(wire::kHeaderSize)) {
    return kConnectionLost;
  }
  const bool wellFormed =
      wire::decodeHeader(input_.readable().first(wire::kHeaderSize), header) == wire::DecodeStatus::Ok;
  if (!wellFormed || header.payloadLength != 8 + data.size() ||
      header.call == static_cast<std::uint16_t>(wire::Call::Error)) {
    // A bad frame, a failed status, a refusal or a wrong size: the ordinary path reads and judges it.
    std::span<const std::uint8_t> fields;
    const CUresult status = receiveView(requestId, fields);
    return status == CUDA_SUCCESS ? fail("a copy's reply carries " + std::to_string(fields.size()) +
                                         " bytes of fields where " + std::to_string(data.size() + 4) + " were due")
                                  : status;
  }
  if (!fillInput(kPrefix)) {
    return kConnectionLost;
  }
  wire::Reader prefix(input_.readable().subspan(wire::kHeaderSize, 8));
  const auto status = prefix.get<std::int32_t>();
  const auto length = prefix.get<std::uint32_t>();
  if (header.requestId != requestId || status != 0 || length != data.size()) {
    return fail("a malformed reply to a copy (request " + std::to_string(header.requestId) + ")");
  }
  input_.consume(kPrefix);
  std::size_t done = std::min(input_.readable().size(), data.size());
  std::memcpy(data.data(), input_.readable().data(), done);
  input_.consume(done);
  while (done < data.size()) {
    const std::size_t n = receiveSome(data.data() + done, data.size() - done);
    if (n == 0) {
      return kConnectionLost;
    }
    done += n;
  }
  outstanding_.pop_front();
  ++roundTrips_;
  return CUDA_SUCCESS;
}

bool RemoteConnection::readFrame(wire::Header& header, std::vector<std::uint8_t>& payload) {
  std::span<const std::uint8_t> view;
  if (!readFrameView(header, view)) {
    return false;
  }
  payload.assign(view.begin(), view.end());
  return true;
}

bool RemoteConnection::readFrameView(wire::Header& header, std::span<const std::uint8_t>& payload) {
  if (lost_ || !fillInput(wire::kHeaderSize)) {
    return false;
  }
  const wire::DecodeStatus status = wire::decodeHeader(input_.readable().first(wire::kHeaderSize), header);
  if (status != wire::DecodeStatus::Ok && header.call != static_cast<std::uint16_t>(wire::Call::Error)) {
    fail(std::string("bad frame from vgpud: ") + std::string(wire::describe(status)));
    return false;
  }
  if (!fillInput(wire::kHeaderSize + header.payloadLength)) {
    return false;
  }
  // Consumed now; the bytes stay where they are until the next read into the buffer.
  payload = input_.readable().subspan(wire::kHeaderSize, header.payloadLength);
  input_.consume(wire::kHeaderSize + header.payloadLength);
  return true;
}

CUresult RemoteConnection::post(wire::Call call, std::span<const std::uint8_t> payload) {
  if (lost_) {
    return kConnectionLost;
  }
  const std::int64_t now = monotonicNanoseconds();
  if (output_.empty()) {
    queuedSince_ = now;
  }
  wire::appendFrame(output_, call, 0, wire::kFlagAsync, payload);
  if ((output_.size() >= kBatchBytes || now - queuedSince_ >= kBatchAgeNanoseconds) && !writeBuffered()) {
    return kConnectionLost;
  }
  return CUDA_SUCCESS;
}

CUresult RemoteConnection::flush() {
  if (lost_) {
    return kConnectionLost;
  }
  return writeBuffered() ? CUDA_SUCCESS : kConnectionLost;
}

CUresult RemoteConnection::send(wire::Call call, std::span<const std::uint8_t> payload, std::uint64_t& requestId) {
  if (lost_) {
    return kConnectionLost;
  }
  requestId = nextRequestId_++;
  wire::appendFrame(output_, call, requestId, 0, payload);
  outstanding_.push_back(requestId);
  return writeBuffered() ? CUDA_SUCCESS : kConnectionLost;
}

CUresult RemoteConnection::receive(std::uint64_t requestId, std::vector<std::uint8_t>& fields) {
  std::span<const std::uint8_t> view;
  const CUresult status = receiveView(requestId, view);
  fields.assign(view.begin(), view.end());
  return status;
}

CUresult RemoteConnection::receiveView(std::uint64_t requestId, std::span<const std::uint8_t>& fields) {
  fields = {};
  if (lost_) {
    return kConnectionLost;
  }
  if (outstanding_.empty() || outstanding_.front() != requestId) {
    return fail("reply order broken in the client");
  }
  wire::Header header;
  std::span<const std::uint8_t> payload;
  if (!readFrameView(header, payload)) {
    return kConnectionLost;
  }
  outstanding_.pop_front();
  ++roundTrips_;
  if (header.requestId != requestId) {
    return fail("reply for request " + std::to_string(header.requestId) + " where " + std::to_string(requestId) +
                " was expected");
  }
  if (header.call == static_cast<std::uint16_t>(wire::Call::Error)) {
    wire::ErrorReply error;
    wire::decodeErrorReply(payload, error);
    log::writef(log::Level::Warn, kComponent, "vgpud refused call: %s", error.message.c_str());
    return error.code == static_cast<std::uint32_t>(wire::ProtocolError::UnknownCall) ? CUDA_ERROR_NOT_SUPPORTED
                                                                                      : fail(error.message);
  }
  wire::Reader reader(payload);
  const auto status = reader.get<std::int32_t>();
  if (reader.failed()) {
    return fail("reply without a status");
  }
  fields = payload.subspan(4);
  return resultFromWire(status);
}

CUresult RemoteConnection::callWithDescriptor(wire::Call call, std::span<const std::uint8_t> payload, int descriptor,
                                              std::vector<std::uint8_t>& fields) {
  if (lost_ || !writeBuffered()) { // queued frames first: the descriptor rides on this frame
    return kConnectionLost;
  }
  const std::uint64_t requestId = nextRequestId_++;
  std::vector<std::uint8_t> frame;
  wire::appendFrame(frame, call, requestId, 0, payload);
  outstanding_.push_back(requestId);
  if (!sendWithDescriptor(frame, descriptor)) {
    return fail(std::string("send failed: ") + std::system_category().message(errno));
  }
  return receive(requestId, fields);
}

CUresult RemoteConnection::call(wire::Call call, std::span<const std::uint8_t> payload,
                                std::vector<std::uint8_t>& fields) {
  std::uint64_t requestId = 0;
  if (const CUresult status = send(call, payload, requestId); status != CUDA_SUCCESS) {
    return status;
  }
  return receive(requestId, fields);
}

} // namespace vgpu::cuda::remote
