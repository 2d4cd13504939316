// The implementations of the entry points listed in driver_api_entries.inc, declared from that
// list: each ENTRY row's `CUresult entry::<symbol>(prototype)` is defined in its family's
// entry_<family>.cpp (a missing or mismatched definition does not compile or link). The exported
// functions that count a call and run these are generated from the same list (entry_exports.cpp).
// An implementation calls another entry point as ::cuX, the exported function (counted once, as
// the outermost call): a plain cuX would be ambiguous, since argument-dependent lookup also finds
// cuda.h's declaration.
#pragma once

#include "entry_points.h"

namespace vgpu::cuda::entry {

#define ENTRY(symbol, prototype, arguments) CUresult symbol prototype;
#define PER_THREAD(symbol, legacy, prototype, arguments)
#include "driver_api_entries.inc"
#undef PER_THREAD
#undef ENTRY

} // namespace vgpu::cuda::entry
