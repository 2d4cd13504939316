// Fixture for the module-image tests (tests/module): kernels whose parameter layouts the tests know
// exactly. Built at test-build time with nvcc into cubins, fatbins (plain, LZ4, Zstd) and PTX.
// Changing a signature here means changing the expected layouts in test_module_nvcc.cpp.
struct Triple { // 24 bytes, 8-byte aligned
  double a;
  double b;
  double c;
};
struct GridArgs { // 24 bytes, 8-byte aligned
  int n;
  float scale;
  double bias[2];
};

__device__ int g_counter;
__constant__ float c_table[64];

extern "C" __global__ void k_ptrs(float* out, const float* in, int n) {
  const int i = static_cast<int>(threadIdx.x);
  if (i < n) {
    out[i] = in[i] + c_table[i % 64];
  }
  atomicAdd(&g_counter, 1);
}

extern "C" __global__ void k_mixed(char c, double d, int i, float f, Triple t, long long* p) {
  if (p) {
    *p = c + static_cast<long long>(d + i + f + t.a + t.b + t.c);
  }
}

extern "C" __global__ void k_grid(const __grid_constant__ GridArgs g, float* out) {
  out[threadIdx.x] = g.scale * static_cast<float>(g.n) + static_cast<float>(g.bias[1]);
}

extern "C" __global__ void k_empty() {}

extern "C" __global__ void __launch_bounds__(256) k_bounded(int* out) {
  __shared__ int tile[128];
  tile[threadIdx.x % 128] = static_cast<int>(threadIdx.x);
  __syncthreads();
  out[threadIdx.x] = tile[(threadIdx.x + 1) % 128];
}

template <typename T, int N> __global__ void k_tmpl(T* data, T value) {
  data[threadIdx.x % N] = value;
}
template __global__ void k_tmpl<float, 4>(float*, float);
template __global__ void k_tmpl<double, 8>(double*, double);
