// The management socket's replies (docs/management-protocol.md): the hello and the sample of every
// host GPU and live session, read from the session registry's shared slots. A slot is copied with
// its id checked before and after, so a session that ends (and a new one in its slot) while it is
// read is dropped from that sample, never mixed. The builder remembers the host's GPUs as sessions
// reveal them (a simulated GPU i is device i of the sessions; on the cuda backend, ordinal i) and
// computes the per-session rates once a second.
#pragma once

#include "host_nvml.h"
#include "session_registry.h"

#include "vgpu/telemetry/json_value.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vgpu::daemon {

// One live session's figures, copied out of its slot.
struct SessionView {
  std::uint64_t id = 0;
  SessionTransport transport = SessionTransport::Unix;
  std::string remoteAddress;
  std::uint32_t peerUid = 0;
  std::int32_t peerPid = 0;
  std::uint64_t startedMs = 0;
  bool helloDone = false;
  std::uint32_t clientPid = 0;
  std::string clientProcess;
  std::string clientName;
  struct Device {
    std::string name;
    std::string pciBusId;
    std::string uuid; // "GPU-xxxxxxxx-..."; "" when the device has none
    std::uint64_t totalBytes = 0;
    std::uint64_t usedBytes = 0;
  };
  std::vector<Device> devices;
  std::uint64_t deviceBytes = 0;
  std::uint64_t hostBytes = 0;
  std::uint64_t vramQuotaBytes = 0;
  SessionPriority priority = SessionPriority::Normal;
  SessionState state = SessionState::Starting;
  std::uint64_t calls = 0;
  std::uint64_t errors = 0;
  std::uint64_t launches = 0;
  std::uint64_t bytesHostToDevice = 0;
  std::uint64_t bytesDeviceToHost = 0;
  telemetry::LatencyCounts latency{};
};

// Every live, described session, in id order.
std::vector<SessionView> readSessions(SessionRegistry& registry);
// "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"; "" for an all-zero UUID.
std::string formatUuid(const std::array<std::uint8_t, 16>& uuid);

class SampleBuilder {
public:
  using Clock = std::chrono::steady_clock;

  explicit SampleBuilder(std::string backend);

  // The hello line (without its newline) for a peer on `transport` ("unix" or "tcp").
  std::string hello(std::string_view transport, std::optional<uid_t> uid) const;
  // The sample line (without its newline). `host`: NVML's view of the host's GPUs (cuda backend
  // with NVML), which then is the GPU list, sessions' devices matched to it by UUID; nullptr or
  // empty: the GPUs the sessions revealed, with vgpud's accounting.
  std::string sample(SessionRegistry& registry, std::uint64_t droppedSamples,
                     const std::vector<HostGpuState>* host = nullptr);
  // Once a second at most: each session's launches and copied bytes since the previous tick.
  void tick(SessionRegistry& registry, Clock::time_point now);

private:
  struct KnownGpu {
    std::string name;
    std::string pciBusId;
    std::string uuid;
    std::uint64_t totalBytes = 0;
  };
  struct Rate {
    Clock::time_point at{};
    std::uint64_t launches = 0;
    std::uint64_t bytes = 0;
    double launchesPerSecond = 0;
    double bytesPerSecond = 0;
  };

  std::string backend_;
  std::string hostname_;
  std::uint64_t startedMs_ = 0;
  std::uint64_t seq_ = 0;
  std::map<std::uint32_t, KnownGpu> gpus_;
  std::map<std::uint64_t, Rate> rates_;
  Clock::time_point lastTick_{};
};

} // namespace vgpu::daemon
