// The `cuda` backend's work: copies, memsets, streams, events, modules and launches on the
// session's contexts (see cuda_backend.h).
#include "cuda_backend.h"

#include <algorithm>

namespace vgpu::daemon {
namespace {

constexpr std::size_t kDefaultSharedLimit = 48 * 1024;
constexpr std::uint32_t kMaxParameters = 4096;

} // namespace

bool CudaBackend::resolveStream(cuda::BackendStream id, int device, CUstream& out) const {
  if (id == 0) {
    out = nullptr; // the context's legacy default stream
    return true;
  }
  const auto it = streams_.find(id);
  if (it == streams_.end() || it->second.device != device) {
    return false;
  }
  out = it->second.stream;
  return true;
}

CUresult CudaBackend::copy(const cuda::CopyEndpoint& dst, const cuda::CopyEndpoint& src, std::size_t widthBytes,
                           std::size_t height, cuda::BackendStream stream, bool async) {
  if (!dst.isDevice && !src.isDevice) {
    return CUDA_ERROR_INVALID_VALUE; // host to host is the client's own business
  }
  if (widthBytes == 0 || height == 0) {
    return CUDA_SUCCESS;
  }
  int device = -1;
  int otherDevice = -1;
  if (dst.isDevice && !knownRange(dst.device, cuda::rowsFootprint(widthBytes, height, dst.pitch), device)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (src.isDevice && !knownRange(src.device, cuda::rowsFootprint(widthBytes, height, src.pitch), otherDevice)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  device = device >= 0 ? device : otherDevice;
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  CUstream target = nullptr;
  if (!resolveStream(stream, device, target)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  CUresult result = CUDA_SUCCESS;
  if (height == 1) {
    if (dst.isDevice && src.isDevice) {
      result = driver_.cuMemcpyDtoDAsync(dst.device, src.device, widthBytes, target);
      counters_.bytesDeviceToDevice += widthBytes;
    } else if (dst.isDevice) {
      result = driver_.cuMemcpyHtoDAsync(dst.device, src.host, widthBytes, target);
      counters_.bytesHostToDevice += widthBytes;
    } else {
      result = driver_.cuMemcpyDtoHAsync(dst.host, src.device, widthBytes, target);
      counters_.bytesDeviceToHost += widthBytes;
    }
  } else {
    CUDA_MEMCPY2D shape{};
    shape.WidthInBytes = widthBytes;
    shape.Height = height;
    shape.srcMemoryType = src.isDevice ? CU_MEMORYTYPE_DEVICE : CU_MEMORYTYPE_HOST;
    shape.srcDevice = src.device;
    shape.srcHost = src.host;
    shape.srcPitch = src.pitch;
    shape.dstMemoryType = dst.isDevice ? CU_MEMORYTYPE_DEVICE : CU_MEMORYTYPE_HOST;
    shape.dstDevice = dst.device;
    shape.dstHost = dst.host;
    shape.dstPitch = dst.pitch;
    result = driver_.cuMemcpy2DAsync(&shape, target);
    (dst.isDevice && src.isDevice ? counters_.bytesDeviceToDevice
     : dst.isDevice               ? counters_.bytesHostToDevice
                                  : counters_.bytesDeviceToHost) += widthBytes * height;
  }
  // The host side is pageable to the driver: a copy from it has taken its source, and one into it
  // is complete, when the call returns. A synchronous copy also waits for its stream.
  if (result == CUDA_SUCCESS && !async) {
    result = driver_.cuStreamSynchronize(target);
  }
  return note(result);
}

CUresult CudaBackend::memset(CUdeviceptr dst, std::size_t pitch, std::uint32_t value, unsigned elementSize,
                             std::size_t widthElements, std::size_t height, cuda::BackendStream stream, bool async) {
  if (elementSize != 1 && elementSize != 2 && elementSize != 4) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (widthElements == 0 || height == 0) {
    return CUDA_SUCCESS;
  }
  int device = 0;
  if (!knownRange(dst, cuda::rowsFootprint(widthElements * elementSize, height, pitch), device)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  CUstream target = nullptr;
  if (!resolveStream(stream, device, target)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  CUresult result = CUDA_SUCCESS;
  if (height == 1) {
    result = elementSize == 1 ? driver_.cuMemsetD8Async(dst, static_cast<unsigned char>(value), widthElements, target)
             : elementSize == 2
                 ? driver_.cuMemsetD16Async(dst, static_cast<unsigned short>(value), widthElements, target)
                 : driver_.cuMemsetD32Async(dst, value, widthElements, target);
  } else {
    result =
        elementSize == 1
            ? driver_.cuMemsetD2D8Async(dst, pitch, static_cast<unsigned char>(value), widthElements, height, target)
        : elementSize == 2
            ? driver_.cuMemsetD2D16Async(dst, pitch, static_cast<unsigned short>(value), widthElements, height, target)
            : driver_.cuMemsetD2D32Async(dst, pitch, value, widthElements, height, target);
  }
  ++counters_.memsets;
  if (result == CUDA_SUCCESS && !async) {
    result = driver_.cuStreamSynchronize(target);
  }
  return note(result);
}

CUresult CudaBackend::streamCreate(int device, unsigned flags, int priority, cuda::BackendStream& out) {
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  if (priority_ != SessionPriority::Normal) {
    // The range is the context's (its device's); the driver clamps what lies outside it anyway.
    int least = 0;
    int greatest = 0;
    if (const CUresult result = driver_.cuCtxGetStreamPriorityRange(&least, &greatest); result != CUDA_SUCCESS) {
      return note(result);
    }
    priority = sessionStreamPriority(priority_, priority, least, greatest);
  }
  CUstream stream = nullptr;
  if (const CUresult result = driver_.cuStreamCreateWithPriority(&stream, flags, priority); result != CUDA_SUCCESS) {
    return note(result);
  }
  out = nextId_++;
  streams_[out] = Stream{stream, device};
  return CUDA_SUCCESS;
}

CUresult CudaBackend::streamDestroy(cuda::BackendStream id) {
  const auto it = streams_.find(id);
  if (it == streams_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  bind(it->second.device);
  const CUresult result = driver_.cuStreamDestroy(it->second.stream);
  streams_.erase(it);
  return note(result);
}

// Runs `call` on stream `id` (0: the legacy default stream of the current device) with its
// device's context current.
template <typename Call> CUresult CudaBackend::onStream(cuda::BackendStream id, Call call) {
  const int device = id == 0 ? std::max(bound_, 0) : (streams_.count(id) != 0 ? streams_.at(id).device : -1);
  CUstream stream = nullptr;
  if (device < 0 || !resolveStream(id, device, stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  return note(call(stream));
}

CUresult CudaBackend::streamSynchronize(cuda::BackendStream id) {
  return onStream(id, [this](CUstream stream) { return driver_.cuStreamSynchronize(stream); });
}

CUresult CudaBackend::streamQuery(cuda::BackendStream id) {
  return onStream(id, [this](CUstream stream) { return driver_.cuStreamQuery(stream); });
}

CUresult CudaBackend::streamSetAttribute(cuda::BackendStream id, CUlaunchAttributeID attribute,
                                         const CUlaunchAttributeValue& value) {
  if (id == 0) {
    return CUDA_ERROR_INVALID_HANDLE; // the shim keeps the default streams' attributes itself
  }
  return onStream(id, [&](CUstream stream) { return driver_.cuStreamSetAttribute(stream, attribute, &value); });
}

CUresult CudaBackend::streamWaitEvent(cuda::BackendStream id, cuda::BackendEvent eventId) {
  const auto event = events_.find(eventId);
  if (event == events_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const int device = id == 0 ? event->second.device : (streams_.count(id) != 0 ? streams_.at(id).device : -1);
  CUstream stream = nullptr;
  if (device < 0 || !resolveStream(id, device, stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  return note(driver_.cuStreamWaitEvent(stream, event->second.event, 0));
}

// The driver's batch of the same operations: device words only in this session's memory on the
// stream's device, host words only in pinned regions the session registered (their device address
// from the driver, in the stream's context).
CUresult CudaBackend::streamMemoryOperations(cuda::BackendStream id,
                                             std::span<const cuda::StreamMemoryOperation> operations) {
  if (operations.empty() || operations.size() > cuda::kMaxStreamMemoryOperations) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return onStream(id, [&](CUstream stream) { return runMemoryOperations(stream, operations); });
}

CUresult CudaBackend::runMemoryOperations(CUstream stream, std::span<const cuda::StreamMemoryOperation> operations) {
  using Kind = cuda::StreamMemoryOperation::Kind;
  const int device = bound_; // onStream bound the stream's device
  std::vector<CUstreamBatchMemOpParams> batch(operations.size());
  for (std::size_t i = 0; i < operations.size(); ++i) {
    const cuda::StreamMemoryOperation& operation = operations[i];
    CUstreamBatchMemOpParams& params = batch[i];
    if (operation.kind == Kind::Barrier) {
      if (operation.flags > CU_STREAM_MEMORY_BARRIER_TYPE_GPU) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      params.memoryBarrier.operation = CU_STREAM_MEM_OP_BARRIER;
      params.memoryBarrier.flags = operation.flags;
      continue;
    }
    const bool wide = operation.wordBytes() == 8;
    CUdeviceptr address = operation.address;
    if (operation.host != nullptr) {
      if (driver_.cuMemHostGetDevicePointer(&address, operation.host, 0) != CUDA_SUCCESS) {
        return CUDA_ERROR_INVALID_VALUE;
      }
    } else if (int owner = -1; !knownRange(address, operation.wordBytes(), owner) || owner != device) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    if (address % operation.wordBytes() != 0) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    if (operation.kind == Kind::Wait32 || operation.kind == Kind::Wait64) {
      params.waitValue.operation = wide ? CU_STREAM_MEM_OP_WAIT_VALUE_64 : CU_STREAM_MEM_OP_WAIT_VALUE_32;
      params.waitValue.address = address;
      params.waitValue.value64 = wide ? operation.value : static_cast<std::uint32_t>(operation.value);
      params.waitValue.flags = operation.flags;
    } else {
      params.writeValue.operation = wide ? CU_STREAM_MEM_OP_WRITE_VALUE_64 : CU_STREAM_MEM_OP_WRITE_VALUE_32;
      params.writeValue.address = address;
      params.writeValue.value64 = wide ? operation.value : static_cast<std::uint32_t>(operation.value);
      params.writeValue.flags = operation.flags;
    }
  }
  return driver_.cuStreamBatchMemOp(stream, static_cast<unsigned>(batch.size()), batch.data(), 0);
}

// The tenant's worker holds only its own memory, so a map can reach nothing else: the description
// was checked against the documented rules, and the driver checks it again as it encodes.
CUresult CudaBackend::tensorMapEncode(int device, const cuda::TensorMapDescription& d, CUtensorMap& out) {
  if (!validDevice(device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  void* address = reinterpret_cast<void*>(d.address);
  const auto type = static_cast<CUtensorMapDataType>(d.dataType);
  const auto interleave = static_cast<CUtensorMapInterleave>(d.interleave);
  const auto swizzle = static_cast<CUtensorMapSwizzle>(d.swizzle);
  const auto l2Promotion = static_cast<CUtensorMapL2promotion>(d.l2Promotion);
  const auto oobFill = static_cast<CUtensorMapFloatOOBfill>(d.oobFill);
  if (!d.im2col) {
    return driver_.cuTensorMapEncodeTiled(&out, type, d.rank, address, d.globalDim.data(), d.globalStrides.data(),
                                          d.boxDim.data(), d.elementStrides.data(), interleave, swizzle, l2Promotion,
                                          oobFill);
  }
  return driver_.cuTensorMapEncodeIm2col(&out, type, d.rank, address, d.globalDim.data(), d.globalStrides.data(),
                                         d.lowerCorner.data(), d.upperCorner.data(), d.channelsPerPixel,
                                         d.pixelsPerColumn, d.elementStrides.data(), interleave, swizzle, l2Promotion,
                                         oobFill);
}

CUresult CudaBackend::tensorMapReplaceAddress(int device, CUtensorMap& map, CUdeviceptr address) {
  if (!validDevice(device)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  return driver_.cuTensorMapReplaceAddress(&map, reinterpret_cast<void*>(address));
}

CUresult CudaBackend::hostFunction(cuda::BackendStream, void (*)(void*), void*) {
  return CUDA_ERROR_NOT_SUPPORTED; // host functions run in the client's process, never here
}

CUresult CudaBackend::eventCreate(unsigned flags, cuda::BackendEvent& out) {
  const int device = std::max(bound_, 0);
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  CUevent event = nullptr;
  if (const CUresult result = driver_.cuEventCreate(&event, flags); result != CUDA_SUCCESS) {
    return note(result);
  }
  out = nextId_++;
  events_[out] = Event{event, device};
  return CUDA_SUCCESS;
}

CUresult CudaBackend::eventDestroy(cuda::BackendEvent id) {
  ++generation_; // graphs run whole re-check what they name before their next launch
  const auto it = events_.find(id);
  if (it == events_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  bind(it->second.device);
  const CUresult result = driver_.cuEventDestroy(it->second.event);
  events_.erase(it);
  return note(result);
}

CUresult CudaBackend::eventRecord(cuda::BackendEvent id, cuda::BackendStream streamId) {
  const auto event = events_.find(id);
  if (event == events_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  CUstream stream = nullptr;
  if (!resolveStream(streamId, event->second.device, stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (const CUresult bound = bind(event->second.device); bound != CUDA_SUCCESS) {
    return bound;
  }
  return note(driver_.cuEventRecord(event->second.event, stream));
}

// Runs `call` on event `id` with its device's context current.
template <typename Call> CUresult CudaBackend::onEvent(cuda::BackendEvent id, Call call) {
  const auto event = events_.find(id);
  if (event == events_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (const CUresult bound = bind(event->second.device); bound != CUDA_SUCCESS) {
    return bound;
  }
  return note(call(event->second.event));
}

CUresult CudaBackend::eventQuery(cuda::BackendEvent id) {
  return onEvent(id, [this](CUevent event) { return driver_.cuEventQuery(event); });
}

CUresult CudaBackend::eventSynchronize(cuda::BackendEvent id) {
  return onEvent(id, [this](CUevent event) { return driver_.cuEventSynchronize(event); });
}

CUresult CudaBackend::eventElapsed(cuda::BackendEvent start, cuda::BackendEvent end, float& milliseconds) {
  const auto first = events_.find(start);
  const auto second = events_.find(end);
  if (first == events_.end() || second == events_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (const CUresult bound = bind(first->second.device); bound != CUDA_SUCCESS) {
    return bound;
  }
  return note(driver_.cuEventElapsedTime(&milliseconds, first->second.event, second->second.event));
}

CUresult CudaBackend::deviceSynchronize(int device) {
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  return note(driver_.cuCtxSynchronize());
}

CUresult CudaBackend::moduleLoad(int device, std::span<const std::uint8_t> image, cuda::BackendModule& out,
                                 std::string& error) {
  if (const CUresult bound = bind(device); bound != CUDA_SUCCESS) {
    return bound;
  }
  // PTX must end in a NUL; a trailing byte is harmless to fatbins and cubins (their headers give
  // their sizes).
  std::vector<std::uint8_t> terminated(image.begin(), image.end());
  terminated.push_back(0);
  CUmodule module = nullptr;
  if (const CUresult result = driver_.cuModuleLoadData(&module, terminated.data()); result != CUDA_SUCCESS) {
    error = "the driver refused the module image: " + driver_.errorName(result);
    return note(result);
  }
  out = nextId_++;
  modules_[out] = Module{module, device};
  return CUDA_SUCCESS;
}

CUresult CudaBackend::moduleUnload(cuda::BackendModule id) {
  ++generation_; // graphs run whole re-check what they name before their next launch
  const auto it = modules_.find(id);
  if (it == modules_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  std::erase_if(functions_, [id](const auto& entry) { return entry.second.module == id; });
  std::erase_if(
      ranges_, [id](const auto& entry) { return entry.second.kind == RangeKind::Global && entry.second.module == id; });
  bind(it->second.device);
  const CUresult result = driver_.cuModuleUnload(it->second.module);
  modules_.erase(it);
  return note(result);
}

CUresult CudaBackend::moduleFunction(cuda::BackendModule id, std::string_view name, cuda::BackendFunction& out,
                                     const cuda::KernelInfo*& info) {
  const auto module = modules_.find(id);
  if (module == modules_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  for (const auto& [functionId, function] : functions_) {
    if (function.module == id && function.info.name == name) {
      out = functionId;
      info = &function.info;
      return CUDA_SUCCESS;
    }
  }
  if (const CUresult bound = bind(module->second.device); bound != CUDA_SUCCESS) {
    return bound;
  }
  const std::string terminated(name);
  Function function;
  function.module = id;
  function.device = module->second.device;
  function.info.name = terminated;
  if (const CUresult result =
          driver_.cuModuleGetFunction(&function.function, module->second.module, terminated.c_str());
      result != CUDA_SUCCESS) {
    return note(result);
  }
  // The parameter layout from the driver itself: the loaded image's own metadata.
  for (std::uint32_t index = 0; index < kMaxParameters; ++index) {
    std::size_t offset = 0;
    std::size_t size = 0;
    if (driver_.cuFuncGetParamInfo(function.function, index, &offset, &size) != CUDA_SUCCESS) {
      break;
    }
    function.info.parameters.push_back({static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(size)});
    function.info.parameterBufferSize =
        std::max(function.info.parameterBufferSize, static_cast<std::uint32_t>(offset + size));
  }
  const auto attribute = [&](CUfunction_attribute which, int& value) {
    driver_.cuFuncGetAttribute(&value, which, function.function);
  };
  attribute(CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, function.info.maxThreadsPerBlock);
  attribute(CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, function.info.sharedSizeBytes);
  attribute(CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES, function.info.constSizeBytes);
  attribute(CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, function.info.localSizeBytes);
  attribute(CU_FUNC_ATTRIBUTE_NUM_REGS, function.info.numRegs);
  out = nextId_++;
  const auto inserted = functions_.emplace(out, std::move(function));
  info = &inserted.first->second.info;
  return CUDA_SUCCESS;
}

CUresult CudaBackend::moduleFunctions(cuda::BackendModule id, std::vector<std::string>& names) {
  const auto module = modules_.find(id);
  if (module == modules_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (const CUresult bound = bind(module->second.device); bound != CUDA_SUCCESS) {
    return bound;
  }
  unsigned count = 0;
  if (const CUresult result = driver_.cuModuleGetFunctionCount(&count, module->second.module); result != CUDA_SUCCESS) {
    return note(result);
  }
  std::vector<CUfunction> functions(count);
  if (const CUresult result = driver_.cuModuleEnumerateFunctions(functions.data(), count, module->second.module);
      result != CUDA_SUCCESS) {
    return note(result);
  }
  names.clear();
  for (CUfunction function : functions) {
    const char* name = nullptr;
    if (driver_.cuFuncGetName(&name, function) == CUDA_SUCCESS && name != nullptr) {
      names.emplace_back(name);
    }
  }
  return CUDA_SUCCESS;
}

CUresult CudaBackend::moduleGlobal(cuda::BackendModule id, std::string_view name, cuda::GlobalInfo& out) {
  const auto module = modules_.find(id);
  if (module == modules_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (const CUresult bound = bind(module->second.device); bound != CUDA_SUCCESS) {
    return bound;
  }
  const std::string terminated(name);
  CUdeviceptr address = 0;
  std::size_t size = 0;
  if (const CUresult result = driver_.cuModuleGetGlobal(&address, &size, module->second.module, terminated.c_str());
      result != CUDA_SUCCESS) {
    return note(result);
  }
  if (size > 0 && ranges_.count(address) == 0) {
    ranges_[address] = Range{size, size, module->second.device, RangeKind::Global, 0, nextId_++, id, 0};
  }
  out = cuda::GlobalInfo{terminated, address, size};
  return CUDA_SUCCESS;
}

// The guest's cuFuncSetAttribute stays in the guest (the shim checked the size against the device's
// opt-in limit), so opt in here. Set once per size (a driver call on every launch cost as much as
// the launch itself).
void CudaBackend::optInSharedMemory(Function& function, unsigned sharedMemBytes) {
  if (sharedMemBytes + static_cast<std::size_t>(function.info.sharedSizeBytes) > kDefaultSharedLimit &&
      sharedMemBytes > function.dynamicSharedOptIn) {
    if (driver_.cuFuncSetAttribute(function.function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                   static_cast<int>(sharedMemBytes)) == CUDA_SUCCESS) {
      function.dynamicSharedOptIn = sharedMemBytes;
    }
  }
}

CUresult CudaBackend::launch(cuda::BackendFunction id, const cuda::LaunchConfig& config,
                             std::span<const std::uint8_t> parameters) {
  const auto it = functions_.find(id);
  if (it == functions_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  Function& function = it->second;
  if (parameters.size() < function.info.parameterBufferSize) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (const CUresult bound = bind(function.device); bound != CUDA_SUCCESS) {
    return bound;
  }
  CUstream stream = nullptr;
  if (!resolveStream(config.stream, function.device, stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  optInSharedMemory(function, config.sharedMemBytes);
  std::vector<void*>& arguments = launchArguments_; // reused: no allocation per launch
  arguments.clear();
  for (const cuda::KernelParameter& parameter : function.info.parameters) {
    // The driver copies each parameter's bytes during the call.
    arguments.push_back(const_cast<std::uint8_t*>(parameters.data() + parameter.offset));
  }
  ++counters_.kernelLaunches;
  void** kernelParams = arguments.empty() ? nullptr : arguments.data();
  if (!config.extended()) {
    return note(driver_.cuLaunchKernel(function.function, config.gridX, config.gridY, config.gridZ, config.blockX,
                                       config.blockY, config.blockZ, config.sharedMemBytes, stream, kernelParams,
                                       nullptr));
  }
  // Thread-block clusters and cooperative launches: kernels written for them fault without them.
  CUlaunchAttribute attributes[4] = {};
  unsigned count = 0;
  if (config.clusterX * config.clusterY * config.clusterZ != 1) {
    attributes[count].id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
    attributes[count].value.clusterDim.x = config.clusterX;
    attributes[count].value.clusterDim.y = config.clusterY;
    attributes[count].value.clusterDim.z = config.clusterZ;
    ++count;
  }
  if (config.cooperative) {
    attributes[count].id = CU_LAUNCH_ATTRIBUTE_COOPERATIVE;
    attributes[count].value.cooperative = 1;
    ++count;
  }
  if (config.programmaticSerialization) {
    attributes[count].id = CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION;
    attributes[count].value.programmaticStreamSerializationAllowed = 1;
    ++count;
  }
  if (config.clusterSchedulingPolicy != 0) {
    attributes[count].id = CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE;
    attributes[count].value.clusterSchedulingPolicyPreference =
        static_cast<CUclusterSchedulingPolicy>(config.clusterSchedulingPolicy);
    ++count;
  }
  CUlaunchConfig launchConfig{};
  launchConfig.gridDimX = config.gridX;
  launchConfig.gridDimY = config.gridY;
  launchConfig.gridDimZ = config.gridZ;
  launchConfig.blockDimX = config.blockX;
  launchConfig.blockDimY = config.blockY;
  launchConfig.blockDimZ = config.blockZ;
  launchConfig.sharedMemBytes = config.sharedMemBytes;
  launchConfig.hStream = stream;
  launchConfig.attrs = attributes;
  launchConfig.numAttrs = count;
  return note(driver_.cuLaunchKernelEx(&launchConfig, function.function, kernelParams, nullptr));
}

} // namespace vgpu::daemon
