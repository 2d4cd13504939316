// The install wizard end to end, driven by objectName: on the fake Ollama tree with the shims the
// package ships, vgpu-helper in test mode doing the changes (an applier double that records each
// verb and runs the real helper, i.e. the controller's ChangeEngine, on the tree root),
// fake-systemd1 on a private bus, and a log fixture with GPU discovery lines as ollama.service's
// log. Detect → Guest → Choose → Review → Apply → Restart → Verify (GPU verdict) → Done, in
// English and German with every page grabbed to PNG; the guest path against a real vgpud (sim) on
// a temporary socket (Test connection shows its device; shim.conf written with the endpoint); a
// failed connection test blocking Next; a failed restart job → "Roll back" → the tree (shim.conf
// included) byte-identical to the start; an undecided Verify with its reason, Open journal and
// Check again.
#include <catch2/catch.hpp>

#include "change_test_support.h"
#include "fake_ollama_tree.h"
#include "gui_test_support.h"
#include "install_wizard.h"
#include "journal/plain_log_reader.h"
#include "private_systemd_bus.h"
#include "sysfs_fixture.h"
#include "tcp_daemon.h"
#include "translations.h"
#include "vgpud_fixture.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTranslator>
#include <QTreeWidget>

using vgpu::console::InstallWizard;
using vgpu::test::child;
using vgpu::test::FakeOllamaTree;

namespace {

const QString kDropIn = QStringLiteral("/etc/systemd/system/ollama.service.d/50-vgpu.conf");
const QString kShimDir = vgpu::controller::installedShimDir(); // where the package installs the shims

// Records each verb and has vgpu-helper (test mode, --root TREE) carry it out.
class TreeApplier : public vgpu::console::ChangeApplier {
public:
  explicit TreeApplier(const QString& root)
      : helper_(vgpu::controller::HelperLaunch{QStringLiteral(VGPU_HELPER_PATH), QString(), root}) {}
  vgpu::controller::HelperReply run(const vgpu::controller::HelperCommand& command) override {
    {
      QMutexLocker lock(&mutex_);
      calls_.append(command.commandLine());
    }
    return helper_.run(command);
  }
  QList<QStringList> calls() {
    QMutexLocker lock(&mutex_);
    return calls_;
  }

private:
  vgpu::console::HelperChangeApplier helper_;
  QMutex mutex_;
  QList<QStringList> calls_;
};

struct WizardRig {
  explicit WizardRig(const std::string& name)
      : tree(QString::fromStdString(vgpu::test::scratchDir("install-wizard-" + name).string())) {
    vgpu::test::writePackagedShims(tree.root().toStdString());
    tree.makeDirectory(QStringLiteral("/var/lib"));
    applier = std::make_shared<TreeApplier>(tree.root());
  }
  std::filesystem::path path() const { return tree.root().toStdString(); }

  vgpu::console::InstallWizardSetup setup() const {
    vgpu::console::InstallWizardSetup result;
    result.root = tree.root();
    const QString root = tree.root();
    result.doctorContext = [root] {
      vgpu::controller::doctor::DoctorContext context;
      context.root = root;
      vgpu::controller::doctor::gatherSystemInputs(context, QProcessEnvironment());
      return context;
    };
    result.applier = applier;
    result.openLog = [](QString*) -> std::unique_ptr<vgpu::controller::LogSource> {
      auto reader = std::make_unique<vgpu::controller::PlainLogReader>(
          QString::fromStdString((vgpu::test::dataDir() / "ollama-logs" / "era-a-h100-gpu.log").string()));
      reader->setPollInterval(50);
      return reader;
    };
    result.logSinceRestart = false; // the fixture's lines carry their own (past) times
    result.discoveryTimeoutMs = 10000;
    if (!sysfsRoot.isEmpty()) {
      result.doctorContext = [root, sysfs = sysfsRoot] {
        vgpu::controller::doctor::DoctorContext context;
        context.root = root;
        context.sysfsRoot = sysfs;
        vgpu::controller::doctor::gatherSystemInputs(context, QProcessEnvironment());
        return context;
      };
    }
    return result;
  }
  // The guest's PCI bus with the field report's stub GPU (an H100 PCIe), and a machine id.
  void addStubGpu() {
    sysfsRoot = QString::fromStdString(vgpu::test::buildSysfsTree("one-stub").string());
    tree.writeFile(QStringLiteral("/etc/machine-id"), vgpu::test::readFile(vgpu::test::dataDir() / "sysfs/machine-id"));
  }

