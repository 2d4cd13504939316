// Assembling the discovery verdict of the last server start: mode, devices, ranked causes,
// timeline, and its JSON form (documented in docs/doctor-json.md, "details" of
// logs.discovery-verdict).
#include "doctor/logs/discovery_verdict.h"

#include "doctor/logs/discovery_facts.h"

#include <QJsonArray>

namespace vgpu::controller::doctor {

namespace {

// The attributes a timeline entry shows, in this order, when the line has them.
constexpr const char* kTimelineFields[] = {
    "requested", "libDir",        "OLLAMA_LIBRARY_PATH",
    "duration",  "initial_count", "id",
    "library",   "description",   "compute",
    "pci_id",    "total",         "detail",
    "error",     "count",         "device",
    "name",      "version",       "archs",
    "offloaded", "layers",        "cmd",
};

QString timelineSummary(const LogEvent& event) {
  QStringList parts{event.slog ? event.message : event.text.trimmed()};
  if (event.slog) {
    for (const char* key : kTimelineFields) {
      const QString name = QString::fromLatin1(key);
      if (event.fields.contains(name)) {
        parts.append(name + u'=' + event.fields.value(name));
      }
    }
  }
  return parts.join(u' ');
}

QString deviceSummary(const ComputeDevice& device) {
  return QStringLiteral("%1 (%2, compute %3, %4)")
      .arg(device.name.isEmpty() ? device.id : device.name, device.library, device.compute, device.total);
}

QString summaryOf(const DiscoveryVerdict& verdict, int lineCount) {
  switch (verdict.mode) {
  case DiscoveryMode::NotOllamaLog:
    return QStringLiteral("Not an Ollama log: none of its %1 lines is a line the Ollama server writes.").arg(lineCount);
  case DiscoveryMode::Gpu: {
    QStringList devices;
    for (const ComputeDevice& device : verdict.devices) {
      devices.append(deviceSummary(device));
    }
    return QStringLiteral("Ollama uses the GPU: %1.").arg(devices.join(QStringLiteral(", ")));
  }
  case DiscoveryMode::Cpu:
    return verdict.causes.isEmpty() ? QStringLiteral("Ollama runs in CPU mode; the log shows no cause.")
                                    : QStringLiteral("Ollama runs in CPU mode. Most likely cause: %1.")
                                          .arg(verdict.causes.constFirst().title);
  case DiscoveryMode::Undecided: break;
  }
  return QStringLiteral("GPU discovery did not finish in the last server start of this log.");
}

QJsonArray toJsonArray(const QStringList& list) {
  QJsonArray array;
  for (const QString& item : list) {
    array.append(item);
  }
  return array;
}

} // namespace

QString discoveryModeName(DiscoveryMode mode) {
  switch (mode) {
  case DiscoveryMode::Gpu: return QStringLiteral("gpu");
  case DiscoveryMode::Cpu: return QStringLiteral("cpu");
  case DiscoveryMode::Undecided: return QStringLiteral("undecided");
  case DiscoveryMode::NotOllamaLog: break;
  }
  return QStringLiteral("not-ollama-log");
}

QString evidenceStrengthName(EvidenceStrength strength) {
  switch (strength) {
  case EvidenceStrength::Weak: return QStringLiteral("weak");
  case EvidenceStrength::Strong: return QStringLiteral("strong");
  case EvidenceStrength::Decisive: break;
  }
  return QStringLiteral("decisive");
}

DiscoveryVerdict analyseDiscovery(const OllamaLog& log) {
  DiscoveryVerdict verdict;
  verdict.serverStarts = static_cast<int>(log.starts.size());
  if (!log.isOllamaLog || log.starts.isEmpty()) {
    verdict.mode = DiscoveryMode::NotOllamaLog;
    verdict.summary = summaryOf(verdict, log.lineCount);
    return verdict;
  }
  // Only the last start counts: an earlier one ran with another configuration.
  const ServerStart& start = log.starts.constLast();
  const DiscoveryFacts facts = gatherDiscoveryFacts(start);
  verdict.mode = facts.mode;
  verdict.era = facts.era;
  verdict.lastStartLine = start.firstLine;
  verdict.logLevel = facts.verbosity;
  verdict.requestedLibrary = facts.requestedLibrary;
  verdict.devices = facts.devices;
  if (verdict.mode != DiscoveryMode::Gpu) {
    verdict.causes = rankDiscoveryCauses(facts);
  }
  for (const LogEvent& event : start.events) {
    if (event.kind != EventKind::Other && event.kind != EventKind::Malformed) {
      verdict.timeline.append({event.line, event.time, eventKindName(event.kind), timelineSummary(event)});
    }
  }
  verdict.summary = summaryOf(verdict, log.lineCount);
  return verdict;
}

QJsonObject verdictToJson(const DiscoveryVerdict& verdict) {
  QJsonArray devices;
  for (const ComputeDevice& device : verdict.devices) {
    devices.append(QJsonObject{{QStringLiteral("id"), device.id},
                               {QStringLiteral("library"), device.library},
                               {QStringLiteral("name"), device.name},
                               {QStringLiteral("compute"), device.compute},
                               {QStringLiteral("driver"), device.driver},
                               {QStringLiteral("pciId"), device.pciId},
                               {QStringLiteral("total"), device.total},
                               {QStringLiteral("available"), device.available},
                               {QStringLiteral("libdirs"), device.libdirs},
                               {QStringLiteral("line"), device.line}});
  }
  QJsonArray causes;
  int rank = 0;
  for (const DiscoveryCause& found : verdict.causes) {
    QJsonArray evidence;
    for (const LogEvidence& item : found.evidence) {
      evidence.append(QJsonObject{{QStringLiteral("line"), item.line},
                                  {QStringLiteral("excerpt"), item.excerpt},
                                  {QStringLiteral("why"), item.why}});
    }
    QJsonObject cause{{QStringLiteral("id"), found.id},
                      {QStringLiteral("rank"), ++rank},
                      {QStringLiteral("title"), found.title},
                      {QStringLiteral("strength"), evidenceStrengthName(found.strength)},
                      {QStringLiteral("explanation"), found.explanation},
                      {QStringLiteral("nextStep"), found.nextStep},
                      {QStringLiteral("evidence"), evidence},
                      {QStringLiteral("action"), QJsonValue::Null}};
    if (found.action) {
      cause.insert(QStringLiteral("action"),
                   QJsonObject{{QStringLiteral("verb"), found.action->verbName()},
                               {QStringLiteral("arguments"), toJsonArray(found.action->arguments)},
                               {QStringLiteral("temporary"), found.action->temporary}});
    }
    causes.append(cause);
  }
  QJsonArray timeline;
  for (const TimelineEntry& entry : verdict.timeline) {
    timeline.append(QJsonObject{{QStringLiteral("line"), entry.line},
                                {QStringLiteral("time"), entry.time},
                                {QStringLiteral("event"), entry.event},
                                {QStringLiteral("summary"), entry.summary}});
  }
  return QJsonObject{{QStringLiteral("mode"), discoveryModeName(verdict.mode)},
                     {QStringLiteral("era"), eraName(verdict.era.era)},
                     {QStringLiteral("eraReason"), verdict.era.reason},
                     {QStringLiteral("version"), verdict.era.version},
                     {QStringLiteral("logLevel"), logLevelName(verdict.logLevel)},
                     {QStringLiteral("requestedLibrary"), verdict.requestedLibrary},
                     {QStringLiteral("serverStarts"), verdict.serverStarts},
                     {QStringLiteral("lastStartLine"), verdict.lastStartLine},
                     {QStringLiteral("summary"), verdict.summary},
                     {QStringLiteral("devices"), devices},
                     {QStringLiteral("causes"), causes},
                     {QStringLiteral("timeline"), timeline}};
}

} // namespace vgpu::controller::doctor
