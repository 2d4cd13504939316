// The driver's error log, bounded (driver_log.h).
#include "driver_log.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

// The handle cuLogsRegisterCallback gives out (cuda.h declares the type, the driver defines it).
struct CUlogsCallbackEntry_st {
  CUlogsCallback callback = nullptr;
  void* userData = nullptr;
};

namespace vgpu::cuda::driver_log {
namespace {

struct Entry {
  CUlogIterator sequence = 0;
  CUlogLevel level = CU_LOG_LEVEL_ERROR;
  std::string text;
};

struct Log {
  std::mutex mutex;
  std::deque<Entry> entries;
  std::size_t bytes = 0;
  CUlogIterator next = 0; // the sequence number the next message gets
  std::vector<std::unique_ptr<CUlogsCallbackEntry_st>> callbacks;
};

// Created at the first use, never destroyed: CUDA libraries call the driver from exit handlers.
Log& log() {
  static Log* instance = new Log;
  return *instance;
}

// A callback that logs through the shim (it calls back into CUDA) must not be called again from
// inside itself.
thread_local bool inCallback = false;

void fromShimLog(vgpu::log::Level level, std::string_view component, std::string_view message) {
  std::string text;
  text.reserve(component.size() + 2 + message.size());
  text.append(component).append(": ").append(message);
  record(level == vgpu::log::Level::Error ? CU_LOG_LEVEL_ERROR : CU_LOG_LEVEL_WARNING, text);
}

// The first kept message at or after `from` (null: the oldest), and how many before it were lost.
std::size_t firstFrom(const Log& state, const CUlogIterator* from, std::size_t& lost) {
  lost = 0;
  if (from == nullptr || state.entries.empty()) {
    return 0;
  }
  const CUlogIterator oldest = state.entries.front().sequence;
  if (*from < oldest) {
    lost = oldest - *from;
    return 0;
  }
  return std::min<std::size_t>(*from - oldest, state.entries.size());
}

std::string lostLine(std::size_t lost, const char* why) {
  return "vgpu: " + std::to_string(lost) + " earlier log message(s) " + why + "\n";
}

} // namespace

void start() {
  log();
  vgpu::log::setSink(&fromShimLog);
}

void record(CUlogLevel level, std::string_view text) {
  Entry entry;
  entry.level = level;
  entry.text.assign(text.substr(0, kMaxMessageBytes));
  std::vector<CUlogsCallbackEntry_st> callbacks;
  {
    Log& state = log();
    const std::lock_guard lock(state.mutex);
    entry.sequence = state.next++;
    state.bytes += entry.text.size() + 1;
    state.entries.push_back(entry);
    while (state.bytes > kMaxBytes && !state.entries.empty()) {
      state.bytes -= state.entries.front().text.size() + 1;
      state.entries.pop_front();
    }
    for (const auto& registered : state.callbacks) {
      callbacks.push_back(*registered);
    }
  }
  if (inCallback) {
    return;
  }
  inCallback = true;
  for (const CUlogsCallbackEntry_st& registered : callbacks) {
    std::string message = entry.text; // the callback's own copy: the signature lets it write
    registered.callback(registered.userData, level, message.data(), message.size());
  }
  inCallback = false;
}

CUresult registerCallback(CUlogsCallback callback, void* userData, CUlogsCallbackHandle* handle) {
  if (callback == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  start();
  Log& state = log();
  const std::lock_guard lock(state.mutex);
  if (state.callbacks.size() >= kMaxCallbacks) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  state.callbacks.push_back(std::make_unique<CUlogsCallbackEntry_st>(CUlogsCallbackEntry_st{callback, userData}));
  if (handle != nullptr) {
    *handle = state.callbacks.back().get();
  }
  return CUDA_SUCCESS;
}

CUresult unregisterCallback(CUlogsCallbackHandle handle) {
  Log& state = log();
  const std::lock_guard lock(state.mutex);
  const auto found = std::find_if(state.callbacks.begin(), state.callbacks.end(),
                                  [handle](const auto& registered) { return registered.get() == handle; });
  if (handle == nullptr || found == state.callbacks.end()) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  state.callbacks.erase(found);
  return CUDA_SUCCESS;
}

CUlogIterator current() {
  Log& state = log();
  const std::lock_guard lock(state.mutex);
  return state.next;
}

std::string dump(CUlogIterator* iterator) {
  Log& state = log();
  const std::lock_guard lock(state.mutex);
  std::size_t lost = 0;
  std::string text;
  const std::size_t first = firstFrom(state, iterator, lost);
  if (lost != 0) {
    text = lostLine(lost, "were overwritten");
  }
  for (std::size_t i = first; i < state.entries.size(); ++i) {
    text.append(state.entries[i].text).push_back('\n');
  }
  if (iterator != nullptr) {
    *iterator = state.next;
  }
  return text;
}

CUresult dumpToMemory(CUlogIterator* iterator, char* buffer, std::size_t* size) {
  if (buffer == nullptr || size == nullptr) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  Log& state = log();
  const std::lock_guard lock(state.mutex);
  const std::size_t room = *size == 0 ? 0 : *size - 1; // the NUL
  std::size_t lost = 0;
  const std::size_t first = firstFrom(state, iterator, lost);
  std::size_t needed = 0;
  for (std::size_t i = first; i < state.entries.size(); ++i) {
    needed += state.entries[i].text.size() + 1;
  }
  if (first == state.entries.size() && lost == 0) {
    if (*size > 0) {
      buffer[0] = '\0';
    }
    *size = 0; // nothing to dump
    if (iterator != nullptr) {
      *iterator = state.next;
    }
    return CUDA_SUCCESS;
  }
  std::size_t start = first;
  std::string head = lost != 0 ? lostLine(lost, "were overwritten") : std::string();
  if (head.size() + needed > room) {
    // The most recent messages that fit after a line saying how many were left out.
    std::size_t kept = 0;
    std::size_t keptBytes = 0;
    for (std::size_t i = state.entries.size(); i > first; --i) {
      const std::size_t bytes = state.entries[i - 1].text.size() + 1;
      const std::string line = lostLine(lost + (i - 1 - first), "left out: the buffer is too small");
      if (line.size() + keptBytes + bytes > room) {
        break;
      }
      keptBytes += bytes;
      ++kept;
    }
    if (kept == 0) {
      *size = 0;
      return CUDA_ERROR_INVALID_VALUE;
    }
    start = state.entries.size() - kept;
    head = lostLine(lost + (start - first), "left out: the buffer is too small");
  }
  std::size_t used = 0;
  std::memcpy(buffer, head.data(), head.size());
  used += head.size();
  for (std::size_t i = start; i < state.entries.size(); ++i) {
    const std::string& text = state.entries[i].text;
    std::memcpy(buffer + used, text.data(), text.size());
    used += text.size();
    buffer[used++] = '\n';
  }
  buffer[used] = '\0';
  *size = used;
  if (iterator != nullptr) {
    *iterator = state.next;
  }
  return CUDA_SUCCESS;
}

} // namespace vgpu::cuda::driver_log
