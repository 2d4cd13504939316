// Conditional handles in graphs run whole (shim/vgpud/graph_handles.h): a kernel's whole 8-byte
// parameter holding one of the application's handle values gets the executor's handle; other
// parameters, other sizes and values that are not handles are left as they are.
#include <catch2/catch.hpp>

#include "graph_handles.h"

#include <cstring>

namespace {

std::uint64_t wordAt(const std::vector<std::uint8_t>& bytes, std::size_t offset) {
  std::uint64_t value = 0;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

} // namespace

TEST_CASE("graph handles: the application's handle values in kernel parameters become the executor's") {
  // (int* data @0, handle @8, unsigned count @16, handle-sized but not a handle @24, second handle @32)
  const std::vector<vgpu::cuda::KernelParameter> layout = {{0, 8}, {8, 8}, {16, 4}, {24, 8}, {32, 8}};
  const std::vector<vgpu::cuda::GraphConditionalHandle> guest = {{0x5647123400000001ull, 1, 0},
                                                                 {0x5647123400000002ull, 0, 0}};
  const std::vector<CUgraphConditionalHandle> executor = {0xabc, 0xdef};
  std::vector<std::uint8_t> parameters(40, 0);
  const std::uint64_t values[] = {0x7f0000001000ull, guest[0].value, 0, 42, guest[1].value};
  for (std::size_t i = 0; i < layout.size(); ++i) {
    std::memcpy(parameters.data() + layout[i].offset, &values[i], layout[i].size);
  }
  const std::uint32_t count = static_cast<std::uint32_t>(guest[1].value); // a 4-byte parameter: never a handle
  std::memcpy(parameters.data() + 16, &count, sizeof count);
  CHECK(vgpu::daemon::replaceConditionalHandles(parameters, layout, guest, executor) == 2);
  CHECK(wordAt(parameters, 0) == 0x7f0000001000ull);
  CHECK(wordAt(parameters, 8) == 0xabc);
  std::uint32_t four = 0;
  std::memcpy(&four, parameters.data() + 16, sizeof four);
  CHECK(four == count);
  CHECK(wordAt(parameters, 24) == 42);
  CHECK(wordAt(parameters, 32) == 0xdef);
  // A graph without handles, and a layout past the buffer: nothing changes.
  std::vector<std::uint8_t> before = parameters;
  CHECK(vgpu::daemon::replaceConditionalHandles(parameters, layout, {}, {}) == 0);
  CHECK(parameters == before);
  const std::vector<vgpu::cuda::KernelParameter> past = {{36, 8}};
  CHECK(vgpu::daemon::replaceConditionalHandles(parameters, past, guest, executor) == 0);
  CHECK(parameters == before);
}
