// Server-start splitting and era dating for Ollama logs. Versions map to eras through the
// installation model's table (controller/ollama/ollama_version.cpp), so both agree.
#include "doctor/logs/ollama_log.h"

namespace vgpu::controller::doctor {

namespace {

bool startsNewServer(const ServerStart& current, const LogEvent& event) {
  bool haveRecognised = false;
  bool haveListening = false;
  QString lastPid; // of the latest earlier line from the same process (journal prefixes only)
  for (const LogEvent& earlier : current.events) {
    haveRecognised = haveRecognised || (earlier.kind != EventKind::Other && earlier.kind != EventKind::Malformed);
    haveListening = haveListening || earlier.kind == EventKind::Listening;
    if (!earlier.pid.isEmpty() && earlier.process == event.process) {
      lastPid = earlier.pid;
    }
  }
  // A systemd "Started" line before "server config" belongs to the same start.
  if (event.kind == EventKind::ServerConfig) {
    return haveRecognised;
  }
  if (event.kind == EventKind::Listening && haveListening) {
    return true;
  }
  return !event.pid.isEmpty() && !lastPid.isEmpty() && event.pid != lastPid;
}

bool isEraBLine(const LogEvent& event) {
  switch (event.kind) {
  case EventKind::LlamaServerFailure:
  case EventKind::DiscoveryTimedOut:
  case EventKind::SystemInfoMissing:
  case EventKind::IntegratedGpuDropped:
  case EventKind::LlamaServerMissing:
  case EventKind::ListDevice:
  case EventKind::ZeroMemory:
  case EventKind::ComputeNotCompiled:
  case EventKind::DriverTooOld:
  case EventKind::DriverUnverified: return true;
  case EventKind::StartingRunner:
    return event.fields.value(QStringLiteral("cmd")).contains(QLatin1String("llama-server"));
  default: return false;
  }
}

} // namespace

OllamaLog parseOllamaLog(const QString& text) {
  OllamaLog log;
  log.events = parseOllamaLogEvents(text);
  log.lineCount = static_cast<int>(text.count(u'\n')) + (text.endsWith(u'\n') || text.isEmpty() ? 0 : 1);
  ServerStart current;
  for (const LogEvent& event : std::as_const(log.events)) {
    if (event.kind == EventKind::Malformed) {
      ++log.malformedLines;
    } else if (event.kind != EventKind::Other) {
      ++log.recognizedLines;
    }
    if (startsNewServer(current, event)) {
      log.starts.append(current);
      current = ServerStart{};
    }
    if (current.events.isEmpty()) {
      current.firstLine = event.line;
    }
    current.lastLine = event.line;
    current.events.append(event);
  }
  if (!current.events.isEmpty()) {
    log.starts.append(current);
  }
  log.isOllamaLog = log.recognizedLines > 0;
  return log;
}

EraFinding detectEra(const ServerStart& start) {
  EraFinding finding;
  for (const LogEvent& event : start.events) {
    if (event.kind == EventKind::Listening && event.fields.contains(QStringLiteral("version"))) {
      finding.version = event.fields.value(QStringLiteral("version"));
      finding.era = eraOfVersion(finding.version);
      finding.line = event.line;
      finding.reason = QStringLiteral("version %1 (line %2)").arg(finding.version).arg(event.line);
    }
    if (event.kind == EventKind::SkipAtUserRequest && event.message.contains(QLatin1String("users request"))) {
      finding.oldSkipWording = true;
    }
  }
  if (finding.era != OllamaEra::Unknown) {
    return finding;
  }
  // No version line (a log excerpt): date it by lines only one era writes.
  for (const LogEvent& event : start.events) {
    if (isEraBLine(event)) {
      return {OllamaEra::B, finding.version,
              QStringLiteral("llama-server discovery lines (line %1) exist only from v0.30").arg(event.line),
              event.line, finding.oldSkipWording};
    }
  }
  for (const LogEvent& event : start.events) {
    if (event.kind == EventKind::SkipAtUserRequest) {
      return {OllamaEra::A, finding.version,
              finding.oldSkipWording
                  ? QStringLiteral("skip wording \"at users request\" (line %1): v0.12.4–v0.12.11").arg(event.line)
                  : QStringLiteral("skip wording \"at user's request\" (line %1): v0.13.0 or later; no "
                                   "llama-server lines, so A")
                        .arg(event.line),
              event.line, finding.oldSkipWording};
    }
    if (event.kind == EventKind::BootstrapDiscovery || event.kind == EventKind::StartingRunner ||
        event.kind == EventKind::RunnerDiscoveryFailure) {
      return {OllamaEra::A, finding.version,
              QStringLiteral("runner-based bootstrap discovery (line %1)").arg(event.line), event.line,
              finding.oldSkipWording};
    }
    if (event.kind == EventKind::LegacyProbe) {
      return {OllamaEra::OldProbes, finding.version,
              QStringLiteral("in-server GPU probe lines (line %1): before v0.12.4").arg(event.line), event.line,
              finding.oldSkipWording};
    }
  }
  finding.reason = QStringLiteral("no version line and no era-specific discovery line");
  return finding;
}

} // namespace vgpu::controller::doctor
