// Legacy IPC handles (cuIpcGetMemHandle, cuIpcOpenMemHandle, cuIpcCloseMemHandle and the event
// forms), which PyTorch's multiprocessing, NCCL's legacy transport and MPI libraries use to hand
// device memory and events to other processes of the machine. The backend makes and opens memory
// handles (on the simulated device a memfd another process opens: sim/simulated_ipc.cpp); this
// layer keeps what the driver documents above it: a handle opened again in this process gives the
// same pointer with one more reference, cuIpcCloseMemHandle drops one, and event handles stand for
// events created interprocess. Where the backend cannot share (vgpud) the calls answer
// NOT_SUPPORTED and say why once.
#include "entry_common.h"
#include "memory_pools.h"

#include "vgpu/log.h"

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>
#include <mutex>
#include <unistd.h>

using namespace vgpu::cuda;

namespace {

void notShared(const char* what) {
  static std::atomic<bool> said{false};
  if (!said.exchange(true)) {
    vgpu::log::writef(vgpu::log::Level::Warn, "ipc",
                      "%s: this executor (%s) shares no device memory or events "
                      "between processes",
                      what, state().backend().describe().c_str());
  }
}

using HandleBytes = std::array<char, CU_IPC_HANDLE_SIZE>;

// The memory handles this process opened: by handle and device, the pointer and its references.
struct OpenedHandle {
  HandleBytes handle{};
  int device = 0;
  int references = 0;
};
struct OpenedHandles {
  std::mutex mutex;
  std::map<CUdeviceptr, OpenedHandle> byPointer;
};
OpenedHandles& opened() {
  static OpenedHandles table; // created at the first open, never destroyed (exit-time callers)
  return table;
}

// An event handle: magic, the exporter's pid, its event's serial.
constexpr char kEventMagic[8] = {'v', 'g', 'p', 'u', 'E', 'V', 'T', '1'};

} // namespace

CUresult entry::cuIpcGetMemHandle(CUipcMemHandle* handle, CUdeviceptr pointer) {
  VGPU_REQUIRE_OUT(handle);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  PointerInfo info;
  if (state().backend().pointerInfo(pointer, info) != CUDA_SUCCESS || info.kind != MemoryKind::Device ||
      memory_pools::isPoolAllocation(info.base)) {
    return CUDA_ERROR_INVALID_VALUE; // only cuMemAlloc memory (pools export through their own calls)
  }
  const CUresult status = state().backend().ipcExport(pointer, *handle);
  if (status == CUDA_ERROR_NOT_SUPPORTED) {
    notShared("cuIpcGetMemHandle");
  }
  return status;
}

CUresult entry::cuIpcOpenMemHandle_v2(CUdeviceptr* pointer, CUipcMemHandle handle, unsigned int flags) {
  VGPU_REQUIRE_OUT(pointer);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  if ((flags & ~static_cast<unsigned>(CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS)) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  HandleBytes bytes{};
  std::memcpy(bytes.data(), handle.reserved, bytes.size());
  OpenedHandles& table = opened();
  const std::lock_guard lock(table.mutex);
  for (auto& [address, entry] : table.byPointer) {
    if (entry.handle == bytes && entry.device == context->device) {
      ++entry.references; // opened again: the same pointer, one more reference (as documented)
      *pointer = address;
      return CUDA_SUCCESS;
    }
  }
  CUdeviceptr address = 0;
  const CUresult status = state().backend().ipcImport(context->device, handle, address);
  if (status == CUDA_ERROR_NOT_SUPPORTED) {
    notShared("cuIpcOpenMemHandle");
  }
  if (status != CUDA_SUCCESS) {
    return status;
  }
  table.byPointer[address] = {bytes, context->device, 1};
  *pointer = address;
  return CUDA_SUCCESS;
}

CUresult entry::cuIpcOpenMemHandle(CUdeviceptr* pointer, CUipcMemHandle handle, unsigned int flags) {
  return entry::cuIpcOpenMemHandle_v2(pointer, handle, flags);
}

CUresult entry::cuIpcCloseMemHandle(CUdeviceptr pointer) {
  VGPU_REQUIRE_INIT();
  OpenedHandles& table = opened();
  const std::lock_guard lock(table.mutex);
  const auto it = table.byPointer.find(pointer);
  if (it == table.byPointer.end()) {
    return CUDA_ERROR_INVALID_VALUE; // not a pointer cuIpcOpenMemHandle gave
  }
  if (--it->second.references > 0) {
    return CUDA_SUCCESS;
  }
  const CUresult status = state().backend().ipcClose(pointer);
  table.byPointer.erase(it);
  return status;
}

// Event handles name an interprocess event of this process. Where the backend's work is complete
// when submitted (the simulated device), an event another process opens is reached whenever it is
// waited on, as the exporter's would be; elsewhere the GPU's own IPC events would be needed.
CUresult entry::cuIpcGetEventHandle(CUipcEventHandle* handle, CUevent event) {
  VGPU_REQUIRE_OUT(handle);
  VGPU_REQUIRE_INIT();
  CUevent_st* object = state().events.find(event);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if ((object->flags & CU_EVENT_INTERPROCESS) == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!state().backend().ipcEventsComplete()) {
    notShared("cuIpcGetEventHandle");
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  CUipcEventHandle out{};
  const auto pid = static_cast<std::int32_t>(::getpid());
  const auto serial = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(event));
  std::memcpy(out.reserved, kEventMagic, sizeof kEventMagic);
  std::memcpy(out.reserved + 8, &pid, sizeof pid);
  std::memcpy(out.reserved + 16, &serial, sizeof serial);
  *handle = out;
  return CUDA_SUCCESS;
}

CUresult entry::cuIpcOpenEventHandle(CUevent* event, CUipcEventHandle handle) {
  VGPU_REQUIRE_OUT(event);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  std::int32_t pid = 0;
  std::memcpy(&pid, handle.reserved + 8, sizeof pid);
  if (std::memcmp(handle.reserved, kEventMagic, sizeof kEventMagic) != 0 || pid <= 0) {
    return CUDA_ERROR_INVALID_VALUE; // not a handle this driver made
  }
  if (pid == ::getpid()) {
    return CUDA_ERROR_INVALID_CONTEXT; // handles of other processes only, as for memory
  }
  if (::kill(pid, 0) != 0 && errno == ESRCH) {
    return CUDA_ERROR_INVALID_VALUE; // its process has ended
  }
  if (!state().backend().ipcEventsComplete()) {
    notShared("cuIpcOpenEventHandle");
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  return ::cuEventCreate(event, CU_EVENT_INTERPROCESS | CU_EVENT_DISABLE_TIMING);
}
