// fake-systemd1: runs the systemd1 test double on a (private) bus. Usage:
//   fake-systemd1 --address ADDRESS [--unit NAME]... [--job-result UNIT=RESULT]...
//                 [--job-delay-ms N] [--removed-before-reply] [--deny-jobs]
// Prints "ready" on stdout once it owns org.freedesktop.systemd1; exits when the bus goes away.
#include "fake_systemd1.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDBusError>
#include <QTimer>
#include <cstdio>

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  QCommandLineParser parser;
  const QCommandLineOption address(QStringLiteral("address"), QStringLiteral("D-Bus address of the bus."),
                                   QStringLiteral("ADDRESS"));
  const QCommandLineOption unit(QStringLiteral("unit"), QStringLiteral("A loaded, running unit."),
                                QStringLiteral("NAME"));
  const QCommandLineOption jobResult(QStringLiteral("job-result"),
                                     QStringLiteral("Result of jobs on UNIT (done, failed, timeout, canceled, "
                                                    "dependency, skipped, never)."),
                                     QStringLiteral("UNIT=RESULT"));
  const QCommandLineOption delay(QStringLiteral("job-delay-ms"), QStringLiteral("Job duration."), QStringLiteral("N"),
                                 QStringLiteral("50"));
  const QCommandLineOption beforeReply(QStringLiteral("removed-before-reply"),
                                       QStringLiteral("Send JobRemoved before the method reply."));
  const QCommandLineOption deny(QStringLiteral("deny-jobs"),
                                QStringLiteral("Refuse jobs and Reload as polkit refuses unprivileged callers."));
  parser.addOptions({address, unit, jobResult, delay, beforeReply, deny});
  parser.addHelpOption();
  parser.process(app);

  QDBusConnection bus = QDBusConnection::connectToBus(parser.value(address), QStringLiteral("fake-systemd1"));
  if (!bus.isConnected()) {
    (void)std::fprintf(stderr, "fake-systemd1: cannot connect to %s: %s\n", qPrintable(parser.value(address)),
                       qPrintable(bus.lastError().message()));
    return 1;
  }
  vgpu::test::FakeSystemd1Options options;
  options.jobDelayMs = parser.value(delay).toInt();
  options.removedBeforeReply = parser.isSet(beforeReply);
  options.denyJobs = parser.isSet(deny);
  vgpu::test::FakeSystemd1 fake(bus, options);
  for (const QString& name : parser.values(unit)) {
    fake.addUnit(name);
  }
  for (const QString& script : parser.values(jobResult)) {
    const qsizetype equals = script.indexOf(QLatin1Char('='));
    if (equals < 0 || !fake.setJobResult(script.left(equals), script.mid(equals + 1))) {
      (void)std::fprintf(stderr,
                         "fake-systemd1: bad --job-result '%s' (unit not added with --unit, or unknown result)\n",
                         qPrintable(script));
      return 2;
    }
  }
  if (!bus.registerVirtualObject(QStringLiteral("/org/freedesktop/systemd1"), &fake, QDBusConnection::SubPath) ||
      !bus.registerVirtualObject(vgpu::test::FakeSystemd1::kControlPath, &fake) ||
      !bus.registerService(QStringLiteral("org.freedesktop.systemd1"))) {
    (void)std::fprintf(stderr, "fake-systemd1: cannot register: %s\n", qPrintable(bus.lastError().message()));
    return 1;
  }
  // Exit with the bus: a test's dbus-daemon going away (even when the test crashed) ends this too.
  QTimer busWatch;
  QObject::connect(&busWatch, &QTimer::timeout, &app, [&bus] {
    if (!bus.isConnected()) {
      QCoreApplication::exit(0);
    }
  });
  busWatch.start(200);
  (void)std::printf("ready\n");
  (void)std::fflush(stdout);
  return QCoreApplication::exec();
}
