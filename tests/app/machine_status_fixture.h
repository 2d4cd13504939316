// Machines for the status tests (the console's header, `vgpuctl status`): the fake Ollama tree
// with one of the doctor's proc fixtures (tests/data/doctor-proc) and a shim.conf, and shim
// processes as their control sockets answer, decoded from protocol lines by the controller's own
// telemetry decoder.
#pragma once

#include "fake_ollama_tree.h"
#include "telemetry/telemetry_decoder.h"
#include "telemetry/telemetry_snapshot.h"
#include "test_paths.h"

#include <QByteArray>
#include <QString>
#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <variant>

namespace vgpu::test {

struct StatusMachine {
  std::unique_ptr<FakeOllamaTree> tree; // null: no Ollama installed
  QString root;
  QString runtimeDir; // an empty control-socket directory: no shim process but those a test adds
};

// `procFixture`: a folder of tests/data/doctor-proc; `shimConf`: /etc/vgpu/shim.conf's text ("" = none).
inline StatusMachine statusMachine(const std::string& name, const std::string& procFixture, const QByteArray& shimConf,
                                   bool ollamaInstalled = true) {
  namespace fs = std::filesystem;
  StatusMachine machine;
  const fs::path root = scratchDir("status-" + name);
  fs::remove_all(root);
  fs::create_directories(root);
  machine.root = QString::fromStdString(root.string());
  if (ollamaInstalled) {
    machine.tree = std::make_unique<FakeOllamaTree>(machine.root);
  }
  fs::copy(dataDir() / "doctor-proc" / procFixture / "proc", root / "proc", fs::copy_options::recursive);
  if (!shimConf.isEmpty()) {
    fs::create_directories(root / "etc" / "vgpu");
    QFile file(QString::fromStdString((root / "etc" / "vgpu" / "shim.conf").string()));
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(shimConf);
  }
  const fs::path runtime = scratchDir("status-" + name + "-runtime");
  fs::remove_all(runtime);
  fs::create_directories(runtime);
  machine.runtimeDir = QString::fromStdString(runtime.string());
  return machine;
}

// A vgpud endpoint nobody listens on (a socket path in the scratch folder, never created).
inline QString deadEndpoint() {
  return QStringLiteral("unix:") + QString::fromStdString((scratchDir("status-dead") / "vgpud.sock").string());
}

// One shim process: `hello` and `sample` as the control socket sends them.
inline controller::telemetry::ProcessSnapshot shimProcess(qint64 pid, bool simulated, const QString& endpoint,
                                                          qint64 usedBytes, qint64 totalBytes) {
  using namespace controller::telemetry;
  const QString hello =
      QStringLiteral(R"({"type":"hello","protocol":1,"pid":%1,"executable":"/usr/local/bin/ollama","uid":998,)"
                     R"("shim_version":"0.1.0","backend":"%2","endpoint":"%3","executor":"%4","simulated":%5,)"
                     R"("log_level":"warn","devices":[{"index":0,"name":"NVIDIA H100 PCIe",)"
                     R"("uuid":"GPU-7e1c0a52-1d1b-5b53-9a3c-2f0e10de2331","pci_bus_id":"0000:00:05.0"}]})")
          .arg(pid)
          .arg(simulated && endpoint == u"in-process" ? QStringLiteral("simulated") : QStringLiteral("remote"),
               endpoint, simulated ? QStringLiteral("simulated") : QStringLiteral("cuda"),
               simulated ? QStringLiteral("true") : QStringLiteral("false"));
  const QString sample =
      QStringLiteral(R"({"type":"sample","seq":3,"time_ms":1764158400123,"backend_state":"ready",)"
                     R"("devices":[{"index":0,"vram_used_bytes":%1,"vram_total_bytes":%2,"vram_peak_bytes":%1,)"
                     R"("allocations":4}],"kernel_launches":{"total":310,"per_second":52.5},)"
                     R"("copies":{"host_to_device":{"bytes":0,"bytes_per_second":0},)"
                     R"("device_to_host":{"bytes":0,"bytes_per_second":0},)"
                     R"("device_to_device":{"bytes":0,"bytes_per_second":0}},"memsets":0,"dropped_clients":0})")
          .arg(usedBytes)
          .arg(totalBytes);
  const DecodedLine decodedHello = decodeTelemetryLine(hello.toUtf8());
  const DecodedLine decodedSample = decodeTelemetryLine(sample.toUtf8());
  if (const auto* error = std::get_if<DecodeError>(&decodedHello)) {
    FAIL(error->message.toStdString());
  }
  if (const auto* error = std::get_if<DecodeError>(&decodedSample)) {
    FAIL(error->message.toStdString());
  }
  REQUIRE(std::holds_alternative<ProcessHello>(decodedHello));
  REQUIRE(std::holds_alternative<Sample>(decodedSample));
  return ProcessSnapshot{std::get<ProcessHello>(decodedHello), std::get<Sample>(decodedSample)};
}

} // namespace vgpu::test