  FakeOllamaTree tree;
  std::shared_ptr<TreeApplier> applier;
  QString sysfsRoot; // "" = the tree's own (none)
};

// Next (or Commit) on the current page, which must be complete.
void next(InstallWizard& wizard) {
  INFO("page " << wizard.currentId());
  REQUIRE(wizard.currentPage()->isComplete());
  wizard.next();
}

void grabPage(InstallWizard& wizard, const std::string& page, const std::string& language) {
  vgpu::test::grabToFile(wizard, "install-wizard-" + page + "-" + language + ".png", QSize(820, 600));
}

// Guest: the simulated device (no vgpud needed), then Next.
void chooseSimulated(InstallWizard& wizard) {
  REQUIRE(wizard.currentId() == InstallWizard::GuestPageId);
  auto* backend = child<QComboBox>(wizard, "guestBackend");
  backend->setCurrentIndex(backend->findData(QStringLiteral("sim")));
  next(wizard);
}

QStringList stepTexts(QListWidget* steps) {
  QStringList texts;
  for (int row = 0; row < steps->count(); ++row) {
    texts.append(steps->item(row)->text());
  }
  return texts;
}

} // namespace

TEST_CASE("the install wizard completes end to end and shows the GPU verdict, in English and German") {
  for (const char* language : {"en", "de"}) {
    INFO(language);
    const bool german = std::string(language) == "de";
    QTranslator* translator = nullptr;
    if (german) {
      translator = vgpu::console::installTranslation(*QCoreApplication::instance(), QLocale(QLocale::German));
      REQUIRE(translator != nullptr);
    }
    {
      WizardRig rig(language);
      vgpu::test::PrivateSystemdBus bus;
      INFO(bus.error().toStdString());
      REQUIRE(bus.isReady());
      qputenv("VGPU_HELPER_TEST_BUS", bus.address().toUtf8());

      InstallWizard wizard(rig.setup());
      QSignalSpy detected(&wizard, &InstallWizard::detected);
      wizard.show();
      REQUIRE(detected.wait(20000));

      // Detect: the doctor's checks, each with its status word.
      auto* results = child<QTreeWidget>(wizard, "detectResults");
      REQUIRE(results->topLevelItemCount() == 5);
      QStringList ids;
      for (int row = 0; row < results->topLevelItemCount(); ++row) {
        ids.append(results->topLevelItem(row)->toolTip(0));
        CHECK_FALSE(results->topLevelItem(row)->text(1).isEmpty());
      }
      CHECK(ids.contains(QStringLiteral("hardware.pci-stub")));
      CHECK(ids.contains(QStringLiteral("shim.installed")));
      CHECK(child<QLabel>(wizard, "detectSummary")->text().contains(QStringLiteral("/usr/local/bin/ollama")));
      grabPage(wizard, "detect", language);
      next(wizard);

      // Guest: the simulated device here (the vgpud path is the next test).
      REQUIRE(wizard.currentId() == InstallWizard::GuestPageId);
      CHECK_FALSE(child<QLabel>(wizard, "guestStub")->text().isEmpty());
      CHECK_FALSE(wizard.currentPage()->isComplete()); // vgpud, untested
      grabPage(wizard, "guest", language);
      chooseSimulated(wizard);

      // Choose: service scope, cuda_v12 (the default choice when it is installed).
      REQUIRE(wizard.currentId() == InstallWizard::ChoosePageId);
      auto* scope = child<QComboBox>(wizard, "wizardScope");
      auto* variant = child<QComboBox>(wizard, "wizardVariant");
      CHECK(scope->currentData().toString() == QStringLiteral("service"));
      CHECK(variant->currentData().toString() == QStringLiteral("cuda_v12"));
      CHECK(variant->findData(QString()) == 0); // Automatic
      grabPage(wizard, "choose", language);
      next(wizard);

      // Review: the installer's exact plan, the drop-in diff, the verbs.
      REQUIRE(wizard.currentId() == InstallWizard::ReviewPageId);
      const QString plan = child<QPlainTextEdit>(wizard, "reviewPlan")->toPlainText();
      CHECK(plan.contains(QStringLiteral("the shim libraries are installed in %1").arg(kShimDir)));
      CHECK(plan.contains(kDropIn));
      CHECK(plan.contains(QStringLiteral("+Environment=\"LD_LIBRARY_PATH=%1\"").arg(kShimDir)));
      CHECK(plan.contains(QStringLiteral("+Environment=\"OLLAMA_LLM_LIBRARY=cuda_v12\"")));
      CHECK(plan.contains(QStringLiteral("+backend = sim")));
      CHECK(plan.contains(QStringLiteral("vgpu-helper shim-config-set sim - -")));
      CHECK(plan.contains(QStringLiteral("vgpu-helper install --scope service")));
      CHECK(plan.contains(QStringLiteral("vgpu-helper restart-ollama")));
      grabPage(wizard, "review", language);

      // Apply: install, env-set, daemon-reload through the helper, one row each.
      QSignalSpy applied(&wizard, &InstallWizard::applyFinished);
      next(wizard);
      REQUIRE(wizard.currentId() == InstallWizard::ApplyPageId);
      REQUIRE(applied.wait(30000));
      REQUIRE(applied.first().first().toBool());
      CHECK(rig.applier->calls() ==
            QList<QStringList>{
                {QStringLiteral("shim-config-set"), QStringLiteral("sim"), QStringLiteral("-"), QStringLiteral("-")},
                {QStringLiteral("install"), QStringLiteral("--scope"), QStringLiteral("service")},
                {QStringLiteral("env-set"), QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("cuda_v12")},
                {QStringLiteral("daemon-reload")}});
      const QByteArray dropIn = vgpu::test::readFile(rig.path() / kDropIn.mid(1).toStdString());
      CHECK(dropIn.contains("Environment=\"LD_LIBRARY_PATH=" + kShimDir.toUtf8() + "\""));
      CHECK(dropIn.contains("Environment=\"OLLAMA_LLM_LIBRARY=cuda_v12\""));
      CHECK(wizard.transactions().size() == 3);
      CHECK(vgpu::test::readFile(rig.path() / "etc/vgpu/shim.conf").contains("\nbackend = sim\n"));
      CHECK(stepTexts(child<QListWidget>(wizard, "applySteps")).size() == 4);
      CHECK(bus.counters().value(QStringLiteral("Reload")).toInt() == 1);
      grabPage(wizard, "apply", language);

      // Restart: restart-ollama, the job's result.
      QSignalSpy restarted(&wizard, &InstallWizard::restartFinished);
      next(wizard);
      REQUIRE(wizard.currentId() == InstallWizard::RestartPageId);
      REQUIRE(restarted.wait(30000));
      REQUIRE(restarted.first().first().toBool());
      CHECK(bus.counters().value(QStringLiteral("RestartUnit")).toInt() == 1);
      const QStringList restartSteps = stepTexts(child<QListWidget>(wizard, "restartSteps"));
      REQUIRE(restartSteps.size() == 1);
      CHECK(restartSteps.first().contains(QStringLiteral("done")));
      grabPage(wizard, "restart", language);

      // Verify: the doctor's log checks over the log; GPU verdict.
      QSignalSpy verdict(&wizard, &InstallWizard::verdictShown);
      next(wizard);
      REQUIRE(wizard.currentId() == InstallWizard::VerifyPageId);
      if (verdict.isEmpty()) {
        REQUIRE(verdict.wait(15000));
      }
      const QString verdictText = child<QLabel>(wizard, "verifyVerdict")->text();
      CHECK(verdictText.startsWith(QStringLiteral("GPU: ")));
      CHECK(verdict.first().first().toString() == verdictText);
      grabPage(wizard, "verify", language);
      CHECK_FALSE(wizard.button(QWizard::CustomButton1)->isVisible()); // nothing failed: no rollback offered

      next(wizard);
      REQUIRE(wizard.currentId() == InstallWizard::DonePageId);
      const QString summary = child<QLabel>(wizard, "doneSummary")->text();
      CHECK(summary.contains(wizard.transactions().first()));
      CHECK(summary.contains(verdictText));
      grabPage(wizard, "done", language);

      // Every interactive widget of the wizard is named.
      for (QWidget* widget : wizard.findChildren<QWidget*>()) {
        if (widget->focusPolicy() == Qt::NoFocus || widget->objectName().startsWith(QStringLiteral("qt_"))) {
          continue;
        }
        INFO(widget->metaObject()->className());
        CHECK_FALSE(widget->objectName().isEmpty());
        CHECK_FALSE(widget->accessibleName().isEmpty());
      }
      if (german) {
        CHECK(wizard.button(QWizard::CustomButton1)->text() == QStringLiteral("&Zurücknehmen"));
      }
      qunsetenv("VGPU_HELPER_TEST_BUS");
    }
    if (translator != nullptr) {
      QCoreApplication::removeTranslator(translator);
      delete translator;
    }
  }
}

