// vgpud sessions through the shim's RemoteBackend: the one-round-trip device snapshot, data through
// shared memory and inline, launches checked by the module metadata and pipelined, asynchronous
// errors at the next synchronizing call, isolation between sessions, the VRAM quota, session
// priorities (the nice value of the serving thread or worker), a client killed mid-copy, and a
// daemon that dies or stops answering.
#include <catch2/catch.hpp>

#include "vgpud_fixture.h"

#include "backend/backend_wire.h"
#include "backend/stream_attribute_wire.h"

#include "vgpu/device/device_profiles.h"
#include "vgpu/unix_socket.h"
#include "vgpu/wire_codec.h"
#include "vgpu/wire_frame.h"
#include "vgpu/wire_hello.h"

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <spawn.h>
#include <sstream>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <type_traits>
#include <unistd.h>

extern char** environ;

using namespace std::chrono_literals;
using vgpu::cuda::CopyEndpoint;
using vgpu::test::connectClient;
using vgpu::test::VgpudProcess;

namespace {

// The processes vgpud forked (its session workers, with the cuda backend).
std::vector<pid_t> childrenOf(pid_t parent) {
  std::vector<pid_t> children;
  std::ifstream file("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) + "/children");
  pid_t child = 0;
  while (file >> child) {
    children.push_back(child);
  }
  return children;
}

// The nice value of thread `tid` of process `pid` (field 19 of its stat; the name may hold spaces).
int threadNice(pid_t pid, pid_t tid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/stat");
  std::string text;
  std::getline(file, text); // one line
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 19 && fields >> field; ++i) {
  }
  return std::stoi(field);
}

// The nice values of the threads serving vgpud's sessions: every thread but its accept loop (sim
// backend), and every thread of its session workers (cuda backend).
std::vector<int> servingNices(pid_t daemon) {
  std::vector<int> nices;
  const auto threadsOf = [&](pid_t process, bool skipMain) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(process) + "/task")) {
      const pid_t tid = std::stoi(entry.path().filename().string());
      if (!skipMain || tid != process) {
        nices.push_back(threadNice(process, tid));
      }
    }
  };
  threadsOf(daemon, true);
  for (const pid_t worker : childrenOf(daemon)) {
    threadsOf(worker, false);
  }
  return nices;
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) {
    text += (text.empty() ? "" : " ") + word;
  }
  return text;
}

// Whether this process may lower its threads' nice values (CAP_SYS_NICE), tried in a child.
bool mayRaisePriority() {
  const pid_t child = ::fork();
  if (child == 0) {
    ::_exit(::setpriority(PRIO_PROCESS, 0, ::getpriority(PRIO_PROCESS, 0) - 5) == 0 ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

CopyEndpoint device(CUdeviceptr pointer, std::size_t pitch = 0) {
  return {true, pointer, nullptr, pitch};
}
CopyEndpoint host(void* pointer, std::size_t pitch = 0) {
  return {false, 0, pointer, pitch};
}

std::vector<std::uint8_t> pattern(std::size_t bytes, unsigned seed) {
  std::vector<std::uint8_t> data(bytes);
  for (std::size_t i = 0; i < bytes; ++i) {
    data[i] = static_cast<std::uint8_t>((i * 131 + seed) >> 3);
  }
  return data;
}

std::uint64_t daemonBytes(vgpu::cuda::remote::RemoteBackend& client) {
  std::uint32_t sessions = 0;
  std::uint64_t bytes = 0;
  REQUIRE(client.daemonStatus(sessions, bytes) == CUDA_SUCCESS);
  return bytes;
}

constexpr const char* kPtx = ".version 8.0\n.target sm_90\n.address_size 64\n"
                             ".visible .entry scale(.param .u64 data, .param .u32 count, .param .f32 factor)\n"
                             "{\n\tret;\n}\n";

} // namespace

TEST_CASE("hello costs one round trip and carries the device's whole snapshot") {
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint());
  CHECK(client->roundTrips() == 1);
  if (vgpu::test::onDriverDouble()) {
    // The cuda backend presents the executing GPU itself (the double's first GPU): its own name,
    // UUID and attributes, not a profile the guest names.
    CHECK(client->device(0).profile.name == "NVIDIA H100 PCIe");
    CHECK_FALSE(client->device(0).snapshot.simulated);
    CHECK(client->device(0).snapshot.uuid != vgpu::test::expectedDevice().uuid);
    return;
  }
  const vgpu::device::DeviceProfile* profile = vgpu::device::findProfileByKey("h100-pcie");
  REQUIRE(profile != nullptr);
  const auto& remote = client->device(0);
  CHECK(remote.profile.name == profile->name);
  CHECK(remote.profile.ccMajor == profile->ccMajor);
  CHECK(remote.profile.totalMemoryBytes == profile->totalMemoryBytes);
  CHECK(remote.profile.sharedMemPerBlockOptin == profile->sharedMemPerBlockOptin);
  CHECK(remote.snapshot.uuid == vgpu::test::expectedDevice().uuid);
  CHECK(remote.snapshot.simulated);
  REQUIRE(remote.profile.attributes.size() == profile->attributes.size());
  for (std::size_t i = 0; i < profile->attributes.size(); ++i) {
    INFO("attribute " << i + 1);
    CHECK(remote.profile.attributes[i].result == profile->attributes[i].result);
    if (profile->attributes[i].result == CUDA_SUCCESS) {
      CHECK(remote.profile.attributes[i].value == profile->attributes[i].value);
    }
  }
  CHECK(client->roundTrips() == 1); // reading the snapshot costs nothing more
  // The device's address range is kept free here: no host mapping can take a device address.
  REQUIRE(remote.snapshot.addressSize > 0);
#if !defined(__SANITIZE_THREAD__)
  // (Not in a tsan build: there vgpud places device addresses anywhere, outside the slots this
  // process keeps free, because ThreadSanitizer owns that region; shim/vgpud/sim_devices.cpp.)
  void* probe = ::mmap(reinterpret_cast<void*>(remote.snapshot.addressBase), 4096, PROT_READ,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  CHECK(probe == MAP_FAILED);
#endif
}

TEST_CASE("copies round-trip through shared memory (large) and inline (small), 2D included") {
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint());
  for (const std::size_t bytes : {std::size_t{1000}, std::size_t{64} << 20, (std::size_t{5} << 20) + 7}) {
    INFO("bytes " << bytes);
    CUdeviceptr buffer = 0;
    REQUIRE(client->memAlloc(0, bytes, buffer) == CUDA_SUCCESS);
    const auto in = pattern(bytes, static_cast<unsigned>(bytes));
    std::vector<std::uint8_t> out(bytes, 0);
    REQUIRE(client->copy(device(buffer), host(const_cast<std::uint8_t*>(in.data())), bytes, 1, 0, false) ==
            CUDA_SUCCESS);
    REQUIRE(client->copy(host(out.data()), device(buffer), bytes, 1, 0, false) == CUDA_SUCCESS);
    CHECK(in == out);
    REQUIRE(client->memFree(buffer) == CUDA_SUCCESS);
  }
  // 2D: 300 rows of 70 000 bytes (wider than an inline copy) into a pitched buffer and back.
  const std::size_t width = 70000, pitch = 70144, rows = 300;
  CUdeviceptr pitched = 0;
  REQUIRE(client->memAlloc(0, pitch * rows, pitched) == CUDA_SUCCESS);
  const auto in = pattern(width * rows, 7);
  std::vector<std::uint8_t> out(width * rows, 0);
  REQUIRE(client->copy(device(pitched, pitch), host(const_cast<std::uint8_t*>(in.data()), width), width, rows, 0,
                       true) == CUDA_SUCCESS);
  REQUIRE(client->copy(host(out.data(), width), device(pitched, pitch), width, rows, 0, true) == CUDA_SUCCESS);
  CHECK(in == out);
  // Pinned memory stays in this process and copies like host memory.
  void* pinned = nullptr;
  REQUIRE(client->hostAlloc(4096, pinned) == CUDA_SUCCESS);
  vgpu::cuda::PointerInfo info;
  REQUIRE(client->pointerInfo(reinterpret_cast<CUdeviceptr>(pinned), info) == CUDA_SUCCESS);
  CHECK(info.kind == vgpu::cuda::MemoryKind::Host);
  std::memset(pinned, 0x5a, 4096);
  REQUIRE(client->copy(device(pitched), device(reinterpret_cast<CUdeviceptr>(pinned)), 4096, 1, 0, false) ==
          CUDA_SUCCESS);
  std::vector<std::uint8_t> back(4096, 0);
  REQUIRE(client->copy(host(back.data()), device(pitched), 4096, 1, 0, false) == CUDA_SUCCESS);
  CHECK(back == std::vector<std::uint8_t>(4096, 0x5a));
  // A memset on pinned memory (a unified address) fills it here.
  REQUIRE(client->memset(reinterpret_cast<CUdeviceptr>(pinned), 0, 0x01020304, 4, 1024, 1, 0, false) == CUDA_SUCCESS);
  CHECK(static_cast<std::uint8_t*>(pinned)[4093] == 0x03); // bytes 04 03 02 01, little-endian
  CHECK(client->hostFree(pinned) == CUDA_SUCCESS);
}

TEST_CASE("pinned memory is shared with vgpud: copies move it in place, async ones queued in stream order") {
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint());
  constexpr std::size_t kBytes = std::size_t{64} << 20;
  void* in = nullptr;
  void* out = nullptr;
  REQUIRE(client->hostAlloc(kBytes, in) == CUDA_SUCCESS);
  REQUIRE(client->hostAlloc(kBytes, out) == CUDA_SUCCESS);
  const auto data = pattern(kBytes, 3);
  std::memcpy(in, data.data(), kBytes);
  std::memset(out, 0, kBytes);
  CUdeviceptr buffer = 0;
  REQUIRE(client->memAlloc(0, kBytes, buffer) == CUDA_SUCCESS);
  vgpu::cuda::BackendStream stream = 0;
  REQUIRE(client->streamCreate(0, 0, 0, stream) == CUDA_SUCCESS);
  const std::uint64_t before = client->roundTrips();
  REQUIRE(client->copy(device(buffer), host(in), kBytes, 1, stream, true) == CUDA_SUCCESS);
  REQUIRE(client->copy(host(out), device(buffer), kBytes, 1, stream, true) == CUDA_SUCCESS);
  // Both queued without a reply (CUDA's pinned-memory semantics: read and written in stream order,
  // done by the next synchronizing call; the program leaves the source alone until then).
  CHECK(client->roundTrips() == before);
  REQUIRE(client->streamSynchronize(stream) == CUDA_SUCCESS);
  CHECK(client->roundTrips() == before + 1);
  CHECK(std::memcmp(out, data.data(), kBytes) == 0);
  CHECK(client->hostFree(in) == CUDA_SUCCESS);
  CHECK(client->hostFree(out) == CUDA_SUCCESS);
  CHECK(client->streamSynchronize(stream) == CUDA_SUCCESS);
}

