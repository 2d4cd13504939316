// The real CUDA driver for vgpud's `cuda` backend: NVIDIA's libcuda.so.1, dlopened from a
// configured path (never linked: vgpud must start on hosts without it, and the path is the admin's
// choice), with the entry points the backend uses resolved once. A vgpu shim found at that path is
// refused — it would serve the guest a simulation of itself, or loop back to vgpud — unless a test
// asks for it as a driver double (VGPUD_TEST_DRIVER_DOUBLE=1, documented as test-only).
#pragma once

#include <cuda.h>

#include <memory>
#include <string>

namespace vgpu::daemon {

// Entry points by their ABI names (cuda.h's macros give cuMemAlloc → cuMemAlloc_v2 and so on).
// cuCtxCreate_v2 is declared by hand: CUDA 13's header maps cuCtxCreate to the _v4 form, which
// older drivers lack; every driver since CUDA 3.2 exports _v2.
#define VGPU_CUDA_DRIVER_ENTRY_POINTS(X)                                                                               \
  X(cuInit)                                                                                                            \
  X(cuDriverGetVersion)                                                                                                \
  X(cuGetErrorName)                                                                                                    \
  X(cuDeviceGet)                                                                                                       \
  X(cuDeviceGetCount)                                                                                                  \
  X(cuDeviceGetName)                                                                                                   \
  X(cuDeviceGetAttribute)                                                                                              \
  X(cuDeviceTotalMem)                                                                                                  \
  X(cuDeviceGetUuid)                                                                                                   \
  X(cuDeviceGetPCIBusId)                                                                                               \
  X(cuCtxDestroy)                                                                                                      \
  X(cuCtxSetCurrent)                                                                                                   \
  X(cuCtxSynchronize)                                                                                                  \
  X(cuCtxGetStreamPriorityRange)                                                                                       \
  X(cuMemGetInfo)                                                                                                      \
  X(cuMemGetAllocationGranularity)                                                                                     \
  X(cuMemAddressReserve)                                                                                               \
  X(cuMemAddressFree)                                                                                                  \
  X(cuMemCreate)                                                                                                       \
  X(cuMemRelease)                                                                                                      \
  X(cuMemMap)                                                                                                          \
  X(cuMemUnmap)                                                                                                        \
  X(cuMemSetAccess)                                                                                                    \
  X(cuMemHostRegister)                                                                                                 \
  X(cuMemHostUnregister)                                                                                               \
  X(cuMemHostGetDevicePointer)                                                                                         \
  X(cuMemcpyHtoDAsync)                                                                                                 \
  X(cuMemcpyDtoHAsync)                                                                                                 \
  X(cuMemcpyDtoDAsync)                                                                                                 \
  X(cuMemcpy2DAsync)                                                                                                   \
  X(cuMemsetD8Async)                                                                                                   \
  X(cuMemsetD16Async)                                                                                                  \
  X(cuMemsetD32Async)                                                                                                  \
  X(cuMemsetD2D8Async)                                                                                                 \
  X(cuMemsetD2D16Async)                                                                                                \
  X(cuMemsetD2D32Async)                                                                                                \
  X(cuStreamCreateWithPriority)                                                                                        \
  X(cuStreamDestroy)                                                                                                   \
  X(cuStreamSynchronize)                                                                                               \
  X(cuStreamQuery)                                                                                                     \
  X(cuStreamSetAttribute)                                                                                              \
  X(cuStreamWaitEvent)                                                                                                 \
  X(cuStreamBatchMemOp)                                                                                                \
  X(cuTensorMapEncodeTiled)                                                                                            \
  X(cuTensorMapEncodeIm2col)                                                                                           \
  X(cuTensorMapReplaceAddress)                                                                                         \
  X(cuTexObjectCreate)                                                                                                 \
  X(cuTexObjectDestroy)                                                                                                \
  X(cuEventCreate)                                                                                                     \
  X(cuEventDestroy)                                                                                                    \
  X(cuEventRecord)                                                                                                     \
  X(cuEventQuery)                                                                                                      \
  X(cuEventSynchronize)                                                                                                \
  X(cuModuleLoadData)                                                                                                  \
  X(cuModuleUnload)                                                                                                    \
  X(cuModuleGetFunction)                                                                                               \
  X(cuModuleGetGlobal)                                                                                                 \
  X(cuModuleGetFunctionCount)                                                                                          \
  X(cuModuleEnumerateFunctions)                                                                                        \
  X(cuFuncGetName)                                                                                                     \
  X(cuFuncGetAttribute)                                                                                                \
  X(cuFuncGetParamInfo)                                                                                                \
  X(cuFuncSetAttribute)                                                                                                \
  X(cuLaunchKernel)                                                                                                    \
  X(cuLaunchKernelEx)                                                                                                  \
  X(cuGraphCreate)                                                                                                     \
  X(cuGraphDestroy)                                                                                                    \
  X(cuGraphAddEmptyNode)                                                                                               \
  X(cuGraphAddKernelNode)                                                                                              \
  X(cuGraphKernelNodeSetAttribute)                                                                                     \
  X(cuGraphAddMemcpyNode)                                                                                              \
  X(cuGraphAddMemsetNode)                                                                                              \
  X(cuGraphAddEventRecordNode)                                                                                         \
  X(cuGraphAddEventWaitNode)                                                                                           \
  X(cuGraphInstantiateWithFlags)                                                                                       \
  X(cuGraphExecUpdate)                                                                                                 \
  X(cuGraphLaunch)                                                                                                     \
  X(cuGraphExecDestroy)                                                                                                \
  X(cuGraphConditionalHandleCreate)                                                                                    \
  X(cuGraphAddNode)

struct CudaDriver {
#define VGPU_DECLARE_ENTRY_POINT(name) decltype(&::name) name = nullptr;
  VGPU_CUDA_DRIVER_ENTRY_POINTS(VGPU_DECLARE_ENTRY_POINT)
#undef VGPU_DECLARE_ENTRY_POINT
  CUresult (*cuCtxCreate_v2)(CUcontext*, unsigned int, CUdevice) = nullptr;
  // cuEventElapsedTime_v2 (CUDA 12.8+) or, on older drivers, cuEventElapsedTime: same signature.
  CUresult (*cuEventElapsedTime)(float*, CUevent, CUevent) = nullptr;

