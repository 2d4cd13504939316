// What the discovery-cause rules need to know about one server start, gathered once: the
// verbosity the log shows, OLLAMA_LLM_LIBRARY and CUDA_VISIBLE_DEVICES as the server reported
// them, which variant folders were visited (bootstrap lines) and the events by kind.
//
// Runner output (ggml_cuda_init, load_backend, Device N) reaches the log during discovery only
// at OLLAMA_DEBUG=2, but while a model loads at every level (Ollama copies the runner's stdout
// and stderr: llm/server.go, llm/llama_server.go). Such a line proves trace level only when it
// comes before the discovery ended (the first "inference compute" line); after it, it is model
// load output and says nothing about the level nor about which folders discovery visited.
#pragma once

#include "doctor/logs/discovery_verdict.h"

#include <QMap>
#include <QStringList>
#include <optional>

namespace vgpu::controller::doctor {

struct DiscoveryFacts {
  const ServerStart* start = nullptr;
  EraFinding era;
  LogLevel verbosity = LogLevel::Unknown; // most verbose of the lines and the configured OLLAMA_DEBUG
  bool debugVisible = false;              // Debug discovery lines can be expected in this log
  bool traceVisible = false;              // runner output (OLLAMA_DEBUG=2) can be expected
  QMap<QString, QString> serverEnv;       // from "server config" env="map[…]"
  const LogEvent* serverConfig = nullptr;
  QString requestedLibrary; // trimmed of spaces and quotes as Ollama trims it
  const LogEvent* requestedSource = nullptr;
  bool requestRestricts = false; // the value restricts discovery (set, and not mlx_* from v0.20.4)
  QStringList visitedFolders;    // variant folder names from bootstrap, filter and backend lines (root excluded)
  QString libraryRoot;           // from bootstrap or skip lines, e.g. /usr/local/lib/ollama
  std::optional<int> initialCount;
  DiscoveryMode mode = DiscoveryMode::Undecided;
  bool discoveryFinished = false; // the bootstrap pass ended (initial_count or inference compute seen)
  int discoveryEndLine = 0;       // the first "inference compute" line; 0 = none (discovery not ended)
  QList<ComputeDevice> devices;

  QList<const LogEvent*> events(EventKind kind) const;
  // Runner output of the discovery itself (before discoveryEndLine), not of a model load.
  QList<const LogEvent*> discoveryEvents(EventKind kind) const;
  bool duringDiscovery(const LogEvent& event) const;
  const LogEvent* first(EventKind kind) const;
};

DiscoveryFacts gatherDiscoveryFacts(const ServerStart& start);

// The variables of Ollama's "server config" env="map[K:V K:V …]" value.
QMap<QString, QString> parseServerConfigEnv(const QString& value);

// The folders of an OLLAMA_LIBRARY_PATH attribute value "[/a/b /a/b/cuda_v12]".
QStringList parseLibraryPathList(const QString& value);

// The ranked causes for a start that did not end in GPU mode (the rule table lives in
// discovery_causes.cpp).
QList<DiscoveryCause> rankDiscoveryCauses(const DiscoveryFacts& facts);

} // namespace vgpu::controller::doctor
