// The doctor's helper actions, one row each.
#include "doctor/engine/remedy_actions.h"

namespace vgpu::controller::doctor {

namespace {

constexpr RemedyActionSpec kActions[] = {
    {RemedyActionId::RaiseDebug, HelperVerb::EnvSet, {"OLLAMA_DEBUG", "1"}, true},
    {RemedyActionId::RaiseDebugToTrace, HelperVerb::EnvSet, {"OLLAMA_DEBUG", "2"}, true},
    {RemedyActionId::UnsetCudaVisibleDevices, HelperVerb::EnvUnset, {"CUDA_VISIBLE_DEVICES", nullptr}, false},
    {RemedyActionId::EnableVulkan, HelperVerb::EnvSet, {"OLLAMA_VULKAN", "1"}, false},
    {RemedyActionId::UnsetVulkan, HelperVerb::EnvUnset, {"OLLAMA_VULKAN", nullptr}, false},
    {RemedyActionId::UnsetJetsonJetpack, HelperVerb::EnvUnset, {"JETSON_JETPACK", nullptr}, false},
    {RemedyActionId::UnsetNumGpu, HelperVerb::EnvUnset, {"OLLAMA_NUM_GPU", nullptr}, false},
    {RemedyActionId::SetLlmLibrary, HelperVerb::EnvSet, {"OLLAMA_LLM_LIBRARY", "<variant>"}, false},
    {RemedyActionId::UnsetLlmLibrary, HelperVerb::EnvUnset, {"OLLAMA_LLM_LIBRARY", nullptr}, false},
    {RemedyActionId::InstallShim, HelperVerb::Install, {"--scope", "service"}, false},
    {RemedyActionId::ResolveOverride,
     HelperVerb::OverrideResolve,
     {"<resolution>", "<variable>", "<file>", "<line>", "<sha256>"},
     false},
    {RemedyActionId::DaemonReload, HelperVerb::DaemonReload, {nullptr, nullptr}, false},
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

HelperCommand remedyCommandOf(RemedyActionId id, const QString& variant) {
  return remedyCommandOf(id, variantValue(variant));
}

HelperCommand remedyCommandOf(RemedyActionId id, const QMap<QString, QString>& values) {
  const RemedyActionSpec& spec = specOf(id);
  return HelperCommand{spec.verb, argumentsOf(spec, values), spec.temporary};
}

} // namespace vgpu::controller::doctor