TEST_CASE("asynchronous errors surface at the next synchronizing call, once") {
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint());
  CUdeviceptr buffer = 0;
  REQUIRE(client->memAlloc(0, 4096, buffer) == CUDA_SUCCESS);
  const std::uint64_t before = client->roundTrips();
  // Out of bounds: accepted at once (not checked here), refused by vgpud later.
  CHECK(client->memset(buffer + 4000, 0, 0, 1, 4096, 1, 0, true) == CUDA_SUCCESS);
  CHECK(client->memset(buffer, 0, 7, 4, 16, 1, 0, true) == CUDA_SUCCESS);
  CHECK(client->roundTrips() == before); // nothing waited for
  CHECK(client->streamSynchronize(0) == CUDA_ERROR_INVALID_VALUE);
  CHECK(client->streamSynchronize(0) == CUDA_SUCCESS);
  std::uint32_t word = 0;
  REQUIRE(client->copy(host(&word), device(buffer), 4, 1, 0, false) == CUDA_SUCCESS);
  CHECK(word == 7); // the valid memset after the failed one ran
}

TEST_CASE("a kernel's description: one conversion for both sides, every field round-trips") {
  vgpu::cuda::KernelInfo info;
  info.name = "vgpu_saxpy";
  info.parameters = {{0, 4}, {8, 8}, {16, 8}};
  info.parameterBufferSize = 24;
  info.maxThreadsPerBlock = 512;
  info.sharedSizeBytes = 1024;
  info.constSizeBytes = 64;
  info.localSizeBytes = 16;
  info.numRegs = 32;
  info.fromPtx = true;
  const std::vector<std::uint8_t> payload = vgpu::wire::encode(vgpu::cuda::kernelInfoToWire(77, info));
  vgpu::cuda::ModuleFunctionReply reply;
  REQUIRE(vgpu::wire::decode(std::span<const std::uint8_t>(payload), reply));
  CHECK(reply.function == 77);
  const vgpu::cuda::KernelInfo back = vgpu::cuda::kernelInfoFromWire(reply);
  CHECK(back.name == info.name);
  REQUIRE(back.parameters.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(back.parameters[i].offset == info.parameters[i].offset);
    CHECK(back.parameters[i].size == info.parameters[i].size);
  }
  CHECK(back.parameterBufferSize == 24);
  CHECK(back.maxThreadsPerBlock == 512);
  CHECK(back.sharedSizeBytes == 1024);
  CHECK(back.constSizeBytes == 64);
  CHECK(back.localSizeBytes == 16);
  CHECK(back.numRegs == 32);
  CHECK(back.fromPtx);
}

TEST_CASE("pointer info, memory usage and counters: one conversion for both sides, every field round-trips") {
  // Distinct values in every field, through the encoded bytes as the wire carries them.
  const auto roundTrip = [](const auto& message) {
    const std::vector<std::uint8_t> payload = vgpu::wire::encode(message);
    std::remove_cvref_t<decltype(message)> back;
    REQUIRE(vgpu::wire::decode(std::span<const std::uint8_t>(payload), back));
    return back;
  };
  vgpu::cuda::PointerInfo pointer;
  pointer.kind = vgpu::cuda::MemoryKind::Managed;
  pointer.base = 0x7f0000001000;
  pointer.size = 3 << 20;
  pointer.device = 2;
  pointer.hostPointer = &pointer; // the asking process's own: never sent
  pointer.allocationId = 991;
  const vgpu::cuda::PointerInfo pointerBack =
      vgpu::cuda::pointerInfoFromWire(roundTrip(vgpu::cuda::pointerInfoToWire(pointer)));
  CHECK(pointerBack.kind == pointer.kind);
  CHECK(pointerBack.base == pointer.base);
  CHECK(pointerBack.size == pointer.size);
  CHECK(pointerBack.device == pointer.device);
  CHECK(pointerBack.hostPointer == nullptr);
  CHECK(pointerBack.allocationId == pointer.allocationId);

  const vgpu::cuda::MemoryUsage usage{1 << 20, 80ULL << 30, 5 << 20, 17};
  const vgpu::cuda::MemoryUsage usageBack =
      vgpu::cuda::memoryUsageFromWire(roundTrip(vgpu::cuda::memoryUsageToWire(usage)));
  CHECK(usageBack.usedBytes == usage.usedBytes);
  CHECK(usageBack.totalBytes == usage.totalBytes);
  CHECK(usageBack.peakBytes == usage.peakBytes);
  CHECK(usageBack.allocationCount == usage.allocationCount);

  const vgpu::cuda::BackendCounters counters{11, 22, 33, 44, 55};
  const vgpu::cuda::BackendCounters countersBack =
      vgpu::cuda::countersFromWire(roundTrip(vgpu::cuda::countersToWire(counters)));
  CHECK(countersBack.kernelLaunches == 11);
  CHECK(countersBack.bytesHostToDevice == 22);
  CHECK(countersBack.bytesDeviceToHost == 33);
  CHECK(countersBack.bytesDeviceToDevice == 44);
  CHECK(countersBack.memsets == 55);
}

TEST_CASE("stream attributes: one encoding for both sides, every stream attribute round-trips") {
  using vgpu::cuda::StreamAttributeRequest;
  std::vector<StreamAttributeRequest> requests(4);
  requests[0].id = CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW;
  requests[0].value.accessPolicyWindow = {reinterpret_cast<void*>(0x7f0000001000), 1 << 20, 0.625f,
                                          CU_ACCESS_PROPERTY_PERSISTING, CU_ACCESS_PROPERTY_STREAMING};
  requests[1].id = CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY;
  requests[1].value.syncPolicy = CU_SYNC_POLICY_BLOCKING_SYNC;
  requests[2].id = CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN;
  requests[2].value.memSyncDomain = CU_LAUNCH_MEM_SYNC_DOMAIN_REMOTE;
  requests[3].id = CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN_MAP;
  requests[3].value.memSyncDomainMap = {1, 0};
  for (StreamAttributeRequest& request : requests) {
    request.stream = 42;
    const std::vector<std::uint8_t> bytes = vgpu::cuda::encodeStreamAttribute(request);
    vgpu::wire::Reader reader(bytes);
    StreamAttributeRequest decoded;
    REQUIRE(vgpu::cuda::decodeStreamAttribute(reader, decoded));
    CHECK(reader.atEnd());
    CHECK(decoded.stream == 42);
    CHECK(decoded.id == request.id);
    // Field by field: the union's bytes beyond the member (and its padding) are not part of it.
    const CUlaunchAttributeValue& a = decoded.value;
    const CUlaunchAttributeValue& b = request.value;
    switch (request.id) {
    case CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW:
      CHECK(a.accessPolicyWindow.base_ptr == b.accessPolicyWindow.base_ptr);
      CHECK(a.accessPolicyWindow.num_bytes == b.accessPolicyWindow.num_bytes);
      CHECK(a.accessPolicyWindow.hitRatio == b.accessPolicyWindow.hitRatio);
      CHECK(a.accessPolicyWindow.hitProp == b.accessPolicyWindow.hitProp);
      CHECK(a.accessPolicyWindow.missProp == b.accessPolicyWindow.missProp);
      break;
    case CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY: CHECK(a.syncPolicy == b.syncPolicy); break;
    case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN: CHECK(a.memSyncDomain == b.memSyncDomain); break;
    default:
      CHECK(a.memSyncDomainMap.default_ == b.memSyncDomainMap.default_);
      CHECK(a.memSyncDomainMap.remote == b.memSyncDomainMap.remote);
      break;
    }
    vgpu::wire::Reader truncated(std::span<const std::uint8_t>(bytes).first(bytes.size() - 1));
    CHECK_FALSE(vgpu::cuda::decodeStreamAttribute(truncated, decoded));
  }
  StreamAttributeRequest priority;
  priority.id = CU_LAUNCH_ATTRIBUTE_PRIORITY; // valid for streams, but fixed at creation: never sent
  const std::vector<std::uint8_t> bytes = vgpu::cuda::encodeStreamAttribute(priority);
  vgpu::wire::Reader reader(bytes);
  CHECK_FALSE(vgpu::cuda::decodeStreamAttribute(reader, priority));
}

