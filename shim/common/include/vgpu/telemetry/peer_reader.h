// Reading the control sockets of other shim processes from inside a shim: the NVML shim answers
// "memory used" and "running processes" for a device from what every process that uses it reports
// (nvidia-smi and nvtop run in processes of their own, without the CUDA shim). Blocking, bounded
// by a timeout per socket, no threads: it runs on the caller's thread inside an NVML call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vgpu::telemetry {

struct PeerDevice {
  std::string uuid;            // "GPU-…", as in the peer's hello
  std::uint64_t usedBytes = 0; // the peer backend's accounting for this device
};

struct PeerProcess {
  pid_t pid = 0;
  uid_t uid = 0;
  std::string executable;
  std::string backend;
  std::vector<PeerDevice> devices;
  // The sample's "activity" (0..100 of the last second); nullopt from a shim that does not send it.
  std::optional<unsigned> kernelActivityPercent;
  std::optional<unsigned> memoryActivityPercent;
};

struct PeerScan {
  std::vector<std::string> directories; // the runtime directories scanned (runtime_directory.h)
  std::vector<PeerProcess> processes;   // a pid found in two directories is counted once
  std::vector<std::string> problems;    // one line per socket that could not be read, with the reason
  // The part of `problems` the access rule caused: a directory this caller may not list (EACCES) or
  // a socket whose process refused it (not root, the owner or a member of the socket's group). Their
  // processes' figures are missing from `processes`.
  std::vector<std::string> forbidden;
};

// Asks every "<pid>.sock" in each of `directories` for hello and snapshot. `excludePid` (this
// process) is skipped. A socket nobody accepts on (a killed process's) is reported as stale in
// `problems` and left in place: readers without the owner's rights must not delete it.
PeerScan scanPeers(const std::vector<std::string>& directories, pid_t excludePid, int timeoutMsPerPeer);
PeerScan scanPeers(const std::string& directory, pid_t excludePid, int timeoutMsPerPeer);

// One peer's two replies, parsed (exposed for tests: a fixture corpus feeds it lines).
// Returns false with `problem` set when the lines are not a usable hello + sample.
bool decodePeer(const std::string& helloLine, const std::string& sampleLine, PeerProcess& out, std::string& problem);

} // namespace vgpu::telemetry
