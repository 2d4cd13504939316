// Vector add of 16 Mi floats: host→device copies of both inputs, one kernel, device→host copy of the
// sum, every element checked. The round trip is timed after a warm-up round (which loads the module
// and touches the allocations), so the time is copies plus kernel, not first-use costs.
#include "check_report.h"

#include <algorithm>
#include <vector>

namespace {

constexpr int kCount = 16 << 20;

__global__ void add(const float* a, const float* b, float* sum, int count) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < count) {
    sum[i] = a[i] + b[i];
  }
}

// One round trip; false when an API call failed (already reported).
bool roundTrip(const std::vector<float>& a, const std::vector<float>& b, std::vector<float>& sum, float* deviceA,
               float* deviceB, float* deviceSum) {
  const size_t bytes = sizeof(float) * kCount;
  if (!check::ok(cudaMemcpy(deviceA, a.data(), bytes, cudaMemcpyHostToDevice), "vector_add-h2d-a") ||
      !check::ok(cudaMemcpy(deviceB, b.data(), bytes, cudaMemcpyHostToDevice), "vector_add-h2d-b")) {
    return false;
  }
  add<<<(kCount + 255) / 256, 256>>>(deviceA, deviceB, deviceSum, kCount);
  return check::ok(cudaGetLastError(), "vector_add-launch") &&
         check::ok(cudaMemcpy(sum.data(), deviceSum, bytes, cudaMemcpyDeviceToHost), "vector_add-d2h") &&
         check::ok(cudaDeviceSynchronize(), "vector_add-sync");
}

} // namespace

int main() {
  // Small integers and halves: every sum is exact in float, so the check is equality.
  std::vector<float> a(kCount), b(kCount), sum(kCount, -1.0f);
  for (int i = 0; i < kCount; ++i) {
    a[i] = static_cast<float>(i % 4093);
    b[i] = static_cast<float>(i % 517) + 0.5f;
  }
  float* deviceA = nullptr;
  float* deviceB = nullptr;
  float* deviceSum = nullptr;
  const size_t bytes = sizeof(float) * kCount;
  if (!check::ok(cudaMalloc(&deviceA, bytes), "vector_add-malloc") ||
      !check::ok(cudaMalloc(&deviceB, bytes), "vector_add-malloc") ||
      !check::ok(cudaMalloc(&deviceSum, bytes), "vector_add-malloc")) {
    return check::finish();
  }
  if (roundTrip(a, b, sum, deviceA, deviceB, deviceSum)) {
    std::fill(sum.begin(), sum.end(), -1.0f);
    const check::Stopwatch watch;
    if (roundTrip(a, b, sum, deviceA, deviceB, deviceSum)) {
      check::time("vector_add-roundtrip", watch.milliseconds());
      check::pass("vector_add-api");
      int wrong = 0;
      int firstWrong = -1;
      for (int i = 0; i < kCount; ++i) {
        if (sum[i] != a[i] + b[i]) {
          firstWrong = wrong == 0 ? i : firstWrong;
          ++wrong;
        }
      }
      char detail[96];
      std::snprintf(detail, sizeof detail, "%d of %d elements wrong, first at %d", wrong, kCount, firstWrong);
      check::result("vector_add-result", wrong == 0, detail);
    }
  }
  check::ok(cudaFree(deviceA), "vector_add-free");
  check::ok(cudaFree(deviceB), "vector_add-free");
  check::ok(cudaFree(deviceSum), "vector_add-free");
  return check::finish();
}
