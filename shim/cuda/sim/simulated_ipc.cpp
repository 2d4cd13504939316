// Legacy IPC on the simulated device (cuIpcGetMemHandle, cuIpcOpenMemHandle, cuIpcCloseMemHandle):
// the driver hands another process a 64-byte handle, which that process opens into its own
// address space. Here an exported allocation moves onto a sealed memfd — at the same address, with
// the same bytes, so nothing the program holds changes — and the handle names this process, that
// descriptor, the size and a random nonce the memfd's name carries. The importer opens the
// descriptor through /proc/<pid>/fd (the kernel's ptrace rules decide who may: the same user, as
// for the driver's own IPC), and trusts nothing in the handle: the file must be a memfd named with
// the nonce, sealed against growing and shrinking (no truncation under our mapping, no SIGBUS),
// and of the handle's size. A stale handle (the allocation freed, its descriptor closed or
// reused) finds no such memfd and is refused.
#include "sim/simulated_memory.h"

#include "vgpu/memfd_name.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vgpu::cuda::sim {
namespace {

constexpr std::string_view kNamePrefix = "vgpu-sim-ipc ";
constexpr unsigned kRequiredSeals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
constexpr char kMagic[8] = {'v', 'g', 'p', 'u', 'I', 'P', 'C', '1'};

// The handle's bytes: magic, exporter pid, its descriptor, the size, the nonce; the rest zero.
struct IpcHandle {
  std::int32_t pid = 0;
  std::int32_t fd = -1;
  std::uint64_t size = 0;
  std::array<std::uint8_t, 16> nonce{};
};
constexpr std::size_t kPidAt = 8;
constexpr std::size_t kFdAt = 12;
constexpr std::size_t kSizeAt = 16;
constexpr std::size_t kNonceAt = 24;
static_assert(kNonceAt + 16 <= sizeof(CUipcMemHandle::reserved));

CUipcMemHandle encode(const IpcHandle& handle) {
  CUipcMemHandle out{};
  std::memcpy(out.reserved, kMagic, sizeof kMagic);
  std::memcpy(out.reserved + kPidAt, &handle.pid, sizeof handle.pid);
  std::memcpy(out.reserved + kFdAt, &handle.fd, sizeof handle.fd);
  std::memcpy(out.reserved + kSizeAt, &handle.size, sizeof handle.size);
  std::memcpy(out.reserved + kNonceAt, handle.nonce.data(), handle.nonce.size());
  return out;
}

bool decode(const CUipcMemHandle& in, IpcHandle& out) {
  if (std::memcmp(in.reserved, kMagic, sizeof kMagic) != 0) {
    return false;
  }
  std::memcpy(&out.pid, in.reserved + kPidAt, sizeof out.pid);
  std::memcpy(&out.fd, in.reserved + kFdAt, sizeof out.fd);
  std::memcpy(&out.size, in.reserved + kSizeAt, sizeof out.size);
  std::memcpy(out.nonce.data(), in.reserved + kNonceAt, out.nonce.size());
  return out.pid > 0 && out.fd >= 0 && out.size != 0;
}

std::string memfdNameFor(const std::array<std::uint8_t, 16>& nonce) {
  std::string name(kNamePrefix);
  char hex[3];
  for (const std::uint8_t byte : nonce) {
    std::snprintf(hex, sizeof hex, "%02x", byte);
    name += hex;
  }
  return name;
}

} // namespace

