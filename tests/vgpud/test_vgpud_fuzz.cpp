// Fuzzing the wire protocol's decoders, bounded in time (a deterministic mutation loop, seeded, so
// a failure reproduces): the frame header and hello decoders in isolation, then whole vgpud
// sessions in-process (Session over a socketpair) fed valid session starts followed by mutated
// frames built from tests/data/vgpud/*.frame and from every call's valid payload. A session must
// answer or close; the test process crashing or hanging is the finding.
#include <catch2/catch.hpp>

#include "session.h"
#include "session_registry.h"
#include "test_paths.h"

#include "vgpu/wire_codec.h"
#include "vgpu/wire_frame.h"
#include "vgpu/wire_hello.h"

#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <random>
#include <sys/mman.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace {

using Bytes = std::vector<std::uint8_t>;
using vgpu::wire::Call;

Bytes readFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(file), {});
}

std::vector<Bytes> fixtureFrames() {
  std::vector<Bytes> frames;
  for (const auto& entry : std::filesystem::directory_iterator(vgpu::test::dataDir() / "vgpud")) {
    if (entry.path().extension() == ".frame") {
      frames.push_back(readFile(entry.path()));
    }
  }
  return frames;
}

template <typename... Values> Bytes frame(Call call, std::uint32_t flags, Values... values) {
  Bytes payload;
  vgpu::wire::Writer writer(payload);
  (writer.put(values), ...);
  Bytes out;
  vgpu::wire::appendFrame(out, call, 1, flags, payload);
  return out;
}

// A valid payload for every call (device pointers are guesses: the fuzz is about decoding).
std::vector<Bytes> callFrames() {
  const std::uint64_t p = 0x7f0000000000;
  std::vector<Bytes> frames = {
      frame(Call::Status, 0),
      frame(Call::MemAlloc, 0, std::int32_t{0}, std::uint64_t{4096}, std::uint8_t{0}),
      frame(Call::MemFree, 0, p),
      frame(Call::MemGetInfo, 0, std::int32_t{0}),
      frame(Call::PointerInfo, 0, p),
      frame(Call::MemUsage, 0, std::int32_t{0}),
      frame(Call::ResetPeaks, 0),
      frame(Call::PhysicalCreate, 0, std::int32_t{0}, std::uint64_t{2 << 20}),
      frame(Call::PhysicalRelease, 0, std::uint64_t{1}),
      frame(Call::AddressReserve, 0, std::uint64_t{2 << 20}, std::uint64_t{0}, std::uint64_t{0}),
      frame(Call::AddressFree, 0, p, std::uint64_t{2 << 20}),
      frame(Call::Map, 0, p, std::uint64_t{2 << 20}, std::uint64_t{0}, std::uint64_t{1}),
      frame(Call::Unmap, 0, p, std::uint64_t{2 << 20}),
      frame(Call::SetAccess, 0, p, std::uint64_t{2 << 20}, std::int32_t{0}, std::uint8_t{1}),
      frame(Call::CopyHostToDevice, 0, p, std::uint64_t{64}, std::uint64_t{0}, std::uint64_t{64}, std::uint64_t{1},
            std::uint8_t{1}, std::uint64_t{0}),
      frame(Call::CopyDeviceToHost, 0, p, std::uint64_t{64}, std::uint64_t{0}, std::uint64_t{64}, std::uint64_t{1},
            std::uint8_t{0}, std::uint64_t{0}),
      frame(Call::CopyDeviceToHost, 1, p, std::uint64_t{64}, std::uint64_t{0}, std::uint64_t{64}, std::uint64_t{1},
            std::uint8_t{1}, std::uint64_t{4096}),
      frame(Call::CopyDeviceToDevice, 1, p, std::uint64_t{64}, p, std::uint64_t{64}, std::uint64_t{0},
            std::uint64_t{64}, std::uint64_t{1}),
      frame(Call::Memset, 1, p, std::uint64_t{0}, std::uint32_t{0}, std::uint32_t{4}, std::uint64_t{16},
            std::uint64_t{1}, std::uint64_t{0}),
      frame(Call::StreamCreate, 0, std::int32_t{0}, std::uint32_t{0}, std::int32_t{0}),
      frame(Call::StreamDestroy, 1, std::uint64_t{1}),
      frame(Call::StreamSynchronize, 0, std::uint64_t{0}),
      frame(Call::StreamQuery, 0, std::uint64_t{1}),
      frame(Call::StreamWaitEvent, 1, std::uint64_t{0}, std::uint64_t{2}),
      frame(Call::EventCreate, 0, std::uint32_t{0}),
      frame(Call::EventDestroy, 1, std::uint64_t{2}),
      frame(Call::EventRecord, 1, std::uint64_t{2}, std::uint64_t{0}),
      frame(Call::EventQuery, 0, std::uint64_t{2}),
      frame(Call::EventSynchronize, 0, std::uint64_t{2}),
      frame(Call::EventElapsed, 0, std::uint64_t{2}, std::uint64_t{3}),
      frame(Call::DeviceSynchronize, 0, std::int32_t{0}),
      frame(Call::ModuleLoad, 0, std::int32_t{0}, std::uint8_t{1}, std::uint8_t{1}, std::uint64_t{0},
            std::uint64_t{200}),
      frame(Call::ModuleUnload, 0, std::uint64_t{1}),
      frame(Call::Counters, 0),
  };
  for (Call call : {Call::ModuleFunction, Call::ModuleGlobal}) {
    Bytes payload;
    vgpu::wire::Writer writer(payload);
    writer.put(std::uint64_t{1});
    writer.string("scale");
    Bytes out;
    vgpu::wire::appendFrame(out, call, 1, 0, payload);
    frames.push_back(out);
  }
  Bytes launch;
  vgpu::wire::Writer writer(launch);
  writer.put(std::uint64_t{2});
  for (std::uint32_t value : {1u, 1u, 1u, 32u, 1u, 1u, 0u}) {
    writer.put(value);
  }
  writer.put(std::uint64_t{0});
  writer.bytes(Bytes(16, 0));
  Bytes out;
  vgpu::wire::appendFrame(out, Call::Launch, 0, vgpu::wire::kFlagAsync, launch);
  frames.push_back(out);
  return frames;
}

