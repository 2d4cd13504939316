// Conditional graph nodes (CUDA 12.3+: IF with an optional ELSE, WHILE, SWITCH) and their handles.
// A handle belongs to a graph and holds the value that chooses a body: the default value, assigned
// at the start of every launch when created with CU_GRAPH_COND_ASSIGN_DEFAULT, else what it last
// held. On a GPU, kernels change it with cudaGraphSetConditional, so where kernels run (vgpud's
// cuda backend) a graph with conditional nodes runs whole (graph_whole.h): the executor builds a
// driver graph with handles of its own and gives its kernels those in place of these. Where kernels
// do not run (the simulated device, here or in vgpud) the shim replays the graph and decides here:
// a value changes only through its default, an IF or SWITCH is decided by it, and a WHILE whose
// value is not 0 can never end, so its launch is refused (NOT_SUPPORTED, logged) rather than run
// forever. Thread-safe.
#pragma once

#include <cuda.h>

namespace vgpu::cuda::graph_conditionals {

// A new handle for `graph`; flags 0 or CU_GRAPH_COND_ASSIGN_DEFAULT.
CUresult create(CUgraph graph, unsigned defaultValue, unsigned flags, CUgraphConditionalHandle& out);
// The graph a handle was created for; false for an unknown handle.
bool graphOf(CUgraphConditionalHandle handle, CUgraph& graph);
// How the handle was created: its default value and flags (0 or CU_GRAPH_COND_ASSIGN_DEFAULT).
bool describe(CUgraphConditionalHandle handle, unsigned& defaultValue, unsigned& flags);
// The handle's value now.
unsigned value(CUgraphConditionalHandle handle);
// A launch of a graph using the handle starts: its default value applies when it has the flag.
void launchStarts(CUgraphConditionalHandle handle);
// An executable's conditional nodes use the handle from its instantiation until it is destroyed
// (or updated from another graph): the handle outlives its graph while one does.
void retain(CUgraphConditionalHandle handle);
void release(CUgraphConditionalHandle handle);
// The graph is destroyed: its handles go with it, or once the last executable using them does.
void graphDestroyed(CUgraph graph);

} // namespace vgpu::cuda::graph_conditionals
