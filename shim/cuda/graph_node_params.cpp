#include "graph_node_params.h"

#include "cuda_arrays.h"
#include "entry_common.h"

#include <cstring>

namespace vgpu::cuda {

CUresult kernelOperation(const CUDA_KERNEL_NODE_PARAMS* params, Operation& operation) {
  if (params == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  CUfunction function = params->func != nullptr ? resolveFunction(params->func)
                                                : resolveFunction(reinterpret_cast<CUfunction>(params->kern));
  CUfunc_st* object = state().functions.find(function);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  operation.kind = Operation::Kind::Kernel;
  operation.function = function;
  operation.launch = LaunchConfig{params->gridDimX,  params->gridDimY,  params->gridDimZ,       params->blockDimX,
                                  params->blockDimY, params->blockDimZ, params->sharedMemBytes, 0};
  return packParameters(*object, params->kernelParams, params->extra, operation.parameters);
}

CUresult copyOperation(const CUDA_MEMCPY3D* copy, Operation& operation) {
  if (copy == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (copy->Depth != 1 || copy->srcLOD != 0 || copy->dstLOD != 0) {
    return CUDA_ERROR_NOT_SUPPORTED; // a node is one 2D copy here; arrays are pitched memory (cuda_arrays.h)
  }
  const CopySide src{copy->srcMemoryType, copy->srcHost, copy->srcDevice, copy->srcArray, copy->srcXInBytes,
                     copy->srcY,          copy->srcZ,    copy->srcPitch,  copy->srcHeight};
  const CopySide dst{copy->dstMemoryType, copy->dstHost, copy->dstDevice, copy->dstArray, copy->dstXInBytes,
                     copy->dstY,          copy->dstZ,    copy->dstPitch,  copy->dstHeight};
  Operation built;
  built.kind = Operation::Kind::Copy;
  if (const CUresult status = copySideEndpoint(src, copy->WidthInBytes, copy->Height, 1, 0, built.copySrc);
      status != CUDA_SUCCESS) {
    return status;
  }
  if (const CUresult status = copySideEndpoint(dst, copy->WidthInBytes, copy->Height, 1, 0, built.copyDst);
      status != CUDA_SUCCESS) {
    return status;
  }
  built.widthBytes = copy->WidthInBytes;
  built.height = copy->Height;
  operation = std::move(built);
  return CUDA_SUCCESS;
}

CUresult memsetOperation(const CUDA_MEMSET_NODE_PARAMS* params, Operation& operation) {
  if (params == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (params->elementSize != 1 && params->elementSize != 2 && params->elementSize != 4) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Operation built;
  built.kind = Operation::Kind::Memset;
  built.memsetDst = params->dst;
  built.memsetPitch = params->pitch;
  built.memsetValue = params->value;
  built.memsetElementSize = params->elementSize;
  built.memsetWidthElements = params->width;
  built.height = params->height;
  operation = std::move(built);
  return CUDA_SUCCESS;
}

void keepLaunchAttributes(const LaunchConfig& from, LaunchConfig& to) {
  to.clusterX = from.clusterX;
  to.clusterY = from.clusterY;
  to.clusterZ = from.clusterZ;
  to.cooperative = from.cooperative;
  to.programmaticSerialization = from.programmaticSerialization;
  to.clusterSchedulingPolicy = from.clusterSchedulingPolicy;
}

namespace {

void describe(const CopyEndpoint& endpoint, CUmemorytype& type, const void*& host, CUdeviceptr& device,
              std::size_t& pitch) {
  type = endpoint.isDevice ? CU_MEMORYTYPE_DEVICE : CU_MEMORYTYPE_HOST;
  host = endpoint.isDevice ? nullptr : endpoint.host;
  device = endpoint.isDevice ? endpoint.device : 0;
  pitch = endpoint.pitch;
}

} // namespace

CUDA_MEMCPY3D copyParams(const Operation& operation) {
  CUDA_MEMCPY3D copy{};
  describe(operation.copySrc, copy.srcMemoryType, copy.srcHost, copy.srcDevice, copy.srcPitch);
  const void* dstHost = nullptr;
  describe(operation.copyDst, copy.dstMemoryType, dstHost, copy.dstDevice, copy.dstPitch);
  copy.dstHost = const_cast<void*>(dstHost);
  copy.WidthInBytes = operation.widthBytes;
  copy.Height = operation.height;
  copy.Depth = 1;
  return copy;
}

CUDA_MEMSET_NODE_PARAMS memsetParams(const Operation& operation) {
  CUDA_MEMSET_NODE_PARAMS params{};
  params.dst = operation.memsetDst;
  params.pitch = operation.memsetPitch;
  params.value = operation.memsetValue;
  params.elementSize = operation.memsetElementSize;
  params.width = operation.memsetWidthElements;
  params.height = operation.height;
  return params;
}

CUDA_KERNEL_NODE_PARAMS fromVersion1(const CUDA_KERNEL_NODE_PARAMS_v1& params) {
  CUDA_KERNEL_NODE_PARAMS full{};
  static_assert(sizeof(CUDA_KERNEL_NODE_PARAMS_v1) <= sizeof(CUDA_KERNEL_NODE_PARAMS));
  std::memcpy(&full, &params, sizeof params);
  return full;
}

CUDA_KERNEL_NODE_PARAMS fromNodeParams(const CUDA_KERNEL_NODE_PARAMS_v3& kernel) {
  CUDA_KERNEL_NODE_PARAMS params{};
  params.func = kernel.func;
  params.gridDimX = kernel.gridDimX;
  params.gridDimY = kernel.gridDimY;
  params.gridDimZ = kernel.gridDimZ;
  params.blockDimX = kernel.blockDimX;
  params.blockDimY = kernel.blockDimY;
  params.blockDimZ = kernel.blockDimZ;
  params.sharedMemBytes = kernel.sharedMemBytes;
  params.kernelParams = kernel.kernelParams;
  params.extra = kernel.extra;
  params.kern = kernel.kern;
  params.ctx = kernel.ctx;
  return params;
}

CUDA_MEMSET_NODE_PARAMS fromNodeParams(const CUDA_MEMSET_NODE_PARAMS_v2& memset) {
  CUDA_MEMSET_NODE_PARAMS params{};
  params.dst = memset.dst;
  params.pitch = memset.pitch;
  params.value = memset.value;
  params.elementSize = memset.elementSize;
  params.width = memset.width;
  params.height = memset.height;
  return params;
}

CUDA_BATCH_MEM_OP_NODE_PARAMS fromNodeParams(const CUDA_BATCH_MEM_OP_NODE_PARAMS_v2& memOp) {
  CUDA_BATCH_MEM_OP_NODE_PARAMS params{};
  params.ctx = memOp.ctx;
  params.count = memOp.count;
  params.paramArray = memOp.paramArray;
  params.flags = memOp.flags;
  return params;
}

} // namespace vgpu::cuda
