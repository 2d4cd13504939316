// A vgpud process for tests: started on a fresh socket with extra arguments, SIGTERM'd (or
// SIGKILL'd) at the end; and a RemoteBackend client connected to it for one expected device.
#pragma once

#include "remote/remote_backend.h"

#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vgpu::test {

struct VgpudProcess {
  pid_t pid = -1;
  std::string socketPath;
  std::string endpoint() const { return "unix:" + socketPath; }

  explicit VgpudProcess(const std::vector<std::string>& extraArguments = {});
  ~VgpudProcess();
  VgpudProcess(const VgpudProcess&) = delete;
  VgpudProcess& operator=(const VgpudProcess&) = delete;

  int stop();      // SIGTERM; the exit status, -1 when it had to be killed
  void killHard(); // SIGKILL, reaped
};

// True when the tests run against vgpud's cuda backend on the driver double
// (VGPUD_FIXTURE_DRIVER_DOUBLE=<shim dir>): a worker process per session, the GPU's own identity.
bool onDriverDouble();

wire::ExpectedDevice expectedDevice(const std::string& profileKey = "h100-pcie");

// A connected client (REQUIREs success). Timeout 0: 5 s for calls that do real work, longer in the
// sanitizer builds (ThreadSanitizer runs the 64 MiB copies many times slower).
std::unique_ptr<cuda::remote::RemoteBackend> connectClient(const std::string& endpoint, int timeoutMilliseconds = 0,
                                                           const std::string& profileKey = "h100-pcie");

} // namespace vgpu::test
