// Conditional handles in a graph run whole on the GPU (cuda_backend_graphs.cpp): the application's
// kernels were given the driver layer's handle values as parameters, but the executor's driver
// graph has handles of its own. A kernel's whole 8-byte parameter that holds one of the guest's
// values gets the executor's handle instead. The guest's values carry a tag and its process id
// (graph_conditionals.cpp), so an ordinary argument is not taken for one; a handle passed inside a
// struct or through memory is not seen, and is documented as such (docs/wire-protocol.md).
#pragma once

#include "backend/execution_backend.h"

#include <cstring>
#include <span>
#include <vector>

namespace vgpu::daemon {

// Rewrites `parameters` (packed per `layout`) in place; the count of parameters replaced.
inline std::size_t replaceConditionalHandles(std::vector<std::uint8_t>& parameters,
                                             std::span<const cuda::KernelParameter> layout,
                                             std::span<const cuda::GraphConditionalHandle> guest,
                                             std::span<const CUgraphConditionalHandle> executor) {
  std::size_t replaced = 0;
  for (const cuda::KernelParameter& parameter : layout) {
    if (parameter.size != sizeof(std::uint64_t) ||
        std::size_t{parameter.offset} + sizeof(std::uint64_t) > parameters.size()) {
      continue;
    }
    std::uint64_t value = 0;
    std::memcpy(&value, parameters.data() + parameter.offset, sizeof value);
    for (std::size_t h = 0; h < guest.size() && h < executor.size(); ++h) {
      if (value == guest[h].value) {
        const std::uint64_t mine = executor[h];
        std::memcpy(parameters.data() + parameter.offset, &mine, sizeof mine);
        ++replaced;
        break;
      }
    }
  }
  return replaced;
}

} // namespace vgpu::daemon