TEST_CASE("stream attributes reach vgpud's device: the GPU's driver judges them there") {
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint());
  vgpu::cuda::BackendStream stream = 0;
  REQUIRE(client->streamCreate(0, CU_STREAM_NON_BLOCKING, 0, stream) == CUDA_SUCCESS);
  CUdeviceptr buffer = 0;
  REQUIRE(client->memAlloc(0, 1 << 20, buffer) == CUDA_SUCCESS);
  CUlaunchAttributeValue window{};
  window.accessPolicyWindow = {reinterpret_cast<void*>(buffer), 1 << 20, 1.0f, CU_ACCESS_PROPERTY_PERSISTING,
                               CU_ACCESS_PROPERTY_STREAMING};
  const std::uint64_t before = client->roundTrips();
  CHECK(client->streamSetAttribute(stream, CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW, window) == CUDA_SUCCESS);
  CHECK(client->roundTrips() == before); // asynchronous, like the launches it steers
  CHECK(client->streamSynchronize(stream) == CUDA_SUCCESS);
  CHECK(client->streamSetAttribute(0, CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW, window) == CUDA_ERROR_INVALID_HANDLE);
  CHECK(client->streamSetAttribute(stream, CU_LAUNCH_ATTRIBUTE_PRIORITY, window) == CUDA_ERROR_INVALID_VALUE);
  // A domain the device does not have: the simulated device keeps nothing and says yes; the GPU's
  // driver (here the driver double, the shim's own checks) refuses it at the next synchronizing call.
  CUlaunchAttributeValue domain{};
  const int noSuchDomain = 7;
  std::memcpy(&domain.memSyncDomain, &noSuchDomain, sizeof noSuchDomain);
  CHECK(client->streamSetAttribute(stream, CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN, domain) == CUDA_SUCCESS);
  CHECK(client->streamSynchronize(stream) == (vgpu::test::onDriverDouble() ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS));
  CHECK(client->streamSynchronize(stream) == CUDA_SUCCESS);
}

TEST_CASE("launches are checked by the module metadata here, pipelined, and counted by vgpud") {
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint());
  const std::string ptx(kPtx);
  vgpu::cuda::BackendModule module = 0;
  std::string error;
  const std::vector<std::uint8_t> image(ptx.begin(), ptx.end() + 1);
  REQUIRE(client->moduleLoad(0, image, module, error) == CUDA_SUCCESS);
  vgpu::cuda::BackendFunction function = 0;
  const vgpu::cuda::KernelInfo* info = nullptr;
  REQUIRE(client->moduleFunction(module, "scale", function, info) == CUDA_SUCCESS);
  REQUIRE(info != nullptr);
  REQUIRE(info->parameters.size() == 3);
  CHECK(info->parameters[1].offset == 8);
  CHECK(info->parameters[2].size == 4);
  std::vector<std::uint8_t> parameters(info->parameterBufferSize, 0);
  vgpu::cuda::LaunchConfig config;
  config.gridX = 64;
  config.blockX = 256;
  const std::uint64_t before = client->roundTrips();
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(client->launch(function, config, parameters) == CUDA_SUCCESS);
  }
  CHECK(client->roundTrips() == before);
  std::vector<std::uint8_t> wrongSize(info->parameterBufferSize + 4, 0);
  CHECK(client->launch(function, config, wrongSize) == CUDA_ERROR_INVALID_VALUE);
  config.blockX = 4096;
  CHECK(client->launch(function, config, parameters) == CUDA_ERROR_INVALID_VALUE);
  REQUIRE(client->deviceSynchronize(0) == CUDA_SUCCESS);
  CHECK(client->counters().kernelLaunches == 1000);
  CHECK(client->moduleUnload(module) == CUDA_SUCCESS);
}

TEST_CASE("cluster and cooperative launches travel as LaunchEx; a grid that is not whole clusters fails") {
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint());
  const std::string ptx(kPtx);
  vgpu::cuda::BackendModule module = 0;
  std::string error;
  const std::vector<std::uint8_t> image(ptx.begin(), ptx.end() + 1);
  REQUIRE(client->moduleLoad(0, image, module, error) == CUDA_SUCCESS);
  vgpu::cuda::BackendFunction function = 0;
  const vgpu::cuda::KernelInfo* info = nullptr;
  REQUIRE(client->moduleFunction(module, "scale", function, info) == CUDA_SUCCESS);
  std::vector<std::uint8_t> parameters(info->parameterBufferSize, 0);
  vgpu::cuda::LaunchConfig config;
  config.gridX = 64;
  config.blockX = 128;
  config.clusterX = 2; // 32 clusters of 2 blocks
  REQUIRE(client->launch(function, config, parameters) == CUDA_SUCCESS);
  config.clusterX = 1;
  config.cooperative = true;
  REQUIRE(client->launch(function, config, parameters) == CUDA_SUCCESS);
  config.cooperative = false;
  config.programmaticSerialization = true; // programmatic dependent launch, as cuBLASLt's GEMMs use
  config.clusterSchedulingPolicy = CU_CLUSTER_SCHEDULING_POLICY_SPREAD;
  REQUIRE(client->launch(function, config, parameters) == CUDA_SUCCESS);
  REQUIRE(client->deviceSynchronize(0) == CUDA_SUCCESS);
  CHECK(client->counters().kernelLaunches == 3); // all reached the executor and ran there
  config.programmaticSerialization = false;
  config.clusterSchedulingPolicy = 0;
  config.clusterX = 3; // 64 blocks are not a whole number of 3-block clusters: vgpud refuses it
  REQUIRE(client->launch(function, config, parameters) == CUDA_SUCCESS); // queued, like every launch
  CHECK(client->deviceSynchronize(0) == CUDA_ERROR_INVALID_VALUE);       // its error, at the next sync
  CHECK(client->counters().kernelLaunches == 3);
  CHECK(client->moduleUnload(module) == CUDA_SUCCESS);
}

namespace {

using vgpu::cuda::GraphNodeWork;

GraphNodeWork memsetNode(CUdeviceptr destination, std::uint32_t value, std::size_t words,
                         std::vector<std::uint32_t> after = {}) {
  GraphNodeWork node;
  node.kind = GraphNodeWork::Kind::Memset;
  node.destination = destination;
  node.value = value;
  node.elementSize = 4;
  node.widthElements = words;
  node.dependencies = std::move(after);
  return node;
}

GraphNodeWork copyNode(CUdeviceptr destination, CUdeviceptr source, std::size_t bytes,
                       std::vector<std::uint32_t> after = {}) {
  GraphNodeWork node;
  node.kind = GraphNodeWork::Kind::Copy;
  node.destination = destination;
  node.source = source;
  node.widthBytes = bytes;
  node.dependencies = std::move(after);
  return node;
}

std::vector<std::uint32_t> fetchWords(vgpu::cuda::remote::RemoteBackend& client, CUdeviceptr source,
                                      std::size_t count) {
  std::vector<std::uint32_t> words(count, 0);
  REQUIRE(client.copy(host(words.data()), device(source), count * 4, 1, 0, false) == CUDA_SUCCESS);
  return words;
}

bool allEqual(const std::vector<std::uint32_t>& words, std::uint32_t value) {
  return std::all_of(words.begin(), words.end(), [value](std::uint32_t word) { return word == value; });
}

} // namespace

