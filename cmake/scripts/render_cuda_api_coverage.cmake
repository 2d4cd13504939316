# Renders docs/cuda-api-coverage.md from the driver API table's data: the catalog of entry points
# NVIDIA's driver answers (shim/cuda/driver_api_catalog.inc), the shim's extra rows
# (driver_api_extra.inc) and the entry points it implements (driver_api_entries.inc).
#   cmake -DSOURCE_DIR=<repo> -DOUTPUT=<file> -P render_cuda_api_coverage.cmake
# With -DCHECK=ON it compares OUTPUT with the rendering and fails when they differ.
cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/driver_api_lists.cmake")
vgpu_read_driver_api("${SOURCE_DIR}/shim/cuda" implemented catalog)

set(rows "")
set(total 0)
set(done 0)
foreach(row IN LISTS catalog)
  string(REPLACE "|" ";" fields "${row}")
  list(GET fields 0 name)
  list(GET fields 1 since)
  list(GET fields 2 variant)
  list(GET fields 3 symbol)
  math(EXPR total "${total} + 1")
  if(symbol IN_LIST implemented)
    set(status "implemented")
    math(EXPR done "${done} + 1")
  else()
    set(status "CUDA_ERROR_NOT_SUPPORTED")
  endif()
  if(variant STREQUAL "PerThread")
    set(variant "per-thread")
  else()
    set(variant "legacy")
  endif()
  string(APPEND rows "| `${name}` | ${since} | ${variant} | `${symbol}` | ${status} |\n")
endforeach()

