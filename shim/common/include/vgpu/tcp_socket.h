// Network client connections: TCP (the remote backend's tcp: endpoints, the doctor's reachability
// check) and AF_VSOCK (vsock: endpoints, the VM-to-host channel without networking).
#pragma once

#include "vgpu/unix_socket.h"

#include <string>

namespace vgpu {

// Connects to HOST:PORT (a bracketed IPv6 host allowed; names resolved with getaddrinfo), trying
// every address, each connect bounded by `timeoutMilliseconds`; TCP_NODELAY set (small frames must
// not wait). On failure the message says why (resolution or the last connect error).
SocketResult connectTcp(const std::string& address, int timeoutMilliseconds);

// Connects to CID:PORT over AF_VSOCK (CID 2 is the host seen from a VM; 1 is this machine, where
// the kernel has vsock loopback), the connect bounded by `timeoutMilliseconds`.
SocketResult connectVsock(const std::string& address, int timeoutMilliseconds);

// Parses "CID:PORT" (decimal; CID may be omitted: "PORT" = any CID, returned as VMADDR_CID_ANY).
// False for anything else.
bool parseVsockAddress(const std::string& text, unsigned int& cid, unsigned int& port, bool cidRequired);

} // namespace vgpu