TEST_CASE("a failed restart job offers Roll back, which restores the tree byte for byte") {
  WizardRig rig("rollback");
  const QByteArray shimConf = "# the admin's own\nbackend = remote\nendpoint = tcp:10.0.0.9:7000\nmatch = 10de:2331\n";
  rig.tree.writeFile(QStringLiteral("/etc/vgpu/shim.conf"), shimConf);
  vgpu::test::PrivateSystemdBus bus;
  INFO(bus.error().toStdString());
  REQUIRE(bus.isReady());
  qputenv("VGPU_HELPER_TEST_BUS", bus.address().toUtf8());
  REQUIRE(bus.setJobResult(QStringLiteral("ollama.service"), QStringLiteral("failed")));
  const auto before = vgpu::test::treeListing(rig.path());

  InstallWizard wizard(rig.setup());
  QSignalSpy detected(&wizard, &InstallWizard::detected);
  wizard.show();
  REQUIRE(detected.wait(20000));
  next(wizard); // Guest
  // Pre-filled from the tree's shim.conf.
  CHECK(child<QComboBox>(wizard, "guestBackend")->currentData().toString() == QStringLiteral("remote"));
  CHECK(child<QLineEdit>(wizard, "guestEndpoint")->text() == QStringLiteral("tcp:10.0.0.9:7000"));
  chooseSimulated(wizard); // Choose
  next(wizard);            // Review
  QSignalSpy applied(&wizard, &InstallWizard::applyFinished);
  next(wizard); // Apply
  REQUIRE(applied.wait(30000));
  REQUIRE(applied.first().first().toBool());
  CHECK_FALSE(vgpu::test::listingDifference(vgpu::test::treeListing(rig.path()), before).empty());
  CHECK(vgpu::test::readFile(rig.path() / "etc/vgpu/shim.conf") ==
        "# the admin's own\nbackend = sim\nendpoint = tcp:10.0.0.9:7000\nmatch = 10de:2331\n");

  QSignalSpy restarted(&wizard, &InstallWizard::restartFinished);
  next(wizard); // Restart
  REQUIRE(restarted.wait(30000));
  REQUIRE_FALSE(restarted.first().first().toBool());
  CHECK_FALSE(wizard.currentPage()->isComplete());
  auto* error = child<QLabel>(wizard, "restartStepsError");
  CHECK(error->isVisible());
  CHECK(stepTexts(child<QListWidget>(wizard, "restartSteps")).first().contains(QStringLiteral("failed")));

  // Roll back: every transaction, newest first, then daemon-reload; the tree as it was.
  QAbstractButton* rollBack = wizard.button(QWizard::CustomButton1);
  CHECK(rollBack->objectName() == QStringLiteral("wizardRollBack"));
  REQUIRE(rollBack->isVisible());
  REQUIRE(rollBack->isEnabled());
  const QStringList transactions = wizard.transactions();
  REQUIRE(transactions.size() == 3);
  QSignalSpy rolledBack(&wizard, &InstallWizard::rolledBack);
  QTest::mouseClick(rollBack, Qt::LeftButton);
  REQUIRE(rolledBack.wait(30000));
  CHECK(rolledBack.first().at(0).toBool());
  const QList<QStringList> calls = rig.applier->calls();
  REQUIRE(calls.size() == 9);
  CHECK(calls[5] == QStringList{QStringLiteral("rollback"), transactions[2]});
  CHECK(calls[6] == QStringList{QStringLiteral("rollback"), transactions[1]});
  CHECK(calls[7] == QStringList{QStringLiteral("rollback"), transactions[0]});
  CHECK(calls[8] == QStringList{QStringLiteral("daemon-reload")});
  const std::string difference = vgpu::test::listingDifference(vgpu::test::treeListing(rig.path()), before);
  INFO(difference);
  CHECK(difference.empty());
  CHECK(vgpu::test::readFile(rig.path() / "etc/vgpu/shim.conf") == shimConf);
  const QStringList steps = stepTexts(child<QListWidget>(wizard, "restartSteps"));
  CHECK(steps.size() == 5);
  CHECK(rolledBack.first().at(1).toString() ==
        QStringLiteral("Rolled back: the system is as it was before the wizard."));
  CHECK(wizard.transactions().isEmpty());
  qunsetenv("VGPU_HELPER_TEST_BUS");
}

