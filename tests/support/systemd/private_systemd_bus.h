// PrivateSystemdBus: a test fixture that starts a private dbus-daemon (own config in a temporary
// directory, nothing shared with the machine's buses) and fake-systemd1 on it, and hands out a
// QDBusConnection to that bus. Controller, installer, doctor and console tests use it to talk to
// "systemd" with the production SystemdManager code. Everything stops in the destructor.
//
//   vgpu::test::PrivateSystemdBus bus;                    // ollama.service loaded and running
//   REQUIRE(bus.isReady());                               // else bus.error() says why
//   vgpu::controller::SystemdManager manager(bus.connection());
//   bus.setJobResult("ollama.service", "failed");         // script the next jobs
//   bus.counters()["Reload"]                              // how often each method was called
#pragma once

#include <QDBusConnection>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QVariantMap>
#include <memory>

namespace vgpu::test {

struct PrivateSystemdBusOptions {
  QStringList units{QStringLiteral("ollama.service")}; // loaded, active, running at start
  int jobDelayMs = 50;                                 // time from a job's reply to its JobRemoved
  bool removedBeforeReply = false;                     // JobRemoved overtakes the method reply
  bool denyJobs = false;                               // jobs and Reload refused as polkit would
};

class PrivateSystemdBus {
public:
  explicit PrivateSystemdBus(const PrivateSystemdBusOptions& options = {});
  ~PrivateSystemdBus();
  PrivateSystemdBus(const PrivateSystemdBus&) = delete;
  PrivateSystemdBus& operator=(const PrivateSystemdBus&) = delete;

  bool isReady() const { return error_.isEmpty(); }
  QString error() const { return error_; } // why the bus or the fake did not start

  QString address() const { return address_; } // for programs: vgpuctl --bus ADDRESS
  QDBusConnection connection() const;          // this process's connection to the bus

  // Control of the fake while it runs; each returns false (and sets error()) on failure.
  bool setJobResult(const QString& unit, const QString& result); // done failed timeout canceled ... never
  bool setRemovedBeforeReply(bool on);
  bool setDenyJobs(bool on);
  bool setUnitProperty(const QString& unit, const QString& property, const QVariant& value);
  bool addUnit(const QString& unit);
  QVariantMap counters(); // method name → number of calls (Subscribe, Reload, RestartUnit, ...)

  // Stops fake-systemd1 (the bus stays): the name org.freedesktop.systemd1 then has no owner.
  void stopSystemd();

private:
  bool control(const QString& method, const QVariantList& arguments, QVariantList* replyValues = nullptr);

  QTemporaryDir dir_;
  QProcess daemon_;
  QProcess fake_;
  QString address_;
  QString connectionName_;
  QString error_;
};

} // namespace vgpu::test
