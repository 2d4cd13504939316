// User objects (cuUserObjectCreate): reference-counted host objects whose destructor runs when the
// last reference goes, so that resources a graph's work uses live as long as the graph and its
// executables. References are held by the caller, by graphs (cuGraphRetainUserObject), and by
// executables, which take their graph's (and its child graphs') references at instantiation and
// drop them when destroyed, after the device's work has completed.
#pragma once

#include <cuda.h>

namespace vgpu::cuda::user_objects {

// An executable was made from `graph`: it holds the references the graph tree holds.
void executableInstantiated(CUgraph graph, CUgraphExec exec);
// The executable is being destroyed: its references go (after `device` has completed its work,
// where it held any).
void executableDestroyed(CUgraphExec exec, int device);
// The graph is being destroyed: its references go.
void graphDestroyed(CUgraph graph);
// `copy` was cloned from `original`: it holds references of its own to the same objects.
void graphCloned(CUgraph original, CUgraph copy);

} // namespace vgpu::cuda::user_objects
