// vgpud's `cuda` backend for one session: the host GPUs the client gets (the first N, one per
// device its PCI bus expects) and the snapshot of each — the real GPU's name, every attribute, UUID,
// bus id, memory and driver version — that the hello reply carries.
#pragma once

#include "cuda_driver.h"
#include "session_priority.h"

#include "backend/execution_backend.h"
#include "vgpu/wire_hello.h"

#include <memory>
#include <string>
#include <vector>

namespace vgpu::daemon {

// nullptr with `error` set when the host has fewer GPUs than expected or a context cannot be made.
std::unique_ptr<cuda::ExecutionBackend> makeCudaDevices(const CudaDriver& driver,
                                                        const std::vector<wire::ExpectedDevice>& expected,
                                                        std::uint64_t vramQuotaBytes, SessionPriority priority,
                                                        std::vector<wire::DeviceSnapshot>& snapshots,
                                                        std::string& error);

} // namespace vgpu::daemon
