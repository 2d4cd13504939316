// vgpu-helper's verbs, carried out on a validated request. Every path is derived here from the
// root (vgpu's library directory, the managed drop-in, Ollama's installation from its unit);
// changes go through the journaled ChangeEngine so each one can be rolled back.
#pragma once

#include "helper_log.h"
#include "helper_request.h"

#include <QJsonObject>
#include <QString>

namespace vgpu::helper {

struct HelperOutcome {
  int exitCode = 0;
  QString message;
  QJsonObject data; // merged into the JSON reply
};

HelperOutcome runVerb(const HelperRequest& request, const HelperLog& log);

} // namespace vgpu::helper
