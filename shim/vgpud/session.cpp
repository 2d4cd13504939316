// A session's connection: reading frames (with the memfd that comes with hello), the hello
// handshake, dispatch through the call table, the pending asynchronous error, and batched replies
// (every reply produced by one read goes out in one write).
#include "session.h"

#include "cuda_devices.h"
#include "session_calls.h"
#include "sim_devices.h"
#include "tcp_transport.h"

#include "vgpu/log.h"
#include "vgpu/version.h"
#include "vgpu/wire_hello.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace vgpu::daemon {
namespace {
constexpr const char* kComponent = "vgpud";
constexpr std::size_t kReadChunk = std::size_t{256} * 1024;
constexpr std::uint64_t kStreamReplyBytes = std::uint64_t{512} * 1024; // replies batched up to this size
constexpr std::uint64_t kMaxSharedBytes = std::uint64_t{1} << 32;
constexpr std::size_t kMaxQueuedFds = 16;
constexpr std::size_t kControlDescriptors = 16; // at least DaemonLimits' maximum descriptorsPerMessage
constexpr std::size_t kMaxHostRegions = 4096;
constexpr std::uint64_t kMaxHostRegionBytes = std::uint64_t{1} << 40;

// Where a client's managed memory goes in this process: an address the client must map too, so one
// it is unlikely to use already. The kernel's own choice lands next to this process's mappings,
// where a client built alike (same libraries, same region file) has its own; so a random address,
// 2 MiB aligned, in [0x7e8000000000, 0x7f0000000000): below where mmap places mappings, inside
// what sanitizer runtimes allow programs. Reserved inaccessible here (never over anything of ours:
// MAP_FIXED_NOREPLACE); nullptr when sixteen tries found no room.
void* reserveForClient(std::size_t bytes) {
  constexpr std::uint64_t kLow = 0x7e8000000000;
  constexpr std::uint64_t kHigh = 0x7f0000000000;
  constexpr std::uint64_t kAlign = std::uint64_t{2} << 20;
  if (bytes == 0 || bytes > (kHigh - kLow) / 2) {
    return nullptr;
  }
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::uint64_t random = 0;
    if (::getentropy(&random, sizeof random) != 0) {
      return nullptr;
    }
    const std::uint64_t slots = (kHigh - kLow - bytes) / kAlign;
    const auto hint = reinterpret_cast<void*>(kLow + random % slots * kAlign);
    void* reserved =
        ::mmap(hint, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (reserved == hint) {
      return reserved;
    }
    if (reserved != MAP_FAILED) {
      ::munmap(reserved, bytes); // a kernel before 4.17 took the address as a hint
    }
  }
  return nullptr;
}

// A client's memfd, checked (sealed against shrinking, of the announced size) and mapped (over
// `at`, a reservation of ours, when given); nullptr and `error` otherwise.
std::uint8_t* mapClientRegion(int fd, std::uint64_t bytes, std::string& error, void* at = nullptr) {
  struct stat info {};
  const int seals = ::fcntl(fd, F_GET_SEALS);
  if (seals < 0 || (seals & F_SEAL_SHRINK) == 0 || ::fstat(fd, &info) != 0 ||
      static_cast<std::uint64_t>(info.st_size) != bytes || bytes == 0) {
    error = "send a memfd sealed against shrinking, of the announced size";
    return nullptr;
  }
  void* mapping = ::mmap(at, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | (at != nullptr ? MAP_FIXED : 0), fd, 0);
  if (mapping == MAP_FAILED) {
    error = std::string("cannot map: ") + std::system_category().message(errno);
    return nullptr;
  }
  return static_cast<std::uint8_t*>(mapping);
}
} // namespace

void describeSession(SessionFigures& slot, const PeerCredentials& peer, std::string_view networkPeer,
                     const SessionLimits& limits) {
  slot.transport = networkPeer.empty()                 ? SessionTransport::Unix
                   : networkPeer.starts_with("vsock:") ? SessionTransport::Vsock
                                                       : SessionTransport::Tcp;
  setFigureText(slot.remoteAddress, networkPeer);
  slot.peerUid = networkPeer.empty() ? peer.uid : 0;
  slot.peerPid = networkPeer.empty() ? peer.pid : 0;
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  slot.startedMs = static_cast<std::uint64_t>(now.tv_sec) * 1000 + static_cast<std::uint64_t>(now.tv_nsec) / 1000000;
  slot.vramQuotaBytes.store(limits.vramQuotaBytes);
  slot.priority.store(static_cast<std::uint8_t>(limits.priority));
  slot.ready.store(true, std::memory_order_release);
}

