// A kernel node's launch attributes (cuGraphKernelNodeGet/SetAttribute, CopyAttributes): those
// that change how the kernel runs (cluster dimensions, cooperative launch, cluster scheduling
// policy) are part of its launch and go wherever it runs, as cuLaunchKernelEx's do; the L2 access
// policy window, the memory synchronization domain and its map, and the priority are checked as
// for streams (stream_attributes.h), kept and reported. Other attributes are not kernel node
// attributes: CUDA_ERROR_INVALID_VALUE.
#include "entry_common.h"
#include "graph.h"
#include "stream_attributes.h"

#include "backend/stream_attribute_wire.h"

#include "vgpu/device/device_discovery.h"

using namespace vgpu::cuda;

namespace {

CUgraphNode_st* kernelNode(CUgraphNode node) {
  return node != nullptr && node->type == CU_GRAPH_NODE_TYPE_KERNEL ? node : nullptr;
}

// The limits of the device the node's kernel was loaded on.
StreamAttributeLimits limitsOf(const CUgraphNode_st& node) {
  StreamAttributeLimits limits;
  const CUfunc_st* function = state().functions.find(node.operation.function);
  if (function == nullptr || function->module == nullptr || function->module->context == nullptr) {
    return limits;
  }
  if (const DeviceRecord* device = state().device(function->module->context->device); device != nullptr) {
    vgpu::device::presentedAttribute(device->presented, CU_DEVICE_ATTRIBUTE_MAX_ACCESS_POLICY_WINDOW_SIZE,
                                     limits.maxAccessPolicyWindowBytes);
    vgpu::device::presentedAttribute(device->presented, CU_DEVICE_ATTRIBUTE_MEM_SYNC_DOMAIN_COUNT,
                                     limits.memSyncDomainCount);
  }
  return limits;
}

} // namespace

CUresult entry::cuGraphKernelNodeSetAttribute(CUgraphNode node, CUkernelNodeAttrID id,
                                              const CUkernelNodeAttrValue* value) {
  VGPU_REQUIRE_INIT();
  CUgraphNode_st* object = kernelNode(node);
  if (object == nullptr || value == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  LaunchConfig& launch = object->operation.launch;
  switch (enumBits(id)) {
  case CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION: {
    const auto& dim = value->clusterDim;
    if (dim.x == 0 || dim.y == 0 || dim.z == 0 || launch.gridX % dim.x != 0 || launch.gridY % dim.y != 0 ||
        launch.gridZ % dim.z != 0) {
      return CUDA_ERROR_INVALID_VALUE; // the grid must be a whole number of clusters
    }
    launch.clusterX = dim.x;
    launch.clusterY = dim.y;
    launch.clusterZ = dim.z;
    return CUDA_SUCCESS;
  }
  case CU_LAUNCH_ATTRIBUTE_COOPERATIVE: launch.cooperative = value->cooperative != 0; return CUDA_SUCCESS;
  case CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE:
    if (enumBits(value->clusterSchedulingPolicyPreference) > CU_CLUSTER_SCHEDULING_POLICY_LOAD_BALANCING) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    launch.clusterSchedulingPolicy = static_cast<std::uint8_t>(enumBits(value->clusterSchedulingPolicyPreference));
    return CUDA_SUCCESS;
  case CU_LAUNCH_ATTRIBUTE_PRIORITY: object->kernelPriority = value->priority; return CUDA_SUCCESS;
  case CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW:
  case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN:
  case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN_MAP:
    return setStreamAttribute(object->kernelAttributes, id, *value, limitsOf(*object));
  default: return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult entry::cuGraphKernelNodeGetAttribute(CUgraphNode node, CUkernelNodeAttrID id, CUkernelNodeAttrValue* value) {
  VGPU_REQUIRE_OUT(value);
  VGPU_REQUIRE_INIT();
  const CUgraphNode_st* object = kernelNode(node);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const LaunchConfig& launch = object->operation.launch;
  *value = CUkernelNodeAttrValue{};
  switch (enumBits(id)) {
  case CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION:
    value->clusterDim.x = launch.clusterX;
    value->clusterDim.y = launch.clusterY;
    value->clusterDim.z = launch.clusterZ;
    return CUDA_SUCCESS;
  case CU_LAUNCH_ATTRIBUTE_COOPERATIVE: value->cooperative = launch.cooperative ? 1 : 0; return CUDA_SUCCESS;
  case CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE:
    value->clusterSchedulingPolicyPreference = static_cast<CUclusterSchedulingPolicy>(launch.clusterSchedulingPolicy);
    return CUDA_SUCCESS;
  case CU_LAUNCH_ATTRIBUTE_PRIORITY:
  case CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW:
  case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN:
  case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN_MAP:
    return getStreamAttribute(object->kernelAttributes, object->kernelPriority, id, *value);
  default: return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult entry::cuGraphKernelNodeCopyAttributes(CUgraphNode destination, CUgraphNode source) {
  VGPU_REQUIRE_INIT();
  CUgraphNode_st* to = kernelNode(destination);
  const CUgraphNode_st* from = kernelNode(source);
  if (to == nullptr || from == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const LaunchConfig& launch = from->operation.launch;
  if (to->operation.launch.gridX % launch.clusterX != 0 || to->operation.launch.gridY % launch.clusterY != 0 ||
      to->operation.launch.gridZ % launch.clusterZ != 0) {
    return CUDA_ERROR_INVALID_VALUE; // the destination's grid is not a whole number of the source's clusters
  }
  to->operation.launch.clusterX = launch.clusterX;
  to->operation.launch.clusterY = launch.clusterY;
  to->operation.launch.clusterZ = launch.clusterZ;
  to->operation.launch.cooperative = launch.cooperative;
  to->operation.launch.clusterSchedulingPolicy = launch.clusterSchedulingPolicy;
  to->kernelAttributes = from->kernelAttributes;
  to->kernelPriority = from->kernelPriority;
  return CUDA_SUCCESS;
}
