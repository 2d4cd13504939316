// The virtual memory management sequence of ggml's CUDA memory pool (ggml_cuda_pool_vmm): the device
// must report VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED; the pool reserves 32 GiB of address space once
// (cuMemAddressReserve), and grows by whole multiples of the RECOMMENDED allocation granularity:
// cuMemCreate a physical chunk, cuMemMap it at the end of the pool, cuMemRelease the handle at once
// (the mapping keeps the memory), cuMemSetAccess read-write for the device. A kernel then writes a
// buffer that straddles the two chunks; it is read back and checked. At the end the whole pool is
// unmapped with ONE cuMemUnmap spanning both mappings, then the reservation is freed, as ggml does.
#include "check_report.h"

#include <vector>

namespace {

constexpr size_t kReservation = size_t{1} << 35; // ggml's CUDA_POOL_VMM_MAX_SIZE

__global__ void fill(unsigned* data, unsigned count) {
  const unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) {
    data[i] = i * 2654435761u + 7u;
  }
}

struct Pool {
  CUdevice device = 0;
  size_t granularity = 0;
  CUdeviceptr base = 0;
  size_t mapped = 0;
};

// One growth step: a physical chunk of `bytes` mapped at the end of the pool, read-write.
bool grow(Pool& pool, size_t bytes) {
  CUmemAllocationProp properties = {};
  properties.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  properties.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  properties.location.id = pool.device;
  CUmemGenericAllocationHandle handle = 0;
  if (!check::ok(cuMemCreate(&handle, bytes, &properties, 0), "vmm_pool-cuMemCreate")) {
    return false;
  }
  if (!check::ok(cuMemMap(pool.base + pool.mapped, bytes, 0, handle, 0), "vmm_pool-cuMemMap")) {
    cuMemRelease(handle);
    return false;
  }
  if (!check::ok(cuMemRelease(handle), "vmm_pool-cuMemRelease")) {
    return false;
  }
  CUmemAccessDesc access = {};
  access.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  access.location.id = pool.device;
  access.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
  if (!check::ok(cuMemSetAccess(pool.base + pool.mapped, bytes, &access, 1), "vmm_pool-cuMemSetAccess")) {
    cuMemUnmap(pool.base + pool.mapped, bytes);
    return false;
  }
  pool.mapped += bytes;
  return true;
}

// A kernel writes a buffer from the middle of the first chunk into the second; read back, checked.
void straddle(const Pool& pool, size_t firstChunk) {
  const unsigned count = static_cast<unsigned>(firstChunk / sizeof(unsigned)); // half in each chunk
  const CUdeviceptr start = pool.base + firstChunk / 2;
  std::vector<unsigned> host(count, 0);
  const check::Stopwatch watch;
  fill<<<(count + 255) / 256, 256>>>(reinterpret_cast<unsigned*>(start), count);
  if (!check::ok(cudaGetLastError(), "vmm_pool-launch") ||
      !check::ok(cuMemcpyDtoH(host.data(), start, count * sizeof(unsigned)), "vmm_pool-dtoh") ||
      !check::ok(cuCtxSynchronize(), "vmm_pool-sync")) {
    return;
  }
  check::time("vmm_pool-straddling-kernel-and-copy", watch.milliseconds());
  check::pass("vmm_pool-straddling-kernel-api");
  unsigned wrong = 0;
  for (unsigned i = 0; i < count; ++i) {
    wrong += host[i] == i * 2654435761u + 7u ? 0 : 1;
  }
  char detail[64];
  std::snprintf(detail, sizeof detail, "%u of %u words wrong", wrong, count);
  check::result("vmm_pool-straddling-kernel-result", wrong == 0, detail);

  // Copies across the chunk boundary work without kernels, so their bytes are checked everywhere.
  for (unsigned i = 0; i < count; ++i) {
    host[i] = i ^ 0x5a5a5a5au;
  }
  std::vector<unsigned> back(count, 0);
  if (check::ok(cuMemcpyHtoD(start, host.data(), count * sizeof(unsigned)), "vmm_pool-htod") &&
      check::ok(cuMemcpyDtoH(back.data(), start, count * sizeof(unsigned)), "vmm_pool-dtoh")) {
    if (back == host) {
      check::pass("vmm_pool-straddling-copy");
    } else {
      check::fail("vmm_pool-straddling-copy", "bytes read back differ");
    }
  }
}

} // namespace

int main() {
  // The runtime creates and makes current the primary context, as in a ggml process.
  if (!check::ok(cudaFree(nullptr), "vmm_pool-runtime-init")) {
    return check::finish();
  }
  Pool pool;
  int supported = 0;
  if (!check::ok(cuDeviceGet(&pool.device, 0), "vmm_pool-cuDeviceGet") ||
      !check::ok(cuDeviceGetAttribute(&supported, CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED, pool.device),
                 "vmm_pool-attribute")) {
    return check::finish();
  }
  if (supported == 0) {
    check::skip("vmm_pool", "the device reports no virtual memory management (ggml uses its legacy pool)");
    return check::finish();
  }
  check::pass("vmm_pool-supported");
  CUmemAllocationProp properties = {};
  properties.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  properties.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  properties.location.id = pool.device;
  if (!check::ok(cuMemGetAllocationGranularity(&pool.granularity, &properties, CU_MEM_ALLOC_GRANULARITY_RECOMMENDED),
                 "vmm_pool-granularity")) {
    return check::finish();
  }
  std::printf("granularity %zu\n", pool.granularity);
  if (!check::ok(cuMemAddressReserve(&pool.base, kReservation, 0, 0, 0), "vmm_pool-cuMemAddressReserve")) {
    return check::finish();
  }
  check::pass("vmm_pool-reserve-32GiB");
  const size_t firstChunk = 2 * pool.granularity;
  const check::Stopwatch watch;
  const bool grown = grow(pool, firstChunk) && grow(pool, 3 * pool.granularity);
  if (grown) {
    check::time("vmm_pool-grow-2-steps", watch.milliseconds());
    check::pass("vmm_pool-grow");
    straddle(pool, firstChunk);
  }
  if (pool.mapped != 0) {
    if (check::ok(cuMemUnmap(pool.base, pool.mapped), "vmm_pool-cuMemUnmap-whole-pool")) {
      check::pass("vmm_pool-unmap-whole-pool");
    }
  }
  if (check::ok(cuMemAddressFree(pool.base, kReservation), "vmm_pool-cuMemAddressFree")) {
    check::pass("vmm_pool-address-free");
  }
  return check::finish();
}
