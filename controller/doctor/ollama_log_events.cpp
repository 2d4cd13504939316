// Line classification for Ollama logs: two tables (slog msg → event, raw-line pattern → event)
// and the journal/container prefixes removed before either is tried.
#include "doctor/ollama_log_events.h"

#include <QRegularExpression>

namespace vgpu::controller::doctor {

namespace {

enum class Match { Exact, Prefix, Contains };

struct MessageRule {
  const char* text;
  Match match;
  EventKind kind;
};

// slog msg → event. First match wins; the texts are Ollama's (discover/, server/, llm/).
constexpr MessageRule kMessageRules[] = {
    {"server config", Match::Exact, EventKind::ServerConfig},
    {"Listening on", Match::Prefix, EventKind::Listening},
    {"discovering available GPUs", Match::Prefix, EventKind::DiscoveringGpus},
    {"user overrode visible devices", Match::Contains, EventKind::UserOverrodeVisible},
    {"skipping available library at user", Match::Contains, EventKind::SkipAtUserRequest},
    {"jetpack not detected", Match::Contains, EventKind::JetpackNotDetected},
    {"Vulkan support disabled", Match::Contains, EventKind::VulkanDisabled},
    {"bootstrap discovery took", Match::Prefix, EventKind::BootstrapDiscovery},
    {"starting runner", Match::Prefix, EventKind::StartingRunner},
    {"starting llama-server", Match::Prefix, EventKind::StartingRunner},
    {"evaluating which, if any, devices to filter out", Match::Prefix, EventKind::EvaluatingFilter},
    {"verifying if device is supported", Match::Prefix, EventKind::VerifyingDevice},
    {"didn't fully initialize", Match::Contains, EventKind::FilterNotInitialized},
    {"overlapping libraries", Match::Contains, EventKind::FilterOverlap},
    {"dropping duplicate device", Match::Prefix, EventKind::DroppingDuplicate},
    {"inference compute", Match::Exact, EventKind::InferenceCompute},
    {"failure during llama-server GPU discovery", Match::Contains, EventKind::LlamaServerFailure},
    {"llama-server not available", Match::Contains, EventKind::LlamaServerMissing},
    {"pseudo-device with zero memory", Match::Contains, EventKind::ZeroMemory},
    {"not in compiled architectures", Match::Contains, EventKind::ComputeNotCompiled},
    {"NVIDIA driver too old", Match::Contains, EventKind::DriverTooOld},
    {"could not verify NVIDIA driver", Match::Contains, EventKind::DriverUnverified},
    {"looking for compatible GPUs", Match::Contains, EventKind::LegacyProbe},
    {"discovered GPU libraries", Match::Contains, EventKind::LegacyProbe},
    {"detected GPUs", Match::Exact, EventKind::LegacyProbe},
    {"searching for GPU discovery libraries", Match::Contains, EventKind::LegacyProbe},
    {"entering low vram mode", Match::Contains, EventKind::VramInfo},
    {"vram-based default context", Match::Contains, EventKind::VramInfo},
};

struct RawRule {
  const char* pattern; // named groups become LogEvent::fields
  EventKind kind;
};

// Runner / llama-server output that reaches the log verbatim (OLLAMA_DEBUG=2, or era B trace).
constexpr RawRule kRawRules[] = {
    {R"(^ggml_cuda_init: found (?<count>\d+) CUDA devices)", EventKind::GgmlCudaFound},
    {R"(^ggml_cuda_init: (?<error>.*(?:fail|error|no CUDA).*)$)", EventKind::GgmlCudaFailed},
    {R"(^\s*Device (?<index>\d+): (?<name>.+?), compute capability (?<compute>\d+\.\d+))", EventKind::GgmlCudaDevice},
    {R"(^load_backend: loaded (?<backend>.+?) backend from (?<path>\S+))", EventKind::LoadBackendLoaded},
    {R"(^load_backend: (?<error>failed.*)$)", EventKind::LoadBackendFailed},
    {R"(^\s*(?<device>(?:CUDA|ROCm|Vulkan|HIP)\d+): (?<name>.+) \((?<total>\d+) MiB, (?<free>\d+) MiB free\))",
     EventKind::ListDevice},
    {R"(CUDA : ARCHS = (?<archs>[\d,]+))", EventKind::CudaArchs},
    {R"(load_tensors: offloaded (?<offloaded>\d+)/(?<layers>\d+) layers to GPU)", EventKind::LayersOffloaded},
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
    {EventKind::LlamaServerFailure, "llama-server-failure"},
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

bool matches(const MessageRule& rule, const QString& message) {
  const QLatin1String text(rule.text);
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
