// TCP listening socket and token-file handling for vgpud.
#include "tcp_transport.h"

#include "vgpu/bounded_file.h"

#include <cerrno>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <linux/vm_sockets.h>
#include <vector>

namespace vgpu::daemon {

SocketResult listenTcp(const std::string& host, const std::string& port) {
  SocketResult result;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* addresses = nullptr;
  if (const int status = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &addresses); status != 0) {
    result.message = "cannot resolve tcp:" + host + ":" + port + ": " + ::gai_strerror(status);
    return result;
  }
  for (addrinfo* address = addresses; address != nullptr; address = address->ai_next) {
    FileDescriptor fd(::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, address->ai_protocol));
    if (!fd.valid()) {
      result.error = errno;
      continue;
    }
    const int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd.get(), address->ai_addr, address->ai_addrlen) == 0 && ::listen(fd.get(), 64) == 0) {
      result.fd = std::move(fd);
      break;
    }
    result.error = errno;
  }
  ::freeaddrinfo(addresses);
  if (!result.fd.valid()) {
    result.message = "cannot listen on tcp:" + host + ":" + port + ": " + std::system_category().message(result.error);
  }
  return result;
}

SocketResult listenVsock(const std::string& cid, const std::string& port) {
  SocketResult result;
  sockaddr_vm address{};
  address.svm_family = AF_VSOCK;
  address.svm_cid = cid.empty() ? VMADDR_CID_ANY : static_cast<unsigned int>(std::stoul(cid));
  address.svm_port = static_cast<unsigned int>(std::stoul(port));
  FileDescriptor fd(::socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid() || ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd.get(), 64) != 0) {
    result.error = errno;
    result.message = "cannot listen on vsock:" + (cid.empty() ? std::string("any") : cid) + ":" + port + ": " +
                     std::system_category().message(result.error);
    return result;
  }
  result.fd = std::move(fd);
  return result;
}

bool readTokenFile(const std::string& path, std::string& token, std::string& error) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    error = "cannot read token file " + path + ": " + std::system_category().message(errno);
    return false;
  }
  if ((info.st_mode & 077) != 0) {
    error = "token file " + path + " is readable by group or others (chmod 600 it)";
    return false;
  }
  const BoundedRead file = readBoundedFile(path, kMaxTokenFileBytes);
  if (!file.ok) {
    error = "cannot read token file " + path + ": " + file.error;
    return false;
  }
  const std::string& text = file.text;
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  token = first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
  if (token.size() < kMinTokenBytes) {
    error = "token file " + path + " must hold at least " + std::to_string(kMinTokenBytes) + " bytes";
    return false;
  }
  return true;
}

bool tokensEqual(std::string_view expected, std::string_view presented) {
  unsigned difference = expected.size() == presented.size() ? 0u : 1u;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const char other = i < presented.size() ? presented[i] : '\0';
    difference |= static_cast<unsigned>(static_cast<unsigned char>(expected[i]) ^ static_cast<unsigned char>(other));
  }
  return difference == 0;
}

} // namespace vgpu::daemon
