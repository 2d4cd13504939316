// The host GPUs' own state for the management socket on the cuda backend: NVIDIA's NVML
// (libnvidia-ml.so.1), dlopened from a configured path and never linked, so vgpud starts on hosts
// without it (the GPU list then comes from the sessions alone). NVML calls may stall on a GPU in
// trouble, so one small thread samples them once a second into a cache; the accept loop only
// copies the cache and never waits on the GPU. vgpud never initialises CUDA itself: NVML does
// not need it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace vgpu::daemon {

// One GPU as NVML reports it; a figure NVML does not answer stays empty (omitted in samples).
struct HostGpuState {
  std::string name;
  std::string uuid;     // "GPU-…", as NVML prints it
  std::string pciBusId; // "00000000:01:00.0"
  std::optional<std::uint64_t> memoryTotalBytes;
  std::optional<std::uint64_t> memoryUsedBytes;
  std::optional<std::uint64_t> memoryFreeBytes;
  std::optional<unsigned> utilizationGpuPercent;
  std::optional<unsigned> utilizationMemoryPercent;
  std::optional<unsigned> temperatureC;
  std::optional<double> powerWatts;
  std::optional<unsigned> smClockMhz;
  std::optional<unsigned> memoryClockMhz;
};

class HostNvml {
public:
  // Loads NVML from `path` (a bare name is looked up by the loader) and initialises it; nullptr
  // and `error` when it cannot (no NVML on this host, no driver).
  static std::unique_ptr<HostNvml> open(const std::string& path, std::string& error);
  ~HostNvml();
  HostNvml(const HostNvml&) = delete;
  HostNvml& operator=(const HostNvml&) = delete;

  // Starts the once-a-second sampler (the first sample is taken before this returns).
  void start();
  // The latest sample.
  std::vector<HostGpuState> gpus() const;

private:
  struct Api;
  HostNvml() = default;
  std::vector<HostGpuState> read() const;
  void run();

  void* library_ = nullptr;
  std::unique_ptr<Api> api_;
  mutable std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::vector<HostGpuState> latest_;
  std::thread sampler_;
};

} // namespace vgpu::daemon
