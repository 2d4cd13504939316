// TCP client connections for the shim (remote backend) and the doctor (vgpud endpoint check).
#include "vgpu/tcp_socket.h"

#include <cerrno>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>

#include <linux/vm_sockets.h>

namespace vgpu {

// HOST:PORT (a bracketed IPv6 host allowed), connected with TCP_NODELAY (small frames must not wait).
SocketResult connectTcp(const std::string& address, int timeoutMilliseconds) {
  SocketResult result;
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    result.message = "expected tcp:HOST:PORT";
    return result;
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = address.substr(colon + 1);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  if (const int status = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &addresses); status != 0) {
    result.message = std::string("cannot resolve: ") + ::gai_strerror(status);
    return result;
  }
  for (addrinfo* entry = addresses; entry != nullptr; entry = entry->ai_next) {
    FileDescriptor fd(::socket(entry->ai_family, entry->ai_socktype | SOCK_CLOEXEC, entry->ai_protocol));
    if (!fd.valid()) {
      result.error = errno;
      continue;
    }
    // Bounds connect() too.
    timeval limit{timeoutMilliseconds / 1000, static_cast<suseconds_t>(timeoutMilliseconds % 1000) * 1000};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    if (::connect(fd.get(), entry->ai_addr, entry->ai_addrlen) == 0) {
      const int one = 1;
      ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      result.fd = std::move(fd);
      break;
    }
    result.error = errno;
  }
  ::freeaddrinfo(addresses);
  if (!result.fd.valid()) {
    result.message = std::system_category().message(result.error);
  }
  return result;
}

namespace {

bool parseNumber(const std::string& text, unsigned int& out) {
  if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  const unsigned long long value = std::stoull(text);
  if (value > 0xFFFFFFFFULL) {
    return false;
  }
  out = static_cast<unsigned int>(value);
  return true;
}

} // namespace

bool parseVsockAddress(const std::string& text, unsigned int& cid, unsigned int& port, bool cidRequired) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) {
    cid = VMADDR_CID_ANY;
    return !cidRequired && parseNumber(text, port);
  }
  return parseNumber(text.substr(0, colon), cid) && parseNumber(text.substr(colon + 1), port);
}

SocketResult connectVsock(const std::string& address, int timeoutMilliseconds) {
  SocketResult result;
  unsigned int cid = 0;
  unsigned int port = 0;
  if (!parseVsockAddress(address, cid, port, true)) {
    result.message = "expected vsock:CID:PORT";
    return result;
  }
  FileDescriptor fd(::socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    result.error = errno;
    result.message = "no vsock in this kernel: " + std::system_category().message(result.error);
    return result;
  }
  timeval limit{timeoutMilliseconds / 1000, static_cast<suseconds_t>(timeoutMilliseconds % 1000) * 1000};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  sockaddr_vm target{};
  target.svm_family = AF_VSOCK;
  target.svm_cid = cid;
  target.svm_port = port;
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) {
    result.error = errno;
    result.message = std::system_category().message(result.error);
    return result;
  }
  result.fd = std::move(fd);
  return result;
}

} // namespace vgpu
