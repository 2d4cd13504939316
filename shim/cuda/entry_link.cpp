// Entry points of CUDA's JIT linker (cuLinkCreate, cuLinkAddData, cuLinkAddFile, cuLinkComplete,
// cuLinkDestroy), as Numba and programs with relocatable device code use it: inputs are linked by
// NVIDIA's libnvJitLink (jit_linker.h) for the context's device — its compute capability, or the
// CU_JIT_TARGET given — into a cubin any backend loads. Without the library a link of one PTX,
// cubin or fatbin input passes it through to the module loader (which takes each of those), and a
// link of several answers CUDA_ERROR_JIT_COMPILER_NOT_FOUND with the reason logged.
#include "entry_common.h"
#include "jit_linker.h"
#include "jit_options.h"
#include "link_state.h"

#include "vgpu/bounded_file.h"
#include "vgpu/device/device_discovery.h"
#include "vgpu/log.h"

#include <chrono>
#include <cstring>
#include <mutex>

using namespace vgpu::cuda;

namespace {

CUlinkState_st* findLink(CUlinkState handle) {
  return state().links.find(handle);
}

// Files a link reads: regular files of at most this size (libcudadevrt.a is about 1 MiB).
constexpr std::size_t kMaxLinkFileBytes = std::size_t{512} << 20;

bool passesThrough(CUjitInputType type) {
  return type == CU_JIT_INPUT_PTX || type == CU_JIT_INPUT_CUBIN || type == CU_JIT_INPUT_FATBINARY;
}

CUresult addInput(CUlinkState_st& link, CUjitInputType type, const void* data, std::size_t size, const char* name) {
  int raw = 0; // the caller's number, checked before it is used as an input type
  std::memcpy(&raw, &type, sizeof raw);
  if (raw < CU_JIT_INPUT_CUBIN || raw > CU_JIT_INPUT_NVVM) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const auto started = std::chrono::steady_clock::now();
  const std::lock_guard lock(link.mutex);
  CUresult status = CUDA_SUCCESS;
  if (link.linker != nullptr) {
    status = link.linker->add(type, data, size, name);
    if (status != CUDA_SUCCESS) {
      link.errorLog = link.linker->errorLog();
    }
  } else {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    // PTX is text: what the module loader needs ends at its terminating NUL.
    link.inputs.push_back({type, std::vector<std::uint8_t>(bytes, bytes + size)});
    if (type == CU_JIT_INPUT_PTX && (link.inputs.back().bytes.empty() || link.inputs.back().bytes.back() != 0)) {
      link.inputs.back().bytes.push_back(0);
    }
  }
  link.milliseconds += std::chrono::duration<float, std::milli>(std::chrono::steady_clock::now() - started).count();
  reportJitOutputs(link.options, link.linker != nullptr ? link.linker->infoLog() : std::string(), link.errorLog,
                   link.milliseconds);
  return status;
}

} // namespace

CUresult entry::cuLinkCreate_v2(unsigned int count, CUjit_option* options, void** values, CUlinkState* out) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(out);
  CUcontext context = nullptr;
  if (const CUresult status = requireCurrentContext(context); status != CUDA_SUCCESS) {
    return status;
  }
  auto link = std::make_unique<CUlinkState_st>();
  if (const CUresult status = parseJitOptions(count, options, values, link->options); status != CUDA_SUCCESS) {
    return status;
  }
  const DeviceRecord* device = state().device(context->device);
  int major = 0;
  int minor = 0;
  if (device == nullptr ||
      !vgpu::device::presentedAttribute(device->presented, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, major) ||
      !vgpu::device::presentedAttribute(device->presented, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, minor)) {
    return CUDA_ERROR_INVALID_DEVICE;
  }
  link->linker = NvJitLink::create(state().jitLinker(), linkerArguments(link->options, major * 10 + minor), link->why);
  if (link->linker == nullptr) {
    vgpu::log::writef(vgpu::log::Level::Info, "link", "%s: a link of one input passes it through", link->why.c_str());
  }
  *out = state().links.add(std::move(link));
  return CUDA_SUCCESS;
}

