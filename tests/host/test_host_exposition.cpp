// The host's Prometheus exposition (controller/host/host_exposition.h) of the fixture samples:
// it passes the strict text-format checker; the dcgm-exporter families carry dcgm-exporter's
// label set and units; a figure vgpud omitted has no series; per-session families carry the
// session labels. And the Grafana dashboard shipped in packaging/grafana: every PromQL query (and
// template variable query) selects series this exposition produces, by metric name and by label
// matchers.
#include <catch2/catch.hpp>

#include "host/host_decoder.h"
#include "host/host_exposition.h"
#include "prometheus_parser.h"
#include "test_paths.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <cmath>

using namespace vgpu::controller::host;
using vgpu::test::parsePrometheusText;
using vgpu::test::PrometheusExposition;
using vgpu::test::PrometheusSample;

namespace {

QByteArray fixtureLine(const char* name) {
  QFile file(QString::fromStdString((vgpu::test::dataDir() / "host" / "replies" / "valid" / name).string()));
  REQUIRE(file.open(QIODevice::ReadOnly));
  return file.readAll().trimmed();
}

template <typename T> T decodeFixture(const char* name) {
  const HostDecodedLine decoded = decodeHostLine(fixtureLine(name));
  REQUIRE(std::holds_alternative<T>(decoded));
  return std::get<T>(decoded);
}

HostScrape scrapeOf(const char* sampleFixture) {
  HostScrape scrape;
  scrape.endpoint = QStringLiteral("unix:/run/vgpud-admin.sock");
  scrape.hello = decodeFixture<HostHello>("hello.json");
  scrape.sample = decodeFixture<HostSample>(sampleFixture);
  scrape.scrapeErrorsTotal = 1;
  return scrape;
}

PrometheusExposition parsed(const HostScrape& scrape) {
  const std::string text = hostPrometheusExposition(scrape).toStdString();
  PrometheusExposition result = parsePrometheusText(text);
  INFO(text);
  INFO(result.error);
  REQUIRE(result.ok());
  return result;
}

std::vector<PrometheusSample> samplesNamed(const PrometheusExposition& exposition, const std::string& name) {
  std::vector<PrometheusSample> found;
  for (const auto& family : exposition.families) {
    for (const auto& sample : family.samples) {
      if (sample.name == name) {
        found.push_back(sample);
      }
    }
  }
  return found;
}

const PrometheusSample* find(const PrometheusExposition& exposition, const std::string& name,
                             const std::map<std::string, std::string>& labels) {
  static std::vector<PrometheusSample> keep;
  keep = samplesNamed(exposition, name);
  for (const auto& sample : keep) {
    bool match = true;
    for (const auto& [label, value] : labels) {
      const auto it = sample.labels.find(label);
      match = match && it != sample.labels.end() && it->second == value;
    }
    if (match) {
      return &sample;
    }
  }
  return nullptr;
}

constexpr const char* kDcgmFamilies[] = {"DCGM_FI_DEV_FB_USED",       "DCGM_FI_DEV_FB_FREE",  "DCGM_FI_DEV_GPU_UTIL",
                                         "DCGM_FI_DEV_MEM_COPY_UTIL", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_POWER_USAGE",
                                         "DCGM_FI_DEV_SM_CLOCK",      "DCGM_FI_DEV_MEM_CLOCK"};

} // namespace

TEST_CASE("the host exposition passes the strict checker for every fixture", "[host][prometheus]") {
  for (const char* fixture : {"sample-cuda.json", "sample-sim.json", "sample-empty.json", "sample-null-latency.json",
                              "sample-unknown-members.json"}) {
    INFO(fixture);
    (void)parsed(scrapeOf(fixture));
  }
  // vgpud unreachable: every family still documented, up 0.
  HostScrape down;
  down.endpoint = QStringLiteral("unix:/nonexistent");
  down.scrapeErrorsTotal = 4;
  const PrometheusExposition result = parsed(down);
  REQUIRE(find(result, "vgpu_host_up", {{"endpoint", "unix:/nonexistent"}}) != nullptr);
  CHECK(find(result, "vgpu_host_up", {})->value == 0);
  CHECK(find(result, "vgpu_host_scrape_errors_total", {})->value == 4);
  for (const char* family : kDcgmFamilies) {
    REQUIRE(result.family(family) != nullptr);
    CHECK(result.family(family)->type == "gauge");
    CHECK(result.family(family)->samples.empty());
  }
}

