// Stream attributes (cuStreamSetAttribute / cuStreamGetAttribute / cuStreamCopyAttributes): the
// launch attributes CUDA documents as valid for streams — an L2 access policy window, the
// synchronization policy, the memory synchronization domain and its map — checked as the driver
// checks them, kept per stream and reported back. Priority is the stream's own (set at creation:
// reported, not changed here). A created stream's attributes also go to its backend
// (ExecutionBackend::streamSetAttribute): through vgpud to the GPU's driver (wire call
// StreamSetAttribute); the simulated device has no L2 to steer and keeps nothing more.
#pragma once

#include <cuda.h>

namespace vgpu::cuda {

struct StreamAttributes {
  CUaccessPolicyWindow accessPolicyWindow{};
  CUsynchronizationPolicy synchronizationPolicy = CU_SYNC_POLICY_AUTO;
  CUlaunchMemSyncDomain memSyncDomain = CU_LAUNCH_MEM_SYNC_DOMAIN_DEFAULT;
  CUlaunchMemSyncDomainMap memSyncDomainMap{0, 1}; // NVIDIA's default: default 0, remote 1
};

// Limits of the stream's device the checks need.
struct StreamAttributeLimits {
  int maxAccessPolicyWindowBytes = 0;
  int memSyncDomainCount = 1;
};

// Sets one attribute: CUDA_ERROR_INVALID_VALUE for an attribute not valid for streams or a value
// out of range, CUDA_ERROR_NOT_SUPPORTED for the priority (fixed at creation).
CUresult setStreamAttribute(StreamAttributes& attributes, CUlaunchAttributeID id, const CUlaunchAttributeValue& value,
                            const StreamAttributeLimits& limits);
// Reads one; `priority` is the stream's.
CUresult getStreamAttribute(const StreamAttributes& attributes, int priority, CUlaunchAttributeID id,
                            CUlaunchAttributeValue& value);

} // namespace vgpu::cuda
