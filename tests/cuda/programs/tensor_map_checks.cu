// Tensor maps (the Tensor Memory Accelerator's descriptors, Hopper on) through NVIDIA's driver API:
// cuTensorMapEncodeTiled and cuTensorMapEncodeIm2col accept what the driver documents and refuse
// each rule broken, cuTensorMapReplaceAddress keeps the encoding's alignment, devices without
// tensor map access refuse them, and on a GPU a kernel copies a tile through a map with
// cp.async.bulk.tensor (the map the executor's driver encoded, with the guest's device address).
// Prints "pass <check>" / "fail <check> <detail>" (check_report.h).
#include "check_report.h"

#include <cstdint>
#include <cstdio>
#include <cuda.h>
#include <cuda_runtime.h>
#include <vector>

namespace {

constexpr int kSide = 64; // a 64 x 64 float matrix
constexpr int kTile = 32; // 32 x 32 tiles: 128 bytes a row

__global__ void copyTile(const __grid_constant__ CUtensorMap map, float* out, int x, int y) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  __shared__ alignas(128) float tile[kTile * kTile];
  __shared__ alignas(8) std::uint64_t barrier;
  const auto tileAddress = static_cast<unsigned>(__cvta_generic_to_shared(tile));
  const auto barrierAddress = static_cast<unsigned>(__cvta_generic_to_shared(&barrier));
  if (threadIdx.x == 0) {
    asm volatile("mbarrier.init.shared.b64 [%0], 1;" ::"r"(barrierAddress));
    asm volatile("fence.proxy.async.shared::cta;");
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    asm volatile("mbarrier.arrive.expect_tx.shared.b64 _, [%0], %1;" ::"r"(barrierAddress),
                 "r"(static_cast<unsigned>(sizeof tile)));
    asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes [%0], [%1, {%2, "
                 "%3}], [%4];" ::"r"(tileAddress),
                 "l"(&map), "r"(x), "r"(y), "r"(barrierAddress)
                 : "memory");
  }
  asm volatile("{\n"
               ".reg .pred done;\n"
               "wait:\n"
               "mbarrier.try_wait.parity.shared.b64 done, [%0], 0;\n"
               "@!done bra wait;\n"
               "}\n" ::"r"(barrierAddress)
               : "memory");
  for (int i = threadIdx.x; i < kTile * kTile; i += blockDim.x) {
    out[i] = tile[i];
  }
#else
  (void)map;
  (void)out;
  (void)x;
  (void)y;
#endif
}

struct Tiled {
  CUtensorMapDataType type = CU_TENSOR_MAP_DATA_TYPE_FLOAT32;
  cuuint32_t rank = 2;
  CUdeviceptr address = 0;
  cuuint64_t dims[5] = {kSide, kSide, 1, 1, 1};
  cuuint64_t strides[4] = {kSide * sizeof(float), kSide* kSide * sizeof(float), kSide* kSide * sizeof(float),
                           kSide* kSide * sizeof(float)};
  cuuint32_t box[5] = {kTile, kTile, 1, 1, 1};
  cuuint32_t elementStrides[5] = {1, 1, 1, 1, 1};
  CUtensorMapInterleave interleave = CU_TENSOR_MAP_INTERLEAVE_NONE;
  CUtensorMapSwizzle swizzle = CU_TENSOR_MAP_SWIZZLE_NONE;
  CUtensorMapL2promotion l2 = CU_TENSOR_MAP_L2_PROMOTION_L2_128B;
  CUtensorMapFloatOOBfill oob = CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE;

  CUresult encode(CUtensorMap* map) const {
    return cuTensorMapEncodeTiled(map, type, rank, reinterpret_cast<void*>(address), dims, strides, box, elementStrides,
                                  interleave, swizzle, l2, oob);
  }
};

struct Im2col {
  CUtensorMapDataType type = CU_TENSOR_MAP_DATA_TYPE_FLOAT32;
  cuuint32_t rank = 4; // NHWC: C, W, H, N
  CUdeviceptr address = 0;
  cuuint64_t dims[4] = {64, 16, 16, 2};
  cuuint64_t strides[3] = {64 * 4, 64 * 4 * 16, 64 * 4 * 16 * 16};
  int lower[2] = {-1, -1};
  int upper[2] = {-1, -1};
  cuuint32_t channels = 32;
  cuuint32_t pixels = 64;
  cuuint32_t elementStrides[4] = {1, 1, 1, 1};
  CUtensorMapSwizzle swizzle = CU_TENSOR_MAP_SWIZZLE_128B;

