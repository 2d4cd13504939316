// The driver API's answers to bad input, called directly (linked against libcuda.so.1 = the shim):
// NULL out-pointers, stale and foreign handles, double frees, out-of-bounds copies, VMM misuse.
// Each gets its documented CUresult and nothing crashes.
#include <catch2/catch.hpp>

#include "sysfs_fixture.h"
#include "test_paths.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <cuda.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

// cuda.h declares per-thread variants only in per-thread builds.
extern "C" CUresult cuStreamGetCtx_v2_ptsz(CUstream stream, CUcontext* context, CUgreenCtx* greenContext);

namespace {

// One simulated H100 PCIe (or vgpud's, under with_vgpud.sh) for the whole process (cuInit's result is fixed at the
// first call).
CUcontext context() {
  static CUcontext ctx = [] {
    setenv("VGPU_CONFIG", "/nonexistent/vgpu-shim.conf", 1);
    setenv("VGPU_BACKEND", vgpu::test::testBackend().c_str(), 1); // sim here, remote under with_vgpud.sh
    setenv("VGPU_SYSFS_ROOT", vgpu::test::buildSysfsTree("one-stub").c_str(), 1);
    setenv("VGPU_MACHINE_ID_FILE", (vgpu::test::dataDir() / "sysfs" / "machine-id").c_str(), 1);
    unsetenv("VGPU_PROFILE");
    REQUIRE(cuInit(0) == CUDA_SUCCESS);
    CUcontext created = nullptr;
    REQUIRE(cuDevicePrimaryCtxRetain(&created, 0) == CUDA_SUCCESS);
    REQUIRE(cuCtxSetCurrent(created) == CUDA_SUCCESS);
    return created;
  }();
  REQUIRE(cuCtxSetCurrent(ctx) == CUDA_SUCCESS);
  return ctx;
}

CUstream foreignStream() {
  return reinterpret_cast<CUstream>(static_cast<std::uintptr_t>(0xdeadbeef000));
}

} // namespace

