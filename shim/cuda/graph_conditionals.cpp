// The handles behind graph_conditionals.h, kept in a map under one lock until their graph is
// destroyed. A handle's value carries a tag and this process's id above a counter: a GPU executor
// replaces the handles it finds among a kernel node's parameters with its own driver's
// (GraphConditionalHandle), so they must not look like the small numbers kernels are also given,
// nor like another process's handles (vgpud's driver double is this library too).
#include "graph_conditionals.h"

#include <map>
#include <mutex>
#include <unistd.h>

namespace vgpu::cuda::graph_conditionals {
namespace {

struct Handle {
  CUgraph graph = nullptr; // nullptr once the graph is destroyed while executables still use it
  unsigned defaultValue = 0;
  bool assignDefault = false;
  unsigned value = 0;
  unsigned executables = 0; // instantiated graphs whose conditional nodes use it
};

constexpr CUgraphConditionalHandle kTag = CUgraphConditionalHandle{0x5647} << 48; // "VG"

struct Handles {
  std::mutex mutex;
  CUgraphConditionalHandle next =
      kTag | (static_cast<CUgraphConditionalHandle>(static_cast<std::uint32_t>(::getpid()) & 0xffffu) << 32) | 1;
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
  if (it == all.live.end() || it->second.graph == nullptr) {
    return false;
  }
  graph = it->second.graph;
  return true;
}

bool describe(CUgraphConditionalHandle handle, unsigned& defaultValue, unsigned& flags) {
  Handles& all = handles();
  const std::lock_guard lock(all.mutex);
  const auto it = all.live.find(handle);
  if (it == all.live.end()) {
    return false;
  }
  defaultValue = it->second.defaultValue;
  flags = it->second.assignDefault ? CU_GRAPH_COND_ASSIGN_DEFAULT : 0;
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

void retain(CUgraphConditionalHandle handle) {
  Handles& all = handles();
  const std::lock_guard lock(all.mutex);
  if (const auto it = all.live.find(handle); it != all.live.end()) {
    ++it->second.executables;
  }
}

void release(CUgraphConditionalHandle handle) {
  Handles& all = handles();
  const std::lock_guard lock(all.mutex);
  const auto it = all.live.find(handle);
  if (it != all.live.end() && it->second.executables > 0 && --it->second.executables == 0 &&
      it->second.graph == nullptr) {
    all.live.erase(it);
  }
}

void graphDestroyed(CUgraph graph) {
  Handles& all = handles();
  const std::lock_guard lock(all.mutex);
  for (auto it = all.live.begin(); it != all.live.end();) {
    if (it->second.graph != graph) {
      ++it;
    } else if (it->second.executables > 0) {
      it->second.graph = nullptr; // an executable keeps its own copy of the graph, handles included
      ++it;
    } else {
      it = all.live.erase(it);
    }
  }
}

} // namespace vgpu::cuda::graph_conditionals
