// Registries of the driver objects handed to applications (contexts, streams, events, modules,
// functions, graphs, ...). A handle is the address of an object the registry owns. Objects are
// never freed while the process runs: a destroyed object stays as a tombstone, so a stale handle
// is recognised (and its address never reused by a new object) and a foreign value is simply not
// found. Lookups validate before anything is dereferenced.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

namespace vgpu::cuda {

template <typename T> class HandleRegistry {
public:
  // Takes ownership; returns the handle (the object's address).
  T* add(std::unique_ptr<T> object) {
    T* raw = object.get();
    const std::lock_guard lock(mutex_);
    entries_[raw] = Entry{std::move(object), true};
    return raw;
  }

  // The live object for a handle value, or nullptr for unknown and destroyed handles.
  T* find(const void* handle) const {
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(handle);
    return it != entries_.end() && it->second.alive ? it->second.object.get() : nullptr;
  }

  // True when the handle was issued by this registry and has been destroyed since.
  bool isDestroyed(const void* handle) const {
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(handle);
    return it != entries_.end() && !it->second.alive;
  }

  // Marks the object destroyed; false if it was unknown or already destroyed (a double destroy).
  bool destroy(const void* handle) {
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(handle);
    if (it == entries_.end() || !it->second.alive) {
      return false;
    }
    it->second.alive = false;
    return true;
  }

  template <typename F> void forEachLive(F&& fn) const {
    const std::lock_guard lock(mutex_);
    for (const auto& [handle, entry] : entries_) {
      if (entry.alive) {
        fn(*entry.object);
      }
    }
  }

private:
  struct Entry {
    std::unique_ptr<T> object;
    bool alive = false;
  };
  mutable std::mutex mutex_;
  std::unordered_map<const void*, Entry> entries_;
};

} // namespace vgpu::cuda
