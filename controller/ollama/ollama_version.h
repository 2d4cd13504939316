// The Ollama version, read from the binary without running it. Ollama sets its version at link
// time (-X=github.com/ollama/ollama/version.Version=...); the Go toolchain records the build in
// the binary's build information (magic "\xff Go buildinf:", Go ≥ 1.18 inline format): the main
// module's version (stamped from the VCS tag by Go ≥ 1.24) and, for builds without -trimpath,
// the -ldflags setting holding that -X. Official release builds use -trimpath without VCS
// stamping, so neither says; then the version is bracketed by the messages of Ollama's source
// that exist only in some releases (controller/ollama/ollama_version_markers.inc, generated from
// tests/data/ollama-facts): the binary holds each message of its version as a string literal.
// Running `ollama --version` is not done: the service's binary may hang or start a server. The era table maps a version
// to how its discovery works (shared/reference/ollama-discovery.md).
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

class QIODevice;

namespace vgpu::controller {

enum class OllamaEra {
  Unknown,    // version unknown, or in no era of the table
  BeforeEras, // before v0.12.0: not covered by the facts
  OldProbes,  // v0.12.0–v0.12.3: C probes in the server
  A,          // v0.12.4–v0.24.x: `ollama runner` subprocesses
  B,          // v0.30.0 and later: llama-server and `ollama gpu-discover`
};

struct OllamaVersion {
  // "0.13.0" (no leading v); "0.13.1-rc1..0.13.5" when only a range of tags is known (its first
  // version is what ollamaVersionAtLeast compares); or "unknown"
  QString text = QStringLiteral("unknown");
  QString source; // where it was read: "ldflags -X", "module version", or why unknown
  OllamaEra era = OllamaEra::Unknown;
};

// The stable name of an era for JSON and text ("old-probes", "A", "B", "before-0.12", "unknown").
QString eraName(OllamaEra era);
// Era of a version text such as "0.12.4", "v0.30.0-rc2" or "0.13.1+dirty".
OllamaEra eraOfVersion(const QString& version);

struct GoBuildInfo {
  QString goVersion;  // "go1.24.1"
  QString moduleInfo; // the module/build-settings text (path, mod, dep, build lines)
};

// Finds and decodes the Go build information in a binary image; nullopt-like (empty goVersion)
// with `error` set when there is none or it is in a format this reader does not decode.
GoBuildInfo parseGoBuildInfo(const QByteArray& image, QString* error);
// Same, streaming through a file (a Go binary is tens of MiB; it is read in chunks).
GoBuildInfo readGoBuildInfo(QIODevice& binary, QString* error);

// The Ollama version recorded in a Go build information text.
OllamaVersion ollamaVersionFromBuildInfo(const GoBuildInfo& info);

// The range of Ollama tags whose messages `image` holds (present markers) and lacks (absent
// ones); text "unknown" when no marker is found or they contradict each other.
OllamaVersion ollamaVersionFromMarkers(QByteArrayView image);

// Reads the Ollama version from the binary at `hostPath`.
OllamaVersion readOllamaVersion(const QString& hostPath);

} // namespace vgpu::controller
