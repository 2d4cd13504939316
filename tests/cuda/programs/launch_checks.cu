// Kernel launches through the CUDA runtime (<<<>>>) and the driver API (cuLaunchKernel with
// kernelParams and with the `extra` buffer): accepted when they match the kernel's parameters,
// refused when the parameter buffer has the wrong size. Prints pass/fail lines like memory_checks.
#include "check_report.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cuda.h>
#include <cuda_profiler_api.h>
#include <cuda_runtime.h>

namespace {

struct Triple {
  double a, b, c; // 24 bytes by value
};

__global__ void kernelWithParams(float* out, const float* in, int n, Triple t, char flag) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    out[i] = in[i] * static_cast<float>(t.a + t.b + t.c) + flag;
  }
}

// An L2 access policy window on a stream (what attention kernels set): kept, reported, copied to
// another stream; a hit ratio above 1 is refused as the driver refuses it. A device without a
// persisting L2 (maximum window 0, before Ampere) refuses a window and keeps an empty one.
void streamAttributeChecks() {
  cudaStream_t stream = nullptr;
  cudaStream_t other = nullptr;
  void* window = nullptr;
  if (cudaStreamCreate(&stream) != cudaSuccess || cudaStreamCreate(&other) != cudaSuccess ||
      cudaMalloc(&window, 1 << 20) != cudaSuccess) {
    check::report(false, "stream-attributes-setup");
    return;
  }
  int maxWindow = 0;
  cudaDeviceGetAttribute(&maxWindow, cudaDevAttrMaxAccessPolicyWindowSize, 0);
  const size_t windowBytes = maxWindow == 0 ? 0 : std::min<size_t>(1 << 20, static_cast<size_t>(maxWindow));
  cudaStreamAttrValue value{};
  value.accessPolicyWindow.base_ptr = window;
  value.accessPolicyWindow.num_bytes = 1 << 20;
  if (maxWindow == 0) {
    check::report(cudaStreamSetAttribute(stream, cudaStreamAttributeAccessPolicyWindow, &value) ==
                      cudaErrorInvalidValue,
                  "stream-attribute-window-refused-without-persisting-l2");
    cudaGetLastError();
  }
  value.accessPolicyWindow.num_bytes = windowBytes;
  value.accessPolicyWindow.hitRatio = 0.6F;
  value.accessPolicyWindow.hitProp = cudaAccessPropertyPersisting;
  value.accessPolicyWindow.missProp = cudaAccessPropertyStreaming;
  check::report(cudaStreamSetAttribute(stream, cudaStreamAttributeAccessPolicyWindow, &value) == cudaSuccess,
                "stream-attribute-set");
  cudaStreamAttrValue read{};
  const bool got = cudaStreamGetAttribute(stream, cudaStreamAttributeAccessPolicyWindow, &read) == cudaSuccess;
  check::report(got && read.accessPolicyWindow.base_ptr == window && read.accessPolicyWindow.num_bytes == windowBytes &&
                    read.accessPolicyWindow.hitRatio == 0.6F &&
                    read.accessPolicyWindow.hitProp == cudaAccessPropertyPersisting,
                "stream-attribute-get");
  cudaStreamAttrValue copied{};
  check::report(cudaStreamCopyAttributes(other, stream) == cudaSuccess &&
                    cudaStreamGetAttribute(other, cudaStreamAttributeAccessPolicyWindow, &copied) == cudaSuccess &&
                    copied.accessPolicyWindow.base_ptr == window && copied.accessPolicyWindow.num_bytes == windowBytes,
                "stream-attribute-copy");
  cudaStreamAttrValue bad = value;
  bad.accessPolicyWindow.hitRatio = 1.5F;
  check::report(cudaStreamSetAttribute(stream, cudaStreamAttributeAccessPolicyWindow, &bad) == cudaErrorInvalidValue,
                "stream-attribute-bad-refused");
  cudaGetLastError(); // the refusal above is the expected error, not a sticky one
  cudaStreamAttrValue policy{};
  policy.syncPolicy = cudaSyncPolicyYield;
  cudaStreamAttrValue policyRead{};
  check::report(cudaStreamSetAttribute(stream, cudaStreamAttributeSynchronizationPolicy, &policy) == cudaSuccess &&
                    cudaStreamGetAttribute(stream, cudaStreamAttributeSynchronizationPolicy, &policyRead) ==
                        cudaSuccess &&
                    policyRead.syncPolicy == cudaSyncPolicyYield,
                "stream-attribute-sync-policy");
  cudaFree(window);
  cudaStreamDestroy(other);
  cudaStreamDestroy(stream);
}

} // namespace

