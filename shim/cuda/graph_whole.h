// Executable graphs run whole by the backend (ExecutionBackend::graphCreate): one backend call per
// launch, and on vgpud's GPU one driver graph launch, instead of one call per operation. An
// executable qualifies when every operation is work the backend can hold: kernels, memsets, event
// records and waits, empty and disabled nodes, and copies whose host side (if any) the backend can
// reach (through vgpud: pinned memory it shares, as ggml's captured token copies use). Host
// functions, graph allocations and conditional nodes run in this process, so such graphs are
// replayed operation by operation, as are launches into a capturing stream and graphs the backend
// refuses (an old vgpud, a graph larger than a frame, a copy of pageable memory).
// The backend's copy is built at the first launch or upload and rebuilt (updated in place where it
// can be) after any change to the executable (CUgraphExec_st::changed).
#pragma once

#include "graph.h"
#include "operation.h"

namespace vgpu::cuda::graph_whole {

// Launches `exec` as one backend graph when it qualifies; `launched` says whether it did (the
// caller replays it otherwise), and the result is the launch's.
CUresult launch(CUgraphExec_st& exec, const StreamTarget& target, bool& launched);
// Builds the backend's copy ahead of the first launch (cuGraphUpload), when it qualifies.
void prepare(CUgraphExec_st& exec);
// The executable is being destroyed: so is the backend's copy.
void release(CUgraphExec_st& exec);

} // namespace vgpu::cuda::graph_whole
