// The control socket's access rule (SO_PEERCRED): root, the owner uid, or a member of the
// telemetry group, where membership counts the peer's primary gid, the supplementary groups its
// process holds (SO_PEERGROUPS) and its account's groups in the group database.
#include "vgpu/telemetry/access_control.h"

#include <algorithm>
#include <cstdlib>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include <vector>

namespace vgpu::telemetry {
namespace {

std::optional<gid_t> lookupGroup(const std::string& name) {
  std::vector<char> buffer(16384);
  group entry{};
  group* found = nullptr;
  if (getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return std::nullopt;
  }
  return found->gr_gid;
}

// True when the account `uid` lists `wanted` among its groups.
bool accountInGroup(uid_t uid, gid_t wanted) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return false;
  }
  if (found->pw_gid == wanted) {
    return true;
  }
  int count = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  if (getgrouplist(found->pw_name, found->pw_gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count));
    if (getgrouplist(found->pw_name, found->pw_gid, groups.data(), &count) < 0) {
      return false;
    }
  }
  groups.resize(static_cast<std::size_t>(count));
  for (const gid_t gid : groups) {
    if (gid == wanted) {
      return true;
    }
  }
  return false;
}

} // namespace

AccessPolicy accessPolicyFromEnvironment() {
  AccessPolicy policy;
  policy.ownerUid = ::geteuid();
  const char* configured = std::getenv("VGPU_TELEMETRY_GROUP"); // NOLINT(concurrency-mt-unsafe): read once
  policy.groupName = configured != nullptr && *configured != '\0' ? configured : "vgpu";
  policy.group = lookupGroup(policy.groupName);
  return policy;
}

bool peerAllowed(const AccessPolicy& policy, uid_t uid, gid_t gid, std::string& reason) {
  return peerAllowed(policy, uid, gid, {}, reason);
}

bool peerAllowed(const AccessPolicy& policy, uid_t uid, gid_t gid, const std::vector<gid_t>& groups,
                 std::string& reason) {
  if (uid == 0 || uid == policy.ownerUid) {
    return true;
  }
  if (!policy.group) {
    reason = "uid " + std::to_string(uid) + " is neither root nor the owner (uid " + std::to_string(policy.ownerUid) +
             ") and group '" + policy.groupName + "' does not exist";
    return false;
  }
  if (gid == *policy.group || std::find(groups.begin(), groups.end(), *policy.group) != groups.end() ||
      accountInGroup(uid, *policy.group)) {
    return true;
  }
  reason = "uid " + std::to_string(uid) + " is neither root, the owner (uid " + std::to_string(policy.ownerUid) +
           ") nor a member of group '" + policy.groupName + "'";
  return false;
}

} // namespace vgpu::telemetry
