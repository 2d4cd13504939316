// The strict exposition-format checker (tests/support/prometheus_parser) against its own corpus
// (tests/data/telemetry/prometheus: good files parse, bad ones fail with the expected message),
// then vgpuctl's exposition of decoded fixture replies: it passes the checker and carries the
// documented families, labels and values (label values with quotes, backslashes and newlines
// escaped; NaN quantiles for an empty window).
#include <catch2/catch.hpp>

#include "prometheus_parser.h"
#include "telemetry/prometheus_exposition.h"
#include "telemetry/telemetry_decoder.h"
#include "test_paths.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace vgpu::controller::telemetry;
using vgpu::test::parsePrometheusText;

namespace {

std::string readText(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

template <typename T> T decodeFixture(const char* name) {
  const std::string text = readText(vgpu::test::dataDir() / "telemetry" / "replies" / "valid" / name);
  const DecodedLine decoded = decodeTelemetryLine(QByteArray::fromStdString(text).trimmed());
  REQUIRE(std::holds_alternative<T>(decoded));
  return std::get<T>(decoded);
}

double valueOf(const vgpu::test::PrometheusExposition& exposition, const std::string& name,
               const std::map<std::string, std::string>& labels) {
  for (const auto& family : exposition.families) {
    for (const auto& sample : family.samples) {
      bool match = sample.name == name;
      for (const auto& [label, value] : labels) {
        const auto found = sample.labels.find(label);
        match = match && found != sample.labels.end() && found->second == value;
      }
      if (match) {
        return sample.value;
      }
    }
  }
  FAIL("no sample " << name);
  return 0;
}

} // namespace

TEST_CASE("the checker accepts the good corpus", "[prometheus]") {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(vgpu::test::dataDir() / "telemetry" / "prometheus" / "good")) {
    INFO(entry.path().filename());
    const auto result = parsePrometheusText(readText(entry.path()));
    INFO(result.error);
    CHECK(result.error.empty());
    ++files;
  }
  CHECK(files >= 5);
  const auto escaped = parsePrometheusText(
      readText(vgpu::test::dataDir() / "telemetry" / "prometheus" / "good" / "escaped-labels.prom"));
  REQUIRE(escaped.family("e") != nullptr);
  CHECK(escaped.family("e")->samples.at(0).labels.at("exe") == "C:\\bin\\x \"q\"\nnext");
}

TEST_CASE("the checker refuses the bad corpus with the expected message", "[prometheus]") {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(vgpu::test::dataDir() / "telemetry" / "prometheus" / "bad")) {
    const std::string text = readText(entry.path());
    const std::string marker = "# expect-error: ";
    REQUIRE(text.rfind(marker, 0) == 0);
    const std::string expected = text.substr(marker.size(), text.find('\n') - marker.size());
    const auto result = parsePrometheusText(text);
    INFO(entry.path().filename() << ": got '" << result.error << "', expected '" << expected << "'");
    CHECK(result.error.find(expected) != std::string::npos);
    ++files;
  }
  CHECK(files >= 20);
}

