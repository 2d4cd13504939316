// libnvJitLink, loaded on first use (jit_linker.h). Its entry points carry the version of the API
// they implement in their names (__nvJitLinkCreate_13_0, ...; a CUDA 12 library's end in _12_0).
#include "jit_linker.h"

#include "vgpu/log.h"

#include <dlfcn.h>

#include <mutex>

namespace vgpu::cuda {

namespace {

// nvJitLink's types, as its header declares them: an opaque handle and int-sized enums.
using Handle = void*;
using Result = int;
constexpr Result kSuccess = 0;
constexpr Result kInvalidInput = 3;
constexpr Result kPtxCompile = 4;
constexpr Result kUnrecognizedInput = 8;
constexpr Result kIncorrectInputType = 12;
constexpr Result kArchMismatch = 13;
constexpr Result kUnrecognizedArch = 16;
constexpr Result kUnsupportedArch = 17;

// nvJitLinkInputType for the driver's CUjitInputType; 0 (none) where there is no match.
int inputType(CUjitInputType type) {
  switch (type) {
  case CU_JIT_INPUT_CUBIN: return 1;
  case CU_JIT_INPUT_PTX: return 2;
  case CU_JIT_INPUT_NVVM: return 3; // LTO-IR
  case CU_JIT_INPUT_FATBINARY: return 4;
  case CU_JIT_INPUT_OBJECT: return 5;
  case CU_JIT_INPUT_LIBRARY: return 6;
  default: return 0;
  }
}

CUresult driverCode(Result result) {
  switch (result) {
  case kSuccess: return CUDA_SUCCESS;
  case kPtxCompile: return CUDA_ERROR_INVALID_PTX;
  case kInvalidInput:
  case kUnrecognizedInput:
  case kIncorrectInputType: return CUDA_ERROR_INVALID_IMAGE;
  case kArchMismatch:
  case kUnrecognizedArch:
  case kUnsupportedArch: return CUDA_ERROR_NO_BINARY_FOR_GPU;
  default: return CUDA_ERROR_UNKNOWN;
  }
}

} // namespace

struct NvJitLink::Library {
  Result (*create)(Handle*, std::uint32_t, const char* const*) = nullptr;
  Result (*destroy)(Handle*) = nullptr;
  Result (*addData)(Handle, int, const void*, std::size_t, const char*) = nullptr;
  Result (*complete)(Handle) = nullptr;
  Result (*cubinSize)(Handle, std::size_t*) = nullptr;
  Result (*cubin)(Handle, void*) = nullptr;
  Result (*errorLogSize)(Handle, std::size_t*) = nullptr;
  Result (*errorLog)(Handle, char*) = nullptr;
  Result (*infoLogSize)(Handle, std::size_t*) = nullptr;
  Result (*infoLog)(Handle, char*) = nullptr;
  std::string problem; // empty once loaded

  // Every entry point with `suffix` from `library`; false if one is missing.
  bool resolve(void* library, const std::string& suffix) {
    const auto find = [&](const char* name, auto& slot) {
      slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(dlsym(library, (name + suffix).c_str()));
      return slot != nullptr;
    };
    return find("__nvJitLinkCreate", create) && find("__nvJitLinkDestroy", destroy) &&
           find("__nvJitLinkAddData", addData) && find("__nvJitLinkComplete", complete) &&
           find("__nvJitLinkGetLinkedCubinSize", cubinSize) && find("__nvJitLinkGetLinkedCubin", cubin) &&
           find("__nvJitLinkGetErrorLogSize", errorLogSize) && find("__nvJitLinkGetErrorLog", errorLog) &&
           find("__nvJitLinkGetInfoLogSize", infoLogSize) && find("__nvJitLinkGetInfoLog", infoLog);
  }

  // Loads once per process; later calls return the first outcome.
  static const Library& load(const std::string& configured) {
    static Library library;
    static std::once_flag once;
    std::call_once(once, [&] {
      if (configured == "off") {
        library.problem = "jit_linker is off";
        return;
      }
      const std::vector<std::string> names = configured.empty()
                                                 ? std::vector<std::string>{"libnvJitLink.so.13", "libnvJitLink.so.12"}
                                                 : std::vector<std::string>{configured};
      std::string tried;
      for (const std::string& name : names) {
        void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr) {
          tried += (tried.empty() ? "" : ", ") + name + " (not found)";
          continue;
        }
        for (const char* suffix : {"_13_0", "_12_0"}) {
          if (library.resolve(handle, suffix)) {
            vgpu::log::writef(vgpu::log::Level::Info, "link", "linking with %s", name.c_str());
            return;
          }
        }
        tried += (tried.empty() ? "" : ", ") + name + " (no nvJitLink 12 or 13 entry points)";
        dlclose(handle);
      }
      library.problem = "no libnvJitLink: tried " + tried + " (set jit_linker, docs/configuration.md)";
    });
    return library;
  }
};

std::unique_ptr<NvJitLink> NvJitLink::create(const std::string& configured, const std::vector<std::string>& arguments,
                                             std::string& error) {
  const Library& library = Library::load(configured);
  if (!library.problem.empty()) {
    error = library.problem;
    return nullptr;
  }
  std::vector<const char*> pointers;
  for (const std::string& argument : arguments) {
    pointers.push_back(argument.c_str());
  }
  Handle handle = nullptr;
  if (const Result result = library.create(&handle, static_cast<std::uint32_t>(pointers.size()), pointers.data());
      result != kSuccess) {
    error = "nvJitLinkCreate refused the options (nvJitLinkResult " + std::to_string(result) + ")";
    return nullptr;
  }
  return std::unique_ptr<NvJitLink>(new NvJitLink(library, handle));
}

NvJitLink::~NvJitLink() {
  library_.destroy(&handle_);
}

CUresult NvJitLink::add(CUjitInputType type, const void* data, std::size_t size, const char* name) {
  const int linkerType = inputType(type);
  if (linkerType == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return driverCode(library_.addData(handle_, linkerType, data, size, name != nullptr ? name : "input"));
}

CUresult NvJitLink::complete(std::vector<std::uint8_t>& cubin) {
  if (const Result result = library_.complete(handle_); result != kSuccess) {
    return driverCode(result);
  }
  std::size_t size = 0;
  if (library_.cubinSize(handle_, &size) != kSuccess || size == 0) {
    return CUDA_ERROR_UNKNOWN;
  }
  cubin.resize(size);
  return library_.cubin(handle_, cubin.data()) == kSuccess ? CUDA_SUCCESS : CUDA_ERROR_UNKNOWN;
}

std::string NvJitLink::infoLog() const {
  return readLog(library_.infoLogSize, library_.infoLog);
}

std::string NvJitLink::errorLog() const {
  return readLog(library_.errorLogSize, library_.errorLog);
}

std::string NvJitLink::readLog(Result (*size)(void*, std::size_t*), Result (*read)(void*, char*)) const {
  std::size_t bytes = 0;
  if (size(handle_, &bytes) != kSuccess || bytes == 0) {
    return {};
  }
  std::string text(bytes, '\0');
  read(handle_, text.data());
  text.resize(text.find('\0') == std::string::npos ? text.size() : text.find('\0'));
  return text;
}

} // namespace vgpu::cuda
