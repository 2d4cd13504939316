// The exported entry points of libvgpu-cuda, one per row of driver_api_entries.inc: each counts its
// call, errors and latency (traced(), call_statistics.h) and runs its implementation — entry::<symbol>,
// or for a per-thread variant the legacy entry point's implementation with the thread's default
// stream. Their prototypes are cuda.h's: a row that disagrees with cuda.h does not compile.
#include "entry_common.h"

using namespace vgpu::cuda;

// Deprecated entry points (cuDeviceGetProperties, ...) are still part of the driver's ABI.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define ENTRY(symbol, prototype, arguments)                                                                            \
  VGPU_EXPORT CUresult symbol prototype {                                                                              \
    return traced(ApiId::symbol, [&]() -> CUresult { return entry::symbol arguments; });                               \
  }
#define PER_THREAD(symbol, legacy, prototype, arguments)                                                               \
  VGPU_EXPORT CUresult symbol prototype {                                                                              \
    return traced(ApiId::symbol, [&]() -> CUresult { return entry::legacy arguments; });                               \
  }
#include "driver_api_entries.inc"
#undef PER_THREAD
#undef ENTRY

#pragma GCC diagnostic pop
