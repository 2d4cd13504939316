// `vgpuctl ps [--json] [--runtime-dir DIR] [--timeout MS]`: the processes running the vgpu CUDA
// shim, read once from their control sockets (pid, user, executable, devices, backend, VRAM,
// launches/s). --json: docs/vgpuctl-json.md. Exit codes: 0 listed (also when there are none),
// 1 some socket could not be read (the others are still listed), 2 usage.
#include "vgpuctl_command.h"

#include "telemetry/process_summary.h"
#include "telemetry/runtime_directory.h"
#include "telemetry/telemetry_snapshot.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>

namespace vgpu::cli {

using namespace vgpu::controller::telemetry;

int runPs(CommandContext& context) {
  QCommandLineParser parser;
  const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("JSON."));
  const QCommandLineOption runtimeDir(QStringLiteral("runtime-dir"), QStringLiteral("Sockets."), QStringLiteral("DIR"));
  const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("ms."), QStringLiteral("MS"),
                                   QStringLiteral("2000"));
  parser.addOptions({json, runtimeDir, timeout});
  bool timeoutOk = false;
  if (!parser.parse(QStringList{QStringLiteral("ps")} + context.arguments) || !parser.positionalArguments().isEmpty() ||
      parser.value(timeout).toInt(&timeoutOk) <= 0 || !timeoutOk) {
    context.err << "vgpuctl ps: "
                << (parser.errorText().isEmpty() ? QStringLiteral("bad arguments") : parser.errorText())
                << "\nusage: vgpuctl ps [--json] [--runtime-dir DIR] [--timeout MS]\n";
    return 2;
  }
  const QStringList directories =
      parser.isSet(runtimeDir) ? QStringList{parser.value(runtimeDir)} : defaultRuntimeDirectories();
  const SnapshotResult snapshot = snapshotAll(directories, std::chrono::milliseconds(parser.value(timeout).toInt()));
  QList<ProcessSummary> rows;
  for (const ProcessSnapshot& process : snapshot.processes) {
    rows.append(summarizeProcess(process.hello, process.sample));
  }
  if (parser.isSet(json)) {
    QJsonArray processes;
    for (const ProcessSummary& row : rows) {
      processes.append(row.toJson());
    }
    const QJsonObject document{{QStringLiteral("runtime_dir"), directories.isEmpty() ? QString() : directories.front()},
                               {QStringLiteral("runtime_dirs"), QJsonArray::fromStringList(directories)},
                               {QStringLiteral("processes"), processes},
                               {QStringLiteral("errors"), QJsonArray::fromStringList(snapshot.errors)}};
    context.out << QJsonDocument(document).toJson(QJsonDocument::Indented);
  } else {
    if (rows.isEmpty()) {
      context.out << "no processes run the vgpu shim (runtime "
                  << (directories.size() > 1 ? "directories: " : "directory: ")
                  << (directories.isEmpty() ? QStringLiteral("none") : directories.join(QStringLiteral(", "))) << ")\n";
    } else {
      context.out << processTable(rows);
    }
    for (const QString& error : snapshot.errors) {
      context.err << "vgpuctl ps: " << error << '\n';
    }
  }
  return snapshot.errors.isEmpty() ? 0 : 1;
}

} // namespace vgpu::cli
