// `vgpuctl status [--json] [--root DIR] [--bus ADDRESS] [--runtime-dir DIR] [--shim-dir DIR]
// [--timeout MS]`: the console header's answer for terminals and scripts — Ollama's state, where
// its runners work (GPU, CPU, simulated), the GPUs and where their work runs, VRAM, alerts — from
// the controller's MachineStatus. The exit status is the verdict (docs/vgpuctl.md): 0 on the GPU,
// 1 degraded, 2 usage, 3 simulated device, 4 no Ollama.
#include "vgpuctl_command.h"

#include "common/system_root.h"
#include "status/machine_status.h"
#include "telemetry/process_summary.h"

#include <QCommandLineParser>
#include <QJsonDocument>

namespace vgpu::cli {

using namespace vgpu::controller::status;

namespace {

constexpr int kUsageError = 2;

QString workPlaceText(const WorkPlace& where) {
  if (where.simulated) {
    return where.inProcess || where.endpoint.isEmpty()
               ? QStringLiteral("SIMULATED device, in the process (kernels are not run)")
               : QStringLiteral("SIMULATED device in vgpud at %1 (kernels are not run)").arg(where.endpoint);
  }
  return where.endpoint.isEmpty() ? QStringLiteral("unknown") : QStringLiteral("vgpud at %1").arg(where.endpoint);
}

QString ollamaText(const MachineStatus& status) {
  QString text;
  switch (status.ollama) {
  case OllamaState::NotInstalled: text = QStringLiteral("not installed"); break;
  case OllamaState::Inactive: text = QStringLiteral("not running"); break;
  case OllamaState::Active: text = QStringLiteral("running"); break;
  case OllamaState::Unknown: text = QStringLiteral("unknown"); break;
  }
  if (!status.unitState.isEmpty()) {
    text += QStringLiteral(" (ollama.service %1)").arg(status.unitState);
  }
  return status.ollamaVersion.isEmpty() ? text : text + QStringLiteral(", version ") + status.ollamaVersion;
}

QString placementText(const MachineStatus& status) {
  switch (status.placement) {
  case Placement::Gpu: return QStringLiteral("GPU (%1 runner(s))").arg(status.runners);
  case Placement::Cpu:
    return QStringLiteral("CPU: %1 of %2 runner(s) without the CUDA backend")
        .arg(status.runnersOnCpu)
        .arg(status.runners);
  case Placement::Simulated: return QStringLiteral("SIMULATED device (%1 runner(s))").arg(status.runners);
  case Placement::Idle: return QStringLiteral("idle: no model loaded");
  case Placement::None: return QStringLiteral("nothing: no Ollama process runs");
  case Placement::Unknown: return QStringLiteral("unknown: processes not examined");
  }
  return QString();
}

QString vramText(const MachineStatus& status) {
  using controller::telemetry::humanBytes;
  if (!status.vramUsedBytes) {
    return QStringLiteral("unknown: no shim process to ask");
  }
  return QStringLiteral("%1 of %2 used (%3 / %4 bytes)")
      .arg(humanBytes(*status.vramUsedBytes), humanBytes(*status.vramTotalBytes))
      .arg(*status.vramUsedBytes)
      .arg(*status.vramTotalBytes);
}

void printHuman(const MachineStatus& status, QTextStream& out) {
  const auto line = [&out](const char* label, const QString& text) {
    out << QString::fromLatin1(label).leftJustified(10) << text << '\n';
  };
  line("Ollama", ollamaText(status));
  if (!status.unitError.isEmpty()) {
    line("systemd", QStringLiteral("not answering (%1): the state above is from the processes").arg(status.unitError));
  }
  line("Runs on", placementText(status));
  if (status.gpus.isEmpty()) {
    line("GPU", QStringLiteral("none presented now; configured: ") + workPlaceText(status.configured));
  }
  for (const StatusGpu& gpu : status.gpus) {
    line("GPU", QStringLiteral("%1 (%2), %3").arg(gpu.name, gpu.uuid, workPlaceText(gpu.where)));
  }
  if (status.vgpudReachable) {
    line("vgpud", *status.vgpudReachable ? QStringLiteral("answers at %1").arg(status.configured.endpoint)
                                         : QStringLiteral("UNREACHABLE at %1").arg(status.configured.endpoint));
  }
  line("VRAM", vramText(status));
  for (const StatusAlert& alert : status.alerts) {
    line("Alert", QStringLiteral("%1: %2").arg(alertKindName(alert.kind), alert.detail));
  }
  line("Verdict", QStringLiteral("%1 (exit %2)").arg(verdictName(status.verdict())).arg(status.exitCode()));
}

} // namespace

int runStatus(CommandContext& context) {
  QCommandLineParser parser;
  const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("JSON."));
  const QCommandLineOption root(QStringLiteral("root"), QStringLiteral("Root."), QStringLiteral("DIR"));
  const QCommandLineOption bus(QStringLiteral("bus"), QStringLiteral("D-Bus address of systemd."),
                               QStringLiteral("ADDRESS"));
  const QCommandLineOption runtimeDir(QStringLiteral("runtime-dir"), QStringLiteral("Sockets."), QStringLiteral("DIR"));
  const QCommandLineOption shimDir(QStringLiteral("shim-dir"), QStringLiteral("Shim."), QStringLiteral("DIR"));
  const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("ms."), QStringLiteral("MS"),
                                   QStringLiteral("2000"));
  parser.addOptions({json, root, bus, runtimeDir, shimDir, timeout});
  bool timeoutOk = false;
  if (!parser.parse(QStringList{QStringLiteral("status")} + context.arguments) ||
      !parser.positionalArguments().isEmpty() || parser.value(timeout).toInt(&timeoutOk) <= 0 || !timeoutOk) {
    context.err << "vgpuctl status: "
                << (parser.errorText().isEmpty() ? QStringLiteral("bad arguments") : parser.errorText())
                << "\nTry 'vgpuctl status --help'.\n";
    return kUsageError;
  }
  MachineStatusSources sources;
  sources.root = parser.isSet(root) ? parser.value(root) : context.root;
  sources.shimDir = parser.value(shimDir);
  sources.timeout = std::chrono::milliseconds(parser.value(timeout).toInt());
  if (parser.isSet(runtimeDir)) {
    sources.runtimeDirectories = QStringList{parser.value(runtimeDir)};
  }
  // systemd is asked on the real root, or on the bus given (tests: fake-systemd1); a test tree
  // without --bus judges ollama.service by its processes.
  const QString busName = QStringLiteral("vgpuctl-status");
  if (parser.isSet(bus)) {
    sources.bus = QDBusConnection::connectToBus(parser.value(bus), busName);
  } else if (controller::SystemRoot(sources.root).isRealRoot()) {
    sources.bus = QDBusConnection::systemBus();
  }
  const MachineStatus status = assembleMachineStatus(gatherMachineStatusInputs(sources));
  sources.bus.reset();
  if (parser.isSet(bus)) {
    QDBusConnection::disconnectFromBus(busName);
  }
  if (parser.isSet(json)) {
    context.out << QString::fromUtf8(QJsonDocument(status.toJson()).toJson(QJsonDocument::Indented));
  } else {
    printHuman(status, context.out);
  }
  return status.exitCode();
}

} // namespace vgpu::cli
