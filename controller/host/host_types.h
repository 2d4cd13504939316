// The typed form of vgpud's management (admin) socket replies (docs/management-protocol.md,
// protocol 1). A figure vgpud does not know is omitted on the wire and absent here
// (std::optional empty), never zero: a simulated GPU has no temperature, and an exporter must not
// invent one. `json` keeps each object as received so tools can forward members this client does
// not know (vgpuctl host --json prints them unchanged).
#pragma once

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <cstdint>
#include <optional>

namespace vgpu::controller::host {

// Who vgpud says we are (hello's `peer`).
struct HostPeer {
  QString transport;                // "unix" or "tcp"
  std::optional<std::uint32_t> uid; // unix: SO_PEERCRED
  std::optional<QString> address;   // tcp: "10.0.0.9:51234"
};

// The `hello` reply.
struct HostHello {
  int protocol = 0;
  QString daemonVersion;
  QString hostname;
  QString backend; // "sim", "cuda"
  bool simulated = false;
  std::optional<std::int64_t> pid;
  std::optional<std::int64_t> startedMs;
  std::optional<HostPeer> peer;
  QJsonObject json;
};

// One GPU of the host (a sample's `gpus[]`).
struct HostGpu {
  int index = 0;
  QString name;
  QString uuid;     // "GPU-…"; empty when vgpud did not send one
  QString pciBusId; // "0000:01:00.0"; empty when vgpud did not send one
  bool simulated = false;
  std::optional<std::uint64_t> memoryTotalBytes;
  std::optional<std::uint64_t> memoryUsedBytes;
  std::optional<std::uint64_t> memoryFreeBytes;
  std::optional<std::uint64_t> sessions;
  std::optional<double> utilizationGpuPercent;
  std::optional<double> utilizationMemoryPercent;
  std::optional<double> temperatureC;
  std::optional<double> powerWatts;
  std::optional<double> smClockMhz;
  std::optional<double> memoryClockMhz;
  QJsonObject json;
};

// A session's use of one device (`devices[]`): `gpu` is the host GPU's index.
struct HostSessionDevice {
  int index = 0;
  int gpu = 0;
  std::uint64_t vramUsedBytes = 0;
};

// Percentiles of the session's call latency in nanoseconds (bucket upper edges).
struct HostLatency {
  std::optional<std::int64_t> p50Ns;
  std::optional<std::int64_t> p90Ns;
  std::optional<std::int64_t> p99Ns;
};

// One live session (a sample's `sessions[]`).
struct HostSession {
  std::uint64_t id = 0;
  QString transport; // "unix", "tcp", "vsock"
  std::optional<QString> remoteAddress;
  std::optional<std::uint32_t> peerUid;
  std::optional<std::int64_t> peerPid;
  std::optional<std::int64_t> clientPid;
  QString clientProcess;
  QString clientName;
  std::optional<std::int64_t> startedMs;
  std::optional<double> ageS;
  QString state;                               // "starting", "active", "draining", "ending"
  QString priority;                            // "low", "normal", "high"
  std::optional<std::uint64_t> vramQuotaBytes; // 0: none
  std::optional<std::uint64_t> vramUsedBytes;
  std::optional<std::uint64_t> hostBytes;
  QList<HostSessionDevice> devices;
  std::optional<std::uint64_t> calls;
  std::optional<std::uint64_t> errors;
  std::optional<std::uint64_t> launches;
  std::optional<std::uint64_t> bytesHostToDevice;
  std::optional<std::uint64_t> bytesDeviceToHost;
  std::optional<double> launchesPerS;
  std::optional<double> copyBytesPerS;
  std::optional<HostLatency> latency; // absent before the first call
  QJsonObject json;

  // "tcp:192.168.122.17" for tcp/vsock, "uid 1000" for unix, "" when vgpud sent neither.
  QString peerText() const;
};

// The `sample` reply.
struct HostSample {
  std::uint64_t seq = 0;
  std::int64_t timeMs = 0;
  QString hostname;
  QString backend;
  bool simulated = false;
  std::uint64_t droppedSamples = 0;
  QList<HostGpu> gpus;
  QList<HostSession> sessions; // in id order
  std::optional<std::uint64_t> totalSessions;
  std::optional<std::uint64_t> totalVramUsedBytes;
  QJsonObject json;

  const HostGpu* gpu(int index) const;
  const HostSession* session(std::uint64_t id) const;
};

// `{"type":"ok","cmd":…}`.
struct HostOk {
  QString command;
  QJsonObject json;
};

// `{"type":"error","cmd":…,"error":CODE,"message":…}`: refused, bad-json, bad-request,
// unknown-cmd, no-such-session, line-too-long (or a code this client does not know).
struct HostServerError {
  QString command; // empty when the server did not name one
  QString code;
  QString message;
};

} // namespace vgpu::controller::host

Q_DECLARE_METATYPE(vgpu::controller::host::HostHello)
Q_DECLARE_METATYPE(vgpu::controller::host::HostSample)
Q_DECLARE_METATYPE(vgpu::controller::host::HostServerError)
