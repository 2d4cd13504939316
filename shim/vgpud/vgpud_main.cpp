// vgpud entry point: parse the configuration, serve until SIGTERM.
#include "cuda_driver.h"
#include "daemon_options.h"
#include "daemon_server.h"
#include "tcp_transport.h"

#include "vgpu/log.h"
#include "vgpu/version.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <malloc.h>
#include <memory>

namespace {
// Exit status when this host or its settings cannot run vgpud as configured (no usable CUDA driver,
// a bad token file or guest region): sysexits' EX_CONFIG. vgpud.service does not restart on it, so
// a host without NVIDIA's driver shows one failed start with the reason instead of a restart loop.
constexpr int kCannotRunAsConfigured = 78;
} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  const vgpu::daemon::ParseResult parsed = vgpu::daemon::parseOptions(arguments);
  if (!parsed.options) {
    std::fprintf(stderr, "vgpud: %s\n\n%s", parsed.error.c_str(), vgpu::daemon::usage().c_str());
    return 2;
  }
  const vgpu::daemon::Options& options = *parsed.options;
  if (options.showHelp) {
    std::fputs(vgpu::daemon::usage().c_str(), stdout);
    return 0;
  }
  if (options.showVersion) {
    std::printf("vgpud %s\n", VGPU_VERSION_STRING);
    return 0;
  }
  vgpu::log::Level level = vgpu::log::Level::Info;
  std::string_view destination;
  vgpu::log::parseSettings(options.logLevel, level, destination);
  vgpu::log::setLevel(level);

  // The real driver is loaded once, before any socket is opened: a host without a usable GPU
  // fails here, with what to do, instead of failing each guest's cuInit.
  std::unique_ptr<vgpu::daemon::CudaDriver> driver;
  if (options.backend == vgpu::daemon::ExecutorBackend::Cuda) {
    std::string error;
    driver = vgpu::daemon::loadCudaDriver(options.cudaDriverPath, error);
    if (driver == nullptr || vgpu::daemon::probeCudaDevices(*driver, error) < 0) {
      std::fprintf(stderr, "vgpud: %s\n", error.c_str());
      return kCannotRunAsConfigured;
    }
    vgpu::log::writef(vgpu::log::Level::Info, "vgpud",
                      "cuda backend: %s (CUDA %d.%d driver API), %d GPU(s); one worker process per session",
                      driver->resolved.c_str(), driver->version / 1000, driver->version % 1000 / 10,
                      driver->deviceCount);
  }
  std::signal(SIGPIPE, SIG_IGN); // a client that vanished mid-reply ends its session, not the daemon
  vgpu::daemon::Server::Tcp tcp;
  if (!options.tcpPort.empty() || !options.vsockPort.empty()) {
    std::string error;
    if (!vgpu::daemon::readTokenFile(options.tokenFile, tcp.token, error)) {
      std::fprintf(stderr, "vgpud: %s\n", error.c_str());
      return kCannotRunAsConfigured;
    }
    tcp.host = options.tcpHost;
    tcp.port = options.tcpPort;
    tcp.vsockCid = options.vsockCid;
    tcp.vsockPort = options.vsockPort;
  }
  // Guest regions are mapped before any session exists, so worker processes inherit the mappings.
  vgpu::daemon::GuestRegions guestRegions;
  if (std::string error; !guestRegions.open(options.guestRegions, error)) {
    std::fprintf(stderr, "vgpud: %s\n", error.c_str());
    return kCannotRunAsConfigured;
  }
  vgpu::daemon::SessionLimits limits;
  limits.guestRegions = guestRegions.empty() ? nullptr : &guestRegions;
  limits.vramQuotaBytes = options.vramQuotaBytes;
  limits.driver = driver.get();
  limits.bounds = options.limits;
  // One heap arena per session thread would keep each thread's high-water mark for good; a few
  // shared arenas keep vgpud's memory near what its sessions hold now (docs/security.md).
  ::mallopt(M_ARENA_MAX, 4);
  vgpu::daemon::AdminSettings admin;
  admin.socketPath = options.adminSocketPath;
  admin.tcpHost = options.adminTcpHost;
  admin.tcpPort = options.adminTcpPort;
  admin.group = options.adminGroup;
  admin.backend = driver != nullptr ? "cuda" : "sim";
  admin.nvmlPath = driver != nullptr ? options.nvmlPath : std::string();
  if (!options.adminTokenFile.empty()) {
    std::string error;
    if (!vgpu::daemon::readTokenFile(options.adminTokenFile, admin.token, error)) {
      std::fprintf(stderr, "vgpud: admin token: %s\n", error.c_str());
      return kCannotRunAsConfigured;
    }
  }
  vgpu::daemon::Server server(options.socketPath, limits, tcp, options.priorities, std::move(admin));
  if (!server.start()) {
    std::fprintf(stderr, "vgpud: %s\n", server.error().c_str());
    return 1;
  }
  const int code = server.run();
  if (code != 0) {
    std::fprintf(stderr, "vgpud: %s\n", server.error().c_str());
  }
  return code;
}