// A graph of device work run whole by vgpud: one round trip to create it, one frame per launch, the
// nodes' work done in their order (a fork and a join included) on the simulated device and through
// the cuda backend's driver graphs on the double; updates in place; bad graphs refused whole.
TEST_CASE("graphs run whole: created once, launched without a round trip, updated, and refused when bad") {
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint());
  constexpr std::size_t kWords = 256;
  CUdeviceptr a = 0, b = 0, c = 0;
  REQUIRE(client->memAlloc(0, kWords * 4, a) == CUDA_SUCCESS);
  REQUIRE(client->memAlloc(0, kWords * 4, b) == CUDA_SUCCESS);
  REQUIRE(client->memAlloc(0, kWords * 4, c) == CUDA_SUCCESS);
  const std::string ptx(kPtx);
  vgpu::cuda::BackendModule module = 0;
  std::string error;
  const std::vector<std::uint8_t> image(ptx.begin(), ptx.end() + 1);
  REQUIRE(client->moduleLoad(0, image, module, error) == CUDA_SUCCESS);
  vgpu::cuda::BackendFunction function = 0;
  const vgpu::cuda::KernelInfo* info = nullptr;
  REQUIRE(client->moduleFunction(module, "scale", function, info) == CUDA_SUCCESS);
  vgpu::cuda::BackendEvent event = 0;
  REQUIRE(client->eventCreate(0, event) == CUDA_SUCCESS);
  vgpu::cuda::BackendStream stream = 0;
  REQUIRE(client->streamCreate(0, 0, 0, stream) == CUDA_SUCCESS);

  // memset a=7 → kernel → fork: copy a→b and memset c=3 → join (empty) → event record.
  GraphNodeWork kernel;
  kernel.kind = GraphNodeWork::Kind::Kernel;
  kernel.function = function;
  kernel.launch.gridX = 2;
  kernel.launch.blockX = 128;
  kernel.parameters.assign(info->parameterBufferSize, 0);
  kernel.dependencies = {0};
  GraphNodeWork join;
  join.dependencies = {2, 3};
  GraphNodeWork record;
  record.kind = GraphNodeWork::Kind::EventRecord;
  record.event = event;
  record.dependencies = {4};
  std::vector<GraphNodeWork> nodes = {memsetNode(a, 7, kWords),      kernel, copyNode(b, a, kWords * 4, {1}),
                                      memsetNode(c, 3, kWords, {1}), join,   record};
  vgpu::cuda::BackendGraph graph = 0;
  const std::uint64_t beforeCreate = client->roundTrips();
  REQUIRE(client->graphCreate(0, nodes, graph) == CUDA_SUCCESS);
  CHECK(graph != 0);
  CHECK(client->roundTrips() == beforeCreate + 1);
  const vgpu::cuda::BackendCounters before = client->counters();
  const std::uint64_t beforeLaunches = client->roundTrips();
  for (int i = 0; i < 100; ++i) {
    REQUIRE(client->graphLaunch(graph, stream) == CUDA_SUCCESS);
  }
  CHECK(client->roundTrips() == beforeLaunches); // launches wait for nothing
  REQUIRE(client->streamSynchronize(stream) == CUDA_SUCCESS);
  CHECK(client->eventQuery(event) == CUDA_SUCCESS);
  const vgpu::cuda::BackendCounters after = client->counters();
  CHECK(after.kernelLaunches - before.kernelLaunches == 100);
  CHECK(after.memsets - before.memsets == 200);
  CHECK(after.bytesDeviceToDevice - before.bytesDeviceToDevice == 100 * kWords * 4);
  CHECK(allEqual(fetchWords(*client, b, kWords), 7));
  CHECK(allEqual(fetchWords(*client, c, kWords), 3));

  // Updated in place: new values, the same topology.
  nodes[0] = memsetNode(a, 9, kWords);
  nodes[3] = memsetNode(c, 5, kWords, {1});
  REQUIRE(client->graphUpdate(graph, nodes) == CUDA_SUCCESS);
  REQUIRE(client->graphLaunch(graph, stream) == CUDA_SUCCESS);
  REQUIRE(client->streamSynchronize(stream) == CUDA_SUCCESS);
  CHECK(allEqual(fetchWords(*client, b, kWords), 9));
  CHECK(allEqual(fetchWords(*client, c, kWords), 5));
  // Another topology is not an update, and leaves the graph as it was.
  std::vector<GraphNodeWork> other = nodes;
  other[3].dependencies = {0};
  CHECK(client->graphUpdate(graph, other) == CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE);
  other.pop_back();
  CHECK(client->graphUpdate(graph, other) == CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE);
  REQUIRE(client->graphLaunch(graph, stream) == CUDA_SUCCESS);
  REQUIRE(client->streamSynchronize(stream) == CUDA_SUCCESS);
  CHECK(allEqual(fetchWords(*client, c, kWords), 5));

  // Refused whole: a dependency on itself or a later node (a cycle could not be sent), an unknown
  // function or event, memory the session does not hold, a kernel's wrong parameter buffer.
  vgpu::cuda::BackendGraph refused = 0;
  std::vector<GraphNodeWork> bad = {memsetNode(a, 1, kWords, {0})};
  CHECK(client->graphCreate(0, bad, refused) == CUDA_ERROR_INVALID_VALUE);
  bad = {memsetNode(a, 1, kWords, {1}), memsetNode(b, 1, kWords)};
  CHECK(client->graphCreate(0, bad, refused) == CUDA_ERROR_INVALID_VALUE);
  bad = {copyNode(b, a + kWords * 4 + (1 << 20), 64)};
  CHECK(client->graphCreate(0, bad, refused) == CUDA_ERROR_INVALID_VALUE);
  bad = {memsetNode(a, 1, kWords + 1)}; // one word past the allocation
  CHECK(client->graphCreate(0, bad, refused) == CUDA_ERROR_INVALID_VALUE);
  bad = {record};
  bad[0].dependencies.clear();
  bad[0].event = event + 1000;
  CHECK(client->graphCreate(0, bad, refused) == CUDA_ERROR_INVALID_HANDLE);
  bad = {kernel};
  bad[0].dependencies.clear();
  bad[0].parameters.push_back(0);
  CHECK(client->graphCreate(0, bad, refused) == CUDA_ERROR_INVALID_VALUE); // checked here, as launches are
  CHECK(client->graphCreate(0, {}, refused) == CUDA_ERROR_INVALID_VALUE);
  CHECK(refused == 0);

  // A graph never runs on memory the session gave back: its launch fails.
  vgpu::cuda::BackendGraph onFreed = 0;
  CUdeviceptr scratch = 0;
  REQUIRE(client->memAlloc(0, kWords * 4, scratch) == CUDA_SUCCESS);
  const std::vector<GraphNodeWork> intoScratch = {memsetNode(b, 11, kWords), copyNode(scratch, b, kWords * 4, {0})};
  REQUIRE(client->graphCreate(0, intoScratch, onFreed) == CUDA_SUCCESS);
  REQUIRE(client->memFree(scratch) == CUDA_SUCCESS);
  REQUIRE(client->graphLaunch(onFreed, stream) == CUDA_SUCCESS); // queued; refused by vgpud
  CHECK(client->streamSynchronize(stream) == CUDA_ERROR_INVALID_VALUE);

  // Destroyed, and unknown to another session.
  auto second = connectClient(daemon.endpoint());
  REQUIRE(second->graphLaunch(graph, 0) == CUDA_SUCCESS);
  CHECK(second->streamSynchronize(0) == CUDA_ERROR_INVALID_HANDLE);
  REQUIRE(client->graphDestroy(graph) == CUDA_SUCCESS);
  REQUIRE(client->graphLaunch(graph, stream) == CUDA_SUCCESS);
  CHECK(client->streamSynchronize(stream) == CUDA_ERROR_INVALID_HANDLE);
  CHECK(client->graphDestroy(onFreed) == CUDA_SUCCESS);
  CHECK(client->streamSynchronize(stream) == CUDA_SUCCESS);
}

// A copy's host side in a whole graph is pinned memory vgpud shares (as ggml's captured token
// copies are): the data moves in place at each launch; pageable memory keeps the graph here; and
// freeing the pinned memory takes the graph with it, so it never copies to an unmapped region.
TEST_CASE("graphs run whole: copies with pinned memory move its data; pageable memory and freed regions refuse") {
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint());
  constexpr std::size_t kWords = 1024;
  CUdeviceptr a = 0;
  REQUIRE(client->memAlloc(0, kWords * 4, a) == CUDA_SUCCESS);
  void* in = nullptr;
  void* out = nullptr;
  REQUIRE(client->hostAlloc(kWords * 4, in) == CUDA_SUCCESS);
  REQUIRE(client->hostAlloc(kWords * 4, out) == CUDA_SUCCESS);
  auto* input = static_cast<std::uint32_t*>(in);
  auto* output = static_cast<std::uint32_t*>(out);
  std::iota(input, input + kWords, 100u);
  std::fill(output, output + kWords, 0u);
  GraphNodeWork toDevice = copyNode(a, 0, kWords * 4);
  toDevice.hostSource = input;
  GraphNodeWork toHost = copyNode(0, a, kWords * 4, {0});
  toHost.hostDestination = output;
  const std::vector<GraphNodeWork> nodes = {toDevice, toHost};
  vgpu::cuda::BackendGraph graph = 0;
  REQUIRE(client->graphCreate(0, nodes, graph) == CUDA_SUCCESS);
  REQUIRE(client->graphLaunch(graph, 0) == CUDA_SUCCESS);
  REQUIRE(client->streamSynchronize(0) == CUDA_SUCCESS);
  CHECK(std::equal(input, input + kWords, output));
  input[7] = 7; // the next launch takes the pinned memory as it is then
  REQUIRE(client->graphLaunch(graph, 0) == CUDA_SUCCESS);
  REQUIRE(client->streamSynchronize(0) == CUDA_SUCCESS);
  CHECK(output[7] == 7);
  const vgpu::cuda::BackendCounters counters = client->counters();
  CHECK(counters.bytesHostToDevice >= 2 * kWords * 4);
  CHECK(counters.bytesDeviceToHost >= 2 * kWords * 4);

  std::vector<std::uint32_t> pageable(kWords, 0);
  GraphNodeWork intoPageable = copyNode(0, a, kWords * 4);
  intoPageable.hostDestination = pageable.data();
  vgpu::cuda::BackendGraph refused = 0;
  CHECK(client->graphCreate(0, std::vector<GraphNodeWork>{intoPageable}, refused) == CUDA_ERROR_NOT_SUPPORTED);
  GraphNodeWork pastEnd = toHost;
  pastEnd.dependencies.clear();
  pastEnd.widthBytes = kWords * 4 + 4096 * 16; // beyond the pinned allocation
  CHECK(client->graphCreate(0, std::vector<GraphNodeWork>{pastEnd}, refused) == CUDA_ERROR_NOT_SUPPORTED);

  REQUIRE(client->hostFree(out) == CUDA_SUCCESS); // vgpud destroys the graph before the region goes
  REQUIRE(client->graphLaunch(graph, 0) == CUDA_SUCCESS);
  CHECK(client->streamSynchronize(0) == CUDA_ERROR_INVALID_HANDLE);
  CHECK(client->hostFree(in) == CUDA_SUCCESS);
}

