// The Ollama log parser's units: slog lines (quoting, escapes, quoted keys, malformed input), the
// pre-slog format, each line kind the classifier knows, journal prefixes, server-start splitting,
// the server config env map, and the version → era table.
#include <catch2/catch.hpp>

#include "doctor/logs/discovery_facts.h"
#include "doctor/logs/ollama_log.h"
#include "doctor/logs/slog_line.h"

using namespace vgpu::controller::doctor;

namespace {

QString field(const LogEvent& event, const char* key) {
  return event.fields.value(QLatin1String(key));
}

} // namespace

TEST_CASE("slog: time, level, source, msg and attributes in order") {
  QString error;
  const auto record = parseSlogLine(
      u"time=2026-02-26T09:14:02.377Z level=DEBUG source=runner.go:106 msg=\"skipping available library at user's "
      u"request\" requested=cuda_v12 libDir=/usr/local/lib/ollama/cuda_v13",
      &error);
  REQUIRE(record);
  CHECK(record->time == QStringLiteral("2026-02-26T09:14:02.377Z"));
  CHECK(record->level == LogLevel::Debug);
  CHECK(record->source == QStringLiteral("runner.go:106"));
  CHECK(record->message == QStringLiteral("skipping available library at user's request"));
  REQUIRE(record->attributes.size() == 2);
  CHECK(record->attributes[0].first == QStringLiteral("requested"));
  CHECK(record->attribute(u"libDir") == QStringLiteral("/usr/local/lib/ollama/cuda_v13"));
  CHECK_FALSE(record->attribute(u"missing"));
}

TEST_CASE("slog: Go escapes, empty quoted values, quoted keys, brackets in bare values") {
  QString error;
  const auto record =
      parseSlogLine(u"time=t level=INFO source=a.go:1 msg=\"say \\\"hi\\\"\\n\\tback\\\\slash \\u00e9\" compute=\"\" "
                    u"\"total vram\"=\"0 B\" extra_envs=map[] OLLAMA_LIBRARY_PATH=\"[/a /a/cuda_v12]\"",
                    &error);
  INFO(error.toStdString());
  REQUIRE(record);
  CHECK(record->message == QStringLiteral("say \"hi\"\n\tback\\slash \u00e9"));
  CHECK(record->attribute(u"compute") == QString());
  CHECK(record->attribute(u"total vram") == QStringLiteral("0 B"));
  CHECK(record->attribute(u"extra_envs") == QStringLiteral("map[]"));
  CHECK(record->attribute(u"OLLAMA_LIBRARY_PATH") == QStringLiteral("[/a /a/cuda_v12]"));
}

TEST_CASE("slog: malformed lines are refused with the reason") {
  struct Case {
    const char16_t* line;
    const char* expected;
  };
  const Case cases[] = {
      {u"time=t level=DEBUG msg=\"bootstrap discovery took\" OLLAMA_LIBRARY_PATH=\"[/usr/local/lib/ol", "unterminated"},
      {u"time=t level=INFO msg=x dangling words", "not key=value"},
      {u"time=t level=INFO source=a.go:1", "msg="},
      {u"time=t msg=hello", "level="},
      {u"time=t level=INFO msg=\"a\"b", "right after the quoted value"},
  };
  for (const Case& c : cases) {
    INFO(QString::fromUtf16(c.line).toStdString());
    QString error;
    CHECK_FALSE(parseSlogLine(QString::fromUtf16(c.line), &error));
    CHECK(error.contains(QLatin1String(c.expected)));
  }
}

TEST_CASE("slog: the pre-slog format of older servers") {
  QString error;
  const auto record = parseSlogLine(
      u"2025/02/27 11:23:26 routes.go:1205: INFO server config env=\"map[CUDA_VISIBLE_DEVICES:0 OLLAMA_DEBUG:true]\"",
      &error);
  REQUIRE(record);
  CHECK(record->level == LogLevel::Info);
  CHECK(record->source == QStringLiteral("routes.go:1205"));
  CHECK(record->message == QStringLiteral("server config"));
  CHECK(record->attribute(u"env") == QStringLiteral("map[CUDA_VISIBLE_DEVICES:0 OLLAMA_DEBUG:true]"));
  CHECK_FALSE(parseSlogLine(u"just some text", &error));
}

