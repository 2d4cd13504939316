// The session registry's shared table (see session_registry.h).
#include "session_registry.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>
#include <sys/mman.h>

namespace vgpu::daemon {
namespace {

void reset(SessionFigures& slot) {
  slot.ready.store(false);
  slot.helloDone.store(false);
  slot.deviceBytes.store(0);
  slot.hostBytes.store(0);
  slot.transport = SessionTransport::Unix;
  slot.remoteAddress = {};
  slot.peerUid = 0;
  slot.peerPid = 0;
  slot.startedMs = 0;
  slot.clientPid = 0;
  slot.clientProcess = {};
  slot.clientName = {};
  slot.deviceCount = 0;
  for (FigureDevice& device : slot.devices) {
    device.name = {};
    device.pciBusId = {};
    device.uuid = {};
    device.totalBytes = 0;
    device.usedBytes.store(0);
  }
  slot.vramQuotaBytes.store(0);
  slot.priority.store(static_cast<std::uint8_t>(SessionPriority::Normal));
  slot.state.store(static_cast<std::uint8_t>(SessionState::Starting));
  for (auto* counter : {&slot.calls, &slot.errors, &slot.launches, &slot.bytesHostToDevice, &slot.bytesDeviceToHost}) {
    counter->store(0);
  }
  for (auto& bucket : slot.latency) {
    bucket.store(0);
  }
}

} // namespace

void setFigureText(FigureText& field, std::string_view text) {
  const std::size_t length = std::min(text.size(), field.size() - 1);
  std::copy_n(text.data(), length, field.data());
  std::fill(field.begin() + static_cast<std::ptrdiff_t>(length), field.end(), '\0');
}

std::string figureText(const FigureText& field) {
  return {field.data(), ::strnlen(field.data(), field.size())};
}

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
      reset(slot);
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
    slot->ready.store(false);
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
