// vgpud under every attack at once (docs/security.md), loopback only, bounded in time: 1,024
// unauthenticated TCP connections from as many addresses held open, one tenant amplifying device→host copies (a batch
// of requests for 1 GiB of replies it never reads), one tenant passing two descriptors with every message, and a
// legitimate TCP tenant throughout. Its synchronous round trip must stay within 1.5× its unloaded figure measured in
// this run, every call of it must succeed, vgpud's resident memory must stay under the documented bound, and vgpud's
// descriptors must return to their baseline.
#include <catch2/catch.hpp>

#include "raw_wire_client.h"
#include "vgpud_fixture.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <list>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace std::chrono_literals;
using vgpu::FileDescriptor;
using vgpu::wire::Call;

namespace {

const std::string kToken = "fedcba9876543210fedcba9876543210";
constexpr long kResidentBoundKiB = 192 * 1024; // docs/security.md, docs/performance.md

// The median time of one synchronous round trip, over 5 blocks of `calls`.
double roundTripMicroseconds(vgpu::cuda::remote::RemoteBackend& client, int calls, int& failures) {
  std::vector<double> blocks;
  for (int block = 0; block < 5; ++block) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) {
      failures += client.streamQuery(0) == CUDA_SUCCESS ? 0 : 1;
    }
    blocks.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
                     calls);
  }
  std::sort(blocks.begin(), blocks.end());
  return blocks[2];
}

} // namespace

