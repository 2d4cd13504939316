// Running processes (nvmlDeviceGet{Compute,Graphics,MPSCompute}RunningProcesses, every struct
// version) and nvmlSystemGetProcessName. Compute processes are the shim processes that present the
// device (nvml_usage.h), with their memory. The shim runs no graphics contexts and no MPS server,
// so those lists are empty — a true answer, not a stand-in.
#include "nvml_devices.h"
#include "nvml_usage.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace {

constexpr unsigned int kNoInstance = 0xFFFFFFFFU; // NVML's "MIG is not enabled" instance id

void fill(nvmlProcessInfo_v1_t& info, const vgpu::nvml::DeviceProcess& process) {
  info.pid = process.pid;
  info.usedGpuMemory = process.usedBytes;
}

template <typename Info> void fill(Info& info, const vgpu::nvml::DeviceProcess& process) {
  info.pid = process.pid;
  info.usedGpuMemory = process.usedBytes;
  info.gpuInstanceId = kNoInstance;
  info.computeInstanceId = kNoInstance;
}

// NVML's contract: *count in = capacity of infos, out = number of processes; a capacity too small
// (0 is the usual size query) → NVML_ERROR_INSUFFICIENT_SIZE with the needed count.
template <typename Info>
nvmlReturn_t answer(const std::vector<vgpu::nvml::DeviceProcess>& processes, unsigned int* count, Info* infos) {
  const auto needed = static_cast<unsigned int>(processes.size());
  if (*count < needed) {
    *count = needed;
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  if (needed > 0 && infos == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  for (unsigned int i = 0; i < needed; ++i) {
    fill(infos[i], processes[i]);
  }
  *count = needed;
  return NVML_SUCCESS;
}

template <typename Info> nvmlReturn_t computeProcesses(nvmlDevice_t device, unsigned int* count, Info* infos) {
  if (const nvmlReturn_t status = vgpu::nvml::checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (count == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  const vgpu::nvml::DeviceUsage usage = vgpu::nvml::deviceUsage(*device);
  if (!usage.known) {
    return NVML_ERROR_NOT_SUPPORTED;
  }
  return answer(usage.processes, count, infos);
}

template <typename Info> nvmlReturn_t noProcesses(nvmlDevice_t device, unsigned int* count, Info* infos) {
  if (const nvmlReturn_t status = vgpu::nvml::checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (count == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  return answer(std::vector<vgpu::nvml::DeviceProcess>{}, count, infos);
}

} // namespace

// The un-suffixed symbols are the oldest ABI (nvmlProcessInfo_v1_t); nvml.h maps the names to _v3.
#undef nvmlDeviceGetComputeRunningProcesses
#undef nvmlDeviceGetGraphicsRunningProcesses
#undef nvmlDeviceGetMPSComputeRunningProcesses

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device, unsigned int* count,
                                                                   nvmlProcessInfo_v1_t* infos) {
  return computeProcesses(device, count, infos);
}
VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device, unsigned int* count,
                                                                      nvmlProcessInfo_v2_t* infos) {
  return computeProcesses(device, count, infos);
}
VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int* count,
                                                                      nvmlProcessInfo_t* infos) {
  return computeProcesses(device, count, infos);
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses(nvmlDevice_t device, unsigned int* count,
                                                                    nvmlProcessInfo_v1_t* infos) {
  return noProcesses(device, count, infos);
}
VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v2(nvmlDevice_t device, unsigned int* count,
                                                                       nvmlProcessInfo_v2_t* infos) {
  return noProcesses(device, count, infos);
}
VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t device, unsigned int* count,
                                                                       nvmlProcessInfo_t* infos) {
  return noProcesses(device, count, infos);
}

VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetMPSComputeRunningProcesses(nvmlDevice_t device, unsigned int* count,
                                                                      nvmlProcessInfo_v1_t* infos) {
  return noProcesses(device, count, infos);
}
VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetMPSComputeRunningProcesses_v2(nvmlDevice_t device, unsigned int* count,
                                                                         nvmlProcessInfo_v2_t* infos) {
  return noProcesses(device, count, infos);
}
VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetMPSComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int* count,
                                                                         nvmlProcessInfo_t* infos) {
  return noProcesses(device, count, infos);
}

// The name of a shim process as its hello reports it (the executable's path, as NVIDIA's driver
// reports the process's command). Not a shim process → NVML_ERROR_NOT_FOUND.
VGPU_NVML_EXPORT nvmlReturn_t nvmlSystemGetProcessName(unsigned int pid, char* name, unsigned int length) {
  if (!vgpu::nvml::initialized()) {
    return NVML_ERROR_UNINITIALIZED;
  }
  if (name == nullptr || length == 0) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  const std::string executable = vgpu::nvml::processExecutable(pid);
  if (executable.empty()) {
    return NVML_ERROR_NOT_FOUND;
  }
  // NVML truncates rather than failing: the tools pass fixed buffers (nvidia-smi 64 bytes).
  const std::size_t copied = std::min<std::size_t>(executable.size(), length - 1);
  std::memcpy(name, executable.data(), copied);
  name[copied] = '\0';
  return NVML_SUCCESS;
}

// Utilization derived from launch activity (the CUDA shim's activity.h): gpu = share of the last
// second's 10 ms slots in which a process presenting the device had a kernel launch accepted,
// memory = the same for copies and memsets; summed over the processes and capped at 100 (exact
// for one process, an upper bound for several). No process: 0, the true answer. Processes whose
// shim does not report activity, or nothing known: NVML_ERROR_NOT_SUPPORTED.
VGPU_NVML_EXPORT nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t* utilization) {
  if (const nvmlReturn_t status = vgpu::nvml::checkDevice(device); status != NVML_SUCCESS) {
    return status;
  }
  if (utilization == nullptr) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  const vgpu::nvml::DeviceUsage usage = vgpu::nvml::deviceUsage(*device);
  if (!usage.known || (!usage.processes.empty() && !usage.kernelPercent)) {
    return NVML_ERROR_NOT_SUPPORTED;
  }
  utilization->gpu = usage.kernelPercent.value_or(0);
  utilization->memory = usage.memoryPercent.value_or(0);
  return NVML_SUCCESS;
}
