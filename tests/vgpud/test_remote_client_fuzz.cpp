// Fuzzing the shim's side of the wire (bounded in time, seeded so a failure reproduces): a hostile
// "vgpud" on a Unix socket answers the shim's RemoteBackend with mutated hello snapshots and
// mutated, truncated, misnumbered or oversized replies, or closes mid-reply. The shim runs inside
// other people's programs: whatever vgpud sends, every call must return (success or an error) within
// the connection's timeout, never crash, hang or write outside the caller's buffers (the sanitizer
// builds run this too). Also the hello-reply decoder alone, on mutated snapshots.
#include <catch2/catch.hpp>

#include "remote/remote_backend.h"
#include "sim_devices.h"
#include "vgpud_fixture.h"

#include "vgpu/wire_codec.h"
#include "vgpu/wire_frame.h"
#include "vgpu/wire_hello.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <poll.h>
#include <random>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace {

using Bytes = std::vector<std::uint8_t>;
using vgpu::wire::Call;

Bytes validHelloReply(const vgpu::wire::HelloRequest& hello) {
  vgpu::wire::HelloReply reply;
  reply.version = vgpu::wire::kProtocolVersion;
  reply.sessionId = 7;
  reply.daemonVersion = "fuzz";
  reply.backend = "sim";
  std::string error;
  auto backend = vgpu::daemon::makeSimulatedDevices(hello.devices, 0, reply.devices, error);
  return vgpu::wire::encodeHelloReply(reply);
}

void mutate(Bytes& bytes, std::mt19937_64& random) {
  const int edits = 1 + static_cast<int>(random() % 6);
  for (int i = 0; i < edits; ++i) {
    const std::size_t at = bytes.empty() ? 0 : random() % bytes.size();
    switch (random() % 5) {
    case 0:
      if (!bytes.empty()) {
        bytes[at] = static_cast<std::uint8_t>(random());
      }
      break;
    case 1:
      if (!bytes.empty()) {
        bytes[at] ^= static_cast<std::uint8_t>(1u << (random() % 8));
      }
      break;
    case 2: bytes.resize(at); break;
    case 3:
      bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), random() % 64, static_cast<std::uint8_t>(random()));
      break;
    default: // a plausible length field set huge
      if (bytes.size() >= at + 4) {
        const std::uint32_t huge = 0x7fffffffu - static_cast<std::uint32_t>(random() % 16);
        std::memcpy(bytes.data() + at, &huge, sizeof huge);
      }
      break;
    }
  }
}

bool readFrame(int fd, vgpu::wire::Header& header, Bytes& payload) {
  std::uint8_t raw[vgpu::wire::kHeaderSize];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
  std::size_t done = 0;
  while (done < sizeof raw) {
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 2000) <= 0) {
      return false;
    }
    iovec vector{raw + done, sizeof raw - done};
    msghdr message{};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(fd, &message, MSG_CMSG_CLOEXEC);
    if (n <= 0) {
      return false;
    }
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      for (std::size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); ++i) {
        int received = -1;
        std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof received);
        ::close(received);
      }
    }
    done += static_cast<std::size_t>(n);
  }
  if (vgpu::wire::decodeHeader(raw, header) != vgpu::wire::DecodeStatus::Ok) {
    return false;
  }
  payload.resize(header.payloadLength);
  return payload.empty() || vgpu::readAll(fd, payload);
}

// One hostile session: answers everything the client sends, mutated as the dice say.
void serveHostile(int fd, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  vgpu::wire::Header header;
  Bytes payload;
  if (!readFrame(fd, header, payload)) {
    return;
  }
  vgpu::wire::HelloRequest hello;
  if (!vgpu::wire::decodeHello(payload, hello)) {
    return;
  }
  Bytes reply = validHelloReply(hello);
  const bool mutateHello = random() % 3 == 0;
  if (mutateHello) {
    mutate(reply, random);
  }
  Bytes frame;
  vgpu::wire::appendFrame(frame, random() % 20 == 0 ? Call::Error : Call::Hello, header.requestId, 0, reply);
  if (!vgpu::writeAll(fd, frame)) {
    return;
  }
  while (readFrame(fd, header, payload)) {
    if ((header.flags & vgpu::wire::kFlagAsync) != 0) {
      continue;
    }
    Bytes body(4, 0); // CUDA_SUCCESS
    body.resize(4 + random() % 96);
    for (std::size_t i = 4; i < body.size(); ++i) {
      body[i] = static_cast<std::uint8_t>(random() % 4 == 0 ? random() : 0);
    }
    const unsigned dice = static_cast<unsigned>(random() % 10);
    if (dice == 0) {
      mutate(body, random);
    }
    std::uint64_t requestId = header.requestId;
    auto call = static_cast<Call>(header.call);
    if (dice == 1) {
      requestId += 1 + random() % 3; // a reply to another request
    } else if (dice == 2) {
      call = Call::Error;
    } else if (dice == 3) {
      call = static_cast<Call>(random() % 100);
    }
    frame.clear();
    vgpu::wire::appendFrame(frame, call, requestId, 0, body);
    if (dice == 4) {
      frame.resize(random() % frame.size()); // cut short, then gone
      vgpu::writeAll(fd, frame);
      return;
    }
    if (dice == 5 && frame.size() >= 12) {
      const std::uint32_t claimed = vgpu::wire::kMaxPayload; // "more is coming"
      std::memcpy(frame.data() + 8, &claimed, sizeof claimed);
    }
    if (!vgpu::writeAll(fd, frame)) {
      return;
    }
  }
}