TEST_CASE("a legitimate tenant keeps its round trip while vgpud is under every attack at once") {
  vgpu::test::raiseOpenFileLimit(4096);
  char pattern[] = "/tmp/vgpud-load-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const std::string tokenFile = std::string(pattern) + "/token";
  FILE* file = std::fopen(tokenFile.c_str(), "w");
  REQUIRE(file != nullptr);
  std::fputs(kToken.c_str(), file);
  std::fclose(file);
  ::chmod(tokenFile.c_str(), 0600);
  const std::string port = vgpu::test::freePort();
  vgpu::test::VgpudProcess daemon({"--listen", "tcp:127.0.0.1:" + port, "--token-file", tokenFile});
  for (int attempt = 0; attempt < 200 && !vgpu::test::connectLoopback(port).valid(); ++attempt) {
    std::this_thread::sleep_for(10ms);
  }

  vgpu::cuda::remote::ConnectionSettings settings;
  settings.endpoint = "tcp:127.0.0.1:" + port;
  settings.timeoutMilliseconds = 10000;
  settings.token = kToken;
  vgpu::cuda::remote::RemoteBackend tenant;
  std::string error;
  REQUIRE(tenant.connect(settings, {vgpu::test::expectedDevice()}, error) == CUDA_SUCCESS);
  int failures = 0;
  roundTripMicroseconds(tenant, 500, failures); // warm up
  const int baselineDescriptors = vgpu::test::openDescriptors(daemon.pid);
  const double unloaded = roundTripMicroseconds(tenant, 2000, failures);

  // 1. 1,024 unauthenticated connections from 1,024 addresses (127.0.2.0 … 127.0.5.255), held open.
  std::list<FileDescriptor> idle;
  for (int i = 0; i < 1024; ++i) {
    idle.push_back(
        vgpu::test::connectLoopbackFrom(port, "127.0." + std::to_string(2 + i / 256) + "." + std::to_string(i % 256)));
    REQUIRE(idle.back().valid());
  }
  // 2. An amplifier: 1,000 requests for ~1 MiB each, none of the replies read.
  FileDescriptor amplifier = vgpu::test::connectLoopback(port);
  REQUIRE(vgpu::test::hello(amplifier.get(), {"h100-pcie"}, kToken));
  std::vector<std::uint8_t> fields;
  const std::uint64_t size = (std::uint64_t{1} << 20) - 8192;
  REQUIRE(vgpu::test::call(amplifier.get(),
                           vgpu::test::callFrame(Call::MemAlloc, 1, 0, std::int32_t{0}, size, std::uint8_t{0}),
                           &fields) == 0);
  std::uint64_t source = 0;
  std::memcpy(&source, fields.data(), sizeof source);
  std::vector<std::uint8_t> batch;
  for (int i = 0; i < 1000; ++i) {
    const auto one = vgpu::test::callFrame(Call::CopyDeviceToHost, 10 + static_cast<std::uint64_t>(i), 0, source, size,
                                           std::uint64_t{0}, size, std::uint64_t{1}, std::uint8_t{0}, std::uint64_t{0});
    batch.insert(batch.end(), one.begin(), one.end());
  }
  REQUIRE(vgpu::writeAll(amplifier.get(), batch));
  // 3. A descriptor abuser: two descriptors with every message, as fast as vgpud answers.
  std::atomic<bool> stop{false};
  std::atomic<int> abusiveMessages{0};
  std::thread abuser([&] {
    vgpu::SocketResult connected = vgpu::connectUnix(daemon.socketPath);
    if (!connected.fd.valid() || !vgpu::test::hello(connected.fd.get(), {"h100-pcie"}, "")) {
      return;
    }
    vgpu::test::RawFrame reply;
    for (std::uint64_t id = 1; !stop; ++id) {
      vgpu::test::sendWithDescriptors(connected.fd.get(), vgpu::test::callFrame(Call::Status, id, 0), 2);
      if (!vgpu::test::readFrame(connected.fd.get(), reply)) {
        return;
      }
      ++abusiveMessages;
      std::this_thread::sleep_for(200us);
    }
  });
  std::this_thread::sleep_for(500ms);

  long peakResident = 0;
  const double loaded = roundTripMicroseconds(tenant, 2000, failures);
  peakResident = std::max(peakResident, vgpu::test::residentKiB(daemon.pid));
  const int loadedDescriptors = vgpu::test::openDescriptors(daemon.pid);
  // The tenant's real work goes on too.
  CUdeviceptr buffer = 0;
  CHECK(tenant.memAlloc(0, 1 << 20, buffer) == CUDA_SUCCESS);
  std::vector<std::uint8_t> data(1 << 20, 0x5a);
  std::vector<std::uint8_t> back(1 << 20, 0);
  CHECK(tenant.copy({true, buffer, nullptr, 1 << 20}, {false, 0, data.data(), 1 << 20}, 1 << 20, 1, 0, false) ==
        CUDA_SUCCESS);
  CHECK(tenant.copy({false, 0, back.data(), 1 << 20}, {true, buffer, nullptr, 1 << 20}, 1 << 20, 1, 0, false) ==
        CUDA_SUCCESS);
  CHECK(back == data);
  peakResident = std::max(peakResident, vgpu::test::residentKiB(daemon.pid));

  stop = true;
  abuser.join();
  idle.clear();
  amplifier.reset();
  int after = 0;
  for (int attempt = 0; attempt < 300; ++attempt) {
    after = vgpu::test::openDescriptors(daemon.pid);
    if (after == baselineDescriptors) {
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  const double ratio = loaded / unloaded;
  std::printf("vgpud load test: round trip unloaded %.1f us, under attack %.1f us, ratio %.2f (target <= 1.5); "
              "vgpud resident peak %ld KiB (bound %ld); descriptors baseline %d, under attack %d, after %d; "
              "abusive messages %d\n",
              unloaded, loaded, ratio, peakResident, kResidentBoundKiB, baselineDescriptors, loadedDescriptors, after,
              abusiveMessages.load());
  CHECK(failures == 0);
  CHECK((ratio <= 1.5 || vgpu::test::kSanitizerBuild));
  CHECK((peakResident < kResidentBoundKiB || vgpu::test::kSanitizerBuild));
  CHECK(abusiveMessages > 0);
  CHECK(after == baselineDescriptors);
}
