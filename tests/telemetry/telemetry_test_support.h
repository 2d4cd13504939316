// Helpers for the control-socket tests: the probe program as a child process driven over its
// stdin/stdout, and a line-oriented client of its control socket.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>

namespace vgpu::test {

// The environment of a probe on the one-stub fixture PCI tree (an H100 PCIe), its control socket
// in `runtimeDir`, telemetry on and no configuration file of the machine's.
std::map<std::string, std::string> probeEnvironment(const std::filesystem::path& runtimeDir);

// telemetry_probe started with the test's environment plus `overrides` (an empty value unsets).
class ProbeProcess {
public:
  explicit ProbeProcess(const std::map<std::string, std::string>& overrides);
  ~ProbeProcess();
  ProbeProcess(const ProbeProcess&) = delete;
  ProbeProcess& operator=(const ProbeProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Sends one command line and returns the answer line ("" after a timeout or EOF).
  std::string command(const std::string& line, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::string readLine(std::chrono::milliseconds timeout);
  // Sends "exit" and waits; the exit status (-1 on timeout).
  int exit();

private:
  pid_t pid_ = -1;
  int toChild_ = -1;
  int fromChild_ = -1;
  std::string buffered_;
};

class SocketClient {
public:
  explicit SocketClient(const std::string& path);
  ~SocketClient();
  SocketClient(const SocketClient&) = delete;
  SocketClient& operator=(const SocketClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  bool send(const std::string& text);
  // One line without its newline; nullopt on timeout, EOF or error (closed() tells EOF apart).
  std::optional<std::string> readLine(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool closed() const { return closed_; }

private:
  int fd_ = -1;
  bool closed_ = false;
  std::string buffered_;
};

// The first number after "\"<key>\":" in a JSON line, or nullopt.
std::optional<double> jsonNumber(const std::string& line, const std::string& key);
// The string after "\"<key>\":\"", or nullopt.
std::optional<std::string> jsonString(const std::string& line, const std::string& key);

} // namespace vgpu::test