// Stream memory operations through vgpud (sim, and the cuda backend on its driver double): words of
// device memory and of pinned memory vgpud shares, one round trip until vgpud has taken a batch and
// none after; memory the session does not hold is refused (at the call, or at the next
// synchronization once batches travel asynchronously).
TEST_CASE("stream memory operations: device and pinned words in order, one round trip, foreign memory refused") {
  using Operation = vgpu::cuda::StreamMemoryOperation;
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint());
  CUdeviceptr words = 0;
  REQUIRE(client->memAlloc(0, 64, words) == CUDA_SUCCESS);
  void* pinned = nullptr;
  REQUIRE(client->hostAlloc(64, pinned) == CUDA_SUCCESS);
  auto* pinnedWords = static_cast<std::uint32_t*>(pinned);
  pinnedWords[0] = 0;
  pinnedWords[1] = 9;
  vgpu::cuda::BackendStream stream = 0;
  REQUIRE(client->streamCreate(0, 0, 0, stream) == CUDA_SUCCESS);

  const auto operation = [](Operation::Kind kind, CUdeviceptr address, std::uint64_t value, unsigned flags = 0) {
    Operation made;
    made.kind = kind;
    made.address = address;
    made.value = value;
    made.flags = flags;
    return made;
  };
  // Foreign memory first: the batch still travels with a round trip, so the refusal is immediate.
  CHECK(client->streamMemoryOperations(
            stream, std::vector{operation(Operation::Kind::Write32, words + (std::uint64_t{1} << 30), 1)}) ==
        CUDA_ERROR_INVALID_VALUE);
  Operation toHost = operation(Operation::Kind::Write32, 0, 0x77);
  toHost.host = pinnedWords;
  Operation hostWait = operation(Operation::Kind::Wait32, 0, 9, CU_STREAM_WAIT_VALUE_EQ);
  hostWait.host = pinnedWords + 1;
  const std::vector<Operation> batch = {operation(Operation::Kind::Write32, words, 5),
                                        operation(Operation::Kind::Write64, words + 8, 0x1122334455667788ull),
                                        operation(Operation::Kind::Barrier, 0, 0),
                                        operation(Operation::Kind::Wait32, words, 5, CU_STREAM_WAIT_VALUE_GEQ),
                                        toHost,
                                        hostWait};
  const std::uint64_t before = client->roundTrips();
  CHECK(client->streamMemoryOperations(stream, batch) == CUDA_SUCCESS);
  CHECK(client->streamMemoryOperations(stream, batch) == CUDA_SUCCESS);
  CHECK(client->roundTrips() == before); // vgpud took one batch: later ones need no round trip
  REQUIRE(client->streamSynchronize(stream) == CUDA_SUCCESS);
  std::uint32_t device[4] = {};
  REQUIRE(client->copy(host(device), vgpu::cuda::CopyEndpoint{true, words, nullptr, 0}, sizeof device, 1, 0, false) ==
          CUDA_SUCCESS);
  CHECK(device[0] == 5);
  CHECK((std::uint64_t{device[3]} << 32 | device[2]) == 0x1122334455667788ull);
  CHECK(pinnedWords[0] == 0x77);

  // Now asynchronous: a foreign word's refusal comes with the stream's next synchronization.
  CHECK(client->streamMemoryOperations(
            stream, std::vector{operation(Operation::Kind::Write32, words + (std::uint64_t{1} << 30), 1)}) ==
        CUDA_SUCCESS);
  CHECK(client->streamSynchronize(stream) == CUDA_ERROR_INVALID_VALUE);
  CHECK(client->streamSynchronize(stream) == CUDA_SUCCESS); // reported once
  // Pageable memory stays in this process: vgpud's GPU cannot reach it.
  std::uint32_t pageable = 0;
  Operation toPageable = operation(Operation::Kind::Write32, 0, 1);
  toPageable.host = &pageable;
  CHECK(client->streamMemoryOperations(stream, std::vector{toPageable}) == CUDA_ERROR_NOT_SUPPORTED);
  CHECK(client->hostFree(pinned) == CUDA_SUCCESS);
}

// Conditional nodes run whole where kernels run (the cuda backend; here its driver double, which
// decides by the handles' defaults): the executor's driver makes its own handles and the bodies.
// The simulated executor refuses them: the driver layer replays such graphs itself there.
TEST_CASE("graphs run whole: conditional nodes and their bodies, with the executor's own handles") {
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint());
  constexpr std::size_t kWords = 64;
  CUdeviceptr a = 0, b = 0;
  REQUIRE(client->memAlloc(0, kWords * 4, a) == CUDA_SUCCESS);
  REQUIRE(client->memAlloc(0, kWords * 4, b) == CUDA_SUCCESS);
  // IF (default 1) → a = 1, else a = 2; SWITCH (default 1) over three bodies → b = 10, 11 or 12.
  const std::vector<vgpu::cuda::GraphConditionalHandle> handles = {
      {0x5647000000000001ull, 1, CU_GRAPH_COND_ASSIGN_DEFAULT},
      {0x5647000000000002ull, 1, CU_GRAPH_COND_ASSIGN_DEFAULT}};
  GraphNodeWork choice;
  choice.kind = GraphNodeWork::Kind::Conditional;
  choice.conditionalType = CU_GRAPH_COND_TYPE_IF;
  choice.handle = 0;
  choice.bodies = {{memsetNode(a, 1, kWords)}, {memsetNode(a, 2, kWords)}};
  GraphNodeWork pick;
  pick.kind = GraphNodeWork::Kind::Conditional;
  pick.conditionalType = CU_GRAPH_COND_TYPE_SWITCH;
  pick.handle = 1;
  pick.dependencies = {0};
  pick.bodies = {{memsetNode(b, 10, kWords)},
                 {memsetNode(b, 11, kWords), memsetNode(a, 3, kWords, {0})},
                 {memsetNode(b, 12, kWords)}};
  const std::vector<GraphNodeWork> nodes = {choice, pick};
  vgpu::cuda::BackendGraph graph = 0;
  const CUresult created = client->graphCreate(0, nodes, graph, handles);
  if (!vgpu::test::onDriverDouble()) {
    CHECK(created == CUDA_ERROR_NOT_SUPPORTED);
    return;
  }
  REQUIRE(created == CUDA_SUCCESS);
  REQUIRE(client->graphLaunch(graph, 0) == CUDA_SUCCESS);
  REQUIRE(client->streamSynchronize(0) == CUDA_SUCCESS);
  INFO("a " << fetchWords(*client, a, 1)[0] << " b " << fetchWords(*client, b, 1)[0]);
  CHECK(allEqual(fetchWords(*client, b, kWords), 11)); // SWITCH body 1, whose second node
  CHECK(allEqual(fetchWords(*client, a, kWords), 3));  // ran after the IF body's memset
  // A handle index past the list, an event node inside a body: refused.
  vgpu::cuda::BackendGraph refused = 0;
  std::vector<GraphNodeWork> bad = {choice};
  bad[0].handle = 2;
  CHECK(client->graphCreate(0, bad, refused, handles) == CUDA_ERROR_INVALID_VALUE);
  vgpu::cuda::BackendEvent event = 0;
  REQUIRE(client->eventCreate(0, event) == CUDA_SUCCESS);
  bad = {choice};
  bad[0].bodies[0][0].kind = GraphNodeWork::Kind::EventRecord;
  bad[0].bodies[0][0].event = event;
  CHECK(client->graphCreate(0, bad, refused, handles) == CUDA_ERROR_INVALID_VALUE);
  CHECK(client->graphDestroy(graph) == CUDA_SUCCESS);
}

