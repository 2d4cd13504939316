// `vgpuctl top [--interval MS] [--iterations N] [--runtime-dir DIR]`: a refreshing view of the shim
// processes (VRAM per device, launches/s, call latency, copy bandwidth), redrawn every MS (default
// 1000) from a TelemetryClient subscribed at the same interval. On a terminal each frame clears
// the screen (ANSI); otherwise frames are printed one after another, plain. Stops after N frames
// when --iterations is given, else runs until interrupted. Exit codes: 0, 2 usage.
#include "vgpuctl_command.h"

#include "telemetry/process_summary.h"
#include "telemetry/telemetry_client.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QEventLoop>
#include <QTimer>
#include <array>
#include <cstdio>
#include <unistd.h>

namespace vgpu::cli {
namespace {

using namespace vgpu::controller::telemetry;

QString latency(std::optional<std::int64_t> nanoseconds) {
  if (!nanoseconds) {
    return QStringLiteral("-");
  }
  const double value = static_cast<double>(*nanoseconds);
  return value >= 1e6 ? QString::number(value / 1e6, 'f', 1) + QStringLiteral("ms")
                      : QString::number(value / 1e3, 'f', 1) + QStringLiteral("us");
}

QString rate(double bytesPerSecond) {
  return humanBytes(static_cast<std::uint64_t>(bytesPerSecond)) + QStringLiteral("/s");
}

struct Row {
  const ProcessHello* hello;
  const Sample* sample;
};

struct Column {
  const char* header;
  int width; // 0: the last column, unpadded
  QString (*cell)(const Row&);
};

const std::array<Column, 10> kColumns{{
    {"PID", 8, [](const Row& r) { return QString::number(r.hello->pid); }},
    {"USER", 10, [](const Row& r) { return userName(r.hello->uid); }},
    {"VRAM", 11, [](const Row& r) { return humanBytes(r.sample->vramUsedBytes()); }},
    {"LAUNCH/S", 10, [](const Row& r) { return QString::number(r.sample->kernelLaunchesPerSecond, 'f', 1); }},
    {"CALLS", 9,
     [](const Row& r) {
       return r.sample->calls ? QString::number(r.sample->calls->windowCalls) : QStringLiteral("-");
     }},
    {"P50", 9,
     [](const Row& r) { return r.sample->calls ? latency(r.sample->calls->latency.p50Ns) : QStringLiteral("-"); }},
    {"P99", 9,
     [](const Row& r) { return r.sample->calls ? latency(r.sample->calls->latency.p99Ns) : QStringLiteral("-"); }},
    {"H2D", 13, [](const Row& r) { return rate(r.sample->copy(CopyDirection::HostToDevice).bytesPerSecond); }},
    {"D2H", 13, [](const Row& r) { return rate(r.sample->copy(CopyDirection::DeviceToHost).bytesPerSecond); }},
    {"EXECUTABLE", 0,
     [](const Row& r) {
       // A simulated device is never shown as a plain GPU (the note under the frame says why).
       return r.hello->simulated() ? r.hello->executable + QStringLiteral(" [simulated]") : r.hello->executable;
     }},
}};

void appendCells(QString& text, const std::array<QString, kColumns.size()>& cells) {
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    text += kColumns[i].width == 0 ? cells[i] : cells[i].leftJustified(kColumns[i].width - 1) + u' ';
  }
  text += u'\n';
}

QString frame(const TelemetryClient& client, int intervalMs) {
  QString text =
      QStringLiteral("vgpuctl top | %1 | every %2 ms | %3\n\n")
          .arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")))
          .arg(intervalMs)
          .arg(client.runtimeDirectories().isEmpty() ? QStringLiteral("no runtime directory")
                                                     : client.runtimeDirectories().join(QStringLiteral(", ")));
  std::array<QString, kColumns.size()> cells;
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    cells[i] = QString::fromLatin1(kColumns[i].header);
  }
  appendCells(text, cells);
  const QList<qint64> pids = client.processes();
  bool anySimulated = false;
  for (const qint64 pid : pids) {
    const std::optional<ProcessHello> hello = client.hello(pid);
    const std::optional<Sample> sample = client.latestSample(pid);
    if (!hello || !sample) {
      continue;
    }
    const Row row{&*hello, &*sample};
    anySimulated = anySimulated || hello->simulated();
    for (std::size_t i = 0; i < kColumns.size(); ++i) {
      cells[i] = kColumns[i].cell(row);
    }
    appendCells(text, cells);
  }
  if (pids.isEmpty()) {
    text += QStringLiteral("(no processes run the vgpu shim)\n");
  }
  if (anySimulated) {
    text += u'\n' + simulatedNote() + u'\n';
  }
  return text;
}

} // namespace

int runTop(CommandContext& context) {
  QCommandLineParser parser;
  const QCommandLineOption interval(QStringLiteral("interval"), QStringLiteral("ms."), QStringLiteral("MS"),
                                    QStringLiteral("1000"));
  const QCommandLineOption iterations(QStringLiteral("iterations"), QStringLiteral("Frames."), QStringLiteral("N"));
  const QCommandLineOption runtimeDir(QStringLiteral("runtime-dir"), QStringLiteral("Sockets."), QStringLiteral("DIR"));
  parser.addOptions({interval, iterations, runtimeDir});
  bool intervalOk = false;
  bool iterationsOk = true;
  const bool parsed = parser.parse(QStringList{QStringLiteral("top")} + context.arguments);
  const int intervalMs = parser.value(interval).toInt(&intervalOk);
  const int limit = parser.isSet(iterations) ? parser.value(iterations).toInt(&iterationsOk) : 0;
  if (!parsed || !parser.positionalArguments().isEmpty() || !intervalOk || intervalMs < 10 || intervalMs > 10000 ||
      !iterationsOk || limit < 0) {
    context.err << "vgpuctl top: "
                << (parser.errorText().isEmpty() ? QStringLiteral("bad arguments") : parser.errorText())
                << "\nusage: vgpuctl top [--interval MS (10-10000)] [--iterations N] [--runtime-dir DIR]\n";
    return 2;
  }
  TelemetryClient::Options options;
  options.runtimeDirectory = parser.value(runtimeDir);
  options.intervalMs = intervalMs;
  TelemetryClient client(options);
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  int frames = 0;
  QEventLoop loop;
  QTimer timer;
  timer.setInterval(intervalMs);
  QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
    if (terminal) {
      context.out << "\x1b[H\x1b[2J";
    } else if (frames > 0) {
      context.out << '\n';
    }
    context.out << frame(client, intervalMs);
    context.out.flush();
    if (limit > 0 && ++frames >= limit) {
      loop.quit();
    }
  });
  client.start();
  timer.start();
  loop.exec();
  return 0;
}

} // namespace vgpu::cli
