// Module loading and kernel launches on the simulated device. Modules are parsed for real
// (vgpu/module): the entry the device's compute capability selects gives the kernels, their
// parameter layouts and the module's globals (allocated in device memory, zero-filled: the
// simulation does not apply initialisers). Launches are validated and counted, not executed.
#include "sim/simulated_backend.h"

#include "vgpu/log.h"
#include "vgpu/module/cubin.h"
#include "vgpu/module/module_image.h"

namespace vgpu::cuda::sim {

CUresult SimulatedBackend::moduleLoad(int device, std::span<const std::uint8_t> image, BackendModule& out,
                                      std::string& error) {
  if (device < 0 || static_cast<std::size_t>(device) >= limits_.size()) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  const SimulatedDeviceLimits& limits = limits_[static_cast<std::size_t>(device)];
  auto parsed = module::parseModuleImage(image);
  if (!parsed) {
    error = parsed.error();
    return parsed.errorKind() == module::ParseErrorKind::Unsupported ? CUDA_ERROR_NOT_SUPPORTED
                                                                     : CUDA_ERROR_INVALID_IMAGE;
  }
  const module::ModuleEntry* entry = module::selectForDevice(parsed.value(), limits.ccMajor, limits.ccMinor);
  if (entry == nullptr) {
    error = "no SASS or PTX entry for compute capability " + std::to_string(limits.ccMajor) + "." +
            std::to_string(limits.ccMinor);
    return CUDA_ERROR_NO_BINARY_FOR_GPU;
  }
  auto info = module::describeEntry(*entry);
  if (!info) {
    error = info.error();
    return info.errorKind() == module::ParseErrorKind::Unsupported ? CUDA_ERROR_NOT_SUPPORTED
                                                                   : CUDA_ERROR_INVALID_IMAGE;
  }
  Module loaded;
  loaded.device = device;
  std::vector<CUdeviceptr> globalAllocations;
  for (const module::GlobalInfo& global : info.value().globals) {
    CUdeviceptr address = 0;
    if (global.size > 0) {
      if (const CUresult status = memories_[static_cast<std::size_t>(device)]->allocate(global.size, address);
          status != CUDA_SUCCESS) {
        for (CUdeviceptr allocated : globalAllocations) {
          memories_[static_cast<std::size_t>(device)]->free(allocated);
        }
        error = "cannot allocate module global " + global.name;
        return status;
      }
      globalAllocations.push_back(address);
    }
    loaded.globals.emplace(global.name, GlobalInfo{global.name, address, static_cast<std::size_t>(global.size)});
  }
  const std::lock_guard lock(mutex_);
  out = nextHandle_++;
  for (const module::KernelInfo& kernel : info.value().kernels) {
    Function function;
    function.module = out;
    function.info.name = kernel.name;
    for (const module::KernelParam& parameter : kernel.params) {
      function.info.parameters.push_back({parameter.offset, parameter.size});
    }
    function.info.parameterBufferSize = kernel.paramBufferSize;
    function.info.maxThreadsPerBlock =
        static_cast<int>(kernel.maxThreadsPerBlock.value_or(static_cast<std::uint32_t>(limits.maxThreadsPerBlock)));
    function.info.sharedSizeBytes = static_cast<int>(kernel.staticSharedSize.value_or(0));
    function.info.numRegs = static_cast<int>(kernel.registers.value_or(0));
    function.info.fromPtx = entry->kind == module::EntryKind::Ptx;
    const BackendFunction id = nextHandle_++;
    functions_.emplace(id, std::move(function));
    loaded.functions.emplace(kernel.name, id);
  }
  modules_.emplace(out, std::move(loaded));
  log::writef(log::Level::Debug, "module", "loaded %zu kernel(s) from %s entry sm_%d", info.value().kernels.size(),
              module::describe(entry->kind), entry->arch);
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::moduleUnload(BackendModule handle) {
  std::vector<CUdeviceptr> globals;
  int device = 0;
  {
    const std::lock_guard lock(mutex_);
    const auto it = modules_.find(handle);
    if (it == modules_.end()) {
      return CUDA_ERROR_INVALID_HANDLE;
    }
    device = it->second.device;
    for (const auto& [name, function] : it->second.functions) {
      functions_.erase(function);
    }
    for (const auto& [name, global] : it->second.globals) {
      if (global.address != 0) {
        globals.push_back(global.address);
      }
    }
    modules_.erase(it);
  }
  for (CUdeviceptr address : globals) {
    memories_[static_cast<std::size_t>(device)]->free(address);
  }
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::moduleFunction(BackendModule handle, std::string_view name, BackendFunction& out,
                                          const KernelInfo*& info) {
  const std::lock_guard lock(mutex_);
  const auto it = modules_.find(handle);
  if (it == modules_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const auto function = it->second.functions.find(name);
  if (function == it->second.functions.end()) {
    return CUDA_ERROR_NOT_FOUND;
  }
  out = function->second;
  info = &functions_.at(out).info; // node-based map: the address is stable until unload
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::moduleFunctions(BackendModule handle, std::vector<std::string>& names) {
  const std::lock_guard lock(mutex_);
  const auto it = modules_.find(handle);
  if (it == modules_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  names.clear();
  for (const auto& [name, function] : it->second.functions) {
    names.push_back(name);
  }
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::moduleGlobal(BackendModule handle, std::string_view name, GlobalInfo& out) {
  const std::lock_guard lock(mutex_);
  const auto it = modules_.find(handle);
  if (it == modules_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const auto global = it->second.globals.find(name);
  if (global == it->second.globals.end()) {
    return CUDA_ERROR_NOT_FOUND;
  }
  out = global->second;
  return CUDA_SUCCESS;
}

CUresult SimulatedBackend::launch(BackendFunction handle, const LaunchConfig& config,
                                  std::span<const std::uint8_t> parameters) {
  if (!streamExists(config.stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const std::lock_guard lock(mutex_);
  const CUresult status = checkLaunch(handle, config, parameters);
  if (status == CUDA_SUCCESS) {
    ++launches_;
  }
  return status;
}

CUresult SimulatedBackend::checkLaunch(BackendFunction handle, const LaunchConfig& config,
                                       std::span<const std::uint8_t> parameters) const {
  const auto it = functions_.find(handle);
  if (it == functions_.end()) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const KernelInfo& info = it->second.info;
  const SimulatedDeviceLimits& limits = limits_[static_cast<std::size_t>(modules_.at(it->second.module).device)];
  // The checks NVIDIA's driver makes before a launch reaches the GPU.
  if (parameters.size() != info.parameterBufferSize) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (config.gridX == 0 || config.gridY == 0 || config.gridZ == 0 || config.blockX == 0 || config.blockY == 0 ||
      config.blockZ == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto threads = static_cast<std::uint64_t>(config.blockX) * config.blockY * config.blockZ;
  if (config.blockX > static_cast<unsigned>(limits.maxBlockDim[0]) ||
      config.blockY > static_cast<unsigned>(limits.maxBlockDim[1]) ||
      config.blockZ > static_cast<unsigned>(limits.maxBlockDim[2]) ||
      config.gridX > static_cast<unsigned>(limits.maxGridDim[0]) ||
      config.gridY > static_cast<unsigned>(limits.maxGridDim[1]) ||
      config.gridZ > static_cast<unsigned>(limits.maxGridDim[2])) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (threads > static_cast<std::uint64_t>(info.maxThreadsPerBlock)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (static_cast<std::uint64_t>(config.sharedMemBytes) + static_cast<std::uint64_t>(info.sharedSizeBytes) >
      static_cast<std::uint64_t>(limits.maxSharedMemoryPerBlockOptin)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return CUDA_SUCCESS;
}

} // namespace vgpu::cuda::sim
