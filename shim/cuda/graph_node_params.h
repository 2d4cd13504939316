// The parameter structures of graph nodes (kernel, memcpy, memset) as Operations and back: one
// conversion shared by adding a node, setting a node's parameters and setting them in an
// executable graph (entry_graph.cpp, entry_graph_node_params.cpp, entry_graph_exec_update.cpp).
#pragma once

#include "operation.h"

#include <cuda.h>

namespace vgpu::cuda {

// INVALID_VALUE for a missing structure or an unknown function; a kernel's parameters are packed
// from kernelParams or extra as cuLaunchKernel packs them.
CUresult kernelOperation(const CUDA_KERNEL_NODE_PARAMS* params, Operation& operation);
// 2D and 1D copies between host and device memory; CUDA arrays and 3D copies are NOT_SUPPORTED.
CUresult copyOperation(const CUDA_MEMCPY3D* copy, Operation& operation);
CUresult memsetOperation(const CUDA_MEMSET_NODE_PARAMS* params, Operation& operation);

// New kernel parameters keep the node's launch attributes (clusters, cooperative, scheduling), as
// the driver keeps a node's attributes when its parameters change.
void keepLaunchAttributes(const LaunchConfig& from, LaunchConfig& to);

// The node's parameters as the driver reports them: addresses with the offsets already applied.
CUDA_MEMCPY3D copyParams(const Operation& operation);
CUDA_MEMSET_NODE_PARAMS memsetParams(const Operation& operation);

// The structures of CUDA 10's entry points: CUDA_KERNEL_NODE_PARAMS_v1 is the current structure
// without its last two fields (kern, ctx).
CUDA_KERNEL_NODE_PARAMS fromVersion1(const CUDA_KERNEL_NODE_PARAMS_v1& params);
// The members of CUgraphNodeParams (cuGraphAddNode, cuGraphNodeSetParams) as the kinds' own calls
// take them.
CUDA_KERNEL_NODE_PARAMS fromNodeParams(const CUDA_KERNEL_NODE_PARAMS_v3& params);
CUDA_MEMSET_NODE_PARAMS fromNodeParams(const CUDA_MEMSET_NODE_PARAMS_v2& params);
CUDA_BATCH_MEM_OP_NODE_PARAMS fromNodeParams(const CUDA_BATCH_MEM_OP_NODE_PARAMS_v2& params);

} // namespace vgpu::cuda
