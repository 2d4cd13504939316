// Assembling the machine status from the inputs other modules produced, and its JSON form. The
// judgement of a runner (CPU or not) is the doctor's (OllamaProcess::runnerOnCpu); whether a
// process's devices are simulated is the telemetry hello's (ProcessHello::simulated).
#include "status/machine_status.h"

#include <QJsonArray>

#include <algorithm>
#include <map>

namespace vgpu::controller::status {

QString statusPageName(StatusPage page) {
  switch (page) {
  case StatusPage::Dashboard: return QStringLiteral("dashboard");
  case StatusPage::Processes: return QStringLiteral("processes");
  case StatusPage::Hosts: return QStringLiteral("hosts");
  case StatusPage::Service: return QStringLiteral("service");
  case StatusPage::Diagnostics: return QStringLiteral("diagnostics");
  case StatusPage::Configuration: return QStringLiteral("configuration");
  }
  return QString();
}

QString ollamaStateName(OllamaState state) {
  switch (state) {
  case OllamaState::NotInstalled: return QStringLiteral("not-installed");
  case OllamaState::Inactive: return QStringLiteral("inactive");
  case OllamaState::Active: return QStringLiteral("active");
  case OllamaState::Unknown: return QStringLiteral("unknown");
  }
  return QString();
}

QString placementName(Placement placement) {
  switch (placement) {
  case Placement::Gpu: return QStringLiteral("gpu");
  case Placement::Cpu: return QStringLiteral("cpu");
  case Placement::Simulated: return QStringLiteral("simulated");
  case Placement::Idle: return QStringLiteral("idle");
  case Placement::None: return QStringLiteral("none");
  case Placement::Unknown: return QStringLiteral("unknown");
  }
  return QString();
}

QString verdictName(Verdict verdict) {
  switch (verdict) {
  case Verdict::Gpu: return QStringLiteral("gpu");
  case Verdict::Degraded: return QStringLiteral("degraded");
  case Verdict::Simulated: return QStringLiteral("simulated");
  case Verdict::NoOllama: return QStringLiteral("no-ollama");
  }
  return QString();
}

QString alertKindName(AlertKind kind) {
  switch (kind) {
  case AlertKind::NoOllama: return QStringLiteral("no-ollama");
  case AlertKind::OllamaInactive: return QStringLiteral("ollama-inactive");
  case AlertKind::CpuFallback: return QStringLiteral("cpu-fallback");
  case AlertKind::VgpudUnreachable: return QStringLiteral("vgpud-unreachable");
  case AlertKind::SimulatedDevice: return QStringLiteral("simulated-device");
  case AlertKind::TelemetryUnreadable: return QStringLiteral("telemetry-unreadable");
  }
  return QString();
}

bool MachineStatus::hasAlert(AlertKind kind) const {
  return std::any_of(alerts.begin(), alerts.end(), [kind](const StatusAlert& alert) { return alert.kind == kind; });
}

// The worst state decides: no Ollama before a degraded one, degraded before simulated (a simulated
// runner that also falls back to the CPU needs the fix for the fallback first).
Verdict MachineStatus::verdict() const {
  if (hasAlert(AlertKind::NoOllama) || hasAlert(AlertKind::OllamaInactive)) {
    return Verdict::NoOllama;
  }
  if (hasAlert(AlertKind::CpuFallback) || hasAlert(AlertKind::VgpudUnreachable) ||
      hasAlert(AlertKind::TelemetryUnreadable) || ollama == OllamaState::Unknown || placement == Placement::Unknown) {
    return Verdict::Degraded;
  }
  if (hasAlert(AlertKind::SimulatedDevice)) {
    return Verdict::Simulated;
  }
  return Verdict::Gpu;
}

StatusPage MachineStatus::placementPage() const {
  return placement == Placement::Gpu || placement == Placement::Simulated ? StatusPage::Processes
                                                                          : StatusPage::Diagnostics;
}

StatusPage MachineStatus::workPlacePage() const {
  const bool simulated = configured.simulated || std::any_of(gpus.begin(), gpus.end(),
                                                             [](const StatusGpu& gpu) { return gpu.where.simulated; });
  return simulated ? StatusPage::Processes : StatusPage::Hosts;
}

namespace {

QJsonObject workPlaceJson(const WorkPlace& where) {
  return {{QStringLiteral("simulated"), where.simulated},
          {QStringLiteral("in_process"), where.inProcess},
          {QStringLiteral("endpoint"), where.endpoint.isEmpty() ? QJsonValue() : QJsonValue(where.endpoint)}};
}

QJsonValue bytesJson(const std::optional<std::uint64_t>& bytes) {
  return bytes ? QJsonValue(static_cast<qint64>(*bytes)) : QJsonValue();
}

OllamaState ollamaStateOf(const MachineStatusInputs& inputs, QString& unitState) {
  if (inputs.unit && inputs.unit->status) {
    const UnitStatus& unit = *inputs.unit->status;
    unitState = unit.activeState + QStringLiteral(" (") + unit.subState + u')';
    if (unit.loadState == u"not-found") {
      return OllamaState::NotInstalled;
    }
    return unit.activeState == u"active" || unit.activeState == u"reloading" ? OllamaState::Active
                                                                             : OllamaState::Inactive;
  }
  const bool serveRuns =
      inputs.ollamaProcesses && std::any_of(inputs.ollamaProcesses->begin(), inputs.ollamaProcesses->end(),
                                            [](const doctor::OllamaProcess& process) {
                                              return process.role == doctor::OllamaProcessRole::Serve;
                                            });
  if (serveRuns) {
    return OllamaState::Active;
  }
  if (inputs.installation && !inputs.installation->unit && inputs.installation->binary.path.isEmpty()) {
    return OllamaState::NotInstalled;
  }
  // Installed, not running as far as the processes say; without systemd's word that is inactive
  // only when the processes were examined.
  return inputs.ollamaProcesses ? OllamaState::Inactive : OllamaState::Unknown;
}

WorkPlace workPlaceOf(const telemetry::ProcessHello& hello) {
  const QString endpoint = hello.endpoint.value_or(QString());
  const bool inProcess = endpoint == u"in-process" || (endpoint.isEmpty() && hello.backend == u"simulated");
  return WorkPlace{hello.simulated(), inProcess, inProcess ? QString() : endpoint};
}

// Every device the shim processes present, by UUID (first seen first); used memory summed over
// the processes, total the device's own.
QList<StatusGpu> gpusOf(const QList<telemetry::ProcessSnapshot>& processes) {
  QList<StatusGpu> gpus;
  std::map<QString, qsizetype> byUuid;
  for (const telemetry::ProcessSnapshot& process : processes) {
    for (const telemetry::DeviceIdentity& device : process.hello.devices) {
      auto [it, added] = byUuid.emplace(device.uuid, gpus.size());
      if (added) {
        gpus.append(StatusGpu{device.name, device.uuid, workPlaceOf(process.hello), 0, 0});
      }
      StatusGpu& gpu = gpus[it->second];
      if (const telemetry::DeviceMemory* memory = process.sample.device(device.index)) {
        gpu.vramUsedBytes += memory->usedBytes;
        gpu.vramTotalBytes = std::max(gpu.vramTotalBytes, memory->totalBytes);
      }
    }
  }
  return gpus;
}

const telemetry::ProcessSnapshot* shimProcess(const MachineStatusInputs& inputs, int pid) {
  const auto found =
      std::find_if(inputs.shimProcesses.begin(), inputs.shimProcesses.end(),
                   [pid](const telemetry::ProcessSnapshot& process) { return process.hello.pid == pid; });
  return found == inputs.shimProcesses.end() ? nullptr : &*found;
}

void placeRunners(const MachineStatusInputs& inputs, MachineStatus& status, QStringList& cpuRunners,
                  QStringList& simulatedRunners) {
  if (!inputs.ollamaProcesses) {
    status.placement = Placement::Unknown;
    return;
  }
  for (const doctor::OllamaProcess& process : *inputs.ollamaProcesses) {
    if (process.role == doctor::OllamaProcessRole::Serve) {
      continue;
    }
    ++status.runners;
    const QString name = QStringLiteral("%1 pid %2").arg(doctor::ollamaProcessRoleName(process.role)).arg(process.pid);
    if (process.runnerOnCpu()) {
      ++status.runnersOnCpu;
      cpuRunners.append(name);
    } else if (const telemetry::ProcessSnapshot* shim = shimProcess(inputs, process.pid);
               shim != nullptr && shim->hello.simulated()) {
      simulatedRunners.append(name);
    }
  }
  if (status.runnersOnCpu > 0) {
    status.placement = Placement::Cpu;
  } else if (!simulatedRunners.isEmpty() || (status.runners > 0 && inputs.configured.simulated)) {
    // A runner no control socket answered for still runs the backend the service's shim.conf
    // selects: with backend = sim that is the simulated device, never "the GPU".
    status.placement = Placement::Simulated;
  } else if (status.runners > 0) {
    status.placement = Placement::Gpu;
  } else {
    status.placement = inputs.ollamaProcesses->isEmpty() ? Placement::None : Placement::Idle;
  }
}

} // namespace

MachineStatus assembleMachineStatus(const MachineStatusInputs& inputs) {
  MachineStatus status;
  status.ollama = ollamaStateOf(inputs, status.unitState);
  if (inputs.unit && !inputs.unit->status) {
    status.unitError = inputs.unit->error;
  }
  if (inputs.installation && inputs.installation->version.text != u"unknown") {
    status.ollamaVersion = inputs.installation->version.text;
  }
  status.configured = inputs.configured;
  QStringList cpuRunners;
  QStringList simulatedRunners;
  placeRunners(inputs, status, cpuRunners, simulatedRunners);
  status.gpus = gpusOf(inputs.shimProcesses);
  if (!inputs.shimProcesses.isEmpty()) {
    std::uint64_t used = 0;
    std::uint64_t total = 0;
    for (const StatusGpu& gpu : status.gpus) {
      used += gpu.vramUsedBytes;
      total += gpu.vramTotalBytes;
    }
    status.vramUsedBytes = used;
    status.vramTotalBytes = total;
  }
  if (inputs.vgpudEndpoint && inputs.vgpudEndpoint->status != doctor::CheckStatus::Skip) {
    status.vgpudReachable = inputs.vgpudEndpoint->status != doctor::CheckStatus::Fail;
  }

  if (status.ollama == OllamaState::NotInstalled) {
    status.alerts.append({AlertKind::NoOllama, QStringLiteral("no ollama.service and no ollama binary were found"),
                          StatusPage::Configuration});
  } else if (status.ollama == OllamaState::Inactive) {
    status.alerts.append({AlertKind::OllamaInactive,
                          status.unitState.isEmpty() ? QStringLiteral("no ollama serve process runs")
                                                     : QStringLiteral("ollama.service is ") + status.unitState,
                          StatusPage::Service});
  }
  if (!cpuRunners.isEmpty()) {
    status.alerts.append({AlertKind::CpuFallback,
                          cpuRunners.join(QStringLiteral(", ")) + QStringLiteral(" has no libggml-cuda.so loaded"),
                          StatusPage::Diagnostics});
  }
  if (status.vgpudReachable == false) {
    status.alerts.append({AlertKind::VgpudUnreachable, inputs.vgpudEndpoint->summary, StatusPage::Diagnostics});
  }
  const bool simulatedGpu =
      std::any_of(status.gpus.begin(), status.gpus.end(), [](const StatusGpu& gpu) { return gpu.where.simulated; });
  if (!simulatedRunners.isEmpty() || status.configured.simulated || simulatedGpu) {
    const QString detail =
        !simulatedRunners.isEmpty()   ? simulatedRunners.join(QStringLiteral(", ")) + QStringLiteral(" runs on it")
        : status.configured.simulated ? QStringLiteral("ollama.service's shim configuration selects backend = sim")
                                      : QStringLiteral("a shim process presents a simulated device");
    status.alerts.append({AlertKind::SimulatedDevice, detail, StatusPage::Processes});
  }
  if (!inputs.telemetryErrors.isEmpty()) {
    status.alerts.append(
        {AlertKind::TelemetryUnreadable, inputs.telemetryErrors.join(QStringLiteral("; ")), StatusPage::Processes});
  }
  return status;
}

QJsonObject MachineStatus::toJson() const {
  QJsonArray gpuArray;
  for (const StatusGpu& gpu : gpus) {
    gpuArray.append(QJsonObject{{QStringLiteral("name"), gpu.name},
                                {QStringLiteral("uuid"), gpu.uuid},
                                {QStringLiteral("where"), workPlaceJson(gpu.where)},
                                {QStringLiteral("vram_used_bytes"), static_cast<qint64>(gpu.vramUsedBytes)},
                                {QStringLiteral("vram_total_bytes"), static_cast<qint64>(gpu.vramTotalBytes)}});
  }
  QJsonArray alertArray;
  for (const StatusAlert& alert : alerts) {
    alertArray.append(QJsonObject{{QStringLiteral("kind"), alertKindName(alert.kind)},
                                  {QStringLiteral("detail"), alert.detail},
                                  {QStringLiteral("page"), statusPageName(alert.page)}});
  }
  QJsonObject backend = workPlaceJson(configured);
  backend.insert(QStringLiteral("vgpud_reachable"), vgpudReachable ? QJsonValue(*vgpudReachable) : QJsonValue());
  backend.insert(QStringLiteral("page"), statusPageName(workPlacePage()));
  return {
      {QStringLiteral("verdict"), verdictName(verdict())},
      {QStringLiteral("exit_code"), exitCode()},
      {QStringLiteral("ollama"),
       QJsonObject{{QStringLiteral("state"), ollamaStateName(ollama)},
                   {QStringLiteral("unit_state"), unitState.isEmpty() ? QJsonValue() : QJsonValue(unitState)},
                   {QStringLiteral("unit_error"), unitError.isEmpty() ? QJsonValue() : QJsonValue(unitError)},
                   {QStringLiteral("version"), ollamaVersion.isEmpty() ? QJsonValue() : QJsonValue(ollamaVersion)},
                   {QStringLiteral("page"), statusPageName(ollamaPage())}}},
      {QStringLiteral("placement"), QJsonObject{{QStringLiteral("runs_on"), placementName(placement)},
                                                {QStringLiteral("runners"), runners},
                                                {QStringLiteral("runners_on_cpu"), runnersOnCpu},
                                                {QStringLiteral("page"), statusPageName(placementPage())}}},
      {QStringLiteral("backend"), backend},
      {QStringLiteral("gpus"), gpuArray},
      {QStringLiteral("vram"), QJsonObject{{QStringLiteral("used_bytes"), bytesJson(vramUsedBytes)},
                                           {QStringLiteral("total_bytes"), bytesJson(vramTotalBytes)},
                                           {QStringLiteral("page"), statusPageName(vramPage())}}},
      {QStringLiteral("alerts"), alertArray},
  };
}

} // namespace vgpu::controller::status
