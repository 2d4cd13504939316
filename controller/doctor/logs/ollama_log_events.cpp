// Line classification for Ollama logs: two tables (slog msg → event, raw-line pattern → event)
// and the journal/container prefixes removed before either is tried.
#include "doctor/logs/ollama_log_events.h"

#include <QRegularExpression>

namespace vgpu::controller::doctor {

namespace {

using Match = MessageMatch;

// Texts exactly as Ollama's source prints them (tests/data/ollama-facts/messages.tsv gives each
// one's level and tag range). Older wordings keep their own rows: a v0.12.x log is read too.
constexpr MessageRule kMessageRules[] = {
    {"server config", Match::Exact, EventKind::ServerConfig},
    {"Listening on %s (version %s)", Match::Prefix, EventKind::Listening}, // a Sprintf format
    {"discovering available GPUs...", Match::Exact, EventKind::DiscoveringGpus},
    {"user overrode visible devices", Match::Exact, EventKind::UserOverrodeVisible},
    {"skipping available library at user's request", Match::Exact, EventKind::SkipAtUserRequest}, // v0.13.0+
    {"skipping available library at users request", Match::Exact, EventKind::SkipAtUserRequest},  // v0.12.4–v0.12.11
    {"jetpack not detected (set JETSON_JETPACK or OLLAMA_LLM_LIBRARY to override), skipping", Match::Exact,
     EventKind::JetpackNotDetected},
    {"experimental Vulkan support disabled.  To enable, set OLLAMA_VULKAN=1", Match::Exact, EventKind::VulkanDisabled},
    {"bootstrap discovery took", Match::Exact, EventKind::BootstrapDiscovery},
    {"starting runner", Match::Exact, EventKind::StartingRunner},
    {"starting llama-server", Match::Exact, EventKind::StartingRunner},
    {"evaluating which, if any, devices to filter out", Match::Exact, EventKind::EvaluatingFilter}, // v0.13.0+
    {"evluating which if any devices to filter out", Match::Exact, EventKind::EvaluatingFilter}, // v0.12.7–v0.12.11
    {"filtering out unsupported or overlapping GPU library combinations", Match::Exact,
     EventKind::EvaluatingFilter},                                                  // v0.12.4–v0.12.6, count=
    {"verifying if device is supported", Match::Exact, EventKind::VerifyingDevice}, // v0.13.0+
    {"verifying device is supported", Match::Exact, EventKind::VerifyingDevice},    // v0.12.10–v0.12.11
    {"verifying GPU is supported", Match::Exact, EventKind::VerifyingDevice},       // v0.12.4–v0.12.9
    {"filtering device which didn't fully initialize", Match::Exact, EventKind::FilterNotInitialized},
    {"filtering device with overlapping libraries", Match::Exact, EventKind::FilterOverlap},
    {"dropping duplicate device", Match::Exact, EventKind::DroppingDuplicate},
    {"filtering device with duplicate PCI ID", Match::Exact, EventKind::DroppingDuplicate}, // v0.12.7–v0.12.9
    {"dropping Vulkan duplicate by PCI ID", Match::Exact, EventKind::DroppingDuplicate},    // v0.12.6
    {"inference compute", Match::Exact, EventKind::InferenceCompute},
    {"failure during GPU discovery", Match::Exact, EventKind::RunnerDiscoveryFailure},
    {"failure during llama-server GPU discovery", Match::Exact, EventKind::LlamaServerFailure},
    {"llama-server GPU discovery watchdog timed out", Match::Exact, EventKind::DiscoveryTimedOut},
    {"llama-server discovery: timed out waiting for server startup", Match::Exact, EventKind::DiscoveryTimedOut},
    {"llama-server discovery: system_info line not found in output", Match::Prefix, EventKind::SystemInfoMissing},
    {"dropping integrated GPU", Match::Prefix, EventKind::IntegratedGpuDropped},
    {"llama-server not available for device discovery", Match::Exact, EventKind::LlamaServerMissing},
    {"skipping pseudo-device with zero memory", Match::Exact, EventKind::ZeroMemory},
    {"skipping CUDA device — compute capability not in compiled architectures", Match::Exact,
     EventKind::ComputeNotCompiled},
    {"NVIDIA driver too old", Match::Exact, EventKind::DriverTooOld},
    {"could not verify NVIDIA driver compatibility", Match::Prefix, EventKind::DriverUnverified},
    {"looking for compatible GPUs", Match::Exact, EventKind::LegacyProbe},
    {"discovered GPU libraries", Match::Exact, EventKind::LegacyProbe},
    {"detected GPUs", Match::Exact, EventKind::LegacyProbe},
    {"searching for GPU discovery libraries for NVIDIA", Match::Exact, EventKind::LegacyProbe},
    {"entering low vram mode", Match::Exact, EventKind::VramInfo},
    {"vram-based default context", Match::Exact, EventKind::VramInfo},
};

// Runner / llama-server output that reaches the log verbatim: during discovery only at
// OLLAMA_DEBUG=2, but at every level while a model loads (the runner's stdout and stderr are
// copied to the server's stderr). Samples: era A from the vendored ggml formats, era B from the
// lines Ollama's own regular expressions in discover/llama_server.go accept.
constexpr RawRule kRawRules[] = {
    {R"(^ggml_cuda_init: found (?<count>\d+) CUDA devices)", EventKind::GgmlCudaFound,
     "ggml_cuda_init: found 1 CUDA devices:"},
    {R"(^ggml_cuda_init: (?<error>.*(?:fail|error|no CUDA).*)$)", EventKind::GgmlCudaFailed,
     "ggml_cuda_init: failed to initialize CUDA: no CUDA-capable device is detected"},
    {R"(^\s*Device (?<index>\d+): (?<name>.+?), compute capability (?<compute>\d+\.\d+))", EventKind::GgmlCudaDevice,
     "  Device 0: NVIDIA H100 80GB HBM3, compute capability 9.0, VMM: yes, ID: "
     "GPU-6c8d7f1e-9a2b-4c3d-8e5f-0a1b2c3d4e5f"},
    {R"(^load_backend: loaded (?<backend>.+?) backend from (?<path>\S+))", EventKind::LoadBackendLoaded,
     "load_backend: loaded CUDA backend from /usr/local/lib/ollama/cuda_v12/libggml-cuda.so"},
    {R"(^load_backend: (?<error>failed.*)$)", EventKind::LoadBackendFailed,
     "load_backend: failed to load /usr/local/lib/ollama/cuda_v12/libggml-cuda.so: undefined symbol: cuCtxGetFlags"},
    {R"(^\s*(?<device>(?:CUDA|ROCm|Vulkan|HIP)\d+): (?<name>.+) \((?<total>\d+) MiB, (?<free>\d+) MiB free\))",
     EventKind::ListDevice, "  CUDA0: NVIDIA H100 80GB HBM3 (81079 MiB, 80463 MiB free)"},
    {R"(CUDA : ARCHS = (?<archs>[\d,]+))", EventKind::CudaArchs,
     "system_info: n_threads = 8 | CUDA : ARCHS = 750,800,860,890,900,1000,1200 | CPU : SSE3 = 1 |"},
    {R"(load_tensors: offloaded (?<offloaded>\d+)/(?<layers>\d+) layers to GPU)", EventKind::LayersOffloaded,
     "load_tensors: offloaded 29/29 layers to GPU"},
};

struct KindName {
  EventKind kind;
  const char* name;
};

constexpr KindName kKindNames[] = {
    {EventKind::Other, "other"},
    {EventKind::Malformed, "malformed"},
    {EventKind::ServerConfig, "server-config"},
    {EventKind::Listening, "listening"},
    {EventKind::DiscoveringGpus, "discovering-gpus"},
    {EventKind::UserOverrodeVisible, "user-overrode-visible-devices"},
    {EventKind::SkipAtUserRequest, "skip-at-user-request"},
    {EventKind::JetpackNotDetected, "jetpack-not-detected"},
    {EventKind::VulkanDisabled, "vulkan-disabled"},
    {EventKind::BootstrapDiscovery, "bootstrap-discovery"},
    {EventKind::StartingRunner, "starting-runner"},
    {EventKind::EvaluatingFilter, "evaluating-filter"},
    {EventKind::VerifyingDevice, "verifying-device"},
    {EventKind::FilterNotInitialized, "filter-not-initialized"},
    {EventKind::FilterOverlap, "filter-overlapping-libraries"},
    {EventKind::DroppingDuplicate, "dropping-duplicate"},
    {EventKind::InferenceCompute, "inference-compute"},
    {EventKind::RunnerDiscoveryFailure, "runner-discovery-failure"},
    {EventKind::LlamaServerFailure, "llama-server-failure"},
    {EventKind::DiscoveryTimedOut, "discovery-timed-out"},
    {EventKind::SystemInfoMissing, "system-info-missing"},
    {EventKind::IntegratedGpuDropped, "integrated-gpu-dropped"},
    {EventKind::LlamaServerMissing, "llama-server-missing"},
    {EventKind::ZeroMemory, "zero-memory"},
    {EventKind::ComputeNotCompiled, "compute-not-compiled"},
    {EventKind::DriverTooOld, "driver-too-old"},
    {EventKind::DriverUnverified, "driver-unverified"},
    {EventKind::LegacyProbe, "legacy-probe"},
    {EventKind::VramInfo, "vram-info"},
    {EventKind::GgmlCudaFound, "ggml-cuda-found"},
    {EventKind::GgmlCudaFailed, "ggml-cuda-failed"},
    {EventKind::GgmlCudaDevice, "ggml-cuda-device"},
    {EventKind::LoadBackendLoaded, "load-backend-loaded"},
    {EventKind::LoadBackendFailed, "load-backend-failed"},
    {EventKind::ListDevice, "list-device"},
    {EventKind::CudaArchs, "cuda-archs"},
    {EventKind::LayersOffloaded, "layers-offloaded"},
};

// The text a rule compares: a Sprintf format up to its first verb.
QString ruleText(const MessageRule& rule) {
  const QString text = QString::fromUtf8(rule.text);
  const qsizetype verb = text.indexOf(u'%');
  return verb < 0 ? text : text.left(verb);
}

bool matches(const MessageRule& rule, const QString& message) {
  const QString text = ruleText(rule);
  switch (rule.match) {
  case Match::Exact: return message == text;
  case Match::Prefix: return message.startsWith(text);
  case Match::Contains: return message.contains(text);
  }
  return false;
}

// journalctl ("Feb 26 10:00:01 host ollama[1234]: ", "2026-02-26T10:00:01+0000 host ollama[1234]: ")
// and docker compose ("[ollama-1] 2026-02-07T15:23:47.296940000Z ") prefixes.
struct Prefix {
  QString time;
  QString process;
  QString pid;
  QString rest;
};

Prefix stripPrefix(const QString& line) {
  static const QRegularExpression kJournal(QStringLiteral(
      R"(^(?<time>\S+\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}T\S+)\s+\S+\s+(?<process>[\w.@-]+)\[(?<pid>\d+)\]:\s?)"));
  static const QRegularExpression kContainer(QStringLiteral(R"(^\[[\w.-]+\]\s+(?<time>\d{4}-\d{2}-\d{2}T\S+)\s+)"));
  for (const QRegularExpression* pattern : {&kJournal, &kContainer}) {
    const auto match = pattern->match(line);
    if (match.hasMatch()) {
      return {match.captured(QStringLiteral("time")), match.captured(QStringLiteral("process")),
              match.captured(QStringLiteral("pid")), line.mid(match.capturedEnd(0))};
    }
  }
  return {QString(), QString(), QString(), line};
}

const QList<std::pair<QRegularExpression, EventKind>>& rawPatterns() {
  static const QList<std::pair<QRegularExpression, EventKind>> kCompiled = [] {
    QList<std::pair<QRegularExpression, EventKind>> compiled;
    for (const RawRule& rule : kRawRules) {
      compiled.append({QRegularExpression(QString::fromLatin1(rule.pattern)), rule.kind});
    }
    return compiled;
  }();
  return kCompiled;
}

void classifySlog(const SlogRecord& record, LogEvent* event) {
  event->slog = true;
  event->level = record.level;
  event->time = record.time;
  event->message = record.message;
  for (const auto& [key, value] : record.attributes) {
    if (!event->fields.contains(key)) {
      event->fields.insert(key, value);
    }
  }
  for (const MessageRule& rule : kMessageRules) {
    if (matches(rule, record.message)) {
      event->kind = rule.kind;
      break;
    }
  }
  if (event->kind == EventKind::Listening) {
    static const QRegularExpression kVersion(QStringLiteral(R"(\(version ([^)\s]+)\))"));
    const auto version = kVersion.match(record.message);
    if (version.hasMatch()) {
      event->fields.insert(QStringLiteral("version"), version.captured(1));
    }
  }
}

} // namespace

std::span<const MessageRule> messageRules() {
  return kMessageRules;
}

std::span<const RawRule> rawRules() {
  return kRawRules;
}

LogEvent classifyLogLine(const QString& line, int lineNumber) {
  LogEvent event;
  event.line = lineNumber;
  event.text = line;
  event.message = line;
  QString error;
  if (const auto record = parseSlogLine(line, &error)) {
    classifySlog(*record, &event);
    return event;
  }
  if (line.trimmed().startsWith(QLatin1String("time="))) {
    event.kind = EventKind::Malformed;
    event.detail = error;
    return event;
  }
  for (const auto& [pattern, kind] : rawPatterns()) {
    const auto match = pattern.match(line);
    if (!match.hasMatch()) {
      continue;
    }
    event.kind = kind;
    for (const QString& name : pattern.namedCaptureGroups()) {
      if (!name.isEmpty() && match.hasCaptured(name)) {
        event.fields.insert(name, match.captured(name).trimmed());
      }
    }
    break;
  }
  return event;
}

QList<LogEvent> parseOllamaLogEvents(const QString& text) {
  QList<LogEvent> events;
  const QStringList lines = text.split(u'\n');
  int number = 0;
  for (QString line : lines) {
    ++number;
    if (line.endsWith(u'\r')) {
      line.chop(1);
    }
    if (line.trimmed().isEmpty()) {
      continue;
    }
    const Prefix prefix = stripPrefix(line);
    LogEvent event = classifyLogLine(prefix.rest, number);
    event.process = prefix.process;
    event.pid = prefix.pid;
    if (event.time.isEmpty()) {
      event.time = prefix.time;
    }
    events.append(std::move(event));
  }
  return events;
}

QString eventKindName(EventKind kind) {
  for (const KindName& entry : kKindNames) {
    if (entry.kind == kind) {
      return QString::fromLatin1(entry.name);
    }
  }
  return QStringLiteral("other");
}

} // namespace vgpu::controller::doctor
