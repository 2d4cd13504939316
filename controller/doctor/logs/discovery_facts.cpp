// Gathering the facts of one server start for the cause rules: verbosity, the server's own report
// of its environment, visited variant folders, initial_count and the "inference compute" devices.
#include "doctor/logs/discovery_facts.h"

#include "doctor/machine/jetpack_vulkan_checks.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace vgpu::controller::doctor {

namespace {

struct DebugSetting {
  const char* value; // OLLAMA_DEBUG as "server config" prints it (case-insensitive)
  LogLevel level;
};

// Older servers print a bool, newer ones the slog level; 2 / DEBUG-4 / TRACE add runner output.
constexpr DebugSetting kDebugSettings[] = {
    {"false", LogLevel::Info},  {"0", LogLevel::Info},        {"INFO", LogLevel::Info}, {"true", LogLevel::Debug},
    {"1", LogLevel::Debug},     {"DEBUG", LogLevel::Debug},   {"2", LogLevel::Trace},   {"DEBUG-4", LogLevel::Trace},
    {"TRACE", LogLevel::Trace}, {"DEBUG-8", LogLevel::Trace},
};

// Lower is more verbose: Trace < Debug < Info < Warn < Error.
int verbosityRank(LogLevel level) {
  switch (level) {
  case LogLevel::Trace: return 0;
  case LogLevel::Debug: return 1;
  case LogLevel::Info: return 2;
  case LogLevel::Warn: return 3;
  case LogLevel::Error: return 4;
  case LogLevel::Unknown: break;
  }
  return 5;
}

LogLevel moreVerbose(LogLevel a, LogLevel b) {
  return verbosityRank(a) <= verbosityRank(b) ? a : b;
}

bool isRunnerOutput(EventKind kind) {
  return kind == EventKind::GgmlCudaFound || kind == EventKind::GgmlCudaFailed || kind == EventKind::GgmlCudaDevice ||
         kind == EventKind::LoadBackendLoaded || kind == EventKind::LoadBackendFailed;
}

QString trimmedLibraryValue(QString value) {
  value = value.trimmed();
  while (!value.isEmpty() && (value.front() == u'"' || value.front() == u'\'')) {
    value.remove(0, 1);
  }
  while (!value.isEmpty() && (value.back() == u'"' || value.back() == u'\'')) {
    value.chop(1);
  }
  return value.trimmed();
}

ComputeDevice deviceFrom(const LogEvent& event) {
  const auto field = [&event](const char* key) { return event.fields.value(QLatin1String(key)); };
  ComputeDevice device;
  device.id = field("id");
  device.library = field("library");
  device.name = field("description").isEmpty() ? field("name") : field("description");
  device.compute = field("compute");
  device.driver = field("driver");
  device.pciId = field("pci_id");
  device.total = field("total");
  device.available = field("available");
  device.libdirs = field("libdirs");
  device.line = event.line;
  return device;
}

// Lines that name a folder Ollama visited (skip and jetpack lines name folders it did not).
constexpr EventKind kVisitingKinds[] = {
    EventKind::VerifyingDevice,   EventKind::FilterNotInitialized, EventKind::FilterOverlap,
    EventKind::DroppingDuplicate, EventKind::LlamaServerFailure,   EventKind::ComputeNotCompiled,
    EventKind::DriverTooOld,      EventKind::ZeroMemory,           EventKind::LoadBackendLoaded,
    EventKind::LoadBackendFailed,
};

// The variant folder a visiting line names: libdir=/root/cuda_v13, library=/root/cuda_v12, or a
// backend path /root/cuda_v13/libggml-cuda.so.
QString visitedFolderOf(const LogEvent& event) {
  static const QRegularExpression kBackendPath(QStringLiteral(R"((/\S+)/libggml-[\w.-]+\.so)"));
  for (const char* key : {"libdir", "libDir", "library", "path", "error"}) {
    const QString value = event.fields.value(QLatin1String(key));
    if (!value.contains(u'/')) {
      continue;
    }
    const auto backend = kBackendPath.match(value);
    return QFileInfo(backend.hasMatch() ? backend.captured(1) : value).fileName();
  }
  return QString();
}

bool isCpuDevice(const ComputeDevice& device) {
  return device.library.compare(QLatin1String("cpu"), Qt::CaseInsensitive) == 0 ||
         device.id.compare(QLatin1String("cpu"), Qt::CaseInsensitive) == 0;
}

} // namespace

