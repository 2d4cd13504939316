// Module objects on top of the backend's module loading.
#include "module_loading.h"

#include "entry_common.h"
#include "managed_hints.h"

#include "vgpu/log.h"
#include "vgpu/module/module_image.h"

#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vgpu::cuda {
namespace {

CUresult loadBytes(CUcontext context, std::span<const std::uint8_t> bytes, CUmodule& out) {
  BackendModule backendModule = 0;
  std::string error;
  if (const CUresult status = state().backend().moduleLoad(context->device, bytes, backendModule, error);
      status != CUDA_SUCCESS) {
    log::writef(log::Level::Warn, "module", "load failed: %s", error.c_str());
    return status;
  }
  auto module = std::make_unique<CUmod_st>();
  module->context = context;
  module->backend = backendModule;
  out = state().modules.add(std::move(module));
  return CUDA_SUCCESS;
}

} // namespace

CUresult loadModuleAt(CUcontext context, const void* image, CUmodule& out) {
  if (image == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  auto parsed = module::parseModuleImageAt(image);
  if (!parsed) {
    log::writef(log::Level::Warn, "module", "image rejected: %s", parsed.error().c_str());
    return parsed.errorKind() == module::ParseErrorKind::Unsupported ? CUDA_ERROR_NOT_SUPPORTED
                                                                     : CUDA_ERROR_INVALID_IMAGE;
  }
  // A fatbin wrapper points at its container: the container's bytes are what is loaded.
  const auto* start = static_cast<const std::uint8_t*>(image);
  if (parsed.value().format == module::ImageFormat::FatbinWrapper) {
    std::uint64_t data = 0;
    std::memcpy(&data, start + 8, sizeof data);
    start = reinterpret_cast<const std::uint8_t*>(static_cast<std::uintptr_t>(data));
  }
  return loadBytes(context, std::span(start, parsed.value().size), out);
}

CUresult loadModuleFromFile(CUcontext context, const char* path, CUmodule& out) {
  if (path == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return CUDA_ERROR_FILE_NOT_FOUND;
  }
  struct stat info {};
  std::vector<std::uint8_t> bytes;
  if (::fstat(fd, &info) == 0 && info.st_size > 0 &&
      static_cast<std::uint64_t>(info.st_size) <= module::kMaxDecompressedSize) {
    bytes.resize(static_cast<std::size_t>(info.st_size));
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
      if (n <= 0) {
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
  }
  ::close(fd);
  if (bytes.empty()) {
    return CUDA_ERROR_INVALID_IMAGE;
  }
  bytes.push_back(0); // PTX files are text: keep them NUL-terminated
  return loadBytes(context, bytes, out);
}

CUresult moduleFunction(CUmodule module, const char* name, CUfunction& out) {
  if (name == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  CUmod_st* object = state().modules.find(module);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const std::lock_guard lock(object->mutex);
  if (const auto it = object->functions.find(std::string_view(name)); it != object->functions.end()) {
    out = it->second;
    return CUDA_SUCCESS;
  }
  BackendFunction backendFunction = 0;
  const KernelInfo* info = nullptr;
  if (const CUresult status = state().backend().moduleFunction(object->backend, name, backendFunction, info);
      status != CUDA_SUCCESS) {
    return status;
  }
  auto function = std::make_unique<CUfunc_st>();
  function->module = module;
  function->backend = backendFunction;
  function->info = info;
  out = state().functions.add(std::move(function));
  object->functions.emplace(name, out);
  return CUDA_SUCCESS;
}

CUresult moduleKernelNames(CUmodule module, std::vector<std::string>& out) {
  CUmod_st* object = state().modules.find(module);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  return state().backend().moduleFunctions(object->backend, out);
}

CUresult moduleAllFunctions(CUmodule module, std::vector<CUfunction>& out) {
  std::vector<std::string> names;
  if (const CUresult status = moduleKernelNames(module, names); status != CUDA_SUCCESS) {
    return status;
  }
  out.assign(names.size(), nullptr);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (const CUresult status = moduleFunction(module, names[i].c_str(), out[i]); status != CUDA_SUCCESS) {
      return status;
    }
  }
  return CUDA_SUCCESS;
}

void unloadModule(CUmodule module) {
  CUmod_st* object = state().modules.find(module);
  if (object == nullptr) {
    return;
  }
  {
    const std::lock_guard lock(object->mutex);
    for (const auto& [name, function] : object->functions) {
      state().functions.destroy(function);
    }
    for (const auto& [name, pointer] : object->managed) {
      managed_hints::forget(pointer);
      state().backend().memFree(pointer);
    }
  }
  state().backend().moduleUnload(object->backend);
  state().modules.destroy(module);
}

} // namespace vgpu::cuda
