// The session registry's shared table (see session_registry.h).
#include "session_registry.h"

#include <new>
#include <stdexcept>
#include <sys/mman.h>

namespace vgpu::daemon {

SessionRegistry::SessionRegistry() {
  void* mapping = ::mmap(nullptr, sizeof(Table), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) {
    throw std::runtime_error("vgpud: cannot map the session table");
  }
  table_ = new (mapping) Table();
}

SessionRegistry::~SessionRegistry() {
  table_->~Table();
  ::munmap(table_, sizeof(Table));
}

SessionFigures* SessionRegistry::add() {
  const std::uint64_t id = table_->nextId.fetch_add(1);
  for (SessionFigures& slot : table_->slots) {
    std::uint64_t expected = 0;
    if (slot.id.compare_exchange_strong(expected, id)) {
      slot.deviceBytes.store(0);
      slot.hostBytes.store(0);
      return &slot;
    }
  }
  return nullptr;
}

SessionFigures* SessionRegistry::find(std::uint64_t id) {
  for (SessionFigures& slot : table_->slots) {
    if (id != 0 && slot.id.load() == id) {
      return &slot;
    }
  }
  return nullptr;
}

void SessionRegistry::remove(std::uint64_t id) {
  if (SessionFigures* slot = find(id)) {
    slot->deviceBytes.store(0);
    std::uint64_t expected = id;
    slot->id.compare_exchange_strong(expected, 0);
  }
}

SessionRegistry::Totals SessionRegistry::totals() const {
  Totals totals;
  for (const SessionFigures& slot : table_->slots) {
    if (slot.id.load() != 0) {
      ++totals.sessions;
      totals.deviceBytes += slot.deviceBytes.load();
      totals.hostBytes += slot.hostBytes.load();
    }
  }
  return totals;
}

} // namespace vgpu::daemon