// graph-limit bounds what one session's graphs hold in vgpud; a destroyed graph gives its share back.
TEST_CASE("graphs run whole: graph-limit refuses the graph past it, and destroying one makes room") {
  VgpudProcess daemon({"--graph-limit", "1MiB"});
  auto client = connectClient(daemon.endpoint());
  CUdeviceptr a = 0;
  REQUIRE(client->memAlloc(0, 4096, a) == CUDA_SUCCESS);
  // About 200 KiB each in vgpud: a thousand nodes of at least 200 bytes.
  std::vector<GraphNodeWork> nodes;
  for (std::uint32_t i = 0; i < 1000; ++i) {
    nodes.push_back(memsetNode(a, i, 1024, i == 0 ? std::vector<std::uint32_t>{} : std::vector<std::uint32_t>{i - 1}));
  }
  std::vector<vgpu::cuda::BackendGraph> made;
  CUresult result = CUDA_SUCCESS;
  while (made.size() < 64) {
    vgpu::cuda::BackendGraph graph = 0;
    result = client->graphCreate(0, nodes, graph);
    if (result != CUDA_SUCCESS) {
      break;
    }
    made.push_back(graph);
  }
  CHECK(result == CUDA_ERROR_OUT_OF_MEMORY);
  CHECK(made.size() >= 2);
  CHECK(made.size() < 10);
  REQUIRE(client->graphDestroy(made.back()) == CUDA_SUCCESS);
  vgpu::cuda::BackendGraph again = 0;
  CHECK(client->graphCreate(0, nodes, again) == CUDA_SUCCESS);
  // What is left still runs.
  REQUIRE(client->graphLaunch(again, 0) == CUDA_SUCCESS);
  CHECK(client->streamSynchronize(0) == CUDA_SUCCESS);
  CHECK(fetchWords(*client, a, 1)[0] == 999);
}

// Copies and stream operations on VMM memory ask for the pointer's information each time (the
// driver layer does): vgpud's answer for mapped memory is kept, so only the first costs a round
// trip, until a mapping changes.
TEST_CASE("pointer info of mapped VMM memory: one round trip, then answered here until the mappings change") {
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint());
  const std::size_t granularity = client->allocationGranularity(0);
  REQUIRE(granularity != 0);
  CUdeviceptr base = 0;
  REQUIRE(client->addressReserve(4 * granularity, 0, 0, base) == CUDA_SUCCESS);
  vgpu::cuda::BackendPhysical physical = 0;
  REQUIRE(client->physicalCreate(0, 2 * granularity, physical) == CUDA_SUCCESS);
  REQUIRE(client->map(base, 2 * granularity, 0, physical) == CUDA_SUCCESS);
  REQUIRE(client->setAccess(base, 2 * granularity, 0, true) == CUDA_SUCCESS);

  const std::uint64_t before = client->roundTrips();
  vgpu::cuda::PointerInfo first;
  REQUIRE(client->pointerInfo(base + 100, first) == CUDA_SUCCESS);
  CHECK(client->roundTrips() == before + 1);
  vgpu::cuda::PointerInfo again;
  REQUIRE(client->pointerInfo(base + granularity + 4096, again) == CUDA_SUCCESS);
  CHECK(client->roundTrips() == before + 1); // answered here
  CHECK(again.base == first.base);
  CHECK(again.size == first.size);
  CHECK(again.allocationId == first.allocationId);
  CHECK(again.kind == vgpu::cuda::MemoryKind::Device);
  vgpu::cuda::PointerInfo unmapped;
  CHECK(client->pointerInfo(base + 3 * granularity, unmapped) == CUDA_ERROR_INVALID_VALUE); // reserved, not mapped
  CHECK(client->roundTrips() == before + 2);

  // Unmapped: vgpud is asked again, and says the memory is gone.
  REQUIRE(client->unmap(base, 2 * granularity) == CUDA_SUCCESS);
  const std::uint64_t afterUnmap = client->roundTrips();
  CHECK(client->pointerInfo(base + 100, unmapped) == CUDA_ERROR_INVALID_VALUE);
  CHECK(client->roundTrips() == afterUnmap + 1);
  REQUIRE(client->physicalRelease(physical) == CUDA_SUCCESS);
  REQUIRE(client->addressFree(base, 4 * granularity) == CUDA_SUCCESS);
}

TEST_CASE("two sessions see only their own allocations") {
  VgpudProcess daemon;
  auto first = connectClient(daemon.endpoint());
  auto second = connectClient(daemon.endpoint());
  CUdeviceptr mine = 0;
  REQUIRE(first->memAlloc(0, 1 << 20, mine) == CUDA_SUCCESS);
  std::uint32_t value = 42;
  // The other session sends the pointer to vgpud: its own tables do not know it.
  CHECK(second->copy(device(mine), host(&value), 4, 1, 0, false) == CUDA_ERROR_INVALID_VALUE);
  CHECK(second->copy(host(&value), device(mine), 4, 1, 0, false) == CUDA_ERROR_INVALID_VALUE);
  CHECK(second->memFree(mine) == CUDA_ERROR_INVALID_VALUE);
  CHECK(second->memset(mine, 0, 0, 1, 16, 1, 0, false) == CUDA_ERROR_INVALID_VALUE);
  vgpu::cuda::MemoryUsage usage;
  REQUIRE(second->memUsage(0, usage) == CUDA_SUCCESS);
  CHECK(usage.usedBytes == 0);
  REQUIRE(first->memUsage(0, usage) == CUDA_SUCCESS);
  CHECK(usage.usedBytes >= (1u << 20));
  CHECK(first->memFree(mine) == CUDA_SUCCESS); // untouched by the other session
  std::uint32_t sessions = 0;
  std::uint64_t bytes = 0;
  REQUIRE(first->daemonStatus(sessions, bytes) == CUDA_SUCCESS);
  CHECK(sessions == 2);
}

TEST_CASE("two client processes at once: the other process's device pointer is unknown to this session") {
  VgpudProcess daemon;
  int channel[2];
  int release[2];
  REQUIRE(::pipe(channel) == 0);
  REQUIRE(::pipe(release) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The other tenant: allocates, fills, hands its pointer over, waits, then checks its data.
    vgpu::cuda::remote::RemoteBackend other;
    vgpu::cuda::remote::ConnectionSettings settings;
    settings.endpoint = daemon.endpoint();
    std::string error;
    CUdeviceptr pointer = 0;
    std::uint32_t value = 0xfeedf00d;
    if (other.connect(settings, {vgpu::test::expectedDevice()}, error) != CUDA_SUCCESS ||
        other.memAlloc(0, 4096, pointer) != CUDA_SUCCESS ||
        other.copy(device(pointer), host(&value), 4, 1, 0, false) != CUDA_SUCCESS ||
        ::write(channel[1], &pointer, sizeof pointer) != static_cast<ssize_t>(sizeof pointer)) {
      ::_exit(1);
    }
    char byte = 0;
    if (::read(release[0], &byte, 1) != 1) {
      ::_exit(1);
    }
    value = 0;
    const bool intact =
        other.copy(host(&value), device(pointer), 4, 1, 0, false) == CUDA_SUCCESS && value == 0xfeedf00d;
    ::_exit(intact ? 0 : 2);
  }
  CUdeviceptr theirs = 0;
  REQUIRE(::read(channel[0], &theirs, sizeof theirs) == static_cast<ssize_t>(sizeof theirs));
  auto mine = connectClient(daemon.endpoint());
  std::uint32_t value = 1;
  CHECK(mine->copy(host(&value), device(theirs), 4, 1, 0, false) == CUDA_ERROR_INVALID_VALUE);
  CHECK(mine->copy(device(theirs), host(&value), 4, 1, 0, false) == CUDA_ERROR_INVALID_VALUE);
  CHECK(mine->memFree(theirs) == CUDA_ERROR_INVALID_VALUE);
  vgpu::cuda::PointerInfo info;
  CHECK(mine->pointerInfo(theirs, info) == CUDA_ERROR_INVALID_VALUE);
  const char byte = 'g';
  REQUIRE(::write(release[1], &byte, 1) == 1);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0)); // the other tenant's data is untouched
  for (int fd : {channel[0], channel[1], release[0], release[1]}) {
    ::close(fd);
  }
}

TEST_CASE("the per-session VRAM quota gives CUDA_ERROR_OUT_OF_MEMORY and is the memory a tenant sees") {
  VgpudProcess daemon({"--vram-quota", "64MiB"});
  auto client = connectClient(daemon.endpoint());
  CHECK(client->device(0).profile.totalMemoryBytes == (64u << 20));
  CUdeviceptr a = 0, b = 0;
  REQUIRE(client->memAlloc(0, 48u << 20, a) == CUDA_SUCCESS);
  CHECK(client->memAlloc(0, 32u << 20, b) == CUDA_ERROR_OUT_OF_MEMORY);
  vgpu::cuda::BackendPhysical physical = 0;
  CHECK(client->physicalCreate(0, 32u << 20, physical) == CUDA_ERROR_OUT_OF_MEMORY);
  std::size_t freeBytes = 0, totalBytes = 0;
  REQUIRE(client->memGetInfo(0, freeBytes, totalBytes) == CUDA_SUCCESS);
  CHECK(totalBytes == (64u << 20));
  CHECK(freeBytes <= (16u << 20));
  REQUIRE(client->memFree(a) == CUDA_SUCCESS);
  CHECK(client->memAlloc(0, 32u << 20, b) == CUDA_SUCCESS);
  // Another session has its own quota.
  auto other = connectClient(daemon.endpoint());
  CUdeviceptr c = 0;
  CHECK(other->memAlloc(0, 48u << 20, c) == CUDA_SUCCESS);
}

