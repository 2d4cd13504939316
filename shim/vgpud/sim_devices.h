// vgpud's `sim` backend: the simulated device (shim/cuda/sim) for one session, one device per
// device the client's PCI bus expects, with the profile the client names; and the snapshot of
// each device that the hello reply carries.
#pragma once

#include "backend/execution_backend.h"
#include "vgpu/wire_hello.h"

#include <memory>
#include <string>
#include <vector>

namespace vgpu::daemon {

// nullptr with `error` set when a profile is unknown or there is no device to simulate.
std::unique_ptr<cuda::ExecutionBackend> makeSimulatedDevices(const std::vector<wire::ExpectedDevice>& expected,
                                                             std::uint64_t vramQuotaBytes,
                                                             std::vector<wire::DeviceSnapshot>& snapshots,
                                                             std::string& error);

} // namespace vgpu::daemon