namespace {

// The wizard up to the Verify page with a recording applier (no helper): the log is `logPath`.
struct VerifyRig {
  VerifyRig(const std::string& name, const QString& logPath, int timeoutMs) : rig(name) {
    auto recording = std::make_shared<vgpu::test::RecordingChangeApplier>();
    vgpu::console::InstallWizardSetup setup = rig.setup();
    setup.applier = recording;
    setup.openLog = [logPath](QString*) -> std::unique_ptr<vgpu::controller::LogSource> {
      auto reader = std::make_unique<vgpu::controller::PlainLogReader>(logPath);
      reader->setPollInterval(50);
      return reader;
    };
    setup.discoveryTimeoutMs = timeoutMs;
    wizard = std::make_unique<InstallWizard>(setup);
  }
  void runToVerify() {
    QSignalSpy detected(wizard.get(), &InstallWizard::detected);
    wizard->show();
    REQUIRE(detected.wait(20000));
    next(*wizard);            // Guest
    chooseSimulated(*wizard); // Choose
    next(*wizard);            // Review
    QSignalSpy applied(wizard.get(), &InstallWizard::applyFinished);
    next(*wizard); // Apply
    REQUIRE(applied.wait(10000));
    QSignalSpy restarted(wizard.get(), &InstallWizard::restartFinished);
    next(*wizard); // Restart
    REQUIRE(restarted.wait(10000));
    next(*wizard); // Verify
    REQUIRE(wizard->currentId() == InstallWizard::VerifyPageId);
  }
  WizardRig rig;
  std::unique_ptr<InstallWizard> wizard;
};

} // namespace

