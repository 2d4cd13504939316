// A tenant's fault: a kernel writes through a pointer that is not device memory. CUDA reports
// cudaErrorIllegalAddress at the next synchronizing call and keeps reporting it (the context is
// lost). run-remote-checks.sh runs this before other programs: through vgpud their sessions must be
// untouched by it (each session is its own worker process).
#include "check_report.h"

namespace {

__global__ void writeThrough(int* pointer) {
  *pointer = 42;
}

} // namespace

int main() {
  int* nowhere = reinterpret_cast<int*>(0x10);
  writeThrough<<<1, 1>>>(nowhere);
  if (!check::ok(cudaGetLastError(), "fault_kernel-launch-accepted")) {
    return check::finish();
  }
  check::pass("fault_kernel-launch-accepted");
  const cudaError_t status = cudaDeviceSynchronize();
  char detail[96];
  std::snprintf(detail, sizeof detail, "synchronize answered %s", cudaGetErrorName(status));
  check::result("fault_kernel-fault-reported", status == cudaErrorIllegalAddress, detail);
  // Sticky: a later call reports it again (checked on a GPU only: the simulated device runs nothing).
  const cudaError_t again = cudaDeviceSynchronize();
  std::snprintf(detail, sizeof detail, "second synchronize answered %s", cudaGetErrorName(again));
  check::result("fault_kernel-fault-sticky", again == cudaErrorIllegalAddress, detail);
  return check::finish();
}