Bytes mutate(Bytes input, std::mt19937& random) {
  std::uniform_int_distribution<int> kind(0, 6);
  auto at = [&](std::size_t size) { return std::uniform_int_distribution<std::size_t>(0, size - 1)(random); };
  switch (kind(random)) {
  case 0: // flip a few payload or header bytes
    for (int i = 0; i < 3 && !input.empty(); ++i) {
      input[at(input.size())] ^= static_cast<std::uint8_t>(1u << (random() % 8));
    }
    break;
  case 1: // a random 64-bit value somewhere past the header (sizes, offsets, pointers)
    if (input.size() >= vgpu::wire::kHeaderSize + 8) {
      const std::uint64_t value = (static_cast<std::uint64_t>(random()) << 32) | random();
      std::memcpy(input.data() + vgpu::wire::kHeaderSize + at(input.size() - vgpu::wire::kHeaderSize - 7), &value, 8);
    }
    break;
  case 2: { // truncate the payload, keeping the header's length consistent
    if (input.size() > vgpu::wire::kHeaderSize) {
      input.resize(vgpu::wire::kHeaderSize + at(input.size() - vgpu::wire::kHeaderSize));
      const auto length = static_cast<std::uint32_t>(input.size() - vgpu::wire::kHeaderSize);
      std::memcpy(input.data() + 8, &length, 4);
    }
    break;
  }
  case 3: { // another call id on the same payload
    const auto call = static_cast<std::uint16_t>(random() % 90);
    std::memcpy(input.data() + 6, &call, 2);
    break;
  }
  case 4: // toggle the asynchronous flag
    input[12] ^= 1;
    break;
  case 5: // append trailing bytes inside the frame
    for (int i = 0; i < 5; ++i) {
      input.push_back(static_cast<std::uint8_t>(random()));
    }
    {
      const auto length = static_cast<std::uint32_t>(input.size() - vgpu::wire::kHeaderSize);
      std::memcpy(input.data() + 8, &length, 4);
    }
    break;
  default: // unchanged
    break;
  }
  return input;
}