CUresult entry::cuLinkCreate(unsigned int count, CUjit_option* options, void** values, CUlinkState* out) {
  return entry::cuLinkCreate_v2(count, options, values, out);
}

// Per-input options are compiler options for PTX inputs; the link's own apply to all of them.
CUresult entry::cuLinkAddData_v2(CUlinkState state, CUjitInputType type, void* data, size_t size, const char* name,
                                 unsigned int count, CUjit_option* options, void** values) {
  VGPU_REQUIRE_INIT();
  CUlinkState_st* link = findLink(state);
  if (link == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (data == nullptr || size == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (JitOptions perInput; parseJitOptions(count, options, values, perInput) != CUDA_SUCCESS) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return addInput(*link, type, data, size, name);
}

CUresult entry::cuLinkAddData(CUlinkState state, CUjitInputType type, void* data, size_t size, const char* name,
                              unsigned int count, CUjit_option* options, void** values) {
  return entry::cuLinkAddData_v2(state, type, data, size, name, count, options, values);
}

CUresult entry::cuLinkAddFile_v2(CUlinkState state, CUjitInputType type, const char* path, unsigned int count,
                                 CUjit_option* options, void** values) {
  VGPU_REQUIRE_INIT();
  CUlinkState_st* link = findLink(state);
  if (link == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (path == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (JitOptions perInput; parseJitOptions(count, options, values, perInput) != CUDA_SUCCESS) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const vgpu::BoundedRead file = vgpu::readBoundedFile(path, kMaxLinkFileBytes);
  if (!file.ok) {
    vgpu::log::writef(vgpu::log::Level::Warn, "link", "cuLinkAddFile %s: %s", path, file.error.c_str());
    return file.missing ? CUDA_ERROR_FILE_NOT_FOUND : CUDA_ERROR_INVALID_VALUE;
  }
  return addInput(*link, type, file.text.data(), file.text.size(), path);
}

CUresult entry::cuLinkAddFile(CUlinkState state, CUjitInputType type, const char* path, unsigned int count,
                              CUjit_option* options, void** values) {
  return entry::cuLinkAddFile_v2(state, type, path, count, options, values);
}

CUresult entry::cuLinkComplete(CUlinkState state, void** image, size_t* size) {
  VGPU_REQUIRE_INIT();
  VGPU_REQUIRE_OUT(image);
  CUlinkState_st* link = findLink(state);
  if (link == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  const auto started = std::chrono::steady_clock::now();
  const std::lock_guard lock(link->mutex);
  CUresult status = CUDA_SUCCESS;
  std::string info;
  if (link->linker != nullptr) {
    status = link->linker->complete(link->image);
    info = link->linker->infoLog();
    link->errorLog = link->linker->errorLog();
  } else if (link->inputs.size() == 1 && passesThrough(link->inputs.front().type)) {
    link->image = link->inputs.front().bytes; // the module loader takes PTX, cubins and fatbins as they are
  } else {
    link->errorLog =
        "vgpu: linking " + std::to_string(link->inputs.size()) + " inputs needs libnvJitLink: " + link->why;
    vgpu::log::writef(vgpu::log::Level::Warn, "link", "%s", link->errorLog.c_str());
    status = CUDA_ERROR_JIT_COMPILER_NOT_FOUND;
  }
  link->milliseconds += std::chrono::duration<float, std::milli>(std::chrono::steady_clock::now() - started).count();
  reportJitOutputs(link->options, info, link->errorLog, link->milliseconds);
  if (status != CUDA_SUCCESS) {
    return status;
  }
  *image = link->image.data();
  if (size != nullptr) {
    *size = link->image.size();
  }
  return CUDA_SUCCESS;
}

CUresult entry::cuLinkDestroy(CUlinkState state) {
  VGPU_REQUIRE_INIT();
  CUlinkState_st* link = findLink(state);
  if (link == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (!vgpu::cuda::state().links.destroy(link)) {
    return CUDA_ERROR_INVALID_HANDLE; // another thread destroyed it first
  }
  const std::lock_guard lock(link->mutex);
  link->linker.reset();
  link->inputs = {};
  link->image = {}; // the cubin goes with its state, as the driver documents
  return CUDA_SUCCESS;
}
