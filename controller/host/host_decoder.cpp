// Decoding admin-socket lines. A Reader walks one JSON object and records the first problem with
// the member's path, so each member is read in one line and a bad line names its fault. Absent
// optional members stay std::nullopt; a present member of the wrong type is always an error.
#include "host/host_decoder.h"

#include "common/json_fields.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <cmath>

namespace vgpu::controller::host {
namespace {

// 2^64: the first double that does not fit an uint64.
constexpr double kUint64Limit = 18446744073709551616.0;
constexpr double kInt64Limit = 9.2e18;

class Reader : public JsonFields<Reader> {
public:
  using JsonFields::JsonFields;

  std::optional<QString> string(const QString& key, bool required) const {
    const QJsonValue value = member(key);
    if (value.isString()) {
      return value.toString();
    }
    if (!value.isUndefined()) {
      fail(key, u"expected a string"_qs);
    } else if (required) {
      fail(key, u"missing"_qs);
    }
    return std::nullopt;
  }

  std::optional<std::uint64_t> count(const QString& key, bool required) const {
    const QJsonValue value = member(key);
    if (value.isUndefined()) {
      if (required) {
        fail(key, u"missing"_qs);
      }
      return std::nullopt;
    }
    const double number = value.toDouble(-1.0);
    if (!value.isDouble() || number < 0 || number >= kUint64Limit || std::floor(number) != number) {
      fail(key, u"expected a non-negative integer"_qs);
      return std::nullopt;
    }
    return static_cast<std::uint64_t>(number);
  }

  std::optional<std::int64_t> integer(const QString& key, bool required) const {
    const QJsonValue value = member(key);
    if (value.isUndefined()) {
      if (required) {
        fail(key, u"missing"_qs);
      }
      return std::nullopt;
    }
    const double number = value.toDouble(0.5);
    if (!value.isDouble() || std::floor(number) != number || std::fabs(number) > kInt64Limit) {
      fail(key, u"expected an integer"_qs);
      return std::nullopt;
    }
    return static_cast<std::int64_t>(number);
  }

  // A non-negative finite number (rates, ages, percentages, watts, clocks).
  std::optional<double> number(const QString& key) const {
    const QJsonValue value = member(key);
    if (value.isUndefined()) {
      return std::nullopt;
    }
    if (!value.isDouble() || value.toDouble() < 0 || !std::isfinite(value.toDouble())) {
      fail(key, u"expected a non-negative number"_qs);
      return std::nullopt;
    }
    return value.toDouble();
  }

