// One Version request to vgpud (vgpud_probe.h), with the shims' own socket and frame code.
#include "vgpu/vgpud_probe.h"

#include "vgpu/tcp_socket.h"
#include "vgpu/unix_socket.h"
#include "vgpu/wire_frame.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <system_error>
#include <vector>

namespace vgpu {
namespace {

std::string errnoText() {
  return std::system_category().message(errno);
}

} // namespace

bool vgpudAnswers(const std::string& endpoint, int timeoutMilliseconds, std::string& error) {
  constexpr std::string_view kUnix = "unix:";
  constexpr std::string_view kTcp = "tcp:";
  constexpr std::string_view kVsock = "vsock:";
  SocketResult connected;
  if (endpoint.rfind(kUnix, 0) == 0) {
    connected = connectUnix(endpoint.substr(kUnix.size()));
  } else if (endpoint.rfind(kTcp, 0) == 0) {
    connected = connectTcp(endpoint.substr(kTcp.size()), timeoutMilliseconds);
  } else if (endpoint.rfind(kVsock, 0) == 0) {
    connected = connectVsock(endpoint.substr(kVsock.size()), timeoutMilliseconds);
  } else {
    error = "endpoint '" + endpoint + "': unix:PATH, tcp:HOST:PORT or vsock:CID:PORT";
    return false;
  }
  if (!connected.fd.valid()) {
    error = "cannot reach vgpud at " + endpoint + ": " + connected.message;
    return false;
  }
  const int fd = connected.fd.get();
  // A daemon that accepts but never answers must not hang the caller's nvmlInit.
  const timeval limit{timeoutMilliseconds / 1000, static_cast<suseconds_t>(timeoutMilliseconds % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  if (!writeAll(fd, wire::makeFrame(wire::Call::Version, 1, {}))) {
    error = "cannot reach vgpud at " + endpoint + ": sending the version request: " + errnoText();
    return false;
  }
  std::vector<std::uint8_t> headerBytes(wire::kHeaderSize);
  errno = 0;
  if (!readAll(fd, headerBytes)) {
    error = "cannot reach vgpud at " + endpoint + ": " +
            (errno == 0 ? std::string("it closed the connection without answering")
                        : "no answer to the version request: " + errnoText());
    return false;
  }
  wire::Header header;
  if (const wire::DecodeStatus status = wire::decodeHeader(headerBytes, header); status != wire::DecodeStatus::Ok) {
    error = "vgpud at " + endpoint + " speaks another protocol: " + std::string(wire::describe(status));
    return false;
  }
  std::vector<std::uint8_t> payload(header.payloadLength);
  wire::VersionReply reply;
  if (!readAll(fd, payload) || header.call != static_cast<std::uint16_t>(wire::Call::Version) ||
      !wire::decodeVersionReply(payload, reply) || reply.protocolVersion != wire::kProtocolVersion) {
    error =
        "vgpud at " + endpoint + " gave no version reply of wire protocol " + std::to_string(wire::kProtocolVersion);
    return false;
  }
  return true;
}

} // namespace vgpu
