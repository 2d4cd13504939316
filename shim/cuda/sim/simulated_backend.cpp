// The simulated device's memory, copy, memset, stream and event operations. Module loading and
// launches are in simulated_modules.cpp.
#include "sim/simulated_backend.h"

#include "vgpu/log.h"

#include <atomic>
#include <cstring>

namespace vgpu::cuda::sim {

namespace {

constexpr std::string_view kLimitations =
    "simulated device: kernels are validated and counted but not executed (their output buffers are left "
    "unchanged); memory, copies, memsets, streams, events and accounting are real; work completes in "
    "submission order on the calling thread";

} // namespace

SimulatedBackend::SimulatedBackend(std::vector<SimulatedDeviceLimits> devices, std::uintptr_t addressHint)
    : limits_(std::move(devices)) {
  memories_.reserve(limits_.size());
  for (std::size_t i = 0; i < limits_.size(); ++i) {
    memories_.push_back(
        std::make_unique<SimulatedMemory>(static_cast<int>(i), limits_[i].totalMemoryBytes, addressHint));
    if (addressHint != 0) {
      addressHint += SimulatedMemory::addressSpaceFor(limits_[i].totalMemoryBytes);
    }
  }
}

SimulatedBackend::~SimulatedBackend() = default;

std::string_view SimulatedBackend::limitations() const {
  return kLimitations;
}

CUresult SimulatedBackend::memAlloc(int device, std::size_t bytes, CUdeviceptr& out) {
  if (device < 0 || static_cast<std::size_t>(device) >= memories_.size()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  return memories_[static_cast<std::size_t>(device)]->allocate(bytes, out);
}

CUresult SimulatedBackend::memAllocManaged(int device, std::size_t bytes, CUdeviceptr& out) {
  if (device < 0 || static_cast<std::size_t>(device) >= memories_.size()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  return memories_[static_cast<std::size_t>(device)]->allocateManaged(bytes, out);
}

CUresult SimulatedBackend::memAllocManagedOver(int device, void* memory, std::size_t bytes, CUdeviceptr& out) {
  if (device < 0 || static_cast<std::size_t>(device) >= memories_.size()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  return memories_[static_cast<std::size_t>(device)]->allocateManagedOver(memory, bytes, out);
}

CUresult SimulatedBackend::ipcExport(CUdeviceptr pointer, CUipcMemHandle& out) {
  const std::unique_lock contents(contents_); // no copy writes while the allocation moves
  SimulatedMemory* memory = memoryFor(pointer);
  return memory != nullptr ? memory->ipcExport(pointer, out) : CUDA_ERROR_INVALID_VALUE;
}

CUresult SimulatedBackend::ipcImport(int device, const CUipcMemHandle& handle, CUdeviceptr& out) {
  if (device < 0 || static_cast<std::size_t>(device) >= memories_.size()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  return memories_[static_cast<std::size_t>(device)]->ipcImport(handle, out);
}

CUresult SimulatedBackend::ipcClose(CUdeviceptr pointer) {
  SimulatedMemory* memory = memoryFor(pointer);
  return memory != nullptr ? memory->ipcClose(pointer) : CUDA_ERROR_INVALID_VALUE;
}

SimulatedMemory* SimulatedBackend::memoryFor(CUdeviceptr pointer) {
  for (const auto& memory : memories_) {
    PointerInfo info;
    if (memory->pointerInfo(pointer, info) == CUDA_SUCCESS) {
      return memory.get();
    }
  }
  return nullptr;
}

CUresult SimulatedBackend::memFree(CUdeviceptr pointer) {
  SimulatedMemory* memory = memoryFor(pointer);
  return memory == nullptr ? CUDA_ERROR_INVALID_VALUE : memory->free(pointer);
}

CUresult SimulatedBackend::hostAlloc(std::size_t bytes, void*& out) {
  return memories_.empty() ? CUDA_ERROR_NO_DEVICE : memories_.front()->hostAllocate(bytes, out);
}

CUresult SimulatedBackend::hostFree(void* pointer) {
  SimulatedMemory* memory = memoryFor(reinterpret_cast<CUdeviceptr>(pointer));
  return memory == nullptr ? CUDA_ERROR_INVALID_VALUE : memory->hostFree(pointer);
}

CUresult SimulatedBackend::hostRegister(void* pointer, std::size_t bytes) {
  return memories_.empty() ? CUDA_ERROR_NO_DEVICE : memories_.front()->hostRegister(pointer, bytes);
}

CUresult SimulatedBackend::hostUnregister(void* pointer) {
  SimulatedMemory* memory = memoryFor(reinterpret_cast<CUdeviceptr>(pointer));
  return memory == nullptr ? CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED : memory->hostUnregister(pointer);
}

CUresult SimulatedBackend::memGetInfo(int device, std::size_t& freeBytes, std::size_t& totalBytes) {
  if (device < 0 || static_cast<std::size_t>(device) >= memories_.size()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  const SimulatedMemory& memory = *memories_[static_cast<std::size_t>(device)];
  totalBytes = memory.totalBytes();
  freeBytes = totalBytes - memory.usedBytes();
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::memUsage(int device, MemoryUsage& out) const {
  if (device < 0 || static_cast<std::size_t>(device) >= memories_.size()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  out = memories_[static_cast<std::size_t>(device)]->usage();
  return CUDA_SUCCESS;
}

void SimulatedBackend::resetMemoryPeaks() {
  for (const auto& memory : memories_) {
    memory->resetPeak();
  }
}

CUresult SimulatedBackend::pointerInfo(CUdeviceptr pointer, PointerInfo& out) {
  for (const auto& memory : memories_) {
    if (memory->pointerInfo(pointer, out) == CUDA_SUCCESS) {
      return CUDA_SUCCESS;
    }
  }
  return CUDA_ERROR_INVALID_VALUE;
}

std::size_t SimulatedBackend::allocationGranularity(int /*device*/) const {
  return SimulatedMemory::kGranularity;
}

namespace {

// Physical handles are unique across devices: the device is encoded in the top byte.
constexpr unsigned kPhysicalDeviceShift = 56;
constexpr BackendPhysical kPhysicalLocalMask = (BackendPhysical{1} << kPhysicalDeviceShift) - 1;

} // namespace

SimulatedMemory* SimulatedBackend::deviceMemory(int device) const {
  return device < 0 || static_cast<std::size_t>(device) >= memories_.size()
             ? nullptr
             : memories_[static_cast<std::size_t>(device)].get();
}

SimulatedMemory* SimulatedBackend::physicalMemory(BackendPhysical handle, BackendPhysical& local) const {
  const std::size_t device = handle >> kPhysicalDeviceShift;
  local = handle & kPhysicalLocalMask;
  return device < memories_.size() ? memories_[device].get() : nullptr;
}

template <typename Create> CUresult SimulatedBackend::createPhysical(int device, BackendPhysical& out, Create create) {
  SimulatedMemory* memory = deviceMemory(device);
  if (memory == nullptr) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  BackendPhysical local = 0;
  const CUresult status = create(*memory, local);
  out = local | (static_cast<BackendPhysical>(device) << kPhysicalDeviceShift);
  return status;
}

CUresult SimulatedBackend::physicalCreate(int device, std::size_t bytes, BackendPhysical& out) {
  return createPhysical(device, out, [bytes](SimulatedMemory& memory, BackendPhysical& local) {
    return memory.physicalCreate(bytes, local);
  });
}

CUresult SimulatedBackend::physicalRelease(BackendPhysical handle) {
  BackendPhysical local = 0;
  SimulatedMemory* memory = physicalMemory(handle, local);
  return memory == nullptr ? CUDA_ERROR_INVALID_VALUE : memory->physicalRelease(local);
}

CUresult SimulatedBackend::physicalCreateShareable(int device, std::size_t bytes, const std::string& deviceTag,
                                                   BackendPhysical& out) {
  return createPhysical(device, out, [&](SimulatedMemory& memory, BackendPhysical& local) {
    return memory.physicalCreateShareable(bytes, deviceTag, local);
  });
}

CUresult SimulatedBackend::physicalExport(BackendPhysical handle, int& fd) {
  BackendPhysical local = 0;
  SimulatedMemory* memory = physicalMemory(handle, local);
  return memory == nullptr ? CUDA_ERROR_INVALID_VALUE : memory->physicalExport(local, fd);
}

CUresult SimulatedBackend::physicalInspect(int fd, std::string& deviceTag, std::size_t& bytes) {
  return SimulatedMemory::physicalInspect(fd, deviceTag, bytes);
}

CUresult SimulatedBackend::physicalImport(int device, int fd, BackendPhysical& out) {
  return createPhysical(
      device, out, [fd](SimulatedMemory& memory, BackendPhysical& local) { return memory.physicalImport(fd, local); });
}

CUresult SimulatedBackend::addressReserve(std::size_t bytes, std::size_t alignment, CUdeviceptr fixed,
                                          CUdeviceptr& out) {
  return memories_.empty() ? CUDA_ERROR_NO_DEVICE : memories_.front()->reserve(bytes, alignment, fixed, out);
}

CUresult SimulatedBackend::addressFree(CUdeviceptr base, std::size_t bytes) {
  return memories_.empty() ? CUDA_ERROR_NO_DEVICE : memories_.front()->unreserve(base, bytes);
}

CUresult SimulatedBackend::map(CUdeviceptr address, std::size_t bytes, std::size_t offset, BackendPhysical handle) {
  // Address ranges are reserved in device 0's space; physical memory may belong to any device.
  // The simulated memory keeps both in one table per device, so mapping across devices is
  // refused (multi-device VMM peers are not simulated).
  BackendPhysical local = 0;
  if (physicalMemory(handle, local) == nullptr || (handle >> kPhysicalDeviceShift) != 0) {
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  return memories_.front()->map(address, bytes, offset, local);
}

CUresult SimulatedBackend::unmap(CUdeviceptr address, std::size_t bytes) {
  return memories_.empty() ? CUDA_ERROR_NO_DEVICE : memories_.front()->unmap(address, bytes);
}

CUresult SimulatedBackend::setAccess(CUdeviceptr address, std::size_t bytes, int device, bool /*readWrite*/) {
  if (device < 0 || static_cast<std::size_t>(device) >= memories_.size()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  // Access is granted by mapping in the simulation; the range must be mapped.
  std::vector<SimulatedMemory::HostSpan> spans;
  return memories_.front()->resolve(address, bytes, spans);
}

CUresult SimulatedBackend::resolveEndpoint(const CopyEndpoint& endpoint, std::size_t offset, std::size_t bytes,
                                           std::vector<SimulatedMemory::HostSpan>& spans) {
  if (!endpoint.isDevice) {
    if (endpoint.host == nullptr) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    spans.assign(1, {static_cast<std::uint8_t*>(endpoint.host) + offset, bytes});
    return CUDA_SUCCESS;
  }
  SimulatedMemory* memory = memoryFor(endpoint.device + offset);
  if (memory == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return memory->resolve(endpoint.device + offset, bytes, spans);
}

CUresult SimulatedBackend::copy(const CopyEndpoint& dst, const CopyEndpoint& src, std::size_t widthBytes,
                                std::size_t height, BackendStream stream, bool /*async*/) {
  if (!streamExists(stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const std::shared_lock contents(contents_);
  if (widthBytes == 0 || height == 0) {
    return CUDA_SUCCESS;
  }
  if (height > 1 && ((dst.pitch < widthBytes) || (src.pitch < widthBytes))) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Resolve every row first: a copy that would touch unmapped memory changes nothing.
  struct Row {
    std::vector<SimulatedMemory::HostSpan> dst;
    std::vector<SimulatedMemory::HostSpan> src;
  };
  std::vector<Row> rows(height);
  for (std::size_t row = 0; row < height; ++row) {
    if (CUresult status = resolveEndpoint(dst, row * dst.pitch, widthBytes, rows[row].dst); status != CUDA_SUCCESS) {
      return status;
    }
    if (CUresult status = resolveEndpoint(src, row * src.pitch, widthBytes, rows[row].src); status != CUDA_SUCCESS) {
      return status;
    }
  }
  for (const Row& row : rows) {
    std::size_t di = 0;
    std::size_t si = 0;
    std::size_t dOff = 0;
    std::size_t sOff = 0;
    while (di < row.dst.size() && si < row.src.size()) {
      const std::size_t n = std::min(row.dst[di].size - dOff, row.src[si].size - sOff);
      std::memmove(row.dst[di].data + dOff, row.src[si].data + sOff, n);
      dOff += n;
      sOff += n;
      if (dOff == row.dst[di].size) {
        ++di;
        dOff = 0;
      }
      if (sOff == row.src[si].size) {
        ++si;
        sOff = 0;
      }
    }
  }
  const std::uint64_t total = static_cast<std::uint64_t>(widthBytes) * height;
  if (dst.isDevice && src.isDevice) {
    bytesDtoD_ += total;
  } else if (dst.isDevice) {
    bytesHtoD_ += total;
  } else if (src.isDevice) {
    bytesDtoH_ += total;
  }
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::memset(CUdeviceptr dst, std::size_t pitch, std::uint32_t value, unsigned elementSize,
                                  std::size_t widthElements, std::size_t height, BackendStream stream, bool /*async*/) {
  if (!streamExists(stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const std::shared_lock contents(contents_);
  if (elementSize != 1 && elementSize != 2 && elementSize != 4) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (dst % elementSize != 0 || (height > 1 && pitch % elementSize != 0)) {
    return CUDA_ERROR_INVALID_VALUE; // D16/D32 need aligned addresses, as on the GPU
  }
  const std::size_t rowBytes = widthElements * elementSize;
  if (rowBytes == 0 || height == 0) {
    return CUDA_SUCCESS;
  }
  if (height > 1 && pitch < rowBytes) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  SimulatedMemory* memory = memoryFor(dst);
  if (memory == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::vector<std::vector<SimulatedMemory::HostSpan>> rows(height);
  for (std::size_t row = 0; row < height; ++row) {
    if (CUresult status = memory->resolve(dst + row * pitch, rowBytes, rows[row]); status != CUDA_SUCCESS) {
      return status;
    }
  }
  std::uint8_t pattern[4];
  std::memcpy(pattern, &value, sizeof pattern);
  for (const auto& spans : rows) {
    std::size_t phase = 0; // byte position within the element, carried across spans
    for (const auto& span : spans) {
      if (elementSize == 1) {
        std::memset(span.data, pattern[0], span.size);
        continue;
      }
      for (std::size_t i = 0; i < span.size; ++i) {
        span.data[i] = pattern[phase];
        phase = (phase + 1) % elementSize;
      }
    }
  }
  ++memsets_;
  return CUDA_SUCCESS;
}

bool SimulatedBackend::streamExists(BackendStream stream) {
  if (stream == 0) {
    return true;
  }
  const std::lock_guard lock(mutex_);
  return streams_.count(stream) != 0;
}

CUresult SimulatedBackend::streamCreate(int device, unsigned /*flags*/, int /*priority*/, BackendStream& out) {
  const std::lock_guard lock(mutex_);
  out = nextHandle_++;
  streams_[out] = Stream{device};
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::streamDestroy(BackendStream stream) {
  const std::lock_guard lock(mutex_);
  return streams_.erase(stream) == 1 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}

CUresult SimulatedBackend::streamSynchronize(BackendStream stream) {
  return streamExists(stream) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}

CUresult SimulatedBackend::streamQuery(BackendStream stream) {
  return streamExists(stream) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}

CUresult SimulatedBackend::streamSetAttribute(BackendStream stream, CUlaunchAttributeID,
                                              const CUlaunchAttributeValue&) {
  // The simulated device has no L2 to steer and no memory synchronization domains: the attribute
  // is kept and reported by the shim (stream_attributes.h), nothing here acts on it.
  return streamExists(stream) && stream != 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}

CUresult SimulatedBackend::streamWaitEvent(BackendStream stream, BackendEvent event) {
  if (!streamExists(stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const std::lock_guard lock(mutex_);
  // Recorded work is already complete in the simulation; waiting only validates the event.
  return events_.count(event) != 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}

CUresult SimulatedBackend::hostFunction(BackendStream stream, void (*fn)(void*), void* userData) {
  if (!streamExists(stream) || fn == nullptr) {
    return fn == nullptr ? CUDA_ERROR_INVALID_VALUE : CUDA_ERROR_INVALID_HANDLE;
  }
  fn(userData); // everything before it in the stream is complete
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::streamMemoryOperations(BackendStream stream,
                                                  std::span<const StreamMemoryOperation> operations) {
  using Kind = StreamMemoryOperation::Kind;
  if (!streamExists(stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const std::shared_lock contents(contents_);
  // Every word is resolved before any operation runs, so a bad address changes nothing.
  std::vector<std::uint8_t*> words(operations.size(), nullptr);
  for (std::size_t i = 0; i < operations.size(); ++i) {
    const StreamMemoryOperation& operation = operations[i];
    if (operation.kind == Kind::Barrier) {
      continue;
    }
    const std::size_t width = operation.wordBytes();
    if (operation.host != nullptr) {
      // Host memory its caller checked, as a copy's host side (the driver layer's pinned memory,
      // vgpud's mapping of a client's region).
      if (reinterpret_cast<std::uintptr_t>(operation.host) % width != 0) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      words[i] = static_cast<std::uint8_t*>(operation.host);
      continue;
    }
    const CUdeviceptr address = operation.address;
    SimulatedMemory* memory = memoryFor(address);
    PointerInfo info;
    if (address % width != 0 || memory == nullptr || memory->pointerInfo(address, info) != CUDA_SUCCESS ||
        info.kind != MemoryKind::Device) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    std::vector<SimulatedMemory::HostSpan> spans;
    if (const CUresult status = memory->resolve(address, width, spans); status != CUDA_SUCCESS) {
      return status;
    }
    if (spans.size() != 1) {
      return CUDA_ERROR_INVALID_VALUE; // an aligned word never straddles two mappings
    }
    words[i] = spans.front().data;
  }
  for (std::size_t i = 0; i < operations.size(); ++i) {
    const StreamMemoryOperation& operation = operations[i];
    switch (operation.kind) {
    case Kind::Barrier:
      // Every word is read and written sequentially consistently, so a barrier orders nothing more;
      // a sequentially consistent read-modify-write stands for it (ThreadSanitizer rejects fences).
      memoryBarrier_.fetch_add(1, std::memory_order_seq_cst);
      break;
    case Kind::Write32:
      std::atomic_ref(*reinterpret_cast<std::uint32_t*>(words[i]))
          .store(static_cast<std::uint32_t>(operation.value), std::memory_order_seq_cst);
      break;
    case Kind::Write64:
      std::atomic_ref(*reinterpret_cast<std::uint64_t*>(words[i])).store(operation.value, std::memory_order_seq_cst);
      break;
    case Kind::Wait32:
    case Kind::Wait64: {
      const std::uint64_t current =
          operation.kind == Kind::Wait32
              ? std::atomic_ref(*reinterpret_cast<std::uint32_t*>(words[i])).load(std::memory_order_seq_cst)
              : std::atomic_ref(*reinterpret_cast<std::uint64_t*>(words[i])).load(std::memory_order_seq_cst);
      if (!waitConditionMet(operation, current)) {
        static std::atomic<bool> reported{false};
        if (!reported.exchange(true)) {
          log::writef(log::Level::Warn, "sim",
                      "a stream waits for a memory value that is not there when the wait is submitted; the "
                      "simulated device runs each stream's work as it is submitted, so nothing could ever "
                      "release it: refused (CUDA_ERROR_NOT_SUPPORTED)");
        }
        return CUDA_ERROR_NOT_SUPPORTED;
      }
      break;
    }
    }
  }
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::eventCreate(unsigned flags, BackendEvent& out) {
  const std::lock_guard lock(mutex_);
  out = nextHandle_++;
  events_[out] = Event{flags, false, {}};
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::eventDestroy(BackendEvent event) {
  const std::lock_guard lock(mutex_);
  return events_.erase(event) == 1 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}

CUresult SimulatedBackend::eventRecord(BackendEvent event, BackendStream stream) {
  if (!streamExists(stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const std::lock_guard lock(mutex_);
  const auto it = events_.find(event);
  if (it == events_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  it->second.recorded = true;
  it->second.when = std::chrono::steady_clock::now();
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::eventQuery(BackendEvent event) {
  const std::lock_guard lock(mutex_);
  return events_.count(event) != 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}

CUresult SimulatedBackend::eventSynchronize(BackendEvent event) {
  return eventQuery(event);
}

CUresult SimulatedBackend::eventElapsed(BackendEvent start, BackendEvent end, float& milliseconds) {
  const std::lock_guard lock(mutex_);
  const auto a = events_.find(start);
  const auto b = events_.find(end);
  if (a == events_.end() || b == events_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (((a->second.flags | b->second.flags) & CU_EVENT_DISABLE_TIMING) != 0 || !a->second.recorded ||
      !b->second.recorded) {
    return CUDA_ERROR_INVALID_HANDLE; // as the driver: no timing data on these events
  }
  const std::chrono::duration<double, std::milli> elapsed = b->second.when - a->second.when;
  milliseconds = static_cast<float>(elapsed.count());
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::deviceSynchronize(int device) {
  return device >= 0 && static_cast<std::size_t>(device) < memories_.size() ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

bool SimulatedBackend::addressRange(int device, CUdeviceptr& base, std::size_t& size) const {
  if (device < 0 || static_cast<std::size_t>(device) >= memories_.size()) {
    return false;
  }
  base = memories_[static_cast<std::size_t>(device)]->addressBase();
  size = memories_[static_cast<std::size_t>(device)]->addressSize();
  return true;
}

BackendCounters SimulatedBackend::counters() const {
  BackendCounters c;
  c.kernelLaunches = launches_.load();
  c.bytesHostToDevice = bytesHtoD_.load();
  c.bytesDeviceToHost = bytesDtoH_.load();
  c.bytesDeviceToDevice = bytesDtoD_.load();
  c.memsets = memsets_.load();
  return c;
}

} // namespace vgpu::cuda::sim
