// The Configuration page driven with QTest by objectName on the fake Ollama tree: the installation
// read-out (variant folders with status, a broken one and why), an invalid value refused with the
// validator's message and Apply disabled, a valid change applied with the exact helper verbs, the
// restart offer, undo by rollback, the review diff, which drop-in wins, keyboard order; apply and
// undo once more through the real vgpu-helper (test mode) on the tree, which must come back byte
// for byte; grabbed to PNG in English and German.
#include <catch2/catch.hpp>

#include "change_test_support.h"
#include "configuration_page.h"
#include "environment/variable_table.h"
#include "fake_ollama_tree.h"
#include "gui_test_support.h"
#include "private_systemd_bus.h"
#include "translations.h"

#include <QComboBox>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTranslator>
#include <QTreeWidget>

using vgpu::console::ConfigurationPage;
using vgpu::test::child;
using vgpu::test::FakeOllamaTree;
using vgpu::test::RecordingChangeApplier;

namespace {

const QString kDropInDir = QStringLiteral("/etc/systemd/system/ollama.service.d");

// The standard tree plus a broken variant symlink, a managed drop-in setting OLLAMA_DEBUG=1 and a
// later drop-in that overrides it.
FakeOllamaTree configuredTree(const std::string& name) {
  FakeOllamaTree tree(QString::fromStdString(vgpu::test::scratchDir("configuration-" + name).string()));
  tree.symlink(QStringLiteral("/usr/local/lib/ollama/rocm"), QStringLiteral("/opt/rocm-missing"));
  tree.writeDropIn(QStringLiteral("50-vgpu.conf"), "# Managed by vgpu\n[Service]\nEnvironment=\"OLLAMA_DEBUG=1\"\n");
  tree.writeDropIn(QStringLiteral("60-local.conf"), "[Service]\nEnvironment=\"OLLAMA_DEBUG=2\"\n");
  return tree;
}

// Waits for the page's next detection (or takes the one that already came).
void waitRefreshed(QSignalSpy& refreshed) {
  if (refreshed.isEmpty()) {
    REQUIRE(refreshed.wait(10000));
  }
  refreshed.clear();
}

QTreeWidgetItem* variantRow(QTreeWidget* variants, const QString& name) {
  for (int row = 0; row < variants->topLevelItemCount(); ++row) {
    if (variants->topLevelItem(row)->text(0) == name) {
      return variants->topLevelItem(row);
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("the Configuration page shows the installation, refuses an invalid value and applies a valid one") {
  const FakeOllamaTree tree = configuredTree("flow");
  auto applier = std::make_shared<RecordingChangeApplier>();
  ConfigurationPage page(tree.root(), applier, nullptr, QProcessEnvironment());
  QSignalSpy refreshed(&page, &ConfigurationPage::refreshed);
  page.show(); // the first show detects
  waitRefreshed(refreshed);

  // The installation.
  CHECK(child<QLabel>(page, "configBinary")->text().contains(QStringLiteral("/usr/local/bin/ollama")));
  CHECK(child<QLabel>(page, "configLibraryRoot")->text().startsWith(QStringLiteral("/usr/local/lib/ollama")));
  CHECK(child<QLabel>(page, "configUnitFile")->text().contains(kDropInDir + QStringLiteral("/60-local.conf")));
  auto* variants = child<QTreeWidget>(page, "configVariants");
  QTreeWidgetItem* cuda12 = variantRow(variants, QStringLiteral("cuda_v12"));
  REQUIRE(cuda12 != nullptr);
  CHECK(cuda12->text(1) == QStringLiteral("Used by Ollama"));
  CHECK_FALSE(cuda12->icon(1).isNull());
  CHECK(cuda12->text(3) == QStringLiteral("12.8.90"));
  QTreeWidgetItem* rocm = variantRow(variants, QStringLiteral("rocm"));
  REQUIRE(rocm != nullptr);
  CHECK(rocm->text(1) == QStringLiteral("Broken symlink"));
  CHECK_FALSE(rocm->text(4).isEmpty()); // why

  // OLLAMA_LLM_LIBRARY: Automatic plus the folders Ollama uses (not the broken one).
  auto* library = child<QComboBox>(page, "configLlmLibrary");
  QStringList choices;
  for (int index = 0; index < library->count(); ++index) {
    choices.append(library->itemData(index).toString());
  }
  CHECK(choices ==
        QStringList{QString(), QStringLiteral("cuda_v12"), QStringLiteral("cuda_v13"), QStringLiteral("vulkan")});
  CHECK(library->currentIndex() == 0);

  // Which file wins: the later drop-in overrides the managed one.
  auto* debug = child<QLineEdit>(page, "configValue_OLLAMA_DEBUG");
  CHECK(debug->text() == QStringLiteral("1"));
  const QString overrides = child<QLabel>(page, "configOverrides_OLLAMA_DEBUG")->text();
  CHECK(overrides.contains(QStringLiteral("In effect: 2 (from ") + kDropInDir + QStringLiteral("/60-local.conf:")));
  CHECK(overrides.contains(QStringLiteral("overridden by ") + kDropInDir + QStringLiteral("/60-local.conf:")));
  CHECK(child<QLabel>(page, "configFindings")->text().contains(QStringLiteral("OLLAMA_NUM_GPU")));

  auto* apply = child<QPushButton>(page, "configApply");
  auto* review = child<QPushButton>(page, "configReview");
  CHECK_FALSE(apply->isEnabled()); // nothing changed yet

  // An invalid value: the validator's message next to the field, Apply disabled.
  auto* overhead = child<QLineEdit>(page, "configValue_OLLAMA_GPU_OVERHEAD");
  overhead->setFocus();
  QTest::keyClicks(overhead, QStringLiteral("lots"));
  auto* message = child<QLabel>(page, "configMessage_OLLAMA_GPU_OVERHEAD");
  const QString expected = vgpu::controller::validateVariable(QStringLiteral("OLLAMA_GPU_OVERHEAD"),
                                                              QStringLiteral("lots"), &page.installation())
                               .error;
  REQUIRE_FALSE(expected.isEmpty());
  CHECK(message->isVisibleTo(&page));
  CHECK(message->text() == QStringLiteral("Refused: ") + expected);
  CHECK_FALSE(apply->isEnabled());
  CHECK_FALSE(review->isEnabled());
  QTest::mouseClick(apply, Qt::LeftButton);
  CHECK(applier->calls().isEmpty());

  // A valid value: no message, Apply enabled; Review shows the exact diff.
  overhead->clear();
  QTest::keyClicks(overhead, QStringLiteral("536870912"));
  CHECK(message->text().isEmpty());
  REQUIRE(apply->isEnabled());
  library->setCurrentIndex(library->findData(QStringLiteral("cuda_v13")));
  QTest::mouseClick(review, Qt::LeftButton);
  auto* dialog = child<QDialog>(page, "configReviewDialog");
  CHECK(dialog->isVisible());
  const QString diff = child<QPlainTextEdit>(*dialog, "configReviewText")->toPlainText();
  CHECK(diff.contains(QStringLiteral("+Environment=\"OLLAMA_GPU_OVERHEAD=536870912\"")));
  CHECK(diff.contains(QStringLiteral("+Environment=\"OLLAMA_LLM_LIBRARY=cuda_v13\"")));
  CHECK(diff.contains(QStringLiteral("--- a/etc/systemd/system/ollama.service.d/50-vgpu.conf")));
  CHECK(diff.contains(QStringLiteral("env-set OLLAMA_LLM_LIBRARY cuda_v13")));
  dialog->reject();

  // Apply: the exact verbs, in order, then the offer to restart.
  auto* restart = child<QPushButton>(page, "configRestart");
  CHECK_FALSE(restart->isEnabled());
  QSignalSpy applied(&page, &ConfigurationPage::applied);
  QTest::mouseClick(apply, Qt::LeftButton);
  REQUIRE(applied.wait(10000));
  REQUIRE(applier->calls() ==
          QList<QStringList>{
              {QStringLiteral("env-set"), QStringLiteral("OLLAMA_GPU_OVERHEAD"), QStringLiteral("536870912")},
              {QStringLiteral("env-set"), QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("cuda_v13")},
              {QStringLiteral("daemon-reload")}});
  auto* status = child<QLabel>(page, "configStatus");
  CHECK(status->text().contains(QStringLiteral("Restart ollama.service")));
  waitRefreshed(refreshed);
  REQUIRE(restart->isEnabled());

  // The restart offer runs restart-ollama through the same applier and shows the job's result.
  QSignalSpy restarted(&page, &ConfigurationPage::restarted);
  restart->setFocus();
  QTest::keyClick(restart, Qt::Key_Space); // keyboard reachable
  REQUIRE(restarted.wait(10000));
  CHECK(applier->calls().last() == QStringList{QStringLiteral("restart-ollama")});
  CHECK(status->text() == QStringLiteral("ollama.service restarted (job result: done)."));
  CHECK_FALSE(restart->isEnabled());

  // Undo: rollback of the transactions the helper returned, newest first, then daemon-reload.
  auto* undo = child<QPushButton>(page, "configUndo");
  REQUIRE(undo->isEnabled());
  QSignalSpy undone(&page, &ConfigurationPage::undone);
  QTest::mouseClick(undo, Qt::LeftButton);
  REQUIRE(undone.wait(10000));
  const QList<QStringList> calls = applier->calls();
  REQUIRE(calls.size() == 7);
  CHECK(calls[4] == QStringList{QStringLiteral("rollback"), QStringLiteral("20261126T103515802Z-2458f2")});
  CHECK(calls[5] == QStringList{QStringLiteral("rollback"), QStringLiteral("20261126T103515801Z-2458f2")});
  CHECK(calls[6] == QStringList{QStringLiteral("daemon-reload")});
  CHECK(status->text().startsWith(QStringLiteral("Undone: ")));
  waitRefreshed(refreshed);
  CHECK_FALSE(undo->isEnabled());
  CHECK(restart->isEnabled()); // the environment changed back: restart offered again
}

TEST_CASE("the Configuration page reports a failed apply with the helper's message") {
  const FakeOllamaTree tree = configuredTree("failed");
  auto applier = std::make_shared<RecordingChangeApplier>();
  applier->failVerb(QStringLiteral("env-unset"));
  ConfigurationPage page(tree.root(), applier, nullptr, QProcessEnvironment());
  QSignalSpy refreshed(&page, &ConfigurationPage::refreshed);
  page.refresh();
  waitRefreshed(refreshed);
  child<QLineEdit>(page, "configValue_OLLAMA_DEBUG")->clear(); // remove OLLAMA_DEBUG
  QSignalSpy applied(&page, &ConfigurationPage::applied);
  page.applyChanges();
  REQUIRE(applied.wait(10000));
  CHECK(applier->calls() == QList<QStringList>{{QStringLiteral("env-unset"), QStringLiteral("OLLAMA_DEBUG")}});
  CHECK(child<QLabel>(page, "configStatus")->text() == QStringLiteral("Failed: env-unset failed"));
  CHECK_FALSE(child<QPushButton>(page, "configUndo")->isEnabled());
  // The page re-reads the drop-in after the apply; what the admin typed survives it, and Apply is
  // still offered for a retry with the same edit.
  waitRefreshed(refreshed);
  CHECK(child<QLineEdit>(page, "configValue_OLLAMA_DEBUG")->text().isEmpty());
  CHECK(page.pendingChanges().size() == 1);
  auto* apply = child<QPushButton>(page, "configApply");
  REQUIRE(apply->isEnabled());
  applier->failVerb(QString());
  applied.clear();
  apply->click();
  REQUIRE(applied.wait(10000));
  CHECK(applier->calls().size() == 3); // the failed env-unset, then env-unset and daemon-reload
  CHECK(applier->calls().at(1) == QStringList{QStringLiteral("env-unset"), QStringLiteral("OLLAMA_DEBUG")});
}

TEST_CASE("every interactive widget of the Configuration page is named and the page is grabbed in English and German") {
  const FakeOllamaTree tree = configuredTree("png");
  for (const char* language : {"en", "de"}) {
    INFO(language);
    QTranslator* translator = nullptr;
    if (std::string(language) == "de") {
      translator = vgpu::console::installTranslation(*QCoreApplication::instance(), QLocale(QLocale::German));
      REQUIRE(translator != nullptr);
    }
    {
      ConfigurationPage page(tree.root(), std::make_shared<RecordingChangeApplier>(), nullptr, QProcessEnvironment());
      QSignalSpy refreshed(&page, &ConfigurationPage::refreshed);
      page.show();
      waitRefreshed(refreshed);
      for (QWidget* widget : page.findChildren<QWidget*>()) {
        if (widget->focusPolicy() == Qt::NoFocus || widget->objectName().startsWith(QStringLiteral("qt_"))) {
          continue;
        }
        INFO(widget->metaObject()->className());
        CHECK_FALSE(widget->objectName().isEmpty());
        CHECK_FALSE(widget->accessibleName().isEmpty());
      }
      if (translator != nullptr) {
        CHECK(child<QPushButton>(page, "configApply")->text() == QStringLiteral("&Anwenden"));
      }
      vgpu::test::grabToFile(page, "configuration-page-" + std::string(language) + ".png", QSize(1000, 900));
    }
    if (translator != nullptr) {
      QCoreApplication::removeTranslator(translator);
      delete translator;
    }
  }
}

TEST_CASE("the Configuration page's apply and undo through vgpu-helper restore the drop-in byte for byte") {
  const FakeOllamaTree tree = configuredTree("helper");
  vgpu::test::PrivateSystemdBus bus;
  INFO(bus.error().toStdString());
  REQUIRE(bus.isReady());
  qputenv("VGPU_HELPER_TEST_BUS", bus.address().toUtf8());
  const std::filesystem::path dropIn =
      std::filesystem::path(tree.root().toStdString()) / "etc/systemd/system/ollama.service.d/50-vgpu.conf";
  const QByteArray before = vgpu::test::readFile(dropIn);

  auto applier = std::make_shared<vgpu::console::HelperChangeApplier>(
      vgpu::controller::HelperLaunch{QStringLiteral(VGPU_HELPER_PATH), QString(), tree.root()});
  ConfigurationPage page(tree.root(), applier, nullptr, QProcessEnvironment());
  QSignalSpy refreshed(&page, &ConfigurationPage::refreshed);
  page.refresh();
  waitRefreshed(refreshed);

  auto* library = child<QComboBox>(page, "configLlmLibrary");
  library->setCurrentIndex(library->findData(QStringLiteral("cuda_v12")));
  const QByteArray planned = page.reviewPlan().newBytes;
  QSignalSpy applied(&page, &ConfigurationPage::applied);
  page.applyChanges();
  REQUIRE(applied.wait(30000));
  INFO(applied.first().first().toString().toStdString());
  CHECK(applied.first().first().toString().startsWith(QStringLiteral("Applied: ")));
  CHECK(vgpu::test::readFile(dropIn) == planned); // the review showed exactly what was written
  CHECK(bus.counters().value(QStringLiteral("Reload")).toInt() == 1);
  waitRefreshed(refreshed);
  CHECK(library->currentData().toString() == QStringLiteral("cuda_v12")); // read back from the file
  CHECK(page.pendingChanges().isEmpty());

  QSignalSpy undone(&page, &ConfigurationPage::undone);
  page.undoLastChange();
  REQUIRE(undone.wait(30000));
  INFO(undone.first().first().toString().toStdString());
  CHECK(undone.first().first().toString().startsWith(QStringLiteral("Undone: ")));
  CHECK(vgpu::test::readFile(dropIn) == before);
  waitRefreshed(refreshed);
  CHECK(library->currentIndex() == 0);
  qunsetenv("VGPU_HELPER_TEST_BUS");
}

TEST_CASE("the Configuration page is reachable by keyboard in table order") {
  const FakeOllamaTree tree = configuredTree("keyboard");
  ConfigurationPage page(tree.root(), std::make_shared<RecordingChangeApplier>(), nullptr, QProcessEnvironment());
  QStringList order;
  QWidget* widget = child<QWidget>(page, "configLlmLibrary");
  for (int step = 0; step < 60 && order.size() < 11; ++step) {
    if ((widget->focusPolicy() & Qt::TabFocus) != 0 && !widget->objectName().isEmpty()) {
      order.append(widget->objectName());
    }
    widget = widget->nextInFocusChain();
  }
  CHECK(order == QStringList{QStringLiteral("configLlmLibrary"), QStringLiteral("configValue_OLLAMA_DEBUG"),
                             QStringLiteral("configValue_CUDA_VISIBLE_DEVICES"),
                             QStringLiteral("configValue_OLLAMA_GPU_OVERHEAD"),
                             QStringLiteral("configValue_VGPU_ENDPOINT"), QStringLiteral("configValue_VGPU_LOG"),
                             QStringLiteral("configRefresh"), QStringLiteral("configReview"),
                             QStringLiteral("configApply"), QStringLiteral("configRestart"),
                             QStringLiteral("configUndo")});
}
