// The systemd1 test double's D-Bus behaviour (see fake_systemd1.h). Method signatures, reply
// types, error names and texts follow systemd's D-Bus API so the same client code works on both.
#include "fake_systemd1.h"

#include "systemd/unit_status.h"

#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusVariant>
#include <QDateTime>
#include <QTimer>
#include <array>

namespace vgpu::test {
namespace {

const QString kManagerPath = QStringLiteral("/org/freedesktop/systemd1");
const QString kUnitPrefix = QStringLiteral("/org/freedesktop/systemd1/unit/");
const QString kManager = QStringLiteral("org.freedesktop.systemd1.Manager");
const QString kUnit = QStringLiteral("org.freedesktop.systemd1.Unit");
const QString kService = QStringLiteral("org.freedesktop.systemd1.Service");
const QString kProperties = QStringLiteral("org.freedesktop.DBus.Properties");
const QString kNoSuchUnit = QStringLiteral("org.freedesktop.systemd1.NoSuchUnit");
const QString kInvalidArgs = QStringLiteral("org.freedesktop.DBus.Error.InvalidArgs");

// systemd's job modes (org.freedesktop.systemd1(5), StartUnit).
constexpr std::array kJobModes{
    "replace", "fail",      "isolate", "ignore-dependencies", "ignore-requirements", "replace-irreversibly",
    "flush",   "triggering"};
constexpr std::array kJobResults{"done", "failed", "timeout", "canceled", "dependency", "skipped", "never"};

quint64 nowUs() {
  return static_cast<quint64>(QDateTime::currentMSecsSinceEpoch()) * 1000U;
}

template <typename Table> bool inTable(const Table& table, const QString& word) {
  for (const char* entry : table) {
    if (word == QLatin1String(entry)) {
      return true;
    }
  }
  return false;
}

} // namespace

FakeSystemd1::FakeSystemd1(const QDBusConnection& bus, const FakeSystemd1Options& options, QObject* parent)
    : QDBusVirtualObject(parent), bus_(bus), options_(options) {
  subscriberWatch_.setConnection(bus_);
  subscriberWatch_.setWatchMode(QDBusServiceWatcher::WatchForUnregistration);
  connect(&subscriberWatch_, &QDBusServiceWatcher::serviceUnregistered, this, [this](const QString& name) {
    subscribers_.remove(name);
    subscriberWatch_.removeWatchedService(name);
  });
}

void FakeSystemd1::addUnit(const QString& name) {
  FakeUnit unit;
  unit.name = name;
  unit.fragmentPath = QStringLiteral("/etc/systemd/system/") + name;
  unit.mainPid = nextPid_++;
  unit.execMainStartUs = nowUs() - 60000000U;
  unit.activeEnterUs = unit.execMainStartUs;
  units_.insert(name, unit);
}

bool FakeSystemd1::setJobResult(const QString& unit, const QString& result) {
  auto found = units_.find(unit);
  if (found == units_.end() || !inTable(kJobResults, result)) {
    return false;
  }
  found->jobResult = result;
  return true;
}

QString FakeSystemd1::introspect(const QString& path) const {
  if (path == kManagerPath) {
    return QStringLiteral(
        "<interface name=\"org.freedesktop.systemd1.Manager\">"
        "<method name=\"GetUnit\"><arg type=\"s\" direction=\"in\"/><arg type=\"o\" direction=\"out\"/></method>"
        "<method name=\"LoadUnit\"><arg type=\"s\" direction=\"in\"/><arg type=\"o\" direction=\"out\"/></method>"
        "<method name=\"StartUnit\"><arg type=\"s\" direction=\"in\"/><arg type=\"s\" direction=\"in\"/>"
        "<arg type=\"o\" direction=\"out\"/></method>"
        "<method name=\"StopUnit\"><arg type=\"s\" direction=\"in\"/><arg type=\"s\" direction=\"in\"/>"
        "<arg type=\"o\" direction=\"out\"/></method>"
        "<method name=\"RestartUnit\"><arg type=\"s\" direction=\"in\"/><arg type=\"s\" direction=\"in\"/>"
        "<arg type=\"o\" direction=\"out\"/></method>"
        "<method name=\"Subscribe\"/><method name=\"Unsubscribe\"/><method name=\"Reload\"/>"
        "<signal name=\"JobRemoved\"><arg type=\"u\"/><arg type=\"o\"/><arg type=\"s\"/><arg type=\"s\"/></signal>"
        "</interface>");
  }
  if (path.startsWith(kUnitPrefix)) {
    return QStringLiteral("<interface name=\"org.freedesktop.systemd1.Unit\"/>"
                          "<interface name=\"org.freedesktop.systemd1.Service\"/>");
  }
  return {};
}

bool FakeSystemd1::handleMessage(const QDBusMessage& message, const QDBusConnection& /*connection*/) {
  static const std::array<Method, 8> kManagerMethods{{
      {"Subscribe", "", &FakeSystemd1::subscribe},
      {"Unsubscribe", "", &FakeSystemd1::unsubscribe},
      {"Reload", "", &FakeSystemd1::reload},
      {"GetUnit", "s", &FakeSystemd1::getUnit},
      {"LoadUnit", "s", &FakeSystemd1::loadUnit},
      {"StartUnit", "ss", &FakeSystemd1::startUnit},
      {"StopUnit", "ss", &FakeSystemd1::stopUnit},
      {"RestartUnit", "ss", &FakeSystemd1::restartUnit},
  }};
  static const std::array<Method, 2> kPropertyMethods{{
      {"Get", "ss", &FakeSystemd1::propertiesGet},
      {"GetAll", "s", &FakeSystemd1::propertiesGetAll},
  }};
  static const std::array<Method, 6> kControlMethods{{
      {"SetJobResult", "ss", &FakeSystemd1::controlSetJobResult},
      {"SetRemovedBeforeReply", "b", &FakeSystemd1::controlSetRemovedBeforeReply},
      {"SetDenyJobs", "b", &FakeSystemd1::controlSetDenyJobs},
      {"SetUnitProperty", "ssv", &FakeSystemd1::controlSetUnitProperty},
      {"AddUnit", "s", &FakeSystemd1::controlAddUnit},
      {"Counters", "", &FakeSystemd1::controlCounters},
  }};
  const QString path = message.path();
  const QString interface = message.interface();
  if (path == kManagerPath && interface == kManager) {
    return dispatch(message, kManagerMethods.begin(), kManagerMethods.end());
  }
  if (path.startsWith(kUnitPrefix) && interface == kProperties) {
    return dispatch(message, kPropertyMethods.begin(), kPropertyMethods.end());
  }
  if (path == kControlPath && interface == kControlInterface) {
    return dispatch(message, kControlMethods.begin(), kControlMethods.end());
  }
  return false;
}

bool FakeSystemd1::dispatch(const QDBusMessage& message, const Method* begin, const Method* end) {
  for (const Method* method = begin; method != end; ++method) {
    if (message.member() != QLatin1String(method->name)) {
      continue;
    }
    if (message.signature() != QLatin1String(method->signature)) {
      replyError(message, kInvalidArgs,
                 QStringLiteral("Invalid arguments '%1' to call %2(), expecting '%3'.")
                     .arg(message.signature(), message.member(), QLatin1String(method->signature)));
      return true;
    }
    counters_[message.member()] += 1;
    (this->*method->handler)(message);
    return true;
  }
  return false;
}

void FakeSystemd1::reply(const QDBusMessage& message, const QVariantList& values) {
  bus_.send(message.createReply(values));
}

void FakeSystemd1::replyError(const QDBusMessage& message, const QString& name, const QString& text) {
  bus_.send(message.createErrorReply(name, text));
}

void FakeSystemd1::subscribe(const QDBusMessage& message) {
  if (subscribers_.contains(message.service())) {
    replyError(message, QStringLiteral("org.freedesktop.systemd1.AlreadySubscribed"),
               QStringLiteral("Client is already subscribed."));
    return;
  }
  subscribers_.insert(message.service());
  subscriberWatch_.addWatchedService(message.service());
  reply(message);
}

void FakeSystemd1::unsubscribe(const QDBusMessage& message) {
  if (!subscribers_.remove(message.service())) {
    replyError(message, QStringLiteral("org.freedesktop.systemd1.NotSubscribed"),
               QStringLiteral("Client is not subscribed."));
    return;
  }
  reply(message);
}

void FakeSystemd1::reload(const QDBusMessage& message) {
  if (options_.denyJobs) {
    replyError(message, QStringLiteral("org.freedesktop.DBus.Error.InteractiveAuthorizationRequired"),
               QStringLiteral("Interactive authentication required."));
    return;
  }
  for (FakeUnit& unit : units_) {
    unit.needDaemonReload = false;
  }
  reply(message);
}

void FakeSystemd1::getUnit(const QDBusMessage& message) {
  const QString name = message.arguments().value(0).toString();
  const auto found = units_.constFind(name);
  if (found == units_.constEnd()) {
    replyError(message, kNoSuchUnit, QStringLiteral("Unit %1 not loaded.").arg(name));
    return;
  }
  reply(message, {QVariant::fromValue(QDBusObjectPath(controller::unitObjectPath(name)))});
}

void FakeSystemd1::loadUnit(const QDBusMessage& message) {
  const QString name = message.arguments().value(0).toString();
  if (!units_.contains(name)) {
    // systemd loads a stub for names without a unit file and reports it as not-found.
    FakeUnit stub;
    stub.name = name;
    stub.loadState = QStringLiteral("not-found");
    stub.activeState = QStringLiteral("inactive");
    stub.subState = QStringLiteral("dead");
    units_.insert(name, stub);
  }
  reply(message, {QVariant::fromValue(QDBusObjectPath(controller::unitObjectPath(name)))});
}

void FakeSystemd1::startUnit(const QDBusMessage& message) {
  queueJob(message, QStringLiteral("start"));
}
void FakeSystemd1::stopUnit(const QDBusMessage& message) {
  queueJob(message, QStringLiteral("stop"));
}
void FakeSystemd1::restartUnit(const QDBusMessage& message) {
  queueJob(message, QStringLiteral("restart"));
}

void FakeSystemd1::queueJob(const QDBusMessage& message, const QString& type) {
  const QString name = message.arguments().value(0).toString();
  const QString mode = message.arguments().value(1).toString();
  if (!inTable(kJobModes, mode)) {
    replyError(message, kInvalidArgs, QStringLiteral("Job mode %1 invalid.").arg(mode));
    return;
  }
  const auto found = units_.find(name);
  if (found == units_.end() || found->loadState == QLatin1String("not-found")) {
    replyError(message, kNoSuchUnit, QStringLiteral("Unit %1 not found.").arg(name));
    return;
  }
  if (options_.denyJobs) {
    replyError(message, QStringLiteral("org.freedesktop.DBus.Error.InteractiveAuthorizationRequired"),
               QStringLiteral("Interactive authentication required."));
    return;
  }
  const quint32 id = nextJobId_++;
  const QString jobPath = QStringLiteral("/org/freedesktop/systemd1/job/%1").arg(id);
  if (type == QLatin1String("stop")) {
    found->activeState = QStringLiteral("deactivating");
    found->subState = QStringLiteral("stop-sigterm");
  } else {
    found->activeState = QStringLiteral("activating");
    found->subState = QStringLiteral("start");
    found->mainPid = 0;
  }
  emitPropertiesChanged(*found);
  if (options_.removedBeforeReply) {
    completeJob(id, jobPath, name, type);
    reply(message, {QVariant::fromValue(QDBusObjectPath(jobPath))});
    return;
  }
  reply(message, {QVariant::fromValue(QDBusObjectPath(jobPath))});
  QTimer::singleShot(options_.jobDelayMs, this,
                     [this, id, jobPath, name, type] { completeJob(id, jobPath, name, type); });
}

void FakeSystemd1::completeJob(quint32 id, const QString& jobPath, const QString& name, const QString& type) {
  const auto found = units_.find(name);
  if (found == units_.end()) {
    return;
  }
  const QString result = found->jobResult;
  if (result == QLatin1String("never")) {
    return; // the job stays queued: no state change, no JobRemoved
  }
  if (result == QLatin1String("done")) {
    if (type == QLatin1String("stop")) {
      found->activeState = QStringLiteral("inactive");
      found->subState = QStringLiteral("dead");
      found->mainPid = 0;
    } else {
      found->activeState = QStringLiteral("active");
      found->subState = QStringLiteral("running");
      found->mainPid = nextPid_++;
      found->execMainStartUs = nowUs();
      found->activeEnterUs = found->execMainStartUs;
    }
  } else if (result == QLatin1String("failed") || result == QLatin1String("timeout")) {
    found->activeState = QStringLiteral("failed");
    found->subState = QStringLiteral("failed");
    found->mainPid = 0;
  } else {
    found->activeState = QStringLiteral("inactive");
    found->subState = QStringLiteral("dead");
    found->mainPid = 0;
  }
  emitPropertiesChanged(*found);
  emitJobRemoved(id, jobPath, name, result);
}

void FakeSystemd1::emitPropertiesChanged(const FakeUnit& unit) {
  if (subscribers_.isEmpty()) {
    return;
  }
  // As systemd does: the Unit interface's state with values, the Service interface's as well.
  for (const QString& interface : {kUnit, kService}) {
    bool known = false;
    const QVariantMap values = properties(unit, interface, &known);
    if (!known) {
      continue;
    }
    QDBusMessage signal = QDBusMessage::createSignal(controller::unitObjectPath(unit.name), kProperties,
                                                     QStringLiteral("PropertiesChanged"));
    signal << interface << values << QStringList{};
    bus_.send(signal);
  }
}

void FakeSystemd1::emitJobRemoved(quint32 id, const QString& jobPath, const QString& unit, const QString& result) {
  if (subscribers_.isEmpty()) {
    return; // systemd only sends job signals while some client is subscribed
  }
  QDBusMessage signal = QDBusMessage::createSignal(kManagerPath, kManager, QStringLiteral("JobRemoved"));
  signal << id << QVariant::fromValue(QDBusObjectPath(jobPath)) << unit << result;
  bus_.send(signal);
}

FakeUnit* FakeSystemd1::unitAtPath(const QString& path) {
  for (FakeUnit& unit : units_) {
    if (controller::unitObjectPath(unit.name) == path) {
      return &unit;
    }
  }
  return nullptr;
}

QVariantMap FakeSystemd1::properties(const FakeUnit& unit, const QString& interface, bool* known) const {
  *known = true;
  if (interface == kUnit) {
    return {
        {QStringLiteral("Id"), unit.name},
        {QStringLiteral("LoadState"), unit.loadState},
        {QStringLiteral("ActiveState"), unit.activeState},
        {QStringLiteral("SubState"), unit.subState},
        {QStringLiteral("FragmentPath"), unit.fragmentPath},
        {QStringLiteral("DropInPaths"), unit.dropInPaths},
        {QStringLiteral("NeedDaemonReload"), unit.needDaemonReload},
        {QStringLiteral("ActiveEnterTimestamp"), QVariant::fromValue<qulonglong>(unit.activeEnterUs)},
    };
  }
  if (interface == kService && unit.name.endsWith(QLatin1String(".service"))) {
    return {
        {QStringLiteral("MainPID"), QVariant::fromValue<uint>(unit.mainPid)},
        {QStringLiteral("ExecMainStartTimestamp"), QVariant::fromValue<qulonglong>(unit.execMainStartUs)},
    };
  }
  *known = false;
  return {};
}

void FakeSystemd1::propertiesGetAll(const QDBusMessage& message) {
  const FakeUnit* unit = unitAtPath(message.path());
  if (unit == nullptr) {
    replyError(message, QStringLiteral("org.freedesktop.DBus.Error.UnknownObject"),
               QStringLiteral("Unknown object '%1'.").arg(message.path()));
    return;
  }
  bool known = false;
  const QVariantMap values = properties(*unit, message.arguments().value(0).toString(), &known);
  if (!known) {
    replyError(message, QStringLiteral("org.freedesktop.DBus.Error.UnknownInterface"),
               QStringLiteral("Unknown interface '%1'.").arg(message.arguments().value(0).toString()));
    return;
  }
  reply(message, {values});
}

void FakeSystemd1::propertiesGet(const QDBusMessage& message) {
  const FakeUnit* unit = unitAtPath(message.path());
  bool known = false;
  const QVariantMap values =
      unit != nullptr ? properties(*unit, message.arguments().value(0).toString(), &known) : QVariantMap{};
  const QString name = message.arguments().value(1).toString();
  if (!values.contains(name)) {
    replyError(message, QStringLiteral("org.freedesktop.DBus.Error.UnknownProperty"),
               QStringLiteral("Unknown property '%1'.").arg(name));
    return;
  }
  reply(message, {QVariant::fromValue(QDBusVariant(values.value(name)))});
}

void FakeSystemd1::controlSetJobResult(const QDBusMessage& message) {
  const QVariantList arguments = message.arguments();
  if (!setJobResult(arguments.value(0).toString(), arguments.value(1).toString())) {
    replyError(message, kInvalidArgs, QStringLiteral("unknown unit or job result"));
    return;
  }
  reply(message);
}

void FakeSystemd1::controlSetRemovedBeforeReply(const QDBusMessage& message) {
  options_.removedBeforeReply = message.arguments().value(0).toBool();
  reply(message);
}

void FakeSystemd1::controlSetDenyJobs(const QDBusMessage& message) {
  options_.denyJobs = message.arguments().value(0).toBool();
  reply(message);
}

void FakeSystemd1::controlSetUnitProperty(const QDBusMessage& message) {
  const QVariantList arguments = message.arguments();
  const auto found = units_.find(arguments.value(0).toString());
  const QString name = arguments.value(1).toString();
  const QVariant value = arguments.value(2).value<QDBusVariant>().variant();
  if (found == units_.end()) {
    replyError(message, kNoSuchUnit, QStringLiteral("Unit %1 not loaded.").arg(arguments.value(0).toString()));
    return;
  }
  if (name == QLatin1String("NeedDaemonReload")) {
    found->needDaemonReload = value.toBool();
  } else if (name == QLatin1String("DropInPaths")) {
    found->dropInPaths = value.toStringList();
  } else if (name == QLatin1String("FragmentPath")) {
    found->fragmentPath = value.toString();
  } else if (name == QLatin1String("ActiveState")) {
    found->activeState = value.toString();
  } else if (name == QLatin1String("SubState")) {
    found->subState = value.toString();
  } else {
    replyError(message, kInvalidArgs, QStringLiteral("property %1 cannot be set").arg(name));
    return;
  }
  emitPropertiesChanged(*found);
  reply(message);
}

void FakeSystemd1::controlAddUnit(const QDBusMessage& message) {
  addUnit(message.arguments().value(0).toString());
  reply(message);
}

void FakeSystemd1::controlCounters(const QDBusMessage& message) {
  QVariantMap counters;
  for (auto it = counters_.constBegin(); it != counters_.constEnd(); ++it) {
    counters.insert(it.key(), QVariant::fromValue<uint>(it.value()));
  }
  reply(message, {counters});
}

} // namespace vgpu::test
