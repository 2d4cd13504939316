// Lazy, thread-safe initialisation of the driver shim and the per-thread context stack.
#include "driver_state.h"

#include "driver_log.h"

#include "activity.h"
#include "call_statistics.h"
#include "profiler_marks.h"
#include "remote/remote_init.h"
#include "sim/simulated_backend.h"
#include "vgpu/device/device_identity.h"
#include "vgpu/device/device_profiles.h"
#include "vgpu/device/shim_config.h"
#include "vgpu/log.h"
#include "vgpu/telemetry/telemetry_server.h"

#include <cstdio>
#include <cstdlib>

namespace vgpu::cuda {
namespace {

sim::SimulatedDeviceLimits limitsFor(const device::PresentedDevice& presented) {
  sim::SimulatedDeviceLimits limits;
  limits.totalMemoryBytes = presented.profile->totalMemoryBytes;
  limits.ccMajor = presented.profile->ccMajor;
  limits.ccMinor = presented.profile->ccMinor;
  auto attribute = [&](CUdevice_attribute id, int fallback) {
    int value = fallback;
    device::presentedAttribute(presented, id, value);
    return value;
  };
  limits.maxThreadsPerBlock = attribute(CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, 1024);
  limits.maxBlockDim[0] = attribute(CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X, 1024);
  limits.maxBlockDim[1] = attribute(CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y, 1024);
  limits.maxBlockDim[2] = attribute(CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z, 64);
  limits.maxGridDim[0] = attribute(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X, 2147483647);
  limits.maxGridDim[1] = attribute(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y, 65535);
  limits.maxGridDim[2] = attribute(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z, 65535);
  limits.maxSharedMemoryPerBlockOptin = attribute(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, 49152);
  return limits;
}

// What the control socket reports about this process: the backend's own accounting.
class DriverTelemetrySource final : public telemetry::TelemetrySource {
public:
  // "simulated" or "remote"; the endpoint and what executes the work are members of their own.
  std::string backendKind() const override {
    return DriverState::instance().backend().describe().rfind("remote ", 0) == 0 ? "remote" : "simulated";
  }
  // "remote <endpoint> (<kind>)": the kind in parentheses; the in-process backend is simulated.
  std::string executor() const override {
    const std::string description = DriverState::instance().backend().describe();
    const std::size_t open = description.rfind('(');
    const std::size_t close = description.rfind(')');
    if (description.rfind("remote ", 0) != 0 || open == std::string::npos || close == std::string::npos ||
        close < open) {
      return "simulated";
    }
    return description.substr(open + 1, close - open - 1);
  }
  // The simulated device runs in this process; the remote backend describes itself as
  // "remote <endpoint> (<kind>)" (remote/remote_backend.cpp).
  std::string backendEndpoint() const override {
    const std::string description = DriverState::instance().backend().describe();
    constexpr std::string_view kRemote = "remote ";
    if (description.rfind(kRemote, 0) != 0) {
      return "in-process";
    }
    const std::size_t end = description.find(' ', kRemote.size());
    return description.substr(kRemote.size(), end == std::string::npos ? std::string::npos : end - kRemote.size());
  }
  std::vector<telemetry::DeviceIdentity> devices() const override {
    DriverState& state = DriverState::instance();
    std::vector<telemetry::DeviceIdentity> identities;
    for (int ordinal = 0; ordinal < state.deviceCount(); ++ordinal) {
      const DeviceRecord& record = *state.device(ordinal);
      identities.push_back(
          {std::string(record.presented.profile->name), device::formatGpuUuid(record.presented.uuid), record.pciBusId});
    }
    return identities;
  }
  telemetry::ProcessSample sample() const override {
    DriverState& state = DriverState::instance();
    telemetry::ProcessSample sample;
    for (int ordinal = 0; ordinal < state.deviceCount(); ++ordinal) {
      MemoryUsage usage;
      state.backend().memUsage(ordinal, usage);
      sample.devices.push_back({usage.usedBytes, usage.totalBytes, usage.peakBytes, usage.allocationCount});
    }
    const BackendCounters counters = state.backend().counters();
    sample.counters = {counters.kernelLaunches, counters.bytesHostToDevice, counters.bytesDeviceToHost,
                       counters.bytesDeviceToDevice, counters.memsets};
    sample.backendState = "ready"; // the simulated device has no other state
    sample.apis = apiCallStatistics();
    sample.errors = resultStatistics();
    const activity::Share share = activity::lastSecond();
    sample.kernelActivityPercent = share.kernelPercent;
    sample.memoryActivityPercent = share.memoryPercent;
    const profiler_marks::Marks marks = profiler_marks::read();
    sample.profilerActive = marks.active;
    sample.profilerStarts = marks.starts;
    sample.profilerStops = marks.stops;
    return sample;
  }
  void resetPeaks() override { DriverState::instance().backend().resetMemoryPeaks(); }
};

struct ThreadContexts {
  std::vector<CUcontext> stack;
};

ThreadContexts& threadContexts() {
  thread_local ThreadContexts contexts;
  return contexts;
}

} // namespace

DriverState& DriverState::instance() {
  // Never destroyed: CUDA libraries call the driver from their own exit-time destructors, which
  // may run after this library's static destructors would have.
  static DriverState* const state = new DriverState;
  return *state;
}

CUresult DriverState::initialize(unsigned int flags) {
  if (flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  static std::once_flag once;
  std::call_once(once, [this] {
    driver_log::start(); // from here the shim's warnings are kept for cuLogs*, whatever VGPU_LOG says
    const device::ConfigLoad load = device::loadShimConfig(device::processEnvironment());
    jitLinker_ = load.config.jitLinker;
    for (const device::ConfigProblem& problem : load.problems) {
      log::writef(log::Level::Warn, "config", "%s:%d: %s", problem.source.c_str(), problem.line,
                  problem.message.c_str());
    }
    const device::DiscoveryResult discovery = device::discoverDevices(load.config);
    for (const std::string& warning : discovery.warnings) {
      log::write(log::Level::Warn, "discovery", warning);
    }
    if (discovery.devices.empty()) {
      log::writef(log::Level::Info, "cuInit", "no device: %s", discovery.error.c_str());
      initResult_ = CUDA_ERROR_NO_DEVICE;
      return;
    }
    // Only an explicit backend = sim runs the simulated device: with nothing configured the shim
    // goes to vgpud, so a guest that lacks its configuration sees no GPU instead of a fake one.
    const device::Backend backend = device::effectiveBackend(load.config);
    std::vector<sim::SimulatedDeviceLimits> limits;
    for (const device::PresentedDevice& presented : discovery.devices) {
      auto record = std::make_unique<DeviceRecord>();
      record->presented = presented;
      char busId[32];
      std::snprintf(busId, sizeof busId, "%04x:%02x:%02x.%x", presented.address.domain, presented.address.bus,
                    presented.address.device, presented.address.function);
      record->pciBusId = busId;
      limits.push_back(limitsFor(presented));
      log::writef(log::Level::Info, "cuInit", "device %zu: %.*s at %s (%s)", devices_.size(),
                  static_cast<int>(presented.profile->name.size()), presented.profile->name.data(), busId,
                  backend == device::Backend::Simulated ? "simulated" : "stub; vgpud executes");
      devices_.push_back(std::move(record));
    }
    if (backend == device::Backend::Remote) {
      // vgpud executes; the snapshot from its hello describes each device (remote/remote_init.h).
      std::vector<device::PresentedDevice*> presented;
      for (const auto& record : devices_) {
        presented.push_back(&record->presented);
      }
      std::string error;
      backend_ = remote::connectBackend(load.config, presented, device::processEnvironment(), error);
      if (backend_ == nullptr) {
        // One line, at error level like every failure to reach vgpud (silent unless VGPU_LOG asks).
        // Without a configured backend the admin may not know vgpud is expected at all: say so.
        const std::string advice = device::unconfiguredBackendAdvice(load);
        log::writef(log::Level::Error, "cuInit", "no device: %s%s", error.c_str(), advice.c_str());
        devices_.clear();
        initResult_ = CUDA_ERROR_NO_DEVICE;
        return;
      }
    } else {
      backend_ = std::make_unique<sim::SimulatedBackend>(std::move(limits));
    }
    log::write(log::Level::Info, "cuInit", backend_->limitations());
    // A summary of what the simulated device did, at exit (info level): the launches it
    // validated and counted, and the bytes it moved. Registered here, at cuInit, not at load.
    if (log::enabled(log::Level::Info)) {
      std::atexit([] {
        const BackendCounters counters = DriverState::instance().backend().counters();
        log::writef(log::Level::Info, "simulated device",
                    "kernel launches validated and counted (not run): %llu; bytes copied host-to-device %llu, "
                    "device-to-host %llu, device-to-device %llu; memsets %llu",
                    static_cast<unsigned long long>(counters.kernelLaunches),
                    static_cast<unsigned long long>(counters.bytesHostToDevice),
                    static_cast<unsigned long long>(counters.bytesDeviceToHost),
                    static_cast<unsigned long long>(counters.bytesDeviceToDevice),
                    static_cast<unsigned long long>(counters.memsets));
      });
    }
    initResult_ = CUDA_SUCCESS;
    // The control socket (docs/telemetry-protocol.md): its thread starts here, after a successful
    // cuInit, never at load time.
    static DriverTelemetrySource* const telemetrySource = new DriverTelemetrySource;
    if (!telemetry::startServer(*telemetrySource)) {
      call_statistics::stopCounting(); // nobody can read the figures: spare every call the clock reads
    }
  });
  return initResult_;
}

CUresult DriverState::requireInitialized() const {
  return initResult_ == CUDA_SUCCESS ? CUDA_SUCCESS : CUDA_ERROR_NOT_INITIALIZED;
}

DeviceRecord* DriverState::device(CUdevice ordinal) {
  if (ordinal < 0 || ordinal >= deviceCount()) {
    return nullptr;
  }
  return devices_[static_cast<std::size_t>(ordinal)].get();
}

CUcontext currentContext() {
  const auto& stack = threadContexts().stack;
  return stack.empty() ? nullptr : stack.back();
}

void setCurrentContext(CUcontext context) {
  auto& stack = threadContexts().stack;
  if (stack.empty()) {
    if (context != nullptr) {
      stack.push_back(context);
    }
    return;
  }
  if (context == nullptr) {
    stack.pop_back();
  } else {
    stack.back() = context;
  }
}

void pushContext(CUcontext context) {
  threadContexts().stack.push_back(context);
}

CUcontext popContext() {
  auto& stack = threadContexts().stack;
  if (stack.empty()) {
    return nullptr;
  }
  CUcontext top = stack.back();
  stack.pop_back();
  return top;
}

CUresult checkContext(CUcontext context) {
  DriverState& state = DriverState::instance();
  if (state.contexts.find(context) != nullptr) {
    return CUDA_SUCCESS;
  }
  return state.contexts.isDestroyed(context) ? CUDA_ERROR_CONTEXT_IS_DESTROYED : CUDA_ERROR_INVALID_CONTEXT;
}

CUresult requireCurrentContext(CUcontext& out) {
  if (CUresult status = DriverState::instance().requireInitialized(); status != CUDA_SUCCESS) {
    return status;
  }
  out = currentContext();
  if (out == nullptr) {
    return CUDA_ERROR_INVALID_CONTEXT;
  }
  return checkContext(out);
}

} // namespace vgpu::cuda
