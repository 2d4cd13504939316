// The CUDA libraries applications load besides cuBLAS, as their authors ship them, on the shim:
// cuRAND (generators), cuSOLVER (a Cholesky factorisation and solve), cuSPARSE (a CSR
// matrix-vector product), cuDNN (a handle on a stream), NVRTC (compile → cuModuleLoadData →
// cuModuleGetFunction → launch) and cuFFT (1D complex and real plans, a 2D plan and a batched one,
// forward and inverse). Every API status is checked; what the kernels computed is checked where they
// run (a GPU), and reported as skipped on the simulated device (check_report.h).
#include "check_report.h"

#include <cmath>
#include <cstdio>
#include <cuda.h>
#include <cuda_runtime.h>
#include <cufft.h>
#include <curand.h>
#include <cusolverDn.h>
#include <cusparse.h>
#include <nvrtc.h>
#include <string>
#include <vector>
#if VGPU_WITH_CUDNN
#include <cudnn.h>
#endif

namespace {

// "pass NAME status N" / "fail NAME status N": the library's own status code.
void status(bool ok, const char* name, int code) {
  check::report(ok, name, ("status " + std::to_string(code)).c_str());
}

template <typename T> T* deviceArray(std::size_t count) {
  void* pointer = nullptr;
  return cudaMalloc(&pointer, count * sizeof(T)) == cudaSuccess ? static_cast<T*>(pointer) : nullptr;
}

template <typename T> std::vector<T> fetch(const T* device, std::size_t count) {
  std::vector<T> host(count);
  cudaMemcpy(host.data(), device, count * sizeof(T), cudaMemcpyDeviceToHost);
  return host;
}

bool near(float a, float b, float tolerance = 1e-3f) {
  return std::fabs(a - b) <= tolerance * std::fmax(1.0f, std::fabs(b));
}

void randomNumbers() {
  constexpr std::size_t n = 4096;
  float* values = deviceArray<float>(n);
  curandGenerator_t generator = nullptr;
  const int created = curandCreateGenerator(&generator, CURAND_RNG_PSEUDO_DEFAULT);
  status(created == CURAND_STATUS_SUCCESS, "curand-create", created);
  if (created != CURAND_STATUS_SUCCESS) {
    return;
  }
  const int seeded = curandSetPseudoRandomGeneratorSeed(generator, 1234);
  const int generated = curandGenerateUniform(generator, values, n);
  status(seeded == CURAND_STATUS_SUCCESS && generated == CURAND_STATUS_SUCCESS, "curand-generate", generated);
  const std::vector<float> host = fetch(values, n);
  double sum = 0;
  bool inRange = true;
  for (float v : host) {
    inRange = inRange && v > 0.0f && v <= 1.0f;
    sum += v;
  }
  check::result("curand-uniform-values", inRange && std::fabs(sum / n - 0.5) < 0.05, "outside (0, 1] or mean off");
  curandDestroyGenerator(generator);
  cudaFree(values);
}

// A = 4·I + 1·1ᵀ (symmetric positive definite, 4×4); b = A·x for x = (1, 2, 3, 4); potrf + potrs
// must give x back.
void solver() {
  constexpr int n = 4;
  std::vector<float> a(n * n), b(n);
  const float x[n] = {1, 2, 3, 4};
  for (int row = 0; row < n; ++row) {
    for (int column = 0; column < n; ++column) {
      a[column * n + row] = (row == column ? 4.0f : 0.0f) + 1.0f;
    }
  }
  for (int row = 0; row < n; ++row) {
    b[row] = 0;
    for (int column = 0; column < n; ++column) {
      b[row] += a[column * n + row] * x[column];
    }
  }
  cusolverDnHandle_t handle = nullptr;
  const int created = cusolverDnCreate(&handle);
  status(created == CUSOLVER_STATUS_SUCCESS, "cusolver-create", created);
  if (created != CUSOLVER_STATUS_SUCCESS) {
    return;
  }
  float* matrix = deviceArray<float>(n * n);
  float* rhs = deviceArray<float>(n);
  int* info = deviceArray<int>(1);
  cudaMemcpy(matrix, a.data(), a.size() * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(rhs, b.data(), b.size() * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemset(info, 0, sizeof(int));
  int workspaceSize = 0;
  const int queried = cusolverDnSpotrf_bufferSize(handle, CUBLAS_FILL_MODE_LOWER, n, matrix, n, &workspaceSize);
  status(queried == CUSOLVER_STATUS_SUCCESS && workspaceSize > 0, "cusolver-potrf-workspace", queried);
  float* workspace = deviceArray<float>(static_cast<std::size_t>(workspaceSize > 0 ? workspaceSize : 1));
  const int factored = cusolverDnSpotrf(handle, CUBLAS_FILL_MODE_LOWER, n, matrix, n, workspace, workspaceSize, info);
  status(factored == CUSOLVER_STATUS_SUCCESS, "cusolver-potrf", factored);
  const int solved = cusolverDnSpotrs(handle, CUBLAS_FILL_MODE_LOWER, n, 1, matrix, n, rhs, n, info);
  status(solved == CUSOLVER_STATUS_SUCCESS && cudaDeviceSynchronize() == cudaSuccess, "cusolver-potrs", solved);
  const std::vector<float> solution = fetch(rhs, n);
  const std::vector<int> infoValue = fetch(info, 1);
  bool matches = infoValue[0] == 0;
  for (int i = 0; i < n; ++i) {
    matches = matches && near(solution[i], x[i]);
  }
  check::result("cusolver-solution", matches, "A·x = b not solved to x = (1, 2, 3, 4)");
  cudaFree(workspace);
  cudaFree(matrix);
  cudaFree(rhs);
  cudaFree(info);
  cusolverDnDestroy(handle);
}

// y = A·x with A = diag(1, 2, 3, 4) in CSR: y must be (1, 4, 9, 16) for x = (1, 2, 3, 4).
void sparse() {
  cusparseHandle_t handle = nullptr;
  const int created = cusparseCreate(&handle);
  status(created == CUSPARSE_STATUS_SUCCESS, "cusparse-create", created);
  if (created != CUSPARSE_STATUS_SUCCESS) {
    return;
  }
  const int hostOffsets[5] = {0, 1, 2, 3, 4};
  const int hostColumns[4] = {0, 1, 2, 3};
  const float hostValues[4] = {1, 2, 3, 4};
  int* offsets = deviceArray<int>(5);
  int* columns = deviceArray<int>(4);
  float* values = deviceArray<float>(4);
  float* x = deviceArray<float>(4);
  float* y = deviceArray<float>(4);
  cudaMemcpy(offsets, hostOffsets, sizeof hostOffsets, cudaMemcpyHostToDevice);
  cudaMemcpy(columns, hostColumns, sizeof hostColumns, cudaMemcpyHostToDevice);
  cudaMemcpy(values, hostValues, sizeof hostValues, cudaMemcpyHostToDevice);
  cudaMemcpy(x, hostValues, sizeof hostValues, cudaMemcpyHostToDevice);
  cudaMemset(y, 0, 4 * sizeof(float));
  cusparseSpMatDescr_t matrix = nullptr;
  cusparseDnVecDescr_t input = nullptr;
  cusparseDnVecDescr_t output = nullptr;
  const int described = cusparseCreateCsr(&matrix, 4, 4, 4, offsets, columns, values, CUSPARSE_INDEX_32I,
                                          CUSPARSE_INDEX_32I, CUSPARSE_INDEX_BASE_ZERO, CUDA_R_32F);
  status(described == CUSPARSE_STATUS_SUCCESS, "cusparse-csr", described);
  cusparseCreateDnVec(&input, 4, x, CUDA_R_32F);
  cusparseCreateDnVec(&output, 4, y, CUDA_R_32F);
  const float alpha = 1.0f;
  const float beta = 0.0f;
  std::size_t bufferSize = 0;
  int spmv = cusparseSpMV_bufferSize(handle, CUSPARSE_OPERATION_NON_TRANSPOSE, &alpha, matrix, input, &beta, output,
                                     CUDA_R_32F, CUSPARSE_SPMV_ALG_DEFAULT, &bufferSize);
  void* buffer = nullptr;
  cudaMalloc(&buffer, bufferSize > 0 ? bufferSize : 1);
  if (spmv == CUSPARSE_STATUS_SUCCESS) {
    spmv = cusparseSpMV(handle, CUSPARSE_OPERATION_NON_TRANSPOSE, &alpha, matrix, input, &beta, output, CUDA_R_32F,
                        CUSPARSE_SPMV_ALG_DEFAULT, buffer);
  }
  status(spmv == CUSPARSE_STATUS_SUCCESS && cudaDeviceSynchronize() == cudaSuccess, "cusparse-spmv", spmv);
  const std::vector<float> product = fetch(y, 4);
  check::result("cusparse-spmv-values",
                near(product[0], 1) && near(product[1], 4) && near(product[2], 9) && near(product[3], 16),
                "y is not (1, 4, 9, 16)");
  cusparseDestroyDnVec(input);
  cusparseDestroyDnVec(output);
  cusparseDestroySpMat(matrix);
  cusparseDestroy(handle);
  for (void* pointer : {static_cast<void*>(offsets), static_cast<void*>(columns), static_cast<void*>(values),
                        static_cast<void*>(x), static_cast<void*>(y), buffer}) {
    cudaFree(pointer);
  }
}

void deepLearning() {
#if VGPU_WITH_CUDNN
  cudnnHandle_t handle = nullptr;
  const int created = cudnnCreate(&handle);
  status(created == CUDNN_STATUS_SUCCESS, "cudnn-create", created);
  if (created == CUDNN_STATUS_SUCCESS) {
    cudaStream_t stream = nullptr;
    cudaStreamCreate(&stream);
    const int streamed = cudnnSetStream(handle, stream);
    status(streamed == CUDNN_STATUS_SUCCESS, "cudnn-set-stream", streamed);
    cudnnDestroy(handle);
    cudaStreamDestroy(stream);
  }
#else
  std::printf("info cudnn-create not built (no cudnn.h in the toolkit)\n");
#endif
}

void runtimeCompilation() {
  const char* source = "extern \"C\" __global__ void addOne(float* x) { x[threadIdx.x] += 1.0f; }";
  nvrtcProgram program = nullptr;
  int compiled = nvrtcCreateProgram(&program, source, "add_one.cu", 0, nullptr, nullptr);
  const char* options[] = {"--gpu-architecture=compute_75"};
  compiled = compiled == NVRTC_SUCCESS ? nvrtcCompileProgram(program, 1, options) : compiled;
  status(compiled == NVRTC_SUCCESS, "nvrtc-compile", compiled);
  std::size_t size = 0;
  nvrtcGetPTXSize(program, &size);
  std::vector<char> ptx(size);
  nvrtcGetPTX(program, ptx.data());
  nvrtcDestroyProgram(&program);
  float* data = deviceArray<float>(32);
  const std::vector<float> start(32, 41.0f);
  cudaMemcpy(data, start.data(), 32 * sizeof(float), cudaMemcpyHostToDevice);
  CUmodule module = nullptr;
  CUfunction function = nullptr;
  const int loaded = cuModuleLoadData(&module, ptx.data());
  const int found = loaded == CUDA_SUCCESS ? cuModuleGetFunction(&function, module, "addOne") : loaded;
  status(found == CUDA_SUCCESS, "nvrtc-module-load", found);
  void* arguments[] = {&data};
  const int launched =
      found == CUDA_SUCCESS ? cuLaunchKernel(function, 1, 1, 1, 32, 1, 1, 0, nullptr, arguments, nullptr) : found;
  status(launched == CUDA_SUCCESS && cuCtxSynchronize() == CUDA_SUCCESS, "nvrtc-launch", launched);
  const std::vector<float> result = fetch(data, 32);
  check::result("nvrtc-kernel-result", result[0] == 42.0f && result[31] == 42.0f, "x + 1 was not computed");
  cuModuleUnload(module);
  cudaFree(data);
}

// cuFFT: the forward transform of a unit impulse is all ones; the inverse of that is n·impulse.
void fourierTransform() {
  constexpr int n = 1024;
  auto* signal = deviceArray<cufftComplex>(n);
  std::vector<cufftComplex> impulse(n, cufftComplex{0, 0});
  impulse[0].x = 1;
  cudaMemcpy(signal, impulse.data(), n * sizeof(cufftComplex), cudaMemcpyHostToDevice);

  cufftHandle plan = 0;
  const int planned = cufftPlan1d(&plan, n, CUFFT_C2C, 1);
  status(planned == CUFFT_SUCCESS, "cufft-plan", planned);
  if (planned == CUFFT_SUCCESS) {
    cudaStream_t stream = nullptr;
    cudaStreamCreate(&stream);
    const int streamed = cufftSetStream(plan, stream);
    status(streamed == CUFFT_SUCCESS, "cufft-set-stream", streamed);
    const int forward = cufftExecC2C(plan, signal, signal, CUFFT_FORWARD);
    status(forward == CUFFT_SUCCESS && cudaStreamSynchronize(stream) == cudaSuccess, "cufft-exec", forward);
    std::vector<cufftComplex> spectrum = fetch(signal, n);
    check::result("cufft-forward-values",
                  near(spectrum[0].x, 1) && near(spectrum[n / 2].x, 1) && near(spectrum[n - 1].y, 0),
                  "the spectrum of an impulse is not all ones");
    const int inverse = cufftExecC2C(plan, signal, signal, CUFFT_INVERSE);
    status(inverse == CUFFT_SUCCESS && cudaStreamSynchronize(stream) == cudaSuccess, "cufft-inverse", inverse);
    spectrum = fetch(signal, n);
    check::result("cufft-inverse-values", near(spectrum[0].x, n) && near(spectrum[1].x, 0),
                  "the inverse did not give n times the impulse");
    cufftDestroy(plan);
    cudaStreamDestroy(stream);
  }

  // Real to complex: n reals give n/2 + 1 complex values; a constant 1 gives n at frequency 0.
  auto* reals = deviceArray<cufftReal>(n);
  auto* halfSpectrum = deviceArray<cufftComplex>(n / 2 + 1);
  const std::vector<cufftReal> ones(n, 1.0f);
  cudaMemcpy(reals, ones.data(), n * sizeof(cufftReal), cudaMemcpyHostToDevice);
  cufftHandle realPlan = 0;
  int real = cufftPlan1d(&realPlan, n, CUFFT_R2C, 1);
  real = real == CUFFT_SUCCESS ? cufftExecR2C(realPlan, reals, halfSpectrum) : real;
  status(real == CUFFT_SUCCESS && cudaDeviceSynchronize() == cudaSuccess, "cufft-r2c", real);
  const std::vector<cufftComplex> half = fetch(halfSpectrum, n / 2 + 1);
  check::result("cufft-r2c-values", near(half[0].x, n) && near(half[1].x, 0), "a constant did not give n at DC");
  cufftDestroy(realPlan);

  // A 2D 32×32 transform and a batch of 8 transforms of 128 through cufftPlanMany, with the size
  // queries applications make first.
  cufftHandle plane = 0;
  int twoD = cufftPlan2d(&plane, 32, 32, CUFFT_C2C);
  twoD = twoD == CUFFT_SUCCESS ? cufftExecC2C(plane, signal, signal, CUFFT_FORWARD) : twoD;
  status(twoD == CUFFT_SUCCESS && cudaDeviceSynchronize() == cudaSuccess, "cufft-2d", twoD);
  cufftDestroy(plane);
  std::size_t estimate = 0;
  int batched = cufftEstimate1d(128, CUFFT_C2C, 8, &estimate);
  cufftHandle many = 0;
  int length[1] = {128};
  std::size_t workSize = 0;
  batched = batched == CUFFT_SUCCESS ? cufftPlanMany(&many, 1, length, nullptr, 1, 128, nullptr, 1, 128, CUFFT_C2C, 8)
                                     : batched;
  batched = batched == CUFFT_SUCCESS ? cufftGetSize(many, &workSize) : batched;
  batched = batched == CUFFT_SUCCESS ? cufftExecC2C(many, signal, signal, CUFFT_FORWARD) : batched;
  status(batched == CUFFT_SUCCESS && cudaDeviceSynchronize() == cudaSuccess, "cufft-plan-many", batched);
  cufftDestroy(many);
  cudaFree(reals);
  cudaFree(halfSpectrum);
  cudaFree(signal);
}

} // namespace

int main() {
  if (!check::ok(cudaSetDevice(0), "set-device")) {
    return check::finish();
  }
  randomNumbers();
  solver();
  sparse();
  deepLearning();
  runtimeCompilation();
  fourierTransform();
  return check::finish();
}
