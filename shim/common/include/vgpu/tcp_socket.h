// TCP client connections (the remote backend's tcp: endpoints, the doctor's reachability check).
#pragma once

#include "vgpu/unix_socket.h"

#include <string>

namespace vgpu {

// Connects to HOST:PORT (a bracketed IPv6 host allowed; names resolved with getaddrinfo), trying
// every address, each connect bounded by `timeoutMilliseconds`; TCP_NODELAY set (small frames must
// not wait). On failure the message says why (resolution or the last connect error).
SocketResult connectTcp(const std::string& address, int timeoutMilliseconds);

} // namespace vgpu
