// The doctor engine: topological order (prerequisites first, table order otherwise), skip
// propagation with the reason, warnings that do not block, cycle / unknown / duplicate detection,
// the real check table's validity, and the exit code of a report.
#include <catch2/catch.hpp>

#include "doctor/engine/check_table.h"
#include "doctor/engine/doctor_engine.h"

#include <vector>

using namespace vgpu::controller::doctor;

namespace {

CheckResult passes(const DoctorContext&) {
  return CheckResult::pass(QStringLiteral("fine"));
}
CheckResult warns(const DoctorContext&) {
  return CheckResult::warn(QStringLiteral("hmm"));
}
CheckResult fails(const DoctorContext&) {
  return CheckResult::fail(QStringLiteral("broken"));
}
CheckResult skips(const DoctorContext&) {
  return CheckResult::skip(QStringLiteral("no input"));
}

Check check(const char* id, QStringList dependsOn, CheckResult (*run)(const DoctorContext&)) {
  return {QString::fromLatin1(id), QString::fromLatin1(id), std::move(dependsOn), run};
}

QStringList ids(const DoctorReport& report) {
  QStringList list;
  for (const ReportEntry& entry : report.entries) {
    list.append(entry.id);
  }
  return list;
}

const CheckResult& resultOf(const DoctorReport& report, const char* id) {
  for (const ReportEntry& entry : report.entries) {
    if (entry.id == QLatin1String(id)) {
      return entry.result;
    }
  }
  FAIL("no entry " << id);
  static const CheckResult none;
  return none;
}

} // namespace