// What a CUDA program would do next: every kind of call that reads reply fields.
void exercise(vgpu::cuda::remote::RemoteBackend& client) {
  std::size_t freeBytes = 0;
  std::size_t totalBytes = 0;
  client.memGetInfo(0, freeBytes, totalBytes);
  CUdeviceptr pointer = 0;
  client.memAlloc(0, 4096, pointer);
  vgpu::cuda::PointerInfo info;
  client.pointerInfo(pointer, info);
  std::uint8_t hostBuffer[64] = {};
  client.copy({false, 0, hostBuffer, sizeof hostBuffer}, {true, pointer, nullptr, sizeof hostBuffer}, sizeof hostBuffer,
              1, 0, false);
  vgpu::cuda::BackendStream stream = 0;
  client.streamCreate(0, 0, 0, stream);
  client.streamQuery(stream);
  vgpu::cuda::BackendEvent event = 0;
  client.eventCreate(0, event);
  client.eventQuery(event);
  std::uint32_t sessions = 0;
  std::uint64_t bytes = 0;
  client.daemonStatus(sessions, bytes);
  vgpu::cuda::MemoryUsage usage;
  client.memUsage(0, usage);
  vgpu::cuda::GraphNodeWork fill;
  fill.kind = vgpu::cuda::GraphNodeWork::Kind::Memset;
  fill.destination = pointer;
  fill.elementSize = 4;
  fill.widthElements = 16;
  const std::vector<vgpu::cuda::GraphNodeWork> nodes = {fill};
  vgpu::cuda::BackendGraph graph = 0;
  client.graphCreate(0, nodes, graph);
  client.graphUpdate(graph, nodes);
  client.graphLaunch(graph, stream);
  client.graphDestroy(graph);
  vgpu::cuda::StreamMemoryOperation write;
  write.address = pointer;
  client.streamMemoryOperations(stream, std::vector<vgpu::cuda::StreamMemoryOperation>{write, write});
  vgpu::cuda::TensorMapDescription description;
  description.rank = 1;
  description.address = pointer;
  description.globalDim[0] = 64;
  description.boxDim[0] = 16;
  description.elementStrides[0] = 1;
  CUtensorMap map{};
  client.tensorMapEncode(0, description, map);
  client.tensorMapReplaceAddress(0, map, pointer);
  client.memFree(pointer);
}

// A vgpud from before graphs ran whole and stream memory operations: it answers GraphCreate and
// StreamMemoryOperations with UnknownCall, everything else with success and zero fields.
void serveWithoutGraphs(int fd) {
  vgpu::wire::Header header;
  Bytes payload;
  vgpu::wire::HelloRequest hello;
  if (!readFrame(fd, header, payload) || !vgpu::wire::decodeHello(payload, hello)) {
    return;
  }
  Bytes frame;
  vgpu::wire::appendFrame(frame, Call::Hello, header.requestId, 0, validHelloReply(hello));
  if (!vgpu::writeAll(fd, frame)) {
    return;
  }
  while (readFrame(fd, header, payload)) {
    if ((header.flags & vgpu::wire::kFlagAsync) != 0) {
      continue;
    }
    frame.clear();
    if (header.call == static_cast<std::uint16_t>(Call::GraphCreate) ||
        header.call == static_cast<std::uint16_t>(Call::StreamMemoryOperations)) {
      const vgpu::wire::ErrorReply unknown{static_cast<std::uint32_t>(vgpu::wire::ProtocolError::UnknownCall),
                                           "unknown call " + std::to_string(header.call)};
      vgpu::wire::appendFrame(frame, Call::Error, header.requestId, 0, vgpu::wire::encodeErrorReply(unknown));
    } else {
      vgpu::wire::appendFrame(frame, static_cast<Call>(header.call), header.requestId, 0, Bytes(4 + 64, 0));
    }
    if (!vgpu::writeAll(fd, frame)) {
      return;
    }
  }
}

} // namespace