Session::Session(int fd, PeerCredentials peer, SessionRegistry& registry, SessionLimits limits,
                 const std::string* token, SessionFigures* slot, std::span<const std::uint8_t> received)
    : fd_(fd), peer_(peer), registry_(registry), limits_(limits), appliedPriority_(limits.priority), token_(token),
      figures_(slot) {
  if (!received.empty()) {
    const std::span<std::uint8_t> room = input_.writable(received.size());
    std::memcpy(room.data(), received.data(), received.size());
    input_.produced(received.size());
  }
  if (figures_ == nullptr) {
    figures_ = registry_.add();
    if (figures_ != nullptr) {
      describeSession(*figures_, peer_, token_ != nullptr ? "tcp:unknown" : "", limits_);
    }
  }
  id_ = figures_ != nullptr ? figures_->id.load() : 0;
}

Session::~Session() {
  backend_.reset(); // frees every allocation, module, stream and event of the session
  for (const auto& [address, region] : managedRegions_) {
    ::munmap(region.data, region.size); // the backend let go of it above; guest slices are released below
  }
  if (shared_ != nullptr && guestRegion_ < 0) {
    ::munmap(shared_, sharedSize_);
  }
  for (const auto& [id, region] : hostRegions_) {
    if (region.guestOffset == ~std::uint64_t{0}) {
      ::munmap(region.data, region.size);
    }
  }
  if (guestRegion_ >= 0) {
    limits_.guestRegions->releaseSession(id_); // every slice: the staging one and the pinned ones
  }
  if (figures_ != nullptr) {
    registry_.remove(
        id_); // at once, so Status and the management socket see the end; the daemon's remove is then a no-op
  }
}

std::span<std::uint8_t> Session::sharedBytes(std::uint64_t offset, std::uint64_t length) {
  if (shared_ == nullptr || offset > sharedSize_ || length > sharedSize_ - offset) {
    return {};
  }
  return {shared_ + offset, static_cast<std::size_t>(length)};
}

std::span<std::uint8_t> Session::hostRegionBytes(std::uint64_t id, std::uint64_t offset, std::uint64_t length) {
  const auto it = hostRegions_.find(id);
  if (it == hostRegions_.end() || offset > it->second.size || length > it->second.size - offset) {
    return {};
  }
  return {it->second.data + offset, static_cast<std::size_t>(length)};
}

std::uint64_t Session::registerHostRegion(std::uint64_t bytes, std::string& error) {
  if (receivedFds_.empty()) {
    error = "no descriptor came with the frame";
    return 0;
  }
  FileDescriptor fd = std::move(receivedFds_.front());
  receivedFds_.pop_front();
  if (hostRegions_.size() + managedRegions_.size() >= kMaxHostRegions || bytes > kMaxHostRegionBytes ||
      bytes > limits_.bounds.pinnedBytes - std::min(limits_.bounds.pinnedBytes, mappedClientBytes_)) {
    error = "too many host regions, or past pinned-limit";
    return 0;
  }
  std::uint8_t* data = mapClientRegion(fd.get(), bytes, error);
  if (data == nullptr) {
    return 0;
  }
  const std::uint64_t id = nextHostRegion_++;
  hostRegions_[id] = {data, bytes};
  mappedClientBytes_ += bytes;
  pinForDriver(data, bytes, "pinned region");
  return id;
}

FileDescriptor Session::takeReceivedDescriptor() {
  if (receivedFds_.empty()) {
    return FileDescriptor();
  }
  FileDescriptor fd = std::move(receivedFds_.front());
  receivedFds_.pop_front();
  return fd;
}

