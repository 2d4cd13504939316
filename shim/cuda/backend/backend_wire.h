// The execution backend's structs as vgpud's replies carry them (vgpu/wire_calls.h), converted in
// one place for both sides: vgpud fills a reply from its backend's struct, the shim's remote
// backend turns the reply back into the same struct. A field added to one side and not here
// fails test_vgpud_sessions' round trips.
#pragma once

#include "backend/execution_backend.h"

#include "vgpu/wire_calls.h"

namespace vgpu::cuda {

using ModuleFunctionReply = wire::ReplyOf<wire::Call::ModuleFunction>;

inline ModuleFunctionReply kernelInfoToWire(BackendFunction function, const KernelInfo& info) {
  ModuleFunctionReply reply;
  reply.function = function;
  reply.name.value = info.name;
  for (const KernelParameter& parameter : info.parameters) {
    reply.parameters.items.push_back({parameter.offset, parameter.size});
  }
  reply.parameterBufferSize = info.parameterBufferSize;
  reply.maxThreadsPerBlock = info.maxThreadsPerBlock;
  reply.sharedSizeBytes = info.sharedSizeBytes;
  reply.constSizeBytes = info.constSizeBytes;
  reply.localSizeBytes = info.localSizeBytes;
  reply.numRegs = info.numRegs;
  reply.fromPtx = info.fromPtx ? 1 : 0;
  return reply;
}

inline KernelInfo kernelInfoFromWire(ModuleFunctionReply reply) {
  KernelInfo info;
  info.name = std::move(reply.name.value);
  for (const wire::calls::KernelParameterField& parameter : reply.parameters.items) {
    info.parameters.push_back({parameter.offset, parameter.size});
  }
  info.parameterBufferSize = reply.parameterBufferSize;
  info.maxThreadsPerBlock = reply.maxThreadsPerBlock;
  info.sharedSizeBytes = reply.sharedSizeBytes;
  info.constSizeBytes = reply.constSizeBytes;
  info.localSizeBytes = reply.localSizeBytes;
  info.numRegs = reply.numRegs;
  info.fromPtx = reply.fromPtx != 0;
  return info;
}

// PointerInfo: everything but the host address, which is the asking process's own.
inline wire::ReplyOf<wire::Call::PointerInfo> pointerInfoToWire(const PointerInfo& info) {
  return {static_cast<std::uint8_t>(info.kind), info.base, info.size, static_cast<std::int32_t>(info.device),
          info.allocationId};
}

inline PointerInfo pointerInfoFromWire(const wire::ReplyOf<wire::Call::PointerInfo>& reply) {
  PointerInfo info;
  info.kind = static_cast<MemoryKind>(reply.kind);
  info.base = reply.base;
  info.size = reply.size;
  info.device = reply.device;
  info.allocationId = reply.allocationId;
  return info;
}

inline wire::ReplyOf<wire::Call::MemUsage> memoryUsageToWire(const MemoryUsage& usage) {
  return {usage.usedBytes, usage.totalBytes, usage.peakBytes, usage.allocationCount};
}

inline MemoryUsage memoryUsageFromWire(const wire::ReplyOf<wire::Call::MemUsage>& reply) {
  return {reply.usedBytes, reply.totalBytes, reply.peakBytes, reply.allocationCount};
}

inline wire::ReplyOf<wire::Call::Counters> countersToWire(const BackendCounters& counters) {
  return {counters.kernelLaunches, counters.bytesHostToDevice, counters.bytesDeviceToHost, counters.bytesDeviceToDevice,
          counters.memsets};
}

inline BackendCounters countersFromWire(const wire::ReplyOf<wire::Call::Counters>& reply) {
  return {reply.kernelLaunches, reply.bytesHostToDevice, reply.bytesDeviceToHost, reply.bytesDeviceToDevice,
          reply.memsets};
}

} // namespace vgpu::cuda
