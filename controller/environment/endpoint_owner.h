// The helper's value policy for VGPU_ENDPOINT=unix:PATH (docs/security.md): the service's CUDA
// traffic goes wherever that socket leads, so vgpu-helper (as root) writes it only when the socket
// and the directories above it belong to root or vgpud's account and nobody else could put a
// socket of their own there. A caller of the helper cannot point the service at a socket they run.
#pragma once

#include "common/system_root.h"

#include <QString>

namespace vgpu::controller {

// Empty when `socketPath` (a system path) is acceptable under `root`; otherwise why not, with the
// remedy. Accepted owners: root, the account "vgpud" where it exists, and the helper's own uid
// (root under pkexec; the test user with --root).
QString checkUnixEndpointOwner(const SystemRoot& root, const QString& socketPath);

} // namespace vgpu::controller