  std::string path;     // as configured
  std::string resolved; // the file the loader opened
  int version = 0;      // cuDriverGetVersion
  int deviceCount = 0;
  bool isDriverDouble = false; // a vgpu shim standing in for the driver (tests only)
  std::string initError;       // a session worker's cuInit failure, told to its client at hello
  void* handle = nullptr;

  // The CUresult's name ("CUDA_ERROR_ILLEGAL_ADDRESS"), for logs.
  std::string errorName(CUresult result) const;
};

// Opens the driver at `path` and resolves every entry point; does NOT call cuInit: vgpud forks a
// worker process per session, and CUDA must first be initialised in the worker, never before the
// fork. nullptr and `error` (what to do next) when the file is missing, is a vgpu shim or lacks an
// entry point (too old: cuFuncGetParamInfo needs driver 550 / CUDA 12.4).
std::unique_ptr<CudaDriver> loadCudaDriver(const std::string& path, std::string& error);

// cuInit(0), the driver version and the device count, in this process. False and `error` when
// cuInit fails.
bool initializeCudaDriver(CudaDriver& driver, std::string& error);

// initializeCudaDriver in a short-lived child process (so the daemon itself never initialises
// CUDA): the device count, or -1 and `error`. vgpud runs it at start to fail early on a bad host.
int probeCudaDevices(CudaDriver& driver, std::string& error);

} // namespace vgpu::daemon
