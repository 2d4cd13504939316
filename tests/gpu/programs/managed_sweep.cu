// Managed memory as programs that keep their data in it use it: a kernel sweeps a 64 MiB managed
// buffer (reads and writes every word) ten times, and the same on device memory for comparison.
// Natively the driver migrates the pages to the GPU at the first touch; through vgpud managed memory
// is host memory the GPU reaches over the bus (docs/performance.md, "Managed memory through vgpud"),
// so the summary's remote/native ratio of the managed sweep is the cost of that design and the
// device sweep's ratio the baseline. After the sweeps the host reads the managed buffer in place and
// checks every word. Times per sweep, warm (after one untimed sweep).
#include "check_report.h"

namespace {

constexpr size_t kWords = (size_t{64} << 20) / sizeof(unsigned);
constexpr int kSweeps = 10;

__global__ void addIndex(unsigned* words, size_t count) {
  for (size_t i = blockIdx.x * size_t{blockDim.x} + threadIdx.x; i < count; i += size_t{gridDim.x} * blockDim.x) {
    words[i] += static_cast<unsigned>(i);
  }
}

// Ten timed sweeps after one warm-up; false when a launch or the synchronization failed.
bool sweep(unsigned* words, const char* name) {
  addIndex<<<1024, 256>>>(words, kWords);
  if (!check::ok(cudaDeviceSynchronize(), name)) {
    return false;
  }
  const check::Stopwatch watch;
  for (int i = 0; i < kSweeps; ++i) {
    addIndex<<<1024, 256>>>(words, kWords);
  }
  if (!check::ok(cudaGetLastError(), name) || !check::ok(cudaDeviceSynchronize(), name)) {
    return false;
  }
  check::time(name, watch.milliseconds() / kSweeps);
  return true;
}

} // namespace

int main() {
  unsigned* managed = nullptr;
  unsigned* device = nullptr;
  const cudaError_t made = cudaMallocManaged(&managed, kWords * sizeof(unsigned));
  if (made == cudaErrorNotSupported) {
    check::skip("managed_sweep-api", "managed memory not offered here"); // vgpud over TCP without a guest region
    return check::finish();
  }
  if (!check::ok(made, "managed_sweep-malloc-managed") ||
      !check::ok(cudaMalloc(&device, kWords * sizeof(unsigned)), "managed_sweep-malloc")) {
    return check::finish();
  }
  for (size_t i = 0; i < kWords; ++i) {
    managed[i] = 1;
  }
  check::ok(cudaMemset(device, 0, kWords * sizeof(unsigned)), "managed_sweep-memset");
  const bool managedSwept = sweep(managed, "managed_sweep-managed");
  const bool deviceSwept = sweep(device, "managed_sweep-device");
  if (managedSwept && deviceSwept) {
    check::pass("managed_sweep-api");
    // One warm-up and ten timed sweeps each added i: word i is 1 + 11 * i (mod 2^32), read in place.
    bool same = true;
    for (size_t i = 0; same && i < kWords; ++i) {
      same = managed[i] == static_cast<unsigned>(1 + (kSweeps + 1) * i);
    }
    check::result("managed_sweep-result", same, "every word of the managed buffer, read by the host in place");
  }
  cudaFree(device);
  cudaFree(managed);
  return check::finish();
}
