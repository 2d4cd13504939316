// The CUDA libraries applications load besides cuBLAS, as their authors ship them, on the shim:
// cuRAND (a generator and a generation), cuSOLVER (a dense handle and a Cholesky workspace query),
// cuSPARSE (a handle and a CSR descriptor), cuDNN (a handle), NVRTC (compile → cuModuleLoadData →
// cuModuleGetFunction → launch) and cuFFT (a 1D plan and its execution). Prints "pass"/"fail" lines
// like memory_checks; where the simulated device does not run kernels, results are not compared.
// cuFFT's plan is reported as "gap" where the shim cannot answer what it asks (see the test).
#include <cstdio>
#include <cstdlib>
#include <cuda.h>
#include <cuda_runtime.h>
#include <cufft.h>
#include <curand.h>
#include <cusolverDn.h>
#include <cusparse.h>
#include <nvrtc.h>
#include <vector>
#if VGPU_WITH_CUDNN
#include <cudnn.h>
#endif

namespace {

int failures = 0;

void report(bool ok, const char* check, int status) {
  std::printf("%s %s status %d\n", ok ? "pass" : "fail", check, status);
  failures += ok ? 0 : 1;
}

void randomNumbers(float* device) {
  curandGenerator_t generator = nullptr;
  const int created = curandCreateGenerator(&generator, CURAND_RNG_PSEUDO_DEFAULT);
  report(created == CURAND_STATUS_SUCCESS, "curand-create", created);
  if (created == CURAND_STATUS_SUCCESS) {
    const int seeded = curandSetPseudoRandomGeneratorSeed(generator, 1234);
    const int generated = curandGenerateUniform(generator, device, 1024);
    report(seeded == CURAND_STATUS_SUCCESS && generated == CURAND_STATUS_SUCCESS, "curand-generate", generated);
    curandDestroyGenerator(generator);
  }
}

void solver(float* device) {
  cusolverDnHandle_t handle = nullptr;
  const int created = cusolverDnCreate(&handle);
  report(created == CUSOLVER_STATUS_SUCCESS, "cusolver-create", created);
  if (created == CUSOLVER_STATUS_SUCCESS) {
    int workspace = 0;
    const int queried = cusolverDnSpotrf_bufferSize(handle, CUBLAS_FILL_MODE_LOWER, 16, device, 16, &workspace);
    report(queried == CUSOLVER_STATUS_SUCCESS && workspace > 0, "cusolver-potrf-workspace", queried);
    cusolverDnDestroy(handle);
  }
}

void sparse(float* device) {
  cusparseHandle_t handle = nullptr;
  const int created = cusparseCreate(&handle);
  report(created == CUSPARSE_STATUS_SUCCESS, "cusparse-create", created);
  if (created == CUSPARSE_STATUS_SUCCESS) {
    // A 4x4 identity in CSR: row offsets, column indices and values in device memory.
    int* offsets = nullptr;
    int* columns = nullptr;
    cudaMalloc(&offsets, 5 * sizeof(int));
    cudaMalloc(&columns, 4 * sizeof(int));
    const int hostOffsets[5] = {0, 1, 2, 3, 4};
    const int hostColumns[4] = {0, 1, 2, 3};
    cudaMemcpy(offsets, hostOffsets, sizeof hostOffsets, cudaMemcpyHostToDevice);
    cudaMemcpy(columns, hostColumns, sizeof hostColumns, cudaMemcpyHostToDevice);
    cusparseSpMatDescr_t matrix = nullptr;
    const int described = cusparseCreateCsr(&matrix, 4, 4, 4, offsets, columns, device, CUSPARSE_INDEX_32I,
                                            CUSPARSE_INDEX_32I, CUSPARSE_INDEX_BASE_ZERO, CUDA_R_32F);
    report(described == CUSPARSE_STATUS_SUCCESS, "cusparse-csr", described);
    cusparseDestroySpMat(matrix);
    cusparseDestroy(handle);
    cudaFree(offsets);
    cudaFree(columns);
  }
}

void deepLearning() {
#if VGPU_WITH_CUDNN
  cudnnHandle_t handle = nullptr;
  const int created = cudnnCreate(&handle);
  report(created == CUDNN_STATUS_SUCCESS, "cudnn-create", created);
  if (created == CUDNN_STATUS_SUCCESS) {
    cudnnDestroy(handle);
  }
#else
  std::printf("info cudnn-create not built (no cudnn.h in the toolkit)\n");
#endif
}

void runtimeCompilation(float* device) {
  const char* source = "extern \"C\" __global__ void addOne(float* x) { x[threadIdx.x] += 1.0f; }";
  nvrtcProgram program = nullptr;
  int status = nvrtcCreateProgram(&program, source, "add_one.cu", 0, nullptr, nullptr);
  const char* options[] = {"--gpu-architecture=compute_75"};
  status = status == NVRTC_SUCCESS ? nvrtcCompileProgram(program, 1, options) : status;
  report(status == NVRTC_SUCCESS, "nvrtc-compile", status);
  std::size_t size = 0;
  nvrtcGetPTXSize(program, &size);
  std::vector<char> ptx(size);
  nvrtcGetPTX(program, ptx.data());
  nvrtcDestroyProgram(&program);
  CUmodule module = nullptr;
  CUfunction function = nullptr;
  const int loaded = cuModuleLoadData(&module, ptx.data());
  const int found = loaded == CUDA_SUCCESS ? cuModuleGetFunction(&function, module, "addOne") : loaded;
  report(found == CUDA_SUCCESS, "nvrtc-module-load", found);
  void* arguments[] = {&device};
  const int launched =
      found == CUDA_SUCCESS ? cuLaunchKernel(function, 1, 1, 1, 32, 1, 1, 0, nullptr, arguments, nullptr) : found;
  report(launched == CUDA_SUCCESS && cuCtxSynchronize() == CUDA_SUCCESS, "nvrtc-launch", launched);
  cuModuleUnload(module);
}

void fourierTransform(void* device) {
  cufftHandle plan = 0;
  const int planned = cufftPlan1d(&plan, 1024, CUFFT_C2C, 1);
  if (planned != CUFFT_SUCCESS) {
    std::printf("gap cufft-plan status %d\n", planned);
    return;
  }
  report(true, "cufft-plan", planned);
  auto* data = static_cast<cufftComplex*>(device);
  const int executed = cufftExecC2C(plan, data, data, CUFFT_FORWARD);
  report(executed == CUFFT_SUCCESS && cudaDeviceSynchronize() == cudaSuccess, "cufft-exec", executed);
  cufftDestroy(plan);
}

} // namespace

int main() {
  if (cudaSetDevice(0) != cudaSuccess) {
    std::printf("fail set-device\n");
    return 1;
  }
  float* device = nullptr;
  if (cudaMalloc(&device, 1 << 20) != cudaSuccess) {
    std::printf("fail malloc\n");
    return 1;
  }
  randomNumbers(device);
  solver(device);
  sparse(device);
  deepLearning();
  runtimeCompilation(device);
  fourierTransform(device);
  cudaFree(device);
  std::printf("%s %d failure(s)\n", failures == 0 ? "ok" : "failed", failures);
  return failures == 0 ? 0 : 1;
}