int main() {
  cudaSetDevice(0);
  float* out = nullptr;
  float* in = nullptr;
  cudaMalloc(&out, 1024 * sizeof(float));
  cudaMalloc(&in, 1024 * sizeof(float));
  Triple t{1, 2, 3};

  kernelWithParams<<<4, 256>>>(out, in, 1024, t, 1);
  check::report(cudaGetLastError() == cudaSuccess, "runtime-launch-accepted");
  check::report(cudaDeviceSynchronize() == cudaSuccess, "runtime-launch-synchronize");

  // Too many threads per block is refused before anything runs.
  kernelWithParams<<<1, 4096>>>(out, in, 1024, t, 1);
  check::report(cudaGetLastError() != cudaSuccess, "runtime-launch-too-many-threads-refused");

  cudaFunction_t runtimeFunction = nullptr;
  check::report(cudaGetFuncBySymbol(&runtimeFunction, reinterpret_cast<const void*>(kernelWithParams)) == cudaSuccess,
                "get-func-by-symbol");
  CUfunction function = reinterpret_cast<CUfunction>(runtimeFunction);

  // Parameter layout from the module's metadata: 8 + 8 + 4 (+4 pad) + 24 + 1.
  size_t offsets[5] = {}, sizes[5] = {};
  bool layout = true;
  for (int i = 0; i < 5; ++i) {
    layout = layout && cuFuncGetParamInfo(function, static_cast<size_t>(i), &offsets[i], &sizes[i]) == CUDA_SUCCESS;
  }
  char detail[128];
  std::snprintf(detail, sizeof detail, "sizes %zu %zu %zu %zu %zu offsets %zu %zu %zu %zu %zu", sizes[0], sizes[1],
                sizes[2], sizes[3], sizes[4], offsets[0], offsets[1], offsets[2], offsets[3], offsets[4]);
  check::report(layout && sizes[0] == 8 && sizes[1] == 8 && sizes[2] == 4 && sizes[3] == 24 && sizes[4] == 1 &&
                    offsets[3] == 24 && offsets[4] == 48,
                "param-info", detail);
  size_t pastEnd = 0;
  check::report(cuFuncGetParamInfo(function, 5, &pastEnd, &pastEnd) == CUDA_ERROR_INVALID_VALUE, "param-info-past-end");

  int n = 1024;
  char flag = 2;
  void* params[] = {&out, &in, &n, &t, &flag};
  check::report(cuLaunchKernel(function, 4, 1, 1, 256, 1, 1, 0, nullptr, params, nullptr) == CUDA_SUCCESS,
                "driver-launch-kernel-params");

  unsigned char buffer[49] = {};
  size_t bufferSize = sizeof buffer;
  void* extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, buffer, CU_LAUNCH_PARAM_BUFFER_SIZE, &bufferSize,
                   CU_LAUNCH_PARAM_END};
  check::report(cuLaunchKernel(function, 4, 1, 1, 256, 1, 1, 0, nullptr, nullptr, extra) == CUDA_SUCCESS,
                "driver-launch-extra-right-size");
  size_t wrongSize = 40;
  void* wrong[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, buffer, CU_LAUNCH_PARAM_BUFFER_SIZE, &wrongSize,
                   CU_LAUNCH_PARAM_END};
  // The shim refuses a parameter buffer whose size differs from the kernel's; NVIDIA's driver was
  // seen to accept a shorter one (docs/gpu-results), so this is checked on the simulated device only.
  const CUresult wrongStatus = cuLaunchKernel(function, 4, 1, 1, 256, 1, 1, 0, nullptr, nullptr, wrong);
  if (std::getenv("VGPU_EXPECT_SIMULATED") != nullptr) {
    check::report(wrongStatus == CUDA_ERROR_INVALID_VALUE, "driver-launch-wrong-size-refused");
  } else {
    std::printf("info driver-launch-wrong-size %d (not checked against NVIDIA's driver)\n",
                static_cast<int>(wrongStatus));
  }
  check::report(cuLaunchKernel(function, 4, 1, 1, 256, 1, 1, 0, nullptr, nullptr, nullptr) == CUDA_ERROR_INVALID_VALUE,
                "driver-launch-missing-params-refused");
  check::report(cuCtxSynchronize() == CUDA_SUCCESS, "driver-synchronize");
  // Programs bracket timed regions with the profiler API; without a profiler attached NVIDIA's
  // driver answers success, and so must the shim.
  check::report(cudaProfilerStart() == cudaSuccess, "profiler-start");
  check::report(cudaProfilerStop() == cudaSuccess, "profiler-stop");
  streamAttributeChecks();
  return check::finish();
}
