// Creating the control socket's file in a runtime directory that other users may write to (the
// packaged /run/vgpu is 1770 root:vgpu) without a path race: no chown or chmod ever follows a name
// another user could have swapped for a symlink. The socket is bound inside a private directory
// (mkdtemp, 0700) next to its final name, given its group and mode there, and renamed into place;
// an existing name is replaced only when it is a stale socket (docs/security.md).
#pragma once

#include "vgpu/unix_socket.h"

#include <optional>
#include <string>
#include <sys/types.h>

namespace vgpu::telemetry {

// A listening socket at directory/name with mode 0660 and, when given, group `group`. `warning`
// says what could not be done without failing (the group could not be set).
SocketResult listenControlSocket(const std::string& directory, const std::string& name, std::optional<gid_t> group,
                                 std::string& warning);

} // namespace vgpu::telemetry
