// Entry points for stream attributes (stream_attributes.h): kept per stream, and per context for
// its default streams; checked against the stream's device.
#include "entry_common.h"
#include "stream_attributes.h"

#include "vgpu/device/device_discovery.h"

using namespace vgpu::cuda;

namespace {

// The attributes a stream argument names, its priority and its device's limits.
struct AttributeTarget {
  StreamAttributes* attributes = nullptr;
  BackendStream backend = 0; // a created stream's handle in the backend; 0 for a default stream
  int priority = 0;
  StreamAttributeLimits limits;
};

CUresult attributeTarget(CUstream stream, AttributeTarget& out) {
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  out.attributes = target.stream != nullptr ? &target.stream->attributes : &target.context->defaultStreamAttributes;
  out.priority = target.stream != nullptr ? target.stream->priority : 0;
  out.backend = target.stream != nullptr ? target.backend : 0;
  if (const DeviceRecord* device = state().device(target.context->device); device != nullptr) {
    vgpu::device::presentedAttribute(device->presented, CU_DEVICE_ATTRIBUTE_MAX_ACCESS_POLICY_WINDOW_SIZE,
                                     out.limits.maxAccessPolicyWindowBytes);
    vgpu::device::presentedAttribute(device->presented, CU_DEVICE_ATTRIBUTE_MEM_SYNC_DOMAIN_COUNT,
                                     out.limits.memSyncDomainCount);
  }
  return CUDA_SUCCESS;
}

} // namespace

CUresult entry::cuStreamSetAttribute(CUstream stream, CUstreamAttrID id, const CUstreamAttrValue* value) {
  if (value == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  AttributeTarget target;
  if (const CUresult status = attributeTarget(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (const CUresult status = setStreamAttribute(*target.attributes, id, *value, target.limits);
      status != CUDA_SUCCESS || target.backend == 0) {
    return status; // a default stream's attributes are kept here only
  }
  // The device acts on them: vgpud's GPU (an L2 access policy window steers its cache).
  return state().backend().streamSetAttribute(target.backend, id, *value);
}

CUresult entry::cuStreamGetAttribute(CUstream stream, CUstreamAttrID id, CUstreamAttrValue* value) {
  VGPU_REQUIRE_OUT(value);
  AttributeTarget target;
  if (const CUresult status = attributeTarget(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  return getStreamAttribute(*target.attributes, target.priority, id, *value);
}

CUresult entry::cuStreamCopyAttributes(CUstream destination, CUstream source) {
  AttributeTarget to;
  AttributeTarget from;
  if (const CUresult status = attributeTarget(destination, to); status != CUDA_SUCCESS) {
    return status;
  }
  if (const CUresult status = attributeTarget(source, from); status != CUDA_SUCCESS) {
    return status;
  }
  *to.attributes = *from.attributes;
  return CUDA_SUCCESS;
}
