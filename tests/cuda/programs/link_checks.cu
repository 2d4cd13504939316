// CUDA's JIT linker through the driver API, as Numba and programs with relocatable device code use
// it: two PTX translation units from NVRTC (-rdc), one calling a function the other defines, linked
// with cuLinkCreate/cuLinkAddData/cuLinkAddFile/cuLinkComplete into a cubin that loads and runs;
// the logs, sizes and wall time written back through the options; an unresolved symbol, a bad
// input type, a missing file, unknown options and a destroyed state refused. With VGPU_JIT_LINKER=off
// (no linker) one input passes through and two are refused with CUDA_ERROR_JIT_COMPILER_NOT_FOUND.
// Prints "pass <check>" / "fail <check> <detail>" (check_report.h).
#include "check_report.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cuda.h>
#include <nvrtc.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

const char* const kCaller = R"(
extern "C" __device__ float scale(float x);
extern "C" __global__ void apply(float* values, int count) {
  const int i = threadIdx.x + blockIdx.x * blockDim.x;
  if (i < count) values[i] = scale(values[i]);
})";

const char* const kCallee = R"(
extern "C" __device__ float scale(float x) { return x * 3.0f + 1.0f; })";

const char* const kWhole = R"(
extern "C" __global__ void fill(float* values, int count) {
  const int i = threadIdx.x + blockIdx.x * blockDim.x;
  if (i < count) values[i] = 7.0f;
})";

std::string ptxOf(const char* source, const std::string& arch, bool relocatable) {
  nvrtcProgram program = nullptr;
  if (nvrtcCreateProgram(&program, source, "unit.cu", 0, nullptr, nullptr) != NVRTC_SUCCESS) {
    return {};
  }
  const std::string archOption = "-arch=" + arch;
  std::vector<const char*> options = {archOption.c_str()};
  if (relocatable) {
    options.push_back("--relocatable-device-code=true");
  }
  std::string ptx;
  if (nvrtcCompileProgram(program, static_cast<int>(options.size()), options.data()) == NVRTC_SUCCESS) {
    size_t size = 0;
    nvrtcGetPTXSize(program, &size);
    ptx.resize(size);
    nvrtcGetPTX(program, ptx.data());
  }
  nvrtcDestroyProgram(&program);
  return ptx;
}

struct Logs {
  char info[4096] = {};
  char error[4096] = {};
  CUjit_option options[6] = {CU_JIT_INFO_LOG_BUFFER,  CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
                             CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                             CU_JIT_WALL_TIME,        CU_JIT_LOG_VERBOSE};
  void* values[6] = {};
  Logs() {
    values[0] = info;
    values[1] = reinterpret_cast<void*>(std::uintptr_t{sizeof info});
    values[2] = error;
    values[3] = reinterpret_cast<void*>(std::uintptr_t{sizeof error});
    values[4] = nullptr;
    values[5] = reinterpret_cast<void*>(std::uintptr_t{1});
  }
  std::size_t errorBytes() const { return reinterpret_cast<std::uintptr_t>(values[3]); }
  std::size_t infoBytes() const { return reinterpret_cast<std::uintptr_t>(values[1]); }
  float wallTime() const {
    float milliseconds = -1;
    std::memcpy(&milliseconds, &values[4], sizeof milliseconds);
    return milliseconds;
  }
};

CUresult add(CUlinkState link, const std::string& ptx, const char* name) {
  return cuLinkAddData(link, CU_JIT_INPUT_PTX, const_cast<char*>(ptx.c_str()), ptx.size() + 1, name, 0, nullptr,
                       nullptr);
}