// The shim on an older vgpud: a graph it cannot take is NOT_SUPPORTED (the driver layer replays
// it, graph_whole.h), so are stream memory operations (asked with a round trip each until vgpud has
// taken one, never posted unanswered), and the session goes on.
TEST_CASE("an older vgpud without graph calls: GraphCreate is NOT_SUPPORTED and the session goes on") {
  char pattern[] = "/tmp/vgpu-old-vgpud-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const std::string path = std::string(pattern) + "/old-vgpud.sock";
  vgpu::SocketResult listening = vgpu::listenUnix(path);
  REQUIRE(listening.fd.valid());
  std::thread server([&] {
    vgpu::FileDescriptor fd(::accept4(listening.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (fd.valid()) {
      serveWithoutGraphs(fd.get());
    }
  });
  {
    vgpu::cuda::remote::RemoteBackend client;
    vgpu::cuda::remote::ConnectionSettings settings;
    settings.endpoint = "unix:" + path;
    std::string error;
    REQUIRE(client.connect(settings, {vgpu::test::expectedDevice()}, error) == CUDA_SUCCESS);
    vgpu::cuda::GraphNodeWork empty;
    vgpu::cuda::BackendGraph graph = 0;
    CHECK(client.graphCreate(0, std::vector<vgpu::cuda::GraphNodeWork>{empty}, graph) == CUDA_ERROR_NOT_SUPPORTED);
    CHECK(graph == 0);
    vgpu::cuda::StreamMemoryOperation write;
    write.address = 0x1000;
    const std::vector<vgpu::cuda::StreamMemoryOperation> batch{write};
    CHECK(client.streamMemoryOperations(0, batch) == CUDA_ERROR_NOT_SUPPORTED);
    CHECK(client.streamMemoryOperations(0, batch) == CUDA_ERROR_NOT_SUPPORTED);
    std::size_t freeBytes = 1;
    std::size_t totalBytes = 1;
    CHECK(client.memGetInfo(0, freeBytes, totalBytes) == CUDA_SUCCESS); // still served
  }
  server.join();
  ::unlink(path.c_str());
}

TEST_CASE("the shim's remote client survives a hostile vgpud: every call returns, nothing crashes") {
  char pattern[] = "/tmp/vgpu-client-fuzz-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const std::string path = std::string(pattern) + "/fake-vgpud.sock";
  vgpu::SocketResult listening = vgpu::listenUnix(path);
  REQUIRE(listening.fd.valid());
  constexpr int kSessions = 200;
  std::atomic<int> served{0};
  std::thread server([&] {
    for (int i = 0; i < kSessions; ++i) {
      vgpu::FileDescriptor fd(::accept4(listening.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!fd.valid()) {
        return;
      }
      serveHostile(fd.get(), 0xbadd'0000u + static_cast<std::uint64_t>(i));
      ++served;
    }
  });
  int connected = 0;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kSessions; ++i) {
    vgpu::cuda::remote::RemoteBackend client;
    vgpu::cuda::remote::ConnectionSettings settings;
    settings.endpoint = "unix:" + path;
    settings.timeoutMilliseconds = 100;
    std::string error;
    const auto begun = std::chrono::steady_clock::now();
    if (client.connect(settings, {vgpu::test::expectedDevice()}, error) == CUDA_SUCCESS) {
      ++connected;
      exercise(client);
    } else {
      CHECK_FALSE(error.empty()); // a refused connection says why
    }
    // Each call is bounded by the timeout; a session of ~12 calls cannot take much longer.
    CHECK(std::chrono::steady_clock::now() - begun < std::chrono::seconds(5));
  }
  server.join();
  INFO("sessions " << kSessions << ", connected " << connected << ", in "
                   << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s");
  CHECK(served == kSessions);
  CHECK(connected > kSessions / 2); // most hellos were left intact: the calls behind them ran
  ::unlink(path.c_str());
}

TEST_CASE("mutated hello snapshots decode or are refused, never read out of bounds") {
  vgpu::wire::HelloRequest hello;
  hello.devices = {vgpu::test::expectedDevice(), vgpu::test::expectedDevice("h200")};
  const Bytes valid = validHelloReply(hello);
  vgpu::wire::HelloReply decoded;
  REQUIRE(vgpu::wire::decodeHelloReply(valid, decoded));
  REQUIRE(decoded.devices.size() == 2);
  std::mt19937_64 random(0x5a1e);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes bytes = valid;
    mutate(bytes, random);
    vgpu::wire::HelloReply out;
    accepted += vgpu::wire::decodeHelloReply(bytes, out) ? 1 : 0;
  }
  CHECK(accepted < 20000);
}
