// Decoding control-socket lines. A small Reader walks one JSON object and records the first
// problem with the member's path ("sample.devices[0].vram_used_bytes: expected a non-negative
// integer"), so every required member is read in one line of code and a bad line names its fault.
#include "telemetry/telemetry_decoder.h"

#include "common/json_fields.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <cmath>

namespace vgpu::controller::telemetry {
namespace {

// Largest double that converts to an exact uint64 without overflow (2^64 is out of range).
constexpr double kUint64Limit = 18446744073709551616.0;

class Reader : public JsonFields<Reader> {
public:
  using JsonFields::JsonFields;

  QString string(const QString& key, bool required = true) const {
    const QJsonValue value = member(key);
    if (value.isString()) {
      return value.toString();
    }
    if (required || !value.isUndefined()) {
      fail(key, value.isUndefined() ? u"missing"_qs : u"expected a string"_qs);
    }
    return {};
  }

  std::uint64_t count(const QString& key, bool required = true) const {
    const QJsonValue value = member(key);
    if (value.isUndefined() && !required) {
      return 0;
    }
    const double number = value.toDouble(-1.0);
    if (!value.isDouble() || number < 0 || number >= kUint64Limit || std::floor(number) != number) {
      fail(key, value.isUndefined() ? u"missing"_qs : u"expected a non-negative integer"_qs);
      return 0;
    }
    return static_cast<std::uint64_t>(number);
  }

  std::int64_t integer(const QString& key) const {
    const QJsonValue value = member(key);
    const double number = value.toDouble(0.5);
    if (!value.isDouble() || std::floor(number) != number || std::fabs(number) > 9.2e18) {
      fail(key, value.isUndefined() ? u"missing"_qs : u"expected an integer"_qs);
      return 0;
    }
    return static_cast<std::int64_t>(number);
  }

  double rate(const QString& key, bool required = true) const {
    const QJsonValue value = member(key);
    if (value.isUndefined() && !required) {
      return 0.0;
    }
    if (!value.isDouble() || value.toDouble() < 0) {
      fail(key, value.isUndefined() ? u"missing"_qs : u"expected a non-negative number"_qs);
      return 0.0;
    }
    return value.toDouble();
  }

