// Prints what NVIDIA's CUDA runtime reports about every device, one "key value" line each, for
// the shim tests to compare with the device profiles. Exit code 0 when every call succeeded;
// a failing call prints "error <call> <code> <name>" and exits 1 (cudaGetDeviceCount failing
// with no device prints "device-count 0" and exits 0).
#include <cstdio>
#include <cuda_runtime.h>

#define CHECK(call)                                                                                                    \
  do {                                                                                                                 \
    cudaError_t status_ = (call);                                                                                      \
    if (status_ != cudaSuccess) {                                                                                      \
      std::printf("error %s %d %s\n", #call, static_cast<int>(status_), cudaGetErrorName(status_));                    \
      return 1;                                                                                                        \
    }                                                                                                                  \
  } while (0)

int main() {
  int driver = 0;
  CHECK(cudaDriverGetVersion(&driver));
  std::printf("driver-version %d\n", driver);
  int runtime = 0;
  CHECK(cudaRuntimeGetVersion(&runtime));
  std::printf("runtime-version %d\n", runtime);
  int count = 0;
  const cudaError_t countStatus = cudaGetDeviceCount(&count);
  if (countStatus == cudaErrorNoDevice) {
    std::printf("device-count 0\n");
    return 0;
  }
  CHECK(countStatus);
  std::printf("device-count %d\n", count);
  for (int device = 0; device < count; ++device) {
    cudaDeviceProp p{};
    CHECK(cudaGetDeviceProperties(&p, device));
    std::printf("%d name %s\n", device, p.name);
    std::printf("%d cc %d.%d\n", device, p.major, p.minor);
    std::printf("%d sms %d\n", device, p.multiProcessorCount);
    std::printf("%d total-mem %zu\n", device, p.totalGlobalMem);
    std::printf("%d smem-optin %zu\n", device, p.sharedMemPerBlockOptin);
    std::printf("%d smem-per-sm %zu\n", device, p.sharedMemPerMultiprocessor);
    std::printf("%d l2 %d\n", device, p.l2CacheSize);
    std::printf("%d bus-width %d\n", device, p.memoryBusWidth);
    std::printf("%d threads-per-sm %d\n", device, p.maxThreadsPerMultiProcessor);
    std::printf("%d pci %04x:%02x:%02x\n", device, p.pciDomainID, p.pciBusID, p.pciDeviceID);
    std::printf("%d uuid ", device);
    for (int i = 0; i < 16; ++i) {
      std::printf("%02x", static_cast<unsigned char>(p.uuid.bytes[i]));
    }
    std::printf("\n");
    int vmm = 0;
    CHECK(cudaDeviceGetAttribute(&vmm, cudaDevAttrMemoryPoolsSupported, device));
    std::printf("%d integrated %d\n", device, p.integrated);
    CHECK(cudaSetDevice(device));
    size_t freeBefore = 0, total = 0;
    CHECK(cudaMemGetInfo(&freeBefore, &total));
    void* buffer = nullptr;
    const size_t bytes = size_t{256} << 20;
    CHECK(cudaMalloc(&buffer, bytes));
    size_t freeDuring = 0;
    CHECK(cudaMemGetInfo(&freeDuring, &total));
    CHECK(cudaFree(buffer));
    size_t freeAfter = 0;
    CHECK(cudaMemGetInfo(&freeAfter, &total));
    std::printf("%d mem-total %zu\n", device, total);
    std::printf("%d mem-free-delta-alloc %lld\n", device,
                static_cast<long long>(freeBefore) - static_cast<long long>(freeDuring));
    std::printf("%d mem-free-delta-free %lld\n", device,
                static_cast<long long>(freeAfter) - static_cast<long long>(freeDuring));
  }
  std::printf("ok\n");
  return 0;
}