TEST_CASE("Verify waits for the discovery lines with progress, and gives up after its timeout") {
  const auto scratch = vgpu::test::scratchDir("install-wizard-verify");
  const QString logPath = QString::fromStdString((scratch / "ollama.log").string());
  const QByteArray fixture = vgpu::test::readFile(vgpu::test::dataDir() / "ollama-logs" / "era-a-h100-gpu.log");

  SECTION("the discovery lines arrive while it waits") {
    QFile log(logPath);
    REQUIRE(log.open(QIODevice::WriteOnly));
    log.close();
    VerifyRig rig("verify-late", logPath, 20000);
    rig.runToVerify();
    QSignalSpy verdict(rig.wizard.get(), &InstallWizard::verdictShown);
    QTest::qWait(400);
    CHECK(verdict.isEmpty());
    CHECK_FALSE(rig.wizard->currentPage()->isComplete());
    auto* progress = child<QProgressBar>(*rig.wizard, "verifyProgress");
    CHECK(progress->value() > 0);
    CHECK(progress->value() < progress->maximum());
    REQUIRE(log.open(QIODevice::Append));
    log.write(fixture);
    log.close();
    REQUIRE(verdict.wait(10000));
    CHECK(verdict.first().first().toString().startsWith(QStringLiteral("GPU: ")));
    CHECK(rig.wizard->currentPage()->isComplete());
  }

  SECTION("no runner yet: undecided with the reason; Open journal; Check again finds the GPU") {
    QFile log(logPath);
    REQUIRE(log.open(QIODevice::WriteOnly));
    log.write("Jan 14 07:31:00 guest-vm systemd[1]: Started ollama.service - Ollama Service.\n");
    log.close();
    VerifyRig rig("verify-timeout", logPath, 1000);
    rig.runToVerify();
    QSignalSpy verdict(rig.wizard.get(), &InstallWizard::verdictShown);
    REQUIRE(verdict.wait(10000));
    const QString undecided = verdict.first().first().toString();
    CHECK(undecided.startsWith(QStringLiteral("Undecided after 1 s: Ollama has not looked for a GPU yet")));
    CHECK(undecided.contains(QStringLiteral("ollama run <model>")));
    CHECK(child<QProgressBar>(*rig.wizard, "verifyProgress")->format() == QStringLiteral("Timed out"));
    CHECK(rig.wizard->currentPage()->isComplete());
    CHECK(rig.wizard->button(QWizard::CustomButton1)->isVisible());
    auto* checkAgain = child<QPushButton>(*rig.wizard, "verifyCheckAgain");
    auto* openJournal = child<QPushButton>(*rig.wizard, "verifyOpenJournal");
    REQUIRE(checkAgain->isVisible());
    REQUIRE(openJournal->isVisible());
    grabPage(*rig.wizard, "verify-undecided", "en");

    // Open journal: the entries this wait read, in a dialog.
    QTest::mouseClick(openJournal, Qt::LeftButton);
    auto* dialog = rig.wizard->findChild<QDialog*>(QStringLiteral("verifyJournalDialog"));
    REQUIRE(dialog != nullptr);
    CHECK(dialog->isVisible());
    CHECK(child<QPlainTextEdit>(*dialog, "verifyJournalText")
              ->toPlainText()
              .contains(QStringLiteral("Started ollama.service")));
    vgpu::test::grabToFile(*dialog, "install-wizard-verify-journal-en.png", QSize(720, 420));
    dialog->close();

    // A model was loaded meanwhile: Check again sees the discovery lines.
    REQUIRE(log.open(QIODevice::Append));
    log.write(fixture);
    log.close();
    verdict.clear();
    QTest::mouseClick(checkAgain, Qt::LeftButton);
    if (verdict.isEmpty()) {
      REQUIRE(verdict.wait(10000));
    }
    CHECK(verdict.first().first().toString().startsWith(QStringLiteral("GPU: ")));
    CHECK_FALSE(checkAgain->isVisible());
    CHECK_FALSE(rig.wizard->button(QWizard::CustomButton1)->isVisible()); // no longer offered
    CHECK(stepTexts(child<QListWidget>(*rig.wizard, "verifySteps")).size() == 2);
    grabPage(*rig.wizard, "verify-check-again", "en");
  }

  SECTION("no log lines at all: the reason says so") {
    QFile log(logPath);
    REQUIRE(log.open(QIODevice::WriteOnly));
    log.close();
    VerifyRig rig("verify-empty", logPath, 1000);
    rig.runToVerify();
    QSignalSpy verdict(rig.wizard.get(), &InstallWizard::verdictShown);
    REQUIRE(verdict.wait(10000));
    CHECK(verdict.first().first().toString().startsWith(
        QStringLiteral("Undecided after 1 s: ollama.service wrote no log lines since the restart")));
  }

  SECTION("the log cannot be read: the reason says so, Check again offered") {
    VerifyRig rig("verify-unreadable", QString::fromStdString((scratch / "missing" / "ollama.log").string()), 1000);
    rig.runToVerify();
    auto* verdictLabel = child<QLabel>(*rig.wizard, "verifyVerdict");
    if (verdictLabel->text().isEmpty()) {
      QSignalSpy verdict(rig.wizard.get(), &InstallWizard::verdictShown);
      REQUIRE(verdict.wait(10000));
    }
    CHECK(verdictLabel->text().contains(QStringLiteral("log could not be read")));
    CHECK(child<QPushButton>(*rig.wizard, "verifyCheckAgain")->isVisible());
  }
}

