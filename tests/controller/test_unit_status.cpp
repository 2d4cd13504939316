// Unit status helpers without a bus: systemd's object-path escaping of unit names, property
// parsing, JSON, and the error and job-result sentences.
#include <catch2/catch.hpp>

#include "systemd/systemd_errors.h"
#include "systemd/systemd_job.h"
#include "systemd/unit_status.h"

#include <QJsonArray>

using namespace vgpu::controller;

TEST_CASE("unit names are escaped into object paths as systemd does") {
  CHECK(unitObjectPath(QStringLiteral("ollama.service")) ==
        QStringLiteral("/org/freedesktop/systemd1/unit/ollama_2eservice"));
  CHECK(escapeBusLabel(QStringLiteral("dbus-org.freedesktop.login1.service")) ==
        QStringLiteral("dbus_2dorg_2efreedesktop_2elogin1_2eservice"));
  CHECK(escapeBusLabel(QStringLiteral("getty@tty1.service")) == QStringLiteral("getty_40tty1_2eservice"));
  CHECK(escapeBusLabel(QStringLiteral("1a_b")) == QStringLiteral("_31a_5fb"));
  CHECK(escapeBusLabel(QString()) == QStringLiteral("_"));
}

TEST_CASE("status properties are read with their D-Bus types") {
  const QVariantMap unit{
      {QStringLiteral("LoadState"), QStringLiteral("loaded")},
      {QStringLiteral("ActiveState"), QStringLiteral("active")},
      {QStringLiteral("SubState"), QStringLiteral("running")},
      {QStringLiteral("ActiveEnterTimestamp"), QVariant::fromValue<qulonglong>(1700000000000000ULL)},
      {QStringLiteral("FragmentPath"), QStringLiteral("/etc/systemd/system/ollama.service")},
      {QStringLiteral("DropInPaths"), QStringList{QStringLiteral("/a.conf")}},
      {QStringLiteral("NeedDaemonReload"), true},
  };
  const QVariantMap service{
      {QStringLiteral("MainPID"), QVariant::fromValue<uint>(1234)},
      {QStringLiteral("ExecMainStartTimestamp"), QVariant::fromValue<qulonglong>(1700000000500000ULL)}};
  const UnitStatus status =
      unitStatusFromProperties(QStringLiteral("ollama.service"), QStringLiteral("/p"), unit, service);
  CHECK(status.mainPid == 1234);
  CHECK(status.needDaemonReload);
  CHECK(unitUptimeSeconds(status, 1700000010000000ULL) == 10);
  const QJsonObject json = unitStatusToJson(status);
  CHECK(json.value(QStringLiteral("main_pid")).toInt() == 1234);
  CHECK(json.value(QStringLiteral("active_enter")).toString() == QStringLiteral("2023-11-14T22:13:20.000Z"));
  CHECK(json.value(QStringLiteral("drop_in_paths")).toArray().size() == 1);
  CHECK(json.value(QStringLiteral("need_daemon_reload")).toBool());

  UnitStatus inactive = status;
  inactive.activeState = QStringLiteral("inactive");
  CHECK(unitUptimeSeconds(inactive, 1700000010000000ULL) == -1);
}

TEST_CASE("D-Bus errors map to clear messages by a table") {
  const auto denied = describeDBusError(QDBusError(QDBusError::AccessDenied, QStringLiteral("Access denied")),
                                        QStringLiteral("ollama.service"));
  CHECK(denied.kind == SystemdErrorKind::AccessDenied);
  CHECK(denied.message.contains(QStringLiteral("needs privileges; it goes through vgpu-helper")));
  const auto unknown = describeDBusError(QDBusError(QDBusError::ServiceUnknown, QStringLiteral("not provided")), {});
  CHECK(unknown.kind == SystemdErrorKind::Unreachable);
  CHECK(unknown.message == QStringLiteral("systemd is not reachable over D-Bus (not provided)"));
  CHECK(systemdErrorKindName(SystemdErrorKind::NoSuchUnit) == QStringLiteral("no-such-unit"));
  CHECK(describeJobResult(QStringLiteral("dependency"), SystemdVerb::Start, QStringLiteral("a.service")) ==
        QStringLiteral("the start job for a.service failed because a unit it depends on failed"));
  CHECK(describeJobResult(QStringLiteral("weird"), SystemdVerb::Stop, QStringLiteral("a.service")) ==
        QStringLiteral("the stop job for a.service ended with result 'weird'"));
}
