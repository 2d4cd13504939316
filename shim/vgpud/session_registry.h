// What vgpud knows about all of its sessions at once: which exist and how much device memory each
// holds. Only session start, end and the Status call take its lock; the data path of a session
// updates its own atomic figure and never waits on another session.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

namespace vgpu::daemon {

struct SessionFigures {
  std::atomic<std::uint64_t> deviceBytes{0}; // device memory the session holds, all devices
};

class SessionRegistry {
public:
  // A new session's id and the figures it keeps current.
  std::uint64_t add(std::shared_ptr<SessionFigures> figures);
  void remove(std::uint64_t id);

  struct Totals {
    std::uint32_t sessions = 0;
    std::uint64_t deviceBytes = 0;
  };
  Totals totals() const;

private:
  mutable std::mutex mutex_;
  std::uint64_t nextId_ = 1;
  std::map<std::uint64_t, std::shared_ptr<SessionFigures>> sessions_;
};

} // namespace vgpu::daemon
