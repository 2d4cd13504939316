// Device usage from the in-process CUDA shim and the other processes' control sockets (see
// nvml_usage.h). The peer scan runs on the calling thread with a short timeout per socket.
#include "nvml_usage.h"

#include "vgpu/log.h"
#include "vgpu/telemetry/peer_reader.h"
#include "vgpu/telemetry/runtime_directory.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <dlfcn.h>
#include <mutex>
#include <unistd.h>

namespace vgpu::nvml {
namespace {

constexpr auto kScanLifetime = std::chrono::milliseconds(250);
constexpr int kPeerTimeoutMs = 250;

// cuVgpuDeviceMemoryUsage(const CUuuid* device, size_t* used) -> CUresult.
using MemoryUsageFunction = int (*)(const unsigned char* uuid, std::size_t* used);
// cuVgpuProcessActivity(unsigned* kernelPercent, unsigned* memoryPercent) -> CUresult.
using ActivityFunction = int (*)(unsigned* kernelPercent, unsigned* memoryPercent);
constexpr int kCudaSuccess = 0;

// The CUDA shim's entry point, looked up at each call until found (libcuda.so.1 may be loaded after
// NVML's first call). RTLD_DEFAULT sees libraries in the global scope; ggml dlopens its CUDA backend
// RTLD_LOCAL, which hides libcuda.so.1 from it, so an already loaded libcuda.so.1 is also asked
// directly (RTLD_NOLOAD: never loads it). NVIDIA's own libcuda.so.1 has no such symbol.
void* cudaShimSymbol(const char* name) {
  void* address = dlsym(RTLD_DEFAULT, name);
  if (address == nullptr) {
    if (void* cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD); cuda != nullptr) {
      address = dlsym(cuda, name);
      if (address == nullptr) {
        dlclose(cuda); // NVIDIA's libcuda: drop the reference RTLD_NOLOAD took
      }
    }
  }
  return address;
}

template <typename Function> Function cachedCudaShimSymbol(std::atomic<Function>& cached, const char* name) {
  Function function = cached.load(std::memory_order_acquire);
  if (function != nullptr) {
    return function;
  }
  function = reinterpret_cast<Function>(cudaShimSymbol(name));
  cached.store(function, std::memory_order_release);
  return function;
}

MemoryUsageFunction cudaShimMemoryUsage() {
  static std::atomic<MemoryUsageFunction> cached{nullptr};
  return cachedCudaShimSymbol(cached, "cuVgpuDeviceMemoryUsage");
}

ActivityFunction cudaShimActivity() {
  static std::atomic<ActivityFunction> cached{nullptr};
  return cachedCudaShimSymbol(cached, "cuVgpuProcessActivity");
}

void addActivity(std::optional<unsigned>& total, unsigned percent) {
  total = std::min(100U, total.value_or(0) + percent);
}

struct PeerCache {
  std::mutex mutex;
  std::chrono::steady_clock::time_point takenAt;
  bool valid = false;
  telemetry::PeerScan scan;
};

PeerCache& peerCache() {
  static auto* const cache = new PeerCache; // never freed: NVML may be called during exit
  return *cache;
}

// The access rule kept figures from this user: said once per process, at warn, with the remedy.
void warnForbiddenOnce(const telemetry::PeerScan& scan) {
  static std::atomic<bool> warned{false};
  if (warned.exchange(true)) {
    return;
  }
  const char* configured = std::getenv("VGPU_TELEMETRY_GROUP"); // NOLINT(concurrency-mt-unsafe): read only
  const std::string group = configured != nullptr && *configured != '\0' ? configured : "vgpu";
  log::writef(log::Level::Warn, "nvml",
              "memory used and processes of the CUDA processes this user (uid %u) may not read are missing "
              "(%zu refused: %s); to see them, add the user to group '%s' (sudo usermod -aG %s USER, then log "
              "in again) or run as root",
              static_cast<unsigned>(::geteuid()), scan.forbidden.size(), scan.forbidden.front().c_str(), group.c_str(),
              group.c_str());
}

// A copy of the current scan (refreshed when older than kScanLifetime).
telemetry::PeerScan currentScan() {
  PeerCache& cache = peerCache();
  const std::lock_guard lock(cache.mutex);
  const auto now = std::chrono::steady_clock::now();
  if (!cache.valid || now - cache.takenAt > kScanLifetime) {
    const telemetry::RuntimeDirectories directories = telemetry::runtimeDirectories(
        telemetry::RuntimeDirectoryInputs::fromEnvironment(), telemetry::RuntimeDirectoryUse::Read);
    cache.scan = telemetry::scanPeers(directories.directories, ::getpid(), kPeerTimeoutMs);
    for (const std::string& problem : cache.scan.problems) {
      log::writef(log::Level::Info, "nvml", "control socket not counted: %s", problem.c_str());
    }
    if (!cache.scan.forbidden.empty()) {
      warnForbiddenOnce(cache.scan);
    }
    cache.takenAt = std::chrono::steady_clock::now();
    cache.valid = true;
  }
  return cache.scan;
}

} // namespace

DeviceUsage deviceUsage(const nvmlDevice_st& device) {
  DeviceUsage usage;
  if (const MemoryUsageFunction own = cudaShimMemoryUsage(); own != nullptr) {
    std::size_t used = 0;
    if (own(device.presented.uuid.data(), &used) == kCudaSuccess) {
      usage.known = true;
      usage.usedBytes += used;
      usage.processes.push_back(DeviceProcess{static_cast<unsigned int>(::getpid()), used});
      unsigned kernel = 0;
      unsigned memory = 0;
      if (const ActivityFunction activity = cudaShimActivity();
          activity != nullptr && activity(&kernel, &memory) == kCudaSuccess) {
        addActivity(usage.kernelPercent, kernel);
        addActivity(usage.memoryPercent, memory);
      }
    }
  }
  const telemetry::PeerScan scan = currentScan();
  if (!scan.directories.empty()) {
    usage.known = true;
  }
  for (const telemetry::PeerProcess& process : scan.processes) {
    for (const telemetry::PeerDevice& peerDevice : process.devices) {
      if (peerDevice.uuid == device.uuid) {
        usage.usedBytes += peerDevice.usedBytes;
        usage.processes.push_back(DeviceProcess{static_cast<unsigned int>(process.pid), peerDevice.usedBytes});
        if (process.kernelActivityPercent && process.memoryActivityPercent) {
          addActivity(usage.kernelPercent, *process.kernelActivityPercent);
          addActivity(usage.memoryPercent, *process.memoryActivityPercent);
        }
      }
    }
  }
  std::sort(usage.processes.begin(), usage.processes.end(),
            [](const DeviceProcess& a, const DeviceProcess& b) { return a.pid < b.pid; });
  return usage;
}

std::string processExecutable(unsigned int pid) {
  if (pid == static_cast<unsigned int>(::getpid())) {
    char path[4096];
    const ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
    return length > 0 ? std::string(path, static_cast<std::size_t>(length)) : std::string();
  }
  for (const telemetry::PeerProcess& process : currentScan().processes) {
    if (static_cast<unsigned int>(process.pid) == pid) {
      return process.executable;
    }
  }
  return {};
}

} // namespace vgpu::nvml
