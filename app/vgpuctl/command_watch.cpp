// `vgpuctl watch [--json] [--interval MS] [--count N] [--runtime-dir DIR]`: every sample of every
// shim process as it arrives (TelemetryClient subscribed at MS, default 1000), processes joining
// and leaving included. --json writes NDJSON: each sample object as the process sent it, with
// "pid" and "simulated" (from its hello) added (docs/vgpuctl-json.md); without it one text line
// per sample, marked when the process is simulated. Stops after N samples when --count is given,
// else runs until interrupted. Exit codes: 0, 2 usage.
#include "vgpuctl_command.h"

#include "telemetry/process_summary.h"
#include "telemetry/telemetry_client.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonDocument>

namespace vgpu::cli {

using namespace vgpu::controller::telemetry;

int runWatch(CommandContext& context) {
  QCommandLineParser parser;
  const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("NDJSON."));
  const QCommandLineOption interval(QStringLiteral("interval"), QStringLiteral("ms."), QStringLiteral("MS"),
                                    QStringLiteral("1000"));
  const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("Samples."), QStringLiteral("N"));
  const QCommandLineOption runtimeDir(QStringLiteral("runtime-dir"), QStringLiteral("Sockets."), QStringLiteral("DIR"));
  parser.addOptions({json, interval, count, runtimeDir});
  bool intervalOk = false;
  bool countOk = true;
  const bool parsed = parser.parse(QStringList{QStringLiteral("watch")} + context.arguments);
  const int intervalMs = parser.value(interval).toInt(&intervalOk);
  const int limit = parser.isSet(count) ? parser.value(count).toInt(&countOk) : 0;
  if (!parsed || !parser.positionalArguments().isEmpty() || !intervalOk || intervalMs < 10 || intervalMs > 10000 ||
      !countOk || limit < 0) {
    context.err << "vgpuctl watch: "
                << (parser.errorText().isEmpty() ? QStringLiteral("bad arguments") : parser.errorText())
                << "\nusage: vgpuctl watch [--json] [--interval MS (10-10000)] [--count N] [--runtime-dir DIR]\n";
    return 2;
  }
  TelemetryClient::Options options;
  options.runtimeDirectory = parser.value(runtimeDir);
  options.intervalMs = intervalMs;
  TelemetryClient client(options);
  const bool asJson = parser.isSet(json);
  int printed = 0;
  QEventLoop loop;
  QObject::connect(&client, &TelemetryClient::sampleReceived, &loop, [&](qint64 pid, const Sample& sample) {
    if (limit > 0 && printed >= limit) {
      return;
    }
    const std::optional<ProcessHello> hello = client.hello(pid);
    const bool simulated = hello && hello->simulated();
    if (asJson) {
      QJsonObject object = sample.json;
      object.insert(QStringLiteral("pid"), pid);
      object.insert(QStringLiteral("simulated"), simulated); // from the process's hello
      context.out << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
    } else {
      context.out << "pid " << pid << " seq " << sample.seq << " vram " << humanBytes(sample.vramUsedBytes())
                  << " launches/s " << QString::number(sample.kernelLaunchesPerSecond, 'f', 1)
                  << (simulated ? " simulated (kernels counted, never run)" : "") << '\n';
    }
    context.out.flush();
    if (limit > 0 && ++printed >= limit) {
      loop.quit();
    }
  });
  QObject::connect(&client, &TelemetryClient::errorOccurred, &loop,
                   [&](qint64, const QString& text) { context.err << "vgpuctl watch: " << text << '\n'; });
  client.start();
  loop.exec();
  return 0;
}

} // namespace vgpu::cli