TEST_CASE("per-GPU gauges carry dcgm-exporter's names, labels and units", "[host][prometheus]") {
  const HostScrape scrape = scrapeOf("sample-cuda.json");
  const PrometheusExposition result = parsed(scrape);
  const std::map<std::string, std::string> gpu0{{"gpu", "0"},
                                                {"UUID", "GPU-5f1d0c3a-1111-2222-3333-444455556666"},
                                                {"pci_bus_id", "0000:01:00.0"},
                                                {"device", "nvidia0"},
                                                {"modelName", "NVIDIA H100 PCIe"},
                                                {"Hostname", "gpu-host-1"}};
  for (const char* family : kDcgmFamilies) {
    INFO(family);
    const PrometheusSample* sample = find(result, family, gpu0);
    REQUIRE(sample != nullptr);
    CHECK(sample->labels == gpu0); // exactly dcgm-exporter's label set
  }
  CHECK(find(result, "DCGM_FI_DEV_FB_USED", gpu0)->value == 2048);  // MiB
  CHECK(find(result, "DCGM_FI_DEV_FB_FREE", gpu0)->value == 79511); // 83373326336 B = 79511.4 MiB, rounded down
  CHECK(find(result, "DCGM_FI_DEV_GPU_UTIL", gpu0)->value == 35);
  CHECK(find(result, "DCGM_FI_DEV_MEM_COPY_UTIL", gpu0)->value == 12);
  CHECK(find(result, "DCGM_FI_DEV_GPU_TEMP", gpu0)->value == 41);
  CHECK(find(result, "DCGM_FI_DEV_POWER_USAGE", gpu0)->value == 88.5);
  CHECK(find(result, "DCGM_FI_DEV_SM_CLOCK", gpu0)->value == 1755);
  CHECK(find(result, "DCGM_FI_DEV_MEM_CLOCK", gpu0)->value == 2619);
  CHECK(find(result, "DCGM_FI_DEV_GPU_UTIL", {{"gpu", "1"}, {"device", "nvidia1"}})->value == 0);
  CHECK(find(result, "vgpu_host_gpu_memory_total_bytes", {{"gpu", "1"}})->value == 85520809984.0);
  CHECK(find(result, "vgpu_host_up", {})->value == 1);
  CHECK(find(result, "vgpu_host_info", {{"Hostname", "gpu-host-1"}, {"backend", "cuda"}, {"simulated", "false"}}));
}

TEST_CASE("a figure vgpud omitted has no series", "[host][prometheus]") {
  const PrometheusExposition result = parsed(scrapeOf("sample-sim.json"));
  for (const char* family : {"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_MEM_COPY_UTIL", "DCGM_FI_DEV_GPU_TEMP",
                             "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_DEV_MEM_CLOCK"}) {
    INFO(family);
    REQUIRE(result.family(family) != nullptr);
    CHECK(result.family(family)->samples.empty());
  }
  CHECK(find(result, "DCGM_FI_DEV_FB_USED", {{"gpu", "0"}, {"Hostname", "sim-host"}})->value == 1);
  CHECK(find(result, "vgpu_host_gpu_info", {{"gpu", "0"}, {"simulated", "true"}}) != nullptr);
  // A session before its first call: no counters, NaN-free (no latency series at all).
  const PrometheusExposition early = parsed(scrapeOf("sample-null-latency.json"));
  CHECK(early.family("DCGM_FI_DEV_FB_USED")->samples.empty());
  CHECK(early.family("vgpu_host_session_calls_total")->samples.empty());
  const PrometheusSample* p50 = find(early, "vgpu_host_session_call_latency_seconds", {{"session", "9"}});
  REQUIRE(p50 != nullptr);
  CHECK(std::isnan(p50->value));
}

TEST_CASE("per-session series carry the session's labels", "[host][prometheus]") {
  const PrometheusExposition result = parsed(scrapeOf("sample-cuda.json"));
  const std::map<std::string, std::string> tcp{
      {"session", "5"}, {"transport", "tcp"}, {"peer", "tcp:192.168.122.17"}, {"client_process", "ollama"}};
  CHECK(find(result, "vgpu_host_session_info", {{"session", "5"}, {"state", "active"}, {"client_pid", "4242"}}));
  CHECK(find(result, "vgpu_host_session_vram_used_bytes", {{"session", "6"}, {"gpu", "1"}})->value == 1572864000.0);
  CHECK(find(result, "vgpu_host_session_vram_used_bytes", {{"session", "5"}, {"gpu", "0"}})->value == 1073741824.0);
  CHECK(find(result, "vgpu_host_session_vram_quota_bytes", {{"session", "6"}})->value == 8589934592.0);
  CHECK(find(result, "vgpu_host_session_kernel_launches_total", tcp)->value == 1200);
  CHECK(find(result, "vgpu_host_session_calls_total", tcp)->value == 1520);
  CHECK(find(result, "vgpu_host_session_errors_total", tcp)->value == 3);
  CHECK(
      find(result, "vgpu_host_session_copy_bytes_total", {{"session", "5"}, {"direction", "host_to_device"}})->value ==
      536870912.0);
  CHECK(find(result, "vgpu_host_session_call_latency_seconds", {{"session", "5"}, {"quantile", "0.9"}})->value ==
        Approx(65536e-9));
  CHECK(find(result, "vgpu_host_session_call_latency_seconds_count", tcp)->value == 1520);
  CHECK(find(result, "vgpu_host_session_info", {{"session", "6"}, {"peer", "uid 1000"}}) != nullptr);
  CHECK(find(result, "vgpu_host_session_info", {{"client_process", "python3 \"train\""}}) != nullptr);
  CHECK(find(result, "vgpu_host_sessions", {})->value == 2);
}

