// What vgpud knows about all of its sessions at once: which exist, who they are, what they hold and
// do, and the settings an admin may change while they run (docs/management-protocol.md). The table
// lives in a shared anonymous mapping made before any session starts, so it is one table for
// session threads (backend sim) and for session worker processes forked from the daemon (backend
// cuda) alike: every session updates its own slot's atomics and never waits on another; Status and
// the management socket read the slots. Lock-free: a slot is claimed and freed by compare-and-swap
// of its id; its identity is written before `ready` is set and the client's after `helloDone`, so a
// reader never sees half-written text (a reader that sees the id change drops what it read).
#pragma once

#include "session_priority.h"

#include "vgpu/telemetry/latency_histogram.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace vgpu::daemon {

enum class SessionTransport : std::uint8_t { Unix, Tcp, Vsock };
// Starting: before hello; Draining: new work refused (the management socket's drain); Ending: killed
// by the management socket, its connection closed, what it held being freed until the daemon reaps it.
enum class SessionState : std::uint8_t { Starting, Active, Draining, Ending };

// Per-device figures are kept for the first kFigureDevices devices of a session (more are summed
// into deviceBytes only); text is cut at kFigureText - 1 bytes.
inline constexpr std::size_t kFigureDevices = 8;
inline constexpr std::size_t kFigureText = 64;
using FigureText = std::array<char, kFigureText>;

// One device of a session as hello set it up: what the management socket lists as a host GPU.
struct FigureDevice {
  FigureText name{};
  std::array<char, 16> pciBusId{}; // "0000:01:00.0"
  std::array<std::uint8_t, 16> uuid{};
  std::uint64_t totalBytes = 0;
  std::atomic<std::uint64_t> usedBytes{0};
};

struct SessionFigures {
  std::atomic<std::uint64_t> id{0};          // 0: the slot is free
  std::atomic<std::uint64_t> deviceBytes{0}; // device memory the session holds, all devices
  std::atomic<std::uint64_t> hostBytes{0};   // vgpud's own memory held for it: module uploads and images, graphs

  // Identity, written by the daemon when it claims the slot, before `ready`.
  std::atomic<bool> ready{false};
  SessionTransport transport = SessionTransport::Unix;
  FigureText remoteAddress{}; // tcp/vsock
  std::uint32_t peerUid = 0;  // unix: SO_PEERCRED
  std::int32_t peerPid = 0;
  std::uint64_t startedMs = 0; // CLOCK_REALTIME

  // The client as its hello reported it, written by the session before `helloDone`.
  std::atomic<bool> helloDone{false};
  std::uint32_t clientPid = 0;
  FigureText clientProcess{};
  FigureText clientName{};
  std::uint32_t deviceCount = 0;
  std::array<FigureDevice, kFigureDevices> devices{};

  // Settings the management socket changes at runtime; the session reads them at each call.
  std::atomic<std::uint64_t> vramQuotaBytes{0}; // per device; 0: none
  std::atomic<std::uint8_t> priority{static_cast<std::uint8_t>(SessionPriority::Normal)};
  std::atomic<std::uint8_t> state{static_cast<std::uint8_t>(SessionState::Starting)};

  // Activity since the session started.
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> launches{0};
  std::atomic<std::uint64_t> bytesHostToDevice{0};
  std::atomic<std::uint64_t> bytesDeviceToHost{0};
  std::array<std::atomic<std::uint64_t>, telemetry::kLatencyBuckets> latency{};
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "the table is shared between processes");

// Copies `text` into a figure's fixed field, cut to fit, always terminated.
void setFigureText(FigureText& field, std::string_view text);
std::string figureText(const FigureText& field);

class SessionRegistry {
public:
  static constexpr std::size_t kMaxSessions = 1024;

  SessionRegistry();
  ~SessionRegistry();
  SessionRegistry(const SessionRegistry&) = delete;
  SessionRegistry& operator=(const SessionRegistry&) = delete;

  // A new session's slot, its id set and every figure reset (ready false); nullptr when every
  // slot is taken. The caller writes the identity and then sets `ready`.
  SessionFigures* add();
  // Every slot, live or free, for readers (the management socket): check id and ready.
  std::span<SessionFigures> slots() { return {table_->slots, kMaxSessions}; }
  // The slot of a live session, or nullptr.
  SessionFigures* find(std::uint64_t id);
  // Frees the session's slot (its figures drop out of the totals); nothing when `id` is not live,
  // so a worker and the daemon may both remove it.
  void remove(std::uint64_t id);

  struct Totals {
    std::uint32_t sessions = 0;
    std::uint64_t deviceBytes = 0;
    std::uint64_t hostBytes = 0;
  };
  Totals totals() const;

private:
  struct Table {
    std::atomic<std::uint64_t> nextId{1};
    SessionFigures slots[kMaxSessions];
  };
  Table* table_ = nullptr;
};

} // namespace vgpu::daemon
