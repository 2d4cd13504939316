// Session priority levels: parsing, resolution by peer uid, and the CPU and stream levers.
#include "session_priority.h"

#include "vgpu/log.h"

#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace vgpu::daemon {
namespace {

struct LevelEntry {
  std::string_view name;
  SessionPriority level;
  int niceOffset; // relative to the daemon's own nice value
};
constexpr std::array kLevels = {LevelEntry{"high", SessionPriority::High, -5},
                                LevelEntry{"normal", SessionPriority::Normal, 0},
                                LevelEntry{"low", SessionPriority::Low, 10}};

const LevelEntry& entryFor(SessionPriority level) {
  for (const LevelEntry& entry : kLevels) {
    if (entry.level == level) {
      return entry;
    }
  }
  return kLevels[1];
}

int threadNice(pid_t tid) {
  errno = 0;
  const int value = ::getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
  return errno == 0 ? value : 0;
}

} // namespace

bool parsePriorityLevel(std::string_view text, SessionPriority& level) {
  for (const LevelEntry& entry : kLevels) {
    if (text == entry.name) {
      level = entry.level;
      return true;
    }
  }
  return false;
}

std::string_view priorityName(SessionPriority level) {
  return entryFor(level).name;
}

std::string_view priorityWords() {
  return "high, normal or low";
}

SessionPriority PriorityPolicy::resolve(std::optional<std::uint32_t> uid) const {
  if (uid) {
    if (const auto it = byUid.find(*uid); it != byUid.end()) {
      return it->second;
    }
  }
  return defaultLevel;
}

std::string addPriorityUids(PriorityPolicy& policy, std::string_view text) {
  std::vector<std::pair<std::uint32_t, SessionPriority>> parsed;
  while (true) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const auto colon = item.find(':');
    std::uint32_t uid = 0;
    SessionPriority level = SessionPriority::Normal;
    const std::string_view uidText = item.substr(0, colon);
    const auto [end, error] = std::from_chars(uidText.data(), uidText.data() + uidText.size(), uid);
    if (colon == std::string_view::npos || uidText.empty() || error != std::errc() ||
        end != uidText.data() + uidText.size()) {
      return "bad priority-uid entry '" + std::string(item) + "': UID:LEVEL with a decimal uid and LEVEL " +
             std::string(priorityWords());
    }
    if (!parsePriorityLevel(item.substr(colon + 1), level)) {
      return "bad priority-uid entry '" + std::string(item) + "': unknown level '" +
             std::string(item.substr(colon + 1)) + "' (" + std::string(priorityWords()) + ")";
    }
    parsed.emplace_back(uid, level);
    if (comma == std::string_view::npos) {
      break;
    }
    text.remove_prefix(comma + 1);
  }
  for (const auto& [uid, level] : parsed) {
    policy.byUid[uid] = level;
  }
  return {};
}

CpuPriority applyCpuPriority(SessionPriority level) {
  const pid_t tid = ::gettid();
  const int base = threadNice(tid);
  const int offset = entryFor(level).niceOffset;
  CpuPriority result;
  result.baseNice = base;
  result.nice = base;
  if (offset == 0) {
    return result;
  }
  // The kernel clamps to -20..19; lowering the value needs CAP_SYS_NICE (or RLIMIT_NICE).
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(tid), base + offset) != 0) {
    const int failure = errno;
    result.refused = offset < 0;
    static std::atomic<bool> told{false};
    if (!told.exchange(true)) {
      log::writef(log::Level::Info, "vgpud",
                  "priority %.*s: cannot set nice %d (%s; needs CAP_SYS_NICE); sessions stay at nice %d",
                  static_cast<int>(priorityName(level).size()), priorityName(level).data(), base + offset,
                  std::strerror(failure), base);
    }
  }
  result.nice = threadNice(tid);
  return result;
}

CpuPriority changeCpuPriority(int baseNice, SessionPriority level) {
  const pid_t tid = ::gettid();
  const int wanted = baseNice + entryFor(level).niceOffset;
  CpuPriority result;
  result.baseNice = baseNice;
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(tid), wanted) != 0) {
    result.refused = true;
    log::writef(log::Level::Warn, "vgpud", "priority %.*s: cannot set nice %d (%s; needs CAP_SYS_NICE)",
                static_cast<int>(priorityName(level).size()), priorityName(level).data(), wanted, std::strerror(errno));
  }
  result.nice = threadNice(tid);
  return result;
}

int sessionStreamPriority(SessionPriority level, int requested, int least, int greatest) {
  switch (level) {
  case SessionPriority::Low: return least;
  case SessionPriority::High: return requested == 0 ? greatest : requested;
  case SessionPriority::Normal: break;
  }
  return requested;
}

} // namespace vgpu::daemon