  CUresult encode(CUtensorMap* map) const {
    return cuTensorMapEncodeIm2col(map, type, rank, reinterpret_cast<void*>(address), dims, strides, lower, upper,
                                   channels, pixels, elementStrides, CU_TENSOR_MAP_INTERLEAVE_NONE, swizzle,
                                   CU_TENSOR_MAP_L2_PROMOTION_NONE, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  }
};

bool nonZero(const CUtensorMap& map) {
  for (const cuuint64_t word : map.opaque) {
    if (word != 0) {
      return true;
    }
  }
  return false;
}

// Each broken rule alone, from a valid description: refused with CUDA_ERROR_INVALID_VALUE.
template <typename Change> void refused(const Tiled& valid, const char* name, Change change) {
  Tiled broken = valid;
  change(broken);
  CUtensorMap map{};
  const CUresult status = broken.encode(&map);
  char detail[32];
  std::snprintf(detail, sizeof detail, "(%d)", static_cast<int>(status));
  check::report(status == CUDA_ERROR_INVALID_VALUE, name, detail);
}

template <typename Change> void refusedIm2col(const Im2col& valid, const char* name, Change change) {
  Im2col broken = valid;
  change(broken);
  CUtensorMap map{};
  check::report(broken.encode(&map) == CUDA_ERROR_INVALID_VALUE, name);
}

void tiled(CUdeviceptr matrix) {
  Tiled valid;
  valid.address = matrix;
  CUtensorMap map{};
  check::report(valid.encode(&map) == CUDA_SUCCESS && nonZero(map), "tiled-encode");
  Tiled swizzled = valid;
  swizzled.swizzle = CU_TENSOR_MAP_SWIZZLE_128B; // a 128-byte inner box fits the 128-byte span
  CUtensorMap other{};
  check::report(swizzled.encode(&other) == CUDA_SUCCESS, "tiled-encode-swizzle-128b");
  CUtensorMap moved = map;
  check::report(cuTensorMapReplaceAddress(&moved, reinterpret_cast<void*>(matrix + 256)) == CUDA_SUCCESS,
                "replace-address");
  check::report(cuTensorMapReplaceAddress(&moved, reinterpret_cast<void*>(matrix + 8)) == CUDA_ERROR_INVALID_VALUE,
                "replace-address-misaligned-refused");

  refused(valid, "rank-0-refused", [](Tiled& t) { t.rank = 0; });
  refused(valid, "rank-6-refused", [](Tiled& t) { t.rank = 6; });
  refused(valid, "address-misaligned-refused", [](Tiled& t) { t.address += 8; });
  refused(valid, "dim-0-refused", [](Tiled& t) { t.dims[1] = 0; });
  refused(valid, "dim-over-2-32-refused", [](Tiled& t) { t.dims[1] = (cuuint64_t{1} << 32) + 1; });
  refused(valid, "stride-not-16-refused", [](Tiled& t) { t.strides[0] = 8; });
  refused(valid, "stride-2-40-refused", [](Tiled& t) { t.strides[0] = cuuint64_t{1} << 40; });
  refused(valid, "box-0-refused", [](Tiled& t) { t.box[1] = 0; });
  refused(valid, "box-257-refused", [](Tiled& t) { t.box[1] = 257; });
  refused(valid, "box-inner-not-16-bytes-refused", [](Tiled& t) { t.box[0] = 3; });
  refused(valid, "element-stride-0-refused", [](Tiled& t) { t.elementStrides[1] = 0; });
  refused(valid, "element-stride-9-refused", [](Tiled& t) { t.elementStrides[1] = 9; });
  // Values inside each enum's range that name no member (a value outside the range, such as an L2
  // promotion of 4, is undefined behaviour before any driver sees it; the wire test sends those).
  refused(valid, "interleave-unknown-refused", [](Tiled& t) { t.interleave = static_cast<CUtensorMapInterleave>(3); });
  refused(valid, "swizzle-unknown-refused", [](Tiled& t) { t.swizzle = static_cast<CUtensorMapSwizzle>(7); });
  refused(valid, "oob-nan-integer-refused", [](Tiled& t) {
    t.type = CU_TENSOR_MAP_DATA_TYPE_UINT32;
    t.oob = CU_TENSOR_MAP_FLOAT_OOB_FILL_NAN_REQUEST_ZERO_FMA;
  });
  refused(valid, "swizzle-span-exceeded-refused", [](Tiled& t) { t.swizzle = CU_TENSOR_MAP_SWIZZLE_32B; });
  refused(valid, "interleave-rank-2-refused", [](Tiled& t) { t.interleave = CU_TENSOR_MAP_INTERLEAVE_16B; });
  refused(valid, "interleave-32b-needs-swizzle-32b-refused", [](Tiled& t) {
    t.rank = 3;
    t.dims[2] = 2;
    t.interleave = CU_TENSOR_MAP_INTERLEAVE_32B;
    t.swizzle = CU_TENSOR_MAP_SWIZZLE_NONE;
  });
  alignas(128) unsigned char buffer[256] = {};
  check::report(valid.encode(reinterpret_cast<CUtensorMap*>(buffer + 32)) == CUDA_ERROR_INVALID_VALUE,
                "map-misaligned-refused");
}

void im2col(CUdeviceptr images) {
  Im2col valid;
  valid.address = images;
  CUtensorMap map{};
  check::report(valid.encode(&map) == CUDA_SUCCESS && nonZero(map), "im2col-encode");
  refusedIm2col(valid, "im2col-rank-2-refused", [](Im2col& t) { t.rank = 2; });
  refusedIm2col(valid, "im2col-channels-257-refused", [](Im2col& t) { t.channels = 257; });
  refusedIm2col(valid, "im2col-pixels-1025-refused", [](Im2col& t) { t.pixels = 1025; });
  refusedIm2col(valid, "im2col-corner-out-of-range-refused", [](Im2col& t) { t.lower[0] = -129; });
  refusedIm2col(valid, "im2col-swizzle-span-exceeded-refused", [](Im2col& t) { t.channels = 64; });
}

// A tile copied by the Tensor Memory Accelerator through a map (a GPU of compute capability 9.0).
void tmaCopy(CUdeviceptr matrix) {
  if (check::simulated()) {
    check::skip("tma-tile-copy", "kernels do not run on the simulated device");
    return;
  }
  std::vector<float> host(kSide * kSide);
  for (int i = 0; i < kSide * kSide; ++i) {
    host[i] = static_cast<float>(i);
  }
  cuMemcpyHtoD(matrix, host.data(), host.size() * sizeof(float));
  Tiled valid;
  valid.address = matrix;
  CUtensorMap map{};
  float* out = nullptr;
  cudaMalloc(&out, kTile * kTile * sizeof(float));
  const bool encoded = valid.encode(&map) == CUDA_SUCCESS;
  copyTile<<<1, 128>>>(map, out, kTile, 16); // the tile at column 32, row 16
  std::vector<float> tile(kTile * kTile, -1.0f);
  const bool ran = cudaDeviceSynchronize() == cudaSuccess &&
                   cudaMemcpy(tile.data(), out, tile.size() * sizeof(float), cudaMemcpyDeviceToHost) == cudaSuccess;
  bool same = encoded && ran;
  for (int row = 0; same && row < kTile; ++row) {
    for (int column = 0; same && column < kTile; ++column) {
      same = tile[row * kTile + column] == host[(16 + row) * kSide + kTile + column];
    }
  }
  check::report(same, "tma-tile-copy");
  cudaFree(out);
}

} // namespace

int main() {
  if (!check::ok(cudaSetDevice(0), "set-device") || !check::ok(cudaFree(nullptr), "context")) {
    return check::finish();
  }
  int supported = 0;
  cuDeviceGetAttribute(&supported, CU_DEVICE_ATTRIBUTE_TENSOR_MAP_ACCESS_SUPPORTED, 0);
  CUdeviceptr matrix = 0;
  CUdeviceptr images = 0;
  if (!check::ok(cuMemAlloc(&matrix, kSide * kSide * sizeof(float)), "alloc") ||
      !check::ok(cuMemAlloc(&images, 64 * 16 * 16 * 2 * sizeof(float)), "alloc")) {
    return check::finish();
  }
  if (supported == 0) {
    // Before Hopper there is no Tensor Memory Accelerator to encode for.
    Tiled valid;
    valid.address = matrix;
    CUtensorMap map{};
    check::report(valid.encode(&map) == CUDA_ERROR_NOT_SUPPORTED, "tensor-map-not-offered");
  } else {
    tiled(matrix);
    im2col(images);
    tmaCopy(matrix);
  }
  cuMemFree(matrix);
  cuMemFree(images);
  return check::finish();
}