bool DiscoveryFacts::duringDiscovery(const LogEvent& event) const {
  return discoveryEndLine == 0 || event.line < discoveryEndLine;
}

QList<const LogEvent*> DiscoveryFacts::discoveryEvents(EventKind kind) const {
  QList<const LogEvent*> found;
  for (const LogEvent* event : events(kind)) {
    if (duringDiscovery(*event)) {
      found.append(event);
    }
  }
  return found;
}

QList<const LogEvent*> DiscoveryFacts::events(EventKind kind) const {
  QList<const LogEvent*> found;
  for (const LogEvent& event : start->events) {
    if (event.kind == kind) {
      found.append(&event);
    }
  }
  return found;
}

const LogEvent* DiscoveryFacts::first(EventKind kind) const {
  for (const LogEvent& event : start->events) {
    if (event.kind == kind) {
      return &event;
    }
  }
  return nullptr;
}

QMap<QString, QString> parseServerConfigEnv(const QString& value) {
  QMap<QString, QString> variables;
  QString body = value.trimmed();
  if (body.startsWith(QLatin1String("map[")) && body.endsWith(u']')) {
    body = body.mid(4, body.size() - 5);
  }
  // Words are split at spaces outside brackets (OLLAMA_ORIGINS:[a b c] is one word).
  QStringList words;
  QString word;
  int depth = 0;
  for (const QChar c : std::as_const(body)) {
    if (c == u'[') {
      ++depth;
    } else if (c == u']' && depth > 0) {
      --depth;
    }
    if (c == u' ' && depth == 0) {
      words.append(word);
      word.clear();
    } else {
      word.append(c);
    }
  }
  words.append(word);
  QString lastKey;
  for (const QString& entry : std::as_const(words)) {
    const qsizetype colon = entry.indexOf(u':');
    static const QRegularExpression kKey(QStringLiteral(R"(^[A-Za-z_][A-Za-z0-9_]*$)"));
    const bool looksLikeKey = colon > 0 && kKey.match(entry.left(colon)).hasMatch();
    if (looksLikeKey) {
      lastKey = entry.left(colon);
      variables.insert(lastKey, entry.mid(colon + 1));
    } else if (!lastKey.isEmpty()) {
      variables[lastKey] += u' ' + entry; // a value with a space the map printer did not bracket
    }
  }
  return variables;
}

QStringList parseLibraryPathList(const QString& value) {
  QString body = value.trimmed();
  if (body.startsWith(u'[') && body.endsWith(u']')) {
    body = body.mid(1, body.size() - 2);
  }
  return body.split(QRegularExpression(QStringLiteral(R"([\s:]+)")), Qt::SkipEmptyParts);
}

