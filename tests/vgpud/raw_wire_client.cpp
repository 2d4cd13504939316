// The raw wire client's socket and frame helpers.
#include "raw_wire_client.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sstream>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vgpu::test {

FileDescriptor connectLoopback(const std::string& port) {
  return connectLoopbackFrom(port, "127.0.0.1");
}

FileDescriptor connectLoopbackFrom(const std::string& port, const std::string& source) {
  FileDescriptor fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in local{};
  local.sin_family = AF_INET;
  if (::inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1 ||
      ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    return {};
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(std::stoi(port)));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (!fd.valid() || ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return {};
  }
  const int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

std::string freePort() {
  FileDescriptor fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  return std::to_string(ntohs(address.sin_port));
}

std::vector<std::uint8_t> helloFrame(const std::vector<std::string>& profiles, const std::string& token,
                                     std::uint64_t sharedMemoryBytes, std::uint64_t requestId) {
  wire::HelloRequest request;
  request.minVersion = wire::kMinProtocolVersion;
  request.maxVersion = wire::kProtocolVersion;
  request.processId = static_cast<std::uint32_t>(::getpid());
  request.clientName = "raw-wire-client";
  request.sharedMemoryBytes = sharedMemoryBytes;
  request.token = token;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    wire::ExpectedDevice device;
    device.profileKey = profiles[i];
    device.pciBusId = "0000:00:0" + std::to_string(5 + i % 4) + ".0";
    device.uuid[0] = static_cast<std::uint8_t>(i);
    request.devices.push_back(device);
  }
  std::vector<std::uint8_t> out;
  wire::appendFrame(out, wire::Call::Hello, requestId, 0, wire::encodeHello(request));
  return out;
}

namespace {

bool waitReadable(int fd, int timeoutMs) {
  pollfd entry{fd, POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&entry, 1, timeoutMs);
  } while (ready < 0 && errno == EINTR);
  return ready > 0;
}

bool readExactly(int fd, std::uint8_t* data, std::size_t size, int timeoutMs) {
  std::size_t done = 0;
  while (done < size) {
    if (!waitReadable(fd, timeoutMs)) {
      return false;
    }
    const ssize_t n = ::recv(fd, data + done, size - done, 0);
    if (n <= 0) {
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

} // namespace

namespace {
bool sendWithAll(int fd, const std::vector<std::uint8_t>& frame, const std::vector<int>& descriptors) {
  const std::size_t bytes = descriptors.size() * sizeof(int);
  std::vector<char> control(CMSG_SPACE(bytes), 0);
  iovec vector{const_cast<std::uint8_t*>(frame.data()), frame.size()};
  msghdr message{};
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  message.msg_control = control.data();
  message.msg_controllen = control.size();
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(bytes);
  std::memcpy(CMSG_DATA(header), descriptors.data(), bytes);
  return ::sendmsg(fd, &message, MSG_NOSIGNAL) == static_cast<ssize_t>(frame.size());
}
} // namespace

bool sendWithDescriptors(int fd, const std::vector<std::uint8_t>& frame, int count) {
  std::vector<int> descriptors;
  for (int i = 0; i < count; ++i) {
    descriptors.push_back(::memfd_create("raw-wire-client", MFD_CLOEXEC));
  }
  const bool sent = sendWithAll(fd, frame, descriptors);
  for (const int descriptor : descriptors) {
    ::close(descriptor);
  }
  return sent;
}

bool sendWithDescriptor(int fd, const std::vector<std::uint8_t>& frame, int descriptor) {
  return sendWithAll(fd, frame, {descriptor});
}

bool readFrame(int fd, RawFrame& frame, int timeoutMs) {
  std::uint8_t header[wire::kHeaderSize];
  if (!readExactly(fd, header, sizeof header, timeoutMs) ||
      wire::decodeHeader(header, frame.header) != wire::DecodeStatus::Ok) {
    return false;
  }
  frame.payload.resize(frame.header.payloadLength);
  return readExactly(fd, frame.payload.data(), frame.payload.size(), timeoutMs);
}

bool closedWithin(int fd, int timeoutMs, std::size_t* bytesBefore) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  std::size_t total = 0;
  std::uint8_t buffer[4096];
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !waitReadable(fd, static_cast<int>(left.count()))) {
      return false;
    }
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      if (bytesBefore != nullptr) {
        *bytesBefore = total;
      }
      return true;
    }
    total += static_cast<std::size_t>(n);
  }
}

bool hello(int fd, const std::vector<std::string>& profiles, const std::string& token, std::string* error) {
  if (!writeAll(fd, helloFrame(profiles, token))) {
    return false;
  }
  RawFrame reply;
  if (!readFrame(fd, reply)) {
    return false;
  }
  if (reply.header.call == static_cast<std::uint16_t>(wire::Call::Error)) {
    wire::ErrorReply decoded;
    wire::decodeErrorReply(reply.payload, decoded);
    if (error != nullptr) {
      *error = decoded.message;
    }
    return false;
  }
  return reply.header.call == static_cast<std::uint16_t>(wire::Call::Hello);
}

int call(int fd, const std::vector<std::uint8_t>& frame, std::vector<std::uint8_t>* fields) {
  RawFrame reply;
  if (!writeAll(fd, frame) || !readFrame(fd, reply) || reply.payload.size() < 4) {
    return -1;
  }
  std::int32_t result = 0;
  std::memcpy(&result, reply.payload.data(), sizeof result);
  if (fields != nullptr) {
    fields->assign(reply.payload.begin() + 4, reply.payload.end());
  }
  return result;
}

long residentKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

int openDescriptors(pid_t pid) {
  int count = 0;
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    ++count;
  }
  return count;
}

double cpuSeconds(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  char buffer[1024] = {};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const ssize_t n = fd >= 0 ? ::read(fd, buffer, sizeof buffer - 1) : -1;
  if (fd >= 0) {
    ::close(fd);
  }
  const std::string text(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
  const auto close = text.rfind(')');
  if (close == std::string::npos) {
    return -1;
  }
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) { // state .. cmajflt: fields 3..13
    fields >> skip;
  }
  unsigned long user = 0;
  unsigned long system = 0;
  fields >> user >> system;
  return static_cast<double>(user + system) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void raiseOpenFileLimit(unsigned long wanted) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, wanted);
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

} // namespace vgpu::test
