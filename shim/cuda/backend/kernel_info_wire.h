// A kernel's description as ModuleFunction's reply carries it (vgpu/wire_calls.h), converted in
// one place for both sides: vgpud fills the reply from its backend's KernelInfo, the shim turns
// the reply back into the KernelInfo its launches check parameters against.
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

} // namespace vgpu::cuda
