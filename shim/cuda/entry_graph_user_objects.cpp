// User objects and the references graphs and executables hold on them (graph_user_objects.h). A
// destructor runs in the call that drops the last reference, outside the shim's locks, as the
// driver's may run on another thread: it must not call CUDA (CUDA documents the same rule).
#include "entry_common.h"
#include "graph.h"
#include "graph_user_objects.h"

#include <map>
#include <memory>
#include <mutex>
#include <vector>

struct CUuserObject_st {
  void* pointer = nullptr;
  CUhostFn destroy = nullptr;
  unsigned long long references = 0; // the caller's, the graphs' and the executables', together
};

using namespace vgpu::cuda;

namespace {

// Every live user object, and the references each graph or executable holds.
struct Registry {
  std::mutex mutex;
  std::map<CUuserObject, std::unique_ptr<CUuserObject_st>> objects;
  std::map<const void*, std::map<CUuserObject, unsigned>> held; // by graph or executable
};

Registry& registry() {
  static Registry* instance = new Registry; // never destroyed: destructors may run at exit
  return *instance;
}

struct Destructor {
  CUhostFn destroy;
  void* pointer;
};

// Drops `count` references of `object` (the caller holds the lock); a destructor to run when it was
// the last. False when the object holds fewer.
bool drop(Registry& objects, CUuserObject object, unsigned long long count, std::vector<Destructor>& due) {
  const auto found = objects.objects.find(object);
  if (found == objects.objects.end() || found->second->references < count) {
    return false;
  }
  found->second->references -= count;
  if (found->second->references == 0) {
    due.push_back({found->second->destroy, found->second->pointer});
    objects.objects.erase(found);
  }
  return true;
}

void runDestructors(const std::vector<Destructor>& due) {
  for (const Destructor& destructor : due) {
    destructor.destroy(destructor.pointer);
  }
}

// Drops every reference `owner` holds.
void dropAll(const void* owner) {
  std::vector<Destructor> due;
  {
    Registry& objects = registry();
    const std::lock_guard lock(objects.mutex);
    const auto found = objects.held.find(owner);
    if (found == objects.held.end()) {
      return;
    }
    for (const auto& [object, count] : found->second) {
      drop(objects, object, count, due);
    }
    objects.held.erase(found);
  }
  runDestructors(due);
}

// The references of `graph` and of the child graphs under it, added to `into` (depth-limited as
// instantiation is).
void collectTree(Registry& objects, CUgraph graph, std::map<CUuserObject, unsigned>& into, int depth) {
  if (depth > 16) {
    return;
  }
  if (const auto found = objects.held.find(graph); found != objects.held.end()) {
    for (const auto& [object, count] : found->second) {
      into[object] += count;
    }
  }
  CUgraph_st* object = state().graphs.find(graph);
  if (object == nullptr) {
    return;
  }
  const std::lock_guard lock(object->mutex);
  for (const auto& node : object->nodes) {
    if (node->type == CU_GRAPH_NODE_TYPE_GRAPH) {
      collectTree(objects, node->childGraph, into, depth + 1);
    }
  }
}

} // namespace

namespace vgpu::cuda::user_objects {

void executableInstantiated(CUgraph graph, CUgraphExec exec) {
  Registry& objects = registry();
  const std::lock_guard lock(objects.mutex);
  std::map<CUuserObject, unsigned> references;
  collectTree(objects, graph, references, 0);
  if (references.empty()) {
    return;
  }
  for (const auto& [object, count] : references) {
    objects.objects[object]->references += count;
  }
  objects.held[exec] = std::move(references);
}

void executableDestroyed(CUgraphExec exec, int device) {
  {
    Registry& objects = registry();
    const std::lock_guard lock(objects.mutex);
    if (objects.held.find(exec) == objects.held.end()) {
      return;
    }
  }
  // Launches of the executable may still be running; their objects must outlive them.
  (void)state().backend().deviceSynchronize(device);
  dropAll(exec);
}

void graphDestroyed(CUgraph graph) {
  dropAll(graph);
}

void graphCloned(CUgraph original, CUgraph copy) {
  Registry& objects = registry();
  const std::lock_guard lock(objects.mutex);
  const auto found = objects.held.find(original);
  if (found == objects.held.end()) {
    return;
  }
  for (const auto& [object, count] : found->second) {
    objects.objects[object]->references += count;
  }
  objects.held[copy] = found->second;
}

} // namespace vgpu::cuda::user_objects

