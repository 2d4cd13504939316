// cuBLAS matrix products of 1024×1024 matrices: cublasSgemm (FP32) and cublasGemmEx with FP16
// inputs and FP32 compute and output, the path ggml takes for half-precision weights. Each runs once
// as a warm-up, then kRepetitions times timed (the time line is milliseconds per product); a sample
// of entries of the result is compared with a CPU reference in double precision.
#include "check_report.h"

#include <cmath>
#include <cublas_v2.h>
#include <cuda_fp16.h>
#include <vector>

namespace {

constexpr int kSize = 1024;
constexpr int kRepetitions = 10;
constexpr int kSamples = 256;

bool cublasOk(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    char detail[64];
    std::snprintf(detail, sizeof detail, "cublas status %d", static_cast<int>(status));
    check::fail(what, detail);
    return false;
  }
  return true;
}

// Deterministic values in [-1, 1).
float patternValue(int index, int seed) {
  const unsigned mixed = static_cast<unsigned>(index) * 2654435761u + static_cast<unsigned>(seed) * 40503u;
  return static_cast<float>((mixed >> 8) % 2048) / 1024.0f - 1.0f;
}

// Column-major C = A × B checked at kSamples spread entries: |got - want| within a bound that
// scales with the sum of |a·b| terms (rounding of kSize products and sums in the given precision).
void verify(const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>& c, double epsilon,
            const char* name) {
  int wrong = 0;
  double worst = 0.0;
  for (int sample = 0; sample < kSamples; ++sample) {
    const int row = (sample * 397) % kSize;
    const int column = (sample * 811 + 13) % kSize;
    double want = 0.0;
    double magnitude = 0.0;
    for (int k = 0; k < kSize; ++k) {
      const double term = static_cast<double>(a[row + k * kSize]) * static_cast<double>(b[k + column * kSize]);
      want += term;
      magnitude += std::fabs(term);
    }
    const double error = std::fabs(static_cast<double>(c[row + column * kSize]) - want);
    worst = std::fmax(worst, error / (magnitude + 1e-30));
    wrong += error <= epsilon * magnitude + 1e-6 ? 0 : 1;
  }
  char detail[96];
  std::snprintf(detail, sizeof detail, "%d of %d sampled entries off, worst relative error %.3g", wrong, kSamples,
                worst);
  check::result(name, wrong == 0, detail);
}

// Warm-up, then kRepetitions timed calls of `product`; false when a call failed (reported).
template <typename Product> bool timed(Product product, const char* name) {
  char label[64];
  std::snprintf(label, sizeof label, "%s-api", name);
  const cublasStatus_t first = product();
  if (!cublasOk(first, label) || !check::ok(cudaDeviceSynchronize(), label)) {
    return false;
  }
  const check::Stopwatch watch;
  for (int repetition = 0; repetition < kRepetitions; ++repetition) {
    if (!cublasOk(product(), label)) {
      return false;
    }
  }
  if (!check::ok(cudaDeviceSynchronize(), label)) {
    return false;
  }
  check::time(name, watch.milliseconds() / kRepetitions);
  check::pass(label);
  return true;
}

} // namespace

int main() {
  const size_t count = static_cast<size_t>(kSize) * kSize;
  std::vector<float> a(count), b(count), c(count, 0.0f);
  for (size_t i = 0; i < count; ++i) {
    a[i] = patternValue(static_cast<int>(i), 1);
    b[i] = patternValue(static_cast<int>(i), 2);
  }
  cublasHandle_t handle = nullptr;
  if (!cublasOk(cublasCreate(&handle), "cublas_gemm-create")) {
    return check::finish();
  }
  float* deviceA = nullptr;
  float* deviceB = nullptr;
  float* deviceC = nullptr;
  __half* halfA = nullptr;
  __half* halfB = nullptr;
  if (check::ok(cudaMalloc(&deviceA, count * sizeof(float)), "cublas_gemm-malloc") &&
      check::ok(cudaMalloc(&deviceB, count * sizeof(float)), "cublas_gemm-malloc") &&
      check::ok(cudaMalloc(&deviceC, count * sizeof(float)), "cublas_gemm-malloc") &&
      check::ok(cudaMalloc(&halfA, count * sizeof(__half)), "cublas_gemm-malloc") &&
      check::ok(cudaMalloc(&halfB, count * sizeof(__half)), "cublas_gemm-malloc") &&
      check::ok(cudaMemcpy(deviceA, a.data(), count * sizeof(float), cudaMemcpyHostToDevice), "cublas_gemm-h2d") &&
      check::ok(cudaMemcpy(deviceB, b.data(), count * sizeof(float), cudaMemcpyHostToDevice), "cublas_gemm-h2d")) {
    const float alpha = 1.0f;
    const float beta = 0.0f;
    const auto sgemm = [&] {
      return cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, kSize, kSize, kSize, &alpha, deviceA, kSize, deviceB, kSize,
                         &beta, deviceC, kSize);
    };
    if (timed(sgemm, "cublas_gemm-sgemm-1024") &&
        check::ok(cudaMemcpy(c.data(), deviceC, count * sizeof(float), cudaMemcpyDeviceToHost), "cublas_gemm-d2h")) {
      verify(a, b, c, 1e-4, "cublas_gemm-sgemm-result");
    }

    // FP16 inputs: the values the GPU multiplies are the inputs rounded to half, so the reference
    // uses those too; FP32 accumulation keeps the bound tight.
    std::vector<__half> hostHalfA(count), hostHalfB(count);
    std::vector<float> roundedA(count), roundedB(count);
    for (size_t i = 0; i < count; ++i) {
      hostHalfA[i] = __float2half(a[i]);
      hostHalfB[i] = __float2half(b[i]);
      roundedA[i] = __half2float(hostHalfA[i]);
      roundedB[i] = __half2float(hostHalfB[i]);
    }
    std::fill(c.begin(), c.end(), 0.0f);
    const auto gemmEx = [&] {
      return cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, kSize, kSize, kSize, &alpha, halfA, CUDA_R_16F, kSize,
                          halfB, CUDA_R_16F, kSize, &beta, deviceC, CUDA_R_32F, kSize, CUBLAS_COMPUTE_32F,
                          CUBLAS_GEMM_DEFAULT);
    };
    if (check::ok(cudaMemcpy(halfA, hostHalfA.data(), count * sizeof(__half), cudaMemcpyHostToDevice),
                  "cublas_gemm-h2d-half") &&
        check::ok(cudaMemcpy(halfB, hostHalfB.data(), count * sizeof(__half), cudaMemcpyHostToDevice),
                  "cublas_gemm-h2d-half") &&
        check::ok(cudaMemset(deviceC, 0, count * sizeof(float)), "cublas_gemm-memset") &&
        timed(gemmEx, "cublas_gemm-gemmex-f16-f32-1024") &&
        check::ok(cudaMemcpy(c.data(), deviceC, count * sizeof(float), cudaMemcpyDeviceToHost), "cublas_gemm-d2h")) {
      verify(roundedA, roundedB, c, 1e-4, "cublas_gemm-gemmex-result");
    }
  }
  for (void* pointer : {static_cast<void*>(deviceA), static_cast<void*>(deviceB), static_cast<void*>(deviceC),
                        static_cast<void*>(halfA), static_cast<void*>(halfB)}) {
    if (pointer != nullptr) {
      check::ok(cudaFree(pointer), "cublas_gemm-free");
    }
  }
  cublasOk(cublasDestroy(handle), "cublas_gemm-destroy");
  return check::finish();
}
