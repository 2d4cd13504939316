// What vgpud knows about all of its sessions at once: which exist and how much device memory each
// holds. The table lives in a shared anonymous mapping made before any session starts, so it is one
// table for session threads (backend sim) and for session worker processes forked from the daemon
// (backend cuda) alike: every session updates its own slot's atomics and never waits on another,
// and Status sums the slots. Lock-free: a slot is claimed and freed by compare-and-swap of its id.
#pragma once

#include <atomic>
#include <cstdint>

namespace vgpu::daemon {

struct SessionFigures {
  std::atomic<std::uint64_t> id{0};          // 0: the slot is free
  std::atomic<std::uint64_t> deviceBytes{0}; // device memory the session holds, all devices
  std::atomic<std::uint64_t> hostBytes{0};   // vgpud's own memory held for it: module uploads and images
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "the table is shared between processes");

class SessionRegistry {
public:
  static constexpr std::size_t kMaxSessions = 1024;

  SessionRegistry();
  ~SessionRegistry();
  SessionRegistry(const SessionRegistry&) = delete;
  SessionRegistry& operator=(const SessionRegistry&) = delete;

  // A new session's slot, its id set; nullptr when every slot is taken.
  SessionFigures* add();
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
