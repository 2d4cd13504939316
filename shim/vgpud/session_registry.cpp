// The session registry: ids, and the daemon-wide totals the Status call reports.
#include "session_registry.h"

namespace vgpu::daemon {

std::uint64_t SessionRegistry::add(std::shared_ptr<SessionFigures> figures) {
  const std::lock_guard lock(mutex_);
  const std::uint64_t id = nextId_++;
  sessions_.emplace(id, std::move(figures));
  return id;
}

void SessionRegistry::remove(std::uint64_t id) {
  const std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

SessionRegistry::Totals SessionRegistry::totals() const {
  const std::lock_guard lock(mutex_);
  Totals totals;
  totals.sessions = static_cast<std::uint32_t>(sessions_.size());
  for (const auto& [id, figures] : sessions_) {
    totals.deviceBytes += figures->deviceBytes.load();
  }
  return totals;
}

} // namespace vgpu::daemon
