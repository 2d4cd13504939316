// cuGraphDebugDotPrint: the graph as a Graphviz DOT file (what torch.cuda.CUDAGraph.debug_dump
// writes): one box per node with its kind and main parameters, one arrow per dependency, child
// graphs and conditional bodies as nested clusters. The file is the caller's own path, written
// as the process that called; CUDA_ERROR_OPERATING_SYSTEM when it cannot be written.
#include "entry_common.h"
#include "graph.h"

#include <cstdio>
#include <map>
#include <string>

using namespace vgpu::cuda;

namespace {

const char* kindName(CUgraphNodeType type) {
  switch (type) {
  case CU_GRAPH_NODE_TYPE_KERNEL: return "KERNEL";
  case CU_GRAPH_NODE_TYPE_MEMCPY: return "MEMCPY";
  case CU_GRAPH_NODE_TYPE_MEMSET: return "MEMSET";
  case CU_GRAPH_NODE_TYPE_HOST: return "HOST";
  case CU_GRAPH_NODE_TYPE_GRAPH: return "GRAPH";
  case CU_GRAPH_NODE_TYPE_EMPTY: return "EMPTY";
  case CU_GRAPH_NODE_TYPE_WAIT_EVENT: return "WAIT_EVENT";
  case CU_GRAPH_NODE_TYPE_EVENT_RECORD: return "EVENT_RECORD";
  case CU_GRAPH_NODE_TYPE_MEM_ALLOC: return "MEM_ALLOC";
  case CU_GRAPH_NODE_TYPE_MEM_FREE: return "MEM_FREE";
  case CU_GRAPH_NODE_TYPE_CONDITIONAL: return "CONDITIONAL";
  case CU_GRAPH_NODE_TYPE_BATCH_MEM_OP: return "BATCH_MEM_OP";
  default: return "OTHER";
  }
}

// What the box says beyond the kind: the kernel's name and launch shape, a copy's or memset's size.
std::string detail(const GraphNode& node) {
  const Operation& operation = node.operation;
  char text[320] = {};
  switch (node.type) {
  case CU_GRAPH_NODE_TYPE_KERNEL: {
    const CUfunc_st* function = state().functions.find(operation.function);
    const std::string name = function != nullptr && function->info != nullptr ? function->info->name : "?";
    std::snprintf(text, sizeof text, "\\n%.200s\\ngrid (%u, %u, %u) block (%u, %u, %u) shared %u", name.c_str(),
                  operation.launch.gridX, operation.launch.gridY, operation.launch.gridZ, operation.launch.blockX,
                  operation.launch.blockY, operation.launch.blockZ, operation.launch.sharedMemBytes);
    break;
  }
  case CU_GRAPH_NODE_TYPE_MEMCPY:
    std::snprintf(text, sizeof text, "\\n%s to %s, %zu x %zu bytes", operation.copySrc.isDevice ? "device" : "host",
                  operation.copyDst.isDevice ? "device" : "host", operation.widthBytes, operation.height);
    break;
  case CU_GRAPH_NODE_TYPE_MEMSET:
    std::snprintf(text, sizeof text, "\\n%zu x %zu elements of %u bytes = %#x", operation.memsetWidthElements,
                  operation.height, operation.memsetElementSize, operation.memsetValue);
    break;
  default: break;
  }
  return text;
}

// Writes the nodes of `graph` and its dependencies; child graphs and bodies recursively as
// clusters. `names` numbers every node written.
void writeGraph(std::FILE* out, CUgraph graph, std::map<CUgraphNode, int>& names, int depth) {
  CUgraph_st* object = state().graphs.find(graph);
  if (object == nullptr || depth > 16) {
    return;
  }
  const std::lock_guard lock(object->mutex);
  for (const auto& node : object->nodes) {
    const int name = static_cast<int>(names.size());
    names[node.get()] = name;
    std::fprintf(out, "%*sn%d [shape=box label=\"%d %s%s\"];\n", 2 * depth + 2, "", name, name, kindName(node->type),
                 detail(*node).c_str());
    std::vector<CUgraph> inner;
    if (node->type == CU_GRAPH_NODE_TYPE_GRAPH) {
      inner.push_back(node->childGraph);
    }
    inner.insert(inner.end(), node->bodies.begin(), node->bodies.end());
    for (CUgraph child : inner) {
      std::fprintf(out, "%*ssubgraph cluster_n%d_%zu {\n%*slabel=\"node %d's graph\";\n", 2 * depth + 2, "", name,
                   names.size(), 2 * depth + 4, "", name);
      writeGraph(out, child, names, depth + 1);
      std::fprintf(out, "%*s}\n", 2 * depth + 2, "");
    }
  }
  for (const auto& node : object->nodes) {
    for (CUgraphNode dependency : node->dependencies) {
      std::fprintf(out, "%*sn%d -> n%d;\n", 2 * depth + 2, "", names[dependency], names[node.get()]);
    }
  }
}

} // namespace

CUresult entry::cuGraphDebugDotPrint(CUgraph graph, const char* path, unsigned int /*flags*/) {
  VGPU_REQUIRE_INIT();
  if (path == nullptr || state().graphs.find(graph) == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::FILE* out = std::fopen(path, "we");
  if (out == nullptr) {
    return CUDA_ERROR_OPERATING_SYSTEM;
  }
  std::map<CUgraphNode, int> names;
  std::fprintf(out, "digraph vgpu_graph {\n  label=\"CUDA graph (vgpu)\";\n");
  writeGraph(out, graph, names, 0);
  std::fprintf(out, "}\n");
  const bool written = std::ferror(out) == 0;
  return std::fclose(out) == 0 && written ? CUDA_SUCCESS : CUDA_ERROR_OPERATING_SYSTEM;
}
