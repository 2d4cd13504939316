// Starting and stopping the private dbus-daemon and fake-systemd1 for tests (see the header).
#include "private_systemd_bus.h"

#include "fake_systemd1.h"

#include <QAtomicInt>
#include <QDBusArgument>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QFile>
#include <csignal>
#include <sys/prctl.h>

namespace vgpu::test {
namespace {

// A session-type bus that allows everything: the tests' processes are its only clients.
constexpr char kBusConfig[] = R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%1</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)";

QString readLine(QProcess& process, int timeoutMs) {
  while (!process.canReadLine()) {
    if (!process.waitForReadyRead(timeoutMs)) {
      return {};
    }
  }
  return QString::fromUtf8(process.readLine()).trimmed();
}

// Between fork and exec: the bus and the fake end with the process that started them, however it
// ends (a crashed test, the console demo's killed machine), so none is left running.
void endWithParent() {
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
}

void stop(QProcess& process) {
  if (process.state() != QProcess::NotRunning) {
    process.terminate();
    if (!process.waitForFinished(3000)) {
      process.kill();
      process.waitForFinished(3000);
    }
  }
}

} // namespace

PrivateSystemdBus::PrivateSystemdBus(const PrivateSystemdBusOptions& options) {
  static QAtomicInt instances;
  connectionName_ = QStringLiteral("vgpu-test-private-bus-%1").arg(instances.fetchAndAddRelaxed(1));
  if (!dir_.isValid()) {
    error_ = QStringLiteral("cannot create a temporary directory");
    return;
  }
  const QString configPath = dir_.filePath(QStringLiteral("bus.conf"));
  QFile config(configPath);
  if (!config.open(QIODevice::WriteOnly) ||
      config.write(QString::fromLatin1(kBusConfig).arg(dir_.filePath(QStringLiteral("bus"))).toUtf8()) < 0) {
    error_ = QStringLiteral("cannot write %1").arg(configPath);
    return;
  }
  config.close();

  daemon_.setChildProcessModifier(endWithParent);
  fake_.setChildProcessModifier(endWithParent);
  // Its complaints (e.g. it may not raise the fd limit in a container) go to a file, not the test log.
  daemon_.setStandardErrorFile(dir_.filePath(QStringLiteral("dbus-daemon.log")));
  daemon_.start(QStringLiteral("dbus-daemon"), {QStringLiteral("--config-file=") + configPath,
                                                QStringLiteral("--nofork"), QStringLiteral("--print-address")});
  if (!daemon_.waitForStarted(5000)) {
    error_ = QStringLiteral("cannot start dbus-daemon (Debian package dbus-daemon): ") + daemon_.errorString();
    return;
  }
  address_ = readLine(daemon_, 5000);
  if (address_.isEmpty()) {
    error_ = QStringLiteral("dbus-daemon printed no address");
    return;
  }

  QStringList arguments{QStringLiteral("--address"), address_, QStringLiteral("--job-delay-ms"),
                        QString::number(options.jobDelayMs)};
  for (const QString& unit : options.units) {
    arguments << QStringLiteral("--unit") << unit;
  }
  if (options.removedBeforeReply) {
    arguments << QStringLiteral("--removed-before-reply");
  }
  if (options.denyJobs) {
    arguments << QStringLiteral("--deny-jobs");
  }
  fake_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
  fake_.start(QStringLiteral(VGPU_FAKE_SYSTEMD1_PATH), arguments);
  if (!fake_.waitForStarted(5000) || readLine(fake_, 10000) != QLatin1String("ready")) {
    error_ = QStringLiteral("fake-systemd1 did not start (%1)").arg(QStringLiteral(VGPU_FAKE_SYSTEMD1_PATH));
    return;
  }
  const QDBusConnection bus = QDBusConnection::connectToBus(address_, connectionName_);
  if (!bus.isConnected()) {
    error_ = QStringLiteral("cannot connect to the private bus: ") + bus.lastError().message();
  }
}

PrivateSystemdBus::~PrivateSystemdBus() {
  QDBusConnection::disconnectFromBus(connectionName_);
  stop(fake_);
  stop(daemon_);
}

QDBusConnection PrivateSystemdBus::connection() const {
  return QDBusConnection(connectionName_);
}

bool PrivateSystemdBus::control(const QString& method, const QVariantList& arguments, QVariantList* replyValues) {
  QDBusMessage call = QDBusMessage::createMethodCall(
      QStringLiteral("org.freedesktop.systemd1"), FakeSystemd1::kControlPath, FakeSystemd1::kControlInterface, method);
  call.setArguments(arguments);
  const QDBusMessage reply = connection().call(call, QDBus::Block, 5000);
  if (reply.type() != QDBusMessage::ReplyMessage) {
    error_ = QStringLiteral("fake-systemd1 %1: %2").arg(method, reply.errorMessage());
    return false;
  }
  if (replyValues != nullptr) {
    *replyValues = reply.arguments();
  }
  return true;
}

bool PrivateSystemdBus::setJobResult(const QString& unit, const QString& result) {
  return control(QStringLiteral("SetJobResult"), {unit, result});
}
bool PrivateSystemdBus::setRemovedBeforeReply(bool on) {
  return control(QStringLiteral("SetRemovedBeforeReply"), {on});
}
bool PrivateSystemdBus::setDenyJobs(bool on) {
  return control(QStringLiteral("SetDenyJobs"), {on});
}
bool PrivateSystemdBus::setUnitProperty(const QString& unit, const QString& property, const QVariant& value) {
  return control(QStringLiteral("SetUnitProperty"), {unit, property, QVariant::fromValue(QDBusVariant(value))});
}
bool PrivateSystemdBus::addUnit(const QString& unit) {
  return control(QStringLiteral("AddUnit"), {unit});
}

QVariantMap PrivateSystemdBus::counters() {
  QVariantList values;
  if (!control(QStringLiteral("Counters"), {}, &values) || values.isEmpty()) {
    return {};
  }
  return qdbus_cast<QVariantMap>(values.first());
}

void PrivateSystemdBus::stopSystemd() {
  stop(fake_);
}

} // namespace vgpu::test
