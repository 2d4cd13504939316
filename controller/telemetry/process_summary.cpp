// The process row shared by vgpuctl ps/top and the console, and its JSON.
#include "telemetry/process_summary.h"

#include <QJsonArray>
#include <array>
#include <pwd.h>
#include <unistd.h>
#include <vector>

namespace vgpu::controller::telemetry {

QString userName(std::uint32_t uid) {
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> storage(16384);
  if (::getpwuid_r(uid, &entry, storage.data(), storage.size(), &found) == 0 && found != nullptr) {
    return QString::fromLocal8Bit(found->pw_name);
  }
  return QString::number(uid);
}

QString humanBytes(std::uint64_t bytes) {
  static constexpr std::array<const char*, 5> kUnits{"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) {
    return QString::number(bytes) + QStringLiteral(" B");
  }
  double value = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < kUnits.size()) {
    value /= 1024.0;
    ++unit;
  }
  return QString::number(value, 'f', 1) + u' ' + QString::fromLatin1(kUnits[unit]);
}

ProcessSummary summarizeProcess(const ProcessHello& hello, const Sample& sample) {
  ProcessSummary summary;
  summary.pid = hello.pid;
  summary.uid = hello.uid;
  summary.user = userName(hello.uid);
  summary.executable = hello.executable;
  for (const DeviceIdentity& device : hello.devices) {
    summary.devices.append(device.uuid);
  }
  summary.backend = hello.backend;
  summary.endpoint = hello.endpoint.value_or(QString());
  summary.executor = hello.executor.value_or(QString());
  summary.simulated = hello.simulated();
  summary.backendState = sample.backendState;
  for (const DeviceMemory& memory : sample.devices) {
    summary.vramUsedBytes += memory.usedBytes;
    summary.vramTotalBytes += memory.totalBytes;
  }
  summary.launchesPerSecond = sample.kernelLaunchesPerSecond;
  return summary;
}

QString backendLabel(const ProcessSummary& row) {
  if (!row.simulated || row.backend == QLatin1String("simulated")) {
    return row.backend;
  }
  return row.backend + QStringLiteral("(sim)");
}

QString simulatedNote() {
  return QStringLiteral("simulated: no GPU runs these processes' kernels; they are validated and counted, never "
                        "executed (backend = sim, or vgpud --backend sim)");
}

QString processTable(const QList<ProcessSummary>& rows) {
  // Columns: header, width (0 = last column, unpadded), cell text.
  struct Column {
    const char* header;
    int width;
    QString (*cell)(const ProcessSummary&);
  };
  static const std::array<Column, 7> kColumns{{
      {"PID", 8, [](const ProcessSummary& r) { return QString::number(r.pid); }},
      {"USER", 10, [](const ProcessSummary& r) { return r.user; }},
      {"BACKEND", 12, [](const ProcessSummary& r) { return backendLabel(r); }},
      {"VRAM", 11, [](const ProcessSummary& r) { return humanBytes(r.vramUsedBytes); }},
      {"LAUNCH/S", 10, [](const ProcessSummary& r) { return QString::number(r.launchesPerSecond, 'f', 1); }},
      {"DEVICES", 42, [](const ProcessSummary& r) { return r.devices.join(u','); }},
      {"EXECUTABLE", 0, [](const ProcessSummary& r) { return r.executable; }},
  }};
  const auto appendRow = [](QString& text, auto cellOf) {
    for (const Column& column : kColumns) {
      const QString cell = cellOf(column);
      text += column.width == 0 ? cell : cell.leftJustified(column.width - 1) + u' ';
    }
    text += u'\n';
  };
  QString text;
  appendRow(text, [](const Column& column) { return QString::fromLatin1(column.header); });
  bool anySimulated = false;
  for (const ProcessSummary& row : rows) {
    appendRow(text, [&row](const Column& column) { return column.cell(row); });
    anySimulated = anySimulated || row.simulated;
  }
  if (anySimulated) {
    text += simulatedNote() + u'\n';
  }
  return text;
}

QJsonObject ProcessSummary::toJson() const {
  return {{QStringLiteral("pid"), pid},
          {QStringLiteral("uid"), static_cast<qint64>(uid)},
          {QStringLiteral("user"), user},
          {QStringLiteral("executable"), executable},
          {QStringLiteral("devices"), QJsonArray::fromStringList(devices)},
          {QStringLiteral("backend"), backend},
          {QStringLiteral("endpoint"), endpoint.isEmpty() ? QJsonValue() : QJsonValue(endpoint)},
          {QStringLiteral("executor"), executor.isEmpty() ? QJsonValue() : QJsonValue(executor)},
          {QStringLiteral("simulated"), simulated},
          {QStringLiteral("backend_state"), backendState},
          {QStringLiteral("vram_used_bytes"), static_cast<double>(vramUsedBytes)},
          {QStringLiteral("vram_total_bytes"), static_cast<double>(vramTotalBytes)},
          {QStringLiteral("launches_per_second"), launchesPerSecond}};
}

} // namespace vgpu::controller::telemetry