CUresult entry::cuUserObjectCreate(CUuserObject* object, void* pointer, CUhostFn destroy, unsigned int initialRefcount,
                                   unsigned int flags) {
  VGPU_REQUIRE_OUT(object);
  VGPU_REQUIRE_INIT();
  // CUDA requires the flag that says destructors are not synchronized with any CUDA handle.
  if (destroy == nullptr || initialRefcount == 0 || flags != CU_USER_OBJECT_NO_DESTRUCTOR_SYNC) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  auto created = std::make_unique<CUuserObject_st>();
  created->pointer = pointer;
  created->destroy = destroy;
  created->references = initialRefcount;
  Registry& objects = registry();
  const std::lock_guard lock(objects.mutex);
  *object = created.get();
  objects.objects.emplace(created.get(), std::move(created));
  return CUDA_SUCCESS;
}

CUresult entry::cuUserObjectRetain(CUuserObject object, unsigned int count) {
  VGPU_REQUIRE_INIT();
  Registry& objects = registry();
  const std::lock_guard lock(objects.mutex);
  const auto found = objects.objects.find(object);
  if (found == objects.objects.end() || count == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  found->second->references += count;
  return CUDA_SUCCESS;
}

CUresult entry::cuUserObjectRelease(CUuserObject object, unsigned int count) {
  VGPU_REQUIRE_INIT();
  std::vector<Destructor> due;
  {
    Registry& objects = registry();
    const std::lock_guard lock(objects.mutex);
    if (count == 0 || !drop(objects, object, count, due)) {
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  runDestructors(due);
  return CUDA_SUCCESS;
}

// With CU_GRAPH_USER_OBJECT_MOVE the caller's references pass to the graph; without it the graph
// takes new ones.
CUresult entry::cuGraphRetainUserObject(CUgraph graph, CUuserObject object, unsigned int count, unsigned int flags) {
  VGPU_REQUIRE_INIT();
  if (state().graphs.find(graph) == nullptr || count == 0 ||
      (flags & ~static_cast<unsigned>(CU_GRAPH_USER_OBJECT_MOVE)) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Registry& objects = registry();
  const std::lock_guard lock(objects.mutex);
  const auto found = objects.objects.find(object);
  if (found == objects.objects.end()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if ((flags & CU_GRAPH_USER_OBJECT_MOVE) == 0) {
    found->second->references += count;
  }
  objects.held[graph][object] += count;
  return CUDA_SUCCESS;
}

CUresult entry::cuGraphReleaseUserObject(CUgraph graph, CUuserObject object, unsigned int count) {
  VGPU_REQUIRE_INIT();
  if (state().graphs.find(graph) == nullptr || count == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::vector<Destructor> due;
  {
    Registry& objects = registry();
    const std::lock_guard lock(objects.mutex);
    const auto owner = objects.held.find(graph);
    if (owner == objects.held.end()) {
      return CUDA_ERROR_INVALID_VALUE;
    }
    const auto reference = owner->second.find(object);
    if (reference == owner->second.end() || reference->second < count || !drop(objects, object, count, due)) {
      return CUDA_ERROR_INVALID_VALUE; // the graph holds fewer references than that
    }
    reference->second -= count;
    if (reference->second == 0) {
      owner->second.erase(reference);
    }
  }
  runDestructors(due);
  return CUDA_SUCCESS;
}