CUresult SimulatedMemory::ipcExport(CUdeviceptr pointer, CUipcMemHandle& out) {
  const std::lock_guard lock(mutex_);
  const auto it = findMapping(pointer);
  if (it == mappings_.end() || it->second.kind != MemoryKind::Device || it->second.allocationBase == 0 ||
      it->second.imported) {
    return CUDA_ERROR_INVALID_VALUE; // not a cuMemAlloc allocation of this process
  }
  Backing& backing = *it->second.backing;
  if (backing.fd < 0) {
    // Onto a memfd, in place: its pages replace the anonymous ones at the same address.
    std::array<std::uint8_t, 16> nonce{};
    if (::getrandom(nonce.data(), nonce.size(), 0) != static_cast<ssize_t>(nonce.size())) {
      return CUDA_ERROR_OPERATING_SYSTEM;
    }
    const int fd = ::memfd_create(memfdNameFor(nonce).c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) {
      return errno == EMFILE || errno == ENFILE ? CUDA_ERROR_OUT_OF_MEMORY : CUDA_ERROR_OPERATING_SYSTEM;
    }
    void* staging = MAP_FAILED;
    if (::ftruncate(fd, static_cast<off_t>(backing.size)) == 0 && ::fcntl(fd, F_ADD_SEALS, kRequiredSeals) == 0) {
      staging = ::mmap(nullptr, backing.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    }
    if (staging == MAP_FAILED) {
      ::close(fd);
      return CUDA_ERROR_OUT_OF_MEMORY;
    }
    std::memcpy(staging, backing.data, backing.size);
    if (::mremap(staging, backing.size, backing.size, MREMAP_MAYMOVE | MREMAP_FIXED, backing.data) == MAP_FAILED) {
      ::munmap(staging, backing.size);
      ::close(fd);
      return CUDA_ERROR_OPERATING_SYSTEM;
    }
    backing.fd = fd; // closed with the allocation: its handles are stale from then on
    backing.ipcNonce = nonce;
  }
  out = encode({static_cast<std::int32_t>(::getpid()), backing.fd, backing.size, backing.ipcNonce});
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::ipcImport(const CUipcMemHandle& handle, CUdeviceptr& out) {
  IpcHandle described;
  if (!decode(handle, described)) {
    return CUDA_ERROR_INVALID_VALUE; // not a handle this driver made
  }
  if (described.pid == ::getpid()) {
    return CUDA_ERROR_INVALID_CONTEXT; // the driver opens handles of other processes only
  }
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/fd/%d", described.pid, described.fd);
  const int fd = ::open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    // Gone (the exporter ended or freed it), or the kernel's ptrace rules keep us out.
    return errno == EACCES || errno == EPERM ? CUDA_ERROR_MAP_FAILED : CUDA_ERROR_INVALID_HANDLE;
  }
  struct stat status {};
  std::string name;
  const int seals = ::fcntl(fd, F_GET_SEALS);
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) ||
      static_cast<std::uint64_t>(status.st_size) != described.size || seals < 0 ||
      (static_cast<unsigned>(seals) & kRequiredSeals) != kRequiredSeals || !vgpu::memfdName(fd, name) ||
      name != memfdNameFor(described.nonce) || described.size > total_) {
    ::close(fd);
    return CUDA_ERROR_INVALID_HANDLE; // a stale handle: the descriptor is something else now
  }
  const auto bytes = static_cast<std::size_t>(described.size);
  void* data = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd); // the mapping holds the memory
  if (data == MAP_FAILED) {
    return CUDA_ERROR_MAP_FAILED;
  }
  auto backing = std::make_shared<Backing>();
  backing->data = static_cast<std::uint8_t*>(data);
  backing->size = bytes;
  backing->accounted = false; // the exporter's device memory, counted there
  const std::lock_guard lock(mutex_);
  CUdeviceptr address = 0;
  if (const CUresult reserved =
          reserveLocked((bytes + kGranularity - 1) / kGranularity * kGranularity, kGranularity, address);
      reserved != CUDA_SUCCESS) {
    return reserved; // the backing unmaps itself
  }
  reservations_[address].owned = true;
  Mapping mapping{bytes, std::move(backing), 0, MemoryKind::Device, address, bytes, nextId_++};
  mapping.imported = true;
  mappings_[address] = std::move(mapping);
  out = address;
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::ipcClose(CUdeviceptr pointer) {
  const std::lock_guard lock(mutex_);
  const auto it = mappings_.find(pointer);
  if (it == mappings_.end() || !it->second.imported) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  mappings_.erase(it);
  const auto reservation = reservations_.find(pointer);
  if (reservation != reservations_.end() && reservation->second.owned) {
    freeRanges_.emplace(pointer, reservation->second.size);
    reservations_.erase(reservation);
  }
  return CUDA_SUCCESS;
}

} // namespace vgpu::cuda::sim
