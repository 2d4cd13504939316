// Device memory of the simulated device: device addresses come from a reserved, inaccessible
// address range (so a host dereference of a device pointer faults, as on a real GPU); each
// physical allocation is backed by its own anonymous host mapping; a table of mappings translates
// device addresses to backing bytes with bounds checks. Host-side kinds (pinned, registered,
// managed) are entered in the same table at their host addresses (unified addressing).
#pragma once

#include "backend/execution_backend.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vgpu::cuda::sim {

class SimulatedMemory {
public:
  // totalBytes: the device's memory (the profile's); every byte allocated is accounted against it.
  // addressHint: where the device address range should start (vgpud places each session's range
  // where its client can keep it free too); 0 or taken: anywhere.
  SimulatedMemory(int device, std::size_t totalBytes, std::uintptr_t addressHint = 0);
  // The address space one device of `totalBytes` takes (range plus alignment slack).
  static std::size_t addressSpaceFor(std::size_t totalBytes);
  ~SimulatedMemory();
  SimulatedMemory(const SimulatedMemory&) = delete;
  SimulatedMemory& operator=(const SimulatedMemory&) = delete;

  static constexpr std::size_t kGranularity = 2u << 20; // VMM granularity, as on Ampere/Hopper
  static constexpr std::size_t kAlignment = 512;        // cuMemAlloc alignment

  CUresult allocate(std::size_t bytes, CUdeviceptr& out);
  CUresult allocateManaged(std::size_t bytes, CUdeviceptr& out);
  // Managed memory over bytes the caller maps and unmaps after free (vgpud: a client's memfd),
  // accounted like any managed allocation; `out` is `memory`.
  CUresult allocateManagedOver(void* memory, std::size_t bytes, CUdeviceptr& out);
  CUresult free(CUdeviceptr pointer); // only the base of an allocation made by allocate*
  CUresult hostAllocate(std::size_t bytes, void*& out);
  CUresult hostFree(void* pointer);
  CUresult hostRegister(void* pointer, std::size_t bytes);
  CUresult hostUnregister(void* pointer);

  CUresult physicalCreate(std::size_t bytes, BackendPhysical& out);
  CUresult physicalRelease(BackendPhysical handle);
  // Shareable physical memory (simulated_shared_memory.cpp): backed by a sealed memfd that another
  // process maps to import it. `tag` names the device across processes (ExecutionBackend).
  CUresult physicalCreateShareable(std::size_t bytes, const std::string& tag, BackendPhysical& out);
  CUresult physicalExport(BackendPhysical handle, int& fd);
  static CUresult physicalInspect(int fd, std::string& tag, std::size_t& bytes);
  CUresult physicalImport(int fd, BackendPhysical& out);
  // Legacy IPC (simulated_ipc.cpp): a cuMemAlloc allocation moved onto a sealed memfd (same
  // address, same bytes) that another process opens through /proc/<pid>/fd, the handle naming the
  // process, the descriptor, the size and a random nonce the memfd's name carries; imported, a
  // mapping of it at an address of this device, not accounted here, until ipcClose.
  CUresult ipcExport(CUdeviceptr pointer, CUipcMemHandle& out);
  CUresult ipcImport(const CUipcMemHandle& handle, CUdeviceptr& out);
  CUresult ipcClose(CUdeviceptr pointer);
  CUresult reserve(std::size_t bytes, std::size_t alignment, CUdeviceptr fixed, CUdeviceptr& out);
  CUresult unreserve(CUdeviceptr base, std::size_t bytes);
  CUresult map(CUdeviceptr address, std::size_t bytes, std::size_t offset, BackendPhysical handle);
  CUresult unmap(CUdeviceptr address, std::size_t bytes);

  std::size_t usedBytes() const;
  MemoryUsage usage() const;
  void resetPeak(); // the peak restarts from the current use
  std::size_t totalBytes() const { return total_; }
  // The device address range this memory hands out (reserved, inaccessible in this process).
  CUdeviceptr addressBase() const { return reinterpret_cast<CUdeviceptr>(vaBase_); }
  std::size_t addressSize() const { return vaSize_; }
  CUresult pointerInfo(CUdeviceptr pointer, PointerInfo& out) const;

  struct HostSpan {
    std::uint8_t* data;
    std::size_t size;
  };
  // The host spans backing [pointer, pointer + bytes), in order. Fails with
  // CUDA_ERROR_INVALID_VALUE when any byte is not mapped (an access out of bounds), so a failed
  // copy changes nothing.
  CUresult resolve(CUdeviceptr pointer, std::size_t bytes, std::vector<HostSpan>& spans) const;

private:
  struct Backing {
    std::uint8_t* data = nullptr;
    std::size_t size = 0;
    bool owned = true; // false for host-registered memory (the application owns it)
    bool accounted = false;
    int fd = -1;                             // the memfd of shareable memory (exported by dup), else -1
    std::array<std::uint8_t, 16> ipcNonce{}; // legacy IPC: in the memfd's name and the handle (fd >= 0)
    ~Backing();
  };
  struct Mapping {
    std::size_t size = 0;
    std::shared_ptr<Backing> backing;
    std::size_t offset = 0;
    MemoryKind kind = MemoryKind::Device;
    CUdeviceptr allocationBase = 0; // for Device/Managed allocations made by allocate*
    std::size_t allocationSize = 0;
    std::uint64_t allocationId = 0;
    bool imported = false; // legacy IPC: another process's allocation, closed by ipcClose, never freed
  };
  struct Reservation {
    std::size_t size = 0;
    bool owned = false; // made by allocate(): freed with it
  };

  CUresult reserveLocked(std::size_t bytes, std::size_t alignment, CUdeviceptr& out);
  std::map<CUdeviceptr, Mapping>::const_iterator findMapping(CUdeviceptr pointer) const;
  std::shared_ptr<Backing> makeBacking(std::size_t bytes, bool accounted, CUresult& status);

  const int device_;
  const std::size_t total_;
  std::uint8_t* vaBase_ = nullptr;
  std::size_t vaSize_ = 0;
  void* reservation_ = nullptr; // the whole mapping, alignment slack included
  std::size_t reservationSize_ = 0;
  mutable std::mutex mutex_;
  std::size_t used_ = 0;
  std::size_t peak_ = 0;          // highest used_ since creation or the last resetPeak()
  std::uint64_t allocations_ = 0; // live accounted allocations (cuMemAlloc*, cuMemCreate)
  std::uint64_t nextId_ = 1;
  std::map<CUdeviceptr, std::size_t> freeRanges_; // VA ranges not reserved: start -> size
  std::map<CUdeviceptr, Reservation> reservations_;
  std::map<CUdeviceptr, Mapping> mappings_;
  std::map<BackendPhysical, std::shared_ptr<Backing>> physical_;
};

} // namespace vgpu::cuda::sim
