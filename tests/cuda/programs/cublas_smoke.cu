// cuBLAS through the shim: cublasCreate, cublasSetStream, a small SGEMM, cublasDestroy. With
// VGPU_EXPECT_SIMULATED unset (a real GPU behind the shim) the SGEMM's result is checked on the host.
#include <cstdio>
#include <cstdlib>
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <vector>

int main() {
  int failures = 0;
  auto report = [&](bool ok, const char* check, int code) {
    std::printf("%s %s %d\n", ok ? "pass" : "fail", check, code);
    failures += ok ? 0 : 1;
  };
  cublasHandle_t handle = nullptr;
  cublasStatus_t status = cublasCreate(&handle);
  report(status == CUBLAS_STATUS_SUCCESS, "cublas-create", status);
  if (status != CUBLAS_STATUS_SUCCESS) {
    return 1;
  }
  cudaStream_t stream;
  cudaStreamCreate(&stream);
  status = cublasSetStream(handle, stream);
  report(status == CUBLAS_STATUS_SUCCESS, "cublas-set-stream", status);
  {
    // On the simulated device the kernel is validated and counted but not run: the call must
    // succeed (cuBLAS picks, loads and launches its kernel for the profile's architecture), and
    // only a real GPU's result is checked.
    const bool simulated = std::getenv("VGPU_EXPECT_SIMULATED") != nullptr;
    const int n = 64;
    std::vector<float> a(n * n, 1.0f), b(n * n, 2.0f), c(n * n, 0.0f);
    float *da, *db, *dc;
    cudaMalloc(&da, a.size() * 4);
    cudaMalloc(&db, b.size() * 4);
    cudaMalloc(&dc, c.size() * 4);
    cudaMemcpy(da, a.data(), a.size() * 4, cudaMemcpyHostToDevice);
    cudaMemcpy(db, b.data(), b.size() * 4, cudaMemcpyHostToDevice);
    const float alpha = 1.0f, beta = 0.0f;
    status = cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &alpha, da, n, db, n, &beta, dc, n);
    cudaMemcpy(c.data(), dc, c.size() * 4, cudaMemcpyDeviceToHost);
    report(status == CUBLAS_STATUS_SUCCESS && (simulated || c[0] == 2.0f * n), "cublas-sgemm", status);
  }
  status = cublasDestroy(handle);
  report(status == CUBLAS_STATUS_SUCCESS, "cublas-destroy", status);
  cudaStreamDestroy(stream);
  std::printf("%s %d failure(s)\n", failures == 0 ? "ok" : "failed", failures);
  return failures == 0 ? 0 : 1;
}