  // A percentile: null or absent = no calls in the window; otherwise a non-negative integer.
  std::optional<std::int64_t> percentile(const QString& key) const {
    const QJsonValue value = member(key);
    if (value.isNull() || value.isUndefined()) {
      return std::nullopt;
    }
    const double number = value.toDouble(-1.0);
    if (!value.isDouble() || number < 0 || std::floor(number) != number || number > 9.2e18) {
      fail(key, u"expected a non-negative integer or null"_qs);
      return std::nullopt;
    }
    return static_cast<std::int64_t>(number);
  }
};

LatencyPercentiles readPercentiles(const Reader& reader, const QString& suffix) {
  return {reader.percentile(u"p50"_qs + suffix), reader.percentile(u"p95"_qs + suffix),
          reader.percentile(u"p99"_qs + suffix)};
}

DecodedLine decodeHello(const QJsonObject& object) {
  QString error;
  const Reader reader(object, u"hello"_qs, &error);
  ProcessHello hello;
  hello.protocol = reader.has(u"protocol"_qs) ? static_cast<int>(reader.integer(u"protocol"_qs)) : 0;
  hello.pid = reader.integer(u"pid"_qs);
  if (!error.isEmpty() || hello.pid <= 0) {
    return DecodeError{error.isEmpty() ? u"hello.pid: expected a positive integer"_qs : error};
  }
  hello.executable = reader.string(u"executable"_qs, false);
  hello.uid = static_cast<std::uint32_t>(reader.count(u"uid"_qs, false));
  hello.shimVersion = reader.string(u"shim_version"_qs, false);
  hello.backend = reader.string(u"backend"_qs, false);
  if (reader.has(u"endpoint"_qs)) {
    hello.endpoint = reader.string(u"endpoint"_qs);
  }
  if (reader.has(u"executor"_qs)) {
    hello.executor = reader.string(u"executor"_qs);
  }
  hello.simulatedFlag = reader.flag(u"simulated"_qs);
  if (reader.has(u"log_level"_qs)) {
    hello.logLevel = reader.string(u"log_level"_qs);
  }
  const QJsonArray devices = reader.array(u"devices"_qs, false);
  for (qsizetype i = 0; i < devices.size(); ++i) {
    if (!devices[i].isObject()) {
      return DecodeError{u"hello.devices["_qs + QString::number(i) + u"]: expected an object"_qs};
    }
    const Reader device = reader.element(u"devices"_qs, i, devices[i].toObject());
    hello.devices.append({static_cast<int>(device.count(u"index"_qs)), device.string(u"name"_qs, false),
                          device.string(u"uuid"_qs, false), device.string(u"pci_bus_id"_qs, false)});
  }
  if (!error.isEmpty()) {
    return DecodeError{error};
  }
  hello.json = object;
  return hello;
}

void readCalls(const Reader& reader, Sample& sample) {
  if (!reader.object(u"calls"_qs, false)) {
    return;
  }
  const Reader calls = reader.child(u"calls"_qs);
  CallFigures figures;
  figures.total = calls.count(u"total"_qs);
  figures.errors = calls.count(u"errors"_qs, false);
  figures.windowCalls = calls.count(u"window_calls"_qs, false);
  if (calls.object(u"latency_ns"_qs, false)) {
    figures.latency = readPercentiles(calls.child(u"latency_ns"_qs), {});
  }
  sample.calls = figures;
}

void readApis(const Reader& reader, Sample& sample) {
  if (!reader.has(u"apis"_qs)) {
    return;
  }
  const QJsonArray apis = reader.array(u"apis"_qs);
  QList<ApiFigures> list;
  for (qsizetype i = 0; i < apis.size(); ++i) {
    const Reader api = reader.element(u"apis"_qs, i, apis[i].toObject());
    if (!apis[i].isObject()) {
      api.fail({}, u"expected an object"_qs);
      return;
    }
    list.append({api.string(u"name"_qs), api.count(u"calls"_qs), api.count(u"errors"_qs, false),
                 api.count(u"window_calls"_qs, false), readPercentiles(api, u"_ns"_qs)});
  }
  sample.apis = list;
}

void readErrors(const Reader& reader, Sample& sample) {
  if (!reader.has(u"errors"_qs)) {
    return;
  }
  const QJsonArray errors = reader.array(u"errors"_qs);
  QList<ErrorFigures> list;
  for (qsizetype i = 0; i < errors.size(); ++i) {
    const Reader entry = reader.element(u"errors"_qs, i, errors[i].toObject());
    if (!errors[i].isObject()) {
      entry.fail({}, u"expected an object"_qs);
      return;
    }
    list.append(
        {static_cast<int>(entry.integer(u"code"_qs)), entry.string(u"name"_qs, false), entry.count(u"count"_qs)});
  }
  sample.errors = list;
}

DecodedLine decodeSample(const QJsonObject& object) {
  QString error;
  const Reader reader(object, u"sample"_qs, &error);
  Sample sample;
  sample.seq = reader.count(u"seq"_qs);
  sample.timeMs = reader.integer(u"time_ms"_qs);
  sample.backendState = reader.string(u"backend_state"_qs, false);
  const QJsonArray devices = reader.array(u"devices"_qs);
  for (qsizetype i = 0; i < devices.size() && error.isEmpty(); ++i) {
    const Reader device = reader.element(u"devices"_qs, i, devices[i].toObject());
    if (!devices[i].isObject()) {
      device.fail({}, u"expected an object"_qs);
      break;
    }
    sample.devices.append({static_cast<int>(device.count(u"index"_qs)), device.count(u"vram_used_bytes"_qs),
                           device.count(u"vram_total_bytes"_qs), device.count(u"vram_peak_bytes"_qs, false),
                           device.count(u"allocations"_qs, false)});
  }
  if (reader.object(u"kernel_launches"_qs, false)) {
    const Reader launches = reader.child(u"kernel_launches"_qs);
    sample.kernelLaunchesTotal = launches.count(u"total"_qs);
    sample.kernelLaunchesPerSecond = launches.rate(u"per_second"_qs, false);
  }
  if (reader.object(u"copies"_qs, false)) {
    const Reader copies = reader.child(u"copies"_qs);
    for (int direction = 0; direction < kCopyDirectionCount; ++direction) {
      const QString name = QString::fromLatin1(copyDirectionName(static_cast<CopyDirection>(direction)));
      if (copies.object(name, false)) {
        const Reader figures = copies.child(name);
        sample.copies[static_cast<std::size_t>(direction)] = {figures.count(u"bytes"_qs),
                                                              figures.rate(u"bytes_per_second"_qs, false)};
      }
    }
  }
  sample.memsets = reader.count(u"memsets"_qs, false);
  sample.droppedClients = reader.count(u"dropped_clients"_qs, false);
  readCalls(reader, sample);
  readApis(reader, sample);
  readErrors(reader, sample);
  if (!error.isEmpty()) {
    return DecodeError{error};
  }
  sample.json = object;
  return sample;
}

} // namespace

DecodedLine decodeTelemetryObject(const QJsonObject& object) {
  const QJsonValue type = object.value(u"type"_qs);
  if (!type.isString()) {
    return DecodeError{type.isUndefined() ? u"reply without a \"type\" member"_qs
                                          : u"reply member \"type\" is not a string"_qs};
  }
  const QString name = type.toString();
  if (name == u"sample") {
    return decodeSample(object);
  }
  if (name == u"hello") {
    return decodeHello(object);
  }
  if (name == u"ok") {
    return OkReply{object.value(u"cmd"_qs).toString(), object};
  }
  if (name == u"error") {
    return ServerError{object.value(u"error"_qs).toString(), object.value(u"message"_qs).toString()};
  }
  return UnknownReply{name};
}

DecodedLine decodeTelemetryLine(const QByteArray& line) {
  QByteArray text = line;
  if (text.endsWith('\r')) {
    text.chop(1);
  }
  QJsonParseError parseError{};
  const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
  if (parseError.error != QJsonParseError::NoError) {
    return DecodeError{u"malformed JSON at offset "_qs + QString::number(parseError.offset) + u": "_qs +
                       parseError.errorString()};
  }
  if (!document.isObject()) {
    return DecodeError{u"reply is not a JSON object"_qs};
  }
  return decodeTelemetryObject(document.object());
}

} // namespace vgpu::controller::telemetry