TEST_CASE("checks run prerequisites first, otherwise in table order") {
  const std::vector<Check> checks{
      check("c", {QStringLiteral("b")}, &passes),
      check("a", {}, &passes),
      check("b", {QStringLiteral("a")}, &passes),
      check("d", {}, &passes),
  };
  const CheckOrder order = orderChecks(checks);
  REQUIRE(order.error.isEmpty());
  const DoctorReport report = runDoctor(checks, DoctorContext{});
  CHECK(ids(report) == QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")});
  CHECK(report.exitCode() == 0);
}

TEST_CASE("a failed or skipped prerequisite skips its dependants, transitively, with the reason") {
  const std::vector<Check> checks{
      check("root", {}, &fails),
      check("child", {QStringLiteral("root")}, &passes),
      check("grandchild", {QStringLiteral("child")}, &passes),
      check("input", {}, &skips),
      check("uses-input", {QStringLiteral("input")}, &passes),
      check("warned", {}, &warns),
      check("after-warning", {QStringLiteral("warned")}, &passes),
  };
  const DoctorReport report = runDoctor(checks, DoctorContext{});
  CHECK(resultOf(report, "child").status == CheckStatus::Skip);
  CHECK(resultOf(report, "child").reason == QStringLiteral("prerequisite root failed: broken"));
  CHECK(resultOf(report, "grandchild").status == CheckStatus::Skip);
  CHECK(resultOf(report, "grandchild").reason.startsWith(QLatin1String("prerequisite child was skipped")));
  CHECK(resultOf(report, "uses-input").reason == QStringLiteral("prerequisite input was skipped: no input"));
  CHECK(resultOf(report, "after-warning").status == CheckStatus::Pass); // a warning does not block
  CHECK(report.count(CheckStatus::Fail) == 1);
  CHECK(report.count(CheckStatus::Warn) == 1);
  CHECK(report.exitCode() == 2);
}

TEST_CASE("a dependency cycle is caught, named, and never reported as success") {
  const std::vector<Check> checks{
      check("ok", {}, &passes),
      check("x", {QStringLiteral("z")}, &passes),
      check("y", {QStringLiteral("x")}, &passes),
      check("z", {QStringLiteral("y")}, &passes),
  };
  const CheckOrder order = orderChecks(checks);
  CHECK(order.error.contains(QLatin1String("cycle")));
  CHECK(order.error.contains(QLatin1String("x, y, z")));
  CHECK_FALSE(order.error.contains(QLatin1String("ok")));
  const DoctorReport report = runDoctor(checks, DoctorContext{});
  REQUIRE(report.entries.size() == 1);
  CHECK(report.entries.constFirst().id == QStringLiteral("doctor.engine"));
  CHECK(report.entries.constFirst().result.status == CheckStatus::Fail);
  CHECK(report.exitCode() == 2);
}

TEST_CASE("unknown dependencies and duplicate ids are table errors") {
  CHECK(orderChecks(std::vector<Check>{check("a", {QStringLiteral("nope")}, &passes)})
            .error.contains(QLatin1String("unknown check 'nope'")));
  CHECK(orderChecks(std::vector<Check>{check("a", {}, &passes), check("a", {}, &passes)})
            .error.contains(QLatin1String("duplicate check id 'a'")));
  CHECK(orderChecks(std::vector<Check>{check("self", {QStringLiteral("self")}, &passes)})
            .error.contains(QLatin1String("cycle")));
}

TEST_CASE("the doctor's own check table is valid: unique ids, known prerequisites, no cycle") {
  const CheckOrder order = orderChecks(doctorChecks());
  INFO(order.error.toStdString());
  CHECK(order.error.isEmpty());
  CHECK(order.order.size() == static_cast<qsizetype>(doctorChecks().size()));
  for (const Check& entry : doctorChecks()) {
    CHECK(entry.run != nullptr);
    CHECK(entry.id.contains(u'.')); // area.name
  }
}

TEST_CASE("exit codes: 0 all pass, 1 warnings only or nothing ran, 2 failures") {
  CHECK(runDoctor(std::vector<Check>{check("a", {}, &passes), check("b", {}, &skips)}, DoctorContext{}).exitCode() ==
        0);
  CHECK(runDoctor(std::vector<Check>{check("a", {}, &passes), check("b", {}, &warns)}, DoctorContext{}).exitCode() ==
        1);
  CHECK(runDoctor(std::vector<Check>{check("a", {}, &skips)}, DoctorContext{}).exitCode() == 1);
  CHECK(runDoctor(std::vector<Check>{check("a", {}, &warns), check("b", {}, &fails)}, DoctorContext{}).exitCode() == 2);
}

TEST_CASE("the log checks skip with the reason when no log is given") {
  const DoctorReport report = runDoctor(doctorChecks(), DoctorContext{});
  for (const ReportEntry& entry : report.entries) {
    INFO(entry.id.toStdString());
    CHECK(entry.result.status == CheckStatus::Skip);
    CHECK_FALSE(entry.result.reason.isEmpty());
  }
  CHECK(resultOf(report, "logs.ollama-log").reason.contains(QLatin1String("--log FILE")));
}

TEST_CASE("log checks pass and fail on real inputs") {
  DoctorContext gpu;
  gpu.ollamaLog = DoctorContext::readOllamaLog(QStringLiteral(VGPU_TEST_DATA_DIR "/ollama-logs/era-a-h100-gpu.log"));
  const DoctorReport gpuReport = runDoctor(doctorChecks(), gpu);
  CHECK(resultOf(gpuReport, "logs.ollama-log").status == CheckStatus::Pass);
  CHECK(resultOf(gpuReport, "logs.debug-level-sufficient").status == CheckStatus::Pass);
  CHECK(resultOf(gpuReport, "logs.discovery-verdict").status == CheckStatus::Pass);
  CHECK(gpuReport.exitCode() == 0);

  DoctorContext info;
  info.ollamaLog = DoctorContext::readOllamaLog(QStringLiteral(VGPU_TEST_DATA_DIR "/ollama-logs/seed-info-level.log"));
  const DoctorReport infoReport = runDoctor(doctorChecks(), info);
  const CheckResult& level = resultOf(infoReport, "logs.debug-level-sufficient");
  CHECK(level.status == CheckStatus::Warn);
  REQUIRE(level.remedy);
  REQUIRE(level.remedy->action);
  CHECK(level.remedy->action->verbName() == QStringLiteral("env-set"));
  CHECK(level.remedy->action->temporary);
  CHECK(resultOf(infoReport, "logs.discovery-verdict").status == CheckStatus::Fail);

  DoctorContext missing;
  missing.ollamaLog = DoctorContext::readOllamaLog(QStringLiteral(VGPU_TEST_DATA_DIR "/ollama-logs/no-such.log"));
  const DoctorReport missingReport = runDoctor(doctorChecks(), missing);
  CHECK(resultOf(missingReport, "logs.ollama-log").status == CheckStatus::Fail);
  CHECK(resultOf(missingReport, "logs.ollama-log").summary.contains(QLatin1String("cannot read")));
  CHECK(resultOf(missingReport, "logs.discovery-verdict").status == CheckStatus::Skip);

  DoctorContext garbage;
  garbage.ollamaLog = DoctorContext::ollamaLogFromText(QStringLiteral("mem"), QStringLiteral("hello\nworld\n"));
  const DoctorReport garbageReport = runDoctor(doctorChecks(), garbage);
  CHECK(resultOf(garbageReport, "logs.ollama-log").summary.startsWith(QLatin1String("not an Ollama log")));
}
