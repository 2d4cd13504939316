// The Ollama installation model as JSON: the format of `vgpuctl ollama info --json`
// (docs/vgpuctl-json.md), also what the console and reports embed. Field names are stable.
#pragma once

#include <QJsonObject>

namespace vgpu::controller {

struct OllamaInstallation;

QJsonObject installationToJson(const OllamaInstallation& installation);

} // namespace vgpu::controller
