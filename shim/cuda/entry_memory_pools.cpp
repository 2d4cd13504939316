// Entry points for memory pools and stream-ordered allocation (memory_pools.h).
#include "entry_common.h"
#include "graph.h"
#include "graph_memory.h"
#include "memory_pools.h"

#include "vgpu/log.h"
#include "vgpu/memfd_name.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <unistd.h>

using namespace vgpu::cuda;

namespace {

CUresult requireDevice(CUdevice device) {
  VGPU_REQUIRE_INIT();
  return state().device(device) != nullptr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

// Captured, a stream-ordered allocation becomes an allocation node of the capture's graph: its
// address is reserved now and its memory exists when a launch reaches the node (graph_memory.h).
CUresult captureAllocation(const StreamTarget& target, int device, std::size_t bytes, CUdeviceptr& pointer) {
  if (const CUresult status = graph_memory::reserveOnDevice(device, bytes, target.capture->graph, pointer);
      status != CUDA_SUCCESS) {
    return status;
  }
  Operation operation;
  operation.kind = Operation::Kind::GraphAlloc;
  operation.graphMemory = pointer;
  return submit(target, std::move(operation), true);
}

CUresult allocateFromPool(CUdeviceptr* pointer, std::size_t bytes, CUmemoryPool pool, CUstream stream) {
  VGPU_REQUIRE_OUT(pointer);
  VGPU_REQUIRE_INIT();
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  int device = 0;
  if (bytes == 0 || !memory_pools::deviceOf(pool, device) || memory_pools::isImported(pool)) {
    return CUDA_ERROR_INVALID_VALUE; // an imported pool holds other processes' memory and allocates none
  }
  if (memory_pools::isHostLocation(device)) {
    // Pinned host memory, mapped for every device (as cuMemHostAlloc's). A graph allocation node
    // of host memory is not built, so capturing one is refused.
    if (target.capture) {
      return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    void* host = nullptr;
    if (const CUresult status = state().backend().hostAlloc(bytes, host); status != CUDA_SUCCESS) {
      return status;
    }
    *pointer = reinterpret_cast<CUdeviceptr>(host);
    memory_pools::recordAllocation(pool, *pointer, bytes);
    return CUDA_SUCCESS;
  }
  if (target.capture) {
    return captureAllocation(target, device, bytes, *pointer);
  }
  // Made now: memory that is valid before the stream reaches this point is valid when it does.
  if (const CUresult status = state().backend().memAlloc(device, bytes, *pointer); status != CUDA_SUCCESS) {
    return status;
  }
  memory_pools::recordAllocation(pool, *pointer, bytes);
  return CUDA_SUCCESS;
}

CUresult freeInStreamOrder(CUdeviceptr pointer, CUstream stream) {
  VGPU_REQUIRE_INIT();
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (graph_memory::isAllocation(pointer)) {
    // A free node when captured; otherwise ended in stream order like the node would.
    Operation operation;
    operation.kind = Operation::Kind::GraphFree;
    operation.graphMemory = pointer;
    return submit(target, std::move(operation), true);
  }
  if (target.capture) {
    // A free node may only free a graph allocation; a pool allocation freed inside a capture
    // would be released at capture time, so it is refused.
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  }
  // Released after the work queued before it on the stream, never under it.
  if (const CUresult status = state().backend().streamSynchronize(target.backend); status != CUDA_SUCCESS) {
    return status;
  }
  auto how = memory_pools::Release::Device;
  if (!memory_pools::forgetAllocation(pointer, &how)) {
    return CUDA_ERROR_INVALID_VALUE; // not a stream-ordered allocation
  }
  switch (how) {
  case memory_pools::Release::Host: return state().backend().hostFree(reinterpret_cast<void*>(pointer));
  case memory_pools::Release::Imported: return state().backend().ipcClose(pointer);
  case memory_pools::Release::Device: break;
  }
  return state().backend().memFree(pointer);
}

CUresult currentPoolOfStream(CUstream stream, CUmemoryPool& pool) {
  VGPU_REQUIRE_INIT();
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::currentPool(target.context->device, pool);
}

} // namespace

CUresult entry::cuDeviceGetDefaultMemPool(CUmemoryPool* pool, CUdevice device) {
  VGPU_REQUIRE_OUT(pool);
  if (const CUresult status = requireDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::defaultPool(device, *pool);
}

CUresult entry::cuDeviceGetMemPool(CUmemoryPool* pool, CUdevice device) {
  VGPU_REQUIRE_OUT(pool);
  if (const CUresult status = requireDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::currentPool(device, *pool);
}

CUresult entry::cuDeviceSetMemPool(CUdevice device, CUmemoryPool pool) {
  if (const CUresult status = requireDevice(device); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::setCurrentPool(device, pool);
}

// The location-and-type forms (CUDA 13): a device's pinned pools are the device pools above, the
// host's and each host NUMA node's pinned pools pools of pinned host memory; pools of managed memory
// are not built (NOT_SUPPORTED); other combinations are invalid.
namespace {

// A pool location as memory_pools.h numbers it: a device that exists, the host, or a NUMA node
// that exists.
CUresult poolLocation(const CUmemLocation& location, int& out) {
  switch (location.type) {
  case CU_MEM_LOCATION_TYPE_DEVICE: out = location.id; return requireDevice(location.id);
  case CU_MEM_LOCATION_TYPE_HOST: out = memory_pools::kHostLocation; return CUDA_SUCCESS;
  case CU_MEM_LOCATION_TYPE_HOST_NUMA:
    out = memory_pools::hostNumaLocation(location.id);
    return hostNumaNodeExists(location.id) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
  default: return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult typedPoolLocation(const CUmemLocation* location, CUmemAllocationType type, int& out) {
  if (location == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (type == CU_MEM_ALLOCATION_TYPE_MANAGED) {
    return CUDA_ERROR_NOT_SUPPORTED; // pools of managed memory are not built
  }
  if (type != CU_MEM_ALLOCATION_TYPE_PINNED) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  VGPU_REQUIRE_INIT();
  return poolLocation(*location, out);
}

} // namespace

CUresult entry::cuMemGetDefaultMemPool(CUmemoryPool* pool, CUmemLocation* location, CUmemAllocationType type) {
  VGPU_REQUIRE_OUT(pool);
  int where = 0;
  if (const CUresult status = typedPoolLocation(location, type, where); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::defaultPool(where, *pool);
}

CUresult entry::cuMemGetMemPool(CUmemoryPool* pool, CUmemLocation* location, CUmemAllocationType type) {
  VGPU_REQUIRE_OUT(pool);
  int where = 0;
  if (const CUresult status = typedPoolLocation(location, type, where); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::currentPool(where, *pool);
}

CUresult entry::cuMemSetMemPool(CUmemLocation* location, CUmemAllocationType type, CUmemoryPool pool) {
  int where = 0;
  if (const CUresult status = typedPoolLocation(location, type, where); status != CUDA_SUCCESS) {
    return status;
  }
  return memory_pools::setCurrentPool(where, pool); // only a pool of that location
}

CUresult entry::cuMemPoolCreate(CUmemoryPool* pool, const CUmemPoolProps* properties) {
  VGPU_REQUIRE_OUT(pool);
  VGPU_REQUIRE_OUT(properties);
  VGPU_REQUIRE_INIT();
  int where = 0;
  if (const CUresult status = poolLocation(properties->location, where); status != CUDA_SUCCESS) {
    return status == CUDA_ERROR_INVALID_DEVICE ? CUDA_ERROR_INVALID_VALUE : status;
  }
  return memory_pools::create(*properties, where, *pool);
}

CUresult entry::cuMemPoolDestroy(CUmemoryPool pool) {
  VGPU_REQUIRE_INIT();
  return memory_pools::destroy(pool);
}

CUresult entry::cuMemPoolGetAttribute(CUmemoryPool pool, CUmemPool_attribute attribute, void* value) {
  VGPU_REQUIRE_INIT();
  return memory_pools::getAttribute(pool, attribute, value);
}

CUresult entry::cuMemPoolSetAttribute(CUmemoryPool pool, CUmemPool_attribute attribute, void* value) {
  VGPU_REQUIRE_INIT();
  return memory_pools::setAttribute(pool, attribute, value);
}

CUresult entry::cuMemPoolTrimTo(CUmemoryPool pool, size_t keepBytes) {
  VGPU_REQUIRE_INIT();
  return memory_pools::trimTo(pool, keepBytes);
}

CUresult entry::cuMemPoolSetAccess(CUmemoryPool pool, const CUmemAccessDesc* descriptors, size_t count) {
  VGPU_REQUIRE_INIT();
  return memory_pools::setAccess(pool, descriptors, count, state().deviceCount());
}

CUresult entry::cuMemPoolGetAccess(CUmemAccess_flags* flags, CUmemoryPool pool, CUmemLocation* location) {
  VGPU_REQUIRE_OUT(flags);
  VGPU_REQUIRE_OUT(location);
  VGPU_REQUIRE_INIT();
  return memory_pools::getAccess(pool, *location, *flags);
}

CUresult entry::cuMemAllocAsync(CUdeviceptr* pointer, size_t bytes, CUstream stream) {
  CUmemoryPool pool = nullptr;
  if (const CUresult status = currentPoolOfStream(stream, pool); status != CUDA_SUCCESS) {
    return status;
  }
  return allocateFromPool(pointer, bytes, pool, stream);
}

CUresult entry::cuMemAllocFromPoolAsync(CUdeviceptr* pointer, size_t bytes, CUmemoryPool pool, CUstream stream) {
  return allocateFromPool(pointer, bytes, pool, stream);
}

CUresult entry::cuMemFreeAsync(CUdeviceptr pointer, CUstream stream) {
  return freeInStreamOrder(pointer, stream);
}

// Pools shared between processes (cuMemPoolExportToShareableHandle & co.), as rmm and UCX share
// them: the exported descriptor is a sealed, empty memfd whose name carries the pool's nonce (its
// identity, never its memory), and each pointer is exported as a legacy IPC handle of its
// allocation plus that nonce, so an importer maps exactly the allocations of the pool it imported.
// Where the backend shares no memory between processes (vgpud) these answer NOT_SUPPORTED, said.
namespace {

constexpr std::string_view kPoolNamePrefix = "vgpu-pool ";
constexpr unsigned kPoolSeals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
// CUmemPoolPtrExportData: the allocation's CUipcMemHandle bytes, then the pool's nonce.
constexpr std::size_t kIpcBytes = 40;
static_assert(kIpcBytes + sizeof(memory_pools::PoolNonce) <= sizeof(CUmemPoolPtrExportData::reserved));

std::string poolName(const memory_pools::PoolNonce& nonce) {
  std::string name(kPoolNamePrefix);
  static constexpr char kHex[] = "0123456789abcdef";
  for (const unsigned char byte : nonce) {
    name += kHex[byte >> 4];
    name += kHex[byte & 0xf];
  }
  return name;
}

CUresult poolSharing(const char* call, CUmemAllocationHandleType type, unsigned long long flags) {
  if (type != CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR || flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!state().backend().sharesMemoryBetweenProcesses()) {
    static std::atomic<bool> said{false};
    if (!said.exchange(true)) {
      vgpu::log::writef(vgpu::log::Level::Warn, "pools", "%s: this executor (%s) shares no memory between processes",
                        call, state().backend().describe().c_str());
    }
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  return CUDA_SUCCESS;
}

} // namespace

CUresult entry::cuMemPoolExportToShareableHandle(void* handle, CUmemoryPool pool, CUmemAllocationHandleType type,
                                                 unsigned long long flags) {
  VGPU_REQUIRE_OUT(handle);
  VGPU_REQUIRE_INIT();
  if (const CUresult status = poolSharing("cuMemPoolExportToShareableHandle", type, flags); status != CUDA_SUCCESS) {
    return status;
  }
  memory_pools::PoolNonce nonce{};
  if (const CUresult status = memory_pools::exportNonce(pool, nonce); status != CUDA_SUCCESS) {
    return status;
  }
  const int fd = ::memfd_create(poolName(nonce).c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0 || ::fcntl(fd, F_ADD_SEALS, kPoolSeals) != 0) {
    if (fd >= 0) {
      ::close(fd);
    }
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  std::memcpy(handle, &fd, sizeof fd); // the caller owns the descriptor, as with the driver's
  return CUDA_SUCCESS;
}

CUresult entry::cuMemPoolImportFromShareableHandle(CUmemoryPool* pool, void* handle, CUmemAllocationHandleType type,
                                                   unsigned long long flags) {
  VGPU_REQUIRE_OUT(pool);
  VGPU_REQUIRE_INIT();
  if (const CUresult status = poolSharing("cuMemPoolImportFromShareableHandle", type, flags); status != CUDA_SUCCESS) {
    return status;
  }
  // A POSIX descriptor is passed by value in the pointer, as the driver documents.
  const int fd = static_cast<int>(reinterpret_cast<std::intptr_t>(handle));
  std::string name;
  const int seals = fd >= 0 ? ::fcntl(fd, F_GET_SEALS) : -1;
  if (seals < 0 || (static_cast<unsigned>(seals) & kPoolSeals) != kPoolSeals || !vgpu::memfdName(fd, name) ||
      !std::string_view(name).starts_with(kPoolNamePrefix) ||
      name.size() != kPoolNamePrefix.size() + 2 * sizeof(memory_pools::PoolNonce)) {
    return CUDA_ERROR_INVALID_VALUE; // not a pool descriptor this driver made
  }
  memory_pools::PoolNonce nonce{};
  for (std::size_t i = 0; i < nonce.size(); ++i) {
    const std::string pair = name.substr(kPoolNamePrefix.size() + 2 * i, 2);
    char* end = nullptr;
    nonce[i] = static_cast<unsigned char>(std::strtoul(pair.c_str(), &end, 16));
    if (end != pair.c_str() + 2) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  // No context is needed (cudart calls this before making one): the pool is the current device's.
  const CUcontext context = currentContext();
  return memory_pools::importPool(nonce, context != nullptr ? context->device : 0, *pool);
}

CUresult entry::cuMemPoolExportPointer(CUmemPoolPtrExportData* data, CUdeviceptr pointer) {
  VGPU_REQUIRE_OUT(data);
  VGPU_REQUIRE_INIT();
  if (const CUresult status = poolSharing("cuMemPoolExportPointer", CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 0);
      status != CUDA_SUCCESS) {
    return status;
  }
  memory_pools::PoolNonce nonce{};
  if (const CUresult status = memory_pools::exportNonceOf(pointer, nonce); status != CUDA_SUCCESS) {
    return status; // not the start of an allocation of an exportable pool
  }
  CUipcMemHandle handle{};
  if (const CUresult status = state().backend().ipcExport(pointer, handle); status != CUDA_SUCCESS) {
    return status;
  }
  CUmemPoolPtrExportData out{};
  std::memcpy(out.reserved, handle.reserved, kIpcBytes);
  std::memcpy(out.reserved + kIpcBytes, nonce.data(), nonce.size());
  *data = out;
  return CUDA_SUCCESS;
}

CUresult entry::cuMemPoolImportPointer(CUdeviceptr* pointer, CUmemoryPool pool, CUmemPoolPtrExportData* data) {
  VGPU_REQUIRE_OUT(pointer);
  VGPU_REQUIRE_OUT(data);
  VGPU_REQUIRE_INIT();
  if (const CUresult status = poolSharing("cuMemPoolImportPointer", CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 0);
      status != CUDA_SUCCESS) {
    return status;
  }
  memory_pools::PoolNonce nonce{};
  int device = 0;
  if (!memory_pools::isImported(pool, &nonce) || !memory_pools::deviceOf(pool, device) ||
      std::memcmp(data->reserved + kIpcBytes, nonce.data(), nonce.size()) != 0) {
    return CUDA_ERROR_INVALID_VALUE; // a pointer of another pool, or a pool not imported
  }
  CUipcMemHandle handle{};
  std::memcpy(handle.reserved, data->reserved, kIpcBytes);
  CUdeviceptr imported = 0;
  if (const CUresult status = state().backend().ipcImport(device, handle, imported); status != CUDA_SUCCESS) {
    return status;
  }
  PointerInfo info;
  state().backend().pointerInfo(imported, info);
  memory_pools::recordAllocation(pool, imported, info.size, true);
  *pointer = imported;
  return CUDA_SUCCESS;
}