TEST_CASE("session priority: the level for the client's uid (or the default) nices the thread or worker serving it") {
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer's runtime adds a thread of its own to vgpud and to each worker, at the
  // daemon's nice value, which this check cannot tell from a serving one. The default and asan
  // suites check the nice values.
  WARN("not under ThreadSanitizer (preset tsan): its runtime thread would count as a serving thread");
  return;
#endif
  const std::string uid = std::to_string(::getuid());
  const std::string otherUid = std::to_string(::getuid() + 1);
  const int base = ::getpriority(PRIO_PROCESS, 0); // vgpud inherits the test's nice value
  const int raised = mayRaisePriority() ? std::max(base - 5, -20) : base;
  struct Case {
    std::vector<std::string> arguments;
    int expectedNice;
  };
  const Case cases[] = {
      {{"--priority-uid", uid + ":low"}, std::min(base + 10, 19)},
      {{"--priority", "low", "--priority-uid", otherUid + ":high"}, std::min(base + 10, 19)}, // unmapped: default
      {{"--priority", "low", "--priority-uid", uid + ":normal"}, base},                       // mapped wins
      {{"--priority-uid", otherUid + ":low," + uid + ":high"}, raised},
      {{}, base},
  };
  for (const Case& c : cases) {
    VgpudProcess daemon(c.arguments);
    auto client = connectClient(daemon.endpoint());
    CUdeviceptr pointer = 0;
    REQUIRE(client->memAlloc(0, 1u << 20, pointer) == CUDA_SUCCESS);
    // Streams take the level's CUDA priority on the cuda backend (sessionStreamPriority).
    vgpu::cuda::BackendStream stream = 0;
    REQUIRE(client->streamCreate(0, 0, 0, stream) == CUDA_SUCCESS);
    REQUIRE(client->streamSynchronize(stream) == CUDA_SUCCESS);
    const std::vector<int> nices = servingNices(daemon.pid);
    INFO("vgpud " << joined(c.arguments) << ": expected nice " << c.expectedNice);
    REQUIRE_FALSE(nices.empty());
    for (const int nice : nices) {
      CHECK(nice == c.expectedNice);
    }
    CHECK(threadNice(daemon.pid, daemon.pid) == base); // the accept loop keeps the daemon's own
  }
}

// A worker held in the driver (a kernel that never ends, a stream waiting for a word nobody writes)
// cannot end when its client leaves; vgpud kills it orphan-timeout-ms later, so it holds neither its
// slot nor its GPU memory for good. A stopped worker stands for one held in the driver. A worker
// whose client leaves normally ends by itself, before the timeout.
TEST_CASE("a session worker still running orphan-timeout-ms after its client left is killed") {
  if (!vgpu::test::onDriverDouble()) {
    WARN("session workers are processes on the cuda backend only (here: its driver double)");
    return;
  }
  VgpudProcess daemon({"--orphan-timeout-ms", "300"});
  const auto waitForWorkers = [&](std::size_t count) {
    for (int waited = 0; waited < 500 && childrenOf(daemon.pid).size() != count; ++waited) {
      std::this_thread::sleep_for(10ms);
    }
    return childrenOf(daemon.pid).size() == count;
  };
  {
    auto client = connectClient(daemon.endpoint());
    CUdeviceptr pointer = 0;
    REQUIRE(client->memAlloc(0, 4096, pointer) == CUDA_SUCCESS);
  }
  CHECK(waitForWorkers(0)); // ended by itself
  pid_t held = -1;
  const auto started = std::chrono::steady_clock::now();
  {
    auto client = connectClient(daemon.endpoint());
    CUdeviceptr pointer = 0;
    REQUIRE(client->memAlloc(0, 4096, pointer) == CUDA_SUCCESS);
    const std::vector<pid_t> workers = childrenOf(daemon.pid);
    REQUIRE(workers.size() == 1);
    held = workers.front();
    REQUIRE(::kill(held, SIGSTOP) == 0);
  }
  std::this_thread::sleep_for(100ms);
  CHECK(childrenOf(daemon.pid).size() == 1); // not before the timeout
  CHECK(waitForWorkers(0));
  CHECK(std::chrono::steady_clock::now() - started >= 300ms);
  CHECK(::kill(held, 0) != 0);                    // gone, and reaped
  auto client = connectClient(daemon.endpoint()); // vgpud serves on
  CUdeviceptr pointer = 0;
  CHECK(client->memAlloc(0, 4096, pointer) == CUDA_SUCCESS);
}

TEST_CASE("a client killed with SIGKILL mid-copy: vgpud's accounting is back to the other's within 1 s") {
  VgpudProcess daemon;
  auto survivor = connectClient(daemon.endpoint());
  CUdeviceptr kept = 0;
  REQUIRE(survivor->memAlloc(0, 8u << 20, kept) == CUDA_SUCCESS);
  const std::uint64_t survivorBytes = daemonBytes(*survivor);
  CHECK(survivorBytes >= (8u << 20));

  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The victim: holds 256 MiB and copies 64 MiB blocks in until it is killed.
    ::close(ready[0]);
    vgpu::cuda::remote::RemoteBackend victim;
    vgpu::cuda::remote::ConnectionSettings settings;
    settings.endpoint = daemon.endpoint();
    std::string error;
    CUdeviceptr buffer = 0;
    if (victim.connect(settings, {vgpu::test::expectedDevice()}, error) != CUDA_SUCCESS ||
        victim.memAlloc(0, 256u << 20, buffer) != CUDA_SUCCESS) {
      ::_exit(1);
    }
    std::vector<std::uint8_t> block(64u << 20, 1);
    const char byte = 'r';
    if (::write(ready[1], &byte, 1) != 1) {
      ::_exit(1);
    }
    while (true) {
      victim.copy(device(buffer), host(block.data()), block.size(), 1, 0, false);
    }
  }
  ::close(ready[1]);
  char byte = 0;
  REQUIRE(::read(ready[0], &byte, 1) == 1);
  ::close(ready[0]);
  std::this_thread::sleep_for(100ms); // copies in flight
  CHECK(daemonBytes(*survivor) >= survivorBytes + (256u << 20));
  ::kill(child, SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  ::waitpid(child, nullptr, 0);
  std::uint64_t bytes = 0;
  while (std::chrono::steady_clock::now() - killed < 2s) {
    bytes = daemonBytes(*survivor);
    if (bytes == survivorBytes) {
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  const auto elapsed = std::chrono::steady_clock::now() - killed;
  CHECK(bytes == survivorBytes);
  CHECK(elapsed < 1s);
  // The survivor's session is untouched.
  std::uint32_t value = 9;
  CHECK(survivor->copy(device(kept), host(&value), 4, 1, 0, false) == CUDA_SUCCESS);
}

TEST_CASE("vgpud killed: the client's next synchronizing call fails within the timeout, and so does every later one") {
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint(), 1000);
  CUdeviceptr buffer = 0;
  REQUIRE(client->memAlloc(0, 4096, buffer) == CUDA_SUCCESS);
  daemon.killHard();
  const auto start = std::chrono::steady_clock::now();
  CHECK(client->streamSynchronize(0) == CUDA_ERROR_DEVICE_UNAVAILABLE);
  CHECK(client->memAlloc(0, 4096, buffer) == CUDA_ERROR_DEVICE_UNAVAILABLE);
  CHECK(std::chrono::steady_clock::now() - start < 1500ms);
}

TEST_CASE("vgpud stopped (not answering): pending calls fail when the timeout expires, not later") {
  VgpudProcess daemon;
  auto client = connectClient(daemon.endpoint(), 500);
  // The cuda backend serves the session from a worker process: stop that one too.
  const std::vector<pid_t> workers = childrenOf(daemon.pid);
  for (const pid_t worker : workers) {
    ::kill(worker, SIGSTOP);
  }
  ::kill(daemon.pid, SIGSTOP);
  int status = 0;
  REQUIRE(::waitpid(daemon.pid, &status, WUNTRACED) == daemon.pid); // stopped for sure
  REQUIRE(WIFSTOPPED(status));
  CHECK(workers.size() == (vgpu::test::onDriverDouble() ? 1U : 0U));
  const auto start = std::chrono::steady_clock::now();
  CHECK(client->deviceSynchronize(0) == CUDA_ERROR_DEVICE_UNAVAILABLE);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed >= 450ms);
  CHECK(elapsed < 1500ms);
  for (const pid_t worker : workers) {
    ::kill(worker, SIGCONT);
  }
  ::kill(daemon.pid, SIGCONT);
}

