// Interrupted applies: a child process applies the installer's plan and is SIGKILLed at every
// step, in every phase (after journaling, after the change, after marking it done). The next run
// rolls the interrupted transaction back: the tree is then exactly the original, and applying
// again gives exactly the fully applied tree — never anything in between.
#include <catch2/catch.hpp>

#include "change_test_support.h"
#include "changes/change_engine.h"
#include "changes/shim_install_plan.h"
#include "test_paths.h"

#include <QProcess>

using namespace vgpu::controller;

namespace {

void makeTree(const std::filesystem::path& root, InstallScope scope) {
  vgpu::test::makeSystemTree(root);
  if (scope == InstallScope::System) {
    std::filesystem::remove_all(root / "usr/lib/vgpu"); // so the plan creates a directory too
  }
}

} // namespace

TEST_CASE("an apply killed at any step is rolled back by the next run") {
  for (const InstallScope scope : {InstallScope::Service, InstallScope::System}) {
    const QString scopeName = installScopeName(scope);
    // Reference: the original and the fully applied trees.
    const auto reference = vgpu::test::scratchDir("changes-interrupted-reference-" + scopeName.toStdString());
    makeTree(reference, scope);
    const auto original = vgpu::test::treeListing(reference);
    ShimInstallRequest request = vgpu::test::stagingShimRequest();
    request.scope = scope;
    request.dropIn = vgpu::test::minimalDropIn();
    QString error;
    const auto plan = planShimInstall(SystemRoot(QString::fromStdString(reference.string())), request, &error);
    REQUIRE(plan);
    const int steps = static_cast<int>(plan->operations.size());
    CHECK(steps >= 5);
    vgpu::test::RecordingRunner referenceRunner;
    REQUIRE(ChangeEngine(SystemRoot(QString::fromStdString(reference.string())), referenceRunner).apply(*plan).ok);
    const auto applied = vgpu::test::treeListing(reference);
    REQUIRE(applied != original);

    for (int step = 0; step < steps; ++step) {
      for (const char* phase : {"journaled", "performed", "done"}) {
        INFO(scopeName.toStdString() << " killed at step " << step << " ("
                                     << plan->operations.at(step).describe().toStdString() << "), phase " << phase);
        const auto root = vgpu::test::scratchDir("changes-interrupted");
        makeTree(root, scope);
        const QString rootPath = QString::fromStdString(root.string());
        QProcess child;
        child.start(QStringLiteral(VGPU_CHANGE_APPLY_CHILD),
                    {rootPath, scopeName, QString::number(step), QString::fromLatin1(phase)});
        REQUIRE(child.waitForFinished(20000));
        REQUIRE(child.exitStatus() == QProcess::CrashExit); // it really died mid-apply

        vgpu::test::RecordingRunner runner;
        ChangeEngine engine(SystemRoot(rootPath), runner);
        QString listError;
        REQUIRE(engine.transactions(&listError).first().state == QStringLiteral("applying"));
        const ChangeResult recovered = engine.recover();
        INFO(recovered.errors.join(u'\n').toStdString());
        REQUIRE(recovered.ok);
        CHECK(recovered.recovered.size() == 1);
        CHECK(vgpu::test::listingDifference(vgpu::test::treeListing(root), original).empty());
        // The loader cache is rebuilt when the interrupted transaction had started ldconfig.
        const bool ldconfigStarted = plan->operations.at(step).kind == OperationKind::RunLdconfig;
        CHECK(runner.commands.size() == (ldconfigStarted ? 1 : 0));

        const ChangeResult again = engine.apply(*plan);
        REQUIRE(again.ok);
        CHECK(vgpu::test::listingDifference(vgpu::test::treeListing(root), applied).empty());
      }
    }
  }
}

TEST_CASE("the next run recovers an interrupted transaction before planning, then applies") {
  const auto root = vgpu::test::scratchDir("changes-interrupted-next-apply");
  vgpu::test::makeSystemTree(root);
  const QString rootPath = QString::fromStdString(root.string());
  QProcess child;
  child.start(QStringLiteral(VGPU_CHANGE_APPLY_CHILD),
              {rootPath, QStringLiteral("service"), QStringLiteral("2"), QStringLiteral("performed")});
  REQUIRE(child.waitForFinished(20000));
  REQUIRE(child.exitStatus() == QProcess::CrashExit);
  child.start(QStringLiteral(VGPU_CHANGE_APPLY_CHILD),
              {rootPath, QStringLiteral("service"), QStringLiteral("-1"), QStringLiteral("none")});
  REQUIRE(child.waitForFinished(20000));
  CHECK(child.exitCode() == 0);
  vgpu::test::RecordingRunner runner;
  QString error;
  const QList<TransactionSummary> list = ChangeEngine(SystemRoot(rootPath), runner).transactions(&error);
  REQUIRE(list.size() == 2);
  CHECK(vgpu::test::readFile(root / "usr/lib/vgpu/libvgpu-nvml.so") == vgpu::test::fakeNvmlShim());
  CHECK(list.at(0).state == QStringLiteral("rolled-back"));
  CHECK(list.at(1).state == QStringLiteral("applied"));
}
