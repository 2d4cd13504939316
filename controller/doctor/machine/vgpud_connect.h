// The one connect to vgpud at a guest endpoint (unix:PATH, tcp:HOST:PORT, vsock:CID:PORT) with the
// shims' own socket code, for the doctor's shim.vgpud-endpoint and the hello probe. Internal to the
// controller: its result type comes from the shims' headers, which the console does not see.
#pragma once

#include "vgpu/unix_socket.h"

#include <QString>

namespace vgpu::controller::doctor {

// The connect of tcp and vsock is bounded by `timeoutMilliseconds`.
SocketResult connectVgpudEndpoint(const QString& endpoint, int timeoutMilliseconds);

} // namespace vgpu::controller::doctor