// --- The Grafana dashboard -------------------------------------------------------------------

namespace {

struct Matcher {
  std::string label;
  std::string op; // = != =~ !~
  std::string value;
};

struct Selector {
  std::string metric;
  std::vector<Matcher> matchers;
};

// Every query of the dashboard: panels' targets[].expr (nested rows included) and the templating
// variables' queries.
void collectQueries(const QJsonValue& value, QStringList& queries) {
  if (value.isArray()) {
    for (const QJsonValue item : value.toArray()) {
      collectQueries(item, queries);
    }
  } else if (value.isObject()) {
    const QJsonObject object = value.toObject();
    // Template variables that are not PromQL (the data source picker, intervals, constants).
    static const QSet<QString> kNotPromQl{u"datasource"_qs, u"interval"_qs, u"custom"_qs, u"constant"_qs,
                                          u"textbox"_qs};
    if (object.contains(u"name"_qs) && kNotPromQl.contains(object.value(u"type"_qs).toString())) {
      return;
    }
    for (auto it = object.begin(); it != object.end(); ++it) {
      if ((it.key() == u"expr" || it.key() == u"query") && it.value().isString()) {
        queries.append(it.value().toString());
      } else if (it.key() == u"query" && it.value().isObject()) {
        queries.append(it.value().toObject().value(u"query"_qs).toString());
      } else {
        collectQueries(it.value(), queries);
      }
    }
  }
}

// The metric selectors of one PromQL expression. Refuses (FAIL) identifiers that are neither a
// known function/keyword nor one of our metric families, so no query can hide a metric.
std::vector<Selector> selectorsOf(const QString& expression) {
  static const QSet<QString> kKeywords{
      u"sum"_qs,           u"avg"_qs,           u"max"_qs,          u"min"_qs,       u"count"_qs,  u"rate"_qs,
      u"irate"_qs,         u"increase"_qs,      u"by"_qs,           u"without"_qs,   u"on"_qs,     u"ignoring"_qs,
      u"group_left"_qs,    u"group_right"_qs,   u"and"_qs,          u"or"_qs,        u"unless"_qs, u"bool"_qs,
      u"topk"_qs,          u"bottomk"_qs,       u"label_values"_qs, u"clamp_min"_qs, u"time"_qs,   u"offset"_qs,
      u"avg_over_time"_qs, u"max_over_time"_qs, u"label_replace"_qs};
  std::vector<Selector> selectors;
  QString text = expression;
  // Grafana's variables and range selectors are not metric names.
  text.replace(QRegularExpression(QStringLiteral(R"(\$__\w+|\$\{?\w+\}?)")), QStringLiteral("VAR"));
  static const QRegularExpression token(
      QStringLiteral(R"re(([A-Za-z_:][A-Za-z0-9_:]*)\s*(\{([^}]*)\})?|"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\(\s*)re"));
  // The labels inside by(...)/without(...) and label_values(metric, LABEL) are label names.
  static const QRegularExpression grouping(QStringLiteral(R"(\b(by|without|on|ignoring)\s*\(([^)]*)\))"));
  QString stripped = text;
  stripped.replace(grouping, QStringLiteral("\\1 ()"));
  static const QRegularExpression labelValues(QStringLiteral(R"(label_values\(\s*([^,)]+)\s*,\s*(\w+)\s*\))"));
  stripped.replace(labelValues, QStringLiteral("label_values(\\1)"));
  for (auto it = token.globalMatch(stripped); it.hasNext();) {
    const QRegularExpressionMatch match = it.next();
    const QString name = match.captured(1);
    if (name.isEmpty()) {
      continue;
    }
    const qsizetype after = match.capturedEnd(1);
    const bool isCall = stripped.mid(after).trimmed().startsWith(u'(') && match.captured(2).isEmpty();
    if (kKeywords.contains(name) || isCall || name == u"VAR" || name.front().isDigit()) {
      continue;
    }
    if (!name.startsWith(u"DCGM_FI_") && !name.startsWith(u"vgpu_")) {
      FAIL("query '" << expression.toStdString() << "' names '" << name.toStdString()
                     << "', neither a PromQL keyword known here nor a vgpu/DCGM family");
    }
    Selector selector{name.toStdString(), {}};
    static const QRegularExpression matcher(QStringLiteral(R"re((\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)")re"));
    for (auto m = matcher.globalMatch(match.captured(3)); m.hasNext();) {
      const QRegularExpressionMatch one = m.next();
      selector.matchers.push_back(
          {one.captured(1).toStdString(), one.captured(2).toStdString(), one.captured(3).toStdString()});
    }
    selectors.push_back(selector);
  }
  return selectors;
}

bool matches(const Matcher& matcher, const std::map<std::string, std::string>& labels) {
  const auto it = labels.find(matcher.label);
  const std::string value = it == labels.end() ? std::string() : it->second;
  if (matcher.value.find("VAR") != std::string::npos) {
    return it != labels.end(); // a Grafana variable: any value of an existing label
  }
  if (matcher.op == "=") {
    return value == matcher.value;
  }
  if (matcher.op == "!=") {
    return value != matcher.value;
  }
  const QRegularExpression regex(QRegularExpression::anchoredPattern(QString::fromStdString(matcher.value)));
  const bool hit = regex.match(QString::fromStdString(value)).hasMatch();
  return matcher.op == "=~" ? hit : !hit;
}

} // namespace

TEST_CASE("every query of the Grafana dashboard selects series the exporter produces", "[host][grafana]") {
  QFile file(QString::fromStdString(
      (vgpu::test::sourceDir() / "packaging" / "grafana" / "vgpu-host-dashboard.json").string()));
  REQUIRE(file.open(QIODevice::ReadOnly));
  QJsonParseError parseError{};
  const QJsonDocument dashboard = QJsonDocument::fromJson(file.readAll(), &parseError);
  INFO(parseError.errorString().toStdString());
  REQUIRE(dashboard.isObject());
  CHECK(dashboard.object().value(u"panels"_qs).toArray().size() >= 6);
  QStringList queries;
  collectQueries(dashboard.object(), queries);
  REQUIRE(queries.size() >= 8);

  // The exposition of a real GPU's sample: every figure present.
  const PrometheusExposition exposition = parsed(scrapeOf("sample-cuda.json"));
  QSet<QString> families;
  int selectorsChecked = 0;
  for (const QString& query : queries) {
    INFO("query: " << query.toStdString());
    const std::vector<Selector> selectors = selectorsOf(query);
    CHECK_FALSE(selectors.empty());
    for (const Selector& selector : selectors) {
      INFO("metric: " << selector.metric);
      const std::vector<PrometheusSample> candidates = samplesNamed(exposition, selector.metric);
      REQUIRE_FALSE(candidates.empty());
      bool any = false;
      for (const PrometheusSample& sample : candidates) {
        bool all = true;
        for (const Matcher& matcher : selector.matchers) {
          all = all && matches(matcher, sample.labels);
        }
        any = any || all;
      }
      CHECK(any);
      families.insert(QString::fromStdString(selector.metric));
      ++selectorsChecked;
    }
  }
  CHECK(selectorsChecked >= queries.size());
  // The dashboard shows what the issue asks for.
  for (const char* family :
       {"DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_GPU_UTIL", "vgpu_host_session_vram_used_bytes",
        "vgpu_host_session_kernel_launches_total", "vgpu_host_session_call_latency_seconds"}) {
    INFO(family);
    CHECK(families.contains(QString::fromLatin1(family)));
  }
}

TEST_CASE("the query checker itself catches a query for a series that does not exist", "[host][grafana]") {
  const PrometheusExposition exposition = parsed(scrapeOf("sample-cuda.json"));
  const auto selectors = selectorsOf(QStringLiteral(R"(sum by (Hostname) (DCGM_FI_DEV_FB_USED{gpu="7"}))"));
  REQUIRE(selectors.size() == 1);
  bool any = false;
  for (const PrometheusSample& sample : samplesNamed(exposition, selectors[0].metric)) {
    any = any || matches(selectors[0].matchers[0], sample.labels);
  }
  CHECK_FALSE(any);
  CHECK(samplesNamed(exposition, "DCGM_FI_DEV_FB_USED_TYPO").empty());
  const auto rate = selectorsOf(
      QStringLiteral(R"(rate(vgpu_host_session_kernel_launches_total{Hostname=~"$Hostname"}[$__rate_interval]))"));
  REQUIRE(rate.size() == 1);
  CHECK(rate[0].metric == "vgpu_host_session_kernel_launches_total");
}
