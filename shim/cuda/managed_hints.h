// What the application told the Unified Memory driver about its managed memory, as
// cuMemRangeGetAttribute reports it back: per CPU page, read-mostly, the preferred location, the
// processors it is accessed by (cuMemAdvise) and the last location it was prefetched to
// (cuMemPrefetchAsync and its batch forms). Ranges are rounded out to whole pages, as the driver
// documents. On the simulated device managed memory is one host mapping that both sides use, so the
// hints move nothing; they are kept and reported exactly. Kept per allocation and dropped when it
// is freed. Thread-safe.
#pragma once

#include <cuda.h>

#include <cstddef>
#include <cstdint>

namespace vgpu::cuda::managed_hints {

inline constexpr std::size_t kPageBytes = 4096; // the CPU page size the driver rounds ranges to

// A location as the driver names one; HOST_NUMA_CURRENT is resolved by the caller.
struct Location {
  CUmemLocationType type = CU_MEM_LOCATION_TYPE_INVALID;
  int id = 0;
  bool operator==(const Location&) const = default;
};

// [start, start + bytes) of the managed allocation [base, base + size); the caller checked that
// the range lies inside it and that the location is valid for the advice.
CUresult advise(CUdeviceptr base, std::size_t size, CUdeviceptr start, std::size_t bytes, CUmem_advise advice,
                Location location);
void prefetched(CUdeviceptr base, std::size_t size, CUdeviceptr start, std::size_t bytes, Location location);
// One cuMemRangeGetAttribute answer; INVALID_VALUE for an unknown attribute or a wrong dataSize.
CUresult attribute(CUdeviceptr base, std::size_t size, CUdeviceptr start, std::size_t bytes,
                   CUmem_range_attribute attribute, void* data, std::size_t dataSize);
// The allocation at `base` was freed: its hints go with it.
void forget(CUdeviceptr base);

} // namespace vgpu::cuda::managed_hints
