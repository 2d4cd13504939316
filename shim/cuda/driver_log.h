// The driver's error log (CUDA 12.9's cuLogs* calls): the shim's own Error and Warn messages —
// why a call was refused or is not built, what the configuration lacked — kept whatever VGPU_LOG
// says, so a program can read them (cuLogsDumpToMemory, cuLogsDumpToFile) or be called with each
// (cuLogsRegisterCallback). Bounded as NVIDIA's is: at most kMaxBytes of messages, the oldest
// overwritten first, and a dump says when some were lost. Created at cuInit or the first cuLogs
// call, never at load time, and never destroyed. Callbacks run on the thread that logged, often
// inside a driver call: like a stream's host function, a callback must not call CUDA (a call it
// makes that logs again is kept, but does not call the callbacks again).
#pragma once

#include "vgpu/log.h"

#include <cstddef>
#include <cuda.h>
#include <string>
#include <string_view>

namespace vgpu::cuda::driver_log {

constexpr std::size_t kMaxBytes = 25600;       // NVIDIA's documented buffer size
constexpr std::size_t kMaxMessageBytes = 1024; // a longer message is cut
constexpr std::size_t kMaxCallbacks = 64;

// Starts keeping the shim's messages (installs the log sink); idempotent.
void start();

// Keeps one message (and calls the registered callbacks with it).
void record(CUlogLevel level, std::string_view text);

CUresult registerCallback(CUlogsCallback callback, void* userData, CUlogsCallbackHandle* handle);
CUresult unregisterCallback(CUlogsCallbackHandle handle);
// Where the next message will be.
CUlogIterator current();

// The messages from `*iterator` (all kept ones when null), each ending in a newline, led by a line
// saying how many were lost where the iterator points before the oldest kept one; advances it.
std::string dump(CUlogIterator* iterator);
// The same into `buffer` of `*size` bytes, NUL-terminated: when not everything fits, a line says
// so and the most recent messages that fit follow it; INVALID_VALUE when not even one fits.
CUresult dumpToMemory(CUlogIterator* iterator, char* buffer, std::size_t* size);

} // namespace vgpu::cuda::driver_log
