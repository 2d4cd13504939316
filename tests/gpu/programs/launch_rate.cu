// Asynchronous launch throughput: 200,000 launches of a one-thread kernel on one stream, each adding
// 1 to a device counter. Times how fast the launches are accepted (enqueue) and how long until all
// have run (complete); checks the counter. Run natively and through shim -> vgpud, the two rates
// compare the remote path's launch pipeline with the driver's own.
#include "check_report.h"

namespace {

constexpr int kLaunches = 200000;

__global__ void addOne(unsigned* counter) {
  atomicAdd(counter, 1U);
}

} // namespace

int main() {
  unsigned* counter = nullptr;
  cudaStream_t stream = nullptr;
  if (!check::ok(cudaMalloc(&counter, sizeof(unsigned)), "launch_rate-malloc") ||
      !check::ok(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "launch_rate-stream") ||
      !check::ok(cudaMemset(counter, 0, sizeof(unsigned)), "launch_rate-memset")) {
    return check::finish();
  }
  // Warm-up: module load and first launch out of the measurement.
  addOne<<<1, 1, 0, stream>>>(counter);
  if (!check::ok(cudaStreamSynchronize(stream), "launch_rate-warm-up") ||
      !check::ok(cudaMemset(counter, 0, sizeof(unsigned)), "launch_rate-memset")) {
    return check::finish();
  }
  const check::Stopwatch watch;
  for (int i = 0; i < kLaunches; ++i) {
    addOne<<<1, 1, 0, stream>>>(counter);
  }
  const double enqueued = watch.milliseconds();
  const bool launched = check::ok(cudaGetLastError(), "launch_rate-launches-api");
  const bool completed = check::ok(cudaStreamSynchronize(stream), "launch_rate-synchronize");
  const double done = watch.milliseconds();
  if (launched && completed) {
    check::pass("launch_rate-launches-api");
    check::time("launch_rate-enqueue-200000", enqueued);
    check::time("launch_rate-complete-200000", done);
    unsigned value = 0;
    if (check::ok(cudaMemcpy(&value, counter, sizeof value, cudaMemcpyDeviceToHost), "launch_rate-read")) {
      char detail[64];
      std::snprintf(detail, sizeof detail, "counter %u, expected %d", value, kLaunches);
      check::result("launch_rate-result", value == static_cast<unsigned>(kLaunches), detail);
    }
  }
  cudaStreamDestroy(stream);
  cudaFree(counter);
  return check::finish();
}
