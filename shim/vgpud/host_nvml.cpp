// NVML on the host (host_nvml.h): the entry points resolved once, and the sampler thread.
#include "host_nvml.h"

#include "vgpu/log.h"

#include <chrono>
#include <dlfcn.h>
#include <nvml.h>

namespace vgpu::daemon {

// By their ABI names: nvml.h maps nvmlInit to nvmlInit_v2 and so on.
struct HostNvml::Api {
  decltype(&nvmlInit_v2) init = nullptr;
  decltype(&nvmlShutdown) shutdown = nullptr;
  decltype(&nvmlDeviceGetCount_v2) count = nullptr;
  decltype(&nvmlDeviceGetHandleByIndex_v2) handle = nullptr;
  decltype(&nvmlDeviceGetName) name = nullptr;
  decltype(&nvmlDeviceGetUUID) uuid = nullptr;
  decltype(&nvmlDeviceGetPciInfo_v3) pci = nullptr;
  decltype(&nvmlDeviceGetMemoryInfo) memory = nullptr;
  decltype(&nvmlDeviceGetUtilizationRates) utilization = nullptr;
  decltype(&nvmlDeviceGetTemperature) temperature = nullptr;
  decltype(&nvmlDeviceGetPowerUsage) power = nullptr;
  decltype(&nvmlDeviceGetClockInfo) clock = nullptr;
};

namespace {
template <typename Function> bool resolve(void* library, const char* symbol, Function& out) {
  out = reinterpret_cast<Function>(::dlsym(library, symbol));
  return out != nullptr;
}
} // namespace

std::unique_ptr<HostNvml> HostNvml::open(const std::string& path, std::string& error) {
  void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = ::dlerror();
    error = "cannot load " + path + ": " + (why != nullptr ? why : "unknown error");
    return nullptr;
  }
  std::unique_ptr<HostNvml> nvml(new HostNvml());
  nvml->library_ = library;
  nvml->api_ = std::make_unique<Api>();
  Api& api = *nvml->api_;
  // The optional figures may be missing from an NVML build; identity and memory may not.
  if (!resolve(library, "nvmlInit_v2", api.init) || !resolve(library, "nvmlShutdown", api.shutdown) ||
      !resolve(library, "nvmlDeviceGetCount_v2", api.count) ||
      !resolve(library, "nvmlDeviceGetHandleByIndex_v2", api.handle) ||
      !resolve(library, "nvmlDeviceGetName", api.name) || !resolve(library, "nvmlDeviceGetUUID", api.uuid) ||
      !resolve(library, "nvmlDeviceGetMemoryInfo", api.memory)) {
    error = path + " lacks the NVML entry points vgpud needs (not NVIDIA's NVML?)";
    return nullptr;
  }
  resolve(library, "nvmlDeviceGetPciInfo_v3", api.pci);
  resolve(library, "nvmlDeviceGetUtilizationRates", api.utilization);
  resolve(library, "nvmlDeviceGetTemperature", api.temperature);
  resolve(library, "nvmlDeviceGetPowerUsage", api.power);
  resolve(library, "nvmlDeviceGetClockInfo", api.clock);
  if (const nvmlReturn_t result = api.init(); result != NVML_SUCCESS) {
    error = path + ": nvmlInit failed (" + std::to_string(static_cast<int>(result)) + ")";
    api.init = nullptr; // nothing to shut down
    return nullptr;
  }
  return nvml;
}

HostNvml::~HostNvml() {
  if (sampler_.joinable()) {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stop_.notify_all();
    sampler_.join();
  }
  if (api_ != nullptr && api_->init != nullptr) {
    api_->shutdown();
  }
  if (library_ != nullptr) {
    ::dlclose(library_);
  }
}

void HostNvml::start() {
  std::vector<HostGpuState> first = read();
  {
    const std::lock_guard lock(mutex_);
    latest_ = std::move(first);
  }
  sampler_ = std::thread([this] { run(); });
}

void HostNvml::run() {
  std::unique_lock lock(mutex_);
  while (!stop_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
    lock.unlock();
    std::vector<HostGpuState> next = read();
    lock.lock();
    latest_ = std::move(next);
  }
}

std::vector<HostGpuState> HostNvml::gpus() const {
  const std::lock_guard lock(mutex_);
  return latest_;
}

std::vector<HostGpuState> HostNvml::read() const {
  const Api& api = *api_;
  std::vector<HostGpuState> gpus;
  unsigned count = 0;
  if (api.count(&count) != NVML_SUCCESS) {
    return gpus;
  }
  for (unsigned index = 0; index < count && index < 64; ++index) {
    nvmlDevice_t device{};
    HostGpuState gpu;
    if (api.handle(index, &device) != NVML_SUCCESS) {
      gpus.push_back(std::move(gpu)); // keeps the indexes NVML's
      continue;
    }
    char text[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = {};
    if (api.name(device, text, sizeof text) == NVML_SUCCESS) {
      gpu.name = text;
    }
    char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = {};
    if (api.uuid(device, uuid, sizeof uuid) == NVML_SUCCESS) {
      gpu.uuid = uuid;
    }
    nvmlPciInfo_t pci{};
    if (api.pci != nullptr && api.pci(device, &pci) == NVML_SUCCESS) {
      gpu.pciBusId = pci.busId;
    }
    nvmlMemory_t memory{};
    if (api.memory(device, &memory) == NVML_SUCCESS) {
      gpu.memoryTotalBytes = memory.total;
      gpu.memoryUsedBytes = memory.used;
      gpu.memoryFreeBytes = memory.free;
    }
    nvmlUtilization_t utilization{};
    if (api.utilization != nullptr && api.utilization(device, &utilization) == NVML_SUCCESS) {
      gpu.utilizationGpuPercent = utilization.gpu;
      gpu.utilizationMemoryPercent = utilization.memory;
    }
    unsigned value = 0;
    if (api.temperature != nullptr && api.temperature(device, NVML_TEMPERATURE_GPU, &value) == NVML_SUCCESS) {
      gpu.temperatureC = value;
    }
    if (api.power != nullptr && api.power(device, &value) == NVML_SUCCESS) {
      gpu.powerWatts = static_cast<double>(value) / 1000.0; // milliwatts
    }
    if (api.clock != nullptr && api.clock(device, NVML_CLOCK_SM, &value) == NVML_SUCCESS) {
      gpu.smClockMhz = value;
    }
    if (api.clock != nullptr && api.clock(device, NVML_CLOCK_MEM, &value) == NVML_SUCCESS) {
      gpu.memoryClockMhz = value;
    }
    gpus.push_back(std::move(gpu));
  }
  return gpus;
}

} // namespace vgpu::daemon
