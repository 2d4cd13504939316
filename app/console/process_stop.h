// Stopping a shim process from the Processes page without hitting a stranger: a pid is only a
// number, and once the process it named exits the kernel may hand it to another. The page notes
// each process's identity (/proc start time and owner) when it first lists it; stopProcess reads
// it again immediately before kill(2) and sends SIGTERM only when both still match.
#pragma once

#include <QString>
#include <cstdint>
#include <optional>

namespace vgpu::console {

struct ProcessIdentity {
  qint64 pid = 0;
  std::uint32_t uid = 0;  // real uid (/proc/PID/status "Uid:")
  quint64 startTicks = 0; // clock ticks after boot (/proc/PID/stat field 22)
  bool operator==(const ProcessIdentity&) const = default;
};

// The identity of `pid` as `procRoot` (normally /proc) shows it; nullopt when it is gone.
std::optional<ProcessIdentity> readProcessIdentity(qint64 pid, const QString& procRoot = QStringLiteral("/proc"));

enum class StopOutcome {
  Sent,     // SIGTERM delivered to the process the row showed
  Gone,     // it has exited: nothing sent
  Replaced, // the pid now names another process (start time or owner differ): nothing sent
  NotOwned, // another user's process: the console does not stop it
  Failed,   // kill(2) refused (errno in the message)
};

struct StopResult {
  StopOutcome outcome = StopOutcome::Failed;
  QString message; // for the admin, translated
};

StopResult stopProcess(const ProcessIdentity& expected, std::uint32_t ownUid,
                       const QString& procRoot = QStringLiteral("/proc"));

} // namespace vgpu::console
