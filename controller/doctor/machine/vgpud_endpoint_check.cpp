// shim.vgpud-endpoint: one Version request over the socket the shims would use, with the shims'
// own configuration loader and wire-frame code, so the doctor and the shims agree on the endpoint
// and the protocol. The socket path is used as written in shim.conf (the shims on this machine
// connect to it as is); VGPU_BACKEND / VGPU_ENDPOINT in ollama.service's environment override it,
// as they do for the shims loaded there. Send and receive time out, so a daemon that accepts but never answers
// makes the check fail instead of hanging the doctor.
#include "doctor/machine/vgpud_endpoint_check.h"

#include "doctor/machine/service_shim_config.h"
#include "doctor/machine/vgpud_connect.h"
#include "vgpu/device/shim_config.h"
#include "vgpu/unix_socket.h"
#include "vgpu/version.h"
#include "vgpu/wire_frame.h"

#include <QFileInfo>

#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>

namespace vgpu::controller::doctor {

namespace {

constexpr int kTimeoutSeconds = 2;

QString fromStd(std::string_view text) {
  return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

void setTimeouts(int fd) {
  const timeval timeout{kTimeoutSeconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

QString errnoText() {
  return qt_error_string(errno);
}

CheckResult mismatch(const QString& endpoint, const QString& what) {
  CheckResult result = CheckResult::fail(QStringLiteral("vgpud at %1 speaks another protocol: %2").arg(endpoint, what));
  result.remedy = Remedy{QStringLiteral("Install vgpud and the shims from the same vgpu release (this doctor speaks "
                                        "wire protocol %1, vgpu %2), then restart vgpud.")
                             .arg(wire::kProtocolVersion)
                             .arg(QStringLiteral(VGPU_VERSION_STRING)),
                         std::nullopt};
  return result;
}

CheckResult unreachable(const QString& endpoint, const QString& configPath, const QString& why) {
  CheckResult result = CheckResult::fail(QStringLiteral("vgpud unreachable at %1: %2").arg(endpoint, why));
  result.remedy = Remedy{QStringLiteral("Start vgpud listening on %1 (vgpud --listen %1), or fix endpoint= in %2 to "
                                        "the socket vgpud listens on. Until vgpud answers, the shims present no GPU "
                                        "and Ollama runs on the CPU.")
                             .arg(endpoint, configPath),
                         std::nullopt};
  return result;
}

// Sends one Version request on `fd` and judges the reply.
CheckResult askVersion(int fd, const QString& endpoint, const QString& configPath) {
  setTimeouts(fd);
  const std::vector<std::uint8_t> request = wire::makeFrame(wire::Call::Version, 1, {});
  if (!writeAll(fd, request)) {
    return unreachable(endpoint, configPath, QStringLiteral("sending the version request: %1").arg(errnoText()));
  }
  std::vector<std::uint8_t> headerBytes(wire::kHeaderSize);
  if (!readAll(fd, headerBytes)) {
    return unreachable(endpoint, configPath,
                       errno == 0 ? QStringLiteral("it closed the connection without answering")
                                  : QStringLiteral("no answer to the version request: %1").arg(errnoText()));
  }
  wire::Header header;
  const wire::DecodeStatus status = wire::decodeHeader(headerBytes, header);
  if (status != wire::DecodeStatus::Ok) {
    return mismatch(endpoint, fromStd(wire::describe(status)));
  }
  std::vector<std::uint8_t> payload(header.payloadLength);
  if (!readAll(fd, payload)) {
    return unreachable(endpoint, configPath, QStringLiteral("the reply was cut short"));
  }
  if (header.call == static_cast<std::uint16_t>(wire::Call::Error)) {
    wire::ErrorReply error;
    const bool decoded = wire::decodeErrorReply(payload, error);
    return mismatch(endpoint, QStringLiteral("it refused the version request (%1)")
                                  .arg(decoded ? fromStd(error.message) : QStringLiteral("undecodable error reply")));
  }
  wire::VersionReply reply;
  if (header.call != static_cast<std::uint16_t>(wire::Call::Version) || !wire::decodeVersionReply(payload, reply)) {
    return mismatch(endpoint, QStringLiteral("the answer is not a version reply (call %1)").arg(header.call));
  }
  if (reply.protocolVersion != wire::kProtocolVersion) {
    return mismatch(endpoint, QStringLiteral("vgpud %1 speaks protocol %2, the shims %3")
                                  .arg(fromStd(reply.daemonVersion))
                                  .arg(reply.protocolVersion)
                                  .arg(wire::kProtocolVersion));
  }
  CheckResult result = CheckResult::pass(QStringLiteral("vgpud %1 answers at %2 (wire protocol %3)")
                                             .arg(fromStd(reply.daemonVersion), endpoint)
                                             .arg(reply.protocolVersion));
  result.evidence.append({QStringLiteral("version reply"), endpoint,
                          QStringLiteral("vgpud %1, protocol %2 (this doctor: vgpu %3)")
                              .arg(fromStd(reply.daemonVersion))
                              .arg(reply.protocolVersion)
                              .arg(QStringLiteral(VGPU_VERSION_STRING))});
  return result;
}

} // namespace

CheckResult checkVgpudEndpoint(const DoctorContext& context) {
  if (context.shimDir.isEmpty()) {
    return CheckResult::skip(QStringLiteral("the shim was not examined"));
  }
  const device::ConfigLoad load = loadServiceShimConfig(context);
  const QString configPath = QStringLiteral("/etc/vgpu/shim.conf");
  // Only an explicit backend = sim needs no daemon (shim.backend fails that for Ollama); with no
  // backend configured the shims use vgpud, so an unreachable one is a failure, not a skip.
  if (device::simulatedExplicitly(load.config)) {
    return CheckResult::skip(
        QStringLiteral("the shims use the simulated backend (backend=sim from %1): there is no vgpud endpoint to "
                       "reach")
            .arg(backendSettingOrigin(context, load)));
  }
  const QString endpoint = QString::fromStdString(load.config.endpoint);
  const Evidence configEvidence{
      QStringLiteral("shim configuration"), configPath,
      QStringLiteral("backend=%1 endpoint=%2%3")
          .arg(fromStd(device::describeBackend(load.config)), endpoint,
               load.fileFound ? QString() : QStringLiteral(" (%1 does not exist: defaults)").arg(configPath))};
  CheckResult result;
  // The configuration parser accepted the endpoint: unix:PATH, tcp:HOST:PORT or vsock:CID:PORT.
  // Version is answered before any authentication, so network endpoints are checked the same way.
  const SocketResult connection = connectVgpudEndpoint(endpoint, kTimeoutSeconds * 1000);
  result = connection.fd.valid() ? askVersion(connection.fd.get(), endpoint, configPath)
                                 : unreachable(endpoint, configPath, QString::fromStdString(connection.message));
  result.evidence.prepend(configEvidence);
  appendConfigProblems(result, load);
  return result;
}

} // namespace vgpu::controller::doctor
