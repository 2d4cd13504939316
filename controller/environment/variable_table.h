// The variables vgpu manages in ollama.service's environment, as a table: name, type, validator
// and help text. Everything the console, vgpuctl and vgpu-helper accept for the managed drop-in
// goes through validateVariable(); a name not in the table is refused. Every variable a doctor
// remedy names is in it (tests/controller/test_doctor_remedies.cpp applies each remedy through
// vgpu-helper); the values accepted follow how Ollama itself reads them
// (tests/data/ollama-facts/env.tsv and env-parsers.tsv).
#pragma once

#include <QString>
#include <QStringList>
#include <span>

namespace vgpu::controller {

struct OllamaInstallation;

enum class VariableType {
  VariantName,
  DebugLevel,
  DeviceList,
  Bytes,
  Endpoint,
  LogSetting,
  DirectoryList,
  OllamaBool,  // read by Ollama with strconv.ParseBool (OLLAMA_VULKAN, OLLAMA_IGPU_ENABLE)
  RemovalOnly, // a variable the doctor may tell the admin to remove, never one vgpu sets
};

struct VariableVerdict {
  QString error;        // non-empty: the value is refused, with the reason
  QStringList warnings; // accepted, but something the admin should know
  bool removes = false; // the value means "remove the variable" (OLLAMA_LLM_LIBRARY=auto)
  bool ok() const { return error.isEmpty(); }
};

using VariableValidator = VariableVerdict (*)(const QString& value, const OllamaInstallation* installation);

struct VariableSpec {
  const char* name;
  VariableType type;
  VariableValidator validate;
  const char* help;
  bool installerOnly; // written by the shim installer, never by `env set`
};

std::span<const VariableSpec> managedVariables();
const VariableSpec* findManagedVariable(const QString& name);
QString variableTypeName(VariableType type);

// Validates `value` for `name`. `installation` (may be null) is needed for OLLAMA_LLM_LIBRARY.
// Unknown names, OLLAMA_NUM_GPU and values no unit file can carry are refused.
VariableVerdict validateVariable(const QString& name, const QString& value, const OllamaInstallation* installation);

// The finding for OLLAMA_NUM_GPU, which Ollama does not read.
QString numGpuFinding();

} // namespace vgpu::controller