  // A number that may be negative (a temperature).
  std::optional<double> signedNumber(const QString& key) const {
    const QJsonValue value = member(key);
    if (value.isUndefined()) {
      return std::nullopt;
    }
    if (!value.isDouble() || !std::isfinite(value.toDouble())) {
      fail(key, u"expected a number"_qs);
      return std::nullopt;
    }
    return value.toDouble();
  }
};

// Each element of `key` must be an object; `read` decodes one.
template <typename Read> void forEachObject(const Reader& reader, const QString& key, bool required, Read read) {
  const QJsonArray items = reader.array(key, required);
  for (qsizetype i = 0; i < items.size() && !reader.failed(); ++i) {
    if (!items[i].isObject()) {
      reader.element(key, i, {}).fail({}, u"expected an object"_qs);
      return;
    }
    read(reader.element(key, i, items[i].toObject()), items[i].toObject());
  }
}

int smallIndex(const Reader& reader, const QString& key) {
  const std::optional<std::uint64_t> value = reader.count(key, true);
  if (value && *value > 1u << 20) {
    reader.fail(key, u"out of range"_qs);
    return 0;
  }
  return static_cast<int>(value.value_or(0));
}

HostDecodedLine decodeHello(const QJsonObject& object) {
  QString error;
  const Reader reader(object, u"hello"_qs, &error);
  HostHello hello;
  hello.protocol = static_cast<int>(reader.integer(u"protocol"_qs, true).value_or(0));
  hello.daemonVersion = reader.string(u"daemon_version"_qs, false).value_or(QString());
  hello.hostname = reader.string(u"hostname"_qs, false).value_or(QString());
  hello.backend = reader.string(u"backend"_qs, false).value_or(QString());
  hello.simulated = reader.flag(u"simulated"_qs).value_or(false);
  hello.pid = reader.integer(u"pid"_qs, false);
  hello.startedMs = reader.integer(u"started_ms"_qs, false);
  if (reader.object(u"peer"_qs, false)) {
    const Reader peer = reader.child(u"peer"_qs);
    HostPeer value;
    value.transport = peer.string(u"transport"_qs, false).value_or(QString());
    if (const auto uid = peer.count(u"uid"_qs, false); uid && *uid <= 0xffffffffu) {
      value.uid = static_cast<std::uint32_t>(*uid);
    }
    value.address = peer.string(u"address"_qs, false);
    hello.peer = value;
  }
  if (!error.isEmpty()) {
    return HostDecodeError{error};
  }
  if (hello.protocol < 1) {
    return HostDecodeError{u"hello.protocol: expected a positive integer"_qs};
  }
  hello.json = object;
  return hello;
}

HostGpu readGpu(const Reader& reader, const QJsonObject& object) {
  HostGpu gpu;
  gpu.index = smallIndex(reader, u"index"_qs);
  gpu.name = reader.string(u"name"_qs, false).value_or(QString());
  gpu.uuid = reader.string(u"uuid"_qs, false).value_or(QString());
  gpu.pciBusId = reader.string(u"pci_bus_id"_qs, false).value_or(QString());
  gpu.simulated = reader.flag(u"simulated"_qs).value_or(false);
  gpu.memoryTotalBytes = reader.count(u"memory_total_bytes"_qs, false);
  gpu.memoryUsedBytes = reader.count(u"memory_used_bytes"_qs, false);
  gpu.memoryFreeBytes = reader.count(u"memory_free_bytes"_qs, false);
  gpu.sessions = reader.count(u"sessions"_qs, false);
  gpu.utilizationGpuPercent = reader.number(u"utilization_gpu_percent"_qs);
  gpu.utilizationMemoryPercent = reader.number(u"utilization_memory_percent"_qs);
  gpu.temperatureC = reader.signedNumber(u"temperature_c"_qs);
  gpu.powerWatts = reader.number(u"power_watts"_qs);
  gpu.smClockMhz = reader.number(u"sm_clock_mhz"_qs);
  gpu.memoryClockMhz = reader.number(u"memory_clock_mhz"_qs);
  gpu.json = object;
  return gpu;
}

HostSession readSession(const Reader& reader, const QJsonObject& object) {
  HostSession session;
  session.id = reader.count(u"id"_qs, true).value_or(0);
  session.transport = reader.string(u"transport"_qs, false).value_or(QString());
  session.remoteAddress = reader.string(u"remote_address"_qs, false);
  if (const auto uid = reader.count(u"peer_uid"_qs, false)) {
    if (*uid > 0xffffffffu) {
      reader.fail(u"peer_uid"_qs, u"out of range"_qs);
    }
    session.peerUid = static_cast<std::uint32_t>(*uid);
  }
  session.peerPid = reader.integer(u"peer_pid"_qs, false);
  session.clientPid = reader.integer(u"client_pid"_qs, false);
  session.clientProcess = reader.string(u"client_process"_qs, false).value_or(QString());
  session.clientName = reader.string(u"client_name"_qs, false).value_or(QString());
  session.startedMs = reader.integer(u"started_ms"_qs, false);
  session.ageS = reader.number(u"age_s"_qs);
  session.state = reader.string(u"state"_qs, false).value_or(QString());
  session.priority = reader.string(u"priority"_qs, false).value_or(QString());
  session.vramQuotaBytes = reader.count(u"vram_quota_bytes"_qs, false);
  session.vramUsedBytes = reader.count(u"vram_used_bytes"_qs, false);
  session.hostBytes = reader.count(u"host_bytes"_qs, false);
  forEachObject(reader, u"devices"_qs, false, [&](const Reader& device, const QJsonObject&) {
    HostSessionDevice entry;
    entry.index = smallIndex(device, u"index"_qs);
    entry.gpu = device.has(u"gpu"_qs) ? smallIndex(device, u"gpu"_qs) : entry.index;
    entry.vramUsedBytes = device.count(u"vram_used_bytes"_qs, false).value_or(0);
    session.devices.append(entry);
  });
  session.calls = reader.count(u"calls"_qs, false);
  session.errors = reader.count(u"errors"_qs, false);
  session.launches = reader.count(u"launches"_qs, false);
  session.bytesHostToDevice = reader.count(u"bytes_host_to_device"_qs, false);
  session.bytesDeviceToHost = reader.count(u"bytes_device_to_host"_qs, false);
  session.launchesPerS = reader.number(u"launches_per_s"_qs);
  session.copyBytesPerS = reader.number(u"copy_bytes_per_s"_qs);
  if (reader.object(u"latency_ns"_qs, false)) {
    const Reader latency = reader.child(u"latency_ns"_qs);
    const QJsonObject latencyObject = object.value(u"latency_ns"_qs).toObject();
    const auto percentile = [&](const QString& key) -> std::optional<std::int64_t> {
      if (latencyObject.value(key).isNull()) {
        return std::nullopt; // a null percentile: no calls counted
      }
      const std::optional<std::int64_t> number = latency.integer(key, false);
      if (number && *number < 0) {
        latency.fail(key, u"expected a non-negative integer"_qs);
        return std::nullopt;
      }
      return number;
    };
    session.latency = HostLatency{percentile(u"p50"_qs), percentile(u"p90"_qs), percentile(u"p99"_qs)};
  }
  session.json = object;
  return session;
}

HostDecodedLine decodeSample(const QJsonObject& object) {
  QString error;
  const Reader reader(object, u"sample"_qs, &error);
  HostSample sample;
  sample.seq = reader.count(u"seq"_qs, true).value_or(0);
  sample.timeMs = reader.integer(u"time_ms"_qs, true).value_or(0);
  sample.hostname = reader.string(u"hostname"_qs, false).value_or(QString());
  sample.backend = reader.string(u"backend"_qs, false).value_or(QString());
  sample.simulated = reader.flag(u"simulated"_qs).value_or(false);
  sample.droppedSamples = reader.count(u"dropped_samples"_qs, false).value_or(0);
  forEachObject(reader, u"gpus"_qs, true,
                [&](const Reader& gpu, const QJsonObject& item) { sample.gpus.append(readGpu(gpu, item)); });
  forEachObject(reader, u"sessions"_qs, true, [&](const Reader& session, const QJsonObject& item) {
    sample.sessions.append(readSession(session, item));
  });
  if (reader.object(u"totals"_qs, false)) {
    const Reader totals = reader.child(u"totals"_qs);
    sample.totalSessions = totals.count(u"sessions"_qs, false);
    sample.totalVramUsedBytes = totals.count(u"vram_used_bytes"_qs, false);
  }
  if (!error.isEmpty()) {
    return HostDecodeError{error};
  }
  sample.json = object;
  return sample;
}

} // namespace

QString HostSession::peerText() const {
  if (remoteAddress) {
    return *remoteAddress;
  }
  if (peerUid) {
    return u"uid "_qs + QString::number(*peerUid);
  }
  return {};
}

const HostGpu* HostSample::gpu(int index) const {
  for (const HostGpu& candidate : gpus) {
    if (candidate.index == index) {
      return &candidate;
    }
  }
  return nullptr;
}

const HostSession* HostSample::session(std::uint64_t id) const {
  for (const HostSession& candidate : sessions) {
    if (candidate.id == id) {
      return &candidate;
    }
  }
  return nullptr;
}

HostDecodedLine decodeHostObject(const QJsonObject& object) {
  const QJsonValue type = object.value(u"type"_qs);
  if (!type.isString()) {
    return HostDecodeError{type.isUndefined() ? u"reply without \"type\""_qs : u"reply's \"type\" is not a string"_qs};
  }
  const QString name = type.toString();
  if (name == u"hello") {
    return decodeHello(object);
  }
  if (name == u"sample") {
    return decodeSample(object);
  }
  if (name == u"ok" || name == u"error") {
    QString error;
    const Reader reader(object, name, &error);
    const QString command = reader.string(u"cmd"_qs, false).value_or(QString());
    if (name == u"ok") {
      if (!error.isEmpty()) {
        return HostDecodeError{error};
      }
      return HostOk{command, object};
    }
    HostServerError serverError{command, reader.string(u"error"_qs, true).value_or(QString()),
                                reader.string(u"message"_qs, false).value_or(QString())};
    if (!error.isEmpty()) {
      return HostDecodeError{error};
    }
    return serverError;
  }
  return HostUnknownReply{name};
}

HostDecodedLine decodeHostLine(const QByteArray& line) {
  QByteArray text = line;
  if (text.endsWith('\r')) {
    text.chop(1);
  }
  QJsonParseError parseError{};
  const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
  if (parseError.error != QJsonParseError::NoError) {
    return HostDecodeError{u"not JSON ("_qs + parseError.errorString() + u" at offset "_qs +
                           QString::number(parseError.offset) + u')'};
  }
  if (!document.isObject()) {
    return HostDecodeError{u"not a JSON object"_qs};
  }
  return decodeHostObject(document.object());
}

} // namespace vgpu::controller::host