TEST_CASE("slog levels, Ollama's trace included") {
  CHECK(parseLogLevel(u"DEBUG-4") == LogLevel::Trace);
  CHECK(parseLogLevel(u"TRACE") == LogLevel::Trace);
  CHECK(parseLogLevel(u"DEBUG") == LogLevel::Debug);
  CHECK(parseLogLevel(u"INFO") == LogLevel::Info);
  CHECK(parseLogLevel(u"WARN") == LogLevel::Warn);
  CHECK(parseLogLevel(u"ERROR") == LogLevel::Error);
  CHECK(parseLogLevel(u"LOUD") == LogLevel::Unknown);
}

TEST_CASE("each discovery line kind is classified") {
  struct Case {
    const char* line;
    EventKind kind;
  };
  const Case cases[] = {
      {R"L(time=t level=INFO source=r.go:1 msg="server config" env="map[]")L", EventKind::ServerConfig},
      {R"L(time=t level=INFO source=r.go:1 msg="Listening on [::]:11434 (version 0.13.5)")L", EventKind::Listening},
      {R"L(time=t level=INFO source=r.go:1 msg="discovering available GPUs...")L", EventKind::DiscoveringGpus},
      {R"L(time=t level=WARN source=r.go:1 msg="user overrode visible devices" CUDA_VISIBLE_DEVICES=-1)L",
       EventKind::UserOverrodeVisible},
      {R"L(time=t level=DEBUG source=r.go:1 msg="skipping available library at user's request" requested=a libDir=/b)L",
       EventKind::SkipAtUserRequest},
      {R"L(time=t level=DEBUG source=r.go:1 msg="skipping available library at users request" requested=a libDir=/b)L",
       EventKind::SkipAtUserRequest},
      {R"L(time=t level=DEBUG source=r.go:1 msg="jetpack not detected (set JETSON_JETPACK or OLLAMA_LLM_LIBRARY to override), skipping" libDir=/x)L",
       EventKind::JetpackNotDetected},
      {R"L(time=t level=INFO source=r.go:1 msg="experimental Vulkan support disabled.  To enable, set OLLAMA_VULKAN=1")L",
       EventKind::VulkanDisabled},
      {R"L(time=t level=DEBUG source=r.go:1 msg="bootstrap discovery took" duration=1ms OLLAMA_LIBRARY_PATH="[/r /r/v]")L",
       EventKind::BootstrapDiscovery},
      {R"L(time=t level=INFO source=s.go:1 msg="starting runner" cmd="/usr/local/bin/ollama runner --ollama-engine")L",
       EventKind::StartingRunner},
      {R"L(time=t level=DEBUG source=r.go:1 msg="evaluating which, if any, devices to filter out" initial_count=0)L",
       EventKind::EvaluatingFilter},
      {R"L(time=t level=DEBUG source=r.go:1 msg="verifying if device is supported" library=/r/cuda_v12)L",
       EventKind::VerifyingDevice},
      {R"L(time=t level=DEBUG source=r.go:1 msg="filtering device which didn't fully initialize" id=GPU-1)L",
       EventKind::FilterNotInitialized},
      {R"L(time=t level=DEBUG source=r.go:1 msg="filtering device with overlapping libraries" id=GPU-1 library=CUDA)L",
       EventKind::FilterOverlap},
      {R"L(time=t level=DEBUG source=r.go:1 msg="dropping duplicate device" id=1 library=Vulkan)L",
       EventKind::DroppingDuplicate},
      {R"L(time=t level=INFO source=t.go:1 msg="inference compute" id=cpu library=cpu)L", EventKind::InferenceCompute},
      {R"L(time=t level=INFO source=r.go:1 msg="failure during llama-server GPU discovery" detail="x")L",
       EventKind::LlamaServerFailure},
      {R"L(time=t level=DEBUG source=r.go:1 msg="llama-server not available for device discovery")L",
       EventKind::LlamaServerMissing},
      {R"L(time=t level=DEBUG source=r.go:1 msg="skipping pseudo-device with zero memory" name=CUDA0 description=x)L",
       EventKind::ZeroMemory},
      {R"L(time=t level=INFO source=r.go:1 msg="skipping CUDA device — compute capability not in compiled architectures")L",
       EventKind::ComputeNotCompiled},
      {R"L(time=t level=WARN source=r.go:1 msg="NVIDIA driver too old")L", EventKind::DriverTooOld},
      {R"L(time=t level=WARN source=r.go:1 msg="could not verify NVIDIA driver compatibility for CUDA")L",
       EventKind::DriverUnverified},
      {R"L(time=t level=INFO source=gpu.go:1 msg="looking for compatible GPUs")L", EventKind::LegacyProbe},
      {R"L(time=t level=INFO source=r.go:1 msg="entering low vram mode" "total vram"="0 B")L", EventKind::VramInfo},
      {"ggml_cuda_init: found 1 CUDA devices:", EventKind::GgmlCudaFound},
      {"ggml_cuda_init: failed to initialize CUDA: no CUDA-capable device is detected", EventKind::GgmlCudaFailed},
      {"  Device 0: NVIDIA H100 80GB HBM3, compute capability 9.0, VMM: yes", EventKind::GgmlCudaDevice},
      {"load_backend: loaded CUDA backend from /r/cuda_v13/libggml-cuda.so", EventKind::LoadBackendLoaded},
      {"load_backend: failed to load /r/cuda_v13/libggml-cuda.so: undefined symbol: cuCtxGetFlags",
       EventKind::LoadBackendFailed},
      {"  CUDA0: NVIDIA H100 80GB HBM3 (81079 MiB, 80543 MiB free)", EventKind::ListDevice},
      {"system_info: n_threads = 16 | CUDA : ARCHS = 750,800,900 | USE_GRAPHS = 1 |", EventKind::CudaArchs},
      {"load_tensors: offloaded 29/29 layers to GPU", EventKind::LayersOffloaded},
      {"[GIN] 2026/02/26 - 09:15:40 | 200 |      61.204µs |       127.0.0.1 | HEAD     \"/\"", EventKind::Other},
      {R"L(time=t level=INFO msg="unterminated)L", EventKind::Malformed},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    const LogEvent event = classifyLogLine(QString::fromUtf8(c.line), 7);
    CHECK(eventKindName(event.kind) == eventKindName(c.kind));
    CHECK(event.line == 7);
  }
}

