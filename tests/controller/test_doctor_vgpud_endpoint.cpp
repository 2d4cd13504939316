// The doctor's shim.vgpud-endpoint against the real vgpud on a temporary socket, against nothing
// listening, against a server that answers in another protocol version, with backend = sim (the
// only case that skips) and with no backend configured (vgpud is the default), over a test root
// whose /etc/vgpu/shim.conf selects the backend.
#include <catch2/catch.hpp>

#include "doctor/machine/shim_backend_check.h"
#include "doctor/machine/vgpud_endpoint_check.h"
#include "test_paths.h"
#include "vgpu/unix_socket.h"
#include "vgpu/version.h"
#include "vgpu/wire_frame.h"

#include <QDir>
#include <QFile>
#include <QProcess>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sys/socket.h>
#include <thread>

using namespace vgpu::controller::doctor;

namespace {

using namespace std::chrono_literals;

// A short socket path (sun_path holds 108 bytes; the build tree can be deeper than that).
std::string temporarySocketPath() {
  char pattern[] = "/tmp/vgpud-doctor-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  return std::string(pattern) + "/vgpud.sock";
}

DoctorContext contextWithConfig(const std::string& name, const QByteArray& shimConf) {
  const QString root = QString::fromStdString(vgpu::test::scratchDir("doctor-vgpud-" + name).string());
  if (!shimConf.isEmpty()) {
    REQUIRE(QDir().mkpath(root + QStringLiteral("/etc/vgpu")));
    QFile file(root + QStringLiteral("/etc/vgpu/shim.conf"));
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(shimConf);
  }
  DoctorContext context;
  context.root = root;
  context.shimDir = QStringLiteral("/usr/lib/vgpu");
  return context;
}

QByteArray remoteConfig(const std::string& socketPath) {
  return "backend=remote\nendpoint=unix:" + QByteArray::fromStdString(socketPath) + "\n";
}

} // namespace