TEST_CASE("the Guest page tests vgpud at the endpoint, and the wizard sets up the guest end to end") {
  vgpu::test::VgpudProcess vgpud; // the simulated backend
  WizardRig rig("guest");
  rig.addStubGpu();
  // The socket's directory as the helper sees it under the tree: the test user's, not writable by
  // others (the helper's owner rule for unix: endpoints).
  const QString socketDir = QFileInfo(QString::fromStdString(vgpud.socketPath)).path();
  rig.tree.makeDirectory(socketDir, 0700);
  vgpu::test::PrivateSystemdBus bus;
  INFO(bus.error().toStdString());
  REQUIRE(bus.isReady());
  qputenv("VGPU_HELPER_TEST_BUS", bus.address().toUtf8());

  InstallWizard wizard(rig.setup());
  QSignalSpy detected(&wizard, &InstallWizard::detected);
  wizard.show();
  REQUIRE(detected.wait(20000));
  next(wizard);
  REQUIRE(wizard.currentId() == InstallWizard::GuestPageId);
  CHECK(child<QLabel>(wizard, "guestStub")->text().contains(QStringLiteral("NVIDIA H100 PCIe")));
  CHECK(child<QComboBox>(wizard, "guestBackend")->currentData().toString() == QStringLiteral("remote"));
  CHECK(child<QLineEdit>(wizard, "guestEndpoint")->text() == QStringLiteral("unix:/run/vgpud.sock")); // the default
  auto* test = child<QPushButton>(wizard, "guestTestConnection");
  auto* result = child<QLabel>(wizard, "guestTestResult");
  QSignalSpy tested(&wizard, &InstallWizard::connectionTested);

  // Nobody listens there: the failure and what to do; Next stays blocked.
  const QString dead =
      QStringLiteral("unix:") +
      QString::fromStdString((vgpu::test::scratchDir("install-wizard-guest-dead") / "vgpud.sock").string());
  child<QLineEdit>(wizard, "guestEndpoint")->setText(dead);
  QTest::mouseClick(test, Qt::LeftButton);
  REQUIRE(tested.wait(10000));
  CHECK_FALSE(tested.first().at(0).toBool());
  CHECK(result->text().contains(QStringLiteral("Failed: cannot reach vgpud at %1").arg(dead)));
  CHECK(result->text().contains(QStringLiteral("What to do: vgpud is not running")));
  CHECK_FALSE(wizard.currentPage()->isComplete());
  CHECK_FALSE(wizard.button(QWizard::NextButton)->isEnabled());
  grabPage(wizard, "guest-failed", "en");
  auto* skip = child<QCheckBox>(wizard, "guestSkipTest");
  skip->setChecked(true);
  CHECK(wizard.currentPage()->isComplete()); // explicitly without a test
  skip->setChecked(false);

  // vgpud (sim) at its socket: hello answered with the device it serves.
  const QString endpoint = QString::fromStdString(vgpud.endpoint());
  child<QLineEdit>(wizard, "guestEndpoint")->setText(endpoint);
  CHECK_FALSE(wizard.currentPage()->isComplete());
  tested.clear();
  QTest::mouseClick(test, Qt::LeftButton);
  REQUIRE(tested.wait(10000));
  INFO(result->text().toStdString());
  REQUIRE(tested.first().at(0).toBool());
  CHECK(result->text().startsWith(QStringLiteral("Connected: vgpud ")));
  CHECK(result->text().contains(QStringLiteral("NVIDIA H100 PCIe")));
  CHECK(result->text().contains(QStringLiteral("GPU-")));
  CHECK(wizard.currentPage()->isComplete());
  grabPage(wizard, "guest-passed", "en");
  next(wizard);
  next(wizard); // Review

  const QString plan = child<QPlainTextEdit>(wizard, "reviewPlan")->toPlainText();
  CHECK(plan.contains(QStringLiteral("--- /dev/null")));
  CHECK(plan.contains(QStringLiteral("+++ b/etc/vgpu/shim.conf")));
  CHECK(plan.contains(QStringLiteral("+endpoint = %1").arg(endpoint)));
  CHECK(plan.contains(QStringLiteral("+Environment=\"LD_LIBRARY_PATH=%1\"").arg(kShimDir)));
  grabPage(wizard, "review-guest", "en");

  QSignalSpy applied(&wizard, &InstallWizard::applyFinished);
  next(wizard); // Apply
  REQUIRE(applied.wait(30000));
  INFO(stepTexts(child<QListWidget>(wizard, "applySteps")).join(u'\n').toStdString());
  REQUIRE(applied.first().first().toBool());
  CHECK(rig.applier->calls().first() ==
        QStringList{QStringLiteral("shim-config-set"), QStringLiteral("remote"), endpoint, QStringLiteral("-")});
  CHECK(vgpu::test::readFile(rig.path() / "etc/vgpu/shim.conf")
            .endsWith("backend = remote\nendpoint = " + endpoint.toUtf8() + "\n"));
  CHECK(vgpu::test::readFile(rig.path() / kDropIn.mid(1).toStdString()).contains("LD_LIBRARY_PATH"));

  QSignalSpy restarted(&wizard, &InstallWizard::restartFinished);
  next(wizard); // Restart
  REQUIRE(restarted.wait(30000));
  REQUIRE(restarted.first().first().toBool());
  QSignalSpy verdict(&wizard, &InstallWizard::verdictShown);
  next(wizard); // Verify
  if (verdict.isEmpty()) {
    REQUIRE(verdict.wait(15000));
  }
  CHECK(child<QLabel>(wizard, "verifyVerdict")->text().startsWith(QStringLiteral("GPU: ")));
  qunsetenv("VGPU_HELPER_TEST_BUS");
}

