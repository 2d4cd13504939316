// vgpud's TCP transport: the listening socket, and the token that authenticates every TCP session
// (vgpud never serves TCP without it). The token file must hold at least 16 bytes (surrounding
// whitespace ignored) and be readable by its owner only; the token is compared in constant time.
// TCP carries no shared memory: every byte travels in frames.
#pragma once

#include "vgpu/unix_socket.h"

#include <string>
#include <string_view>

namespace vgpu::daemon {

inline constexpr std::size_t kMinTokenBytes = 16;
inline constexpr std::size_t kMaxTokenFileBytes = 4096;

// Binds and listens on HOST:PORT (numeric or resolvable; SO_REUSEADDR).
SocketResult listenTcp(const std::string& host, const std::string& port);

// Binds and listens on AF_VSOCK CID:PORT ("" CID = any). The message names the kernel's refusal
// (no vsock transport, no loopback) so a caller can say why vsock is unavailable.
SocketResult listenVsock(const std::string& cid, const std::string& port);

// False with `error` when the file is missing, too permissive, or holds too short a token.
bool readTokenFile(const std::string& path, std::string& token, std::string& error);

// Constant-time comparison (the time does not depend on where the first difference is).
bool tokensEqual(std::string_view expected, std::string_view presented);

} // namespace vgpu::daemon