set(text "# CUDA driver API coverage of libvgpu-cuda

Generated from the driver API table (`shim/cuda/driver_api_*.inc`) by
`cmake/scripts/render_cuda_api_coverage.cmake`; a test fails when this file is out of date.
Every row is answered by `cuGetProcAddress` for its name from its CUDA version on. \"implemented\"
rows run on the execution backend (today the simulated device: see docs/simulated-device.md);
the others return `CUDA_ERROR_NOT_SUPPORTED` and log their name once (`VGPU_LOG=warn`), never a fake
success. Rows come from what NVIDIA's driver 580 answered for every name cudart 13 asks
(docs/gpu-results/2026-11-26-h100-driver-facts) plus entry points other clients call directly
(ggml's VMM calls, cuBLAS, driver-API programs) and every other function NVIDIA's libcuda.so
exports (CUDA 13's stub of it; `test_shim_elf` fails when one is missing, so a program linked with
`-lcuda` loads and `dlsym` finds what PyTorch's DriverAPI asserts).

**${done} of ${total} variants implemented.**

## Where real programs and libraries still meet one
Seen with NVIDIA's own libraries and our test programs (tests/cuda/programs), on every profile:
- **Conditional graph nodes whose handle a kernel gets inside a structure or through memory**: on
  a GPU behind vgpud such graphs run whole in vgpud's worker, which gives its own handles to the
  graph's kernels where they take one as a parameter of its own (docs/wire-protocol.md,
  GraphCreate); a handle elsewhere still holds the shim's value.
- **External semaphore graph nodes** (`cudaGraphAddNode` of those kinds, and their own calls).
  Batch memory-operation nodes work: added (`cuGraphAddBatchMemOpNode`, `cuGraphAddNode`) or
  captured from the stream calls, their parameters read back and set, in an executable too (new
  addresses and values, not new types or counts, as the driver documents); `stream_memory_checks`.
  A graph with one is replayed operation by operation, through vgpud too.
- **Programs that render or share memory between processes**: graphics interop
  (`cuGraphics*`), external memory and semaphores; and through vgpud, legacy IPC handles, pool
  export and VMM export (NOT_SUPPORTED, logged: handing one session's memory to another guest
  process is not built there). On the simulated device legacy IPC works (`cudaIpcGetMemHandle`,
  `cudaIpcOpenMemHandle` in another process, opened twice as one reference-counted pointer,
  `cudaIpcCloseMemHandle`, and interprocess events opened by another process), as PyTorch's
  multiprocessing and NCCL's legacy transport use it, and so do pools shared as rmm and UCX share
  them (`cuMemPoolExportToShareableHandle`, `cuMemPoolImportFromShareableHandle`,
  `cuMemPoolExportPointer`, `cuMemPoolImportPointer`; `ipc_checks`). VMM memory shared as POSIX file
  descriptors works on the simulated device, in one process and across processes
  (`cuMemCreate` with `CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR`, `cuMemExportToShareableHandle`,
  `cuMemImportFromShareableHandle`; `vmm_sharing_checks`), with `cuMemRetainAllocationHandle` and
  `cuMemGetAccess`; through vgpud such memory is made and used, and its export answers
  NOT_SUPPORTED (logged): handing it to another guest process is not built there. Fabric handles
  answer NOT_PERMITTED, as NVIDIA's driver does without an IMEX channel (NCCL, XLA and
  TensorRT-LLM then retry with POSIX descriptors).
- **Multicast objects** (`cuMulticast*`): NOT_SUPPORTED, as on every device whose
  `MULTICAST_SUPPORTED` is 0 (every profile: no NVSwitch behind a guest).
- **The CUDA 2/3-era symbols without a `_v2`** (32-bit device pointers: `cuMemAlloc`,
  `cuMemcpyHtoD`, ...), **texture and surface references** (`cuTexRef*`, `cuSurfRef*`, `cuParam*`,
  `cuLaunch`, `cuLaunchGrid`): exported for programs linked against them, NOT_SUPPORTED.
- **Sparse and block-compressed CUDA arrays** (sparse and deferred-mapping arrays, the BC and
  video formats: NOT_SUPPORTED, logged), and **textures over a whole mipmapped array** (sampling
  between levels: NOT_SUPPORTED, logged). Mipmapped arrays themselves work (`cudaMallocMipmappedArray`,
  their levels, each an array that copies and textures take), and the queries only sparse,
  deferred-mapping or NV12 arrays answer give the documented INVALID_VALUE. CUDA arrays of every
  other kind (1D, 2D, 3D, layered, cubemap), the copies into, out of and between them, and texture
  and surface objects work on every profile (`array_texture_checks`): the shim keeps an array as
  pitched device memory. Through vgpud texture objects are the GPU's driver's own, over linear or
  pitched memory or a 2D array; textures of 1D, 3D, layered and cubemap arrays and views that
  reinterpret a format answer NOT_SUPPORTED there, and so do **surface objects**, which need the
  GPU's own arrays.
- **Managed memory through vgpud over TCP or vsock without a guest region** (`cudaMallocManaged`
  answers NOT_SUPPORTED there, said once: nothing is shared with vgpud) and **`__managed__` variables where kernels run**
  (behind vgpud on a GPU the variable is the GPU driver's managed memory in vgpud's worker: the
  driver logs why, then cudart fails). Managed memory works on the simulated device and through
  vgpud over Unix sockets and in VM guests with the shared-memory device, where it is a memfd, or a
  slice of the guest region, that the program and vgpud map at one address: the host
  and the device share its bytes (on a GPU the device reaches them over the bus, at PCIe speed),
  with its hints (`cudaMemPrefetchAsync`, `cudaMemAdvise`, `cudaMemRangeGetAttribute(s)`,
  `cudaStreamAttachMemAsync` and the batch prefetch and discard calls, checked and kept per page;
  `managed_memory_checks`) and, on the simulated device here or in vgpud, `__managed__` variables
  through `cuLibraryGetManaged` (`managed_variable_checks`).
- **Stream memory operations in a few forms**: remote-write flushes
  (`CU_STREAM_MEM_OP_FLUSH_REMOTE_WRITES`, `CU_STREAM_WAIT_VALUE_FLUSH`: NOT_SUPPORTED, as on a device
  whose `CAN_FLUSH_REMOTE_WRITES` is 0, like the H100), the CUDA 8-era `_v1` symbols (NOT_SUPPORTED,
  as NVIDIA's driver answers where `CAN_USE_STREAM_MEM_OPS_V1` is 0), and through vgpud, words in
  host memory other than pinned memory vgpud shares (`cuMemHostRegister`ed or pageable memory, and
  any host memory over TCP without a guest region). The `_v2` calls cuda.h names work on every
  profile (`stream_memory_checks`); on the simulated device a wait must be met when it is submitted.
- **Pools of managed memory** (CUDA 13's `cudaMemGetDefaultMemPool`/`cudaMemGetMemPool`/
  `cudaMemSetMemPool` with the managed type): NOT_SUPPORTED. Pools of pinned host memory (the
  host's and each NUMA node's, by location or from `cuMemPoolCreate`) and a device's pools work
  (`memory_checks`); capturing an allocation from a host pool is refused
  (CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED: a host graph allocation node is not built).
- **Tensor maps before Hopper**: `cuTensorMapEncodeTiled`/`Im2col` answer NOT_SUPPORTED on profiles
  without tensor map access (compute capability below 9.0); `cuTensorMapEncodeIm2colWide` (CUDA
  12.8, Blackwell) answers NOT_SUPPORTED. On Hopper profiles they are checked and encoded
  (`tensor_map_checks`; through vgpud by the GPU's driver).
- **Green contexts** (`cuGreenCtxCreate`, `cuDeviceGetDevResource`, ...), **checkpointing**
  (`cuCheckpointProcess*`) and **coredump attributes** (`cuCoredump*`): NOT_SUPPORTED; cuBLAS and
  cuSOLVER 13 look green contexts up and go on without them.
cuBLAS, cuBLASLt, cuRAND, cuSOLVER, cuSPARSE, cuDNN's handle, NVRTC and cuFFT meet none: their
checks pass on every profile (`test_cuda_runtime_programs`). cuFFT's plans need the private table
docs/dark-api.md §2.12 describes, not an entry point below.

| name | since | default stream | symbol | status |
|---|---|---|---|---|
${rows}")

if(CHECK)
  file(READ "${OUTPUT}" current)
  if(NOT current STREQUAL text)
    message(FATAL_ERROR "${OUTPUT} is out of date: run cmake -DSOURCE_DIR=. -DOUTPUT=docs/cuda-api-coverage.md -P cmake/scripts/render_cuda_api_coverage.cmake")
  endif()
else()
  file(WRITE "${OUTPUT}" "${text}")
endif()
