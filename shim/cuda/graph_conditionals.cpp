// The handles behind graph_conditionals.h: numbered from 1 (0 is never a handle), kept in a map
// under one lock until their graph is destroyed.
#include "graph_conditionals.h"

#include <map>
#include <mutex>

namespace vgpu::cuda::graph_conditionals {
namespace {

struct Handle {
  CUgraph graph = nullptr;
  unsigned defaultValue = 0;
  bool assignDefault = false;
  unsigned value = 0;
};

struct Handles {
  std::mutex mutex;
  CUgraphConditionalHandle next = 1;
  std::map<CUgraphConditionalHandle, Handle> live;
};

Handles& handles() {
  static Handles* const all = new Handles; // never destroyed: used until the last exit-time call
  return *all;
}

} // namespace

CUresult create(CUgraph graph, unsigned defaultValue, unsigned flags, CUgraphConditionalHandle& out) {
  if (flags != 0 && flags != CU_GRAPH_COND_ASSIGN_DEFAULT) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Handles& all = handles();
  const std::lock_guard lock(all.mutex);
  out = all.next++;
  const bool assignDefault = flags == CU_GRAPH_COND_ASSIGN_DEFAULT;
  // Without the flag the value before a launch is undefined in CUDA; here it starts at 0.
  all.live[out] = Handle{graph, defaultValue, assignDefault, assignDefault ? defaultValue : 0};
  return CUDA_SUCCESS;
}

bool graphOf(CUgraphConditionalHandle handle, CUgraph& graph) {
  Handles& all = handles();
  const std::lock_guard lock(all.mutex);
  const auto it = all.live.find(handle);
  if (it == all.live.end()) {
    return false;
  }
  graph = it->second.graph;
  return true;
}

unsigned value(CUgraphConditionalHandle handle) {
  Handles& all = handles();
  const std::lock_guard lock(all.mutex);
  const auto it = all.live.find(handle);
  return it == all.live.end() ? 0 : it->second.value;
}

void launchStarts(CUgraphConditionalHandle handle) {
  Handles& all = handles();
  const std::lock_guard lock(all.mutex);
  if (const auto it = all.live.find(handle); it != all.live.end() && it->second.assignDefault) {
    it->second.value = it->second.defaultValue;
  }
}

void graphDestroyed(CUgraph graph) {
  Handles& all = handles();
  const std::lock_guard lock(all.mutex);
  std::erase_if(all.live, [graph](const auto& entry) { return entry.second.graph == graph; });
}

} // namespace vgpu::cuda::graph_conditionals
