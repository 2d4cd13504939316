// The hello probe: the guest's stub devices found with the shims' own discovery (vgpu_device), the
// token read as the shims read it, one Hello frame with the shims' wire code, and the reply's device
// snapshots. Each way it can fail is named with its remedy, as the admin sees it in the wizard.
#include "doctor/machine/vgpud_hello_probe.h"

#include "doctor/machine/vgpud_connect.h"

#include "vgpu/bounded_file.h"
#include "vgpu/device/device_discovery.h"
#include "vgpu/version.h"
#include "vgpu/wire_frame.h"
#include "vgpu/wire_hello.h"

#include <QFileInfo>

#include <cerrno>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace vgpu::controller::doctor {

namespace {

constexpr std::size_t kMaxTokenBytes = 4096;

QString fromStd(const std::string& text) {
  return QString::fromStdString(text);
}

VgpudHelloResult failed(const QString& error, const QString& remedy) {
  VgpudHelloResult result;
  result.error = error;
  result.remedy = remedy;
  return result;
}

// The stub devices the guest's shims would present, as the hello's expected devices.
std::vector<wire::ExpectedDevice> expectedDevices(const VgpudHelloRequest& request, QString* error) {
  device::ShimConfig config;
  config.sysfsRoot = request.sysfsRoot.toStdString();
  if (!request.machineIdFile.isEmpty()) {
    config.machineIdFile = request.machineIdFile.toStdString();
  }
  const device::DiscoveryResult discovery = device::discoverDevices(config);
  std::vector<wire::ExpectedDevice> expected;
  for (const device::PresentedDevice& presented : discovery.devices) {
    wire::ExpectedDevice entry;
    entry.profileKey = presented.profile->key;
    entry.pciBusId = device::formatPciAddress(presented.address);
    entry.uuid = presented.uuid;
    expected.push_back(std::move(entry));
  }
  if (expected.empty()) {
    *error = fromStd(discovery.error);
  }
  return expected;
}

VgpudHelloResult connectFailure(const QString& endpoint, const SocketResult& connection) {
  const QString what = QStringLiteral("cannot reach vgpud at %1: %2").arg(endpoint, fromStd(connection.message));
  const bool unixSocket = endpoint.startsWith(QLatin1String("unix:"));
  switch (connection.error) {
  case ENOENT:
  case ECONNREFUSED:
    return failed(what, unixSocket ? QStringLiteral("vgpud is not running, or listens on another socket: start it "
                                                    "(systemctl start vgpud) or fix the endpoint.")
                                   : QStringLiteral("vgpud is not running on the GPU host, or listens on another "
                                                    "port: start it there (systemctl start vgpud) and check its "
                                                    "--listen address."));
  case EACCES:
  case EPERM:
    return failed(what, QStringLiteral("The socket does not admit this user: vgpud admits root and the vgpud group."));
  default:
    return failed(what, QStringLiteral("No answer from the host: check that the address is right and that no "
                                       "firewall between this machine and the GPU host drops the port."));
  }
}

// Sends hello on `fd` and reads the reply frame.
VgpudHelloResult exchangeHello(int fd, const VgpudHelloRequest& request, wire::HelloRequest hello) {
  const timeval timeout{request.timeoutMilliseconds / 1000,
                        static_cast<suseconds_t>(request.timeoutMilliseconds % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  const QString& endpoint = request.endpoint;
  const QString hostLog = QStringLiteral("Look at vgpud's log on the GPU host (journalctl -u vgpud).");
  if (!writeAll(fd, wire::makeFrame(wire::Call::Hello, 1, wire::encodeHello(hello)))) {
    return failed(QStringLiteral("cannot send hello to vgpud at %1: %2").arg(endpoint, qt_error_string(errno)),
                  hostLog);
  }
  std::vector<std::uint8_t> headerBytes(wire::kHeaderSize);
  wire::Header header;
  if (!readAll(fd, headerBytes) || wire::decodeHeader(headerBytes, header) != wire::DecodeStatus::Ok) {
    return failed(QStringLiteral("vgpud at %1 did not answer hello").arg(endpoint), hostLog);
  }
  std::vector<std::uint8_t> payload(header.payloadLength);
  if (!readAll(fd, payload)) {
    return failed(QStringLiteral("vgpud at %1 cut its reply short").arg(endpoint), hostLog);
  }
  if (header.call == static_cast<std::uint16_t>(wire::Call::Error)) {
    wire::ErrorReply refused;
    wire::decodeErrorReply(payload, refused);
    const QString error = QStringLiteral("vgpud at %1 refused the session: %2").arg(endpoint, fromStd(refused.message));
    return refused.code == static_cast<std::uint32_t>(wire::ProtocolError::AuthenticationFailed)
               ? failed(error, QStringLiteral("Wrong token: the token file must hold the token vgpud on the host "
                                              "was started with (its --token-file); copy it again."))
               : failed(error, hostLog);
  }
  wire::HelloReply reply;
  if (header.call != static_cast<std::uint16_t>(wire::Call::Hello) || !wire::decodeHelloReply(payload, reply)) {
    return failed(QStringLiteral("vgpud at %1 sent a malformed hello reply").arg(endpoint),
                  QStringLiteral("Install vgpud and the shims from the same vgpu release (%1).")
                      .arg(QStringLiteral(VGPU_VERSION_STRING)));
  }
  VgpudHelloResult result;
  result.ok = true;
  result.daemonVersion = fromStd(reply.daemonVersion);
  result.backend = fromStd(reply.backend);
  for (const wire::DeviceSnapshot& snapshot : reply.devices) {
    result.devices.append({fromStd(snapshot.name), snapshot.totalMemoryBytes,
                           fromStd(device::formatGpuUuid(snapshot.uuid)), fromStd(snapshot.pciBusId),
                           snapshot.simulated});
  }
  return result;
}

} // namespace

VgpudHelloResult probeVgpudHello(const VgpudHelloRequest& request) {
  QString discoveryError;
  wire::HelloRequest hello;
  hello.minVersion = wire::kMinProtocolVersion;
  hello.maxVersion = wire::kProtocolVersion;
  hello.processId = static_cast<std::uint32_t>(::getpid());
  hello.clientName = "vgpu-console " VGPU_VERSION_STRING;
  hello.processName = "vgpu-console";
  hello.devices = expectedDevices(request, &discoveryError);
  if (hello.devices.empty()) {
    return failed(QStringLiteral("no stub GPU on this machine's PCI bus: %1").arg(discoveryError),
                  QStringLiteral("Give the VM the vgpu stub PCI device (docs/deployment.md); vgpud serves the "
                                 "devices the guest's bus presents."));
  }
  const bool networked = !request.endpoint.startsWith(QLatin1String("unix:"));
  if (networked) {
    if (request.tokenFile.isEmpty()) {
      return failed(QStringLiteral("%1 is a network endpoint: vgpud asks for its token").arg(request.endpoint),
                    QStringLiteral("Copy vgpud's token file from the GPU host to this machine and name it here."));
    }
    const BoundedRead token = readBoundedFile(request.tokenFile.toStdString(), kMaxTokenBytes);
    if (!token.ok) {
      return failed(QStringLiteral("cannot read the token file %1: %2").arg(request.tokenFile, fromStd(token.error)),
                    QStringLiteral("Name a readable regular file holding vgpud's token."));
    }
    hello.token = QString::fromStdString(token.text).trimmed().toStdString();
  }
  const SocketResult connection = connectVgpudEndpoint(request.endpoint, request.timeoutMilliseconds);
  if (!connection.fd.valid()) {
    return connectFailure(request.endpoint, connection);
  }
  return exchangeHello(connection.fd.get(), request, std::move(hello));
}

} // namespace vgpu::controller::doctor
