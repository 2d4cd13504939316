// vgpud's event loop: one thread polling the listening socket, the signal descriptor and each
// client connection. Clients speak the wire protocol (docs/wire-protocol.md).
#pragma once

#include "vgpu/unix_socket.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vgpu::daemon {

class Server {
public:
  explicit Server(std::string socketPath);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Creates the socket and blocks SIGTERM/SIGINT into a signalfd. False with error() on failure.
  bool start();
  // Serves until SIGTERM/SIGINT; returns the process exit code.
  int run();
  const std::string& error() const { return error_; }

private:
  struct Client {
    FileDescriptor fd;
    PeerCredentials peer;
    std::vector<std::uint8_t> input;
  };

  void acceptClient();
  // False when the client must be dropped.
  bool serviceClient(Client& client);
  bool handleFrame(Client& client, std::uint16_t call, std::uint64_t requestId,
                   const std::vector<std::uint8_t>& payload);

  std::string socketPath_;
  FileDescriptor listener_;
  FileDescriptor signals_;
  std::map<int, Client> clients_;
  std::string error_;
};

} // namespace vgpu::daemon