TEST_CASE("NULL out-pointers are CUDA_ERROR_INVALID_VALUE") {
  context();
  CHECK(cuDeviceGetCount(nullptr) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuDeviceGet(nullptr, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuDeviceGetName(nullptr, 10, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuDeviceTotalMem(nullptr, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuDeviceGetAttribute(nullptr, CU_DEVICE_ATTRIBUTE_WARP_SIZE, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuMemAlloc(nullptr, 16) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuMemGetInfo(nullptr, nullptr) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuStreamCreate(nullptr, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuEventCreate(nullptr, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuCtxGetCurrent(nullptr) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuModuleLoadData(nullptr, nullptr) == CUDA_ERROR_INVALID_VALUE);
  const char* text = nullptr;
  CHECK(cuGetErrorString(static_cast<CUresult>(1000), &text) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuGetErrorString(CUDA_ERROR_OUT_OF_MEMORY, nullptr) == CUDA_ERROR_INVALID_VALUE);
}

TEST_CASE("invalid devices and attributes") {
  context();
  CUdevice device = -1;
  CHECK(cuDeviceGet(&device, 1) == CUDA_ERROR_INVALID_DEVICE);
  CHECK(cuDeviceGet(&device, -1) == CUDA_ERROR_INVALID_DEVICE);
  int value = 0;
  CHECK(cuDeviceGetAttribute(&value, static_cast<CUdevice_attribute>(250), 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuDeviceGetAttribute(&value, CU_DEVICE_ATTRIBUTE_WARP_SIZE, 7) == CUDA_ERROR_INVALID_DEVICE);
  CHECK(cuDeviceGetByPCIBusId(&device, "not-a-bus-id") == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuDeviceGetByPCIBusId(&device, "0000:00:06.0") == CUDA_ERROR_INVALID_DEVICE);
  REQUIRE(cuDeviceGetByPCIBusId(&device, "0000:00:05.0") == CUDA_SUCCESS);
  CHECK(device == 0);
}

TEST_CASE("double free, foreign and interior pointers are refused without touching memory") {
  context();
  CUdeviceptr pointer = 0;
  REQUIRE(cuMemAlloc(&pointer, 4096) == CUDA_SUCCESS);
  CHECK(cuMemFree(pointer + 16) == CUDA_ERROR_INVALID_VALUE); // interior pointer
  CHECK(cuMemFree(pointer) == CUDA_SUCCESS);
  CHECK(cuMemFree(pointer) == CUDA_ERROR_INVALID_VALUE); // double free
  CHECK(cuMemFree(0x1234) == CUDA_ERROR_INVALID_VALUE);  // foreign
  CHECK(cuMemFree(0) == CUDA_SUCCESS);                   // NULL is allowed
  CHECK(cuMemFreeHost(reinterpret_cast<void*>(0x1234)) == CUDA_ERROR_INVALID_VALUE);
}

TEST_CASE("copies and memsets outside an allocation fail and change nothing") {
  context();
  CUdeviceptr pointer = 0;
  REQUIRE(cuMemAlloc(&pointer, 1000) == CUDA_SUCCESS);
  std::vector<unsigned char> host(4096, 0x11);
  REQUIRE(cuMemcpyHtoD(pointer, host.data(), 1000) == CUDA_SUCCESS);
  // The allocation is rounded to 1024 bytes; a copy past that end is out of bounds.
  CHECK(cuMemcpyHtoD(pointer + 512, host.data(), 4096) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuMemsetD8(pointer + 900, 0x22, 4096) == CUDA_ERROR_INVALID_VALUE);
  std::vector<unsigned char> back(1000, 0);
  REQUIRE(cuMemcpyDtoH(back.data(), pointer, 1000) == CUDA_SUCCESS);
  CHECK(back[999] == 0x11); // the failed memset wrote nothing
  CHECK(cuMemcpyDtoH(back.data(), 0x10, 8) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuMemFree(pointer) == CUDA_SUCCESS);
  CHECK(cuMemcpyDtoH(back.data(), pointer, 8) == CUDA_ERROR_INVALID_VALUE); // freed
}

TEST_CASE("stale and foreign stream, event, module and context handles") {
  CUcontext ctx = context();
  CUstream stream = nullptr;
  REQUIRE(cuStreamCreate(&stream, 0) == CUDA_SUCCESS);
  REQUIRE(cuStreamDestroy(stream) == CUDA_SUCCESS);
  CHECK(cuStreamDestroy(stream) == CUDA_ERROR_INVALID_HANDLE);
  CHECK(cuStreamSynchronize(stream) == CUDA_ERROR_INVALID_HANDLE);
  CHECK(cuStreamQuery(foreignStream()) == CUDA_ERROR_INVALID_HANDLE);

  CUevent event = nullptr;
  REQUIRE(cuEventCreate(&event, 0) == CUDA_SUCCESS);
  REQUIRE(cuEventDestroy(event) == CUDA_SUCCESS);
  CHECK(cuEventDestroy(event) == CUDA_ERROR_INVALID_HANDLE);
  CHECK(cuEventRecord(event, nullptr) == CUDA_ERROR_INVALID_HANDLE);
  float ms = 0;
  CHECK(cuEventElapsedTime(&ms, event, event) == CUDA_ERROR_INVALID_HANDLE);

  CHECK(cuModuleUnload(reinterpret_cast<CUmodule>(0x42)) == CUDA_ERROR_INVALID_HANDLE);
  CUfunction function = nullptr;
  CHECK(cuModuleGetFunction(&function, reinterpret_cast<CUmodule>(0x42), "k") == CUDA_ERROR_INVALID_HANDLE);
  CHECK(cuLaunchKernel(reinterpret_cast<CUfunction>(0x42), 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr) ==
        CUDA_ERROR_INVALID_HANDLE);

  CUcontext created = nullptr;
  REQUIRE(cuCtxCreate(&created, nullptr, 0, 0) == CUDA_SUCCESS);
  REQUIRE(cuCtxDestroy(created) == CUDA_SUCCESS);
  CHECK(cuCtxDestroy(created) == CUDA_ERROR_CONTEXT_IS_DESTROYED);
  CHECK(cuCtxPushCurrent(created) == CUDA_ERROR_CONTEXT_IS_DESTROYED);
  CHECK(cuCtxPushCurrent(reinterpret_cast<CUcontext>(0x77)) == CUDA_ERROR_INVALID_CONTEXT);
  CHECK(cuCtxDestroy(ctx) == CUDA_ERROR_INVALID_CONTEXT); // primary contexts are released, not destroyed
}

// cuFFT 12 takes the kernel of each module it loads from the tools' module table (dark API
// 6e163fbe) slot 7, `(context, module, visit, userData)`, which calls visit(userData, function,
// owner) per kernel and returns how many it visited (docs/dark-api.md §2.12).
TEST_CASE("the tools' module table visits every kernel of a module and counts them; bad input visits none") {
  CUcontext ctx = context();
  const unsigned char uuid[16] = {0x6e, 0x16, 0x3f, 0xbe, 0xb9, 0x58, 0x44, 0x4d,
                                  0x83, 0x5c, 0xe1, 0x82, 0xaf, 0xf1, 0x99, 0x1e};
  CUuuid id{};
  std::memcpy(id.bytes, uuid, sizeof uuid);
  const void* table = nullptr;
  REQUIRE(cuGetExportTable(&table, &id) == CUDA_SUCCESS);
  const auto* words = static_cast<void* const*>(table);
  CHECK(reinterpret_cast<std::uintptr_t>(words[0]) == 95 * sizeof(void*));
  using Visit = void (*)(void*, CUfunction, std::uint64_t);
  using VisitAll = std::uint64_t (*)(CUcontext, CUmodule, Visit, void*);
  const auto visitAll = reinterpret_cast<VisitAll>(words[7]);
  const Visit collect = [](void* seen, CUfunction function, std::uint64_t) {
    static_cast<std::vector<CUfunction>*>(seen)->push_back(function);
  };

  const char* ptx = ".version 8.0\n.target sm_90\n.address_size 64\n"
                    ".visible .entry first()\n{\n ret;\n}\n"
                    ".visible .entry second(.param .u64 out)\n{\n ret;\n}\n";
  CUmodule module = nullptr;
  REQUIRE(cuModuleLoadData(&module, ptx) == CUDA_SUCCESS);
  CUfunction first = nullptr;
  CUfunction second = nullptr;
  REQUIRE(cuModuleGetFunction(&first, module, "first") == CUDA_SUCCESS);
  REQUIRE(cuModuleGetFunction(&second, module, "second") == CUDA_SUCCESS);

  std::vector<CUfunction> seen;
  CHECK(visitAll(ctx, module, collect, &seen) == 2);
  REQUIRE(seen.size() == 2);
  CHECK(((seen[0] == first && seen[1] == second) || (seen[0] == second && seen[1] == first)));
  seen.clear();
  CHECK(visitAll(nullptr, module, collect, &seen) == 2); // no context: the current one
  CHECK(seen.size() == 2);

  seen.clear();
  CHECK(visitAll(ctx, reinterpret_cast<CUmodule>(0x42), collect, &seen) == 0);
  CHECK(visitAll(reinterpret_cast<CUcontext>(0x77), module, collect, &seen) == 0);
  CHECK(visitAll(ctx, module, nullptr, &seen) == 0);
  REQUIRE(cuModuleUnload(module) == CUDA_SUCCESS);
  CHECK(visitAll(ctx, module, collect, &seen) == 0);
  CHECK(seen.empty());
}

TEST_CASE("graph node updates, capture into a graph, user objects and the DOT dump refuse bad input") {
  context();
  CUdeviceptr memory = 0;
  REQUIRE(cuMemAlloc(&memory, 256) == CUDA_SUCCESS);
  CUgraph graph = nullptr;
  CUgraph other = nullptr;
  REQUIRE(cuGraphCreate(&graph, 0) == CUDA_SUCCESS);
  REQUIRE(cuGraphCreate(&other, 0) == CUDA_SUCCESS);
  CUDA_MEMSET_NODE_PARAMS fill{};
  fill.dst = memory;
  fill.value = 1;
  fill.elementSize = 4;
  fill.width = 64;
  fill.height = 1;
  CUgraphNode node = nullptr;
  CUgraphNode stranger = nullptr;
  REQUIRE(cuGraphAddMemsetNode(&node, graph, nullptr, 0, &fill, nullptr) == CUDA_SUCCESS);
  REQUIRE(cuGraphAddMemsetNode(&stranger, other, nullptr, 0, &fill, nullptr) == CUDA_SUCCESS);
  CHECK(cuGraphMemsetNodeGetParams(node, nullptr) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuGraphMemsetNodeSetParams(node, nullptr) == CUDA_ERROR_INVALID_VALUE);
  CUDA_MEMCPY3D copy{};
  CHECK(cuGraphMemcpyNodeGetParams(node, &copy) == CUDA_ERROR_INVALID_VALUE); // a memset node

  CUgraphExec exec = nullptr;
  REQUIRE(cuGraphInstantiateWithFlags(&exec, graph, 0) == CUDA_SUCCESS);
  unsigned enabled = 7;
  CHECK(cuGraphNodeGetEnabled(exec, node, nullptr) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuGraphNodeGetEnabled(exec, stranger, &enabled) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuGraphExecMemsetNodeSetParams(exec, stranger, &fill, nullptr) == CUDA_ERROR_INVALID_VALUE);
  CUDA_MEMSET_NODE_PARAMS twoD = fill;
  twoD.height = 2;
  twoD.pitch = 256;
  CHECK(cuGraphExecMemsetNodeSetParams(exec, node, &twoD, nullptr) == CUDA_ERROR_INVALID_VALUE);
  CUgraphNodeParams generic{};
  generic.type = CU_GRAPH_NODE_TYPE_EMPTY;
  CHECK(cuGraphExecNodeSetParams(exec, node, &generic) == CUDA_ERROR_INVALID_VALUE); // not the node's kind
  REQUIRE(cuGraphExecDestroy(exec) == CUDA_SUCCESS);
  CHECK(cuGraphExecMemsetNodeSetParams(exec, node, &fill, nullptr) == CUDA_ERROR_INVALID_VALUE); // stale

  CUstream stream = nullptr;
  REQUIRE(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING) == CUDA_SUCCESS);
  CHECK(cuStreamBeginCaptureToGraph(stream, graph, &stranger, nullptr, 1, CU_STREAM_CAPTURE_MODE_GLOBAL) ==
        CUDA_ERROR_INVALID_VALUE);
  CHECK(cuStreamUpdateCaptureDependencies(stream, &node, nullptr, 1, CU_STREAM_ADD_CAPTURE_DEPENDENCIES) ==
        CUDA_ERROR_ILLEGAL_STATE); // not capturing
  REQUIRE(cuStreamBeginCaptureToGraph(stream, graph, &node, nullptr, 1, CU_STREAM_CAPTURE_MODE_GLOBAL) == CUDA_SUCCESS);
  CHECK(cuStreamUpdateCaptureDependencies(stream, &stranger, nullptr, 1, CU_STREAM_ADD_CAPTURE_DEPENDENCIES) ==
        CUDA_ERROR_INVALID_VALUE);
  CHECK(cuStreamUpdateCaptureDependencies(stream, &node, nullptr, 1, 7) == CUDA_ERROR_INVALID_VALUE);
  CUgraph captured = nullptr;
  REQUIRE(cuStreamEndCapture(stream, &captured) == CUDA_SUCCESS);
  CHECK(captured == graph);

  CUuserObject object = nullptr;
  auto destroy = [](void*) {};
  CHECK(cuUserObjectCreate(nullptr, nullptr, destroy, 1, CU_USER_OBJECT_NO_DESTRUCTOR_SYNC) ==
        CUDA_ERROR_INVALID_VALUE);
  CHECK(cuUserObjectCreate(&object, nullptr, destroy, 1, 0) == CUDA_ERROR_INVALID_VALUE); // the flag is required
  CHECK(cuUserObjectCreate(&object, nullptr, destroy, 0, CU_USER_OBJECT_NO_DESTRUCTOR_SYNC) ==
        CUDA_ERROR_INVALID_VALUE);
  REQUIRE(cuUserObjectCreate(&object, nullptr, destroy, 1, CU_USER_OBJECT_NO_DESTRUCTOR_SYNC) == CUDA_SUCCESS);
  CHECK(cuGraphRetainUserObject(graph, object, 1, 8) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuGraphReleaseUserObject(graph, object, 1) == CUDA_ERROR_INVALID_VALUE); // the graph holds none
  CHECK(cuUserObjectRelease(object, 2) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuUserObjectRelease(object, 1) == CUDA_SUCCESS);
  CHECK(cuUserObjectRetain(object, 1) == CUDA_ERROR_INVALID_VALUE); // destroyed

  CHECK(cuGraphDebugDotPrint(graph, nullptr, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuGraphDebugDotPrint(graph, "/nonexistent-directory/graph.dot", 0) == CUDA_ERROR_OPERATING_SYSTEM);
  CHECK(cuStreamDestroy(stream) == CUDA_SUCCESS);
  CHECK(cuGraphDestroy(graph) == CUDA_SUCCESS);
  CHECK(cuGraphDestroy(other) == CUDA_SUCCESS);
  CHECK(cuMemFree(memory) == CUDA_SUCCESS);
}

// Deprecated calls old programs still make: every profile's GPU has fixed four-byte shared memory
// banks, which the get reports and a set leaves as they are (as NVIDIA documents).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
TEST_CASE("the shared memory bank configuration is the fixed four bytes; a valid set changes nothing") {
  context();
  CUsharedconfig config = CU_SHARED_MEM_CONFIG_DEFAULT_BANK_SIZE;
  CHECK(cuCtxGetSharedMemConfig(nullptr) == CUDA_ERROR_INVALID_VALUE);
  REQUIRE(cuCtxGetSharedMemConfig(&config) == CUDA_SUCCESS);
  CHECK(config == CU_SHARED_MEM_CONFIG_FOUR_BYTE_BANK_SIZE);
  CHECK(cuCtxSetSharedMemConfig(CU_SHARED_MEM_CONFIG_EIGHT_BYTE_BANK_SIZE) == CUDA_SUCCESS);
  REQUIRE(cuCtxGetSharedMemConfig(&config) == CUDA_SUCCESS);
  CHECK(config == CU_SHARED_MEM_CONFIG_FOUR_BYTE_BANK_SIZE);
  CHECK(cuCtxSetSharedMemConfig(static_cast<CUsharedconfig>(3)) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuFuncSetSharedMemConfig(reinterpret_cast<CUfunction>(0x42), CU_SHARED_MEM_CONFIG_FOUR_BYTE_BANK_SIZE) ==
        CUDA_ERROR_INVALID_HANDLE);
}
#pragma GCC diagnostic pop

// What a program built with CUDA 12.5 or later headers calls for cuStreamGetCtx (cuda.h renames it).
TEST_CASE("cuStreamGetCtx_v2 and its per-thread variant name the stream's context and no green context") {
  CUcontext ctx = context();
  CUstream stream = nullptr;
  REQUIRE(cuStreamCreate(&stream, 0) == CUDA_SUCCESS);
  CUcontext found = nullptr;
  auto green = reinterpret_cast<CUgreenCtx>(static_cast<std::uintptr_t>(0x1));
  CHECK(cuStreamGetCtx_v2(stream, &found, &green) == CUDA_SUCCESS);
  CHECK(found == ctx);
  CHECK(green == nullptr);
  found = nullptr;
  CHECK(cuStreamGetCtx_v2_ptsz(nullptr, &found, &green) == CUDA_SUCCESS); // the thread's default stream
  CHECK(found == ctx);
  CHECK(cuStreamGetCtx_v2(stream, nullptr, &green) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuStreamGetCtx_v2(stream, &found, nullptr) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuStreamGetCtx_v2(foreignStream(), &found, &green) == CUDA_ERROR_INVALID_HANDLE);
  REQUIRE(cuStreamDestroy(stream) == CUDA_SUCCESS);
  CHECK(cuStreamGetCtx_v2(stream, &found, &green) == CUDA_ERROR_INVALID_HANDLE);
}

TEST_CASE("per-thread context stacks") {
  CUcontext primary = context();
  CUcontext created = nullptr;
  REQUIRE(cuCtxCreate(&created, nullptr, 0, 0) == CUDA_SUCCESS); // pushed on this thread
  CUcontext current = nullptr;
  REQUIRE(cuCtxGetCurrent(&current) == CUDA_SUCCESS);
  CHECK(current == created);
  CUcontext popped = nullptr;
  REQUIRE(cuCtxPopCurrent(&popped) == CUDA_SUCCESS);
  CHECK(popped == created);
  REQUIRE(cuCtxGetCurrent(&current) == CUDA_SUCCESS);
  CHECK(current == primary);
  CHECK(cuCtxDestroy(created) == CUDA_SUCCESS);
}

TEST_CASE("over-allocation is CUDA_ERROR_OUT_OF_MEMORY and memory info follows allocations") {
  context();
  size_t freeBytes = 0, total = 0;
  REQUIRE(cuMemGetInfo(&freeBytes, &total) == CUDA_SUCCESS);
  CUdeviceptr pointer = 0;
  CHECK(cuMemAlloc(&pointer, total + 1) == CUDA_ERROR_OUT_OF_MEMORY);
  REQUIRE(cuMemAlloc(&pointer, size_t{1} << 30) == CUDA_SUCCESS);
  size_t afterAlloc = 0;
  REQUIRE(cuMemGetInfo(&afterAlloc, &total) == CUDA_SUCCESS);
  CHECK(freeBytes - afterAlloc == size_t{1} << 30);
  REQUIRE(cuMemFree(pointer) == CUDA_SUCCESS);
  size_t afterFree = 0;
  REQUIRE(cuMemGetInfo(&afterFree, &total) == CUDA_SUCCESS);
  CHECK(afterFree == freeBytes);
}

TEST_CASE("the VMM sequence ggml uses, and its misuse") {
  context();
  CUmemAllocationProp prop{};
  prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  prop.location.id = 0;
  size_t granularity = 0;
  REQUIRE(cuMemGetAllocationGranularity(&granularity, &prop, CU_MEM_ALLOC_GRANULARITY_RECOMMENDED) == CUDA_SUCCESS);
  CHECK(granularity == size_t{2} << 20);
  CUdeviceptr base = 0;
  REQUIRE(cuMemAddressReserve(&base, 8 * granularity, 0, 0, 0) == CUDA_SUCCESS);
  CUmemGenericAllocationHandle handle = 0;
  REQUIRE(cuMemCreate(&handle, 2 * granularity, &prop, 0) == CUDA_SUCCESS);
  CHECK(cuMemCreate(&handle, granularity + 1, &prop, 0) == CUDA_ERROR_INVALID_VALUE); // not a multiple
  REQUIRE(cuMemMap(base, 2 * granularity, 0, handle, 0) == CUDA_SUCCESS);
  CHECK(cuMemMap(base, 2 * granularity, 0, handle, 0) == CUDA_ERROR_ALREADY_MAPPED);
  CUmemAccessDesc access{};
  access.location = prop.location;
  access.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
  REQUIRE(cuMemSetAccess(base, 2 * granularity, &access, 1) == CUDA_SUCCESS);
  // Mapped memory is real memory: write and read back across the whole mapping.
  std::vector<unsigned char> data(2 * granularity, 0x5c);
  REQUIRE(cuMemcpyHtoD(base, data.data(), data.size()) == CUDA_SUCCESS);
  std::vector<unsigned char> back(data.size(), 0);
  REQUIRE(cuMemcpyDtoH(back.data(), base, back.size()) == CUDA_SUCCESS);
  CHECK(back == data);
  // Beyond the mapped part of the reservation is not accessible.
  CHECK(cuMemcpyHtoD(base + 2 * granularity, data.data(), 16) == CUDA_ERROR_INVALID_VALUE);
  REQUIRE(cuMemUnmap(base, 2 * granularity) == CUDA_SUCCESS);
  REQUIRE(cuMemRelease(handle) == CUDA_SUCCESS);
  CHECK(cuMemRelease(handle) == CUDA_ERROR_INVALID_VALUE); // double release
  REQUIRE(cuMemAddressFree(base, 8 * granularity) == CUDA_SUCCESS);
  CHECK(cuMemAddressFree(base, 8 * granularity) == CUDA_ERROR_INVALID_VALUE);
}

TEST_CASE("shareable VMM memory: handle types, export and import refuse what the driver refuses") {
  context();
  const bool remote = std::getenv("VGPU_ENDPOINT") != nullptr;
  CUmemAllocationProp prop{};
  prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  prop.location.id = 0;
  size_t granularity = 0;
  REQUIRE(cuMemGetAllocationGranularity(&granularity, &prop, CU_MEM_ALLOC_GRANULARITY_MINIMUM) == CUDA_SUCCESS);
  CUmemGenericAllocationHandle handle = 0;

  // Fabric handles need an IMEX channel: granularity answers, creation is NOT_PERMITTED (the answer
  // NCCL retries on); H100 PCIe offers no fabric handles at all... but the attribute decides.
  int fabric = 0;
  REQUIRE(cuDeviceGetAttribute(&fabric, CU_DEVICE_ATTRIBUTE_HANDLE_TYPE_FABRIC_SUPPORTED, 0) == CUDA_SUCCESS);
  prop.requestedHandleTypes = CU_MEM_HANDLE_TYPE_FABRIC;
  CHECK(cuMemCreate(&handle, granularity, &prop, 0) ==
        (fabric != 0 ? CUDA_ERROR_NOT_PERMITTED : CUDA_ERROR_NOT_SUPPORTED));
  prop.requestedHandleTypes = CU_MEM_HANDLE_TYPE_WIN32;
  CHECK(cuMemCreate(&handle, granularity, &prop, 0) == CUDA_ERROR_NOT_SUPPORTED); // not on Linux
  prop.requestedHandleTypes = static_cast<CUmemAllocationHandleType>(0x40);
  CHECK(cuMemCreate(&handle, granularity, &prop, 0) == CUDA_ERROR_INVALID_VALUE); // no such type
  CHECK(cuMemGetAllocationGranularity(&granularity, &prop, CU_MEM_ALLOC_GRANULARITY_MINIMUM) ==
        CUDA_ERROR_INVALID_VALUE);

  prop.requestedHandleTypes = CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR;
  REQUIRE(cuMemCreate(&handle, granularity, &prop, 0) == CUDA_SUCCESS);
  int fd = -1;
  CHECK(cuMemExportToShareableHandle(&fd, handle, CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 1) ==
        CUDA_ERROR_INVALID_VALUE); // flags must be 0
  CHECK(cuMemExportToShareableHandle(nullptr, handle, CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 0) ==
        CUDA_ERROR_INVALID_VALUE);
  CHECK(cuMemExportToShareableHandle(&fd, handle, CU_MEM_HANDLE_TYPE_FABRIC, 0) ==
        (fabric != 0 ? CUDA_ERROR_INVALID_VALUE : CUDA_ERROR_NOT_SUPPORTED)); // not requested
  CHECK(cuMemExportToShareableHandle(&fd, handle + 999, CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 0) ==
        CUDA_ERROR_INVALID_VALUE);
  const CUresult exported = cuMemExportToShareableHandle(&fd, handle, CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 0);
  CHECK(exported == (remote ? CUDA_ERROR_NOT_SUPPORTED : CUDA_SUCCESS));
  CUmemGenericAllocationHandle imported = 0;
  const auto asHandle = [](int descriptor) { return reinterpret_cast<void*>(static_cast<std::intptr_t>(descriptor)); };
  if (exported == CUDA_SUCCESS) {
    REQUIRE(fd >= 0);
    CHECK(cuMemImportFromShareableHandle(&imported, asHandle(fd), CU_MEM_HANDLE_TYPE_FABRIC) ==
          CUDA_ERROR_NOT_PERMITTED);
    CHECK(cuMemImportFromShareableHandle(nullptr, asHandle(fd), CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR) ==
          CUDA_ERROR_INVALID_VALUE);
    REQUIRE(cuMemImportFromShareableHandle(&imported, asHandle(fd), CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR) ==
            CUDA_SUCCESS);
    CUmemAllocationProp got{};
    REQUIRE(cuMemGetAllocationPropertiesFromHandle(&got, imported) == CUDA_SUCCESS);
    CHECK(got.requestedHandleTypes == CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR);
    CHECK(cuMemRelease(imported) == CUDA_SUCCESS);
    close(fd);
  }
  // Descriptors that are not exported memory: a closed one, a pipe, a memfd of another name, one of
  // the right name but unsealed (another process could shrink it under a mapping).
  const CUresult refused = remote ? CUDA_ERROR_NOT_SUPPORTED : CUDA_ERROR_INVALID_VALUE;
  CHECK(cuMemImportFromShareableHandle(&imported, asHandle(-1), CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR) ==
        CUDA_ERROR_INVALID_VALUE);
  CHECK(cuMemImportFromShareableHandle(&imported, asHandle(987654), CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR) ==
        refused);
  int ends[2] = {-1, -1};
  REQUIRE(pipe(ends) == 0);
  CHECK(cuMemImportFromShareableHandle(&imported, asHandle(ends[0]), CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR) ==
        refused);
  close(ends[0]);
  close(ends[1]);
  for (const char* name : {"someone-else", "vgpu-sim-vmm GPU-00000000-0000-0000-0000-000000000000"}) {
    INFO(name);
    const int other = memfd_create(name, MFD_CLOEXEC);
    REQUIRE(other >= 0);
    REQUIRE(ftruncate(other, static_cast<off_t>(granularity)) == 0);
    CHECK(cuMemImportFromShareableHandle(&imported, asHandle(other), CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR) ==
          refused);
    close(other);
  }
  CHECK(cuMemRelease(handle) == CUDA_SUCCESS);

  // Access and retained handles of addresses nothing maps.
  unsigned long long flags = 0;
  CUmemLocation location{};
  location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  location.id = 0;
  CHECK(cuMemGetAccess(&flags, &location, 0x1000) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuMemGetAccess(nullptr, &location, 0x1000) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuMemGetAccess(&flags, nullptr, 0x1000) == CUDA_ERROR_INVALID_VALUE);
  location.id = 7;
  CHECK(cuMemGetAccess(&flags, &location, 0x1000) == CUDA_ERROR_INVALID_DEVICE);
  CHECK(cuMemRetainAllocationHandle(&handle, reinterpret_cast<void*>(0x1000)) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuMemRetainAllocationHandle(nullptr, reinterpret_cast<void*>(0x1000)) == CUDA_ERROR_INVALID_VALUE);
}

TEST_CASE("SYNC_MEMOPS is set, read back, cleared, and never carried to a later allocation") {
  context();
  CUdeviceptr first = 0;
  REQUIRE(cuMemAlloc(&first, 4096) == CUDA_SUCCESS);
  int marked = -1;
  REQUIRE(cuPointerGetAttribute(&marked, CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, first) == CUDA_SUCCESS);
  CHECK(marked == 0);
  const unsigned int on = 1;
  const unsigned int off = 0;
  REQUIRE(cuPointerSetAttribute(&on, CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, first + 100) == CUDA_SUCCESS);
  REQUIRE(cuPointerGetAttribute(&marked, CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, first + 8) == CUDA_SUCCESS);
  CHECK(marked == 1);
  REQUIRE(cuPointerSetAttribute(&off, CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, first) == CUDA_SUCCESS);
  REQUIRE(cuPointerGetAttribute(&marked, CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, first) == CUDA_SUCCESS);
  CHECK(marked == 0);
  // Only SYNC_MEMOPS can be set, only on device memory the driver knows.
  CHECK(cuPointerSetAttribute(&on, CU_POINTER_ATTRIBUTE_BUFFER_ID, first) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuPointerSetAttribute(nullptr, CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, first) == CUDA_ERROR_INVALID_VALUE);
  std::vector<unsigned char> host(64);
  CHECK(cuPointerSetAttribute(&on, CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, reinterpret_cast<CUdeviceptr>(host.data())) ==
        CUDA_ERROR_INVALID_VALUE);
  // Marked, freed, allocated again (often at the same address): the new allocation is unmarked.
  REQUIRE(cuPointerSetAttribute(&on, CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, first) == CUDA_SUCCESS);
  REQUIRE(cuMemFree(first) == CUDA_SUCCESS);
  CHECK(cuPointerSetAttribute(&on, CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, first) == CUDA_ERROR_INVALID_VALUE);
  CUdeviceptr second = 0;
  REQUIRE(cuMemAlloc(&second, 4096) == CUDA_SUCCESS);
  REQUIRE(cuPointerGetAttribute(&marked, CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, second) == CUDA_SUCCESS);
  CHECK(marked == 0);
  CHECK(cuMemFree(second) == CUDA_SUCCESS);
}

TEST_CASE("mipmapped arrays: bad descriptors, levels past the last, a level destroyed alone, a stale handle") {
  context();
  CUDA_ARRAY3D_DESCRIPTOR descriptor{};
  descriptor.Width = 64;
  descriptor.Height = 64;
  descriptor.Format = CU_AD_FORMAT_FLOAT;
  descriptor.NumChannels = 1;
  CUmipmappedArray mipmap = nullptr;
  CHECK(cuMipmappedArrayCreate(nullptr, &descriptor, 3) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuMipmappedArrayCreate(&mipmap, nullptr, 3) == CUDA_ERROR_INVALID_VALUE);
  CUDA_ARRAY3D_DESCRIPTOR gather = descriptor;
  gather.Flags = CUDA_ARRAY3D_TEXTURE_GATHER; // gather is for plain 2D arrays
  CHECK(cuMipmappedArrayCreate(&mipmap, &gather, 3) == CUDA_ERROR_INVALID_VALUE);
  int widest = 0;
  REQUIRE(cuDeviceGetAttribute(&widest, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE2D_MIPMAPPED_WIDTH, 0) == CUDA_SUCCESS);
  CUDA_ARRAY3D_DESCRIPTOR wide = descriptor;
  wide.Width = static_cast<size_t>(widest) + 1; // fits a plain 2D array, not a mipmapped one
  CHECK(cuMipmappedArrayCreate(&mipmap, &wide, 1) == CUDA_ERROR_INVALID_VALUE);

  REQUIRE(cuMipmappedArrayCreate(&mipmap, &descriptor, 0) == CUDA_SUCCESS); // 0 levels is clamped to 1
  CUarray level = nullptr;
  CHECK(cuMipmappedArrayGetLevel(&level, mipmap, 1) == CUDA_ERROR_INVALID_VALUE);
  REQUIRE(cuMipmappedArrayGetLevel(&level, mipmap, 0) == CUDA_SUCCESS);
  CHECK(cuMipmappedArrayGetLevel(nullptr, mipmap, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuArrayDestroy(level) == CUDA_ERROR_INVALID_VALUE); // it goes with its mipmapped array
  CUDA_ARRAY3D_DESCRIPTOR got{};
  REQUIRE(cuArray3DGetDescriptor(&got, level) == CUDA_SUCCESS);
  CHECK(got.Width == 64);
  CHECK(cuMipmappedArrayDestroy(mipmap) == CUDA_SUCCESS);
  CHECK(cuMipmappedArrayDestroy(mipmap) == CUDA_ERROR_INVALID_HANDLE);
  CHECK(cuMipmappedArrayGetLevel(&level, mipmap, 0) == CUDA_ERROR_INVALID_HANDLE);
  CHECK(cuArray3DGetDescriptor(&got, level) == CUDA_ERROR_INVALID_HANDLE); // the levels went with it
  CUDA_ARRAY_SPARSE_PROPERTIES sparse{};
  CHECK(cuMipmappedArrayGetSparseProperties(&sparse, mipmap) == CUDA_ERROR_INVALID_HANDLE);
}

TEST_CASE("the driver's error log keeps the shim's warnings, bounded, for callbacks and dumps") {
  context();
  CUlogIterator start = 0;
  CHECK(cuLogsCurrent(nullptr, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuLogsCurrent(&start, 1) == CUDA_ERROR_INVALID_VALUE);
  REQUIRE(cuLogsCurrent(&start, 0) == CUDA_SUCCESS);

  struct Seen {
    std::vector<std::string> messages;
    std::vector<CUlogLevel> levels;
  } seen;
  const CUlogsCallback collect = [](void* data, CUlogLevel level, char* message, size_t length) {
    auto* into = static_cast<Seen*>(data);
    into->messages.emplace_back(message, length);
    into->levels.push_back(level);
  };
  CUlogsCallbackHandle callback = nullptr;
  CHECK(cuLogsRegisterCallback(nullptr, &seen, &callback) == CUDA_ERROR_INVALID_VALUE);
  REQUIRE(cuLogsRegisterCallback(collect, &seen, &callback) == CUDA_SUCCESS);
  REQUIRE(callback != nullptr);

  // A module image the shim rejects: a warning each time, whatever VGPU_LOG says. The API takes
  // no size, so the bytes a parser may read (an ELF header, at least) are all there.
  std::vector<char> garbageImage(4096, '\0');
  std::memcpy(garbageImage.data(),
              "\x7f"
              "ELF not really an image",
              24);
  const char* garbage = garbageImage.data();
  CUmodule module = nullptr;
  REQUIRE(cuModuleLoadData(&module, garbage) != CUDA_SUCCESS);
  REQUIRE(seen.messages.size() == 1);
  CHECK(seen.messages[0].find("module: image rejected") == 0);
  CHECK(seen.levels[0] == CU_LOG_LEVEL_WARNING);

  char buffer[4096];
  size_t size = sizeof buffer;
  CUlogIterator iterator = start;
  REQUIRE(cuLogsDumpToMemory(&iterator, buffer, &size, 0) == CUDA_SUCCESS);
  CHECK(std::string(buffer) == seen.messages[0] + "\n");
  CHECK(size == seen.messages[0].size() + 1);
  CUlogIterator now = 0;
  REQUIRE(cuLogsCurrent(&now, 0) == CUDA_SUCCESS);
  CHECK(iterator == now); // advanced past what was dumped
  size = sizeof buffer;
  REQUIRE(cuLogsDumpToMemory(&iterator, buffer, &size, 0) == CUDA_SUCCESS);
  CHECK(size == 0); // nothing new
  CHECK(buffer[0] == '\0');
  size = sizeof buffer;
  CHECK(cuLogsDumpToMemory(&iterator, nullptr, &size, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuLogsDumpToMemory(&iterator, buffer, nullptr, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuLogsDumpToMemory(&iterator, buffer, &size, 1) == CUDA_ERROR_INVALID_VALUE);

  // Three more: a buffer with room for the last one only says the others were left out.
  const CUlogIterator beforeThree = iterator;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(cuModuleLoadData(&module, garbage) != CUDA_SUCCESS);
  }
  REQUIRE(seen.messages.size() == 4);
  const std::string last = seen.messages[3] + "\n";
  const std::string saying = "vgpu: 2 earlier log message(s) left out: the buffer is too small\n";
  REQUIRE(saying.size() + last.size() < 3 * last.size()); // so not everything fits
  size = saying.size() + last.size() + 1;
  iterator = beforeThree;
  REQUIRE(cuLogsDumpToMemory(&iterator, buffer, &size, 0) == CUDA_SUCCESS);
  CHECK(std::string(buffer) == saying + last); // the newest one last
  CHECK(size == saying.size() + last.size());
  size = 5; // not even one message
  iterator = beforeThree;
  CHECK(cuLogsDumpToMemory(&iterator, buffer, &size, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(size == 0);

  // Appended to a file.
  const std::string path =
      (std::filesystem::temp_directory_path() / ("vgpu-driver-log-" + std::to_string(getpid()))).string();
  iterator = beforeThree;
  REQUIRE(cuLogsDumpToFile(&iterator, path.c_str(), 0) == CUDA_SUCCESS);
  std::ifstream file(path);
  const std::string written((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  CHECK(written == seen.messages[1] + "\n" + seen.messages[2] + "\n" + last);
  std::filesystem::remove(path);
  CHECK(cuLogsDumpToFile(&iterator, "/nonexistent-directory/log", 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuLogsDumpToFile(&iterator, nullptr, 0) == CUDA_ERROR_INVALID_VALUE);

  // Bounded: past 25,600 bytes the oldest go, and a dump from before them says how many.
  REQUIRE(cuLogsUnregisterCallback(callback) == CUDA_SUCCESS);
  CHECK(cuLogsUnregisterCallback(callback) == CUDA_ERROR_INVALID_VALUE);
  for (int i = 0; i < 600; ++i) {
    REQUIRE(cuModuleLoadData(&module, garbage) != CUDA_SUCCESS);
  }
  CHECK(seen.messages.size() == 4); // unregistered: not called again
  std::vector<char> all(64 << 10);
  size = all.size();
  iterator = start;
  REQUIRE(cuLogsDumpToMemory(&iterator, all.data(), &size, 0) == CUDA_SUCCESS);
  const std::string kept(all.data());
  const std::string firstLine = kept.substr(0, kept.find('\n'));
  CHECK(firstLine.rfind("vgpu: ", 0) == 0);
  CHECK(firstLine.find(" earlier log message(s) were overwritten") != std::string::npos);
  CHECK(kept.size() <= 25600 + 100);
  CHECK(kept.size() > 20000);

  // At most 64 callbacks at once.
  std::vector<CUlogsCallbackHandle> many;
  CUlogsCallbackHandle extra = nullptr;
  CUresult status = CUDA_SUCCESS;
  while ((status = cuLogsRegisterCallback(collect, &seen, &extra)) == CUDA_SUCCESS && many.size() < 100) {
    many.push_back(extra);
  }
  CHECK(status == CUDA_ERROR_INVALID_VALUE);
  CHECK(many.size() == 64);
  for (CUlogsCallbackHandle handle : many) {
    CHECK(cuLogsUnregisterCallback(handle) == CUDA_SUCCESS);
  }
}

TEST_CASE("atomic capabilities of the links, the widest 1D linear texture, and occupancy with flags") {
  context();
  const CUatomicOperation operations[] = {CU_ATOMIC_OPERATION_INTEGER_ADD, CU_ATOMIC_OPERATION_CAS,
                                          CU_ATOMIC_OPERATION_FLOAT_ADD};
  unsigned int capabilities[3] = {99, 99, 99};
  // H100 PCIe: HOST_NATIVE_ATOMIC_SUPPORTED is 0, so no atomic is native over the host link.
  REQUIRE(cuDeviceGetHostAtomicCapabilities(capabilities, operations, 3, 0) == CUDA_SUCCESS);
  CHECK((capabilities[0] == 0 && capabilities[1] == 0 && capabilities[2] == 0));
  CHECK(cuDeviceGetHostAtomicCapabilities(capabilities, operations, 0, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuDeviceGetHostAtomicCapabilities(nullptr, operations, 3, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuDeviceGetHostAtomicCapabilities(capabilities, operations, 3, 5) == CUDA_ERROR_INVALID_DEVICE);
  int unknown = CU_ATOMIC_OPERATION_MAX; // a number no operation has, passed as the caller's bytes
  CUatomicOperation bad{};
  std::memcpy(&bad, &unknown, sizeof unknown);
  CHECK(cuDeviceGetHostAtomicCapabilities(capabilities, &bad, 1, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuDeviceGetP2PAtomicCapabilities(capabilities, operations, 3, 0, 0) == CUDA_ERROR_INVALID_DEVICE);

  size_t width = 0;
  int attribute = 0;
  REQUIRE(cuDeviceGetAttribute(&attribute, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE1D_LINEAR_WIDTH, 0) == CUDA_SUCCESS);
  REQUIRE(cuDeviceGetTexture1DLinearMaxWidth(&width, CU_AD_FORMAT_FLOAT, 4, 0) == CUDA_SUCCESS);
  CHECK(width == static_cast<size_t>(attribute));
  CHECK(cuDeviceGetTexture1DLinearMaxWidth(&width, CU_AD_FORMAT_FLOAT, 3, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuDeviceGetTexture1DLinearMaxWidth(&width, CU_AD_FORMAT_UNORM_INT8X2, 1, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuDeviceGetTexture1DLinearMaxWidth(nullptr, CU_AD_FORMAT_FLOAT, 1, 0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuDeviceGetTexture1DLinearMaxWidth(&width, CU_AD_FORMAT_FLOAT, 1, 9) == CUDA_ERROR_INVALID_DEVICE);

  const char* ptx = ".version 8.0\n.target sm_90\n.address_size 64\n"
                    ".visible .entry work(.param .u64 out)\n{\n ret;\n}\n";
  CUmodule module = nullptr;
  REQUIRE(cuModuleLoadData(&module, ptx) == CUDA_SUCCESS);
  CUfunction function = nullptr;
  REQUIRE(cuModuleGetFunction(&function, module, "work") == CUDA_SUCCESS);
  int grid = 0, block = 0, gridWith = -1, blockWith = -1;
  REQUIRE(cuOccupancyMaxPotentialBlockSize(&grid, &block, function, nullptr, 0, 0) == CUDA_SUCCESS);
  CHECK(block > 0);
  CHECK(grid > 0);
  REQUIRE(cuOccupancyMaxPotentialBlockSizeWithFlags(&gridWith, &blockWith, function, nullptr, 0, 0,
                                                    CU_OCCUPANCY_DISABLE_CACHING_OVERRIDE) == CUDA_SUCCESS);
  CHECK(gridWith == grid);
  CHECK(blockWith == block);
  REQUIRE(cuOccupancyMaxPotentialBlockSizeWithFlags(&gridWith, &blockWith, function, nullptr, 0, 128,
                                                    CU_OCCUPANCY_DEFAULT) == CUDA_SUCCESS);
  CHECK(blockWith <= 128);
  CHECK(cuOccupancyMaxPotentialBlockSizeWithFlags(&gridWith, &blockWith, function, nullptr, 0, 0, 0x10) ==
        CUDA_ERROR_INVALID_VALUE);
  CHECK(cuModuleUnload(module) == CUDA_SUCCESS);
}

TEST_CASE("graph memory nodes refuse bad parameters and a graph allocation cannot be freed twice") {
  context();
  CUgraph graph = nullptr;
  REQUIRE(cuGraphCreate(&graph, 0) == CUDA_SUCCESS);
  CUDA_MEM_ALLOC_NODE_PARAMS params{};
  params.poolProps.allocType = CU_MEM_ALLOCATION_TYPE_PINNED;
  params.poolProps.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  params.poolProps.location.id = 0;
  params.bytesize = 4096;
  CUgraphNode node = nullptr;
  CHECK(cuGraphAddMemAllocNode(nullptr, graph, nullptr, 0, &params) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuGraphAddMemAllocNode(&node, graph, nullptr, 0, nullptr) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuGraphAddMemAllocNode(&node, nullptr, nullptr, 0, &params) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuGraphAddMemAllocNode(&node, graph, nullptr, 1, &params) == CUDA_ERROR_INVALID_VALUE); // NULL list
  for (auto spoil : std::vector<void (*)(CUDA_MEM_ALLOC_NODE_PARAMS&)>{
           [](CUDA_MEM_ALLOC_NODE_PARAMS& p) { p.bytesize = 0; },
           [](CUDA_MEM_ALLOC_NODE_PARAMS& p) { p.poolProps.location.id = 7; },
           [](CUDA_MEM_ALLOC_NODE_PARAMS& p) { p.poolProps.location.type = CU_MEM_LOCATION_TYPE_HOST; },
           [](CUDA_MEM_ALLOC_NODE_PARAMS& p) { p.poolProps.handleTypes = CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR; },
           [](CUDA_MEM_ALLOC_NODE_PARAMS& p) { p.accessDescCount = 1; }, // with a NULL list
           [](CUDA_MEM_ALLOC_NODE_PARAMS& p) { p.bytesize = ~size_t{0}; }}) {
    CUDA_MEM_ALLOC_NODE_PARAMS bad = params;
    spoil(bad);
    CHECK(cuGraphAddMemAllocNode(&node, graph, nullptr, 0, &bad) == CUDA_ERROR_INVALID_VALUE);
  }
  size_t nodes = 1;
  REQUIRE(cuGraphGetNodes(graph, nullptr, &nodes) == CUDA_SUCCESS);
  CHECK(nodes == 0); // nothing refused left a node behind

  REQUIRE(cuGraphAddMemAllocNode(&node, graph, nullptr, 0, &params) == CUDA_SUCCESS);
  CUgraphNode freeNode = nullptr;
  CHECK(cuGraphAddMemFreeNode(&freeNode, graph, &node, 1, params.dptr + 64) == CUDA_ERROR_INVALID_VALUE); // interior
  CUdeviceptr ordinary = 0;
  REQUIRE(cuMemAlloc(&ordinary, 4096) == CUDA_SUCCESS);
  CHECK(cuGraphAddMemFreeNode(&freeNode, graph, &node, 1, ordinary) == CUDA_ERROR_INVALID_VALUE);
  CUdeviceptr pointer = 0;
  CHECK(cuGraphMemFreeNodeGetParams(node, &pointer) == CUDA_ERROR_INVALID_VALUE); // an allocation node
  CUDA_MEM_ALLOC_NODE_PARAMS read{};
  CHECK(cuGraphMemAllocNodeGetParams(node, nullptr) == CUDA_ERROR_INVALID_VALUE);
  REQUIRE(cuGraphMemAllocNodeGetParams(node, &read) == CUDA_SUCCESS);
  CHECK(read.dptr == params.dptr);
  CHECK(read.bytesize == 4096);

  // Launched, the allocation lives until freed, once; a second free is refused.
  CUgraphExec exec = nullptr;
  REQUIRE(cuGraphInstantiateWithFlags(&exec, graph, 0) == CUDA_SUCCESS);
  REQUIRE(cuGraphLaunch(exec, nullptr) == CUDA_SUCCESS);
  std::vector<unsigned char> data(4096, 0x33), back(4096, 0);
  REQUIRE(cuMemcpyHtoD(params.dptr, data.data(), data.size()) == CUDA_SUCCESS);
  REQUIRE(cuMemcpyDtoH(back.data(), params.dptr, back.size()) == CUDA_SUCCESS);
  CHECK(back == data);
  CHECK(cuMemFree(params.dptr) == CUDA_SUCCESS);
  CHECK(cuMemFree(params.dptr) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuMemcpyHtoD(params.dptr, data.data(), 16) == CUDA_ERROR_INVALID_VALUE); // unmapped again
  REQUIRE(cuGraphExecDestroy(exec) == CUDA_SUCCESS);
  REQUIRE(cuGraphDestroy(graph) == CUDA_SUCCESS);
  CHECK(cuMemFree(params.dptr) == CUDA_ERROR_INVALID_VALUE); // the address is gone with the graph
  REQUIRE(cuMemFree(ordinary) == CUDA_SUCCESS);

  cuuint64_t value = 0;
  CHECK(cuDeviceGetGraphMemAttribute(5, CU_GRAPH_MEM_ATTR_USED_MEM_CURRENT, &value) == CUDA_ERROR_INVALID_DEVICE);
  CHECK(cuDeviceGetGraphMemAttribute(0, CU_GRAPH_MEM_ATTR_USED_MEM_CURRENT, nullptr) == CUDA_ERROR_INVALID_VALUE);
  value = 1;
  CHECK(cuDeviceSetGraphMemAttribute(0, CU_GRAPH_MEM_ATTR_USED_MEM_HIGH, &value) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuDeviceGraphMemTrim(5) == CUDA_ERROR_INVALID_DEVICE);
  CUgraphNodeParams generic{};
  generic.type = CU_GRAPH_NODE_TYPE_MEMCPY;
  generic.memcpy.flags = 1; // must be zero
  CUgraph other = nullptr;
  REQUIRE(cuGraphCreate(&other, 0) == CUDA_SUCCESS);
  CHECK(cuGraphAddNode(&node, other, nullptr, nullptr, 0, &generic) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuGraphAddNode(&node, other, nullptr, nullptr, 0, nullptr) == CUDA_ERROR_INVALID_VALUE);
  REQUIRE(cuGraphDestroy(other) == CUDA_SUCCESS);
}

TEST_CASE("every error code has a name and a description") {
  const char* name = nullptr;
  const char* text = nullptr;
  REQUIRE(cuGetErrorName(CUDA_ERROR_NO_DEVICE, &name) == CUDA_SUCCESS);
  CHECK(std::string(name) == "CUDA_ERROR_NO_DEVICE");
  REQUIRE(cuGetErrorString(CUDA_ERROR_NO_DEVICE, &text) == CUDA_SUCCESS);
  CHECK(std::string(text) == "no CUDA-capable device is detected");
  for (int code : {0, 1, 2, 3, 100, 101, 200, 209, 300, 400, 500, 700, 719, 800, 801, 999}) {
    INFO(code);
    CHECK(cuGetErrorName(static_cast<CUresult>(code), &name) == CUDA_SUCCESS);
    CHECK(cuGetErrorString(static_cast<CUresult>(code), &text) == CUDA_SUCCESS);
  }
}

TEST_CASE("context limits answer as NVIDIA's driver 580 does on an H100, query-only ones refuse a set") {
  context();
  // Captured on the H100 (docs/gpu-results/2026-11-26-h100-remote-checks/context-limits.txt).
  const std::vector<std::pair<CUlimit, std::size_t>> defaults = {
      {CU_LIMIT_STACK_SIZE, 1024},
      {CU_LIMIT_PRINTF_FIFO_SIZE, 8650752},
      {CU_LIMIT_MALLOC_HEAP_SIZE, 8388608},
      {CU_LIMIT_DEV_RUNTIME_PENDING_LAUNCH_COUNT, 2048},
      {CU_LIMIT_MAX_L2_FETCH_GRANULARITY, 64},
      {CU_LIMIT_PERSISTING_L2_CACHE_SIZE, 9830400},
      {CU_LIMIT_SHMEM_SIZE, 232448}, // the device's opt-in shared memory per block
      {CU_LIMIT_CIG_ENABLED, 0},     // cuBLAS asks before its first GEMM
  };
  for (const auto& [limit, expected] : defaults) {
    INFO("limit " << static_cast<int>(limit));
    std::size_t value = 1;
    CHECK(cuCtxGetLimit(&value, limit) == CUDA_SUCCESS);
    CHECK(value == expected);
  }
  std::size_t value = 0;
  CHECK(cuCtxGetLimit(&value, CU_LIMIT_DEV_RUNTIME_SYNC_DEPTH) == CUDA_ERROR_UNSUPPORTED_LIMIT);
  CHECK(cuCtxGetLimit(&value, CU_LIMIT_CIG_SHMEM_FALLBACK_ENABLED) == CUDA_ERROR_UNSUPPORTED_LIMIT);
  CHECK(cuCtxSetLimit(CU_LIMIT_CIG_ENABLED, 1) == CUDA_ERROR_NOT_PERMITTED);
  CHECK(cuCtxSetLimit(CU_LIMIT_SHMEM_SIZE, 4096) == CUDA_ERROR_NOT_PERMITTED);
  CHECK(cuCtxSetLimit(CU_LIMIT_MAX_L2_FETCH_GRANULARITY, 4096) == CUDA_ERROR_INVALID_VALUE);
  CHECK(cuCtxSetLimit(CU_LIMIT_DEV_RUNTIME_SYNC_DEPTH, 4) == CUDA_ERROR_UNSUPPORTED_LIMIT);
  REQUIRE(cuCtxSetLimit(CU_LIMIT_STACK_SIZE, 4096) == CUDA_SUCCESS);
  CHECK(cuCtxGetLimit(&value, CU_LIMIT_STACK_SIZE) == CUDA_SUCCESS);
  CHECK(value == 4096);
  REQUIRE(cuCtxSetLimit(CU_LIMIT_STACK_SIZE, 1024) == CUDA_SUCCESS);
}
