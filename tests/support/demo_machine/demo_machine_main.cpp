// vgpu-demo-machine: the Ollama machine of the console's embedded default (--demo), built from the
// tests' doubles so the demo is driven by the same controller code as a real machine:
//   - an Ollama installation as install.sh leaves it (vgpu::test::FakeOllamaTree) under --root,
//     with the shims as the vgpu-guest package installs them (copied from --shim-dir);
//   - ollama.service on a private D-Bus: a dbus-daemon of its own and fake-systemd1
//     (vgpu::test::PrivateSystemdBus), never the machine's buses;
//   - the service's log, a plain file that says no Ollama runs here.
// Usage: vgpu-demo-machine --root DIR [--shim-dir DIR]
// Prints "address <D-Bus address>", then "ready"; runs until SIGTERM, SIGINT or SIGHUP (the
// console sets PR_SET_PDEATHSIG, so a killed console ends it too), then stops its bus and exits.
#include "fake_ollama_tree.h"
#include "private_systemd_bus.h"

#include "common/install_paths.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTimer>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <stdexcept>

namespace {

std::atomic<bool> stopRequested{false};

void requestStop(int /*signal*/) {
  stopRequested.store(true);
}

// The shims the demo's service would load: the build's libcuda.so.1 and libnvidia-ml.so.1, copied
// under the names the vgpu-guest package gives them, with the SONAME links beside them.
void stageShims(vgpu::test::FakeOllamaTree& tree, const QString& shimDir) {
  const QString target = vgpu::controller::installedShimDir();
  const struct {
    const char* soname;
    const char* packaged;
  } shims[] = {{"libcuda.so.1", "libvgpu-cuda.so"}, {"libnvidia-ml.so.1", "libvgpu-nvml.so"}};
  for (const auto& shim : shims) {
    const QFileInfo source(shimDir + QLatin1Char('/') + QLatin1String(shim.soname));
    if (!source.exists()) {
      throw std::runtime_error("no " + source.filePath().toStdString() + " (build the shims first)");
    }
    tree.copyFile(source.canonicalFilePath(), target + QLatin1Char('/') + QLatin1String(shim.packaged));
    tree.symlink(target + QLatin1Char('/') + QLatin1String(shim.soname), QLatin1String(shim.packaged));
  }
}

// The log the Service page and the doctor read in the demo: honest about what runs.
constexpr char kDemoLog[] =
    "vgpu demo: this is the console's demo machine; no Ollama runs here.\n"
    "vgpu demo: ollama.service is simulated by fake-systemd1 on a private D-Bus; restarts change its MainPID only.\n"
    "vgpu demo: changes made in the console apply to this folder only.\n";

} // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("The console demo's Ollama machine (test doubles)."));
  const QCommandLineOption rootOption(QStringLiteral("root"), QStringLiteral("Folder of the demo machine (emptied)."),
                                      QStringLiteral("DIR"));
  const QCommandLineOption shimOption(QStringLiteral("shim-dir"),
                                      QStringLiteral("Folder with the build's libcuda.so.1 and libnvidia-ml.so.1."),
                                      QStringLiteral("DIR"));
  parser.addOptions({rootOption, shimOption});
  parser.addHelpOption();
  parser.process(app);
  if (!parser.isSet(rootOption) || !QDir::isAbsolutePath(parser.value(rootOption))) {
    (void)std::fputs("vgpu-demo-machine: --root needs an absolute folder\n", stderr);
    return 2;
  }
  for (const int signal : {SIGTERM, SIGINT, SIGHUP}) {
    (void)std::signal(signal, requestStop);
  }

  try {
    vgpu::test::FakeOllamaTree tree(parser.value(rootOption));
    tree.makeDirectory(QStringLiteral("/var/lib"));
    tree.writeFile(QStringLiteral("/var/log/ollama/demo.log"), kDemoLog);
    if (parser.isSet(shimOption)) {
      stageShims(tree, parser.value(shimOption));
    }
  } catch (const std::exception& failure) {
    (void)std::fprintf(stderr, "vgpu-demo-machine: cannot build the machine: %s\n", failure.what());
    return 1;
  }
  const vgpu::test::PrivateSystemdBus bus;
  if (!bus.isReady()) {
    (void)std::fprintf(stderr, "vgpu-demo-machine: %s\n", qPrintable(bus.error()));
    return 1;
  }
  (void)std::printf("address %s\nready\n", qPrintable(bus.address()));
  (void)std::fflush(stdout);

  QTimer poll;
  QObject::connect(&poll, &QTimer::timeout, &app, [] {
    if (stopRequested.load()) {
      QCoreApplication::quit();
    }
  });
  poll.start(50);
  return QCoreApplication::exec(); // the bus's destructor stops fake-systemd1 and dbus-daemon
}
