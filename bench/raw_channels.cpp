// Raw channel measurements: plain sockets and threads, nothing of vgpu's.
#include "raw_channels.h"

#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace vgpu::bench {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

// A connected loopback TCP pair with TCP_NODELAY on both ends, as vgpud and the shim set it.
void tcpPair(int pair[2]) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 1) != 0 || ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    die("loopback listener");
  }
  pair[0] = ::socket(AF_INET, SOCK_STREAM, 0);
  if (pair[0] < 0 || ::connect(pair[0], reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    die("loopback connect");
  }
  pair[1] = ::accept(listener, nullptr, nullptr);
  ::close(listener);
  const int on = 1;
  for (int i = 0; i < 2; ++i) {
    ::setsockopt(pair[i], IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  }
}

bool readExactly(int fd, char* buffer, std::size_t bytes) {
  std::size_t done = 0;
  while (done < bytes) {
    const ssize_t n = ::read(fd, buffer + done, bytes - done);
    if (n <= 0) {
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

double pingPong(int pair[2], int rounds) {
  std::thread echo([fd = pair[1], rounds] {
    char buffer[32];
    for (int i = 0; i < rounds; ++i) {
      if (!readExactly(fd, buffer, 32) || ::write(fd, buffer, 28) != 28) {
        return;
      }
    }
  });
  char buffer[32] = {};
  const auto start = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    if (::write(pair[0], buffer, 32) != 32 || !readExactly(pair[0], buffer, 28)) {
      die("ping-pong");
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  echo.join();
  ::close(pair[0]);
  ::close(pair[1]);
  return elapsed / rounds * 1e6;
}

} // namespace

double unixPingPongMicroseconds(int rounds) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) {
    die("socketpair");
  }
  return pingPong(pair, rounds);
}

double tcpPingPongMicroseconds(int rounds) {
  int pair[2];
  tcpPair(pair);
  return pingPong(pair, rounds);
}

double tcpBulkSeconds(std::size_t bytes) {
  int pair[2];
  tcpPair(pair);
  std::vector<char> in(bytes);
  const auto start = Clock::now();
  std::thread reader([&] {
    if (!readExactly(pair[1], in.data(), bytes)) {
      die("bulk read");
    }
  });
  std::vector<char> out(std::size_t{1} << 20, 1);
  for (std::size_t sent = 0; sent < bytes;) {
    const std::size_t chunk = std::min(out.size(), bytes - sent);
    const ssize_t n = ::write(pair[0], out.data(), chunk);
    if (n <= 0) {
      die("bulk write");
    }
    sent += static_cast<std::size_t>(n);
  }
  reader.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(pair[0]);
  ::close(pair[1]);
  return elapsed;
}

} // namespace vgpu::bench
