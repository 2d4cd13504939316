// Conditional graph nodes (CUDA 12.3+: IF with an optional ELSE, WHILE, SWITCH) and their handles.
// A handle belongs to a graph and holds the value that chooses a body: the default value, assigned
// at the start of every launch when created with CU_GRAPH_COND_ASSIGN_DEFAULT, else what it last
// held. On a GPU, kernels change it with cudaGraphSetConditional; the shim replays graphs node by
// node and cannot read a value a GPU kernel wrote, so conditional nodes are built only where kernels
// do not run (the simulated device, here or in vgpud) and refused with CUDA_ERROR_NOT_SUPPORTED on a
// GPU executor. There a value changes only through its default: an IF or SWITCH is decided by it,
// and a WHILE whose value is not 0 can never end, so its launch is refused (NOT_SUPPORTED, logged)
// rather than run forever. Thread-safe.
#pragma once

#include <cuda.h>

namespace vgpu::cuda::graph_conditionals {

// A new handle for `graph`; flags 0 or CU_GRAPH_COND_ASSIGN_DEFAULT.
CUresult create(CUgraph graph, unsigned defaultValue, unsigned flags, CUgraphConditionalHandle& out);
// The graph a handle was created for; false for an unknown handle.
bool graphOf(CUgraphConditionalHandle handle, CUgraph& graph);
// The handle's value now.
unsigned value(CUgraphConditionalHandle handle);
// A launch of a graph using the handle starts: its default value applies when it has the flag.
void launchStarts(CUgraphConditionalHandle handle);
// The graph is destroyed: its handles go with it.
void graphDestroyed(CUgraph graph);

} // namespace vgpu::cuda::graph_conditionals
