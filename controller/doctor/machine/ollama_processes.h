// Ollama's processes as a proc tree shows them: `ollama serve` and the discovery / model runners it
// starts (era A `ollama runner`, era B `llama-server`), each with its parent, the shared objects
// its maps file lists and its environment. The proc tree is a parameter (`<root>/proc` on a test
// tree) so fixtures stand in for a live machine; entries that vanish or refuse reading while they
// are scanned are kept with the error instead of failing the scan.
#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace vgpu::controller::doctor {

enum class OllamaProcessRole { Serve, Runner, LlamaServer };

// "ollama serve", "ollama runner", "llama-server".
QString ollamaProcessRoleName(OllamaProcessRole role);

struct OllamaProcess {
  int pid = 0;
  int parentPid = 0; // PPid from status; 0 when unknown
  OllamaProcessRole role = OllamaProcessRole::Serve;
  QStringList arguments;              // cmdline, NUL-separated words
  QStringList mappedFiles;            // distinct paths of file-backed mappings, in maps order
  QMap<QString, QString> environment; // environ; empty when unreadable (see environmentError)
  QString mapsError;                  // why maps could not be read ("" = read)
  QString environmentError;           // why environ could not be read ("" = read)
  // Effective credentials from status (Uid, Gid, Groups); nullopt when status lacks them.
  std::optional<unsigned> uid;
  std::optional<unsigned> gid;
  QList<unsigned> groups;

  // The first mapped file whose name starts with `prefix` ("libcuda.so", "libggml-cuda"); "" if none.
  QString mappedFile(QStringView prefix) const;
  // A runner (not `ollama serve`) whose maps were read and list no libggml-cuda.so: its model runs
  // on the CPU. The doctor's runtime check and the machine status both judge a runner by this.
  bool runnerOnCpu() const;
  // The libcuda.so.1 the process has mapped (vgpu's libvgpu-cuda file counts); "" if none.
  QString mappedCudaDriver() const;
};

// Which role a command line has, if it is one of Ollama's: argv[0]'s file name `ollama` with the
// word `serve` or `runner`, or `llama-server`. Returns false for every other process.
bool ollamaProcessRole(const QStringList& arguments, OllamaProcessRole& role);

// Every Ollama process under `procRoot` (a host path such as /proc), in pid order.
QList<OllamaProcess> findOllamaProcesses(const QString& procRoot);

// Splits the NUL-separated contents of cmdline or environ into words (a trailing NUL ends the last).
QStringList splitNulSeparated(const QByteArray& bytes);

// The path of every file-backed mapping of a maps file ("addr perms offset dev inode path"),
// distinct, in order; "[heap]"-style pseudo entries and anonymous mappings are left out.
QStringList mappedFilesOf(const QByteArray& maps);

} // namespace vgpu::controller::doctor
