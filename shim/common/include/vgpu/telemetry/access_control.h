// Who may talk to a control socket: root, the process's own uid, or a member of the telemetry
// group (VGPU_TELEMETRY_GROUP, default "vgpu", when that group exists).
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vgpu::telemetry {

struct AccessPolicy {
  uid_t ownerUid = 0;
  std::optional<gid_t> group; // absent when the group does not exist
  std::string groupName;
};

AccessPolicy accessPolicyFromEnvironment();

// True when the peer may connect; otherwise `reason` says why not (for the log). A member is a peer
// whose primary gid, one of its supplementary groups (`groups`: SO_PEERGROUPS, what the process
// holds) or its account's groups in the group database is the telemetry group.
bool peerAllowed(const AccessPolicy& policy, uid_t uid, gid_t gid, const std::vector<gid_t>& groups,
                 std::string& reason);
bool peerAllowed(const AccessPolicy& policy, uid_t uid, gid_t gid, std::string& reason);

} // namespace vgpu::telemetry