DiscoveryFacts gatherDiscoveryFacts(const ServerStart& start) {
  DiscoveryFacts facts;
  facts.start = &start;
  facts.era = detectEra(start);
  if (const LogEvent* end = facts.first(EventKind::InferenceCompute)) {
    facts.discoveryEndLine = end->line;
  }

  LogLevel verbosity = LogLevel::Info;
  for (const LogEvent& event : start.events) {
    if (event.slog && event.level != LogLevel::Unknown) {
      verbosity = moreVerbose(verbosity, event.level);
    } else if (isRunnerOutput(event.kind) && facts.duringDiscovery(event)) {
      // Before the first "inference compute": discovery output, copied only at OLLAMA_DEBUG=2.
      verbosity = moreVerbose(verbosity, LogLevel::Trace);
    }
  }

  facts.serverConfig = facts.first(EventKind::ServerConfig);
  if (facts.serverConfig != nullptr) {
    facts.serverEnv = parseServerConfigEnv(facts.serverConfig->fields.value(QStringLiteral("env")));
    const QString debug = facts.serverEnv.value(QStringLiteral("OLLAMA_DEBUG"));
    for (const DebugSetting& setting : kDebugSettings) {
      if (debug.compare(QLatin1String(setting.value), Qt::CaseInsensitive) == 0) {
        verbosity = moreVerbose(verbosity, setting.level);
      }
    }
    const QString requested = trimmedLibraryValue(facts.serverEnv.value(QStringLiteral("OLLAMA_LLM_LIBRARY")));
    if (!requested.isEmpty()) {
      facts.requestedLibrary = requested;
      facts.requestedSource = facts.serverConfig;
    }
  }
  facts.verbosity = verbosity;
  facts.debugVisible = verbosityRank(verbosity) <= verbosityRank(LogLevel::Debug);
  facts.traceVisible = verbosity == LogLevel::Trace;

  for (const LogEvent* skip : facts.events(EventKind::SkipAtUserRequest)) {
    if (facts.requestedLibrary.isEmpty()) {
      facts.requestedLibrary = trimmedLibraryValue(skip->fields.value(QStringLiteral("requested")));
      facts.requestedSource = skip;
    }
    const QString libDir = skip->fields.value(QStringLiteral("libDir"));
    if (facts.libraryRoot.isEmpty() && !libDir.isEmpty()) {
      facts.libraryRoot = QFileInfo(libDir).path();
    }
  }
  for (const LogEvent* bootstrap : facts.events(EventKind::BootstrapDiscovery)) {
    const QStringList folders = parseLibraryPathList(bootstrap->fields.value(QStringLiteral("OLLAMA_LIBRARY_PATH")));
    if (!folders.isEmpty() && facts.libraryRoot.isEmpty()) {
      facts.libraryRoot = folders.constFirst();
    }
    for (const QString& folder : folders.mid(1)) {
      const QString name = QFileInfo(folder).fileName();
      if (!facts.visitedFolders.contains(name)) {
        facts.visitedFolders.append(name);
      }
    }
  }
  for (const EventKind kind : kVisitingKinds) {
    for (const LogEvent* event : facts.discoveryEvents(kind)) {
      const QString folder = visitedFolderOf(*event);
      if (!folder.isEmpty() && folder != QLatin1String("ollama") && !facts.visitedFolders.contains(folder)) {
        facts.visitedFolders.append(folder);
      }
    }
  }
  if (const LogEvent* evaluating = facts.first(EventKind::EvaluatingFilter)) {
    bool ok = false;
    // v0.12.4–v0.12.6 "filtering out unsupported or overlapping GPU library combinations" count=N
    const QString key = evaluating->fields.contains(QStringLiteral("initial_count")) ? QStringLiteral("initial_count")
                                                                                     : QStringLiteral("count");
    const int count = evaluating->fields.value(key).toInt(&ok);
    if (ok) {
      facts.initialCount = count;
    }
  }

  bool sawCpu = false;
  for (const LogEvent* event : facts.events(EventKind::InferenceCompute)) {
    const ComputeDevice device = deviceFrom(*event);
    if (isCpuDevice(device)) {
      sawCpu = true;
    } else {
      facts.devices.append(device);
    }
  }
  // OLLAMA_LLM_LIBRARY=mlx_* does not restrict the GPU folders from v0.20.4 (discover/runner.go).
  const bool mlxIgnored = facts.requestedLibrary.startsWith(QLatin1String("mlx_")) &&
                          (facts.era.version.isEmpty() || ollamaVersionAtLeast(facts.era.version, 0, 20, 4));
  facts.requestRestricts = !facts.requestedLibrary.isEmpty() && !mlxIgnored;
  facts.discoveryFinished = facts.initialCount.has_value() || !facts.events(EventKind::InferenceCompute).isEmpty();
  facts.mode = !facts.devices.isEmpty() ? DiscoveryMode::Gpu : sawCpu ? DiscoveryMode::Cpu : DiscoveryMode::Undecided;
  return facts;
}

} // namespace vgpu::controller::doctor
