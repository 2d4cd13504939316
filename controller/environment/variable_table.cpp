// The managed-variable table and one validator per type.
#include "environment/variable_table.h"

#include "ollama/ollama_installation.h"

#include <QRegularExpression>
#include <array>

namespace vgpu::controller {
namespace {

const QString kNumGpu = QStringLiteral("OLLAMA_NUM_GPU");

VariableVerdict refuse(const QString& message) {
  return {message, {}, false};
}

VariableVerdict validateVariant(const QString& value, const OllamaInstallation* installation) {
  if (value == u"auto") {
    return {{}, {}, true};
  }
  if (installation == nullptr || installation->libraryRoot.path.isEmpty()) {
    return refuse(QStringLiteral("cannot check OLLAMA_LLM_LIBRARY: the Ollama library root is unknown"));
  }
  const QStringList visible = installation->visibleVariantNames();
  const QString installed = visible.isEmpty() ? QStringLiteral("none") : visible.join(QStringLiteral(", "));
  const VariantFolder* folder = installation->variant(value);
  if (folder == nullptr) {
    return refuse(QStringLiteral("no variant folder '%1' in %2; installed: %3 (or auto)")
                      .arg(value, installation->libraryRoot.path, installed));
  }
  if (!folder->visible()) {
    return refuse(QStringLiteral("%1 is not a folder Ollama can use (%2%3); installed: %4 (or auto)")
                      .arg(folder->path, variantStatusName(folder->status),
                           folder->error.isEmpty() ? QString() : QStringLiteral(": ") + folder->error, installed));
  }
  VariableVerdict verdict;
  if (!folder->hasGgmlCuda) {
    verdict.warnings.append(
        QStringLiteral("%1 has no libggml-cuda.so: Ollama will not find a CUDA device there").arg(folder->path));
  }
  if (!folder->serviceAccess.allowed) {
    verdict.warnings.append(folder->serviceAccess.reason);
  }
  return verdict;
}

VariableVerdict validateDebug(const QString& value, const OllamaInstallation*) {
  static const QStringList allowed{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2"),
                                   QStringLiteral("false"), QStringLiteral("true")};
  if (!allowed.contains(value)) {
    return refuse(QStringLiteral("OLLAMA_DEBUG must be one of 0, 1, 2, false, true (got '%1')").arg(value));
  }
  return {};
}

VariableVerdict validateDevices(const QString& value, const OllamaInstallation*) {
  static const QRegularExpression index(QStringLiteral("^\\d{1,3}$"));
  static const QRegularExpression uuid(
      QStringLiteral("^GPU-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
  if (value == u"-1") {
    return {{}, {QStringLiteral("CUDA_VISIBLE_DEVICES=-1 hides every GPU: Ollama runs on the CPU")}, false};
  }
  if (value.isEmpty()) {
    return refuse(QStringLiteral("CUDA_VISIBLE_DEVICES must list device indices or GPU-UUIDs, or be -1"));
  }
  for (const QString& item : value.split(u',')) {
    if (!index.match(item).hasMatch() && !uuid.match(item).hasMatch()) {
      return refuse(QStringLiteral("CUDA_VISIBLE_DEVICES: '%1' is neither a device index nor a GPU-UUID "
                                   "(GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); -1 hides all devices")
                        .arg(item));
    }
  }
  return {};
}

VariableVerdict validateBytes(const QString& value, const OllamaInstallation*) {
  static const QRegularExpression digits(QStringLiteral("^\\d+$"));
  bool ok = false;
  (void)value.toULongLong(&ok);
  if (!digits.match(value).hasMatch() || !ok) {
    return refuse(QStringLiteral("OLLAMA_GPU_OVERHEAD must be a whole number of bytes ≥ 0 (got '%1')").arg(value));
  }
  return {};
}

bool validPort(const QString& text) {
  bool ok = false;
  const uint port = text.toUInt(&ok);
  return ok && port >= 1 && port <= 65535 && !text.startsWith(u'+');
}

VariableVerdict validateEndpoint(const QString& value, const OllamaInstallation*) {
  static const QRegularExpression tcp(QStringLiteral("^tcp:(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):(\\d+)$"));
  static const QRegularExpression vsock(QStringLiteral("^vsock:(\\d+):(\\d+)$"));
  const QString usage = QStringLiteral("VGPU_ENDPOINT must be unix:/absolute/path, tcp:host:port or vsock:cid:port");
  if (value.startsWith(QLatin1String("unix:"))) {
    const QString path = value.mid(5);
    if (!path.startsWith(u'/') || path.size() < 2) {
      return refuse(usage + QStringLiteral(" (unix: needs an absolute path)"));
    }
    // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
    if (path.toUtf8().size() > 107) {
      return refuse(QStringLiteral("VGPU_ENDPOINT: socket path longer than 107 bytes"));
    }
    return {};
  }
  if (const auto match = tcp.match(value); match.hasMatch()) {
    return validPort(match.captured(2)) ? VariableVerdict{} : refuse(usage + QStringLiteral(" (port 1–65535)"));
  }
  if (const auto match = vsock.match(value); match.hasMatch()) {
    bool ok = false;
    (void)match.captured(1).toUInt(&ok);
    if (!ok) {
      return refuse(usage + QStringLiteral(" (cid is a 32-bit number)"));
    }
    return validPort(match.captured(2)) ? VariableVerdict{} : refuse(usage + QStringLiteral(" (port 1–65535)"));
  }
  return refuse(usage + QStringLiteral(" (got '%1')").arg(value));
}

// The shims' syntax is <level>[:stderr|:/absolute/path] (docs/configuration.md), but in a service
// a file destination would be created or appended by the service's user, often root: whoever may
// run the helper could make root write anywhere. In a service the shim logs to stderr, which
// systemd puts in the journal (docs/security.md).
VariableVerdict validateLog(const QString& value, const OllamaInstallation*) {
  static const QStringList levels{QStringLiteral("off"),  QStringLiteral("0"),    QStringLiteral("error"),
                                  QStringLiteral("warn"), QStringLiteral("info"), QStringLiteral("1"),
                                  QStringLiteral("debug")};
  const qsizetype colon = value.indexOf(u':');
  const QString level = value.left(colon);
  const QString destination = colon < 0 ? QString() : value.mid(colon + 1);
  if (!levels.contains(level) || (colon >= 0 && destination != u"stderr")) {
    return refuse(QStringLiteral("VGPU_LOG for a service must be off|error|warn|info|debug (or 0|1), optionally "
                                 ":stderr; the shim's log then goes to the journal, a file destination is not "
                                 "accepted (got '%1')")
                      .arg(value));
  }
  return {};
}

// Ollama reads these with envconfig.BoolWithDefault: after trimming spaces and quotes,
// strconv.ParseBool's words, and any other value counts as true. Only the canonical words are
// written, so the drop-in says what Ollama will do.
VariableVerdict validateOllamaBool(const QString& value, const OllamaInstallation*) {
  static const QStringList allowed{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("false"),
                                   QStringLiteral("true")};
  if (!allowed.contains(value)) {
    return refuse(QStringLiteral("must be one of 0, 1, false, true (got '%1'); Ollama would read any other value "
                                 "as true")
                      .arg(value));
  }
  return {};
}

VariableVerdict validateRemovalOnly(const QString&, const OllamaInstallation*) {
  return refuse(QStringLiteral("vgpu only removes this variable (env-unset); it never sets it"));
}

VariableVerdict validateDirectories(const QString& value, const OllamaInstallation*) {
  if (value.isEmpty()) {
    return refuse(QStringLiteral("LD_LIBRARY_PATH must list at least one absolute directory"));
  }
  for (const QString& directory : value.split(u':')) {
    // An empty entry means the current directory to the dynamic loader: never in a service.
    if (!directory.startsWith(u'/')) {
      return refuse(QStringLiteral("LD_LIBRARY_PATH: '%1' is not an absolute directory").arg(directory));
    }
  }
  return {};
}

constexpr std::array kVariables{
    VariableSpec{"OLLAMA_LLM_LIBRARY", VariableType::VariantName, validateVariant,
                 "The variant folder Ollama may use (e.g. cuda_v12); auto removes the variable", false},
    VariableSpec{"OLLAMA_DEBUG", VariableType::DebugLevel, validateDebug,
                 "Ollama's log level: 1 shows the GPU discovery lines, 2 adds runner output", false},
    VariableSpec{"CUDA_VISIBLE_DEVICES", VariableType::DeviceList, validateDevices,
                 "Devices Ollama may use: indices or GPU-UUIDs, comma-separated; -1 hides all", false},
    VariableSpec{"OLLAMA_GPU_OVERHEAD", VariableType::Bytes, validateBytes,
                 "Bytes of VRAM to keep free per GPU (scheduler reserve)", false},
    VariableSpec{"VGPU_ENDPOINT", VariableType::Endpoint, validateEndpoint,
                 "Where the shim reaches vgpud: unix:/path, tcp:host:port or vsock:cid:port", false},
    VariableSpec{"VGPU_LOG", VariableType::LogSetting, validateLog,
                 "Shim logging: off|error|warn|info|debug[:stderr], to the journal (docs/security.md)", false},
    VariableSpec{"LD_LIBRARY_PATH", VariableType::DirectoryList, validateDirectories,
                 "Absolute directories searched first by the loader; set by the shim installer", true},
    VariableSpec{"OLLAMA_VULKAN", VariableType::OllamaBool, validateOllamaBool,
                 "Vulkan folders: before v0.30.0 off unless true, from v0.30.0 on unless false", false},
    VariableSpec{"OLLAMA_IGPU_ENABLE", VariableType::OllamaBool, validateOllamaBool,
                 "From v0.30.0: keep GPUs that report themselves integrated (a vgpu device should not)", false},
    VariableSpec{"JETSON_JETPACK", VariableType::RemovalOnly, validateRemovalOnly,
                 "Makes Ollama on arm64 use only cuda_jetpackN folders; remove it on a machine that is no Jetson",
                 false},
    VariableSpec{"OLLAMA_LIBRARY_PATH", VariableType::RemovalOnly, validateRemovalOnly,
                 "Not a user setting: Ollama sets it per runner before v0.30.0 and ignores it after", false},
    VariableSpec{"HIP_VISIBLE_DEVICES", VariableType::RemovalOnly, validateRemovalOnly,
                 "AMD devices Ollama may use (ROCm); hides no CUDA device", false},
    VariableSpec{"ROCR_VISIBLE_DEVICES", VariableType::RemovalOnly, validateRemovalOnly,
                 "AMD devices Ollama may use (ROCm runtime); hides no CUDA device", false},
    VariableSpec{"GPU_DEVICE_ORDINAL", VariableType::RemovalOnly, validateRemovalOnly,
                 "AMD devices Ollama may use; hides no CUDA device", false},
    VariableSpec{"HSA_OVERRIDE_GFX_VERSION", VariableType::RemovalOnly, validateRemovalOnly,
                 "Overrides the gfx target of AMD GPUs; no effect on a CUDA device", false},
    VariableSpec{"GGML_VK_VISIBLE_DEVICES", VariableType::RemovalOnly, validateRemovalOnly,
                 "Vulkan devices Ollama may use; hides no CUDA device", false},
};

} // namespace

std::span<const VariableSpec> managedVariables() {
  return kVariables;
}

const VariableSpec* findManagedVariable(const QString& name) {
  for (const VariableSpec& spec : kVariables) {
    if (name == QLatin1String(spec.name)) {
      return &spec;
    }
  }
  return nullptr;
}

QString variableTypeName(VariableType type) {
  switch (type) {
  case VariableType::VariantName: return QStringLiteral("variant-folder");
  case VariableType::DebugLevel: return QStringLiteral("debug-level");
  case VariableType::DeviceList: return QStringLiteral("device-list");
  case VariableType::Bytes: return QStringLiteral("bytes");
  case VariableType::Endpoint: return QStringLiteral("endpoint");
  case VariableType::LogSetting: return QStringLiteral("log-setting");
  case VariableType::DirectoryList: return QStringLiteral("directory-list");
  case VariableType::OllamaBool: return QStringLiteral("ollama-bool");
  case VariableType::RemovalOnly: return QStringLiteral("removal-only");
  }
  return {};
}

QString numGpuFinding() {
  return QStringLiteral("Ollama does not read OLLAMA_NUM_GPU (num_gpu is a per-request option); remove it");
}

VariableVerdict validateVariable(const QString& name, const QString& value, const OllamaInstallation* installation) {
  if (name == kNumGpu) {
    return refuse(numGpuFinding());
  }
  const VariableSpec* spec = findManagedVariable(name);
  if (spec == nullptr) {
    QStringList known;
    for (const VariableSpec& entry : kVariables) {
      known.append(QLatin1String(entry.name));
    }
    return refuse(QStringLiteral("unknown variable %1; vgpu manages: %2").arg(name, known.join(QStringLiteral(", "))));
  }
  for (const QChar c : value) {
    if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
      return refuse(QStringLiteral("the value of %1 contains a control character (U+%2), which a unit file cannot "
                                   "carry")
                        .arg(name)
                        .arg(c.unicode(), 4, 16, QLatin1Char('0')));
    }
  }
  return spec->validate(value, installation);
}

} // namespace vgpu::controller
