// The causes of CPU mode, as a table of rules over DiscoveryFacts. Each rule says whether its
// cause is shown by this log, how strongly, with which lines, and what the admin does next. The
// wording follows the facts of shared/reference/ollama-discovery.md: a visited variant folder
// logs nothing in the skip loop, so only the bootstrap line proves a visit.
#include "doctor/engine/remedy_actions.h"
#include "doctor/logs/discovery_facts.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>

namespace vgpu::controller::doctor {

namespace {

using Finding = std::optional<DiscoveryCause>;

struct CauseRule {
  const char* id;
  const char* title;
  Finding (*evaluate)(const DiscoveryFacts& facts);
  bool onlyWithoutDecisive = false; // dropped when another cause is decisive
};

LogEvidence evidenceOf(const LogEvent* event, const QString& why) {
  return {event->line, event->text, why};
}

// The "server config" line is one long env map: quote only the variable that matters.
LogEvidence configEvidence(const DiscoveryFacts& facts, const QString& variable, const QString& why) {
  return {facts.serverConfig->line,
          QStringLiteral("msg=\"server config\" env=\"map[… %1:%2 …]\"").arg(variable, facts.serverEnv.value(variable)),
          why};
}

DiscoveryCause cause(EvidenceStrength strength, QString explanation, QString nextStep) {
  DiscoveryCause found;
  found.strength = strength;
  found.explanation = std::move(explanation);
  found.nextStep = std::move(nextStep);
  return found;
}

void addInitialCountEvidence(const DiscoveryFacts& facts, DiscoveryCause* found) {
  if (const LogEvent* evaluating = facts.first(EventKind::EvaluatingFilter)) {
    found->evidence.append(
        evidenceOf(evaluating, QStringLiteral("the bootstrap pass found %1 device(s)").arg(*facts.initialCount)));
  }
}

void addCpuEvidence(const DiscoveryFacts& facts, DiscoveryCause* found) {
  for (const LogEvent* event : facts.events(EventKind::InferenceCompute)) {
    found->evidence.append(evidenceOf(event, QStringLiteral("the server settled on this compute device")));
  }
}

QString libraryRootOr(const DiscoveryFacts& facts) {
  return facts.libraryRoot.isEmpty() ? QStringLiteral("/usr/local/lib/ollama") : facts.libraryRoot;
}

bool isGpuVariant(const QString& folder) {
  return folder.startsWith(QLatin1String("cuda")) || folder.startsWith(QLatin1String("rocm")) ||
         folder.startsWith(QLatin1String("vulkan"));
}

// The CUDA variant folders the bootstrap pass visited (the requested one first when set).
QStringList visitedCudaFolders(const DiscoveryFacts& facts) {
  QStringList folders;
  for (const QString& folder : facts.visitedFolders) {
    if (folder.startsWith(QLatin1String("cuda"))) {
      folders.append(folder);
    }
  }
  if (!facts.requestedLibrary.isEmpty() && folders.contains(facts.requestedLibrary)) {
    folders.removeAll(facts.requestedLibrary);
    folders.prepend(facts.requestedLibrary);
  }
  return folders;
}

// The variables Ollama reports with "user overrode visible devices" (discover/runner.go,
// overrideWarnings); only CUDA_VISIBLE_DEVICES can hide a CUDA device such as the vgpu one.
constexpr const char* kVisibilityVariables[] = {
    "CUDA_VISIBLE_DEVICES",    "HIP_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES",
    "GGML_VK_VISIBLE_DEVICES", "GPU_DEVICE_ORDINAL",  "HSA_OVERRIDE_GFX_VERSION",
};

// The variable and value a "user overrode visible devices" line names (its one attribute).
std::pair<QString, QString> overriddenVariable(const LogEvent& event) {
  for (const char* name : kVisibilityVariables) {
    const QString key = QString::fromLatin1(name);
    if (event.fields.contains(key)) {
      return {key, event.fields.value(key)};
    }
  }
  return {};
}

Finding visibleDevicesHidden(const DiscoveryFacts& facts) {
  const QString cuda = QStringLiteral("CUDA_VISIBLE_DEVICES");
  QString value = facts.serverEnv.value(cuda);
  const LogEvent* cudaLine = nullptr;
  QList<const LogEvent*> otherLines;
  for (const LogEvent* overrode : facts.events(EventKind::UserOverrodeVisible)) {
    const auto [name, shown] = overriddenVariable(*overrode);
    if (name == cuda) {
      cudaLine = overrode;
      value = value.isEmpty() ? shown : value;
    } else {
      otherLines.append(overrode);
    }
  }
  if (value.trimmed().isEmpty() && cudaLine == nullptr) {
    if (otherLines.isEmpty()) {
      return std::nullopt;
    }
    // Only AMD / Vulkan visibility was restricted: it cannot hide a CUDA device.
    QStringList names;
    for (const LogEvent* line : otherLines) {
      names.append(overriddenVariable(*line).first);
    }
    DiscoveryCause found = cause(
        EvidenceStrength::Weak,
        QStringLiteral("%1 restrict(s) the AMD or Vulkan devices Ollama may use. They do not hide a CUDA device "
                       "such as the vgpu one, so they are not why no CUDA device was found; they matter only if the "
                       "GPU is served by ROCm or Vulkan.")
            .arg(names.join(QStringLiteral(", "))),
        QStringLiteral("Nothing to do for the vgpu shim; otherwise remove %1 from ollama.service's environment.")
            .arg(names.join(QStringLiteral(", "))));
    for (const LogEvent* line : otherLines) {
      found.evidence.append(evidenceOf(line, QStringLiteral("Ollama notes that the visible devices were overridden")));
    }
    return found;
  }
  const bool hidesAll = value.trimmed() == QLatin1String("-1");
  DiscoveryCause found = cause(
      hidesAll ? EvidenceStrength::Decisive : EvidenceStrength::Strong,
      hidesAll ? QStringLiteral("CUDA_VISIBLE_DEVICES=-1 hides every CUDA device from Ollama and from the runners it "
                                "starts: CPU mode is what this setting asks for.")
               : QStringLiteral("The visible devices were restricted (CUDA_VISIBLE_DEVICES=%1). If that value does not "
                                "name the (virtual) GPU, by UUID or index, no device is found.")
                     .arg(value),
      QStringLiteral("Remove CUDA_VISIBLE_DEVICES from the ollama.service environment (or set it to the GPU's UUID), "
                     "then restart Ollama."));
  found.action = remedyCommandOf(RemedyActionId::UnsetCudaVisibleDevices);
  if (facts.serverConfig != nullptr && !facts.serverEnv.value(cuda).isEmpty()) {
    found.evidence.append(
        configEvidence(facts, cuda, QStringLiteral("the server reports CUDA_VISIBLE_DEVICES=%1").arg(value)));
  }
  if (cudaLine != nullptr) {
    found.evidence.append(
        evidenceOf(cudaLine, QStringLiteral("Ollama notes that the visible devices were overridden")));
  }
  addCpuEvidence(facts, &found);
  return found;
}

Finding requestedLibraryNotVisited(const DiscoveryFacts& facts) {
  if (!facts.requestRestricts || !facts.debugVisible || !facts.discoveryFinished ||
      facts.visitedFolders.contains(facts.requestedLibrary)) {
    return std::nullopt;
  }
  const QString requested = facts.requestedLibrary;
  const QString folder = libraryRootOr(facts) + u'/' + requested;
  const auto skips = facts.events(EventKind::SkipAtUserRequest);
  QStringList skipped;
  for (const LogEvent* skip : skips) {
    skipped.append(QFileInfo(skip->fields.value(QStringLiteral("libDir"))).fileName());
  }
  QString explanation =
      QStringLiteral("OLLAMA_LLM_LIBRARY=%1 is set and the log is at debug level, but no \"bootstrap discovery took … "
                     "OLLAMA_LIBRARY_PATH=[… %2]\" line names %1: Ollama never visited the folder %3. ")
          .arg(requested, folder, folder);
  if (!skipped.isEmpty()) {
    explanation += QStringLiteral("The \"skipping available library at user's request\" lines name only the folders "
                                  "that do not match (%1); a folder that matches logs nothing in that loop, so the "
                                  "missing %2 skip line is expected and is not evidence against it. ")
                       .arg(skipped.join(QStringLiteral(", ")), requested);
  }
  explanation += QStringLiteral(
      "Ollama finds variant folders by globbing <root>/*/*ggml-*: a folder that does not exist, that the service "
      "user cannot read or enter, that is a broken symlink, or that has no *ggml-* file directly inside is invisible "
      "to it, silently. (On a Jetson, linux/arm64 with JETSON_JETPACK set or /etc/nv_tegra_release naming R35 or R36, "
      "every folder but cuda_jetpackN is also skipped silently, the requested one included; from v0.31.2 only while "
      "that cuda_jetpackN folder exists.)");
  DiscoveryCause found =
      cause(EvidenceStrength::Decisive, explanation,
            QStringLiteral("Run the Ollama folder checks on %1 as the service user: it must exist, be readable and "
                           "enterable by the ollama user, not be a broken symlink, and contain a *ggml-* file (e.g. "
                           "libggml-cuda.so) directly inside. Fix what they report, then restart Ollama.")
                .arg(folder));
  const QString inEffect = QStringLiteral("OLLAMA_LLM_LIBRARY=%1 is in effect").arg(requested);
  if (facts.requestedSource != nullptr && facts.requestedSource == facts.serverConfig) {
    found.evidence.append(configEvidence(facts, QStringLiteral("OLLAMA_LLM_LIBRARY"), inEffect));
  } else if (facts.requestedSource != nullptr) {
    found.evidence.append(evidenceOf(facts.requestedSource, inEffect));
  }
  for (const LogEvent* skip : skips) {
    if (skip != facts.requestedSource) {
      found.evidence.append(evidenceOf(skip, QStringLiteral("a non-matching folder, skipped as requested")));
    }
  }
  for (const LogEvent* bootstrap : facts.events(EventKind::BootstrapDiscovery)) {
    found.evidence.append(evidenceOf(bootstrap, QStringLiteral("a visited folder list without %1").arg(requested)));
  }
  addInitialCountEvidence(facts, &found);
  addCpuEvidence(facts, &found);
  return found;
}

Finding noGpuVariantVisited(const DiscoveryFacts& facts) {
  if (facts.requestRestricts || !facts.debugVisible || !facts.discoveryFinished ||
      std::any_of(facts.visitedFolders.begin(), facts.visitedFolders.end(), isGpuVariant)) {
    return std::nullopt;
  }
  if (facts.first(EventKind::DiscoveringGpus) == nullptr && facts.first(EventKind::BootstrapDiscovery) == nullptr) {
    return std::nullopt; // not a runner-era discovery this rule can judge
  }
  const QString root = libraryRootOr(facts);
  DiscoveryCause found =
      cause(EvidenceStrength::Decisive,
            QStringLiteral("No \"bootstrap discovery took\" line names a GPU variant folder (cuda_v12, cuda_v13, "
                           "rocm, vulkan): Ollama found none under %1. A folder that does not exist, is unreadable by "
                           "the service user, is a broken symlink or has no *ggml-* file directly inside is invisible "
                           "to Ollama's scan.")
                .arg(root),
            QStringLiteral("Run the Ollama folder checks on the variant folders under %1 (cuda_v12 for the vgpu "
                           "shim) as the service user, then restart Ollama.")
                .arg(root));
  for (const LogEvent* bootstrap : facts.events(EventKind::BootstrapDiscovery)) {
    found.evidence.append(evidenceOf(bootstrap, QStringLiteral("a visited folder list without a GPU variant")));
  }
  addInitialCountEvidence(facts, &found);
  addCpuEvidence(facts, &found);
  return found;
}

Finding cudaInitFailed(const DiscoveryFacts& facts) {
  QList<const LogEvent*> failures = facts.discoveryEvents(EventKind::GgmlCudaFailed);
  for (const LogEvent* found : facts.discoveryEvents(EventKind::GgmlCudaFound)) {
    if (found->fields.value(QStringLiteral("count")) == QLatin1String("0")) {
      failures.append(found);
    }
  }
  if (failures.isEmpty()) {
    return std::nullopt;
  }
  const QString error = failures.constFirst()->fields.value(QStringLiteral("error"), failures.constFirst()->text);
  DiscoveryCause found = cause(
      EvidenceStrength::Decisive,
      QStringLiteral("libggml-cuda.so was loaded but CUDA initialisation failed in the runner (%1): the CUDA driver "
                     "library it reached (libcuda.so.1) reported no usable device.")
          .arg(error),
      QStringLiteral("Run the shim checks: which libcuda.so.1 the runner loads (the vgpu shim or NVIDIA's), the "
                     "cuInit result and device count, and whether vgpud is reachable."));
  for (const LogEvent* failure : failures) {
    found.evidence.append(evidenceOf(failure, QStringLiteral("runner output from ggml_cuda_init")));
  }
  for (const LogEvent* bootstrap : facts.events(EventKind::BootstrapDiscovery)) {
    found.evidence.append(evidenceOf(bootstrap, QStringLiteral("the folder list of this runner")));
  }
  addInitialCountEvidence(facts, &found);
  return found;
}

Finding cudaBackendLoadFailed(const DiscoveryFacts& facts) {
  const QStringList cudaFolders = visitedCudaFolders(facts);
  const auto loadFailures = facts.discoveryEvents(EventKind::LoadBackendFailed);
  if (!facts.discoveryEvents(EventKind::GgmlCudaFailed).isEmpty()) {
    return std::nullopt; // the backend loaded; cudaInitFailed explains it
  }
  const bool noDevice = facts.initialCount.has_value() && *facts.initialCount == 0;
  if (loadFailures.isEmpty() && (cudaFolders.isEmpty() || !noDevice)) {
    return std::nullopt;
  }
  const bool failureReported = !facts.events(EventKind::LlamaServerFailure).isEmpty() ||
                               !facts.events(EventKind::RunnerDiscoveryFailure).isEmpty() ||
                               !facts.events(EventKind::DiscoveryTimedOut).isEmpty();
  // Era B drops a device inside the bootstrap pass: then the backend did load and find it.
  const bool foundThenDropped = !facts.events(EventKind::ComputeNotCompiled).isEmpty() ||
                                !facts.events(EventKind::DriverTooOld).isEmpty() ||
                                !facts.events(EventKind::IntegratedGpuDropped).isEmpty();
  if (loadFailures.isEmpty() && (failureReported || foundThenDropped)) {
    return std::nullopt; // Ollama said why the pass found nothing: that cause explains it
  }
  const QString folder = cudaFolders.isEmpty() ? QStringLiteral("cuda_v12") : cudaFolders.constFirst();
  const QString library = libraryRootOr(facts) + u'/' + folder + QStringLiteral("/libggml-cuda.so");
  QString explanation =
      loadFailures.isEmpty()
          ? QStringLiteral("Ollama visited %1 (its bootstrap line names it) but the bootstrap pass found no device "
                           "(initial_count=0): %2 failed to load, or CUDA initialisation failed inside it. On Linux "
                           "the dlopen failure is silent (typically a symbol missing from libcuda.so.1 or a library "
                           "not found on the runner's LD_LIBRARY_PATH).")
                .arg(folder, library)
          : QStringLiteral("The backend library failed to load: %1.")
                .arg(loadFailures.constFirst()->fields.value(QStringLiteral("error")));
  static const QRegularExpression kUndefinedSymbol(QStringLiteral(R"(undefined symbol: (\w+))"));
  const auto symbol = loadFailures.isEmpty()
                          ? QRegularExpressionMatch()
                          : kUndefinedSymbol.match(loadFailures.constFirst()->fields.value(QStringLiteral("error")));
  if (symbol.hasMatch()) {
    explanation += QStringLiteral(" The libcuda.so.1 (or other library) the runner loaded does not export %1; with "
                                  "the vgpu shim, that symbol is missing from the shim.")
                       .arg(symbol.captured(1));
  }
  QString nextStep = QStringLiteral("Run the loader check on %1: it resolves every needed library and undefined "
                                    "symbol in the service's environment and names the missing one.")
                         .arg(library);
  if (!facts.traceVisible) {
    nextStep += QStringLiteral(" To see ggml_cuda_init errors in the log, set OLLAMA_DEBUG=2 temporarily and restart "
                               "Ollama.");
  }
  DiscoveryCause found = cause(EvidenceStrength::Decisive, explanation, nextStep);
  if (!facts.traceVisible) {
    found.action = remedyCommandOf(RemedyActionId::RaiseDebugToTrace);
  }
  for (const LogEvent* failure : loadFailures) {
    found.evidence.append(evidenceOf(failure, QStringLiteral("the backend loader's error")));
  }
  for (const LogEvent* bootstrap : facts.events(EventKind::BootstrapDiscovery)) {
    found.evidence.append(evidenceOf(bootstrap, QStringLiteral("the folders this runner was given")));
  }
  addInitialCountEvidence(facts, &found);
  addCpuEvidence(facts, &found);
  return found;
}

// One rule per filter Ollama applies after the bootstrap pass; the filter line says why.
// `canCauseCpuMode` is false for the filters that drop one of two entries of the same device and
// keep the other (overlapping CUDA folders, a CUDA/Vulkan duplicate): they never leave Ollama
// without the device, so they rank weak whatever else the log shows.
// `firstPass`: era B drops the device inside the bootstrap pass (llama-server's device list, the
// driver check, the integrated-GPU filter), so initial_count does not count it: the line itself
// shows that the device was found and then dropped.
enum class FilterPass { Second, First, KeepsAnotherEntry };

Finding deviceFiltered(const DiscoveryFacts& facts, const QList<const LogEvent*>& lines, const QString& why,
                       const QString& nextStep, FilterPass pass = FilterPass::Second) {
  if (lines.isEmpty()) {
    return std::nullopt;
  }
  const bool canCauseCpuMode = pass != FilterPass::KeepsAnotherEntry;
  const bool foundThenLost = pass == FilterPass::First || facts.initialCount.value_or(0) > 0;
  const EvidenceStrength strength = !canCauseCpuMode ? EvidenceStrength::Weak
                                    : foundThenLost  ? EvidenceStrength::Decisive
                                                     : EvidenceStrength::Strong;
  DiscoveryCause found =
      cause(strength,
            canCauseCpuMode ? QStringLiteral("A device was found and then filtered out: %1").arg(why)
                            : QStringLiteral("One entry of a device was dropped and another kept: %1 This "
                                             "does not leave Ollama without the device, so it is not why "
                                             "Ollama runs on the CPU.")
                                  .arg(why),
            nextStep);
  addInitialCountEvidence(facts, &found);
  for (const LogEvent* line : lines) {
    found.evidence.append(evidenceOf(line, QStringLiteral("the filter that dropped the device")));
  }
  addCpuEvidence(facts, &found);
  return found;
}

Finding filteredNotInitialized(const DiscoveryFacts& facts) {
  return deviceFiltered(
      facts, facts.events(EventKind::FilterNotInitialized),
      QStringLiteral("the second pass (the device alone, CUDA_VISIBLE_DEVICES=<id>, GGML_CUDA_INIT=1) did not "
                     "initialise it."),
      QStringLiteral("Check that the shim initialises with only this device visible (by UUID in era A, by index in "
                     "era B) and that CUDA and NVML report the same UUID; OLLAMA_DEBUG=2 shows the runner's "
                     "ggml_cuda_init output."));
}

Finding filteredOverlap(const DiscoveryFacts& facts) {
  return deviceFiltered(facts, facts.events(EventKind::FilterOverlap),
                        QStringLiteral("several CUDA folders serve the device and Ollama kept only the newest one "
                                       "that serves all GPUs."),
                        QStringLiteral("Nothing to do for CPU mode. To choose the folder Ollama keeps, set "
                                       "OLLAMA_LLM_LIBRARY to it."),
                        FilterPass::KeepsAnotherEntry);
}

Finding filteredDuplicate(const DiscoveryFacts& facts) {
  return deviceFiltered(facts, facts.events(EventKind::DroppingDuplicate),
                        QStringLiteral("the same device (same PCI ID) was found through CUDA or ROCm and through "
                                       "Vulkan, and Ollama kept the CUDA/ROCm entry."),
                        QStringLiteral("Nothing to do for CPU mode. If the shim presents several devices, check that "
                                       "each has its own PCI bus ID (cuDeviceGetPCIBusId, NVML)."),
                        FilterPass::KeepsAnotherEntry);
}

Finding filteredComputeCapability(const DiscoveryFacts& facts) {
  return deviceFiltered(facts, facts.events(EventKind::ComputeNotCompiled),
                        QStringLiteral("its compute capability is not among the architectures the CUDA folder was "
                                       "built for (cuda_v13: CC 7.5 and newer; cuda_v12: 5.0–12.0)."),
                        QStringLiteral("Check the compute capability the shim presents (it must be the real remote "
                                       "GPU's) and pick the CUDA folder built for it."),
                        FilterPass::First);
}

Finding filteredDriverTooOld(const DiscoveryFacts& facts) {
  return deviceFiltered(facts, facts.events(EventKind::DriverTooOld),
                        QStringLiteral("the driver version NVML reports is too old for cuda_v12 (the required_driver "
                                       "attribute says which floor: 570 for a GPU of CC < 7 since v0.30.0, and from "
                                       "v0.30.11 also 550 for every GPU)."),
                        QStringLiteral("Check the driver version the NVML shim reports "
                                       "(nvmlSystemGetDriverVersion); it must be the host's real driver version."),
                        FilterPass::First);
}

// Debug, era B: pseudo-devices such as BLAS report zero memory and are skipped as a matter of
// course; only a GPU device (CUDA0, ROCm0, Vulkan0) skipped this way is a cause.
Finding filteredZeroMemory(const DiscoveryFacts& facts) {
  static const QRegularExpression kGpuName(QStringLiteral(R"(^(?:CUDA|ROCm|HIP|Vulkan)\d+$)"));
  QList<const LogEvent*> gpus;
  for (const LogEvent* line : facts.events(EventKind::ZeroMemory)) {
    if (kGpuName.match(line->fields.value(QStringLiteral("name"))).hasMatch()) {
      gpus.append(line);
    }
  }
  return deviceFiltered(facts, gpus, QStringLiteral("it reported zero memory in llama-server --list-devices."),
                        QStringLiteral("Check the total memory the shim reports (cuDeviceTotalMem_v2, NVML memory "
                                       "info); it must be the remote GPU's."),
                        FilterPass::First);
}

Finding integratedGpuDropped(const DiscoveryFacts& facts) {
  return deviceFiltered(
      facts, facts.events(EventKind::IntegratedGpuDropped),
      QStringLiteral("the device reported itself as an integrated GPU, and Ollama drops those unless "
                     "OLLAMA_IGPU_ENABLE=1 (era B)."),
      QStringLiteral("A vgpu device must report the remote GPU's attributes: check CU_DEVICE_ATTRIBUTE_INTEGRATED "
                     "(0 for a discrete GPU) in the shim. Only for a GPU that really is integrated, set "
                     "OLLAMA_IGPU_ENABLE=1 in ollama.service's environment."),
      FilterPass::First);
}

Finding driverUnverified(const DiscoveryFacts& facts) {
  const auto lines = facts.events(EventKind::DriverUnverified);
  if (lines.isEmpty()) {
    return std::nullopt;
  }
  DiscoveryCause found = cause(EvidenceStrength::Weak,
                               QStringLiteral("Ollama could not read the NVIDIA driver version to check compatibility "
                                              "(NVML nvmlSystemGetDriverVersion)."),
                               QStringLiteral("Check that the NVML shim answers nvmlSystemGetDriverVersion."));
  for (const LogEvent* line : lines) {
    found.evidence.append(evidenceOf(line, QStringLiteral("the driver check's warning")));
  }
  return found;
}

// "error=" holds why the runner or llama-server failed; "detail=" its last error output (often
// empty): both are quoted.
QString failureReason(const LogEvent& event) {
  QStringList parts;
  for (const char* key : {"error", "detail"}) {
    const QString value = event.fields.value(QLatin1String(key)).trimmed();
    if (!value.isEmpty() && !parts.contains(value)) {
      parts.append(value);
    }
  }
  return parts.join(QStringLiteral("; "));
}

Finding discoveryProcessFailed(const DiscoveryFacts& facts, EventKind kind, const QString& what) {
  const auto lines = facts.events(kind);
  if (lines.isEmpty()) {
    return std::nullopt;
  }
  const QString reason = failureReason(*lines.constFirst());
  DiscoveryCause found = cause(
      EvidenceStrength::Decisive,
      QStringLiteral("%1 failed during GPU discovery%2. The folder list it was given is in OLLAMA_LIBRARY_PATH; a "
                     "runner that crashes or exits there (for example in cuInit of a libcuda.so.1 it loaded) "
                     "contributes no device.")
          .arg(what, reason.isEmpty() ? QString() : QStringLiteral(": %1").arg(reason)),
      QStringLiteral("Run the loader check on the CUDA folder's libggml-cuda.so in the service's environment and "
                     "the shim checks (cuInit, device count); with OLLAMA_DEBUG=2 the runner's own output "
                     "(ggml_cuda_init, load_backend) reaches the log."));
  for (const LogEvent* line : lines) {
    found.evidence.append(evidenceOf(line, QStringLiteral("the discovery failure Ollama reported")));
  }
  for (const LogEvent* line : facts.discoveryEvents(EventKind::LoadBackendFailed)) {
    found.evidence.append(evidenceOf(line, QStringLiteral("the backend loader's error")));
  }
  addCpuEvidence(facts, &found);
  return found;
}

Finding llamaServerFailed(const DiscoveryFacts& facts) {
  return discoveryProcessFailed(facts, EventKind::LlamaServerFailure, QStringLiteral("llama-server"));
}

Finding runnerDiscoveryFailed(const DiscoveryFacts& facts) {
  return discoveryProcessFailed(facts, EventKind::RunnerDiscoveryFailure, QStringLiteral("An `ollama runner`"));
}

// Era B, Warn: the only Info/Warn-level clues when a shim hangs in llama-server.
Finding discoveryTimedOut(const DiscoveryFacts& facts) {
  const auto lines = facts.events(EventKind::DiscoveryTimedOut);
  if (lines.isEmpty()) {
    return std::nullopt;
  }
  bool cudaFolder = false;
  for (const LogEvent* line : lines) {
    for (const char* key : {"OLLAMA_LIBRARY_PATH", "libDirs"}) {
      cudaFolder = cudaFolder || line->fields.value(QLatin1String(key)).contains(QLatin1String("cuda"));
    }
  }
  DiscoveryCause found = cause(
      cudaFolder ? EvidenceStrength::Decisive : EvidenceStrength::Strong,
      QStringLiteral("llama-server did not finish its device discovery in time and was stopped; the devices of the "
                     "folders it was given were not found. A CUDA library that blocks (a libcuda.so.1 waiting for a "
                     "host that does not answer) looks exactly like this."),
      QStringLiteral("Run the shim checks (is vgpud reachable from the service, does cuInit return) and the loader "
                     "check on the CUDA folder; OLLAMA_DEBUG=2 shows how far llama-server got."));
  for (const LogEvent* line : lines) {
    found.evidence.append(evidenceOf(line, QStringLiteral("Ollama's watchdog gave up on llama-server")));
  }
  addCpuEvidence(facts, &found);
  return found;
}

Finding systemInfoMissing(const DiscoveryFacts& facts) {
  const auto lines = facts.events(EventKind::SystemInfoMissing);
  if (lines.isEmpty()) {
    return std::nullopt;
  }
  DiscoveryCause found = cause(
      EvidenceStrength::Strong,
      QStringLiteral("llama-server ended its output before its system_info line: it exited, crashed or hung while "
                     "loading its backends (libggml-cuda.so and the libcuda.so.1 it reaches)."),
      QStringLiteral("Run the loader check on the CUDA folder's libggml-cuda.so and the shim checks; OLLAMA_DEBUG=2 "
                     "shows llama-server's last lines."));
  for (const LogEvent* line : lines) {
    found.evidence.append(evidenceOf(line, QStringLiteral("Ollama's warning")));
  }
  addCpuEvidence(facts, &found);
  return found;
}

Finding llamaServerMissing(const DiscoveryFacts& facts) {
  const auto lines = facts.events(EventKind::LlamaServerMissing);
  if (lines.isEmpty()) {
    return std::nullopt;
  }
  DiscoveryCause found =
      cause(EvidenceStrength::Strong,
            QStringLiteral("llama-server is not available for device discovery: the Ollama installation lacks it."),
            QStringLiteral("Reinstall Ollama (v0.30 and later ship llama-server in lib/ollama) and check the "
                           "installation."));
  for (const LogEvent* line : lines) {
    found.evidence.append(evidenceOf(line, QStringLiteral("Ollama's note")));
  }
  return found;
}

Finding vulkanDisabled(const DiscoveryFacts& facts) {
  const auto lines = facts.events(EventKind::VulkanDisabled);
  if (lines.isEmpty()) {
    return std::nullopt;
  }
  DiscoveryCause found =
      cause(EvidenceStrength::Weak,
            QStringLiteral("The vulkan folder was skipped because Vulkan support is off. This matters only if the "
                           "GPU can be served by Vulkan alone; the vgpu shim serves CUDA."),
            QStringLiteral("Nothing to do for the vgpu shim; for a Vulkan-only GPU set OLLAMA_VULKAN=1."));
  for (const LogEvent* line : lines) {
    found.evidence.append(evidenceOf(line, QStringLiteral("Ollama's note")));
  }
  return found;
}

Finding jetpackSkipped(const DiscoveryFacts& facts) {
  const auto lines = facts.events(EventKind::JetpackNotDetected);
  if (lines.isEmpty()) {
    return std::nullopt;
  }
  DiscoveryCause found = cause(EvidenceStrength::Weak,
                               QStringLiteral("cuda_jetpack folders were skipped because this is not a Jetson; this "
                                              "is normal and not why a CUDA device is missing."),
                               QStringLiteral("Nothing to do unless this machine is a Jetson."));
  for (const LogEvent* line : lines) {
    found.evidence.append(evidenceOf(line, QStringLiteral("Ollama's note")));
  }
  return found;
}

Finding discoveryIncomplete(const DiscoveryFacts& facts) {
  if (facts.mode != DiscoveryMode::Undecided) {
    return std::nullopt;
  }
  DiscoveryCause found =
      cause(EvidenceStrength::Strong,
            QStringLiteral("The last server start in this log has no \"inference compute\" line: GPU discovery did not "
                           "finish in it (the log is cut off, the server stopped, or it is still starting)."),
            QStringLiteral("Give the doctor the whole log since the last start (journalctl -u ollama since the last "
                           "restart) after discovery finished."));
  if (const LogEvent* discovering = facts.first(EventKind::DiscoveringGpus)) {
    found.evidence.append(evidenceOf(discovering, QStringLiteral("discovery began here")));
  }
  return found;
}

// Only when nothing stronger is shown: an Info-level log cannot tell the causes apart.
Finding logLevelInsufficient(const DiscoveryFacts& facts) {
  if (facts.debugVisible || facts.mode == DiscoveryMode::Gpu) {
    return std::nullopt;
  }
  const QString requested =
      facts.requestedLibrary.isEmpty() ? QStringLiteral("the CUDA folder") : facts.requestedLibrary;
  DiscoveryCause found = cause(
      EvidenceStrength::Strong,
      QStringLiteral("The log is at Info level: not enough to decide why Ollama chose the CPU. The lines that decide "
                     "it (\"skipping available library at user's request\", \"bootstrap discovery took … "
                     "OLLAMA_LIBRARY_PATH=[…]\", initial_count, the device filters) are Debug lines. At Info level "
                     "no line about %1 is expected, so its absence is not evidence that Ollama passed it over.")
          .arg(requested),
      QStringLiteral("Set OLLAMA_DEBUG=1 in the ollama.service environment temporarily, restart Ollama, and run the "
                     "doctor again on the new log; remove the setting afterwards."));
  found.action = remedyCommandOf(RemedyActionId::RaiseDebug);
  if (facts.serverConfig != nullptr) {
    found.evidence.append(
        configEvidence(facts, QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("the log level the server runs at")));
  }
  addCpuEvidence(facts, &found);
  return found;
}

// Table order breaks ties between causes of equal strength.
constexpr CauseRule kCauseRules[] = {
    {"visible-devices-hidden", "The visible CUDA devices were restricted", &visibleDevicesHidden},
    {"requested-library-not-visited", "The requested OLLAMA_LLM_LIBRARY folder was not visited",
     &requestedLibraryNotVisited},
    {"no-gpu-variant-visited", "No GPU variant folder was visited", &noGpuVariantVisited},
    {"cuda-init-failed", "CUDA initialisation failed in the runner", &cudaInitFailed},
    {"cuda-backend-load-failed", "libggml-cuda.so failed to load (or CUDA init failed)", &cudaBackendLoadFailed},
    {"discovery-timed-out", "llama-server discovery timed out", &discoveryTimedOut},
    {"llama-server-discovery-failed", "llama-server device discovery failed", &llamaServerFailed},
    {"runner-discovery-failed", "A discovery runner failed", &runnerDiscoveryFailed},
    {"device-filtered.integrated-gpu", "The device was dropped as an integrated GPU", &integratedGpuDropped},
    {"device-filtered.not-initialized", "The device did not fully initialise", &filteredNotInitialized},
    {"device-filtered.overlapping-libraries", "The device was filtered as served by overlapping libraries",
     &filteredOverlap},
    {"device-filtered.duplicate-pci-id", "The device was dropped as a duplicate by PCI ID", &filteredDuplicate},
    {"device-filtered.compute-capability", "The device's compute capability is not compiled in",
     &filteredComputeCapability},
    {"device-filtered.driver-too-old", "The NVIDIA driver is too old for the CUDA folder", &filteredDriverTooOld},
    {"device-filtered.zero-memory", "The device reported zero memory", &filteredZeroMemory},
    {"llama-server-missing", "llama-server is missing", &llamaServerMissing},
    {"system-info-missing", "llama-server stopped before its system_info line", &systemInfoMissing},
    {"discovery-incomplete", "GPU discovery did not finish in this log", &discoveryIncomplete},
    {"log-level-insufficient", "The log is at Info level: not enough to decide", &logLevelInsufficient, true},
    {"driver-unverified", "The driver version could not be verified", &driverUnverified},
    {"vulkan-disabled", "Vulkan folders skipped (Vulkan off)", &vulkanDisabled},
    {"jetpack-skipped", "JetPack folders skipped (not a Jetson)", &jetpackSkipped},
};

} // namespace

QList<DiscoveryCause> rankDiscoveryCauses(const DiscoveryFacts& facts) {
  QList<DiscoveryCause> causes;
  for (const CauseRule& rule : kCauseRules) {
    Finding found = rule.evaluate(facts);
    if (found) {
      found->id = QString::fromLatin1(rule.id);
      found->title = QString::fromLatin1(rule.title);
      causes.append(std::move(*found));
    }
  }
  const bool haveDecisive = std::any_of(causes.begin(), causes.end(), [](const DiscoveryCause& found) {
    return found.strength == EvidenceStrength::Decisive;
  });
  if (haveDecisive) {
    for (const CauseRule& rule : kCauseRules) {
      if (rule.onlyWithoutDecisive) {
        causes.removeIf([&rule](const DiscoveryCause& found) { return found.id == QLatin1String(rule.id); });
      }
    }
  }
  std::stable_sort(causes.begin(), causes.end(), [](const DiscoveryCause& a, const DiscoveryCause& b) {
    return static_cast<int>(a.strength) > static_cast<int>(b.strength);
  });
  return causes;
}

} // namespace vgpu::controller::doctor
