// A vgpud for tests with a TCP listener and a token (plus its Unix socket), and an authenticated
// raw session on it: shared by the hostile-tenant and guest-region tests.
#pragma once

#include <catch2/catch.hpp>

#include "raw_wire_client.h"
#include "vgpud_fixture.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <vector>

namespace vgpu::test {

inline const std::string kToken = "0123456789abcdef0123456789abcdef";

struct TcpDaemon {
  std::string directory;
  std::string port = freePort();
  std::unique_ptr<VgpudProcess> daemon;

  explicit TcpDaemon(std::vector<std::string> extra = {}) {
    char pattern[] = "/tmp/vgpud-hostile-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    directory = pattern;
    const std::string tokenFile = directory + "/token";
    FILE* file = std::fopen(tokenFile.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs(kToken.c_str(), file);
    std::fclose(file);
    ::chmod(tokenFile.c_str(), 0600);
    std::vector<std::string> arguments = {"--listen", "tcp:127.0.0.1:" + port, "--token-file", tokenFile};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    daemon = std::make_unique<VgpudProcess>(arguments);
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (connectLoopback(port).valid()) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("vgpud's TCP listener did not come up");
  }

  vgpu::FileDescriptor tcp() const { return connectLoopback(port); }
  vgpu::FileDescriptor unix() const { return vgpu::connectUnix(daemon->socketPath).fd; }
  pid_t pid() const { return daemon->pid; }
};

// An authenticated TCP session on one simulated H100.
inline vgpu::FileDescriptor session(const TcpDaemon& daemon, const std::string& profile = "h100-pcie") {
  vgpu::FileDescriptor fd = daemon.tcp();
  REQUIRE(fd.valid());
  std::string error;
  INFO(error);
  REQUIRE(hello(fd.get(), {profile}, kToken, &error));
  return fd;
}

} // namespace vgpu::test
