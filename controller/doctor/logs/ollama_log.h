// An Ollama server log as a whole: its events split into server starts (a start begins at the
// "server config" line, at a second "Listening on" line, or where the journal PID changes), and
// the discovery era of a start (old probes / A v0.12.4–v0.24 / B v0.30+), dated by the version
// line, by era-B-only lines (llama-server, --list-devices), or by the skip-message wording
// ("at users request" is v0.12.4–v0.12.11, "at user's request" v0.13.0 and later).
#pragma once

#include "doctor/logs/ollama_log_events.h"
#include "ollama/ollama_version.h"

#include <QList>
#include <QString>

namespace vgpu::controller::doctor {

// One era table for the whole controller: the installation model's (controller/ollama/).
using controller::eraName;
using controller::eraOfVersion;
using controller::OllamaEra;

struct ServerStart {
  int firstLine = 0;
  int lastLine = 0;
  QList<LogEvent> events;
};

struct EraFinding {
  OllamaEra era = OllamaEra::Unknown;
  QString version;             // from "Listening on … (version X)", if present
  QString reason;              // why this era, in words
  int line = 0;                // the line that decided it (0 = none)
  bool oldSkipWording = false; // "at users request": v0.12.4–v0.12.11
};

struct OllamaLog {
  QList<LogEvent> events;
  QList<ServerStart> starts;
  int lineCount = 0;
  int recognizedLines = 0; // events other than Other/Malformed
  int malformedLines = 0;
  bool isOllamaLog = false; // at least one line Ollama writes was recognised
};

OllamaLog parseOllamaLog(const QString& text);

EraFinding detectEra(const ServerStart& start);

} // namespace vgpu::controller::doctor
