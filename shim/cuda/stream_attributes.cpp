// Checking, keeping and reading stream attributes (stream_attributes.h).
#include "stream_attributes.h"

#include "backend/stream_attribute_wire.h"

namespace vgpu::cuda {

CUresult setStreamAttribute(StreamAttributes& attributes, CUlaunchAttributeID id, const CUlaunchAttributeValue& value,
                            const StreamAttributeLimits& limits) {
  // Enum fields are checked by their bits: an application may have stored any number there.
  switch (enumBits(id)) {
  case CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW: {
    const CUaccessPolicyWindow& window = value.accessPolicyWindow;
    const auto property = [](const CUaccessProperty& field) {
      const std::uint32_t p = enumBits(field);
      return p == CU_ACCESS_PROPERTY_NORMAL || p == CU_ACCESS_PROPERTY_STREAMING || p == CU_ACCESS_PROPERTY_PERSISTING;
    };
    if (!(window.hitRatio >= 0.0F && window.hitRatio <= 1.0F) || !property(window.hitProp) ||
        !property(window.missProp) || window.num_bytes > static_cast<std::size_t>(limits.maxAccessPolicyWindowBytes)) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    attributes.accessPolicyWindow = window;
    return CUDA_SUCCESS;
  }
  case CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY:
    if (enumBits(value.syncPolicy) < CU_SYNC_POLICY_AUTO || enumBits(value.syncPolicy) > CU_SYNC_POLICY_BLOCKING_SYNC) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    attributes.synchronizationPolicy = value.syncPolicy;
    return CUDA_SUCCESS;
  case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN:
    if (enumBits(value.memSyncDomain) != CU_LAUNCH_MEM_SYNC_DOMAIN_DEFAULT &&
        enumBits(value.memSyncDomain) != CU_LAUNCH_MEM_SYNC_DOMAIN_REMOTE) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    attributes.memSyncDomain = value.memSyncDomain;
    return CUDA_SUCCESS;
  case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN_MAP:
    if (value.memSyncDomainMap.default_ >= limits.memSyncDomainCount ||
        value.memSyncDomainMap.remote >= limits.memSyncDomainCount) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    attributes.memSyncDomainMap = value.memSyncDomainMap;
    return CUDA_SUCCESS;
  case CU_LAUNCH_ATTRIBUTE_PRIORITY:
    return CUDA_ERROR_NOT_SUPPORTED;        // a stream's priority is chosen at cuStreamCreateWithPriority
  default: return CUDA_ERROR_INVALID_VALUE; // not an attribute of streams
  }
}

CUresult getStreamAttribute(const StreamAttributes& attributes, int priority, CUlaunchAttributeID id,
                            CUlaunchAttributeValue& value) {
  value = CUlaunchAttributeValue{};
  switch (enumBits(id)) {
  case CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW:
    value.accessPolicyWindow = attributes.accessPolicyWindow;
    return CUDA_SUCCESS;
  case CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY:
    value.syncPolicy = attributes.synchronizationPolicy;
    return CUDA_SUCCESS;
  case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN: value.memSyncDomain = attributes.memSyncDomain; return CUDA_SUCCESS;
  case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN_MAP:
    value.memSyncDomainMap = attributes.memSyncDomainMap;
    return CUDA_SUCCESS;
  case CU_LAUNCH_ATTRIBUTE_PRIORITY: value.priority = priority; return CUDA_SUCCESS;
  default: return CUDA_ERROR_INVALID_VALUE;
  }
}

} // namespace vgpu::cuda
