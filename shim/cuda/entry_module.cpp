// Entry points for modules, context-independent libraries, kernels and function attributes.
#include "context_lifecycle.h"
#include "entry_common.h"
#include "jit_options.h"
#include "module_loading.h"

#include "vgpu/log.h"
#include "vgpu/module/module_image.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

using namespace vgpu::cuda;

namespace {

// A CUfunction argument may also be a CUkernel (CUDA 12 lets applications cast one to the other).
CUfunc_st* findFunction(CUfunction function) {
  if (CUfunc_st* object = state().functions.find(function)) {
    return object;
  }
  if (CUkern_st* kernel = state().kernels.find(reinterpret_cast<CUkernel>(function))) {
    return state().functions.find(kernel->function);
  }
  return nullptr;
}

CUresult functionAttribute(const CUfunc_st& function, CUfunction_attribute attribute, int& value) {
  const KernelInfo& info = *function.info;
  switch (attribute) {
  case CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK: value = info.maxThreadsPerBlock; return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES: value = info.sharedSizeBytes; return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES: value = info.constSizeBytes; return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES: value = info.localSizeBytes; return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_NUM_REGS: value = info.numRegs; return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_PTX_VERSION:
  case CU_FUNC_ATTRIBUTE_BINARY_VERSION: {
    DeviceRecord* record = state().device(function.module->context->device);
    value = record->presented.profile->ccMajor * 10 + record->presented.profile->ccMinor;
    return CUDA_SUCCESS;
  }
  case CU_FUNC_ATTRIBUTE_CACHE_MODE_CA: value = 0; return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES: value = function.maxDynamicSharedSizeBytes; return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT:
    value = function.preferredSharedMemoryCarveout;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_CLUSTER_SIZE_MUST_BE_SET:
  case CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_WIDTH:
  case CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_HEIGHT:
  case CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_DEPTH:
  case CU_FUNC_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE:
    value = 0; // no compile-time cluster dimensions in the metadata we read
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED:
    value = function.nonPortableClusterSizeAllowed ? 1 : 0;
    return CUDA_SUCCESS;
  default: return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult setFunctionAttribute(CUfunc_st& function, CUfunction_attribute attribute, int value) {
  switch (attribute) {
  case CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES: {
    DeviceRecord* record = state().device(function.module->context->device);
    int optin = 0;
    vgpu::device::presentedAttribute(record->presented, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, optin);
    if (value < 0 || value + function.info->sharedSizeBytes > optin) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    function.maxDynamicSharedSizeBytes = value;
    return CUDA_SUCCESS;
  }
  case CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT:
    if (value < -1 || value > 100) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    function.preferredSharedMemoryCarveout = value;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED:
    function.nonPortableClusterSizeAllowed = value != 0;
    return CUDA_SUCCESS;
  case CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_WIDTH:
  case CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_HEIGHT:
  case CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_DEPTH:
  case CU_FUNC_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE:
    return CUDA_SUCCESS; // scheduling of clusters is not simulated; launches are validated only
  default: return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult libraryModule(CUlib_st& library, CUmodule& out) {
  const std::lock_guard lock(library.mutex);
  if (library.module != nullptr && state().modules.find(library.module) != nullptr) {
    out = library.module;
    return CUDA_SUCCESS;
  }
  // Libraries need no current context (cudart 13 loads them before any exists): their module
  // lives in device 0's primary context, which is created without taking a reference.
  CUcontext primary = primaryContextHandle(0);
  if (primary == nullptr) {
    return CUDA_ERROR_NO_DEVICE;
  }
  if (const CUresult status = loadModuleAt(primary, library.image.data(), library.module); status != CUDA_SUCCESS) {
    return status;
  }
  out = library.module;
  return CUDA_SUCCESS;
}

CUresult loadLibrary(CUlibrary* library, std::vector<std::uint8_t> image) {
  VGPU_REQUIRE_OUT(library);
  VGPU_REQUIRE_INIT();
  auto object = std::make_unique<CUlib_st>();
  object->image = std::move(image);
  CUlib_st* raw = object.get();
  CUmodule module = nullptr;
  // Loaded eagerly so a bad image fails here, as NVIDIA's driver reports it at load.
  const CUlibrary handle = state().libraries.add(std::move(object));
  if (const CUresult status = libraryModule(*raw, module); status != CUDA_SUCCESS) {
    state().libraries.destroy(handle);
    return status;
  }
  *library = handle;
  return CUDA_SUCCESS;
}

} // namespace

CUresult entry::cuModuleLoad(CUmodule* module, const char* path) {
  VGPU_REQUIRE_OUT(module);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  return loadModuleFromFile(context, path, *module);
}

CUresult entry::cuModuleLoadData(CUmodule* module, const void* image) {
  VGPU_REQUIRE_OUT(module);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  return loadModuleAt(context, image, *module);
}

// JIT options tune PTX compilation, which the executor does (the GPU's driver behind vgpud; the
// simulated device compiles nothing): they are checked, and the outputs they ask for written back.
CUresult entry::cuModuleLoadDataEx(CUmodule* module, const void* image, unsigned int numOptions, CUjit_option* options,
                                   void** values) {
  JitOptions jit;
  if (const CUresult status = parseJitOptions(numOptions, options, values, jit); status != CUDA_SUCCESS) {
    return status;
  }
  const auto started = std::chrono::steady_clock::now();
  const CUresult status = ::cuModuleLoadData(module, image);
  const float milliseconds =
      std::chrono::duration<float, std::milli>(std::chrono::steady_clock::now() - started).count();
  reportJitOutputs(jit, "", status == CUDA_SUCCESS ? "" : "vgpu: the module image was refused", milliseconds);
  return status;
}

CUresult entry::cuModuleLoadFatBinary(CUmodule* module, const void* fatbin) {
  return ::cuModuleLoadData(module, fatbin);
}

CUresult entry::cuModuleUnload(CUmodule module) {
  VGPU_REQUIRE_INIT();
  if (state().modules.find(module) == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  unloadModule(module);
  return CUDA_SUCCESS;
}

CUresult entry::cuModuleGetFunction(CUfunction* function, CUmodule module, const char* name) {
  VGPU_REQUIRE_OUT(function);
  VGPU_REQUIRE_INIT();
  return moduleFunction(module, name, *function);
}

CUresult entry::cuModuleGetGlobal_v2(CUdeviceptr* pointer, size_t* bytes, CUmodule module, const char* name) {
  VGPU_REQUIRE_INIT();
  if (name == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  CUmod_st* object = state().modules.find(module);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  GlobalInfo global;
  if (const CUresult status = state().backend().moduleGlobal(object->backend, name, global); status != CUDA_SUCCESS) {
    vgpu::log::writef(vgpu::log::Level::Debug, "module", "global %s not found", name);
    return status;
  }
  vgpu::log::writef(vgpu::log::Level::Debug, "module", "global %s: %zu bytes at 0x%llx", name, global.size,
                    static_cast<unsigned long long>(global.address));
  if (pointer != nullptr) {
    *pointer = global.address;
  }
  if (bytes != nullptr) {
    *bytes = global.size;
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuModuleGetLoadingMode(CUmoduleLoadingMode* mode) {
  VGPU_REQUIRE_OUT(mode);
  VGPU_REQUIRE_INIT();
  // The mode tells the runtime when to load modules (cudart loads at first use when lazy). The
  // shim parses a module completely whenever it is loaded, so either answer is true of it; report
  // what NVIDIA's driver reports: LAZY unless CUDA_MODULE_LOADING=EAGER.
  const char* setting = std::getenv("CUDA_MODULE_LOADING");
  *mode = setting != nullptr && std::string_view(setting) == "EAGER" ? CU_MODULE_EAGER_LOADING : CU_MODULE_LAZY_LOADING;
  return CUDA_SUCCESS;
}

CUresult entry::cuModuleGetFunctionCount(unsigned int* count, CUmodule module) {
  VGPU_REQUIRE_OUT(count);
  VGPU_REQUIRE_INIT();
  std::vector<std::string> names;
  if (const CUresult status = moduleKernelNames(module, names); status != CUDA_SUCCESS) {
    return status;
  }
  *count = static_cast<unsigned>(names.size());
  return CUDA_SUCCESS;
}

CUresult entry::cuModuleEnumerateFunctions(CUfunction* functions, unsigned int count, CUmodule module) {
  VGPU_REQUIRE_OUT(functions);
  VGPU_REQUIRE_INIT();
  std::vector<CUfunction> all;
  if (const CUresult status = moduleAllFunctions(module, all); status != CUDA_SUCCESS) {
    return status;
  }
  std::copy_n(all.begin(), std::min<std::size_t>(count, all.size()), functions);
  return CUDA_SUCCESS;
}

CUresult entry::cuFuncGetAttribute(int* value, CUfunction_attribute attribute, CUfunction function) {
  VGPU_REQUIRE_OUT(value);
  VGPU_REQUIRE_INIT();
  CUfunc_st* object = findFunction(function);
  return object == nullptr ? CUDA_ERROR_INVALID_HANDLE : functionAttribute(*object, attribute, *value);
}

CUresult entry::cuFuncSetAttribute(CUfunction function, CUfunction_attribute attribute, int value) {
  VGPU_REQUIRE_INIT();
  CUfunc_st* object = findFunction(function);
  return object == nullptr ? CUDA_ERROR_INVALID_HANDLE : setFunctionAttribute(*object, attribute, value);
}

CUresult entry::cuFuncSetCacheConfig(CUfunction function, CUfunc_cache config) {
  VGPU_REQUIRE_INIT();
  CUfunc_st* object = findFunction(function);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (config > CU_FUNC_CACHE_PREFER_EQUAL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  object->cacheConfig = config;
  return CUDA_SUCCESS;
}

// Fixed four-byte banks on every profile's GPU: the driver documents a set as doing nothing there.
CUresult entry::cuFuncSetSharedMemConfig(CUfunction function, CUsharedconfig config) {
  VGPU_REQUIRE_INIT();
  if (findFunction(function) == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  return config <= CU_SHARED_MEM_CONFIG_EIGHT_BYTE_BANK_SIZE ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult entry::cuFuncGetName(const char** name, CUfunction function) {
  VGPU_REQUIRE_OUT(name);
  VGPU_REQUIRE_INIT();
  CUfunc_st* object = findFunction(function);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  *name = object->info->name.c_str();
  return CUDA_SUCCESS;
}

CUresult entry::cuFuncGetModule(CUmodule* module, CUfunction function) {
  VGPU_REQUIRE_OUT(module);
  VGPU_REQUIRE_INIT();
  CUfunc_st* object = findFunction(function);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  *module = object->module;
  return CUDA_SUCCESS;
}

CUresult entry::cuFuncGetParamInfo(CUfunction function, size_t index, size_t* offset, size_t* size) {
  VGPU_REQUIRE_INIT();
  CUfunc_st* object = findFunction(function);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (index >= object->info->parameters.size()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (offset != nullptr) {
    *offset = object->info->parameters[index].offset;
  }
  if (size != nullptr) {
    *size = object->info->parameters[index].size;
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuFuncIsLoaded(CUfunctionLoadingState* loadingState, CUfunction function) {
  VGPU_REQUIRE_OUT(loadingState);
  VGPU_REQUIRE_INIT();
  if (findFunction(function) == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  *loadingState = CU_FUNCTION_LOADING_STATE_LOADED;
  return CUDA_SUCCESS;
}

CUresult entry::cuFuncLoad(CUfunction function) {
  VGPU_REQUIRE_INIT();
  return findFunction(function) == nullptr ? CUDA_ERROR_INVALID_HANDLE : CUDA_SUCCESS; // loaded eagerly
}

CUresult entry::cuLibraryLoadData(CUlibrary* library, const void* code, CUjit_option* /*jitOptions*/,
                                  void** /*jitValues*/, unsigned int /*jitCount*/, CUlibraryOption* /*options*/,
                                  void** /*values*/, unsigned int /*count*/) {
  if (code == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  // Keep our own copy of the image's bytes: the library outlives the caller's buffer.
  auto parsed = vgpu::module::parseModuleImageAt(code);
  if (!parsed) {
    return CUDA_ERROR_INVALID_IMAGE;
  }
  const auto* start = static_cast<const std::uint8_t*>(code);
  if (parsed.value().format == vgpu::module::ImageFormat::FatbinWrapper) {
    std::uint64_t data = 0;
    std::memcpy(&data, start + 8, sizeof data);
    start = reinterpret_cast<const std::uint8_t*>(static_cast<std::uintptr_t>(data));
  }
  std::vector<std::uint8_t> bytes(start, start + parsed.value().size);
  bytes.push_back(0);
  return loadLibrary(library, std::move(bytes));
}

CUresult entry::cuLibraryLoadFromFile(CUlibrary* library, const char* path, CUjit_option* /*jitOptions*/,
                                      void** /*jitValues*/, unsigned int /*jitCount*/, CUlibraryOption* /*options*/,
                                      void** /*values*/, unsigned int /*count*/) {
  if (path == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  FILE* file = std::fopen(path, "rb");
  if (file == nullptr) {
    return CUDA_ERROR_FILE_NOT_FOUND;
  }
  std::vector<std::uint8_t> bytes;
  std::uint8_t buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0 && bytes.size() < vgpu::module::kMaxDecompressedSize) {
    bytes.insert(bytes.end(), buffer, buffer + n);
  }
  std::fclose(file);
  bytes.push_back(0);
  return loadLibrary(library, std::move(bytes));
}

CUresult entry::cuLibraryUnload(CUlibrary library) {
  VGPU_REQUIRE_INIT();
  CUlib_st* object = state().libraries.find(library);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  {
    const std::lock_guard lock(object->mutex);
    for (const auto& [name, kernel] : object->kernels) {
      state().kernels.destroy(kernel);
    }
    if (object->module != nullptr) {
      unloadModule(object->module);
    }
  }
  state().libraries.destroy(library);
  return CUDA_SUCCESS;
}

CUresult entry::cuLibraryGetModule(CUmodule* module, CUlibrary library) {
  VGPU_REQUIRE_OUT(module);
  VGPU_REQUIRE_INIT();
  CUlib_st* object = state().libraries.find(library);
  return object == nullptr ? CUDA_ERROR_INVALID_HANDLE : libraryModule(*object, *module);
}

CUresult entry::cuLibraryGetKernel(CUkernel* kernel, CUlibrary library, const char* name) {
  VGPU_REQUIRE_OUT(kernel);
  VGPU_REQUIRE_INIT();
  if (name == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  CUlib_st* object = state().libraries.find(library);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  CUmodule module = nullptr;
  if (const CUresult status = libraryModule(*object, module); status != CUDA_SUCCESS) {
    return status;
  }
  const std::lock_guard lock(object->mutex);
  if (const auto it = object->kernels.find(std::string_view(name)); it != object->kernels.end()) {
    *kernel = it->second;
    return CUDA_SUCCESS;
  }
  CUfunction function = nullptr;
  if (const CUresult status = moduleFunction(module, name, function); status != CUDA_SUCCESS) {
    return status;
  }
  auto entry = std::make_unique<CUkern_st>();
  entry->library = library;
  entry->name = name;
  entry->function = function;
  *kernel = state().kernels.add(std::move(entry));
  object->kernels.emplace(name, *kernel);
  return CUDA_SUCCESS;
}

CUresult entry::cuLibraryGetKernelCount(unsigned int* count, CUlibrary library) {
  VGPU_REQUIRE_OUT(count);
  CUmodule module = nullptr;
  if (const CUresult status = ::cuLibraryGetModule(&module, library); status != CUDA_SUCCESS) {
    return status;
  }
  return ::cuModuleGetFunctionCount(count, module);
}

CUresult entry::cuLibraryEnumerateKernels(CUkernel* kernels, unsigned int count, CUlibrary library) {
  VGPU_REQUIRE_OUT(kernels);
  CUmodule module = nullptr;
  if (const CUresult status = ::cuLibraryGetModule(&module, library); status != CUDA_SUCCESS) {
    return status;
  }
  std::vector<std::string> names;
  if (const CUresult status = state().backend().moduleFunctions(module->backend, names); status != CUDA_SUCCESS) {
    return status;
  }
  for (unsigned i = 0; i < count && i < names.size(); ++i) {
    if (const CUresult status = ::cuLibraryGetKernel(&kernels[i], library, names[i].c_str()); status != CUDA_SUCCESS) {
      return status;
    }
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuLibraryGetGlobal(CUdeviceptr* pointer, size_t* bytes, CUlibrary library, const char* name) {
  CUmodule module = nullptr;
  if (const CUresult status = ::cuLibraryGetModule(&module, library); status != CUDA_SUCCESS) {
    return status;
  }
  return ::cuModuleGetGlobal_v2(pointer, bytes, module, name);
}

// A __managed__ variable as the host reaches it: cudart asks for each one it registered. The
// variable is the module's global; the host needs memory both sides use at one address, so it is a
// managed allocation of the global's size holding the global's bytes, made on first request and
// freed with the module. Where kernels run (a GPU behind vgpud) the variable is the GPU driver's
// own managed memory, in vgpud's process, which no copy here could follow: NOT_SUPPORTED, and said,
// since cudart cannot go on without it; so too where the backend has no managed memory (vgpud over
// TCP).
CUresult entry::cuLibraryGetManaged(CUdeviceptr* pointer, size_t* bytes, CUlibrary library, const char* name) {
  if (name == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  CUmodule module = nullptr;
  if (const CUresult status = ::cuLibraryGetModule(&module, library); status != CUDA_SUCCESS) {
    return status;
  }
  CUmod_st* object = state().modules.find(module);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  GlobalInfo global;
  if (const CUresult status = state().backend().moduleGlobal(object->backend, name, global); status != CUDA_SUCCESS) {
    return status;
  }
  const std::lock_guard lock(object->mutex);
  auto it = object->managed.find(name);
  if (it == object->managed.end()) {
    CUdeviceptr managed = 0;
    const int device = object->context != nullptr ? object->context->device : 0;
    const bool gpuOwnsIt = state().backend().runsKernels(device);
    const CUresult allocated =
        gpuOwnsIt ? CUDA_ERROR_NOT_SUPPORTED : state().backend().memAllocManaged(device, global.size, managed);
    if (allocated != CUDA_SUCCESS) {
      vgpu::log::writef(vgpu::log::Level::Warn, "module",
                        gpuOwnsIt ? "__managed__ variable %s is the managed memory of the GPU's driver behind the "
                                    "executor, out of this process's reach (%s)"
                                  : "__managed__ variable %s needs managed memory, which this executor does not "
                                    "offer (%s)",
                        name, state().backend().describe().c_str());
      return allocated;
    }
    if (const CUresult status =
            state().backend().copy(unifiedEndpoint(managed), deviceEndpoint(global.address), global.size, 1, 0, false);
        status != CUDA_SUCCESS) {
      state().backend().memFree(managed);
      return status;
    }
    it = object->managed.emplace(name, managed).first;
  }
  if (pointer != nullptr) {
    *pointer = it->second;
  }
  if (bytes != nullptr) {
    *bytes = global.size;
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuKernelGetFunction(CUfunction* function, CUkernel kernel) {
  VGPU_REQUIRE_OUT(function);
  VGPU_REQUIRE_INIT();
  CUkern_st* object = state().kernels.find(kernel);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  *function = object->function;
  return CUDA_SUCCESS;
}

CUresult entry::cuKernelGetName(const char** name, CUkernel kernel) {
  VGPU_REQUIRE_OUT(name);
  VGPU_REQUIRE_INIT();
  CUkern_st* object = state().kernels.find(kernel);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  *name = object->name.c_str();
  return CUDA_SUCCESS;
}

CUresult entry::cuKernelGetParamInfo(CUkernel kernel, size_t index, size_t* offset, size_t* size) {
  VGPU_REQUIRE_INIT();
  CUkern_st* object = state().kernels.find(kernel);
  return object == nullptr ? CUDA_ERROR_INVALID_HANDLE : ::cuFuncGetParamInfo(object->function, index, offset, size);
}

CUresult entry::cuKernelGetAttribute(int* value, CUfunction_attribute attribute, CUkernel kernel, CUdevice /*device*/) {
  VGPU_REQUIRE_INIT();
  CUkern_st* object = state().kernels.find(kernel);
  return object == nullptr ? CUDA_ERROR_INVALID_HANDLE : ::cuFuncGetAttribute(value, attribute, object->function);
}

CUresult entry::cuKernelSetAttribute(CUfunction_attribute attribute, int value, CUkernel kernel, CUdevice /*device*/) {
  VGPU_REQUIRE_INIT();
  CUkern_st* object = state().kernels.find(kernel);
  return object == nullptr ? CUDA_ERROR_INVALID_HANDLE : ::cuFuncSetAttribute(object->function, attribute, value);
}

CUresult entry::cuKernelSetCacheConfig(CUkernel kernel, CUfunc_cache config, CUdevice /*device*/) {
  VGPU_REQUIRE_INIT();
  CUkern_st* object = state().kernels.find(kernel);
  return object == nullptr ? CUDA_ERROR_INVALID_HANDLE : ::cuFuncSetCacheConfig(object->function, config);
}

CUresult entry::cuKernelGetLibrary(CUlibrary* library, CUkernel kernel) {
  VGPU_REQUIRE_OUT(library);
  VGPU_REQUIRE_INIT();
  CUkern_st* object = state().kernels.find(kernel);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  *library = object->library;
  return CUDA_SUCCESS;
}