TEST_CASE("raw runner lines carry what the pattern captured") {
  const LogEvent device =
      classifyLogLine(QStringLiteral("  CUDA0: NVIDIA H100 80GB HBM3 (81079 MiB, 80543 MiB free)"), 1);
  CHECK(field(device, "name") == QStringLiteral("NVIDIA H100 80GB HBM3"));
  CHECK(field(device, "total") == QStringLiteral("81079"));
  CHECK(field(device, "free") == QStringLiteral("80543"));
  const LogEvent listening = classifyLogLine(
      QStringLiteral(R"L(time=t level=INFO source=r.go:1 msg="Listening on [::]:11434 (version 0.30.2)")L"), 1);
  CHECK(field(listening, "version") == QStringLiteral("0.30.2"));
  const LogEvent failed =
      classifyLogLine(QStringLiteral("ggml_cuda_init: failed to initialize CUDA: unknown error"), 1);
  CHECK(field(failed, "error") == QStringLiteral("failed to initialize CUDA: unknown error"));
}

TEST_CASE("journal and container prefixes are removed and kept apart") {
  const QList<LogEvent> events = parseOllamaLogEvents(QStringLiteral(
      "Feb 26 09:14:02 guest-vm ollama[2417]: time=2026-02-26T09:14:02.340Z level=INFO source=runner.go:67 "
      "msg=\"discovering available GPUs...\"\r\n"
      "\n"
      "[ollama-ollama-1] 2026-02-07T15:23:47.296940000Z time=2026-02-07T15:23:47.296Z level=INFO source=runner.go:67 "
      "msg=\"discovering available GPUs...\"\n"
      "2月 21 13:31:11 tc ollama[285585]: ggml_cuda_init: found 1 CUDA devices:\n"));
  REQUIRE(events.size() == 3);
  CHECK(events[0].kind == EventKind::DiscoveringGpus);
  CHECK(events[0].process == QStringLiteral("ollama"));
  CHECK(events[0].pid == QStringLiteral("2417"));
  CHECK(events[0].line == 1);
  CHECK(events[0].text.startsWith(QLatin1String("time=")));
  CHECK(events[1].kind == EventKind::DiscoveringGpus);
  CHECK(events[1].line == 3);
  CHECK(events[2].kind == EventKind::GgmlCudaFound);
  CHECK(events[2].pid == QStringLiteral("285585"));
}