// Runs one session over a socketpair: `stream` is written (with a sealed memfd alongside), the
// replies are drained, the write side is closed; the session must end.
void runSession(vgpu::daemon::SessionRegistry& registry, const Bytes& stream) {
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  vgpu::FileDescriptor client(pair[0]);
  vgpu::FileDescriptor server(pair[1]);
  vgpu::daemon::SessionLimits limits;
  limits.vramQuotaBytes = std::uint64_t{1} << 30;
  vgpu::daemon::Session session(server.get(), {}, registry, limits);
  std::thread thread([&] { session.serve(); });

  vgpu::FileDescriptor memfd(::memfd_create("fuzz", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  REQUIRE(::ftruncate(memfd.get(), 1 << 20) == 0);
  REQUIRE(::fcntl(memfd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) == 0);
  std::size_t sent = 0;
  bool memfdSent = false;
  bool open = true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (open) {
    REQUIRE(std::chrono::steady_clock::now() < deadline); // a hang is a finding
    pollfd fds{client.get(), static_cast<short>(POLLIN | (sent < stream.size() ? POLLOUT : 0)), 0};
    ::poll(&fds, 1, 100);
    if ((fds.revents & POLLOUT) != 0) {
      iovec vector{const_cast<std::uint8_t*>(stream.data() + sent), stream.size() - sent};
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
      msghdr message{};
      message.msg_iov = &vector;
      message.msg_iovlen = 1;
      if (!memfdSent) {
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        cmsghdr* header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        const int fd = memfd.get();
        std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
      }
      const ssize_t n = ::sendmsg(client.get(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        memfdSent = true;
        sent += static_cast<std::size_t>(n);
        if (sent == stream.size()) {
          ::shutdown(client.get(), SHUT_WR);
        }
      } else if (n < 0 && errno == EPIPE) {
        sent = stream.size();
      }
    }
    if ((fds.revents & (POLLIN | POLLHUP)) != 0) {
      std::uint8_t buffer[65536];
      open = ::recv(client.get(), buffer, sizeof buffer, MSG_DONTWAIT) > 0 || errno == EAGAIN;
    }
  }
  thread.join();
}

} // namespace

TEST_CASE("mutated headers and hello payloads never decode into something invalid") {
  std::mt19937 random(20260501);
  std::vector<Bytes> seeds = fixtureFrames();
  REQUIRE(seeds.size() >= 10);
  const auto stop = std::chrono::steady_clock::now() + std::chrono::milliseconds(400);
  int rounds = 0;
  while (std::chrono::steady_clock::now() < stop) {
    ++rounds;
    const Bytes input = mutate(seeds[static_cast<std::size_t>(random()) % seeds.size()], random);
    vgpu::wire::Header header;
    if (vgpu::wire::decodeHeader(input, header) != vgpu::wire::DecodeStatus::Ok) {
      continue;
    }
    REQUIRE(header.payloadLength <= vgpu::wire::kMaxPayload);
    if (input.size() < vgpu::wire::kHeaderSize + header.payloadLength) {
      continue;
    }
    const std::span payload(input.data() + vgpu::wire::kHeaderSize, header.payloadLength);
    vgpu::wire::HelloRequest hello;
    if (vgpu::wire::decodeHello(payload, hello)) { // what decodes re-encodes to the same bytes
      CHECK(vgpu::wire::encodeHello(hello) == Bytes(payload.begin(), payload.end()));
      CHECK(hello.devices.size() <= vgpu::wire::kMaxHelloDevices);
    }
    vgpu::wire::HelloReply reply;
    if (vgpu::wire::decodeHelloReply(payload, reply)) {
      CHECK(vgpu::wire::encodeHelloReply(reply) == Bytes(payload.begin(), payload.end()));
    }
    vgpu::wire::ErrorReply error;
    vgpu::wire::decodeErrorReply(payload, error);
  }
  CHECK(rounds > 1000);
}

TEST_CASE("vgpud sessions fed mutated frames answer or close, never crash or hang") {
  std::mt19937 random(4242);
  const std::vector<Bytes> fixtures = fixtureFrames();
  const std::vector<Bytes> calls = callFrames();
  const Bytes hello = readFile(vgpu::test::dataDir() / "vgpud" / "hello-v2.frame");
  // hello-v2.frame announces no shared memory; the fuzz's session start announces 1 MiB.
  vgpu::wire::HelloRequest request;
  REQUIRE(vgpu::wire::decodeHello(std::span(hello).subspan(vgpu::wire::kHeaderSize), request));
  request.sharedMemoryBytes = 1 << 20;
  Bytes start;
  vgpu::wire::appendFrame(start, Call::Hello, 1, 0, vgpu::wire::encodeHello(request));

  vgpu::daemon::SessionRegistry registry;
  const auto stop = std::chrono::steady_clock::now() + std::chrono::milliseconds(800);
  int sessions = 0;
  // At least 800 ms and at least 51 sessions (a sanitizer build on a busy machine is slow).
  while (std::chrono::steady_clock::now() < stop || sessions <= 50) {
    ++sessions;
    Bytes stream = random() % 8 == 0 ? mutate(start, random) : start;
    const int count = 1 + static_cast<int>(random() % 12);
    for (int i = 0; i < count; ++i) {
      const bool fromFixtures = random() % 4 == 0;
      const Bytes& seed = fromFixtures ? fixtures[random() % fixtures.size()] : calls[random() % calls.size()];
      const Bytes mutated = random() % 3 == 0 ? seed : mutate(seed, random);
      stream.insert(stream.end(), mutated.begin(), mutated.end());
    }
    runSession(registry, stream);
  }
  CHECK(registry.totals().sessions == 0); // every session left the registry
  CHECK(registry.totals().deviceBytes == 0);
}

TEST_CASE("hello carries the client's process name; the older form without it still decodes") {
  vgpu::wire::HelloRequest hello;
  hello.minVersion = 1;
  hello.maxVersion = 2;
  hello.processId = 42;
  hello.clientName = "libvgpu-cuda 0.1.0";
  hello.devices.push_back({"h100-pcie", "0000:00:05.0", {}});
  const Bytes older = vgpu::wire::encodeHello(hello); // no name: the form clients before 0.2 send
  hello.processName = "ollama";
  const Bytes newer = vgpu::wire::encodeHello(hello);
  CHECK(newer.size() == older.size() + 4 + 6);
  vgpu::wire::HelloRequest decoded;
  REQUIRE(vgpu::wire::decodeHello(newer, decoded));
  CHECK(decoded.processName == "ollama");
  REQUIRE(vgpu::wire::decodeHello(older, decoded));
  CHECK(decoded.processName.empty());
  Bytes emptyName = older;
  emptyName.insert(emptyName.end(), {0, 0, 0, 0}); // an explicitly empty name is not canonical
  CHECK_FALSE(vgpu::wire::decodeHello(emptyName, decoded));
}