TEST_CASE("the Guest page's Test connection over tcp: a wrong token says so, the right one passes") {
  vgpu::test::TcpDaemon vgpud; // tcp:127.0.0.1:PORT with vgpu::test::kToken
  WizardRig rig("guest-tcp");
  rig.addStubGpu();
  rig.tree.writeFile(QStringLiteral("/etc/vgpu/token"), "not-the-token\n", 0600);
  // Pre-filled from shim.conf: the tcp endpoint and the token file (a system path under the tree).
  const QString endpoint = QStringLiteral("tcp:127.0.0.1:%1").arg(QString::fromStdString(vgpud.port));
  rig.tree.writeFile(QStringLiteral("/etc/vgpu/shim.conf"),
                     "backend = remote\nendpoint = " + endpoint.toUtf8() + "\ntoken_file = /etc/vgpu/token\n");

  InstallWizard wizard(rig.setup());
  QSignalSpy detected(&wizard, &InstallWizard::detected);
  wizard.show();
  REQUIRE(detected.wait(20000));
  next(wizard);
  REQUIRE(wizard.currentId() == InstallWizard::GuestPageId);
  CHECK(child<QLineEdit>(wizard, "guestEndpoint")->text() == endpoint);
  CHECK(child<QLineEdit>(wizard, "guestTokenFile")->text() == QStringLiteral("/etc/vgpu/token"));
  auto* test = child<QPushButton>(wizard, "guestTestConnection");
  auto* result = child<QLabel>(wizard, "guestTestResult");
  QSignalSpy tested(&wizard, &InstallWizard::connectionTested);

  QTest::mouseClick(test, Qt::LeftButton);
  REQUIRE(tested.wait(10000));
  INFO(result->text().toStdString());
  CHECK_FALSE(tested.first().at(0).toBool());
  CHECK(result->text().contains(QStringLiteral("refused the session: authentication failed")));
  CHECK(result->text().contains(QStringLiteral("What to do: Wrong token")));
  CHECK_FALSE(wizard.currentPage()->isComplete());
  grabPage(wizard, "guest-wrong-token", "en");

  rig.tree.writeFile(QStringLiteral("/etc/vgpu/token"), QByteArray::fromStdString(vgpu::test::kToken) + "\n", 0600);
  tested.clear();
  QTest::mouseClick(test, Qt::LeftButton);
  REQUIRE(tested.wait(10000));
  CHECK(tested.first().at(0).toBool());
  CHECK(result->text().contains(QStringLiteral("NVIDIA H100 PCIe")));
  CHECK(wizard.currentPage()->isComplete());
}
