// The typed form of the control socket's replies (docs/telemetry-protocol.md, protocol 1, with the
// members added in this session: hello's endpoint/log_level, a sample's calls/apis/errors).
// Members a process does not send are absent (std::optional empty), never zero: an older shim
// without per-API figures must not look like a process that made no calls. `json` keeps the
// reply object as received so tools can forward members this client does not know.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <array>
#include <cstdint>
#include <optional>

namespace vgpu::controller::telemetry {

// One device as hello lists it (CUDA ordinal order).
struct DeviceIdentity {
  int index = 0;
  QString name;
  QString uuid;     // "GPU-…"
  QString pciBusId; // "0000:00:05.0"
};

// The `hello` reply: who the process is and what it sees.
struct ProcessHello {
  int protocol = 0;
  qint64 pid = 0;
  QString executable;
  std::uint32_t uid = 0;
  QString shimVersion;
  QString backend;                   // "simulated", "remote", …
  std::optional<QString> endpoint;   // "in-process", "unix:/run/vgpud.sock"; absent from older shims
  std::optional<QString> logLevel;   // off|error|warn|info|debug; absent from older shims
  std::optional<QString> executor;   // "simulated" or "cuda": what runs the work; absent from older shims
  std::optional<bool> simulatedFlag; // "simulated": kernels are never run; absent from older shims
  QList<DeviceIdentity> devices;
  QJsonObject json;

  // The identity of device `index`, or nullptr.
  const DeviceIdentity* device(int index) const;
  // Whether the process's devices are simulated (in-process or in vgpud): the flag, else what older
  // shims say through executor or backend.
  bool simulated() const;
};

// One device's memory accounting in a sample.
struct DeviceMemory {
  int index = 0;
  std::uint64_t usedBytes = 0;
  std::uint64_t totalBytes = 0;
  std::uint64_t peakBytes = 0;
  std::uint64_t allocations = 0;
};

enum class CopyDirection { HostToDevice = 0, DeviceToHost = 1, DeviceToDevice = 2 };
inline constexpr int kCopyDirectionCount = 3;
// The protocol's member name for a direction ("host_to_device", …).
const char* copyDirectionName(CopyDirection direction);

struct CopyFigures {
  std::uint64_t bytes = 0;     // cumulative since cuInit
  double bytesPerSecond = 0.0; // over this client's window
};

// Latency percentiles in nanoseconds over the window (the calls since this client's previous
// sample). Empty when the window had no calls (the protocol's JSON null). Each value is the upper
// bound of its histogram bucket.
struct LatencyPercentiles {
  std::optional<std::int64_t> p50Ns;
  std::optional<std::int64_t> p95Ns;
  std::optional<std::int64_t> p99Ns;
};

// The sample's `calls` object: every intercepted entry point together.
struct CallFigures {
  std::uint64_t total = 0;  // since cuInit
  std::uint64_t errors = 0; // calls whose CUresult was not CUDA_SUCCESS, since cuInit
  std::uint64_t windowCalls = 0;
  LatencyPercentiles latency;
};

// One entry of `apis`: an entry point called at least once since cuInit.
struct ApiFigures {
  QString name; // exported symbol, e.g. "cuMemAlloc_v2"
  std::uint64_t calls = 0;
  std::uint64_t errors = 0;
  std::uint64_t windowCalls = 0;
  LatencyPercentiles latency;
};

// One entry of `errors`: calls that returned this CUresult since cuInit.
struct ErrorFigures {
  int code = 0;
  QString name; // "CUDA_ERROR_INVALID_VALUE"
  std::uint64_t count = 0;
};

// The `sample` reply.
struct Sample {
  std::uint64_t seq = 0;
  std::int64_t timeMs = 0; // wall clock, ms since the Unix epoch
  QString backendState;    // "ready", …
  QList<DeviceMemory> devices;
  std::uint64_t kernelLaunchesTotal = 0;
  double kernelLaunchesPerSecond = 0.0;
  std::array<CopyFigures, kCopyDirectionCount> copies{}; // indexed by CopyDirection
  std::uint64_t memsets = 0;
  std::uint64_t droppedClients = 0;
  std::optional<CallFigures> calls;          // absent from older shims
  std::optional<QList<ApiFigures>> apis;     // absent from older shims
  std::optional<QList<ErrorFigures>> errors; // absent from older shims
  QJsonObject json;

  const CopyFigures& copy(CopyDirection direction) const { return copies[static_cast<std::size_t>(direction)]; }
  // Device `index`'s memory, or nullptr.
  const DeviceMemory* device(int index) const;
  // Used bytes summed over the process's devices.
  std::uint64_t vramUsedBytes() const;
};

// A reply the server sent with type "ok" (subscribe, reset-peaks, set-log-level).
struct OkReply {
  QString command;
  QJsonObject json;
};

// A reply with type "error" (the server's code, e.g. "bad-interval", and its message).
struct ServerError {
  QString code;
  QString message;
};

} // namespace vgpu::controller::telemetry

Q_DECLARE_METATYPE(vgpu::controller::telemetry::ProcessHello)
Q_DECLARE_METATYPE(vgpu::controller::telemetry::Sample)
