// vgpu-console entry point: command line, the embedded default (--demo), the main window.
#include "console_signals.h"
#include "console_startup.h"
#include "dashboard_page.h"
#include "demo_session.h"
#include "main_window.h"
#include "telemetry/runtime_directory.h"
#include "telemetry_model.h"
#include "telemetry_plot.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTextStream>
#include <QTimer>
#include <cstdio>

namespace {

struct Arguments {
  bool demo = false;
  QString runtimeDirectory;
  int intervalMs = 100;
  int exitWhenLiveSeconds = 0; // for scripts and tests: exit once live data is plotted
};

// Exits 0 once the dashboard has plotted a process's sample, 1 after `seconds` without.
void exitWhenLive(vgpu::console::MainWindow& window, int seconds) {
  auto* clock = new QElapsedTimer;
  clock->start();
  auto* poll = new QTimer(&window);
  QObject::connect(poll, &QTimer::timeout, &window, [&window, clock, seconds] {
    auto* vram = window.dashboard()->vramPlot();
    if (!window.telemetryModel()->processes().isEmpty() && vram->seriesCount() > 0 && !vram->seriesData(0).isEmpty()) {
      QTextStream(stdout) << "live: samples of pid " << window.telemetryModel()->processes().first()
                          << " plotted after " << clock->elapsed() << " ms\n";
      QApplication::exit(0);
    } else if (clock->elapsed() > qint64{seconds} * 1000) {
      QTextStream(stderr) << "not live after " << seconds << " s: no samples plotted\n";
      QApplication::exit(1);
    }
  });
  poll->start(50);
}

} // namespace

int main(int argc, char** argv) {
  if (const auto message = vgpu::console::missingDisplayMessage(QProcessEnvironment::systemEnvironment())) {
    std::fputs(message->toLocal8Bit().constData(), stderr);
    return 2;
  }
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("vgpu-console"));
  QApplication::setOrganizationName(QStringLiteral("vgpu"));
  QApplication::setApplicationVersion(QStringLiteral(VGPU_CONSOLE_VERSION));
  vgpu::console::installTranslation(app, QLocale());
  vgpu::console::quitOnTerminationSignals(app);
  if (const int reclaimed = vgpu::console::DemoSession::reclaimStaleFolders(); reclaimed > 0) {
    QTextStream(stderr) << "vgpu-console: removed " << reclaimed << " demo folder(s) a killed console left\n";
  }

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("The vgpu console: live telemetry, configuration, service and "
                                                  "diagnostics of the vgpu shim."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption demoOption(
      QStringLiteral("demo"), QStringLiteral("When no process uses the shim and no vgpud runs, start a demo CUDA "
                                             "workload on a simulated GPU (stopped when the console exits)."));
  const QCommandLineOption runtimeOption(QStringLiteral("runtime-dir"),
                                         QStringLiteral("Folder of the shim processes' control sockets."),
                                         QStringLiteral("DIR"));
  const QCommandLineOption intervalOption(QStringLiteral("interval-ms"),
                                          QStringLiteral("Sample interval, 10 to 10000 ms (default 100)."),
                                          QStringLiteral("MS"), QStringLiteral("100"));
  const QCommandLineOption liveOption(QStringLiteral("exit-when-live"),
                                      QStringLiteral("For scripts: exit 0 once live data is plotted, 1 after SECONDS "
                                                     "without."),
                                      QStringLiteral("SECONDS"));
  parser.addOptions({demoOption, runtimeOption, intervalOption, liveOption});
  parser.process(app);

  Arguments arguments;
  arguments.demo = parser.isSet(demoOption);
  arguments.runtimeDirectory = parser.value(runtimeOption);
  bool ok = false;
  arguments.intervalMs = parser.value(intervalOption).toInt(&ok);
  if (!ok || arguments.intervalMs < 10 || arguments.intervalMs > 10000) {
    QTextStream(stderr) << "vgpu-console: --interval-ms must be a number from 10 to 10000\n";
    return 2;
  }
  if (parser.isSet(liveOption)) {
    arguments.exitWhenLiveSeconds = parser.value(liveOption).toInt(&ok);
    if (!ok || arguments.exitWhenLiveSeconds <= 0) {
      QTextStream(stderr) << "vgpu-console: --exit-when-live needs a positive number of seconds\n";
      return 2;
    }
  }

  // "" = the shim's rule (every directory a reader scans, re-read as directories appear).
  QString runtimeDirectory = arguments.runtimeDirectory;
  std::unique_ptr<vgpu::console::DemoSession> demo;
  if (arguments.demo) {
    QString reason;
    const QStringList watched = runtimeDirectory.isEmpty() ? vgpu::controller::telemetry::defaultRuntimeDirectories()
                                                           : QStringList{runtimeDirectory};
    if (vgpu::console::demoWanted(watched, QStringLiteral("/run/vgpud.sock"), &reason)) {
      demo = std::make_unique<vgpu::console::DemoSession>(vgpu::console::locateDemoPrograms());
      QString error;
      // The workload serves where a process of this environment would ("" = a private folder).
      const QString serving =
          runtimeDirectory.isEmpty() ? vgpu::controller::telemetry::servingRuntimeDirectory() : runtimeDirectory;
      if (demo->start(serving, &error)) {
        if (serving.isEmpty()) {
          runtimeDirectory = demo->runtimeDirectory(); // the private folder is in no reader's rule
        }
        QTextStream(stdout) << "vgpu-console: demo workload (pid " << demo->workloadPid()
                            << ") runs on a simulated H100 "
                            << (demo->vgpudEndpoint().isEmpty()
                                    ? QStringLiteral("in its own process")
                                    : QStringLiteral("in a local vgpud at ") + demo->vgpudEndpoint())
                            << "; sockets in " << demo->runtimeDirectory() << "; folder " << demo->folder() << "\n";
        if (demo->machine()) {
          QTextStream(stdout) << "vgpu-console: demo Ollama machine in " << demo->machine()->root
                              << " (ollama.service on the private bus " << demo->machine()->busAddress << ")\n";
        }
      } else {
        QTextStream(stderr) << "vgpu-console: demo not started: " << error << "\n";
        demo.reset();
      }
    } else {
      QTextStream(stdout) << "vgpu-console: no demo: " << reason << "\n";
    }
  }

  vgpu::console::ConsoleOptions options;
  options.runtimeDirectory = runtimeDirectory;
  options.sampleIntervalMs = arguments.intervalMs;
  options.rememberLayout = true;
  options.desktopNotifications = true;
  if (demo && !demo->adminEndpoint().isEmpty()) {
    options.hostEndpoints = {demo->adminEndpoint()}; // the Hosts page shows the demo's vgpud
  }
  if (demo && demo->machine()) {
    options.machine = *demo->machine(); // the other pages manage the demo's Ollama machine
  }
  vgpu::console::MainWindow window(options);
  window.show();
  if (arguments.exitWhenLiveSeconds > 0) {
    exitWhenLive(window, arguments.exitWhenLiveSeconds);
  }
  const int status = QApplication::exec();
  if (demo) {
    demo->stop();
  }
  return status;
}
