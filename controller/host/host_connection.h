// HostConnection: a blocking request/reply session with vgpud's admin socket for command-line
// tools (vgpuctl host, vgpuctl metrics --host); no event loop needed. open() connects and says
// hello (with the token over TCP); snapshot() and action() send one request and wait for its
// reply, skipping samples of a subscription. Every failure keeps a text that says what to do next
// and a kind, so tools can choose their exit code.
#pragma once

#include "host/host_decoder.h"
#include "host/host_endpoint.h"

#include <chrono>
#include <memory>

namespace vgpu::controller::host {

class AdminSocket;

enum class HostFailure {
  None,
  Unreachable, // no socket, nothing listening, permission denied on the socket, timeout, closed
  Refused,     // vgpud answered "refused" (not an admin, or a wrong token)
  Protocol,    // a reply this client cannot read
  Server,      // vgpud answered an error to the request (serverError() says which)
};

class HostConnection {
public:
  struct Options {
    HostEndpoint endpoint;
    std::optional<QString> token;            // sent in hello (mandatory for TCP)
    std::chrono::milliseconds timeout{5000}; // per wait
  };

  explicit HostConnection(Options options);
  ~HostConnection();
  HostConnection(const HostConnection&) = delete;
  HostConnection& operator=(const HostConnection&) = delete;

  // Connects and exchanges hello; false with failure()/errorText().
  bool open();
  bool isOpen() const;
  void close();
  const std::optional<HostHello>& hello() const { return hello_; }

  std::optional<HostSample> snapshot();
  // Sends `request` (which carries "cmd") and waits for the ok or error naming that command.
  std::optional<HostOk> action(const QJsonObject& request);
  // Sends `request` and returns the next reply that is not a sample (or a sample when
  // `wantSample`); for callers that speak requests this class does not wrap.
  std::optional<HostDecodedLine> exchange(const QJsonObject& request, bool wantSample);

  HostFailure failure() const { return failure_; }
  const QString& errorText() const { return error_; }
  const std::optional<HostServerError>& serverError() const { return serverError_; }

private:
  bool fail(HostFailure kind, const QString& text);
  std::optional<HostDecodedLine> nextReply(bool wantSample);

  Options options_;
  std::unique_ptr<AdminSocket> socket_;
  std::optional<HostHello> hello_;
  HostFailure failure_ = HostFailure::None;
  QString error_;
  std::optional<HostServerError> serverError_;
};

// Builds the action requests of the protocol.
QJsonObject setQuotaRequest(std::uint64_t session, std::uint64_t vramQuotaBytes);
QJsonObject setPriorityRequest(std::uint64_t session, const QString& priority);
QJsonObject drainRequest(std::uint64_t session);
QJsonObject killRequest(std::uint64_t session);

} // namespace vgpu::controller::host
