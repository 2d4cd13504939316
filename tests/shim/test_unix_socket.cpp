// listenUnix: the path names a listening socket from the moment it exists (it is linked into place
// after listen), a live socket is never replaced, a stale one is, and nothing else is left behind.
#include "test_paths.h"

#include "vgpu/unix_socket.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <filesystem>
#include <sys/socket.h>
#include <unistd.h>

TEST_CASE("listenUnix: the path accepts once it exists; a live socket is kept, a stale one replaced") {
  const auto dir = vgpu::test::scratchDir("unix-socket");
  const std::string path = (dir / "daemon.sock").string();

  vgpu::SocketResult first = vgpu::listenUnix(path);
  REQUIRE(first.fd.valid());
  CHECK(vgpu::connectUnix(path).fd.valid());
  // Only the socket itself: the private name it was bound under is gone.
  CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()) == 1);

  const vgpu::SocketResult second = vgpu::listenUnix(path);
  CHECK_FALSE(second.fd.valid());
  CHECK(second.error == EADDRINUSE);
  CHECK(vgpu::connectUnix(path).fd.valid()); // the first one still answers

  first.fd.reset(); // the owner died without removing its socket
  const vgpu::SocketResult third = vgpu::listenUnix(path);
  REQUIRE(third.fd.valid());
  CHECK(vgpu::connectUnix(path).fd.valid());
  CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()) == 1);
}