TEST_CASE("server starts: at each server config, at a second Listening line, at a new PID") {
  const QString config = QStringLiteral(R"L(time=t level=INFO source=r.go:1 msg="server config" env="map[]")L");
  const QString listening = QStringLiteral(R"L(time=t level=INFO source=r.go:1 msg="Listening on [::]:11434")L");
  const QString discovering =
      QStringLiteral(R"L(time=t level=INFO source=r.go:1 msg="discovering available GPUs...")L");
  CHECK(parseOllamaLog(config + u'\n' + discovering + u'\n' + config + u'\n' + discovering).starts.size() == 2);
  CHECK(parseOllamaLog(listening + u'\n' + discovering + u'\n' + listening).starts.size() == 2);
  const OllamaLog byPid =
      parseOllamaLog(QStringLiteral("Feb 26 09:14:02 h systemd[1]: Started ollama.service.\n"
                                    "Feb 26 09:14:02 h ollama[10]: ") +
                     discovering + QStringLiteral("\nFeb 26 09:15:02 h ollama[11]: ") + discovering);
  REQUIRE(byPid.starts.size() == 2);
  CHECK(byPid.starts[0].firstLine == 1); // the systemd line does not split
  CHECK(byPid.starts[1].firstLine == 3);
}

TEST_CASE("the server config env map, brackets and empty values included") {
  const auto env = parseServerConfigEnv(QStringLiteral(
      "map[CUDA_VISIBLE_DEVICES:-1 HTTPS_PROXY: OLLAMA_DEBUG:DEBUG OLLAMA_LLM_LIBRARY:cuda_v12 "
      "OLLAMA_ORIGINS:[http://localhost https://localhost app://*] OLLAMA_REMOTES:[ollama.com] no_proxy:]"));
  CHECK(env.value(QStringLiteral("CUDA_VISIBLE_DEVICES")) == QStringLiteral("-1"));
  CHECK(env.contains(QStringLiteral("HTTPS_PROXY")));
  CHECK(env.value(QStringLiteral("HTTPS_PROXY")).isEmpty());
  CHECK(env.value(QStringLiteral("OLLAMA_LLM_LIBRARY")) == QStringLiteral("cuda_v12"));
  CHECK(env.value(QStringLiteral("OLLAMA_ORIGINS")) == QStringLiteral("[http://localhost https://localhost app://*]"));
  CHECK(env.contains(QStringLiteral("no_proxy")));
  CHECK(parseLibraryPathList(QStringLiteral("[/usr/local/lib/ollama /usr/local/lib/ollama/cuda_v12]")) ==
        QStringList{QStringLiteral("/usr/local/lib/ollama"), QStringLiteral("/usr/local/lib/ollama/cuda_v12")});
}

TEST_CASE("versions date the era (the installation model's table)") {
  CHECK(eraOfVersion(QStringLiteral("0.5.7")) == OllamaEra::BeforeEras);
  CHECK(eraOfVersion(QStringLiteral("0.12.3")) == OllamaEra::OldProbes);
  CHECK(eraOfVersion(QStringLiteral("0.12.4")) == OllamaEra::A);
  CHECK(eraOfVersion(QStringLiteral("0.24.9")) == OllamaEra::A);
  CHECK(eraOfVersion(QStringLiteral("0.30.0")) == OllamaEra::B);
  CHECK(eraOfVersion(QStringLiteral("v0.33.0-rc2")) == OllamaEra::B);
  CHECK(eraOfVersion(QStringLiteral("0.27.0")) == OllamaEra::Unknown); // no such releases in the facts
  CHECK(eraOfVersion(QStringLiteral("latest")) == OllamaEra::Unknown);
}

TEST_CASE("the skip wording dates a log without a version line") {
  const OllamaLog old = parseOllamaLog(QStringLiteral(
      R"L(time=t level=DEBUG source=r.go:1 msg="skipping available library at users request" requested=cuda_v12 libDir=/r/cuda_v13)L"));
  const EraFinding oldEra = detectEra(old.starts.constFirst());
  CHECK(oldEra.era == OllamaEra::A);
  CHECK(oldEra.oldSkipWording);
  CHECK(oldEra.reason.contains(QLatin1String("v0.12.4")));
  const OllamaLog newer = parseOllamaLog(QStringLiteral(
      R"L(time=t level=DEBUG source=r.go:1 msg="skipping available library at user's request" requested=cuda_v12 libDir=/r/cuda_v13)L"));
  const EraFinding newEra = detectEra(newer.starts.constFirst());
  CHECK(newEra.era == OllamaEra::A);
  CHECK_FALSE(newEra.oldSkipWording);
  CHECK(newEra.reason.contains(QLatin1String("v0.13.0")));
}
