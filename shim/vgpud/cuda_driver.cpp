// Loading NVIDIA's driver for the `cuda` backend (see cuda_driver.h).
#include "cuda_driver.h"

#include "vgpu/log.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vgpu::daemon {
namespace {

#define VGPU_STRINGIZE_EXPANDED(name) VGPU_STRINGIZE(name)
#define VGPU_STRINGIZE(name) #name

// Every vgpu shim exports this private entry point; NVIDIA's driver never has.
constexpr const char* kShimMarker = "cuVgpuProcessActivity";

template <typename Function> bool resolve(void* handle, const char* symbol, Function& out, std::string& missing) {
  out = reinterpret_cast<Function>(::dlsym(handle, symbol));
  if (out == nullptr) {
    missing += missing.empty() ? symbol : std::string(", ") + symbol;
    return false;
  }
  return true;
}

bool driverDoubleAllowed() {
  const char* value = std::getenv("VGPUD_TEST_DRIVER_DOUBLE");
  return value != nullptr && std::strcmp(value, "1") == 0;
}

} // namespace

std::string CudaDriver::errorName(CUresult result) const {
  const char* name = nullptr;
  if (cuGetErrorName != nullptr && cuGetErrorName(result, &name) == CUDA_SUCCESS && name != nullptr) {
    return name;
  }
  return "CUresult " + std::to_string(static_cast<int>(result));
}

std::unique_ptr<CudaDriver> loadCudaDriver(const std::string& path, std::string& error) {
  if (path.empty()) {
    error = "no CUDA driver path configured (cuda-driver = /path/to/NVIDIA's libcuda.so.1)";
    return nullptr;
  }
  // RTLD_LOCAL: the driver's symbols stay out of the global scope; RTLD_NOW: a broken install fails
  // here, at start, not in the middle of a session.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* reason = ::dlerror();
    error = "cannot load the CUDA driver '" + path + "': " + (reason != nullptr ? reason : "unknown reason") +
            "; install NVIDIA's driver or point cuda-driver at its libcuda.so.1";
    return nullptr;
  }
  auto driver = std::make_unique<CudaDriver>();
  driver->path = path;
  driver->handle = handle;
  link_map* map = nullptr;
  if (::dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map != nullptr && map->l_name != nullptr) {
    driver->resolved = map->l_name;
  }
  if (::dlsym(handle, kShimMarker) != nullptr) {
    if (!driverDoubleAllowed()) {
      error = "'" + path + "' (" + driver->resolved +
              ") is a vgpu shim, not NVIDIA's driver: vgpud must run on the real driver; point cuda-driver at "
              "NVIDIA's libcuda.so.1 (e.g. /usr/lib/x86_64-linux-gnu/libcuda.so.1 on the GPU host)";
      ::dlclose(handle);
      return nullptr;
    }
    driver->isDriverDouble = true;
    log::writef(log::Level::Warn, "vgpud",
                "VGPUD_TEST_DRIVER_DOUBLE=1: using the vgpu shim %s as the CUDA driver (tests only)",
                driver->resolved.c_str());
  }
  std::string missing;
#define VGPU_RESOLVE_ENTRY_POINT(name) resolve(handle, VGPU_STRINGIZE_EXPANDED(name), driver->name, missing);
  VGPU_CUDA_DRIVER_ENTRY_POINTS(VGPU_RESOLVE_ENTRY_POINT)
#undef VGPU_RESOLVE_ENTRY_POINT
  resolve(handle, "cuCtxCreate_v2", driver->cuCtxCreate_v2, missing);
  driver->cuEventElapsedTime =
      reinterpret_cast<decltype(driver->cuEventElapsedTime)>(::dlsym(handle, "cuEventElapsedTime_v2"));
  if (driver->cuEventElapsedTime == nullptr) {
    resolve(handle, "cuEventElapsedTime", driver->cuEventElapsedTime, missing);
  }
  if (!missing.empty()) {
    error = "the CUDA driver '" + driver->resolved + "' lacks " + missing +
            ": vgpud needs NVIDIA driver 550 (CUDA 12.4) or newer";
    ::dlclose(handle);
    return nullptr;
  }
  return driver;
}

bool initializeCudaDriver(CudaDriver& driver, std::string& error) {
  if (const CUresult result = driver.cuInit(0); result != CUDA_SUCCESS) {
    error = "cuInit on '" + driver.resolved + "' failed: " + driver.errorName(result) +
            " (is the GPU visible to this host and the nvidia kernel module loaded?)";
    return false;
  }
  driver.cuDriverGetVersion(&driver.version);
  driver.cuDeviceGetCount(&driver.deviceCount);
  return true;
}

int probeCudaDevices(CudaDriver& driver, std::string& error) {
  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
    error = "cannot create a pipe for the driver probe";
    return -1;
  }
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipeFds[0]);
    std::string failure;
    const std::string report = initializeCudaDriver(driver, failure)
                                   ? "ok " + std::to_string(driver.version) + " " + std::to_string(driver.deviceCount)
                                   : "error " + failure;
    [[maybe_unused]] const ssize_t written = ::write(pipeFds[1], report.data(), report.size());
    ::_exit(0);
  }
  ::close(pipeFds[1]);
  std::string report;
  char buffer[512];
  ssize_t n = 0;
  while (child > 0 && (n = ::read(pipeFds[0], buffer, sizeof buffer)) > 0) {
    report.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipeFds[0]);
  int status = 0;
  if (child > 0) {
    ::waitpid(child, &status, 0);
  }
  if (report.rfind("ok ", 0) == 0) {
    std::sscanf(report.c_str(), "ok %d %d", &driver.version, &driver.deviceCount);
    return driver.deviceCount;
  }
  error = report.rfind("error ", 0) == 0 ? report.substr(6)
                                         : "the driver probe process died (status " + std::to_string(status) + ")";
  return -1;
}

} // namespace vgpu::daemon
