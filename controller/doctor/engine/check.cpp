// CheckResult's named constructors and the status names used by both exports.
#include "doctor/engine/check.h"

namespace vgpu::controller::doctor {

CheckResult CheckResult::pass(QString summary) {
  CheckResult result;
  result.status = CheckStatus::Pass;
  result.summary = std::move(summary);
  return result;
}

CheckResult CheckResult::warn(QString summary) {
  CheckResult result = pass(std::move(summary));
  result.status = CheckStatus::Warn;
  return result;
}

CheckResult CheckResult::fail(QString summary) {
  CheckResult result = pass(std::move(summary));
  result.status = CheckStatus::Fail;
  return result;
}

CheckResult CheckResult::skip(QString reason) {
  CheckResult result;
  result.status = CheckStatus::Skip;
  result.summary = QStringLiteral("skipped");
  result.reason = std::move(reason);
  return result;
}

QString checkStatusName(CheckStatus status) {
  switch (status) {
  case CheckStatus::Pass: return QStringLiteral("pass");
  case CheckStatus::Warn: return QStringLiteral("warn");
  case CheckStatus::Fail: return QStringLiteral("fail");
  case CheckStatus::Skip: break;
  }
  return QStringLiteral("skip");
}

} // namespace vgpu::controller::doctor
