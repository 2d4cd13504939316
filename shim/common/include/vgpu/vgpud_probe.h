// Whether vgpud answers at an endpoint: one wire-protocol Version request (answered before any
// hello or token, so it works on every transport), bounded in time. The NVML shim uses it to
// present devices only when the executor that would run their work is there.
#pragma once

#include <string>

namespace vgpu {

// Connects to `endpoint` (unix:PATH, tcp:HOST:PORT, vsock:CID:PORT), asks vgpud's version and
// checks that it speaks this build's wire protocol. Every connect, send and receive is bounded by
// `timeoutMilliseconds`. On false, `error` says why and names the endpoint, as the CUDA shim's
// "cannot reach vgpud at ..." does.
bool vgpudAnswers(const std::string& endpoint, int timeoutMilliseconds, std::string& error);

} // namespace vgpu
