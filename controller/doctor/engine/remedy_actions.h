// Every vgpu-helper action the doctor can offer, as one table: the discovery causes and the
// checks name an action by id, and tests/controller/test_doctor_remedies.cpp applies each row
// through the real vgpu-helper, so a remedy the helper would refuse cannot ship. Actions whose
// argument is computed at run time (OLLAMA_LLM_LIBRARY=<a folder found>) are rows with the
// placeholder "<variant>"; the override resolution's row has one placeholder per argument.
#pragma once

#include "doctor/engine/check.h"
#include "doctor/logs/discovery_verdict.h"

#include <QMap>
#include <span>

namespace vgpu::controller::doctor {

enum class RemedyActionId {
  RaiseDebug,              // env-set OLLAMA_DEBUG 1 (temporary)
  RaiseDebugToTrace,       // env-set OLLAMA_DEBUG 2 (temporary)
  UnsetCudaVisibleDevices, // env-unset CUDA_VISIBLE_DEVICES
  EnableVulkan,            // env-set OLLAMA_VULKAN 1 (before v0.30.0 Vulkan is off unless set)
  UnsetVulkan,             // env-unset OLLAMA_VULKAN (from v0.30.0 Vulkan is on unless set false)
  UnsetJetsonJetpack,      // env-unset JETSON_JETPACK
  UnsetNumGpu,             // env-unset OLLAMA_NUM_GPU (Ollama never reads it)
  SetLlmLibrary,           // env-set OLLAMA_LLM_LIBRARY <variant>
  UnsetLlmLibrary,         // env-unset OLLAMA_LLM_LIBRARY
  InstallShim,             // install --scope service
  ResolveOverride,         // override-resolve <resolution> <variable> <file> <line> <sha256>
  DaemonReload,            // daemon-reload
};

struct RemedyActionSpec {
  RemedyActionId id;
  HelperVerb verb;
  const char* arguments[5]; // nullptr-terminated; "<...>" placeholders are replaced by the caller's values
  bool temporary;
};

std::span<const RemedyActionSpec> remedyActions();

// The action as a check's remedy or a discovery cause's action; `variant` fills "<variant>".
HelperCommand remedyCommandOf(RemedyActionId id, const QString& variant = QString());
// The same with every placeholder named: {"<variant>", "cuda_v12"}, {"<line>", "3"}, ...
HelperCommand remedyCommandOf(RemedyActionId id, const QMap<QString, QString>& values);

} // namespace vgpu::controller::doctor
