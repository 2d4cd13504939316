// cuInit's remote path: connect to the configured vgpud for the devices discovery found on the
// guest's bus, and present each as vgpud's snapshot describes it (name, attributes, memory, UUID)
// at the stub's bus address.
#pragma once

#include "backend/execution_backend.h"

#include "vgpu/device/device_discovery.h"
#include "vgpu/device/shim_config.h"

#include <memory>
#include <string>
#include <vector>

namespace vgpu::cuda::remote {

// Timeout for every wait on vgpud, from VGPU_REMOTE_TIMEOUT_MS (default 30000; 100 … 3600000).
int timeoutFrom(const device::EnvironmentLookup& env);

// The token for a tcp or vsock endpoint: the trimmed content of the file shim.conf's token_file
// (or VGPU_TOKEN_FILE) names.
bool readToken(const device::ShimConfig& config, std::string& token, std::string& error);

// nullptr with `error` (naming the endpoint) when vgpud cannot be reached or refuses; else the
// backend, with each presented device's profile and UUID replaced by the snapshot's.
std::unique_ptr<ExecutionBackend> connectBackend(const device::ShimConfig& config,
                                                 std::vector<device::PresentedDevice*>& presented,
                                                 const device::EnvironmentLookup& env, std::string& error);

} // namespace vgpu::cuda::remote
