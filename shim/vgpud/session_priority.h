// A session's priority (configuration `priority` and `priority-uid`, docs/configuration.md) and
// the two levers it moves. The CPU lever: the thread (backend sim) or worker process (backend cuda)
// serving the session is niced relative to the daemon — low +10, normal unchanged, high -5 where
// the daemon may (CAP_SYS_NICE), else unchanged. It is what orders tenants against each other:
// separate CUDA contexts time-slice on the GPU. The GPU lever: a session's CUDA stream priorities
// (they order work within its own context only): low clamps every stream to the least priority, high
// lifts default-priority streams to the greatest one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace vgpu::daemon {

enum class SessionPriority { Low, Normal, High };

// "low", "normal", "high"; false on anything else.
bool parsePriorityLevel(std::string_view text, SessionPriority& level);
std::string_view priorityName(SessionPriority level);
// The words parsePriorityLevel accepts, for error messages: "high, normal or low".
std::string_view priorityWords();

struct PriorityPolicy {
  SessionPriority defaultLevel = SessionPriority::Normal; // priority = LEVEL
  std::map<std::uint32_t, SessionPriority> byUid;         // priority-uid = UID:LEVEL (the last one for a uid wins)

  // The level of a session whose peer uid is `uid` (Unix sockets); nullopt (TCP, vsock): the default.
  SessionPriority resolve(std::optional<std::uint32_t> uid) const;
};

// Adds "UID:LEVEL[,UID:LEVEL...]" to `policy`; an error message naming the bad entry, empty on
// success (nothing is added then).
std::string addPriorityUids(PriorityPolicy& policy, std::string_view text);

struct CpuPriority {
  int baseNice = 0;     // the serving thread's nice value before any level was applied
  int nice = 0;         // the serving thread's nice value afterwards
  bool refused = false; // high asked, but the daemon may not lower nice values
};

// Nices the calling thread (setpriority on its tid) for `level`, relative to its current value.
// A refused high is logged once per process, at info.
CpuPriority applyCpuPriority(SessionPriority level);

// Sets the calling thread's nice value to `baseNice` plus `level`'s offset (a level the management
// socket changed at runtime; lowering the value needs CAP_SYS_NICE, a refusal is logged).
CpuPriority changeCpuPriority(int baseNice, SessionPriority level);

// The CUDA priority a stream of a session at `level` gets, the client having asked for `requested`;
// `least` and `greatest` are cuCtxGetStreamPriorityRange's (numerically greatest < least).
int sessionStreamPriority(SessionPriority level, int requested, int least, int greatest);

} // namespace vgpu::daemon
