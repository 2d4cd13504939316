// The discovery verdict for an Ollama log: which mode the last server start ended in (GPU with
// its devices from the "inference compute" lines, or CPU), the causes of CPU mode ranked by the
// strength of their evidence (each with its evidence lines, an explanation and the next step),
// and the discovery timeline of that start. This is the core the `logs.discovery-verdict` check
// and the console show.
#pragma once

#include "changes/helper_command.h"

#include "doctor/logs/ollama_log.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace vgpu::controller::doctor {

enum class DiscoveryMode { Gpu, Cpu, Undecided, NotOllamaLog };

// How directly the log shows a cause; causes are ranked by this, then by table order.
enum class EvidenceStrength { Weak = 1, Strong = 2, Decisive = 3 };

struct LogEvidence {
  int line = 0;
  QString excerpt; // the line as written (journal prefix removed)
  QString why;     // what this line shows
};

struct DiscoveryCause {
  QString id; // stable, e.g. "requested-library-not-visited"
  QString title;
  EvidenceStrength strength = EvidenceStrength::Weak;
  QString explanation;
  QString nextStep;
  std::optional<HelperCommand> action; // a change the admin can apply through vgpu-helper
  QList<LogEvidence> evidence;
};

struct ComputeDevice {
  QString id;
  QString library;
  QString name; // the marketing name: description= when present (v0.12+), else name=
  QString compute;
  QString driver;
  QString pciId;
  QString total;
  QString available;
  QString libdirs;
  int line = 0;
};

struct TimelineEntry {
  int line = 0;
  QString time;
  QString event; // eventKindName()
  QString summary;
};

struct DiscoveryVerdict {
  DiscoveryMode mode = DiscoveryMode::NotOllamaLog;
  EraFinding era;
  int serverStarts = 0;
  int lastStartLine = 0;
  LogLevel logLevel = LogLevel::Unknown; // the most verbose level the last start shows
  QString requestedLibrary;              // OLLAMA_LLM_LIBRARY as the log shows it ("" = not set / not shown)
  QString summary;
  QList<ComputeDevice> devices;
  QList<DiscoveryCause> causes; // ranked, most likely first; empty in GPU mode
  QList<TimelineEntry> timeline;
};

DiscoveryVerdict analyseDiscovery(const OllamaLog& log);

// "gpu", "cpu", "undecided", "not-ollama-log".
QString discoveryModeName(DiscoveryMode mode);
// "weak", "strong", "decisive".
QString evidenceStrengthName(EvidenceStrength strength);

QJsonObject verdictToJson(const DiscoveryVerdict& verdict);

} // namespace vgpu::controller::doctor
