// Registries of the driver objects handed to applications (contexts, streams, events, modules,
// functions, graphs, ...). A handle is the address of an object the registry owns. Objects are
// never freed while the process runs: a destroyed object stays as a tombstone, so a stale handle
// is recognised (and its address never reused by a new object) and a foreign value is simply not
// found. Lookups validate before anything is dereferenced.
//
// Lookups take no lock. A launch looks handles up four times (function twice, context, and the
// function again as the operation runs); with a mutex each lookup was a locked cmpxchg and a
// locked xchg as soon as the process had a second thread (glibc elides them only while a process
// is single-threaded). The telemetry thread makes every shim process multi-threaded, so those
// locks were most of what VGPU_TELEMETRY=on seemed to cost (docs/performance.md, "Telemetry
// overhead"), and every multi-threaded application paid them with telemetry off too. Since
// nothing is ever removed, the index is an insert-only open-addressing table of entry pointers:
// writers (add, destroy) still serialise on the mutex; a reader loads the current table and probes
// it with acquire loads. A full table is replaced by one twice its size; the old one is kept until
// the registry is destroyed, since a reader may still be probing it (it holds every entry added
// before the swap, and an entry's liveness is shared by both tables).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace vgpu::cuda {

template <typename T> class HandleRegistry {
public:
  // Takes ownership; returns the handle (the object's address).
  T* add(std::unique_ptr<T> object) {
    T* raw = object.get();
    const std::lock_guard lock(mutex_);
    auto entry = std::make_unique<Entry>(std::move(object));
    Table* table = table_.load(std::memory_order_relaxed);
    if (table == nullptr || (entries_.size() + 1) * 2 > table->slots.size()) {
      table = grow(table == nullptr ? kInitialSlots : table->slots.size() * 2);
    }
    insert(*table, entry.get());
    entries_.push_back(std::move(entry));
    return raw;
  }

  // The live object for a handle value, or nullptr for unknown and destroyed handles.
  T* find(const void* handle) const {
    const Entry* entry = lookup(handle);
    return entry != nullptr && entry->alive.load(std::memory_order_acquire) ? entry->object.get() : nullptr;
  }

  // True when the handle was issued by this registry and has been destroyed since.
  bool isDestroyed(const void* handle) const {
    const Entry* entry = lookup(handle);
    return entry != nullptr && !entry->alive.load(std::memory_order_acquire);
  }

  // Marks the object destroyed; false if it was unknown or already destroyed (a double destroy).
  bool destroy(const void* handle) {
    const std::lock_guard lock(mutex_);
    Entry* entry = lookup(handle);
    if (entry == nullptr || !entry->alive.load(std::memory_order_relaxed)) {
      return false;
    }
    entry->alive.store(false, std::memory_order_release);
    return true;
  }

  template <typename F> void forEachLive(F&& fn) const {
    const std::lock_guard lock(mutex_);
    for (const auto& entry : entries_) {
      if (entry->alive.load(std::memory_order_relaxed)) {
        fn(*entry->object);
      }
    }
  }

private:
  struct Entry {
    explicit Entry(std::unique_ptr<T> owned) : handle(owned.get()), object(std::move(owned)) {}
    const void* handle;
    std::unique_ptr<T> object;
    std::atomic<bool> alive{true};
  };
  // At most half full, so every probe ends at an empty slot.
  struct Table {
    explicit Table(std::size_t size) : slots(size) {}
    std::vector<std::atomic<Entry*>> slots; // size a power of two
  };
  static constexpr std::size_t kInitialSlots = 16;

  // Fibonacci hashing: handles are heap addresses, aligned to 16 and clustered, so their low bits
  // alone would collide.
  static std::size_t slotOf(const void* handle, std::size_t size) {
    const std::uint64_t mixed =
        static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(handle)) * std::uint64_t{0x9E3779B97F4A7C15};
    return static_cast<std::size_t>(mixed >> 32) & (size - 1);
  }

  Entry* lookup(const void* handle) const {
    const Table* table = table_.load(std::memory_order_acquire);
    if (table == nullptr) {
      return nullptr;
    }
    const std::size_t size = table->slots.size();
    for (std::size_t slot = slotOf(handle, size);; slot = (slot + 1) & (size - 1)) {
      Entry* entry = table->slots[slot].load(std::memory_order_acquire);
      if (entry == nullptr || entry->handle == handle) {
        return entry;
      }
    }
  }

  // Under the mutex. Readers see an entry once its slot is stored (release): the object it owns
  // was constructed before.
  static void insert(Table& table, Entry* entry) {
    const std::size_t size = table.slots.size();
    std::size_t slot = slotOf(entry->handle, size);
    while (table.slots[slot].load(std::memory_order_relaxed) != nullptr) {
      slot = (slot + 1) & (size - 1);
    }
    table.slots[slot].store(entry, std::memory_order_release);
  }

  // Under the mutex: a table of `size` slots holding every entry, published for readers.
  Table* grow(std::size_t size) {
    auto table = std::make_unique<Table>(size);
    for (const auto& entry : entries_) {
      insert(*table, entry.get());
    }
    Table* raw = table.get();
    tables_.push_back(std::move(table));
    table_.store(raw, std::memory_order_release);
    return raw;
  }

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_; // in the order added; owns the objects
  std::vector<std::unique_ptr<Table>> tables_;  // every table published; the last is current
  std::atomic<Table*> table_{nullptr};
};

} // namespace vgpu::cuda