CUresult Session::allocateManaged(int device, std::uint64_t bytes, FileDescriptor memfd, CUdeviceptr& out,
                                  std::string& error) {
  if (!memfd.valid()) {
    error = "no descriptor came with the frame";
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Counted with the pinned regions: both are the client's memory mapped (and on a GPU, pinned) here.
  if (hostRegions_.size() + managedRegions_.size() >= kMaxHostRegions || bytes > kMaxHostRegionBytes ||
      bytes > limits_.bounds.pinnedBytes - std::min(limits_.bounds.pinnedBytes, mappedClientBytes_)) {
    error = "too many host regions, or past pinned-limit";
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  if (bytes % page != 0) {
    error = "managed memory is whole pages";
    return CUDA_ERROR_INVALID_VALUE;
  }
  void* at = reserveForClient(static_cast<std::size_t>(bytes));
  std::uint8_t* data = mapClientRegion(memfd.get(), bytes, error, at);
  if (data == nullptr) {
    if (at != nullptr) {
      ::munmap(at, bytes);
    }
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult result = backend_->memAllocManagedOver(device, data, bytes, out); result != CUDA_SUCCESS) {
    ::munmap(data, bytes);
    error = "the executor refused it";
    return result;
  }
  managedRegions_[out] = {data, bytes};
  mappedClientBytes_ += bytes;
  return CUDA_SUCCESS;
}

CUresult Session::allocateManagedInGuestRegion(int device, std::uint64_t bytes, RegionSlice& slice, CUdeviceptr& out,
                                               std::string& error) {
  if (guestRegion_ < 0) {
    error = "the session has no guest region";
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  if (hostRegions_.size() + managedRegions_.size() >= kMaxHostRegions) {
    error = "too many host regions";
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  if (!limits_.guestRegions->allocate(guestRegion_, bytes, id_, slice)) {
    error = "no room left in guest region " + limits_.guestRegions->path(guestRegion_);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  // A second mapping of the slice's pages (mremap of a shared mapping with no old size) where the
  // guest is unlikely to have anything (reserveForClient): the address it must map is then not tied
  // to where the whole region lies here, and another try gets another one.
  void* at = reserveForClient(static_cast<std::size_t>(slice.bytes));
  void* own = at != nullptr ? ::mremap(slice.data, 0, slice.bytes, MREMAP_MAYMOVE | MREMAP_FIXED, at)
                            : ::mremap(slice.data, 0, slice.bytes, MREMAP_MAYMOVE);
  if (own == MAP_FAILED) {
    if (at != nullptr) {
      ::munmap(at, slice.bytes);
    }
    limits_.guestRegions->release(guestRegion_, slice.offset, id_);
    error = "cannot map the slice again";
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  // The allocation is what was asked (the slice is whole region pages, the client maps what it asked).
  if (const CUresult result = backend_->memAllocManagedOver(device, own, bytes, out); result != CUDA_SUCCESS) {
    ::munmap(own, slice.bytes);
    limits_.guestRegions->release(guestRegion_, slice.offset, id_);
    error = "the executor refused it";
    return result;
  }
  managedRegions_[out] = {static_cast<std::uint8_t*>(own), slice.bytes, slice.offset};
  return CUDA_SUCCESS;
}

void Session::forgetManaged(CUdeviceptr pointer) {
  const auto it = managedRegions_.find(pointer);
  if (it == managedRegions_.end()) {
    return;
  }
  ::munmap(it->second.data, it->second.size); // our own mapping (of a memfd, or again of a slice)
  if (it->second.guestOffset != ~std::uint64_t{0}) {
    limits_.guestRegions->release(guestRegion_, it->second.guestOffset, id_); // the slice itself
  } else {
    mappedClientBytes_ -= it->second.size;
  }
  managedRegions_.erase(it);
}

// On a real GPU host memory shared with a client is pinned for the driver as well (direct,
// asynchronous DMA); where that fails, copies treat it as pageable memory: slower, still correct.
void Session::pinForDriver(std::uint8_t* data, std::uint64_t bytes, const char* what) {
  if (limits_.driver != nullptr && backend_ != nullptr) {
    if (const CUresult result = backend_->hostRegister(data, bytes); result != CUDA_SUCCESS) {
      log::writef(log::Level::Info, kComponent, "session %llu: %s of %llu bytes not registered with the driver (%d)",
                  static_cast<unsigned long long>(id_), what, static_cast<unsigned long long>(bytes),
                  static_cast<int>(result));
    }
  }
}

CUresult Session::attachGuestRegion(const RegionId& regionId, std::uint64_t bytes, RegionSlice& out,
                                    std::string& error) {
  GuestRegions* regions = limits_.guestRegions;
  const int region = regions != nullptr ? regions->find(regionId) : -1;
  if (region < 0) {
    error = "no guest region of vgpud has that id";
    return CUDA_ERROR_NOT_FOUND;
  }
  if (shared_ != nullptr || bytes == 0 || bytes > kMaxSharedBytes) {
    error = shared_ != nullptr ? "the session already has a shared-memory region" : "bad staging size";
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!regions->allocate(region, bytes, id_, out)) {
    error = "no room left in guest region " + regions->path(region);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  guestRegion_ = region;
  shared_ = out.data;
  sharedSize_ = out.bytes;
  pinForDriver(shared_, sharedSize_, "guest staging slice");
  log::writef(log::Level::Info, kComponent, "session %llu: attached guest region %s, staging slice of %llu bytes",
              static_cast<unsigned long long>(id_), regions->path(region).c_str(),
              static_cast<unsigned long long>(out.bytes));
  return CUDA_SUCCESS;
}

std::uint64_t Session::allocateInGuestRegion(std::uint64_t bytes, RegionSlice& out) {
  if (guestRegion_ < 0 || hostRegions_.size() + managedRegions_.size() >= kMaxHostRegions ||
      !limits_.guestRegions->allocate(guestRegion_, bytes, id_, out)) {
    return 0;
  }
  const std::uint64_t id = nextHostRegion_++;
  hostRegions_[id] = {out.data, out.bytes, out.offset};
  pinForDriver(out.data, out.bytes, "guest pinned slice");
  return id;
}

bool Session::unregisterHostRegion(std::uint64_t id) {
  const auto it = hostRegions_.find(id);
  if (it == hostRegions_.end()) {
    return false;
  }
  // Graphs that copy with the region go first (a launch of theirs in flight completes).
  std::vector<std::uint64_t> dependents;
  for (const auto& [graph, regions] : graphRegions_) {
    if (std::find(regions.begin(), regions.end(), id) != regions.end()) {
      dependents.push_back(graph);
    }
  }
  for (const std::uint64_t graph : dependents) {
    if (backend_ != nullptr) {
      backend_->graphDestroy(graph);
    }
    countGraph(graph, 0);
  }
  if (limits_.driver != nullptr && backend_ != nullptr) {
    backend_->hostUnregister(it->second.data);
  }
  if (it->second.guestOffset != ~std::uint64_t{0}) {
    limits_.guestRegions->release(guestRegion_, it->second.guestOffset, id_);
  } else {
    ::munmap(it->second.data, it->second.size);
    mappedClientBytes_ -= it->second.size;
  }
  hostRegions_.erase(it);
  return true;
}

void Session::refreshFigures() {
  std::uint64_t total = 0;
  for (int device = 0; device < deviceCount_; ++device) {
    cuda::MemoryUsage usage;
    if (backend_->memUsage(device, usage) == CUDA_SUCCESS) {
      total += usage.usedBytes;
      if (figures_ != nullptr && static_cast<std::size_t>(device) < kFigureDevices) {
        figures_->devices[static_cast<std::size_t>(device)].usedBytes.store(usage.usedBytes);
      }
    }
  }
  if (figures_ != nullptr) {
    figures_->deviceBytes.store(total);
    figures_->hostBytes.store(moduleStaging_.size() + loadedModuleBytes_ + heldGraphBytes_);
  }
}

void Session::publishClient(const wire::HelloRequest& hello, const std::vector<wire::DeviceSnapshot>& devices) {
  if (figures_ == nullptr) {
    return;
  }
  figures_->clientPid = hello.processId;
  setFigureText(figures_->clientProcess, hello.processName);
  setFigureText(figures_->clientName, hello.clientName);
  figures_->deviceCount = static_cast<std::uint32_t>(devices.size());
  for (std::size_t i = 0; i < devices.size() && i < kFigureDevices; ++i) {
    FigureDevice& figure = figures_->devices[i];
    setFigureText(figure.name, devices[i].name);
    const std::size_t length = std::min(devices[i].pciBusId.size(), figure.pciBusId.size() - 1);
    std::copy_n(devices[i].pciBusId.data(), length, figure.pciBusId.data());
    figure.uuid = devices[i].uuid;
    figure.totalBytes = devices[i].totalMemoryBytes;
  }
  figures_->state.store(static_cast<std::uint8_t>(SessionState::Active));
  figures_->helloDone.store(true, std::memory_order_release);
}

void Session::followPriority() {
  if (figures_ == nullptr) {
    return;
  }
  const auto wanted = static_cast<SessionPriority>(figures_->priority.load(std::memory_order_relaxed));
  if (wanted == appliedPriority_) {
    return;
  }
  cpuPriority_ = changeCpuPriority(cpuPriority_.baseNice, wanted);
  appliedPriority_ = wanted;
  limits_.priority = wanted; // streams created from now on
  log::writef(log::Level::Info, kComponent, "session %llu: priority now %.*s, nice %d",
              static_cast<unsigned long long>(id_), static_cast<int>(priorityName(wanted).size()),
              priorityName(wanted).data(), cpuPriority_.nice);
}

void Session::countCall(CUresult result, std::optional<std::uint64_t> nanoseconds) {
  if (figures_ == nullptr) {
    return;
  }
  // This session is its slot's only writer: a load and a store, no locked instruction.
  auto bump = [](std::atomic<std::uint64_t>& counter) {
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  };
  bump(figures_->calls);
  if (result != CUDA_SUCCESS) {
    bump(figures_->errors);
  }
  // An asynchronous call (a launch in a burst of thousands) is counted, not timed: its latency is
  // not what the client waits for, and the clock would cost a launch stream a measurable share.
  // Its activity reaches the slot at the next synchronous call, or every 256 asynchronous ones.
  if (!nanoseconds && ++untimedCalls_ % 256 != 0) {
    return;
  }
  if (nanoseconds) {
    bump(figures_->latency[telemetry::latencyBucket(*nanoseconds)]);
  }
  if (backend_ != nullptr) {
    const cuda::BackendCounters counters = backend_->counters();
    figures_->launches.store(counters.kernelLaunches, std::memory_order_relaxed);
    figures_->bytesHostToDevice.store(counters.bytesHostToDevice, std::memory_order_relaxed);
    figures_->bytesDeviceToHost.store(counters.bytesDeviceToHost, std::memory_order_relaxed);
  }
}

bool Session::draining() const {
  return figures_ != nullptr &&
         figures_->state.load(std::memory_order_relaxed) == static_cast<std::uint8_t>(SessionState::Draining);
}

bool Session::wouldExceedHostMemory(std::uint64_t bytes) {
  if (limits_.driver != nullptr || limits_.bounds.simMemoryBytes == 0) {
    return false;
  }
  std::uint64_t held = moduleStaging_.size() + loadedModuleBytes_;
  for (int device = 0; backend_ != nullptr && device < deviceCount_; ++device) {
    cuda::MemoryUsage usage;
    if (backend_->memUsage(device, usage) == CUDA_SUCCESS) {
      held += usage.usedBytes;
    }
  }
  return bytes > limits_.bounds.simMemoryBytes || held > limits_.bounds.simMemoryBytes - bytes;
}

void Session::countModule(std::uint64_t module, std::uint64_t bytes) {
  if (bytes == 0) {
    if (const auto it = moduleBytes_.find(module); it != moduleBytes_.end()) {
      loadedModuleBytes_ -= it->second;
      moduleBytes_.erase(it);
    }
    return;
  }
  moduleBytes_[module] = bytes;
  loadedModuleBytes_ += bytes;
}

bool Session::graphFits(std::uint64_t graph, std::uint64_t bytes) const {
  std::uint64_t others = heldGraphBytes_;
  if (const auto it = graphBytes_.find(graph); it != graphBytes_.end()) {
    others -= it->second;
  }
  return bytes <= limits_.bounds.graphBytes && others <= limits_.bounds.graphBytes - bytes;
}

void Session::countGraph(std::uint64_t graph, std::uint64_t bytes, std::vector<std::uint64_t> regions) {
  if (const auto it = graphBytes_.find(graph); it != graphBytes_.end()) {
    heldGraphBytes_ -= it->second;
    graphBytes_.erase(it);
  }
  graphRegions_.erase(graph);
  if (bytes != 0) {
    graphBytes_[graph] = bytes;
    heldGraphBytes_ += bytes;
    if (!regions.empty()) {
      graphRegions_[graph] = std::move(regions);
    }
  }
  refreshFigures();
}

bool Session::readMore() {
  const std::span<std::uint8_t> room = input_.writable(kReadChunk);
  iovec vector{room.data(), room.size()};
  // Room for more descriptors than a message may carry, so extras arrive here and are closed
  // (a buffer sized for one still fits two ints in its padding, and the second would leak).
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kControlDescriptors)];
  msghdr message{};
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  ssize_t n = 0;
  do {
    n = ::recvmsg(fd_, &message, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    input_.produced(static_cast<std::size_t>(n));
  }
  std::size_t kept = 0;
  std::size_t refused = 0;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr; header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) {
      continue;
    }
    const std::size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int received = -1;
      std::memcpy(&received, CMSG_DATA(header) + i * sizeof(int), sizeof received);
      FileDescriptor descriptor(received);
      if (kept >= limits_.bounds.descriptorsPerMessage) {
        ++refused;
        continue; // closed here
      }
      ++kept;
      if (!helloDone_ && !sharedFd_.valid()) {
        sharedFd_ = std::move(descriptor); // the hello's shared-memory region
      } else if (helloDone_ && receivedFds_.size() < kMaxQueuedFds) {
        receivedFds_.push_back(std::move(descriptor)); // for the RegisterHost frame it came with
      } else {
        ++refused;
      }
    }
  }
  if (refused > 0 || (message.msg_flags & MSG_CTRUNC) != 0) {
    // Said once per session at warn; a peer that keeps doing it must not flood the log.
    log::writef(std::exchange(warnedDescriptors_, true) ? log::Level::Debug : log::Level::Warn, kComponent,
                "session %llu: pid %d sent %zu descriptor(s) more than allowed%s; closed them",
                static_cast<unsigned long long>(id_), static_cast<int>(peer_.pid), refused,
                (message.msg_flags & MSG_CTRUNC) != 0 ? " (some truncated by the kernel)" : "");
  }
  return n > 0;
}

void Session::serve() {
  if (figures_ == nullptr) {
    log::writef(log::Level::Warn, kComponent, "refused pid %d: %zu sessions are the most vgpud serves at once",
                static_cast<int>(peer_.pid), SessionRegistry::kMaxSessions);
    ::shutdown(fd_, SHUT_RDWR);
    return;
  }
  log::writef(log::Level::Info, kComponent, "session %llu: pid %d uid %u connected",
              static_cast<unsigned long long>(id_), static_cast<int>(peer_.pid), peer_.uid);
  // Bytes the accept loop already read (a network client's hello) are handled before reading more.
  bool open = input_.readable().empty() || (handleFrames() && flush());
  while (open && readMore() && handleFrames() && flush()) {
  }
  ::shutdown(fd_, SHUT_RDWR);
  backend_.reset();
  figures_->deviceBytes.store(0); // at once: the daemon frees a worker's slot only when it reaps it
  log::writef(
      log::Level::Info, kComponent, "session %llu: pid %d ended after %llu replies; everything it held is freed",
      static_cast<unsigned long long>(id_), static_cast<int>(peer_.pid), static_cast<unsigned long long>(replies_));
}

bool Session::flush() {
  if (output_.empty()) {
    return true;
  }
  const bool ok = writeAll(fd_, output_);
  output_.clear();
  return ok;
}

void Session::sendError(const wire::Header& header, wire::ProtocolError code, const std::string& message) {
  wire::appendFrame(output_, wire::Call::Error, header.requestId, 0,
                    wire::encodeErrorReply({static_cast<std::uint32_t>(code), message}), header.version);
}

bool Session::handleHello(const wire::Header& header, std::span<const std::uint8_t> payload) {
  wire::HelloRequest hello;
  if (!wire::decodeHello(payload, hello)) {
    log::writef(log::Level::Warn, kComponent, "session %llu: malformed hello; closing",
                static_cast<unsigned long long>(id_));
    return false;
  }
  if (token_ != nullptr && !tokensEqual(*token_, hello.token)) {
    log::writef(log::Level::Warn, kComponent, "session %llu: tcp client presented a wrong token; closing",
                static_cast<unsigned long long>(id_));
    sendError(header, wire::ProtocolError::AuthenticationFailed, "authentication failed");
    return false;
  }
  const std::uint16_t version = wire::negotiateVersion(hello.minVersion, hello.maxVersion);
  if (version == 0) {
    const std::string text = "protocol version mismatch: client speaks " + std::to_string(hello.minVersion) + ".." +
                             std::to_string(hello.maxVersion) + ", this vgpud speaks " +
                             std::to_string(wire::kMinProtocolVersion) + ".." + std::to_string(wire::kProtocolVersion);
    log::writef(log::Level::Warn, kComponent, "session %llu: %s", static_cast<unsigned long long>(id_), text.c_str());
    sendError(header, wire::ProtocolError::VersionMismatch, text);
    return false;
  }
  if (hello.devices.size() > limits_.bounds.maxDevices) {
    const std::string text = "hello asks for " + std::to_string(hello.devices.size()) +
                             " devices; this vgpud serves at most " + std::to_string(limits_.bounds.maxDevices) +
                             " per session (max-devices)";
    log::writef(log::Level::Warn, kComponent, "session %llu: %s", static_cast<unsigned long long>(id_), text.c_str());
    sendError(header, wire::ProtocolError::LimitReached, text);
    return false;
  }
  if (hello.sharedMemoryBytes > 0) {
    std::string error;
    shared_ = sharedFd_.valid() && hello.sharedMemoryBytes <= kMaxSharedBytes
                  ? mapClientRegion(sharedFd_.get(), hello.sharedMemoryBytes, error)
                  : nullptr;
    if (shared_ == nullptr) {
      sendError(header, wire::ProtocolError::SharedMemory,
                "shared memory: " + (error.empty() ? std::string("no memfd came with hello") : error));
      return false;
    }
    sharedSize_ = hello.sharedMemoryBytes;
    sharedFd_.reset(); // the mapping keeps the region
  }
  wire::HelloReply reply;
  reply.version = version;
  reply.sessionId = id_;
  reply.daemonVersion = VGPU_VERSION_STRING;
  reply.backend = limits_.driver != nullptr ? "cuda" : "sim";
  std::string error;
  backend_ = limits_.driver != nullptr
                 ? makeCudaDevices(*limits_.driver, hello.devices, limits_.vramQuotaBytes, limits_.priority,
                                   reply.devices, error)
                 : makeSimulatedDevices(hello.devices, limits_.vramQuotaBytes, reply.devices, error);
  if (backend_ == nullptr) {
    sendError(header, wire::ProtocolError::DeviceSetup, error);
    return false;
  }
  // On a real GPU the hello region is pinned for the driver too: staged copies are then direct DMA
  // (each completes before its frame is answered; see session_calls.cpp). Where pinning fails they
  // are pageable copies, slower but the same.
  if (limits_.driver != nullptr && shared_ != nullptr) {
    if (const CUresult result = backend_->hostRegister(shared_, sharedSize_); result != CUDA_SUCCESS) {
      log::writef(log::Level::Info, kComponent, "session %llu: shared region not pinned for the driver (%d)",
                  static_cast<unsigned long long>(id_), static_cast<int>(result));
    }
  }
  deviceCount_ = static_cast<int>(reply.devices.size());
  helloDone_ = true;
  publishClient(hello, reply.devices);
  wire::appendFrame(output_, wire::Call::Hello, header.requestId, 0, wire::encodeHelloReply(reply));
  ++replies_;
  log::writef(log::Level::Info, kComponent, "session %llu: pid %d, %s, %d %s device(s), shared memory %llu bytes",
              static_cast<unsigned long long>(id_), static_cast<int>(peer_.pid), hello.clientName.c_str(), deviceCount_,
              limits_.driver != nullptr ? "cuda" : "simulated", static_cast<unsigned long long>(sharedSize_));
  const std::string_view level = priorityName(limits_.priority);
  log::writef(log::Level::Info, kComponent, "session %llu: priority %.*s, served by thread %d at nice %d%s",
              static_cast<unsigned long long>(id_), static_cast<int>(level.size()), level.data(),
              static_cast<int>(::gettid()), cpuPriority_.nice, cpuPriority_.refused ? " (nice -5 not permitted)" : "");
  return true;
}

bool Session::handleFrames() {
  while (true) {
    const std::span<const std::uint8_t> available = input_.readable();
    wire::Header header;
    const wire::DecodeStatus status = wire::decodeHeader(available, header);
    if (status == wire::DecodeStatus::NeedMore) {
      return true;
    }
    if (status == wire::DecodeStatus::BadVersion) {
      const std::string text = "protocol version " + std::to_string(header.version) + " is not spoken here; vgpud " +
                               VGPU_VERSION_STRING + " speaks " + std::to_string(wire::kMinProtocolVersion) + ".." +
                               std::to_string(wire::kProtocolVersion);
      log::writef(log::Level::Warn, kComponent, "session %llu: %s; closing", static_cast<unsigned long long>(id_),
                  text.c_str());
      sendError(header, wire::ProtocolError::VersionMismatch, text);
      flush();
      return false;
    }
    if (status != wire::DecodeStatus::Ok) {
      const auto reason = wire::describe(status);
      log::writef(log::Level::Warn, kComponent, "session %llu: pid %d sent a bad frame (%.*s); closing",
                  static_cast<unsigned long long>(id_), static_cast<int>(peer_.pid), static_cast<int>(reason.size()),
                  reason.data());
      return false;
    }
    if (available.size() < wire::kHeaderSize + header.payloadLength) {
      return true;
    }
    // The payload stays valid until the next read: consuming only moves the buffer's start.
    const auto payload = available.subspan(wire::kHeaderSize, header.payloadLength);
    input_.consume(wire::kHeaderSize + header.payloadLength);
    const bool async = (header.flags & wire::kFlagAsync) != 0;

    if (header.call == static_cast<std::uint16_t>(wire::Call::Version) && payload.empty()) {
      wire::appendFrame(output_, wire::Call::Version, header.requestId, 0,
                        wire::encodeVersionReply({wire::kProtocolVersion, VGPU_VERSION_STRING}));
      continue;
    }
    if (header.call == static_cast<std::uint16_t>(wire::Call::Hello)) {
      if (helloDone_ || !handleHello(header, payload)) {
        flush();
        return false;
      }
      continue;
    }
    const CallEntry* entry = findCall(header.call);
    if (entry == nullptr && !helloDone_ && token_ != nullptr) {
      return false; // a network peer learns nothing before it has authenticated
    }
    if (entry == nullptr) {
      sendError(header, wire::ProtocolError::UnknownCall, "unknown call " + std::to_string(header.call));
      continue;
    }
    if (!helloDone_ && (entry->call != wire::Call::Status || token_ != nullptr)) {
      sendError(header, wire::ProtocolError::HelloFirst, "hello first: no session yet");
      flush();
      return false;
    }
    // The reply is written in place at the end of the send buffer: header and status first (filled
    // in below), then the handler's fields, so a large reply is copied once.
    wire::Reader request(payload);
    const std::size_t frameAt = output_.size();
    output_.resize(frameAt + wire::kHeaderSize + sizeof(std::int32_t));
    wire::Writer reply(output_);
    CUresult result = CUDA_SUCCESS;
    followPriority();
    const auto started = async ? std::chrono::steady_clock::time_point{} : std::chrono::steady_clock::now();
    if (entry->newWork && draining()) {
      result = CUDA_ERROR_NOT_PERMITTED; // an admin drained the session: nothing new starts
      request = wire::Reader({});
    } else {
      try {
        result = entry->handler(*this, request, reply, async);
      } catch (const std::exception& failure) {
        // Whatever a client sends ends at most its own session, never the daemon.
        log::writef(log::Level::Warn, kComponent, "session %llu: call %u failed (%s); closing",
                    static_cast<unsigned long long>(id_), header.call, failure.what());
        return false;
      }
    }
    countCall(result, async ? std::nullopt
                            : std::optional<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                               std::chrono::steady_clock::now() - started)
                                                               .count()));
    if (!request.atEnd()) {
      log::writef(log::Level::Warn, kComponent, "session %llu: malformed payload for call %u; closing",
                  static_cast<unsigned long long>(id_), header.call);
      return false;
    }
    if (async) {
      output_.resize(frameAt); // no reply
      if (result != CUDA_SUCCESS && pendingError_ == CUDA_SUCCESS) {
        pendingError_ = result;
      }
      continue;
    }
    if (entry->synchronizing && pendingError_ != CUDA_SUCCESS) {
      if (result == CUDA_SUCCESS) {
        result = pendingError_;
      }
      pendingError_ = CUDA_SUCCESS;
    }
    if (result != CUDA_SUCCESS) {
      output_.resize(frameAt + wire::kHeaderSize + sizeof(std::int32_t)); // a failure carries no fields
    }
    wire::Header replyHeader;
    replyHeader.call = static_cast<std::uint16_t>(entry->call);
    replyHeader.requestId = header.requestId;
    replyHeader.payloadLength = static_cast<std::uint32_t>(output_.size() - frameAt - wire::kHeaderSize);
    wire::encodeHeader(replyHeader,
                       std::span<std::uint8_t, wire::kHeaderSize>(output_.data() + frameAt, wire::kHeaderSize));
    const auto wireResult = static_cast<std::int32_t>(result);
    std::memcpy(output_.data() + frameAt + wire::kHeaderSize, &wireResult, sizeof wireResult);
    ++replies_;
    // Replies of a large batch go out as they pass the bound (the client reads them as it goes):
    // a batch of small requests for large replies must not grow vgpud by their sum. Large replies
    // (a copy's data) go out one by one, so the client receives one while the next is produced.
    if (output_.size() >= std::min<std::uint64_t>(limits_.bounds.replyBytes, kStreamReplyBytes) && !flush()) {
      return false;
    }
  }
}

} // namespace vgpu::daemon
