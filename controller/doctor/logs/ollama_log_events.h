// Typed events of an Ollama server log. Each line (journal prefix removed) becomes one event:
// slog lines are classified by their msg through a table, runner / llama-server output lines
// (`ggml_cuda_init: …`, `load_backend: …`, `Device 0: …`, `CUDA0: NAME (X MiB, Y MiB free)`,
// `CUDA : ARCHS = …`) by their own table of patterns. Unrecognised lines stay as Other events so
// nothing is lost; the line number always points back at the file. Both tables are exposed so
// that tests/controller/test_doctor_facts.cpp can hold every entry against the facts generated
// from Ollama's source (tests/data/ollama-facts/).
#pragma once

#include "doctor/logs/slog_line.h"

#include <QList>
#include <QMap>
#include <QString>
#include <span>

namespace vgpu::controller::doctor {

enum class EventKind {
  Other,                  // any line not listed below (kept for the timeline's context)
  Malformed,              // looked like slog (time=) but did not parse; error in `detail`
  ServerConfig,           // "server config" env="map[…]": first line of a server start
  Listening,              // "Listening on … (version X.Y.Z)"
  DiscoveringGpus,        // "discovering available GPUs..."
  UserOverrodeVisible,    // "user overrode visible devices" (Warn; the attribute names the variable)
  SkipAtUserRequest,      // "skipping available library at user's request" (or "users request")
  JetpackNotDetected,     // "jetpack not detected … skipping"
  VulkanDisabled,         // "experimental Vulkan support disabled…"
  BootstrapDiscovery,     // "bootstrap discovery took" OLLAMA_LIBRARY_PATH=[…]
  StartingRunner,         // "starting runner" cmd=…
  EvaluatingFilter,       // "evaluating which, if any, devices to filter out" initial_count=N (and older wordings)
  VerifyingDevice,        // "verifying if device is supported" (and older wordings)
  FilterNotInitialized,   // "filtering device which didn't fully initialize"
  FilterOverlap,          // "filtering device with overlapping libraries"
  DroppingDuplicate,      // "dropping duplicate device" (CUDA/ROCm vs Vulkan), v0.12.6–v0.12.9 forms
  InferenceCompute,       // "inference compute" id=… library=…
  RunnerDiscoveryFailure, // era A "failure during GPU discovery" (Info) error=… detail=…
  LlamaServerFailure,     // era B "failure during llama-server GPU discovery" (Info) error=… detail=…
  DiscoveryTimedOut,      // era B "llama-server GPU discovery watchdog timed out", "… timed out waiting …" (Warn)
  SystemInfoMissing,      // era B "llama-server discovery: system_info line not found in output …" (Warn)
  IntegratedGpuDropped,   // era B "dropping integrated GPU; to enable, set OLLAMA_IGPU_ENABLE=1" (Info)
  LlamaServerMissing,     // era B "llama-server not available for device discovery"
  ZeroMemory,             // era B "skipping pseudo-device with zero memory" (Debug; BLAS-like pseudo-devices)
  ComputeNotCompiled,     // era B "compute capability not in compiled architectures"
  DriverTooOld,           // era B "NVIDIA driver too old"
  DriverUnverified,       // era B "could not verify NVIDIA driver compatibility"
  LegacyProbe,            // old probes: "looking for compatible GPUs", "discovered GPU libraries", …
  VramInfo,               // "entering low vram mode" / "vram-based default context"
  GgmlCudaFound,          // ggml_cuda_init: found N CUDA devices
  GgmlCudaFailed,         // ggml_cuda_init: failed to initialize CUDA: …
  GgmlCudaDevice,         // "  Device 0: NAME, compute capability 9.0, VMM: yes"
  LoadBackendLoaded,      // load_backend: loaded CUDA backend from …
  LoadBackendFailed,      // load_backend: failed to load …
  ListDevice,             // llama-server --list-devices: "CUDA0: NAME (X MiB, Y MiB free)"
  CudaArchs,              // system_info … "CUDA : ARCHS = 750,800,…"
  LayersOffloaded,        // load_tensors: offloaded N/M layers to GPU
};

struct LogEvent {
  EventKind kind = EventKind::Other;
  int line = 0;                       // 1-based line in the input
  LogLevel level = LogLevel::Unknown; // slog level; Unknown for raw runner output
  QString time;                       // slog time= or the journal timestamp
  QString process;                    // from a journal prefix "ollama[1234]:" ("ollama"), if any
  QString pid;                        // from the same prefix ("1234")
  QString text;                       // the line without its journal prefix (the evidence excerpt)
  QString message;                    // slog msg, or the raw line
  QMap<QString, QString> fields;      // slog attributes, or what the raw-line pattern captured
  QString detail;                     // parse error of a Malformed line
  bool slog = false;                  // true when the line parsed as slog (either format)
};

// slog msg → event. First match wins; every text is one of Ollama's (see the facts test).
enum class MessageMatch { Exact, Prefix, Contains };
struct MessageRule {
  const char* text;
  MessageMatch match;
  EventKind kind;
};
std::span<const MessageRule> messageRules();

// Runner / llama-server output → event. `sample` is a line as Ollama's facts say it is printed
// (a vendored format rendered, or a line Ollama's own regular expression for it accepts); the
// facts test checks that the pattern accepts the sample and that the sample is in the facts.
struct RawRule {
  const char* pattern; // named groups become LogEvent::fields
  EventKind kind;
  const char* sample;
};
std::span<const RawRule> rawRules();

// Splits `text` into lines and classifies each one.
QList<LogEvent> parseOllamaLogEvents(const QString& text);

// Classifies one line (journal prefix already removed or absent).
LogEvent classifyLogLine(const QString& line, int lineNumber);

// A stable lower-case name for reports and JSON ("skip-at-user-request", …).
QString eventKindName(EventKind kind);

} // namespace vgpu::controller::doctor