TEST_CASE("shim.vgpud-endpoint: the real vgpud answers with its version") {
  const std::string socketPath = temporarySocketPath();
  QProcess vgpud;
  vgpud.start(QStringLiteral(VGPUD_PATH),
              {QStringLiteral("--listen"), QStringLiteral("unix:") + QString::fromStdString(socketPath),
               QStringLiteral("--log-level"), QStringLiteral("warn")});
  REQUIRE(vgpud.waitForStarted());
  for (int attempt = 0; attempt < 200 && !std::filesystem::exists(socketPath); ++attempt) {
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(std::filesystem::exists(socketPath));

  const CheckResult result = checkVgpudEndpoint(contextWithConfig("running", remoteConfig(socketPath)));
  vgpud.terminate();
  vgpud.waitForFinished();
  std::filesystem::remove_all(std::filesystem::path(socketPath).parent_path());
  INFO(result.summary.toStdString());
  CHECK(result.status == CheckStatus::Pass);
  CHECK(result.summary.contains(QStringLiteral("vgpud %1 answers at unix:").arg(QStringLiteral(VGPU_VERSION_STRING))));
  CHECK(result.summary.contains(QStringLiteral("wire protocol %1").arg(vgpu::wire::kProtocolVersion)));
}

TEST_CASE("shim.vgpud-endpoint: nothing listening fails with the start-vgpud remedy") {
  const std::string socketPath = temporarySocketPath();
  const CheckResult result = checkVgpudEndpoint(contextWithConfig("absent", remoteConfig(socketPath)));
  std::filesystem::remove_all(std::filesystem::path(socketPath).parent_path());
  CHECK(result.status == CheckStatus::Fail);
  CHECK(result.summary.startsWith(
      QStringLiteral("vgpud unreachable at unix:%1").arg(QString::fromStdString(socketPath))));
  REQUIRE(result.remedy);
  CHECK(result.remedy->text.contains(QLatin1String("Start vgpud")));
  CHECK(result.remedy->text.contains(QLatin1String("endpoint=")));
}

TEST_CASE("shim.vgpud-endpoint: a daemon speaking another protocol version fails as a mismatch") {
  const std::string socketPath = temporarySocketPath();
  vgpu::SocketResult listener = vgpu::listenUnix(socketPath);
  REQUIRE(listener.fd.valid());
  std::thread server([fd = listener.fd.get()] {
    const vgpu::FileDescriptor connection(accept(fd, nullptr, nullptr));
    std::array<std::uint8_t, vgpu::wire::kHeaderSize> request{};
    if (!connection.valid() || !vgpu::readAll(connection.get(), request)) {
      return;
    }
    vgpu::wire::Header header;
    header.version = 2;
    header.call = static_cast<std::uint16_t>(vgpu::wire::Call::Version);
    std::array<std::uint8_t, vgpu::wire::kHeaderSize> reply{};
    vgpu::wire::encodeHeader(header, reply);
    vgpu::writeAll(connection.get(), reply);
  });
  const CheckResult result = checkVgpudEndpoint(contextWithConfig("mismatch", remoteConfig(socketPath)));
  server.join();
  std::filesystem::remove_all(std::filesystem::path(socketPath).parent_path());
  INFO(result.summary.toStdString());
  CHECK(result.status == CheckStatus::Fail);
  CHECK(result.summary.contains(QLatin1String("speaks another protocol")));
  REQUIRE(result.remedy);
  CHECK(result.remedy->text.contains(QLatin1String("same vgpu release")));
}

TEST_CASE("shim.vgpud-endpoint: skips only with backend = sim; with nothing configured vgpud must answer") {
  const CheckResult explicitSim = checkVgpudEndpoint(contextWithConfig("sim", "backend=sim\n"));
  CHECK(explicitSim.status == CheckStatus::Skip);
  CHECK(explicitSim.reason.contains(QLatin1String("simulated backend (backend=sim from /etc/vgpu/shim.conf)")));
  CHECK(checkVgpudEndpoint(DoctorContext{}).status == CheckStatus::Skip); // the shim was not examined

  // An endpoint alone selects nothing: the shims use vgpud there, so unreachable is a failure.
  const std::string socketPath = temporarySocketPath();
  const CheckResult endpointOnly = checkVgpudEndpoint(
      contextWithConfig("endpoint-only", "endpoint=unix:" + QByteArray::fromStdString(socketPath) + "\n"));
  std::filesystem::remove_all(std::filesystem::path(socketPath).parent_path());
  CHECK(endpointOnly.status == CheckStatus::Fail);
  CHECK(endpointOnly.summary.startsWith(
      QStringLiteral("vgpud unreachable at unix:%1").arg(QString::fromStdString(socketPath))));
  REQUIRE(endpointOnly.remedy);
  CHECK(endpointOnly.remedy->text.contains(QLatin1String("the shims present no GPU")));

  // No file at all: the default endpoint, as written (this machine's /run/vgpud.sock).
  const CheckResult noFile = checkVgpudEndpoint(contextWithConfig("default", QByteArray()));
  REQUIRE_FALSE(noFile.evidence.isEmpty());
  CHECK(noFile.evidence.constFirst().excerpt.contains(
      QLatin1String("backend=remote (default: no backend configured) endpoint=unix:/run/vgpud.sock")));
  if (std::filesystem::exists("/run/vgpud.sock")) {
    WARN("a vgpud socket exists at /run/vgpud.sock on this machine: the default endpoint may answer");
    CHECK(noFile.status != CheckStatus::Skip);
  } else {
    CHECK(noFile.status == CheckStatus::Fail);
    CHECK(noFile.summary.startsWith(QLatin1String("vgpud unreachable at unix:/run/vgpud.sock")));
  }
}

TEST_CASE("shim.vgpud-endpoint: VGPU_BACKEND / VGPU_ENDPOINT in ollama.service override shim.conf") {
  const std::string socketPath = temporarySocketPath();
  DoctorContext context = contextWithConfig("unit-override", "backend=sim\n");
  context.installation = vgpu::controller::OllamaInstallation{};
  context.installation->environment = {
      {QStringLiteral("VGPU_BACKEND"), QStringLiteral("remote"), QStringLiteral("50-vgpu.conf:2")},
      {QStringLiteral("VGPU_ENDPOINT"), QStringLiteral("unix:") + QString::fromStdString(socketPath),
       QStringLiteral("50-vgpu.conf:3")}};
  const CheckResult result = checkVgpudEndpoint(context);
  std::filesystem::remove_all(std::filesystem::path(socketPath).parent_path());
  CHECK(result.status == CheckStatus::Fail);
  CHECK(result.summary.contains(QString::fromStdString(socketPath)));
}

TEST_CASE("shim.backend: fails on backend = sim from shim.conf or the unit, passes on remote or nothing") {
  const CheckResult fromFile = checkShimBackend(contextWithConfig("backend-sim", "backend = sim\n"));
  CHECK(fromFile.status == CheckStatus::Fail);
  CHECK(fromFile.summary.contains(QLatin1String("kernels are counted and never run")));
  REQUIRE(fromFile.remedy);
  CHECK(fromFile.remedy->text.startsWith(QLatin1String("Delete the line backend = sim from /etc/vgpu/shim.conf")));

  DoctorContext fromUnit = contextWithConfig("backend-unit", "backend = remote\n");
  fromUnit.installation = vgpu::controller::OllamaInstallation{};
  fromUnit.installation->environment = {
      {QStringLiteral("VGPU_BACKEND"), QStringLiteral("sim"), QStringLiteral("/etc/x/50-vgpu.conf:4")}};
  const CheckResult unit = checkShimBackend(fromUnit);
  CHECK(unit.status == CheckStatus::Fail);
  REQUIRE(unit.remedy);
  CHECK(unit.remedy->text.startsWith(
      QLatin1String("Remove VGPU_BACKEND=sim from ollama.service's environment (/etc/x/50-vgpu.conf:4)")));

  const CheckResult remote = checkShimBackend(contextWithConfig("backend-remote", "backend = remote\n"));
  CHECK(remote.status == CheckStatus::Pass);
  const CheckResult nothing = checkShimBackend(contextWithConfig("backend-none", QByteArray()));
  CHECK(nothing.status == CheckStatus::Pass);
  CHECK(nothing.summary.contains(QLatin1String("no backend configured")));
  CHECK(checkShimBackend(DoctorContext{}).status == CheckStatus::Skip);
}
