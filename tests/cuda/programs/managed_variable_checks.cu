// __managed__ variables through NVIDIA's CUDA runtime: cudart asks the driver for each one
// (cuLibraryGetManaged) and the host then reads and writes it directly; its symbol address is that
// managed memory, the Unified Memory hints apply to it, and on a GPU a kernel's writes are seen by
// the host after synchronizing. Where the executor offers no managed memory (vgpud), cudart cannot
// run such a program at all: the driver says why before cudart fails.
// Prints "pass <check>" / "fail <check> <detail>" (check_report.h).
#include "check_report.h"

#include <cstdio>
#include <cuda_runtime.h>

__managed__ int counters[4];

__global__ void bump(int by) {
  counters[threadIdx.x] += by;
}

int main() {
  if (!check::ok(cudaSetDevice(0), "set-device")) {
    return check::finish();
  }
  for (int i = 0; i < 4; ++i) {
    counters[i] = i * 10; // the host writes the variable itself
  }
  bool same = true;
  for (int i = 0; i < 4; ++i) {
    same = same && counters[i] == i * 10;
  }
  check::report(same, "managed-variable-host-access");
  void* symbol = nullptr;
  size_t size = 0;
  check::report(cudaGetSymbolAddress(&symbol, counters) == cudaSuccess && symbol == static_cast<void*>(counters) &&
                    cudaGetSymbolSize(&size, counters) == cudaSuccess && size == sizeof counters,
                "managed-variable-symbol");
  cudaPointerAttributes attributes{};
  check::report(cudaPointerGetAttributes(&attributes, counters) == cudaSuccess &&
                    attributes.type == cudaMemoryTypeManaged,
                "managed-variable-is-managed");
  cudaMemLocation device0{};
  device0.type = cudaMemLocationTypeDevice;
  device0.id = 0;
  int last = -100;
  check::report(cudaMemPrefetchAsync(counters, sizeof counters, device0, 0, nullptr) == cudaSuccess &&
                    cudaDeviceSynchronize() == cudaSuccess &&
                    cudaMemRangeGetAttribute(&last, sizeof last, cudaMemRangeAttributeLastPrefetchLocation, counters,
                                             sizeof counters) == cudaSuccess &&
                    last == 0,
                "managed-variable-prefetch");
  bump<<<1, 4>>>(5);
  check::ok(cudaDeviceSynchronize(), "bump");
  same = true;
  for (int i = 0; i < 4; ++i) {
    same = same && counters[i] == i * 10 + 5;
  }
  check::result("managed-variable-kernel-writes-seen", same, "the host does not see the kernel's writes");
  return check::finish();
}
