// Who may talk to a control socket: root, the process's own uid, or a member of the telemetry
// group (VGPU_TELEMETRY_GROUP, default "vgpu", when that group exists).
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

namespace vgpu::telemetry {

struct AccessPolicy {
  uid_t ownerUid = 0;
  std::optional<gid_t> group; // absent when the group does not exist
  std::string groupName;
};

AccessPolicy accessPolicyFromEnvironment();

// True when the peer may connect; otherwise `reason` says why not (for the log).
bool peerAllowed(const AccessPolicy& policy, uid_t uid, gid_t gid, std::string& reason);

} // namespace vgpu::telemetry