TEST_CASE("the exposition of a snapshot passes the checker with the documented families", "[prometheus]") {
  SnapshotResult snapshot;
  ProcessSnapshot first{decodeFixture<ProcessHello>("hello-v1.json"), decodeFixture<Sample>("sample-additions.json")};
  first.hello.executable = QStringLiteral("/opt/odd \"name\"\\x\nline");
  ProcessSnapshot second{decodeFixture<ProcessHello>("hello-additions.json"),
                         decodeFixture<Sample>("sample-null-percentiles.json")};
  ProcessSnapshot older{decodeFixture<ProcessHello>("hello-v1.json"), decodeFixture<Sample>("sample-v1.json")};
  older.hello.pid = 5000;
  snapshot.processes = {first, second, older};
  const QByteArray text = prometheusExposition(snapshot, 3);
  const auto result = parsePrometheusText(text.toStdString());
  INFO(text.toStdString());
  INFO(result.error);
  REQUIRE(result.error.empty());

  for (const char* family :
       {"vgpu_processes", "vgpu_scrape_errors_total", "vgpu_process_info", "vgpu_memory_used_bytes",
        "vgpu_memory_total_bytes", "vgpu_memory_peak_bytes", "vgpu_memory_allocations", "vgpu_kernel_launches_total",
        "vgpu_copy_bytes_total", "vgpu_memsets_total", "vgpu_api_calls_total", "vgpu_api_errors_total",
        "vgpu_call_latency_seconds"}) {
    INFO(family);
    REQUIRE(result.family(family) != nullptr);
    CHECK_FALSE(result.family(family)->help.empty());
  }
  CHECK(result.family("vgpu_memory_used_bytes")->type == "gauge");
  CHECK(result.family("vgpu_kernel_launches_total")->type == "counter");
  CHECK(result.family("vgpu_call_latency_seconds")->type == "summary");
  CHECK(valueOf(result, "vgpu_processes", {}) == 3);
  CHECK(valueOf(result, "vgpu_scrape_errors_total", {}) == 3);
  const std::string exe = "/opt/odd \"name\"\\x\nline";
  CHECK(valueOf(result, "vgpu_memory_total_bytes",
                {{"pid", "4242"}, {"exe", exe}, {"device", "GPU-11111111-2222-3333-4444-555555555555"}}) ==
        85520809984.0);
  CHECK(valueOf(result, "vgpu_kernel_launches_total", {{"pid", "4242"}}) == 311);
  CHECK(valueOf(result, "vgpu_copy_bytes_total", {{"pid", "4242"}, {"direction", "device_to_host"}}) == 4096);
  CHECK(valueOf(result, "vgpu_api_calls_total", {{"pid", "4242"}, {"api", "cuMemAlloc_v2"}}) == 3);
  CHECK(valueOf(result, "vgpu_api_errors_total", {{"pid", "4242"}, {"result", "CUDA_ERROR_INVALID_VALUE"}}) == 2);
  CHECK(valueOf(result, "vgpu_call_latency_seconds", {{"pid", "4242"}, {"quantile", "0.99"}}) == Approx(5.3e-6));
  CHECK(valueOf(result, "vgpu_call_latency_seconds_count", {{"pid", "4242"}}) == 1234);
  CHECK(std::isnan(valueOf(result, "vgpu_call_latency_seconds", {{"pid", "77"}, {"quantile", "0.5"}})));
  CHECK(valueOf(result, "vgpu_process_info", {{"pid", "77"}, {"endpoint", "unix:/run/vgpud.sock"}}) == 1);
  // vgpud's simulated executor (the hello's executor) is labelled as simulated.
  CHECK(valueOf(result, "vgpu_process_info", {{"pid", "77"}, {"simulated", "true"}}) == 1);
  // The older shim (no calls member) has no latency series rather than invented zeros.
  for (const auto& sample : result.family("vgpu_call_latency_seconds")->samples) {
    CHECK(sample.labels.at("pid") != "5000");
  }
}

TEST_CASE("an empty snapshot still documents every family", "[prometheus]") {
  const auto result = parsePrometheusText(prometheusExposition({}, 0).toStdString());
  INFO(result.error);
  REQUIRE(result.error.empty());
  CHECK(valueOf(result, "vgpu_processes", {}) == 0);
  CHECK(result.family("vgpu_memory_used_bytes") != nullptr);
}

TEST_CASE("the guest exposition has dcgm-exporter's per-device framebuffer gauges", "[prometheus]") {
  SnapshotResult snapshot;
  ProcessSnapshot idle{decodeFixture<ProcessHello>("hello-v1.json"), decodeFixture<Sample>("sample-additions.json")};
  ProcessSnapshot busy{decodeFixture<ProcessHello>("hello-v1.json"), decodeFixture<Sample>("sample-v1.json")};
  busy.hello.pid = 5000;
  snapshot.processes = {idle, busy};
  const auto result = parsePrometheusText(prometheusExposition(snapshot, 0).toStdString());
  INFO(result.error);
  REQUIRE(result.error.empty());
  // Both processes use the same device (by UUID): one series per device, their use summed.
  const std::map<std::string, std::string> device{{"gpu", "0"},
                                                  {"UUID", "GPU-11111111-2222-3333-4444-555555555555"},
                                                  {"pci_bus_id", "0000:00:05.0"},
                                                  {"device", "nvidia0"},
                                                  {"modelName", "NVIDIA H100 PCIe"}};
  REQUIRE(result.family("DCGM_FI_DEV_FB_USED") != nullptr);
  REQUIRE(result.family("DCGM_FI_DEV_FB_USED")->samples.size() == 1);
  CHECK(result.family("DCGM_FI_DEV_FB_USED")->samples[0].labels.count("Hostname") == 1);
  CHECK(valueOf(result, "DCGM_FI_DEV_FB_USED", device) == 64);
  CHECK(valueOf(result, "DCGM_FI_DEV_FB_FREE", device) == static_cast<double>((85520809984ULL - 67108864ULL) >> 20));
  // No process: the families are documented, without series.
  const auto empty = parsePrometheusText(prometheusExposition({}, 0).toStdString());
  REQUIRE(empty.family("DCGM_FI_DEV_FB_FREE") != nullptr);
  CHECK(empty.family("DCGM_FI_DEV_FB_FREE")->samples.empty());
}