// Loads a linked image and runs `kernel` over 256 floats of 2.0; the values it left.
std::vector<float> run(const void* image, const char* kernel, bool& loaded) {
  std::vector<float> values(256, 2.0f);
  CUmodule module = nullptr;
  CUfunction function = nullptr;
  loaded = cuModuleLoadData(&module, image) == CUDA_SUCCESS &&
           cuModuleGetFunction(&function, module, kernel) == CUDA_SUCCESS;
  if (!loaded) {
    return {};
  }
  CUdeviceptr device = 0;
  int count = static_cast<int>(values.size());
  void* parameters[] = {&device, &count};
  if (cuMemAlloc(&device, values.size() * sizeof(float)) == CUDA_SUCCESS &&
      cuMemcpyHtoD(device, values.data(), values.size() * sizeof(float)) == CUDA_SUCCESS &&
      cuLaunchKernel(function, 1, 1, 1, 256, 1, 1, 0, nullptr, parameters, nullptr) == CUDA_SUCCESS &&
      cuCtxSynchronize() == CUDA_SUCCESS) {
    cuMemcpyDtoH(values.data(), device, values.size() * sizeof(float));
  }
  cuMemFree(device);
  cuModuleUnload(module);
  return values;
}

} // namespace

int main() {
  CUdevice device = 0;
  CUcontext context = nullptr;
  if (!check::ok(cuInit(0), "init") || !check::ok(cuDeviceGet(&device, 0), "device") ||
      !check::ok(cuDevicePrimaryCtxRetain(&context, device), "context") ||
      !check::ok(cuCtxSetCurrent(context), "set-context")) {
    return check::finish();
  }
  int major = 0, minor = 0;
  cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
  cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
  const std::string arch = "compute_" + std::to_string(major * 10 + minor);
  const std::string caller = ptxOf(kCaller, arch, true);
  const std::string callee = ptxOf(kCallee, arch, true);
  const std::string whole = ptxOf(kWhole, arch, false);
  if (caller.empty() || callee.empty() || whole.empty()) {
    check::fail("nvrtc", arch.c_str());
    return check::finish();
  }
  const char* setting = std::getenv("VGPU_JIT_LINKER");
  const bool noLinker = setting != nullptr && std::string(setting) == "off";

  // Options the driver does not define, and a log buffer without its size.
  CUlinkState link = nullptr;
  // A number inside the enum's range that names no option (out of its range would be undefined
  // behaviour here, before any driver sees it).
  CUjit_option unknown = static_cast<CUjit_option>(60);
  void* unknownValue = nullptr;
  check::report(cuLinkCreate(1, &unknown, &unknownValue, &link) == CUDA_ERROR_INVALID_VALUE,
                "link-unknown-option-refused");
  char buffer[16];
  CUjit_option bufferOnly = CU_JIT_ERROR_LOG_BUFFER;
  void* bufferValue = buffer;
  check::report(cuLinkCreate(1, &bufferOnly, &bufferValue, &link) == CUDA_ERROR_INVALID_VALUE,
                "link-log-without-size-refused");

  // cuModuleLoadDataEx takes the same options and writes their outputs back.
  {
    Logs logs;
    CUmodule module = nullptr;
    check::report(cuModuleLoadDataEx(&module, whole.c_str(), 6, logs.options, logs.values) == CUDA_SUCCESS &&
                      logs.errorBytes() == 1 && logs.error[0] == '\0' && logs.wallTime() >= 0.0f,
                  "load-data-ex-outputs-written");
    cuModuleUnload(module);
    check::report(cuModuleLoadDataEx(&module, whole.c_str(), 1, &unknown, &unknownValue) == CUDA_ERROR_INVALID_VALUE,
                  "load-data-ex-unknown-option-refused");
  }

  // One self-contained input: linked, or passed through where there is no linker.
  {
    Logs logs;
    void* image = nullptr;
    size_t size = 0;
    bool loaded = false;
    const bool linked = cuLinkCreate(6, logs.options, logs.values, &link) == CUDA_SUCCESS &&
                        add(link, whole, "whole.ptx") == CUDA_SUCCESS &&
                        cuLinkComplete(link, &image, &size) == CUDA_SUCCESS && image != nullptr && size > 0;
    check::report(linked, "link-one-input");
    if (linked) {
      const std::vector<float> values = run(image, "fill", loaded);
      check::report(loaded, "link-one-input-loads");
      check::result("link-one-input-runs", !values.empty() && values[0] == 7.0f && values[255] == 7.0f,
                    "the linked kernel did not write its values");
    }
    cuLinkDestroy(link);
  }

  // Two relocatable units, the second from a file.
  char path[] = "/tmp/vgpu-link-XXXXXX";
  const int fd = mkstemp(path);
  const bool written = fd >= 0 && write(fd, callee.c_str(), callee.size()) == static_cast<ssize_t>(callee.size());
  if (fd >= 0) {
    close(fd);
  }
  Logs logs;
  void* image = nullptr;
  size_t size = 0;
  const bool created = check::ok(cuLinkCreate(6, logs.options, logs.values, &link), "link-create");
  if (created && written) {
    const CUresult first = add(link, caller, "caller.ptx");
    const CUresult second = cuLinkAddFile(link, CU_JIT_INPUT_PTX, path, 0, nullptr, nullptr);
    const CUresult completed = cuLinkComplete(link, &image, &size);
    if (noLinker) {
      check::report(first == CUDA_SUCCESS && second == CUDA_SUCCESS && completed == CUDA_ERROR_JIT_COMPILER_NOT_FOUND &&
                        std::strstr(logs.error, "libnvJitLink") != nullptr && logs.errorBytes() > 1,
                    "link-two-inputs-need-a-linker", logs.error);
    } else {
      const bool elf = image != nullptr && size > 4 &&
                       std::memcmp(image,
                                   "\x7f"
                                   "ELF",
                                   4) == 0;
      check::report(first == CUDA_SUCCESS && second == CUDA_SUCCESS && completed == CUDA_SUCCESS && elf,
                    "link-two-ptx-units", logs.error);
      check::report(logs.infoBytes() >= 1 && logs.infoBytes() <= sizeof logs.info &&
                        std::strlen(logs.info) + 1 == logs.infoBytes(),
                    "link-info-log-size-written");
      check::report(logs.wallTime() >= 0.0f, "link-wall-time-written");
      bool loaded = false;
      const std::vector<float> values = elf ? run(image, "apply", loaded) : std::vector<float>{};
      check::report(loaded, "link-cubin-loads");
      check::result("link-kernel-calls-across-units", !values.empty() && values[0] == 7.0f && values[255] == 7.0f,
                    "the linked kernel did not call the other unit's function");
    }
  }
  check::report(cuLinkAddData(link, static_cast<CUjitInputType>(7), const_cast<char*>(caller.c_str()),
                              caller.size() + 1, "bad", 0, nullptr, nullptr) == CUDA_ERROR_INVALID_VALUE,
                "link-input-type-refused");
  check::report(cuLinkAddFile(link, CU_JIT_INPUT_PTX, "/nonexistent/unit.ptx", 0, nullptr, nullptr) ==
                    CUDA_ERROR_FILE_NOT_FOUND,
                "link-missing-file-refused");
  check::report(cuLinkDestroy(link) == CUDA_SUCCESS && cuLinkComplete(link, &image, &size) == CUDA_ERROR_INVALID_HANDLE,
                "link-destroyed-refused");
  unlink(path);

  // A call nobody defines.
  if (!noLinker) {
    Logs unresolved;
    check::report(cuLinkCreate(6, unresolved.options, unresolved.values, &link) == CUDA_SUCCESS &&
                      add(link, caller, "caller.ptx") == CUDA_SUCCESS &&
                      cuLinkComplete(link, &image, &size) != CUDA_SUCCESS && std::strlen(unresolved.error) > 0,
                  "link-unresolved-symbol-refused", unresolved.error);
    cuLinkDestroy(link);
  }
  return check::finish();
}
