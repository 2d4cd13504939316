// The console's Service and Diagnostics pages driven with QTest by objectName: the Service page
// against fake-systemd1 on a private bus and a saved journalctl log, the Diagnostics page on the
// fake Ollama tree with a recording ChangeApplier; each page grabbed to PNG in English and German.
#include <catch2/catch.hpp>

#include "change_applier.h"
#include "diagnostics_page.h"
#include "doctor/engine/check_table.h"
#include "doctor/engine/doctor_engine.h"
#include "fake_ollama_tree.h"
#include "gui_test_support.h"
#include "journal/plain_log_reader.h"
#include "journal_view.h"
#include "override_consent.h"
#include "private_systemd_bus.h"
#include "service_page.h"
#include "test_paths.h"
#include "translations.h"

#include <QApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMutex>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextBrowser>
#include <QTranslator>
#include <QTreeWidget>

using vgpu::console::DiagnosticsPage;
using vgpu::console::JournalView;
using vgpu::console::ServicePage;
namespace doctor = vgpu::controller::doctor;

namespace {

template <typename T> T* child(QWidget& parent, const char* name) {
  T* widget = parent.findChild<T*>(QString::fromLatin1(name));
  INFO(name);
  REQUIRE(widget != nullptr);
  return widget;
}

void grabToFile(QWidget& widget, const std::string& name) {
  widget.resize(1000, 700);
  widget.show();
  QApplication::processEvents();
  const auto path = vgpu::test::outputDir() / "screenshots" / name;
  std::filesystem::create_directories(path.parent_path());
  REQUIRE(widget.grab().save(QString::fromStdString(path.string()), "PNG"));
  REQUIRE(std::filesystem::file_size(path) > 1000);
}

QString logFixture() {
  return QString::fromStdString((vgpu::test::dataDir() / "ollama-logs" / "era-a-h100-gpu.log").string());
}

int visibleLines(QListWidget* lines) {
  int visible = 0;
  for (int row = 0; row < lines->count(); ++row) {
    visible += lines->item(row)->isHidden() ? 0 : 1;
  }
  return visible;
}

// Records every remedy the page asks to apply; answers as vgpu-helper does on success.
class RecordingApplier : public vgpu::console::ChangeApplier {
public:
  vgpu::controller::HelperReply run(const vgpu::controller::HelperCommand& command) override {
    QMutexLocker lock(&mutex_);
    calls_.append(command.commandLine());
    vgpu::controller::HelperReply reply;
    reply.exitCode = 0;
    reply.ok = true;
    reply.message = QStringLiteral("unset OLLAMA_NUM_GPU");
    return reply;
  }
  QList<QStringList> calls() {
    QMutexLocker lock(&mutex_);
    return calls_;
  }

private:
  QMutex mutex_;
  QList<QStringList> calls_;
};

// The doctor over the fake Ollama tree, whose override.conf sets OLLAMA_NUM_GPU (a warning with
// an env-unset remedy), plus the GPU log fixture.
DiagnosticsPage::DoctorRun fakeTreeDoctor(const QString& root) {
  return [root] {
    doctor::DoctorContext context;
    context.root = root;
    doctor::gatherSystemInputs(context, QProcessEnvironment());
    context.ollamaLog = doctor::DoctorContext::readOllamaLog(logFixture());
    return doctor::runDoctor(doctor::doctorChecks(), context);
  };
}

QTreeWidgetItem* itemWithTooltip(QTreeWidget* tree, const QString& id) {
  for (int row = 0; row < tree->topLevelItemCount(); ++row) {
    if (tree->topLevelItem(row)->toolTip(0) == id) {
      return tree->topLevelItem(row);
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("the Service page shows the unit, restarts it with the job's result and filters the journal") {
  vgpu::test::PrivateSystemdBus bus;
  REQUIRE(bus.isReady());
  vgpu::controller::SystemdManager manager(bus.connection());
  // A copy of the fixture, so the test can append to it while the page follows the log.
  const auto scratch = vgpu::test::scratchDir("console-service");
  const QString logPath = QString::fromStdString((scratch / "ollama.log").string());
  REQUIRE(QFile::copy(logFixture(), logPath));
  REQUIRE(QFile::setPermissions(logPath, QFile::ReadOwner | QFile::WriteOwner));
  vgpu::controller::PlainLogReader logs(logPath);
  logs.setPollInterval(50);
  ServicePage page(&manager);
  page.show();
  page.start(&logs);

  auto* state = child<QLabel>(page, "serviceState");
  auto* subState = child<QLabel>(page, "serviceSubState");
  QTRY_COMPARE_WITH_TIMEOUT(state->text(), QStringLiteral("active"), 5000);
  CHECK(subState->text() == QStringLiteral("running"));

  QSignalSpy jobs(&page, &ServicePage::jobFinished);
  auto* restart = child<QPushButton>(page, "serviceRestart");
  restart->setFocus();
  QTest::keyClick(restart, Qt::Key_Space); // keyboard reachable, not only by mouse
  REQUIRE(jobs.wait(5000));
  auto* result = child<QLabel>(page, "serviceResult");
  CHECK(result->text() == QStringLiteral("restart of ollama.service finished: done"));
  CHECK(bus.counters().value(QStringLiteral("RestartUnit")).toInt() == 1);
  auto* mainPid = child<QLabel>(page, "serviceMainPid");
  QTRY_VERIFY_WITH_TIMEOUT(mainPid->text().toUInt() > 0, 5000);
  CHECK(child<QLabel>(page, "serviceUptime")->text().contains(u':'));

  REQUIRE(bus.setJobResult(QStringLiteral("ollama.service"), QStringLiteral("failed")));
  QTest::mouseClick(child<QPushButton>(page, "serviceStop"), Qt::LeftButton);
  REQUIRE(jobs.wait(5000));
  CHECK(result->text().startsWith(QStringLiteral("stop of ollama.service failed: ")));

  // The journal: discovery lines carry the marker; the filter hides the rest.
  auto* lines = child<QListWidget>(page, "journalLines");
  REQUIRE(lines->count() > 10);
  int discovery = 0;
  for (int row = 0; row < lines->count(); ++row) {
    const QString text = lines->item(row)->text();
    if (text.startsWith(JournalView::discoveryMarker())) {
      ++discovery;
      CHECK(lines->item(row)->font().bold());
    }
    if (text.contains(QStringLiteral("inference compute"))) {
      CHECK(text.startsWith(JournalView::discoveryMarker()));
    }
    if (text.contains(QStringLiteral("total blobs"))) {
      CHECK_FALSE(text.startsWith(JournalView::discoveryMarker()));
    }
  }
  CHECK(discovery > 0);
  CHECK(discovery < lines->count());

  auto* filter = child<QLineEdit>(page, "journalFilter");
  QTest::keyClicks(filter, QStringLiteral("INFERENCE compute"));
  const int visible = visibleLines(lines);
  CHECK(visible >= 1);
  CHECK(visible < lines->count());
  for (int row = 0; row < lines->count(); ++row) {
    if (!lines->item(row)->isHidden()) {
      CHECK(lines->item(row)->text().contains(QStringLiteral("inference compute")));
    }
  }
  filter->clear();
  CHECK(visibleLines(lines) == lines->count());

  // Following: a line appended to the log appears, marked when it is a discovery line.
  const int before = lines->count();
  QFile log(logPath);
  REQUIRE(log.open(QIODevice::Append));
  log.write("Jan 14 07:31:10 guest-vm ollama[1088]: time=2026-01-14T07:31:10.000Z level=INFO source=routes.go:1638 "
            "msg=\"inference compute\" id=GPU-1 library=CUDA compute=9.0 name=CUDA0 total=\"79.6 GiB\"\n");
  log.close();
  QTRY_COMPARE_WITH_TIMEOUT(lines->count(), before + 1, 5000);
  CHECK(lines->item(before)->text().startsWith(JournalView::discoveryMarker()));
}

TEST_CASE("the Service page retries a restart systemd refuses through vgpu-helper, and reports a stop it refuses") {
  vgpu::test::PrivateSystemdBusOptions options;
  options.denyJobs = true; // systemd answers as polkit does for an unprivileged admin
  vgpu::test::PrivateSystemdBus bus(options);
  REQUIRE(bus.isReady());
  vgpu::controller::SystemdManager manager(bus.connection());
  auto applier = std::make_shared<vgpu::test::RecordingChangeApplier>();
  ServicePage page(&manager, applier);
  page.show();
  QSignalSpy jobs(&page, &ServicePage::jobFinished);
  auto* result = child<QLabel>(page, "serviceResult");

  QTest::mouseClick(child<QPushButton>(page, "serviceRestart"), Qt::LeftButton);
  REQUIRE(jobs.wait(5000));
  CHECK(bus.counters().value(QStringLiteral("RestartUnit")).toInt() == 1); // the direct attempt came first
  REQUIRE(applier->calls() == QList<QStringList>{{QStringLiteral("restart-ollama")}});
  CHECK(result->text() == QStringLiteral("restart of ollama.service finished through vgpu-helper: done"));
  CHECK(child<QPushButton>(page, "serviceRestart")->isEnabled());

  // Stop is not a helper verb: the refusal is the answer, and the helper is not asked.
  QTest::mouseClick(child<QPushButton>(page, "serviceStop"), Qt::LeftButton);
  REQUIRE(jobs.wait(5000));
  CHECK(result->text().startsWith(QStringLiteral("stop of ollama.service failed: ")));
  CHECK(applier->calls().size() == 1);

  // The helper's own failure is shown as such.
  applier->failVerb(QStringLiteral("restart-ollama"));
  QTest::mouseClick(child<QPushButton>(page, "serviceRestart"), Qt::LeftButton);
  REQUIRE(jobs.wait(5000));
  CHECK(result->text() ==
        QStringLiteral("restart of ollama.service failed through vgpu-helper: restart-ollama failed"));
}

TEST_CASE("the Service page is reachable by keyboard in a sensible order") {
  vgpu::test::PrivateSystemdBus bus;
  REQUIRE(bus.isReady());
  vgpu::controller::SystemdManager manager(bus.connection());
  ServicePage page(&manager);
  QStringList order;
  QWidget* widget = child<QWidget>(page, "serviceStart");
  for (int step = 0; step < 40 && order.size() < 5; ++step) {
    if ((widget->focusPolicy() & Qt::TabFocus) != 0 && !widget->objectName().isEmpty()) {
      order.append(widget->objectName());
    }
    widget = widget->nextInFocusChain();
  }
  CHECK(order == QStringList{QStringLiteral("serviceStart"), QStringLiteral("serviceStop"),
                             QStringLiteral("serviceRestart"), QStringLiteral("journalFilter"),
                             QStringLiteral("journalLines")});
}

TEST_CASE("the Diagnostics page runs the doctor on a fake tree, applies a fix and exports the report") {
  const auto scratch = vgpu::test::scratchDir("console-diagnostics");
  vgpu::test::FakeOllamaTree tree(QString::fromStdString((scratch / "root").string()));
  auto applier = std::make_shared<RecordingApplier>();
  DiagnosticsPage page(fakeTreeDoctor(tree.root()), applier);
  page.show();

  auto* apply = child<QPushButton>(page, "diagnosticsApplyFix");
  auto* exportButton = child<QPushButton>(page, "diagnosticsExport");
  CHECK_FALSE(apply->isEnabled());
  CHECK_FALSE(exportButton->isEnabled());
  QString error;
  CHECK_FALSE(page.exportReport(QString::fromStdString((scratch / "early.md").string()), &error));
  CHECK_FALSE(error.isEmpty());

  QSignalSpy finished(&page, &DiagnosticsPage::finished);
  QTest::mouseClick(child<QPushButton>(page, "diagnosticsRun"), Qt::LeftButton);
  REQUIRE(finished.wait(20000));

  auto* results = child<QTreeWidget>(page, "diagnosticsTree");
  REQUIRE(results->topLevelItemCount() == page.report().entries.size());
  REQUIRE(results->topLevelItemCount() > 5);
  CHECK(exportButton->isEnabled());

  QTreeWidgetItem* numGpu = itemWithTooltip(results, QStringLiteral("service.num-gpu"));
  REQUIRE(numGpu != nullptr);
  CHECK(numGpu->text(1) == QStringLiteral("Warning"));
  CHECK_FALSE(numGpu->icon(1).isNull());
  QStringList children;
  for (int row = 0; row < numGpu->childCount(); ++row) {
    children.append(numGpu->child(row)->text(0));
  }
  INFO(children.join(u'\n').toStdString());
  CHECK(children.filter(QStringLiteral("Evidence: ")).size() >= 1);
  CHECK(children.filter(QStringLiteral("Remedy: ")).size() == 1);
  CHECK(children.filter(QStringLiteral("vgpu-helper env-unset OLLAMA_NUM_GPU")).size() == 1);

  // A passing check has no remedy action: no fix to apply.
  QTreeWidgetItem* passing = nullptr;
  for (int row = 0; row < results->topLevelItemCount(); ++row) {
    if (page.report().entries[row].result.status == doctor::CheckStatus::Pass) {
      passing = results->topLevelItem(row);
    }
  }
  REQUIRE(passing != nullptr);
  results->setCurrentItem(passing);
  CHECK_FALSE(apply->isEnabled());

  results->setCurrentItem(numGpu->child(0)); // a child selects its check too
  REQUIRE(apply->isEnabled());
  // The tree's rows are elided; the details pane carries the whole remedy.
  CHECK(child<QTextBrowser>(page, "diagnosticsDetails")
            ->toPlainText()
            .contains(QStringLiteral("vgpu-helper env-unset OLLAMA_NUM_GPU")));
  QSignalSpy applied(&page, &DiagnosticsPage::fixApplied);
  QTest::mouseClick(apply, Qt::LeftButton);
  REQUIRE(applied.wait(5000));
  REQUIRE(applier->calls().size() == 1);
  CHECK(applier->calls().first() == QStringList{QStringLiteral("env-unset"), QStringLiteral("OLLAMA_NUM_GPU")});
  CHECK(child<QLabel>(page, "diagnosticsSummary")->text().contains(QStringLiteral("applied")));

  const QString jsonPath = QString::fromStdString((scratch / "report.json").string());
  REQUIRE(page.exportReport(jsonPath, &error));
  QFile json(jsonPath);
  REQUIRE(json.open(QIODevice::ReadOnly));
  const QJsonObject exported = QJsonDocument::fromJson(json.readAll()).object();
  CHECK(exported == doctor::reportToJson(page.report()));
  const QString markdownPath = QString::fromStdString((scratch / "report.md").string());
  REQUIRE(page.exportReport(markdownPath, &error));
  QFile markdown(markdownPath);
  REQUIRE(markdown.open(QIODevice::ReadOnly));
  CHECK(QString::fromUtf8(markdown.readAll()) == doctor::reportToMarkdown(page.report()));
  CHECK_FALSE(page.exportReport(QString::fromStdString((scratch / "missing" / "report.md").string()), &error));
}

TEST_CASE("a fix that edits the admin's own drop-in asks first: declined changes nothing, agreed applies it") {
  const auto scratch = vgpu::test::scratchDir("console-consent");
  vgpu::test::FakeOllamaTree tree(QString::fromStdString((scratch / "root").string()));
  const QString shimDir = vgpu::controller::installedShimDir();
  tree.writeDropIn(QStringLiteral("50-vgpu.conf"),
                   "# Managed by vgpu\n[Service]\nEnvironment=\"LD_LIBRARY_PATH=" + shimDir.toUtf8() + "\"\n");
  tree.writeDropIn(QStringLiteral("override.conf"), "[Service]\nEnvironment=\"LD_LIBRARY_PATH=/opt/cuda/lib64\"\n");
  auto applier = std::make_shared<RecordingApplier>();
  DiagnosticsPage page(fakeTreeDoctor(tree.root()), applier);
  QList<vgpu::controller::HelperCommand> asked;
  bool agree = false;
  page.setConsent([&](const vgpu::controller::HelperCommand& command) {
    asked.append(command);
    return agree;
  });
  page.show();
  QSignalSpy finished(&page, &DiagnosticsPage::finished);
  page.runDiagnostics();
  REQUIRE(finished.wait(20000));
  QTreeWidgetItem* overrides = itemWithTooltip(page.tree(), QStringLiteral("service.managed-overrides"));
  REQUIRE(overrides != nullptr);
  page.tree()->setCurrentItem(overrides);
  auto* apply = child<QPushButton>(page, "diagnosticsApplyFix");
  REQUIRE(apply->isEnabled());

  // Declined: the helper is never asked.
  QTest::mouseClick(apply, Qt::LeftButton);
  REQUIRE(asked.size() == 1);
  CHECK(asked.first().verb == vgpu::controller::HelperVerb::OverrideResolve);
  CHECK(applier->calls().isEmpty());
  CHECK(child<QLabel>(page, "diagnosticsSummary")->text().contains(QStringLiteral("not applied")));

  // What the admin is shown: the file that is not ours, the exact diff and the value afterwards.
  vgpu::console::ManagedMachine machine;
  machine.root = tree.root();
  machine.helperPath = QStringLiteral("/nonexistent/vgpu-helper"); // a test tree, not this machine
  const auto question = vgpu::console::consentQuestionFor(machine, asked.first());
  REQUIRE(question.has_value());
  INFO(question->refusal.toStdString());
  CHECK(question->refusal.isEmpty());
  CHECK(question->text.contains(QStringLiteral("/etc/systemd/system/ollama.service.d/override.conf")));
  CHECK(question->diff.contains(QStringLiteral("-Environment=\"LD_LIBRARY_PATH=/opt/cuda/lib64\"")));
  CHECK(question->effective == QStringLiteral("LD_LIBRARY_PATH=") + shimDir + QStringLiteral(":/opt/cuda/lib64"));
  CHECK_FALSE(vgpu::console::consentQuestionFor(
                  machine, vgpu::controller::HelperCommand::envUnset(QStringLiteral("OLLAMA_NUM_GPU")))
                  .has_value());

  // Agreed: the same command goes to the helper.
  agree = true;
  QSignalSpy applied(&page, &DiagnosticsPage::fixApplied);
  QTest::mouseClick(apply, Qt::LeftButton);
  REQUIRE(applied.wait(5000));
  REQUIRE(applier->calls().size() == 1);
  CHECK(applier->calls().first() == asked.first().commandLine());

  // The file changed after the admin was shown it: the question becomes a refusal.
  tree.writeDropIn(QStringLiteral("override.conf"), "[Service]\nEnvironment=\"LD_LIBRARY_PATH=/opt/other\"\n");
  const auto stale = vgpu::console::consentQuestionFor(machine, asked.first());
  REQUIRE(stale.has_value());
  CHECK_FALSE(stale->refusal.isEmpty());
}

TEST_CASE("the Service and Diagnostics pages are grabbed to PNG in English and German") {
  const auto scratch = vgpu::test::scratchDir("console-pages-png");
  vgpu::test::FakeOllamaTree tree(QString::fromStdString((scratch / "root").string()));
  vgpu::test::PrivateSystemdBus bus;
  REQUIRE(bus.isReady());
  for (const char* language : {"en", "de"}) {
    INFO(language);
    QTranslator* translator = nullptr;
    if (std::string(language) == "de") {
      translator = vgpu::console::installTranslation(*QCoreApplication::instance(), QLocale(QLocale::German));
      REQUIRE(translator != nullptr);
    }
    {
      vgpu::controller::SystemdManager manager(bus.connection());
      vgpu::controller::PlainLogReader logs(logFixture());
      ServicePage service(&manager);
      service.show();
      service.start(&logs);
      auto* state = child<QLabel>(service, "serviceState");
      QTRY_COMPARE_WITH_TIMEOUT(state->text(), QStringLiteral("active"), 5000);
      grabToFile(service, "service-page-" + std::string(language) + ".png");

      DiagnosticsPage diagnostics(fakeTreeDoctor(tree.root()), std::make_shared<RecordingApplier>());
      QSignalSpy finished(&diagnostics, &DiagnosticsPage::finished);
      diagnostics.runDiagnostics();
      REQUIRE(finished.wait(20000));
      auto* run = child<QPushButton>(diagnostics, "diagnosticsRun");
      if (translator != nullptr) {
        CHECK(run->text() == QStringLiteral("Diagnose a&usführen"));
        CHECK(child<QPushButton>(service, "serviceRestart")->text() == QStringLiteral("&Neu starten"));
      } else {
        CHECK(run->text() == QStringLiteral("R&un diagnostics"));
      }
      grabToFile(diagnostics, "diagnostics-page-" + std::string(language) + ".png");
    }
    if (translator != nullptr) {
      QCoreApplication::removeTranslator(translator);
      delete translator;
    }
  }
}
