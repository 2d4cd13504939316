// Reading unit properties into UnitStatus, and systemd's object-path escaping of unit names.
#include "systemd/unit_status.h"

#include <QDateTime>
#include <QJsonArray>

namespace vgpu::controller {

UnitStatus unitStatusFromProperties(const QString& name, const QString& objectPath, const QVariantMap& unitProperties,
                                    const QVariantMap& serviceProperties) {
  UnitStatus status;
  status.name = name;
  status.objectPath = objectPath;
  status.loadState = unitProperties.value(QStringLiteral("LoadState")).toString();
  status.activeState = unitProperties.value(QStringLiteral("ActiveState")).toString();
  status.subState = unitProperties.value(QStringLiteral("SubState")).toString();
  status.activeEnterUs = unitProperties.value(QStringLiteral("ActiveEnterTimestamp")).toULongLong();
  status.fragmentPath = unitProperties.value(QStringLiteral("FragmentPath")).toString();
  status.dropInPaths = unitProperties.value(QStringLiteral("DropInPaths")).toStringList();
  status.needDaemonReload = unitProperties.value(QStringLiteral("NeedDaemonReload")).toBool();
  status.mainPid = serviceProperties.value(QStringLiteral("MainPID")).toUInt();
  status.execMainStartUs = serviceProperties.value(QStringLiteral("ExecMainStartTimestamp")).toULongLong();
  return status;
}

qint64 unitUptimeSeconds(const UnitStatus& status, quint64 nowUs) {
  if (status.activeState != QLatin1String("active") || status.activeEnterUs == 0 || nowUs < status.activeEnterUs) {
    return -1;
  }
  return static_cast<qint64>((nowUs - status.activeEnterUs) / 1000000U);
}

namespace {

QJsonValue timestampJson(quint64 us) {
  if (us == 0) {
    return QJsonValue::Null;
  }
  return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(us / 1000U), Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

QJsonObject unitStatusToJson(const UnitStatus& status) {
  return QJsonObject{
      {QStringLiteral("unit"), status.name},
      {QStringLiteral("object_path"), status.objectPath},
      {QStringLiteral("load_state"), status.loadState},
      {QStringLiteral("active_state"), status.activeState},
      {QStringLiteral("sub_state"), status.subState},
      {QStringLiteral("main_pid"), static_cast<qint64>(status.mainPid)},
      {QStringLiteral("exec_main_start_us"), static_cast<qint64>(status.execMainStartUs)},
      {QStringLiteral("exec_main_start"), timestampJson(status.execMainStartUs)},
      {QStringLiteral("active_enter_us"), static_cast<qint64>(status.activeEnterUs)},
      {QStringLiteral("active_enter"), timestampJson(status.activeEnterUs)},
      {QStringLiteral("fragment_path"), status.fragmentPath},
      {QStringLiteral("drop_in_paths"), QJsonArray::fromStringList(status.dropInPaths)},
      {QStringLiteral("need_daemon_reload"), status.needDaemonReload},
  };
}

QString escapeBusLabel(const QString& label) {
  if (label.isEmpty()) {
    return QStringLiteral("_");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  const QByteArray bytes = label.toUtf8();
  QString escaped;
  for (qsizetype i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool digit = c >= '0' && c <= '9';
    if (letter || (digit && i > 0)) {
      escaped += QLatin1Char(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      escaped += QLatin1Char('_');
      escaped += QLatin1Char(kHex[byte >> 4U]);
      escaped += QLatin1Char(kHex[byte & 0xFU]);
    }
  }
  return escaped;
}

QString unitObjectPath(const QString& unitName) {
  return QStringLiteral("/org/freedesktop/systemd1/unit/") + escapeBusLabel(unitName);
}

} // namespace vgpu::controller
