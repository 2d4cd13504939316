// Reading Ollama's processes from a proc tree: cmdline picks the processes, status gives the
// parent, maps the loaded shared objects, environ the environment the process started with.
// Every file is read whole (they are small) and a process that exits mid-scan is simply kept with
// what could be read, since a live /proc changes under the scan.
#include "doctor/machine/ollama_processes.h"
#include "common/bounded_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace vgpu::controller::doctor {

namespace {

// The file's bytes, or the reason it could not be read.
bool readWhole(const QString& path, QByteArray& bytes, QString& error) {
  BoundedFile file = readBoundedFile(path, kMaxConfigBytes);
  if (!file.ok) {
    error = QStringLiteral("cannot read %1: %2").arg(path, file.error);
    return false;
  }
  bytes = std::move(file.bytes);
  return true;
}

int parentPidOf(const QByteArray& status) {
  for (const QByteArray& line : status.split('\n')) {
    if (line.startsWith("PPid:")) {
      return line.mid(5).trimmed().toInt();
    }
  }
  return 0;
}

// "Uid:\treal\teffective\tsaved\tfs": the effective id (the second); likewise Gid. Groups: all.
void credentialsOf(const QByteArray& status, OllamaProcess& process) {
  for (const QByteArray& line : status.split('\n')) {
    const bool isUid = line.startsWith("Uid:");
    if (isUid || line.startsWith("Gid:")) {
      const QList<QByteArray> ids = line.mid(4).simplified().split(' ');
      bool ok = false;
      const unsigned id = ids.size() >= 2 ? ids[1].toUInt(&ok) : 0;
      if (ok) {
        (isUid ? process.uid : process.gid) = id;
      }
    } else if (line.startsWith("Groups:")) {
      for (const QByteArray& word : line.mid(7).simplified().split(' ')) {
        bool ok = false;
        const unsigned id = word.toUInt(&ok);
        if (ok) {
          process.groups.append(id);
        }
      }
    }
  }
}

} // namespace

QString ollamaProcessRoleName(OllamaProcessRole role) {
  switch (role) {
  case OllamaProcessRole::Serve: return QStringLiteral("ollama serve");
  case OllamaProcessRole::Runner: return QStringLiteral("ollama runner");
  case OllamaProcessRole::LlamaServer: return QStringLiteral("llama-server");
  }
  return QString();
}

bool OllamaProcess::runnerOnCpu() const {
  return role != OllamaProcessRole::Serve && mapsError.isEmpty() && mappedFile(u"libggml-cuda").isEmpty();
}

QString OllamaProcess::mappedCudaDriver() const {
  const QString cuda = mappedFile(u"libcuda.so");
  return cuda.isEmpty() ? mappedFile(u"libvgpu-cuda") : cuda;
}

QString OllamaProcess::mappedFile(QStringView prefix) const {
  for (const QString& path : mappedFiles) {
    if (QStringView(path).mid(path.lastIndexOf(u'/') + 1).startsWith(prefix)) {
      return path;
    }
  }
  return QString();
}

bool ollamaProcessRole(const QStringList& arguments, OllamaProcessRole& role) {
  if (arguments.isEmpty()) {
    return false;
  }
  const QString program = arguments.constFirst().mid(arguments.constFirst().lastIndexOf(u'/') + 1);
  if (program == QLatin1String("llama-server")) {
    role = OllamaProcessRole::LlamaServer;
    return true;
  }
  if (program != QLatin1String("ollama") || arguments.size() < 2) {
    return false;
  }
  if (arguments.at(1) == QLatin1String("serve")) {
    role = OllamaProcessRole::Serve;
    return true;
  }
  if (arguments.at(1) == QLatin1String("runner")) {
    role = OllamaProcessRole::Runner;
    return true;
  }
  return false;
}

QStringList splitNulSeparated(const QByteArray& bytes) {
  QStringList words;
  qsizetype start = 0;
  while (start < bytes.size()) {
    qsizetype end = bytes.indexOf('\0', start);
    if (end < 0) {
      end = bytes.size();
    }
    words.append(QString::fromLocal8Bit(bytes.mid(start, end - start)));
    start = end + 1;
  }
  return words;
}

QStringList mappedFilesOf(const QByteArray& maps) {
  QStringList files;
  for (const QByteArray& line : maps.split('\n')) {
    // The path is everything after the fifth field (it may contain spaces): skip five fields.
    qsizetype position = 0;
    for (int field = 0; field < 5 && position < line.size(); ++field) {
      while (position < line.size() && line.at(position) == ' ') {
        ++position;
      }
      while (position < line.size() && line.at(position) != ' ') {
        ++position;
      }
    }
    const QByteArray path = line.mid(position).trimmed();
    if (!path.startsWith('/')) {
      continue; // anonymous, [heap], [stack], [vdso]
    }
    const QString text = QString::fromLocal8Bit(path);
    if (!files.contains(text)) {
      files.append(text);
    }
  }
  return files;
}

QList<OllamaProcess> findOllamaProcesses(const QString& procRoot) {
  QList<OllamaProcess> processes;
  const QDir proc(procRoot);
  for (const QString& entry : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
    bool numeric = false;
    const int pid = entry.toInt(&numeric);
    if (!numeric || pid <= 0) {
      continue; // self, sys, bus, ...
    }
    const QString dir = proc.filePath(entry);
    QByteArray bytes;
    QString error;
    if (!readWhole(dir + QStringLiteral("/cmdline"), bytes, error)) {
      continue; // gone, or a kernel thread we may not read: not Ollama's either way
    }
    OllamaProcess process;
    process.pid = pid;
    process.arguments = splitNulSeparated(bytes);
    if (!ollamaProcessRole(process.arguments, process.role)) {
      continue;
    }
    if (readWhole(dir + QStringLiteral("/status"), bytes, error)) {
      process.parentPid = parentPidOf(bytes);
      credentialsOf(bytes, process);
    }
    if (readWhole(dir + QStringLiteral("/maps"), bytes, process.mapsError)) {
      process.mappedFiles = mappedFilesOf(bytes);
    }
    if (readWhole(dir + QStringLiteral("/environ"), bytes, process.environmentError)) {
      for (const QString& assignment : splitNulSeparated(bytes)) {
        const qsizetype equals = assignment.indexOf(u'=');
        if (equals > 0) {
          process.environment.insert(assignment.left(equals), assignment.mid(equals + 1));
        }
      }
    }
    processes.append(process);
  }
  std::sort(processes.begin(), processes.end(),
            [](const OllamaProcess& a, const OllamaProcess& b) { return a.pid < b.pid; });
  return processes;
}

} // namespace vgpu::controller::doctor