TEST_CASE("an unreachable vgpud is CUDA_ERROR_NO_DEVICE with the endpoint named") {
  vgpu::cuda::remote::RemoteBackend client;
  vgpu::cuda::remote::ConnectionSettings settings;
  settings.endpoint = "unix:/nonexistent-dir/vgpud.sock";
  std::string error;
  CHECK(client.connect(settings, {vgpu::test::expectedDevice()}, error) == CUDA_ERROR_NO_DEVICE);
  CHECK(error.find("unix:/nonexistent-dir/vgpud.sock") != std::string::npos);
}

TEST_CASE("an unknown profile is refused at hello with the known ones listed") {
  if (vgpu::test::onDriverDouble()) {
    WARN("the cuda backend serves the host's GPU whatever profile the guest's stub names");
    return;
  }
  VgpudProcess daemon;
  vgpu::cuda::remote::RemoteBackend client;
  vgpu::cuda::remote::ConnectionSettings settings;
  settings.endpoint = daemon.endpoint();
  std::string error;
  CHECK(client.connect(settings, {vgpu::test::expectedDevice("no-such-gpu")}, error) == CUDA_ERROR_NO_DEVICE);
  CHECK(error.find("no-such-gpu") != std::string::npos);
  CHECK(error.find("h100-pcie") != std::string::npos);
}

TEST_CASE("a version mismatch gets a clear error; a malformed frame closes only its own connection") {
  VgpudProcess daemon;
  auto good = connectClient(daemon.endpoint());

  // A client that speaks only version 1.
  auto old = vgpu::connectUnix(daemon.socketPath);
  REQUIRE(old.fd.valid());
  vgpu::wire::HelloRequest hello;
  hello.minVersion = 1;
  hello.maxVersion = 1;
  hello.devices = {vgpu::test::expectedDevice()};
  const auto frame = vgpu::wire::makeFrame(vgpu::wire::Call::Hello, 1, vgpu::wire::encodeHello(hello));
  REQUIRE(vgpu::writeAll(old.fd.get(), frame));
  std::vector<std::uint8_t> header(vgpu::wire::kHeaderSize);
  REQUIRE(vgpu::readAll(old.fd.get(), header));
  vgpu::wire::Header decoded;
  REQUIRE(vgpu::wire::decodeHeader(header, decoded) == vgpu::wire::DecodeStatus::Ok);
  REQUIRE(decoded.call == static_cast<std::uint16_t>(vgpu::wire::Call::Error));
  std::vector<std::uint8_t> payload(decoded.payloadLength);
  REQUIRE(vgpu::readAll(old.fd.get(), payload));
  vgpu::wire::ErrorReply error;
  REQUIRE(vgpu::wire::decodeErrorReply(payload, error));
  CHECK(error.message.find("protocol version mismatch: client speaks 1..1, this vgpud speaks 2..2") !=
        std::string::npos);

  // A frame stamped with another version: an Error in that version's framing, then the close.
  auto stamped = vgpu::connectUnix(daemon.socketPath);
  std::vector<std::uint8_t> v7;
  vgpu::wire::appendFrame(v7, vgpu::wire::Call::Hello, 3, 0, {}, 7);
  REQUIRE(vgpu::writeAll(stamped.fd.get(), v7));
  REQUIRE(vgpu::readAll(stamped.fd.get(), header));
  CHECK(vgpu::wire::decodeHeader(header, decoded) == vgpu::wire::DecodeStatus::BadVersion);
  CHECK(decoded.version == 7);
  CHECK(decoded.call == static_cast<std::uint16_t>(vgpu::wire::Call::Error));

  // An oversized frame after a valid session start: that connection only is closed.
  auto bad = vgpu::connectUnix(daemon.socketPath);
  std::vector<std::uint8_t> oversized;
  vgpu::wire::appendFrame(oversized, vgpu::wire::Call::Status, 1, 0, {});
  const std::uint32_t length = vgpu::wire::kMaxPayload + 1;
  std::memcpy(oversized.data() + 8, &length, sizeof length);
  REQUIRE(vgpu::writeAll(bad.fd.get(), oversized));
  std::uint8_t byte = 0;
  CHECK_FALSE(vgpu::readAll(bad.fd.get(), std::span(&byte, 1)));

  CUdeviceptr buffer = 0;
  CHECK(good->memAlloc(0, 4096, buffer) == CUDA_SUCCESS);
  CHECK(daemon.stop() == 0);
}

namespace {

std::string writeToken(const std::string& directory, const std::string& token, mode_t mode) {
  const std::string path = directory + "/token";
  FILE* file = std::fopen(path.c_str(), "w");
  REQUIRE(file != nullptr);
  REQUIRE(std::fputs(token.c_str(), file) >= 0);
  REQUIRE(std::fclose(file) == 0);
  REQUIRE(::chmod(path.c_str(), mode) == 0);
  return path;
}

std::string temporaryDirectory() {
  char pattern[] = "/tmp/vgpud-tcp-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  return pattern;
}

} // namespace

TEST_CASE("over TCP: a session needs the token; with it, data and modules travel in frames") {
  const std::string directory = temporaryDirectory();
  const std::string token = "f3c1a0b29d8e47c6a5b4c3d2e1f00918";
  const std::string tokenFile = writeToken(directory, token + "\n", 0600);
  const std::string port = std::to_string(30000 + ::getpid() % 20000);
  VgpudProcess daemon({"--listen", "tcp:127.0.0.1:" + port, "--token-file", tokenFile});
  std::this_thread::sleep_for(50ms); // the TCP listener comes up right after the Unix one

  vgpu::cuda::remote::ConnectionSettings settings;
  settings.endpoint = "tcp:127.0.0.1:" + port;
  settings.timeoutMilliseconds = 5000;
  std::string error;
  {
    settings.token = "wrong-token-wrong-token";
    vgpu::cuda::remote::RemoteBackend refused;
    CHECK(refused.connect(settings, {vgpu::test::expectedDevice()}, error) == CUDA_ERROR_NO_DEVICE);
    CHECK(error.find("authentication failed") != std::string::npos);
  }
  settings.token = token;
  vgpu::cuda::remote::RemoteBackend client;
  REQUIRE(client.connect(settings, {vgpu::test::expectedDevice()}, error) == CUDA_SUCCESS);
  CHECK(client.roundTrips() == 1);
  const std::size_t bytes = (std::size_t{5} << 20) + 3;
  CUdeviceptr buffer = 0;
  REQUIRE(client.memAlloc(0, bytes, buffer) == CUDA_SUCCESS);
  const auto in = pattern(bytes, 11);
  std::vector<std::uint8_t> out(bytes, 0);
  REQUIRE(client.copy(device(buffer), host(const_cast<std::uint8_t*>(in.data())), bytes, 1, 0, false) == CUDA_SUCCESS);
  REQUIRE(client.copy(host(out.data()), device(buffer), bytes, 1, 0, false) == CUDA_SUCCESS);
  CHECK(in == out);
  void* pinned = nullptr; // no descriptors over TCP: pinned memory is staged like pageable memory
  REQUIRE(client.hostAlloc(1 << 20, pinned) == CUDA_SUCCESS);
  std::memset(pinned, 0x3c, 1 << 20);
  REQUIRE(client.copy(device(buffer), host(pinned), 1 << 20, 1, 0, true) == CUDA_SUCCESS);
  std::vector<std::uint8_t> back(1 << 20, 0);
  REQUIRE(client.copy(host(back.data()), device(buffer), 1 << 20, 1, 0, false) == CUDA_SUCCESS);
  CHECK(back == std::vector<std::uint8_t>(1 << 20, 0x3c));
  const std::string ptx(kPtx);
  vgpu::cuda::BackendModule module = 0;
  REQUIRE(client.moduleLoad(0, std::vector<std::uint8_t>(ptx.begin(), ptx.end() + 1), module, error) == CUDA_SUCCESS);
  vgpu::cuda::BackendFunction function = 0;
  const vgpu::cuda::KernelInfo* info = nullptr;
  REQUIRE(client.moduleFunction(module, "scale", function, info) == CUDA_SUCCESS);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("vgpud never serves TCP without a private token file") {
  const std::string directory = temporaryDirectory();
  const std::string port = std::to_string(30000 + (::getpid() + 1) % 20000);
  struct Case {
    std::vector<std::string> arguments;
    int status;
  };
  const std::string readable = writeToken(directory, "0123456789abcdef0123", 0644);
  const Case cases[] = {
      {{"--listen", "unix:" + directory + "/a.sock", "--listen", "tcp:127.0.0.1:" + port}, 2}, // no token file
      {{"--listen", "unix:" + directory + "/b.sock", "--listen", "tcp:127.0.0.1:" + port, "--token-file", readable},
       78}, // readable by others: this host cannot run vgpud as configured (EX_CONFIG)
  };
  for (const Case& c : cases) {
    std::vector<std::string> arguments = {VGPUD_PATH};
    arguments.insert(arguments.end(), c.arguments.begin(), c.arguments.end());
    std::vector<char*> argv;
    argv.reserve(arguments.size() + 1);
    for (std::string& argument : arguments) {
      argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
    pid_t pid = -1;
    REQUIRE(posix_spawn(&pid, VGPUD_PATH, nullptr, nullptr, argv.data(), environ) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == c.status);
  }
}
