// A wire-protocol client that says exactly what a test (or an attacker) wants, frame by frame:
// no shim, no batching, no checks of its own. Used by the hostile-tenant and load tests.
#pragma once

#include "vgpu/unix_socket.h"
#include "vgpu/wire_codec.h"
#include "vgpu/wire_frame.h"
#include "vgpu/wire_hello.h"

#include <cstdint>
#include <string>
#include <vector>

namespace vgpu::test {

// A sanitizer build: vgpud is instrumented too, so its memory figures (shadow memory, ASan's
// quarantine of freed blocks) and its timings say nothing about vgpud's own bounds, and the
// sanitizer runtime itself needs descriptors; tests check those figures only in other builds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitizerBuild = true;
#else
inline constexpr bool kSanitizerBuild = false;
#endif

// A connected TCP socket to 127.0.0.1:port (TCP_NODELAY), or an invalid descriptor.
FileDescriptor connectLoopback(const std::string& port);
// The same from another loopback source address (127.0.0.0/8 is all loopback), so one test can be
// many peers.
FileDescriptor connectLoopbackFrom(const std::string& port, const std::string& source);
// A free loopback TCP port for a vgpud of this test process.
std::string freePort();

struct RawFrame {
  wire::Header header;
  std::vector<std::uint8_t> payload;
};

// The hello frame a client expecting `profiles` sends (token for TCP; no shared memory).
std::vector<std::uint8_t> helloFrame(const std::vector<std::string>& profiles, const std::string& token,
                                     std::uint64_t sharedMemoryBytes = 0, std::uint64_t requestId = 1);
// A frame whose payload is the given fields in order.
template <typename... Values>
std::vector<std::uint8_t> callFrame(wire::Call call, std::uint64_t requestId, std::uint32_t flags, Values... values) {
  std::vector<std::uint8_t> payload;
  wire::Writer writer(payload);
  (writer.put(values), ...);
  std::vector<std::uint8_t> out;
  wire::appendFrame(out, call, requestId, flags, payload);
  return out;
}

// Sends `frame` in one message carrying `count` fresh memfd descriptors (SCM_RIGHTS), as a client
// abusing the Unix transport would.
bool sendWithDescriptors(int fd, const std::vector<std::uint8_t>& frame, int count);
// Sends `frame` in one message carrying `descriptor` (SCM_RIGHTS; the caller keeps its copy).
bool sendWithDescriptor(int fd, const std::vector<std::uint8_t>& frame, int descriptor);
// Reads one frame within `timeoutMs`; false on EOF, error or timeout.
bool readFrame(int fd, RawFrame& frame, int timeoutMs = 5000);
// True when the peer closes the connection within `timeoutMs` (whatever it sent before is read
// and counted into `bytesBefore`).
bool closedWithin(int fd, int timeoutMs, std::size_t* bytesBefore = nullptr);
// Sends the hello and reads its reply; true when the reply is a Hello (not an Error).
bool hello(int fd, const std::vector<std::string>& profiles, const std::string& token, std::string* error = nullptr);
// A synchronous call: the CUresult and the fields after it; -1 when the connection failed.
int call(int fd, const std::vector<std::uint8_t>& frame, std::vector<std::uint8_t>* fields = nullptr);

// vgpud's resident memory (VmRSS, KiB) and open descriptors, from /proc.
long residentKiB(pid_t pid);
int openDescriptors(pid_t pid);
// User plus system CPU time of a process, in seconds.
double cpuSeconds(pid_t pid);

// Raises this process's open-file soft limit to `wanted` (or the hard limit).
void raiseOpenFileLimit(unsigned long wanted);

} // namespace vgpu::test
