// Entry points for kernel launches and occupancy. Parameters are packed into one buffer using
// the sizes and offsets from the module's own metadata (.nv.info), so a launch carries exactly
// the bytes the kernel expects, and a buffer of the wrong size is refused before anything runs.
#include "entry_common.h"
#include "operation.h"

#include <cstring>

using namespace vgpu::cuda;

namespace {

constexpr int kDefaultSharedLimit = 48 * 1024; // above this, the kernel must opt in

CUfunc_st* findFunction(CUfunction function) {
  if (CUfunc_st* object = state().functions.find(function)) {
    return object;
  }
  if (CUkern_st* kernel = state().kernels.find(reinterpret_cast<CUkernel>(function))) {
    return state().functions.find(kernel->function);
  }
  return nullptr;
}

} // namespace

// Packs kernelParams (an array of pointers, one per parameter) or the `extra` buffer form.
CUresult vgpu::cuda::packParameters(const CUfunc_st& function, void** kernelParams, void** extra,
                                    std::vector<std::uint8_t>& out) {
  const KernelInfo& info = *function.info;
  if (kernelParams != nullptr && extra != nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  out.assign(info.parameterBufferSize, 0);
  if (extra != nullptr) {
    const void* buffer = nullptr;
    std::size_t size = 0;
    bool sized = false;
    for (std::size_t i = 0; extra[i] != CU_LAUNCH_PARAM_END; i += 2) {
      if (extra[i] == CU_LAUNCH_PARAM_BUFFER_POINTER) {
        buffer = extra[i + 1];
      } else if (extra[i] == CU_LAUNCH_PARAM_BUFFER_SIZE) {
        if (extra[i + 1] == nullptr) {
          return CUDA_ERROR_INVALID_VALUE;
        }
        std::memcpy(&size, extra[i + 1], sizeof size);
        sized = true;
      } else {
        return CUDA_ERROR_INVALID_VALUE;
      }
    }
    if (buffer == nullptr || !sized || size != info.parameterBufferSize) {
      return CUDA_ERROR_INVALID_VALUE; // a parameter buffer of the wrong size never launches
    }
    std::memcpy(out.data(), buffer, size);
    return CUDA_SUCCESS;
  }
  if (info.parameters.empty()) {
    return CUDA_SUCCESS;
  }
  if (kernelParams == nullptr) {
    return CUDA_ERROR_INVALID_VALUE; // the kernel takes parameters and none were given
  }
  for (std::size_t i = 0; i < info.parameters.size(); ++i) {
    const KernelParameter& parameter = info.parameters[i];
    if (kernelParams[i] == nullptr || parameter.offset + parameter.size > out.size()) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    std::memcpy(out.data() + parameter.offset, kernelParams[i], parameter.size);
  }
  return CUDA_SUCCESS;
}

CUfunction vgpu::cuda::resolveFunction(CUfunction function) {
  if (state().functions.find(function) != nullptr) {
    return function;
  }
  if (CUkern_st* kernel = state().kernels.find(reinterpret_cast<CUkernel>(function))) {
    return kernel->function;
  }
  return nullptr;
}

namespace {

// cuLaunchKernelEx's attributes that change how the kernel runs (not mere scheduling hints).
struct LaunchExtras {
  unsigned clusterX = 1, clusterY = 1, clusterZ = 1;
  bool cooperative = false;
  bool programmaticSerialization = false;
  std::uint8_t clusterSchedulingPolicy = 0;
};

CUresult launch(CUfunction function, unsigned gridX, unsigned gridY, unsigned gridZ, unsigned blockX, unsigned blockY,
                unsigned blockZ, unsigned sharedBytes, CUstream stream, void** kernelParams, void** extra,
                const LaunchExtras& extras = {}) {
  VGPU_REQUIRE_INIT();
  CUfunc_st* object = findFunction(function);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  StreamTarget target;
  if (const CUresult status = resolveStream(stream, target); status != CUDA_SUCCESS) {
    return status;
  }
  if (static_cast<int>(sharedBytes) + object->info->sharedSizeBytes > kDefaultSharedLimit &&
      static_cast<int>(sharedBytes) > object->maxDynamicSharedSizeBytes) {
    return CUDA_ERROR_INVALID_VALUE; // needs cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES) first
  }
  Operation operation;
  operation.kind = Operation::Kind::Kernel;
  operation.function = resolveFunction(function);
  operation.launch = LaunchConfig{gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes, 0};
  operation.launch.clusterX = extras.clusterX;
  operation.launch.clusterY = extras.clusterY;
  operation.launch.clusterZ = extras.clusterZ;
  operation.launch.cooperative = extras.cooperative;
  operation.launch.programmaticSerialization = extras.programmaticSerialization;
  operation.launch.clusterSchedulingPolicy = extras.clusterSchedulingPolicy;
  if (const CUresult status = packParameters(*object, kernelParams, extra, operation.parameters);
      status != CUDA_SUCCESS) {
    return status;
  }
  return submit(target, std::move(operation), true);
}

CUresult launchEx(const CUlaunchConfig* config, CUfunction function, void** kernelParams, void** extra,
                  bool perThread) {
  if (config == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  LaunchExtras extras;
  for (unsigned i = 0; i < config->numAttrs; ++i) {
    const CUlaunchAttribute& attribute = config->attrs[i];
    switch (attribute.id) {
    case CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION: {
      // Carried to the executor: a kernel written for clusters faults on a real GPU without them.
      const auto& dim = attribute.value.clusterDim;
      if (dim.x == 0 || dim.y == 0 || dim.z == 0 || config->gridDimX % dim.x != 0 || config->gridDimY % dim.y != 0 ||
          config->gridDimZ % dim.z != 0) {
        return CUDA_ERROR_INVALID_VALUE; // the grid must be a whole number of clusters
      }
      extras.clusterX = dim.x;
      extras.clusterY = dim.y;
      extras.clusterZ = dim.z;
      break;
    }
    case CU_LAUNCH_ATTRIBUTE_COOPERATIVE: extras.cooperative = attribute.value.cooperative != 0; break;
    case CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION:
      // Carried too: cuBLASLt's Hopper GEMMs overlap each other's prologue and epilogue with it.
      extras.programmaticSerialization = attribute.value.programmaticStreamSerializationAllowed != 0;
      break;
    case CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE:
      if (attribute.value.clusterSchedulingPolicyPreference > CU_CLUSTER_SCHEDULING_POLICY_LOAD_BALANCING) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      extras.clusterSchedulingPolicy = static_cast<std::uint8_t>(attribute.value.clusterSchedulingPolicyPreference);
      break;
    case CU_LAUNCH_ATTRIBUTE_IGNORE:
    case CU_LAUNCH_ATTRIBUTE_PRIORITY: break; // scheduling hints: the launch runs correctly without them
    default: return CUDA_ERROR_NOT_SUPPORTED;
    }
  }
  CUstream stream = config->hStream;
  if (perThread && stream == nullptr) {
    stream = CU_STREAM_PER_THREAD;
  }
  return launch(function, config->gridDimX, config->gridDimY, config->gridDimZ, config->blockDimX, config->blockDimY,
                config->blockDimZ, config->sharedMemBytes, stream, kernelParams, extra, extras);
}

} // namespace

CUresult entry::cuLaunchKernel(CUfunction function, unsigned int gridX, unsigned int gridY, unsigned int gridZ,
                               unsigned int blockX, unsigned int blockY, unsigned int blockZ, unsigned int sharedBytes,
                               CUstream stream, void** parameters, void** extra) {
  return launch(function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes, stream, parameters, extra);
}

CUresult entry::cuLaunchKernel_ptsz(CUfunction function, unsigned int gridX, unsigned int gridY, unsigned int gridZ,
                                    unsigned int blockX, unsigned int blockY, unsigned int blockZ,
                                    unsigned int sharedBytes, CUstream stream, void** parameters, void** extra) {
  return launch(function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes,
                stream == nullptr ? CU_STREAM_PER_THREAD : stream, parameters, extra);
}

CUresult entry::cuLaunchKernelEx(const CUlaunchConfig* config, CUfunction function, void** parameters, void** extra) {
  return launchEx(config, function, parameters, extra, false);
}

CUresult entry::cuLaunchKernelEx_ptsz(const CUlaunchConfig* config, CUfunction function, void** parameters,
                                      void** extra) {
  return launchEx(config, function, parameters, extra, true);
}

CUresult entry::cuLaunchCooperativeKernel(CUfunction function, unsigned int gridX, unsigned int gridY,
                                          unsigned int gridZ, unsigned int blockX, unsigned int blockY,
                                          unsigned int blockZ, unsigned int sharedBytes, CUstream stream,
                                          void** parameters) {
  LaunchExtras cooperative;
  cooperative.cooperative = true; // grid-wide synchronization needs every block resident at once
  return launch(function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes, stream, parameters, nullptr,
                cooperative);
}

namespace {

// Occupancy from the presented device's per-SM limits (threads, blocks, shared memory, registers).
CUresult occupancy(CUfunction function, int blockSize, std::size_t dynamicShared, int& blocks) {
  VGPU_REQUIRE_INIT();
  CUfunc_st* object = findFunction(function);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (blockSize <= 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  DeviceRecord* record = state().device(object->module->context->device);
  auto attribute = [&](CUdevice_attribute id) {
    int value = 0;
    vgpu::device::presentedAttribute(record->presented, id, value);
    return value;
  };
  const int threadsPerSm = attribute(CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR);
  const int blocksPerSm = attribute(CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR);
  const int sharedPerSm = attribute(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR);
  const int registersPerSm = attribute(CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR);
  const int warp = attribute(CU_DEVICE_ATTRIBUTE_WARP_SIZE);
  const int warpsPerBlock = (blockSize + warp - 1) / warp;
  int limit = blocksPerSm;
  limit = std::min(limit, threadsPerSm / (warpsPerBlock * warp));
  const int sharedPerBlock = object->info->sharedSizeBytes + static_cast<int>(dynamicShared);
  if (sharedPerBlock > 0) {
    limit = std::min(limit, sharedPerSm / sharedPerBlock);
  }
  if (object->info->numRegs > 0) {
    // Registers are allocated per warp in units of 256.
    const int perWarp = (object->info->numRegs * warp + 255) / 256 * 256;
    limit = std::min(limit, registersPerSm / (perWarp * warpsPerBlock));
  }
  blocks = std::max(limit, 0);
  return CUDA_SUCCESS;
}

} // namespace

CUresult entry::cuOccupancyMaxActiveBlocksPerMultiprocessor(int* blocks, CUfunction function, int blockSize,
                                                            size_t dynamicShared) {
  VGPU_REQUIRE_OUT(blocks);
  return occupancy(function, blockSize, dynamicShared, *blocks);
}

CUresult entry::cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int* blocks, CUfunction function, int blockSize,
                                                                     size_t dynamicShared, unsigned int /*flags*/) {
  VGPU_REQUIRE_OUT(blocks);
  return occupancy(function, blockSize, dynamicShared, *blocks);
}

CUresult entry::cuOccupancyAvailableDynamicSMemPerBlock(size_t* dynamicShared, CUfunction function, int numBlocks,
                                                        int blockSize) {
  VGPU_REQUIRE_OUT(dynamicShared);
  VGPU_REQUIRE_INIT();
  CUfunc_st* object = findFunction(function);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (numBlocks <= 0 || blockSize <= 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  DeviceRecord* record = state().device(object->module->context->device);
  int sharedPerSm = 0;
  int optin = 0;
  vgpu::device::presentedAttribute(record->presented, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR,
                                   sharedPerSm);
  vgpu::device::presentedAttribute(record->presented, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, optin);
  const int perBlock = std::min(sharedPerSm / numBlocks, optin) - object->info->sharedSizeBytes;
  *dynamicShared = static_cast<size_t>(std::max(perBlock, 0));
  return CUDA_SUCCESS;
}

CUresult entry::cuOccupancyMaxPotentialBlockSize(int* minGridSize, int* blockSize, CUfunction function,
                                                 CUoccupancyB2DSize blockSizeToDynamicSMemSize, size_t dynamicShared,
                                                 int blockSizeLimit) {
  VGPU_REQUIRE_OUT(minGridSize);
  VGPU_REQUIRE_OUT(blockSize);
  VGPU_REQUIRE_INIT();
  CUfunc_st* object = findFunction(function);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  DeviceRecord* record = state().device(object->module->context->device);
  int sms = 0;
  vgpu::device::presentedAttribute(record->presented, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, sms);
  int maxBlock = object->info->maxThreadsPerBlock;
  if (blockSizeLimit > 0) {
    maxBlock = std::min(maxBlock, blockSizeLimit);
  }
  int bestThreads = 0;
  int bestBlockSize = 0;
  int bestBlocks = 0;
  for (int size = maxBlock; size > 0; size -= 32) {
    const std::size_t shared = blockSizeToDynamicSMemSize != nullptr ? blockSizeToDynamicSMemSize(size) : dynamicShared;
    int blocks = 0;
    if (occupancy(function, size, shared, blocks) != CUDA_SUCCESS) {
      continue;
    }
    if (blocks * size > bestThreads) {
      bestThreads = blocks * size;
      bestBlockSize = size;
      bestBlocks = blocks;
    }
  }
  *blockSize = bestBlockSize;
  *minGridSize = bestBlocks * sms;
  return CUDA_SUCCESS;
}

CUresult entry::cuOccupancyMaxPotentialBlockSizeWithFlags(int* minGridSize, int* blockSize, CUfunction function,
                                                          CUoccupancyB2DSize blockSizeToDynamicSMemSize,
                                                          size_t dynamicShared, int blockSizeLimit,
                                                          unsigned int flags) {
  // CU_OCCUPANCY_DISABLE_CACHING_OVERRIDE changes the L1/shared split the driver may choose for the
  // kernel; occupancy here is computed from the shared memory the kernel asks for, either way.
  if ((flags & ~static_cast<unsigned>(CU_OCCUPANCY_DISABLE_CACHING_OVERRIDE)) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return entry::cuOccupancyMaxPotentialBlockSize(minGridSize, blockSize, function, blockSizeToDynamicSMemSize,
                                                 dynamicShared, blockSizeLimit);
}

namespace {

// Thread-block clusters exist from compute capability 9.0; 8 blocks is the portable maximum.
constexpr int kPortableClusterSize = 8;

CUresult clusterDevice(CUfunction function, CUfunc_st*& object, DeviceRecord*& record) {
  VGPU_REQUIRE_INIT();
  object = findFunction(function);
  if (object == nullptr) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  record = state().device(object->module->context->device);
  return record->presented.profile->ccMajor >= 9 ? CUDA_SUCCESS : CUDA_ERROR_NOT_SUPPORTED;
}

int requestedClusterSize(const CUlaunchConfig& config) {
  for (unsigned i = 0; i < config.numAttrs; ++i) {
    if (config.attrs[i].id == CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION) {
      const auto& dim = config.attrs[i].value.clusterDim;
      return static_cast<int>(dim.x * dim.y * dim.z);
    }
  }
  return 1;
}

} // namespace

CUresult entry::cuOccupancyMaxPotentialClusterSize(int* clusterSize, CUfunction function,
                                                   const CUlaunchConfig* config) {
  VGPU_REQUIRE_OUT(clusterSize);
  VGPU_REQUIRE_OUT(config);
  CUfunc_st* object = nullptr;
  DeviceRecord* record = nullptr;
  if (const CUresult status = clusterDevice(function, object, record); status != CUDA_SUCCESS) {
    return status;
  }
  *clusterSize = kPortableClusterSize;
  return CUDA_SUCCESS;
}

CUresult entry::cuOccupancyMaxActiveClusters(int* clusters, CUfunction function, const CUlaunchConfig* config) {
  VGPU_REQUIRE_OUT(clusters);
  VGPU_REQUIRE_OUT(config);
  CUfunc_st* object = nullptr;
  DeviceRecord* record = nullptr;
  if (const CUresult status = clusterDevice(function, object, record); status != CUDA_SUCCESS) {
    return status;
  }
  const int clusterSize = requestedClusterSize(*config);
  if (clusterSize <= 0) {
    return CUDA_ERROR_INVALID_CLUSTER_SIZE;
  }
  // Hopper: 8 blocks portably, 16 once the kernel allows non-portable sizes. A larger cluster can
  // never be resident: zero active clusters (cuBLAS probes sizes upwards until it sees zero).
  const int limit = object->nonPortableClusterSizeAllowed ? 16 : kPortableClusterSize;
  if (clusterSize > limit) {
    *clusters = 0;
    return CUDA_SUCCESS;
  }
  int blocksPerSm = 0;
  const int blockSize = static_cast<int>(config->blockDimX * config->blockDimY * config->blockDimZ);
  if (const CUresult status = occupancy(function, blockSize, config->sharedMemBytes, blocksPerSm);
      status != CUDA_SUCCESS) {
    return status;
  }
  int sms = 0;
  vgpu::device::presentedAttribute(record->presented, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, sms);
  *clusters = sms * blocksPerSm / clusterSize;
  return CUDA_SUCCESS;
}
