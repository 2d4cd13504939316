// RemoteBackend: hello and the device snapshot, memory (device allocations remote, host-side kinds
// local), VMM, streams, events, modules, counters. Copies, memsets and launches: remote_transfer.cpp.
#include "remote/remote_backend.h"
#include "backend/backend_wire.h"
#include "backend/stream_attribute_wire.h"
#include "remote/wire_result.h"

#include "vgpu/log.h"
#include "vgpu/version.h"
#include "vgpu/wire_codec.h"

#include <algorithm>
#include <atomic>
#include <cerrno> // program_invocation_short_name (glibc, _GNU_SOURCE)
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace vgpu::cuda::remote {
namespace {

using wire::Call;

constexpr std::uint64_t kLocalIdBase = std::uint64_t{1} << 62; // host-side allocation ids, never vgpud's
constexpr std::size_t kInlinePart = std::size_t{512} * 1024;   // module image parts without shared memory

constexpr std::string_view kLimitations =
    "remote executor (vgpud): host-side memory (pinned, registered) stays in this process; managed memory is host "
    "memory shared with vgpud (Unix sockets only), which a GPU reaches over the bus; copies to host memory complete "
    "before they return";

} // namespace

RemoteBackend::~RemoteBackend() {
  for (const auto& [address, size] : addressReservations_) {
    ::munmap(address, size);
  }
}

CUresult RemoteBackend::connect(const ConnectionSettings& settings, const std::vector<wire::ExpectedDevice>& expected,
                                std::string& error) {
  const std::lock_guard lock(mutex_);
  wire::HelloRequest hello;
  hello.minVersion = wire::kMinProtocolVersion;
  hello.maxVersion = wire::kProtocolVersion;
  hello.processId = static_cast<std::uint32_t>(::getpid());
  hello.clientName = std::string("libvgpu-cuda ") + VGPU_VERSION_STRING;
  hello.processName = program_invocation_short_name; // glibc: argv[0]'s last component, for the host's view
  hello.devices = expected;
  wire::HelloReply reply;
  if (const CUresult status = connection_.open(settings, hello, reply, error); status != CUDA_SUCCESS) {
    return status;
  }
  if (reply.devices.size() != expected.size()) {
    error = "vgpud at " + settings.endpoint + " offers " + std::to_string(reply.devices.size()) +
            " device(s) where the bus has " + std::to_string(expected.size());
    return CUDA_ERROR_NO_DEVICE;
  }
  backendName_ = reply.backend;
  sessionId_ = reply.sessionId;
  for (const wire::DeviceSnapshot& device : reply.devices) {
    if (device.addressSize == 0) {
      continue;
    }
    void* wanted = reinterpret_cast<void*>(device.addressBase);
    void* got = ::mmap(wanted, device.addressSize, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (got == wanted) {
      addressReservations_.emplace_back(got, device.addressSize);
      continue;
    }
    if (got != MAP_FAILED) {
      ::munmap(got, device.addressSize); // an old kernel placed it elsewhere: not the range we need
    }
    log::writef(log::Level::Warn, "remote",
                "vgpud's device addresses [0x%llx, +%llu) overlap this process's memory: a unified-address copy "
                "from host memory there would be taken for device memory",
                static_cast<unsigned long long>(device.addressBase),
                static_cast<unsigned long long>(device.addressSize));
  }
  for (std::size_t i = 0; i < reply.devices.size(); ++i) {
    auto remote = std::make_unique<RemoteDevice>();
    remote->snapshot = std::move(reply.devices[i]);
    remote->key = expected[i].profileKey;
    const wire::DeviceSnapshot& s = remote->snapshot;
    for (std::size_t a = 0; a < s.attributes.size(); ++a) {
      remote->attributes.push_back(
          {static_cast<CUdevice_attribute>(a + 1), s.attributes[a].value, resultFromWire(s.attributes[a].result)});
    }
    device::DeviceProfile& profile = remote->profile;
    profile.key = remote->key;
    profile.name = s.name;
    profile.architecture = s.architecture;
    profile.ccMajor = s.ccMajor;
    profile.ccMinor = s.ccMinor;
    profile.totalMemoryBytes =
        s.memoryQuotaBytes != 0 && s.memoryQuotaBytes < s.totalMemoryBytes ? s.memoryQuotaBytes : s.totalMemoryBytes;
    profile.multiProcessorCount = s.multiProcessorCount;
    profile.clockRateKHz = s.clockRateKHz;
    profile.memoryClockRateKHz = s.memoryClockRateKHz;
    profile.memoryBusWidthBits = s.memoryBusWidthBits;
    profile.l2CacheBytes = s.l2CacheBytes;
    profile.sharedMemPerBlockOptin = s.sharedMemPerBlockOptin;
    profile.maxThreadsPerMultiProcessor = s.maxThreadsPerMultiProcessor;
    profile.source = "vgpud device snapshot";
    profile.attributes = remote->attributes;
    devices_.push_back(std::move(remote));
  }
  return CUDA_SUCCESS;
}

std::uint64_t RemoteBackend::roundTrips() const {
  const std::lock_guard lock(mutex_);
  return connection_.roundTrips();
}

CUresult RemoteBackend::daemonStatus(std::uint32_t& sessions, std::uint64_t& deviceBytes) {
  const std::lock_guard lock(mutex_);
  wire::ReplyOf<Call::Status> reply;
  const CUresult status = callDefined<Call::Status>({}, reply);
  sessions = reply.sessions;
  deviceBytes = reply.deviceBytes;
  return status;
}

std::string RemoteBackend::describe() const {
  return "remote " + connection_.endpoint() + " (" + (backendName_ == "sim" ? "simulated" : backendName_) + ")";
}

std::string_view RemoteBackend::limitations() const {
  return kLimitations;
}

CUresult RemoteBackend::call(Call call, const std::vector<std::uint8_t>& payload,
                             std::vector<std::uint8_t>& fields) const {
  return connection_.call(call, payload, fields);
}

CUresult RemoteBackend::post(Call call, const std::vector<std::uint8_t>& payload) {
  return connection_.post(call, payload);
}

CUresult RemoteBackend::memAlloc(int device, std::size_t bytes, CUdeviceptr& out) {
  const std::lock_guard lock(mutex_);
  wire::ReplyOf<Call::MemAlloc> reply;
  const CUresult status =
      callDefined<Call::MemAlloc>({static_cast<std::int32_t>(device), std::uint64_t{bytes}, std::uint8_t{0}}, reply);
  if (status != CUDA_SUCCESS) {
    return status;
  }
  out = reply.pointer;
  allocations_[out] = {static_cast<std::size_t>(reply.size), device, reply.allocationId, 0};
  return CUDA_SUCCESS;
}

// Managed memory is memory this process and vgpud both map at one address, which vgpud's kernel
// picks (vgpud takes no address from a client): a sealed memfd over a Unix socket, a slice of the
// guest region in a VM guest. The host and the device then use the same pointer and the same bytes,
// kept coherent by being one memory. Where that address is taken here, another try gets another
// (the refused ones held until the end, so vgpud cannot hand one back). Over TCP or vsock without
// a guest region there is nothing to share: NOT_SUPPORTED, said once.
CUresult RemoteBackend::memAllocManaged(int device, std::size_t bytes, CUdeviceptr& out) {
  if (bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(mutex_);
  connection_.attachOfferedRegion();
  const bool inRegion = connection_.hasRegion();
  if (connection_.sharedSize() == 0) {
    static std::atomic<bool> said{false};
    if (!said.exchange(true)) {
      log::write(log::Level::Warn, "remote",
                 "managed memory needs memory shared with vgpud: a Unix-socket session, or a VM guest's shared-memory "
                 "device; over TCP or vsock without one it is not offered");
    }
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t mapped = (bytes + page - 1) / page * page;
  constexpr int kTries = 4;
  std::vector<CUdeviceptr> refused;
  CUresult status = CUDA_ERROR_NOT_SUPPORTED;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    bool mappedHere = false;
    CUdeviceptr address = 0;
    status = inRegion ? tryManagedInRegion(device, mapped, address, mappedHere)
                      : tryManagedAt(device, mapped, address, mappedHere);
    if (status != CUDA_SUCCESS) {
      break;
    }
    if (mappedHere) {
      out = address;
      break;
    }
    refused.push_back(address);
    status = CUDA_ERROR_NOT_SUPPORTED;
  }
  for (const CUdeviceptr address : refused) {
    callDefined<Call::MemFree>({std::uint64_t{address}});
  }
  if (status == CUDA_ERROR_NOT_SUPPORTED && !refused.empty()) {
    log::writef(log::Level::Warn, "remote", "managed memory of %zu bytes: vgpud's addresses were taken here %zu times",
                bytes, refused.size());
  }
  return status;
}

CUresult RemoteBackend::tryManagedAt(int device, std::size_t mapped, CUdeviceptr& out, bool& mappedHere) {
  FileDescriptor memfd(::memfd_create("vgpu-managed", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!memfd.valid() || ::ftruncate(memfd.get(), static_cast<off_t>(mapped)) != 0 ||
      ::fcntl(memfd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  std::vector<std::uint8_t> fields;
  wire::ReplyOf<Call::ManagedAlloc> reply;
  const CUresult status = connection_.callWithDescriptor(
      Call::ManagedAlloc, wire::encode(wire::RequestOf<Call::ManagedAlloc>{static_cast<std::int32_t>(device), mapped}),
      memfd.get(), fields);
  if (status != CUDA_SUCCESS) {
    return status;
  }
  if (!wire::decode(std::span<const std::uint8_t>(fields), reply) || reply.pointer == 0) {
    return connection_.fail("ManagedAlloc's reply has no address");
  }
  out = reply.pointer;
  // MAP_FIXED_NOREPLACE never replaces a mapping of ours; a kernel before 4.17 ignores the flag and
  // may place it elsewhere, which counts as taken too.
  void* here = ::mmap(reinterpret_cast<void*>(reply.pointer), mapped, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_FIXED_NOREPLACE, memfd.get(), 0);
  if (here != MAP_FAILED && here != reinterpret_cast<void*>(reply.pointer)) {
    ::munmap(here, mapped);
    here = MAP_FAILED;
  }
  mappedHere = here != MAP_FAILED;
  if (mappedHere) {
    allocations_[out] = {static_cast<std::size_t>(reply.size), device, reply.allocationId, 0, mapped};
  }
  return CUDA_SUCCESS;
}

CUresult RemoteBackend::tryManagedInRegion(int device, std::size_t bytes, CUdeviceptr& out, bool& mappedHere) {
  wire::ReplyOf<Call::RegionManagedAlloc> reply;
  if (const CUresult status =
          callDefined<Call::RegionManagedAlloc>({static_cast<std::int32_t>(device), std::uint64_t{bytes}}, reply);
      status != CUDA_SUCCESS) {
    return status;
  }
  if (reply.pointer == 0 || reply.size < bytes) {
    return connection_.fail("RegionManagedAlloc's reply has no address or too small a slice");
  }
  out = reply.pointer;
  mappedHere = connection_.mapRegionAt(reply.offset, reply.size, reply.pointer);
  if (mappedHere) {
    allocations_[out] = {static_cast<std::size_t>(reply.size), device, reply.allocationId, 0,
                         static_cast<std::size_t>(reply.size)};
  }
  return CUDA_SUCCESS;
}

CUresult RemoteBackend::memFree(CUdeviceptr pointer) {
  const std::lock_guard lock(mutex_);
  const CUresult status = callDefined<Call::MemFree>({std::uint64_t{pointer}});
  if (status == CUDA_SUCCESS) {
    if (const auto it = allocations_.find(pointer); it != allocations_.end() && it->second.managedMapping != 0) {
      ::munmap(reinterpret_cast<void*>(pointer), it->second.managedMapping); // vgpud is done with it
    }
    allocations_.erase(pointer);
  }
  return status;
}

void RemoteBackend::useGuestRegion(const device::ShimConfig& config) {
  const std::lock_guard lock(mutex_);
  if (connection_.sharedSize() != 0) {
    return; // a Unix session already shares memory with vgpud
  }
  GuestRegionMapping mapping;
  std::string error;
  if (!mapGuestRegion(config, mapping, error)) {
    log::writef(error.empty() ? log::Level::Debug : log::Level::Warn, "remote",
                "no shared-memory device%s%s: bulk data travels through the socket", error.empty() ? "" : ": ",
                error.c_str());
    return;
  }
  connection_.offerRegion(mapping); // attached at the first bulk transfer: cuInit stays one round trip
}

// Pinned memory is a sealed memfd shared with vgpud (RegisterHost), so copies to and from it move
// the data once, vgpud reading or writing it in place; plain anonymous memory when vgpud cannot
// take it. In a VM guest with the shared-memory device: a slice of that.
CUresult RemoteBackend::hostAlloc(std::size_t bytes, void*& out) {
  if (bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  {
    // In a VM guest with the shared-memory device, pinned memory is a slice of it: vgpud reads and
    // writes it in place, and no byte of a copy from it crosses the socket.
    const std::lock_guard lock(mutex_);
    connection_.attachOfferedRegion();
    RegionSliceReply slice;
    if (connection_.hasRegion() && connection_.allocateInRegion(bytes, slice) == CUDA_SUCCESS) {
      hostRegions_[reinterpret_cast<std::uintptr_t>(slice.data)] = {
          bytes, MemoryKind::Host, kLocalIdBase + nextHostId_++, true, slice.hostRegion, true};
      out = slice.data;
      return CUDA_SUCCESS;
    }
  }
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t mapped = (bytes + page - 1) / page * page;
  FileDescriptor memfd(::memfd_create("vgpu-pinned", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  void* memory = MAP_FAILED;
  if (memfd.valid() && ::ftruncate(memfd.get(), static_cast<off_t>(mapped)) == 0 &&
      ::fcntl(memfd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) == 0) {
    memory = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_SHARED, memfd.get(), 0);
  }
  if (memory == MAP_FAILED) {
    memory = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memfd.reset();
  }
  if (memory == MAP_FAILED) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  const std::lock_guard lock(mutex_);
  std::uint64_t remoteId = 0;
  if (memfd.valid() && connection_.sharedSize() != 0 && !connection_.hasRegion()) { // Unix sockets only
    std::vector<std::uint8_t> fields;
    wire::ReplyOf<Call::RegisterHost> reply;
    if (connection_.callWithDescriptor(Call::RegisterHost, wire::encode(wire::RequestOf<Call::RegisterHost>{mapped}),
                                       memfd.get(), fields) == CUDA_SUCCESS &&
        wire::decode(std::span<const std::uint8_t>(fields), reply)) {
      remoteId = reply.handle;
    }
  }
  hostRegions_[reinterpret_cast<std::uintptr_t>(memory)] = {bytes, MemoryKind::Host, kLocalIdBase + nextHostId_++, true,
                                                            remoteId};
  out = memory;
  return CUDA_SUCCESS;
}

CUresult RemoteBackend::hostFree(void* pointer) {
  const std::lock_guard lock(mutex_);
  const auto it = hostRegions_.find(reinterpret_cast<std::uintptr_t>(pointer));
  if (it == hostRegions_.end() || !it->second.owned) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (it->second.remoteId != 0) {
    // Queued behind any copy still using the region; vgpud's own mapping keeps it valid until then.
    postDefined<Call::UnregisterHost>({it->second.remoteId});
  }
  if (!it->second.inGuestRegion) {
    ::munmap(pointer, it->second.size);
  }
  hostRegions_.erase(it);
  return CUDA_SUCCESS;
}

std::uint64_t RemoteBackend::sharedHostRegion(const void* address, std::size_t bytes, std::uint64_t& offset) const {
  const auto value = reinterpret_cast<std::uintptr_t>(address);
  auto it = hostRegions_.upper_bound(value);
  if (it == hostRegions_.begin()) {
    return 0;
  }
  --it;
  if (it->second.remoteId == 0 || value - it->first > it->second.size ||
      bytes > it->second.size - (value - it->first)) {
    return 0;
  }
  offset = value - it->first;
  return it->second.remoteId;
}

CUresult RemoteBackend::hostRegister(void* pointer, std::size_t bytes) {
  if (pointer == nullptr || bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(mutex_);
  const auto address = reinterpret_cast<std::uintptr_t>(pointer);
  auto next = hostRegions_.lower_bound(address);
  if ((next != hostRegions_.end() && next->first < address + bytes) ||
      (next != hostRegions_.begin() && std::prev(next)->first + std::prev(next)->second.size > address)) {
    return CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED;
  }
  hostRegions_[address] = {bytes, MemoryKind::HostRegistered, kLocalIdBase + nextHostId_++, false};
  return CUDA_SUCCESS;
}

CUresult RemoteBackend::hostUnregister(void* pointer) {
  const std::lock_guard lock(mutex_);
  const auto it = hostRegions_.find(reinterpret_cast<std::uintptr_t>(pointer));
  if (it == hostRegions_.end() || it->second.owned) {
    return CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED;
  }
  hostRegions_.erase(it);
  return CUDA_SUCCESS;
}

CUresult RemoteBackend::memGetInfo(int device, std::size_t& freeBytes, std::size_t& totalBytes) {
  const std::lock_guard lock(mutex_);
  wire::ReplyOf<Call::MemGetInfo> reply;
  const CUresult status = callDefined<Call::MemGetInfo>({static_cast<std::int32_t>(device)}, reply);
  freeBytes = reply.freeBytes;
  totalBytes = reply.totalBytes;
  return status;
}

void* RemoteBackend::localHost(CUdeviceptr address, std::size_t bytes) const {
  auto it = hostRegions_.upper_bound(address);
  if (it == hostRegions_.begin()) {
    return nullptr;
  }
  --it;
  if (address - it->first > it->second.size || bytes > it->second.size - (address - it->first)) {
    return nullptr;
  }
  return reinterpret_cast<void*>(address);
}

CUresult RemoteBackend::pointerInfo(CUdeviceptr pointer, PointerInfo& out) {
  const std::lock_guard lock(mutex_);
  if (auto it = hostRegions_.upper_bound(pointer); it != hostRegions_.begin()) {
    --it;
    if (pointer - it->first < it->second.size) {
      out = {it->second.kind, it->first, it->second.size, 0, reinterpret_cast<void*>(pointer), it->second.id};
      return CUDA_SUCCESS;
    }
  }
  if (auto it = allocations_.upper_bound(pointer); it != allocations_.begin()) {
    --it;
    if (pointer - it->first < it->second.size) {
      const bool managed = it->second.managedMapping != 0;
      out = {managed ? MemoryKind::Managed : MemoryKind::Device,   it->first,    it->second.size, it->second.device,
             managed ? reinterpret_cast<void*>(pointer) : nullptr, it->second.id};
      return CUDA_SUCCESS;
    }
  }
  auto reserved = reservations_.upper_bound(pointer);
  if (reserved == reservations_.begin() || pointer - std::prev(reserved)->first >= std::prev(reserved)->second) {
    return CUDA_ERROR_INVALID_VALUE; // not device memory of this session: no round trip needed
  }
  if (auto known = mappedInfo_.upper_bound(pointer); known != mappedInfo_.begin()) {
    --known;
    if (pointer - known->first < known->second.size) {
      out = known->second;
      return CUDA_SUCCESS;
    }
  }
  wire::ReplyOf<Call::PointerInfo> reply;
  const CUresult status = callDefined<Call::PointerInfo>({std::uint64_t{pointer}}, reply);
  out = pointerInfoFromWire(reply);
  if (status == CUDA_SUCCESS && out.size != 0 && pointer - out.base < out.size) {
    mappedInfo_[out.base] = out;
  }
  return status;
}

CUresult RemoteBackend::memUsage(int device, MemoryUsage& out) const {
  const std::lock_guard lock(mutex_);
  wire::ReplyOf<Call::MemUsage> reply;
  const CUresult status = callDefined<Call::MemUsage>({static_cast<std::int32_t>(device)}, reply);
  out = memoryUsageFromWire(reply);
  return status;
}

void RemoteBackend::resetMemoryPeaks() {
  const std::lock_guard lock(mutex_);
  callDefined<Call::ResetPeaks>({});
}

std::size_t RemoteBackend::allocationGranularity(int device) const {
  if (device < 0 || device >= deviceCount()) {
    return 0;
  }
  return static_cast<std::size_t>(devices_[static_cast<std::size_t>(device)]->snapshot.allocationGranularity);
}

CUresult RemoteBackend::physicalCreate(int device, std::size_t bytes, BackendPhysical& out) {
  const std::lock_guard lock(mutex_);
  wire::ReplyOf<Call::PhysicalCreate> reply;
  const CUresult status =
      callDefined<Call::PhysicalCreate>({static_cast<std::int32_t>(device), std::uint64_t{bytes}}, reply);
  out = reply.handle;
  return status;
}

CUresult RemoteBackend::physicalRelease(BackendPhysical handle) {
  const std::lock_guard lock(mutex_);
  return callDefined<Call::PhysicalRelease>({handle});
}

CUresult RemoteBackend::physicalCreateShareable(int device, std::size_t bytes, const std::string& /*deviceTag*/,
                                                BackendPhysical& out) {
  return physicalCreate(device, bytes, out);
}

CUresult RemoteBackend::physicalExport(BackendPhysical /*handle*/, int& /*fd*/) {
  static std::atomic<bool> reported{false};
  if (!reported.exchange(true)) {
    vgpu::log::writef(vgpu::log::Level::Warn, "remote",
                      "exporting VMM memory to another process (cuMemExportToShareableHandle) is not built "
                      "through vgpud: CUDA_ERROR_NOT_SUPPORTED (the memory itself works in this process)");
  }
  return CUDA_ERROR_NOT_SUPPORTED;
}

CUresult RemoteBackend::addressReserve(std::size_t bytes, std::size_t alignment, CUdeviceptr fixed, CUdeviceptr& out) {
  const std::lock_guard lock(mutex_);
  wire::ReplyOf<Call::AddressReserve> reply;
  const CUresult status =
      callDefined<Call::AddressReserve>({std::uint64_t{bytes}, std::uint64_t{alignment}, std::uint64_t{fixed}}, reply);
  out = reply.handle;
  if (status == CUDA_SUCCESS) {
    reservations_[out] = bytes;
  }
  return status;
}

CUresult RemoteBackend::addressFree(CUdeviceptr base, std::size_t bytes) {
  const std::lock_guard lock(mutex_);
  const CUresult status = callDefined<Call::AddressFree>({std::uint64_t{base}, std::uint64_t{bytes}});
  if (status == CUDA_SUCCESS) {
    reservations_.erase(base);
  }
  mappedInfo_.clear(); // what vgpud says of mapped memory may have changed
  return status;
}

CUresult RemoteBackend::map(CUdeviceptr address, std::size_t bytes, std::size_t offset, BackendPhysical handle) {
  const std::lock_guard lock(mutex_);
  mappedInfo_.clear(); // a new mapping may join or split what vgpud reported
  return callDefined<Call::Map>({std::uint64_t{address}, std::uint64_t{bytes}, std::uint64_t{offset}, handle});
}

CUresult RemoteBackend::unmap(CUdeviceptr address, std::size_t bytes) {
  const std::lock_guard lock(mutex_);
  mappedInfo_.clear();
  return callDefined<Call::Unmap>({std::uint64_t{address}, std::uint64_t{bytes}});
}

CUresult RemoteBackend::setAccess(CUdeviceptr address, std::size_t bytes, int device, bool readWrite) {
  const std::lock_guard lock(mutex_);
  return callDefined<Call::SetAccess>({std::uint64_t{address}, std::uint64_t{bytes}, static_cast<std::int32_t>(device),
                                       static_cast<std::uint8_t>(readWrite ? 1 : 0)});
}

CUresult RemoteBackend::streamCreate(int device, unsigned flags, int priority, BackendStream& out) {
  const std::lock_guard lock(mutex_);
  wire::ReplyOf<Call::StreamCreate> reply;
  const CUresult status = callDefined<Call::StreamCreate>(
      {static_cast<std::int32_t>(device), std::uint32_t{flags}, static_cast<std::int32_t>(priority)}, reply);
  out = reply.handle;
  if (status == CUDA_SUCCESS) {
    streams_.insert(out);
  }
  return status;
}

CUresult RemoteBackend::streamDestroy(BackendStream stream) {
  const std::lock_guard lock(mutex_);
  if (stream == 0 || streams_.erase(stream) == 0) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  return postDefined<Call::StreamDestroy>({stream});
}

CUresult RemoteBackend::streamSynchronize(BackendStream stream) {
  const std::lock_guard lock(mutex_);
  if (!knownStream(stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  return callDefined<Call::StreamSynchronize>({stream});
}

CUresult RemoteBackend::streamQuery(BackendStream stream) {
  const std::lock_guard lock(mutex_);
  if (!knownStream(stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  return callDefined<Call::StreamQuery>({stream});
}

CUresult RemoteBackend::streamSetAttribute(BackendStream stream, CUlaunchAttributeID id,
                                           const CUlaunchAttributeValue& value) {
  const std::lock_guard lock(mutex_);
  if (stream == 0 || !knownStream(stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (!travelsToGpu(id)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Asynchronous, like the launches it steers: a refusal by the GPU's driver comes back at the
  // next synchronizing call.
  return post(Call::StreamSetAttribute, encodeStreamAttribute({stream, id, value}));
}

CUresult RemoteBackend::streamWaitEvent(BackendStream stream, BackendEvent event) {
  const std::lock_guard lock(mutex_);
  if (!knownStream(stream) || events_.count(event) == 0) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  return postDefined<Call::StreamWaitEvent>({stream, event});
}

CUresult RemoteBackend::hostFunction(BackendStream stream, void (*fn)(void*), void* userData) {
  if (fn == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // The function runs in this process once everything before it in the stream is complete.
  if (const CUresult status = streamSynchronize(stream); status != CUDA_SUCCESS) {
    return status;
  }
  fn(userData);
  return CUDA_SUCCESS;
}

CUresult RemoteBackend::eventCreate(unsigned flags, BackendEvent& out) {
  const std::lock_guard lock(mutex_);
  wire::ReplyOf<Call::EventCreate> reply;
  const CUresult status = callDefined<Call::EventCreate>({std::uint32_t{flags}}, reply);
  out = reply.handle;
  if (status == CUDA_SUCCESS) {
    events_.insert(out);
  }
  return status;
}

CUresult RemoteBackend::eventDestroy(BackendEvent event) {
  const std::lock_guard lock(mutex_);
  if (events_.erase(event) == 0) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  return postDefined<Call::EventDestroy>({event});
}

CUresult RemoteBackend::eventRecord(BackendEvent event, BackendStream stream) {
  const std::lock_guard lock(mutex_);
  if (!knownStream(stream) || events_.count(event) == 0) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (const CUresult status = postDefined<Call::EventRecord>({event, stream}); status != CUDA_SUCCESS) {
    return status;
  }
  return connection_.flush(); // sent now, so the event is reached when recorded, not at the next batch
}

CUresult RemoteBackend::eventQuery(BackendEvent event) {
  const std::lock_guard lock(mutex_);
  if (events_.count(event) == 0) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  return callDefined<Call::EventQuery>({event});
}

CUresult RemoteBackend::eventSynchronize(BackendEvent event) {
  const std::lock_guard lock(mutex_);
  if (events_.count(event) == 0) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  return callDefined<Call::EventSynchronize>({event});
}

CUresult RemoteBackend::eventElapsed(BackendEvent start, BackendEvent end, float& milliseconds) {
  const std::lock_guard lock(mutex_);
  wire::ReplyOf<Call::EventElapsed> reply;
  const CUresult status = callDefined<Call::EventElapsed>({start, end}, reply);
  if (status == CUDA_SUCCESS) {
    milliseconds = reply.milliseconds;
  }
  return status;
}

CUresult RemoteBackend::deviceSynchronize(int device) {
  const std::lock_guard lock(mutex_);
  return callDefined<Call::DeviceSynchronize>({static_cast<std::int32_t>(device)});
}

CUresult RemoteBackend::moduleLoad(int device, std::span<const std::uint8_t> image, BackendModule& out,
                                   std::string& error) {
  const std::lock_guard lock(mutex_);
  if (connection_.lost()) {
    return kConnectionLost;
  }
  // The image goes through shared memory in parts; each part must be consumed before the region
  // is reused, so every part but the last is a request whose reply is awaited.
  // Through shared memory (unix, or a guest region) or inline in frames (tcp).
  if (image.size() > kInlinePart) {
    connection_.attachOfferedRegion();
  }
  const bool inlined = connection_.sharedSize() == 0;
  const std::size_t part = inlined ? kInlinePart : connection_.sharedSize();
  std::size_t offset = 0;
  while (true) {
    const std::size_t length = std::min(part, image.size() - offset);
    wire::RequestOf<Call::ModuleLoad> request{static_cast<std::int32_t>(device),
                                              static_cast<std::uint8_t>(offset + length == image.size() ? 1 : 0),
                                              inlined ? wire::calls::kHostInline : wire::calls::kHostShared,
                                              {},
                                              0,
                                              0};
    if (inlined) {
      request.data.value = image.subspan(offset, length);
    } else {
      if (length > 0) {
        std::memcpy(connection_.shared(), image.data() + offset, length);
      }
      request.length = length; // at offset 0 of the region
    }
    wire::ReplyOf<Call::ModuleLoad> reply;
    const CUresult status = callDefined<Call::ModuleLoad>(request, reply);
    if (status != CUDA_SUCCESS) {
      error = "vgpud refused the module image"; // a failure carries no fields: the loader's log stays in vgpud's
      return status;
    }
    if (request.last != 0) {
      if (reply.module == 0) {
        error = "vgpud answered the module image without a module";
        return connection_.fail(error);
      }
      out = reply.module;
      error = std::move(reply.log.value);
      modules_[out] = device;
      return status;
    }
    offset += length;
  }
}

CUresult RemoteBackend::moduleUnload(BackendModule module) {
  const std::lock_guard lock(mutex_);
  const CUresult status = callDefined<Call::ModuleUnload>({module});
  modules_.erase(module);
  for (auto it = allocations_.begin(); it != allocations_.end();) {
    it = it->second.module == module ? allocations_.erase(it) : std::next(it);
  }
  for (auto it = functions_.begin(); it != functions_.end();) {
    it = it->second.module == module ? functions_.erase(it) : std::next(it);
  }
  return status;
}

CUresult RemoteBackend::moduleFunction(BackendModule module, std::string_view name, BackendFunction& out,
                                       const KernelInfo*& info) {
  const std::lock_guard lock(mutex_);
  std::vector<std::uint8_t> fields;
  if (const CUresult status =
          call(Call::ModuleFunction, wire::encode(wire::RequestOf<Call::ModuleFunction>{module, {std::string(name)}}),
               fields);
      status != CUDA_SUCCESS) {
    return status;
  }
  wire::ReplyOf<Call::ModuleFunction> reply;
  if (!wire::decode(std::span<const std::uint8_t>(fields), reply)) {
    return CUDA_ERROR_UNKNOWN;
  }
  out = reply.function;
  Function& function = functions_[out];
  function.module = module;
  function.device = modules_.count(module) != 0 ? modules_.at(module) : 0;
  function.info = kernelInfoFromWire(std::move(reply));
  info = &function.info;
  return CUDA_SUCCESS;
}

CUresult RemoteBackend::moduleFunctions(BackendModule module, std::vector<std::string>& names) {
  const std::lock_guard lock(mutex_);
  std::vector<std::uint8_t> fields;
  const CUresult status =
      call(Call::ModuleFunctions, wire::encode(wire::RequestOf<Call::ModuleFunctions>{module}), fields);
  if (status != CUDA_SUCCESS) {
    return status;
  }
  wire::ReplyOf<Call::ModuleFunctions> reply;
  names.clear();
  if (!wire::decode(std::span<const std::uint8_t>(fields), reply)) {
    return CUDA_ERROR_UNKNOWN;
  }
  for (auto& name : reply.names.items) {
    names.push_back(std::move(name.value));
  }
  return CUDA_SUCCESS;
}

CUresult RemoteBackend::moduleGlobal(BackendModule module, std::string_view name, GlobalInfo& out) {
  const std::lock_guard lock(mutex_);
  wire::ReplyOf<Call::ModuleGlobal> reply;
  const CUresult status = callDefined<Call::ModuleGlobal>({module, {std::string(name)}}, reply);
  if (status != CUDA_SUCCESS) {
    return status;
  }
  out.name = std::string(name);
  out.address = reply.address;
  out.size = reply.size;
  if (out.address != 0 && out.size != 0) {
    allocations_[out.address] = {out.size, modules_.count(module) != 0 ? modules_.at(module) : 0, 0, module};
  }
  return CUDA_SUCCESS;
}

BackendCounters RemoteBackend::counters() const {
  const std::lock_guard lock(mutex_);
  BackendCounters counters;
  if (wire::ReplyOf<Call::Counters> reply; callDefined<Call::Counters>({}, reply) == CUDA_SUCCESS) {
    counters = countersFromWire(reply);
  }
  return counters;
}

} // namespace vgpu::cuda::remote
