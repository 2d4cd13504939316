// Shareable VMM memory of the simulated device (CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR): the
// backing is a memfd instead of an anonymous mapping, so the descriptor cuMemExportToShareableHandle
// gives out is the memory itself, and a process it is passed to (over a Unix socket, as CUDA
// programs pass the driver's) maps the same bytes: what one process writes, the other reads.
//
// The importer trusts nothing in the descriptor: it must be a memfd this code made (its name says
// so, with the exporter's device tag), sealed against growing and shrinking — so no process can
// truncate it under our mapping and turn an access into SIGBUS — and a whole number of granules.
#include "sim/simulated_memory.h"

#include "vgpu/memfd_name.h"

#include <cerrno>
#include <fcntl.h>
#include <string_view>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vgpu::cuda::sim {
namespace {

constexpr std::string_view kNamePrefix = "vgpu-sim-vmm ";
constexpr unsigned kRequiredSeals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
// A tag is a presented UUID ("GPU-" and 36 characters); anything longer is not ours.
constexpr std::size_t kMaxTagLength = 64;

} // namespace

CUresult SimulatedMemory::physicalCreateShareable(std::size_t bytes, const std::string& tag, BackendPhysical& out) {
  if (bytes == 0 || bytes % kGranularity != 0 || tag.empty() || tag.size() > kMaxTagLength) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const std::lock_guard lock(mutex_);
  if (bytes > total_ - used_) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  const std::string name = std::string(kNamePrefix) + tag;
  const int fd = ::memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) {
    return errno == EMFILE || errno == ENFILE ? CUDA_ERROR_OUT_OF_MEMORY : CUDA_ERROR_OPERATING_SYSTEM;
  }
  auto backing = std::make_shared<Backing>();
  backing->fd = fd; // closed with the backing from here on
  if (::ftruncate(fd, static_cast<off_t>(bytes)) != 0 || ::fcntl(fd, F_ADD_SEALS, kRequiredSeals) != 0) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  void* data = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  backing->data = static_cast<std::uint8_t*>(data);
  backing->size = bytes;
  backing->accounted = true;
  used_ += bytes;
  ++allocations_;
  peak_ = std::max(peak_, used_);
  out = nextId_++;
  physical_[out] = std::move(backing);
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::physicalExport(BackendPhysical handle, int& fd) {
  const std::lock_guard lock(mutex_);
  const auto it = physical_.find(handle);
  if (it == physical_.end()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (it->second->fd < 0) {
    return CUDA_ERROR_INVALID_VALUE; // not created shareable
  }
  fd = ::fcntl(it->second->fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    return errno == EMFILE || errno == ENFILE ? CUDA_ERROR_OUT_OF_MEMORY : CUDA_ERROR_OPERATING_SYSTEM;
  }
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::physicalInspect(int fd, std::string& tag, std::size_t& bytes) {
  struct stat status {};
  if (fd < 0 || ::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const int seals = ::fcntl(fd, F_GET_SEALS);
  std::string name;
  if (seals < 0 || (static_cast<unsigned>(seals) & kRequiredSeals) != kRequiredSeals || !vgpu::memfdName(fd, name) ||
      !std::string_view(name).starts_with(kNamePrefix)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  tag = name.substr(kNamePrefix.size());
  if (status.st_size <= 0 || static_cast<std::size_t>(status.st_size) % kGranularity != 0 || tag.empty() ||
      tag.size() > kMaxTagLength) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  bytes = static_cast<std::size_t>(status.st_size);
  return CUDA_SUCCESS;
}

CUresult SimulatedMemory::physicalImport(int fd, BackendPhysical& out) {
  std::string tag;
  std::size_t bytes = 0;
  if (const CUresult status = physicalInspect(fd, tag, bytes); status != CUDA_SUCCESS) {
    return status;
  }
  if (bytes > total_) {
    return CUDA_ERROR_INVALID_VALUE; // more than this device has: not memory of this device
  }
  auto backing = std::make_shared<Backing>();
  backing->fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0); // kept, so the import can be exported again
  if (backing->fd < 0) {
    return errno == EMFILE || errno == ENFILE ? CUDA_ERROR_OUT_OF_MEMORY : CUDA_ERROR_OPERATING_SYSTEM;
  }
  void* data = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, backing->fd, 0);
  if (data == MAP_FAILED) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  backing->data = static_cast<std::uint8_t*>(data);
  backing->size = bytes;
  backing->accounted = false; // the exporter's device memory, counted there
  const std::lock_guard lock(mutex_);
  out = nextId_++;
  physical_[out] = std::move(backing);
  return CUDA_SUCCESS;
}

} // namespace vgpu::cuda::sim
