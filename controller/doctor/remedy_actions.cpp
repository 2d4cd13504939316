// The doctor's helper actions, one row each.
#include "doctor/remedy_actions.h"

namespace vgpu::controller::doctor {

namespace {

constexpr RemedyActionSpec kActions[] = {
    {RemedyActionId::RaiseDebug, "env-set", {"OLLAMA_DEBUG", "1"}, true},
    {RemedyActionId::RaiseDebugToTrace, "env-set", {"OLLAMA_DEBUG", "2"}, true},
    {RemedyActionId::UnsetCudaVisibleDevices, "env-unset", {"CUDA_VISIBLE_DEVICES", nullptr}, false},
    {RemedyActionId::EnableVulkan, "env-set", {"OLLAMA_VULKAN", "1"}, false},
    {RemedyActionId::UnsetVulkan, "env-unset", {"OLLAMA_VULKAN", nullptr}, false},
    {RemedyActionId::UnsetJetsonJetpack, "env-unset", {"JETSON_JETPACK", nullptr}, false},
    {RemedyActionId::UnsetNumGpu, "env-unset", {"OLLAMA_NUM_GPU", nullptr}, false},
    {RemedyActionId::SetLlmLibrary, "env-set", {"OLLAMA_LLM_LIBRARY", "<variant>"}, false},
    {RemedyActionId::UnsetLlmLibrary, "env-unset", {"OLLAMA_LLM_LIBRARY", nullptr}, false},
    {RemedyActionId::InstallShim, "install", {"--scope", "service"}, false},
    {RemedyActionId::ResolveOverride,
     "override-resolve",
     {"<resolution>", "<variable>", "<file>", "<line>", "<sha256>"},
     false},
    {RemedyActionId::DaemonReload, "daemon-reload", {nullptr, nullptr}, false},
};

const RemedyActionSpec& specOf(RemedyActionId id) {
  for (const RemedyActionSpec& spec : kActions) {
    if (spec.id == id) {
      return spec;
    }
  }
  return kActions[0]; // unreachable: every id has a row (checked by the remedies test)
}

QStringList argumentsOf(const RemedyActionSpec& spec, const QMap<QString, QString>& values) {
  QStringList arguments;
  for (const char* argument : spec.arguments) {
    if (argument == nullptr) {
      break;
    }
    const QString text = QString::fromLatin1(argument);
    arguments.append(values.value(text, text));
  }
  return arguments;
}

QMap<QString, QString> variantValue(const QString& variant) {
  return {{QStringLiteral("<variant>"), variant}};
}

} // namespace

std::span<const RemedyActionSpec> remedyActions() {
  return kActions;
}

RemedyAction checkRemedyActionOf(RemedyActionId id, const QString& variant) {
  return checkRemedyActionOf(id, variantValue(variant));
}

HelperAction remedyActionOf(RemedyActionId id, const QString& variant) {
  return remedyActionOf(id, variantValue(variant));
}

RemedyAction checkRemedyActionOf(RemedyActionId id, const QMap<QString, QString>& values) {
  const RemedyActionSpec& spec = specOf(id);
  return RemedyAction{QString::fromLatin1(spec.verb), argumentsOf(spec, values), spec.temporary};
}

HelperAction remedyActionOf(RemedyActionId id, const QMap<QString, QString>& values) {
  const RemedyActionSpec& spec = specOf(id);
  return HelperAction{QString::fromLatin1(spec.verb), argumentsOf(spec, values), spec.temporary};
}

} // namespace vgpu::controller::doctor
