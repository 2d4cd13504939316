// Building the doctor's inputs: reading and parsing the Ollama log once.
#include "doctor/doctor_context.h"

#include <QFile>

namespace vgpu::controller::doctor {

OllamaLogInput DoctorContext::readOllamaLog(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    return {path, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()), nullptr};
  }
  return ollamaLogFromText(path, QString::fromUtf8(file.readAll()));
}

OllamaLogInput DoctorContext::ollamaLogFromText(const QString& origin, const QString& text) {
  return {origin, QString(), std::make_shared<const OllamaLog>(parseOllamaLog(text))};
}

} // namespace vgpu::controller::doctor
