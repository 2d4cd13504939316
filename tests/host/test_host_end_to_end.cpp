// End to end with the real vgpud (`--admin-listen unix:…`, backend sim) and a real client of its
// wire protocol (the shim's RemoteBackend, as a CUDA process uses it): `vgpuctl host sessions
// --json` and `host gpus --json` show the session and the figures the client itself sees,
// `vgpuctl metrics --host` passes the strict parser with the DCGM framebuffer gauges and the
// session's series, and set-quota, set-priority and kill take effect on the client.
#include <catch2/catch.hpp>

#include "prometheus_parser.h"
#include "vgpuctl_run.h"
#include "vgpud_fixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <chrono>
#include <filesystem>
#include <thread>

using vgpu::test::vgpuctl;

namespace {

QJsonObject jsonOf(const QString& text) {
  const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8());
  INFO(text.toStdString());
  REQUIRE(document.isObject());
  return document.object();
}

// The session `id` as `vgpuctl host sessions --json` shows it (empty when not listed).
QJsonObject listedSession(const QString& endpoint, std::uint64_t id) {
  const auto run = vgpuctl({QStringLiteral("host"), QStringLiteral("sessions"), QStringLiteral("--json"),
                            QStringLiteral("--endpoint"), endpoint});
  INFO(run.err.toStdString());
  REQUIRE(run.code == 0);
  for (const QJsonValue session : jsonOf(run.out).value(u"sessions"_qs).toArray()) {
    if (session.toObject().value(u"id"_qs).toInteger() == static_cast<qint64>(id)) {
      return session.toObject();
    }
  }
  return {};
}

} // namespace

TEST_CASE("vgpuctl host and metrics --host against the real vgpud", "[host][vgpud]") {
  const std::string directory = std::filesystem::temp_directory_path() / ("vgpu-host-e2e-" + std::to_string(getpid()));
  std::filesystem::create_directories(directory);
  const std::string adminPath = directory + "/admin.sock";
  vgpu::test::VgpudProcess daemon({"--admin-listen", "unix:" + adminPath});
  const QString endpoint = u"unix:"_qs + QString::fromStdString(adminPath);

  // The admin socket appears once vgpud is up.
  int code = 1;
  for (int attempt = 0; attempt < 300 && code != 0; ++attempt) {
    code = vgpuctl({QStringLiteral("host"), QStringLiteral("gpus"), QStringLiteral("--endpoint"), endpoint}).code;
    if (code != 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  REQUIRE(code == 0);

  auto client = vgpu::test::connectClient(daemon.endpoint());
  CUdeviceptr memory = 0;
  REQUIRE(client->memAlloc(0, std::size_t{32} << 20, memory) == CUDA_SUCCESS);
  vgpu::cuda::MemoryUsage usage;
  REQUIRE(client->memUsage(0, usage) == CUDA_SUCCESS);
  const std::uint64_t id = client->sessionId();

  QJsonObject session;
  for (int attempt = 0; attempt < 100; ++attempt) {
    session = listedSession(endpoint, id);
    if (!session.isEmpty() &&
        session.value(u"vram_used_bytes"_qs).toInteger() == static_cast<qint64>(usage.usedBytes)) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE_FALSE(session.isEmpty());
  CHECK(session.value(u"transport"_qs) == u"unix"_qs);
  CHECK(session.value(u"vram_used_bytes"_qs).toInteger() == static_cast<qint64>(usage.usedBytes));
  CHECK(session.value(u"client_pid"_qs).toInteger() == getpid());
  CHECK(session.value(u"state"_qs) == u"active"_qs);

  // gpus --json and the exposition of the same vgpud agree; a simulated GPU has no utilization.
  const auto gpus = vgpuctl({QStringLiteral("host"), QStringLiteral("gpus"), QStringLiteral("--json"),
                             QStringLiteral("--endpoint"), endpoint});
  REQUIRE(gpus.code == 0);
  const QJsonArray gpuList = jsonOf(gpus.out).value(u"gpus"_qs).toArray();
  REQUIRE(gpuList.size() == 1);
  const QJsonObject gpu = gpuList[0].toObject();
  CHECK(gpu.value(u"memory_used_bytes"_qs).toInteger() == static_cast<qint64>(usage.usedBytes));
  const auto metrics = vgpuctl({QStringLiteral("metrics"), QStringLiteral("--host"), QStringLiteral("--once"),
                                QStringLiteral("--endpoint"), endpoint});
  INFO(metrics.err.toStdString());
  REQUIRE(metrics.code == 0);
  const auto exposition = vgpu::test::parsePrometheusText(metrics.out.toStdString());
  INFO(metrics.out.toStdString());
  INFO(exposition.error);
  REQUIRE(exposition.ok());
  REQUIRE(exposition.family("DCGM_FI_DEV_FB_USED") != nullptr);
  REQUIRE(exposition.family("DCGM_FI_DEV_FB_USED")->samples.size() == 1);
  const auto& fbUsed = exposition.family("DCGM_FI_DEV_FB_USED")->samples[0];
  CHECK(fbUsed.value == static_cast<double>(usage.usedBytes >> 20));
  CHECK(fbUsed.labels.at("modelName") == gpu.value(u"name"_qs).toString().toStdString());
  CHECK(fbUsed.labels.at("device") == "nvidia0");
  CHECK(exposition.family("DCGM_FI_DEV_GPU_UTIL")->samples.empty());
  bool sessionSeries = false;
  for (const auto& sample : exposition.family("vgpu_host_session_vram_used_bytes")->samples) {
    sessionSeries = sessionSeries || (sample.labels.at("session") == std::to_string(id) &&
                                      sample.value == static_cast<double>(usage.usedBytes));
  }
  CHECK(sessionSeries);

  // set-quota: the next allocation beyond it fails; set-priority shows; kill ends the session.
  const auto quota = vgpuctl({QStringLiteral("host"), QStringLiteral("set-quota"), QString::number(id),
                              QStringLiteral("40MiB"), QStringLiteral("--endpoint"), endpoint});
  INFO(quota.err.toStdString());
  REQUIRE(quota.code == 0);
  CUdeviceptr more = 0;
  CHECK(client->memAlloc(0, std::size_t{16} << 20, more) == CUDA_ERROR_OUT_OF_MEMORY);
  CHECK(listedSession(endpoint, id).value(u"vram_quota_bytes"_qs).toInteger() == qint64{40} << 20);
  REQUIRE(vgpuctl({QStringLiteral("host"), QStringLiteral("set-priority"), QString::number(id), QStringLiteral("high"),
                   QStringLiteral("--endpoint"), endpoint})
              .code == 0);
  CHECK(listedSession(endpoint, id).value(u"priority"_qs) == u"high"_qs);
  const auto kill = vgpuctl(
      {QStringLiteral("host"), QStringLiteral("kill"), QString::number(id), QStringLiteral("--endpoint"), endpoint});
  REQUIRE(kill.code == 0);
  CHECK(client->memAlloc(0, std::size_t{1} << 20, more) != CUDA_SUCCESS);
  const auto again = vgpuctl(
      {QStringLiteral("host"), QStringLiteral("kill"), QString::number(id), QStringLiteral("--endpoint"), endpoint});
  CHECK(again.code == 3);
  CHECK(again.err.contains(u"no session"_qs));
  client.reset();
  std::filesystem::remove_all(directory);
}
