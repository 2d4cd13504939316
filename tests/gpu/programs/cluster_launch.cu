// A thread-block-cluster launch (compute capability 9.0): cudaLaunchKernelEx with a cluster of 2
// blocks; each block reads its partner's shared memory through distributed shared memory. Launched
// without its cluster the kernel still runs but reads its own value: the result shows whether the
// cluster reached the GPU (through vgpud: the LaunchEx call).
#include "check_report.h"

#include <cooperative_groups.h>
#include <vector>

namespace cg = cooperative_groups;

namespace {

constexpr int kBlocks = 64;

__global__ void pairSum(const int* in, int* out) {
#if __CUDA_ARCH__ >= 900
  __shared__ int value;
  cg::cluster_group cluster = cg::this_cluster();
  if (threadIdx.x == 0) {
    value = in[blockIdx.x];
  }
  cluster.sync();
  const int* partner = cluster.map_shared_rank(&value, (cluster.block_rank() + 1) % cluster.num_blocks());
  if (threadIdx.x == 0) {
    out[blockIdx.x] = value + *partner;
  }
  cluster.sync(); // the partner's shared memory must outlive the read
#endif
}

} // namespace

int main() {
  int major = 0;
  if (!check::ok(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, 0), "cluster_launch-cc")) {
    return check::finish();
  }
  if (major < 9) {
    check::skip("cluster_launch-api", "thread-block clusters need compute capability 9.0");
    return check::finish();
  }
  std::vector<int> host(kBlocks);
  for (int i = 0; i < kBlocks; ++i) {
    host[static_cast<size_t>(i)] = i;
  }
  int* in = nullptr;
  int* out = nullptr;
  if (!check::ok(cudaMalloc(&in, kBlocks * sizeof(int)), "cluster_launch-malloc") ||
      !check::ok(cudaMalloc(&out, kBlocks * sizeof(int)), "cluster_launch-malloc") ||
      !check::ok(cudaMemcpy(in, host.data(), kBlocks * sizeof(int), cudaMemcpyHostToDevice), "cluster_launch-h2d") ||
      !check::ok(cudaMemset(out, 0, kBlocks * sizeof(int)), "cluster_launch-memset")) {
    return check::finish();
  }
  cudaLaunchConfig_t config{};
  config.gridDim = dim3(kBlocks);
  config.blockDim = dim3(32);
  cudaLaunchAttribute cluster[1];
  cluster[0].id = cudaLaunchAttributeClusterDimension;
  cluster[0].val.clusterDim.x = 2;
  cluster[0].val.clusterDim.y = 1;
  cluster[0].val.clusterDim.z = 1;
  config.attrs = cluster;
  config.numAttrs = 1;
  const int* constIn = in;
  if (!check::ok(cudaLaunchKernelEx(&config, pairSum, constIn, out), "cluster_launch-api") ||
      !check::ok(cudaDeviceSynchronize(), "cluster_launch-synchronize")) {
    return check::finish();
  }
  check::pass("cluster_launch-api");
  std::vector<int> result(kBlocks);
  if (check::ok(cudaMemcpy(result.data(), out, kBlocks * sizeof(int), cudaMemcpyDeviceToHost), "cluster_launch-d2h")) {
    int wrong = 0;
    for (int b = 0; b < kBlocks; ++b) {
      wrong += result[static_cast<size_t>(b)] == b + (b ^ 1) ? 0 : 1;
    }
    char detail[96];
    std::snprintf(detail, sizeof detail, "%d of %d blocks wrong (block 0 read %d, expected 1)", wrong, kBlocks,
                  result[0]);
    check::result("cluster_launch-partner-sums", wrong == 0, detail);
  }
  cudaFree(in);
  cudaFree(out);
  return check::finish();
}
