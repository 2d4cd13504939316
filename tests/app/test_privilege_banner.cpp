// pkexec and polkit checked before the admin presses Apply: the probe's verdict and remedy text
// (both present, pkexec missing, polkit missing), the Configuration and Diagnostics pages showing
// the banner with their apply buttons disabled and the reason as tooltip, and a helper in test
// mode (HelperLaunch::testRoot) never probed.
#include <catch2/catch.hpp>

#include "change_applier.h"
#include "configuration_page.h"
#include "diagnostics_page.h"
#include "fake_ollama_tree.h"
#include "gui_test_support.h"
#include "polkit_probe.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTreeWidget>

using vgpu::console::ConfigurationPage;
using vgpu::console::DiagnosticsPage;
using vgpu::console::HelperChangeApplier;
using vgpu::console::PrivilegeProbe;
using vgpu::test::child;

namespace {

// A machine with or without pkexec and polkit; counts how often it is asked.
struct FakeMachine {
  bool pkexec = true;
  bool polkit = true;
  int probes = 0;
  PrivilegeProbe probe() {
    return {[this] {
              ++probes;
              return pkexec ? QStringLiteral("/usr/bin/pkexec") : QString();
            },
            [this] { return polkit; }};
  }
};

// One check whose remedy the helper can apply.
DiagnosticsPage::DoctorRun oneFixableCheck() {
  return [] {
    vgpu::controller::doctor::DoctorReport report;
    vgpu::controller::doctor::ReportEntry entry;
    entry.id = QStringLiteral("env.num-gpu");
    entry.title = QStringLiteral("OLLAMA_NUM_GPU");
    entry.result = vgpu::controller::doctor::CheckResult::warn(QStringLiteral("OLLAMA_NUM_GPU is set"));
    entry.result.remedy = vgpu::controller::doctor::Remedy{
        QStringLiteral("unset it"), vgpu::controller::HelperCommand::envChange(QStringLiteral("OLLAMA_NUM_GPU"), {})};
    report.entries.append(entry);
    return report;
  };
}

} // namespace

TEST_CASE("the privilege check names what is missing and the remedy") {
  FakeMachine machine;
  CHECK(vgpu::console::checkPrivileges(machine.probe()).ok());
  CHECK(vgpu::console::checkPrivileges(machine.probe()).problem().isEmpty());
  machine.pkexec = false;
  auto check = vgpu::console::checkPrivileges(machine.probe());
  CHECK_FALSE(check.ok());
  CHECK(check.problem().startsWith(QStringLiteral("pkexec is not installed")));
  CHECK(check.problem().contains(QStringLiteral("sudo apt install pkexec")));
  machine.pkexec = true;
  machine.polkit = false;
  check = vgpu::console::checkPrivileges(machine.probe());
  CHECK_FALSE(check.ok());
  CHECK(check.problem().startsWith(QStringLiteral("No polkit service")));
  CHECK(check.problem().contains(QStringLiteral("sudo vgpuctl")));
}

TEST_CASE("the helper applier probes the machine once, and never in test mode") {
  FakeMachine machine;
  machine.pkexec = false;
  HelperChangeApplier onMachine({}, machine.probe());
  CHECK_FALSE(onMachine.privileges().ok());
  CHECK_FALSE(onMachine.privileges().ok());
  CHECK(machine.probes == 1);
  vgpu::controller::HelperLaunch testMode;
  testMode.testRoot = QStringLiteral("/tmp/some-test-tree");
  HelperChangeApplier onTestTree(testMode, machine.probe());
  CHECK(onTestTree.privileges().ok());
  CHECK(machine.probes == 1);
}

TEST_CASE("the Configuration page shows the banner and keeps Apply disabled without pkexec or polkit") {
  vgpu::test::FakeOllamaTree tree(QString::fromStdString(vgpu::test::scratchDir("privilege-config").string()));
  for (const int missing : {0, 1, 2}) { // nothing, pkexec, polkit
    INFO(missing);
    FakeMachine machine;
    machine.pkexec = missing != 1;
    machine.polkit = missing != 2;
    ConfigurationPage page(tree.root(),
                           std::make_shared<HelperChangeApplier>(vgpu::controller::HelperLaunch{}, machine.probe()),
                           nullptr, QProcessEnvironment());
    QSignalSpy refreshed(&page, &ConfigurationPage::refreshed);
    page.show(); // first shown: the probe, and the detection
    REQUIRE(refreshed.wait(10000));
    child<QLineEdit>(page, "configValue_OLLAMA_DEBUG")->setText(QStringLiteral("1"));
    REQUIRE(page.pendingChanges().size() == 1);
    auto* banner = child<QLabel>(page, "privilegeBanner");
    auto* apply = child<QPushButton>(page, "configApply");
    if (missing == 0) {
      CHECK_FALSE(banner->isVisible());
      CHECK(apply->isEnabled());
      continue;
    }
    CHECK(banner->isVisible());
    CHECK(banner->text().contains(missing == 1 ? QStringLiteral("sudo apt install pkexec")
                                               : QStringLiteral("sudo vgpuctl")));
    CHECK_FALSE(apply->isEnabled());
    CHECK(apply->toolTip() == banner->text());
  }
}

TEST_CASE("the Diagnostics page keeps Apply fix disabled, with the reason, without pkexec") {
  FakeMachine machine;
  machine.pkexec = false;
  DiagnosticsPage page(oneFixableCheck(),
                       std::make_shared<HelperChangeApplier>(vgpu::controller::HelperLaunch{}, machine.probe()));
  page.show();
  QSignalSpy finished(&page, &DiagnosticsPage::finished);
  page.runDiagnostics();
  REQUIRE(finished.wait(10000));
  page.tree()->setCurrentItem(page.tree()->topLevelItem(0));
  auto* apply = child<QPushButton>(page, "diagnosticsApplyFix");
  CHECK(child<QLabel>(page, "privilegeBanner")->isVisible());
  CHECK_FALSE(apply->isEnabled());
  CHECK(apply->toolTip().contains(QStringLiteral("pkexec is not installed")));
}
