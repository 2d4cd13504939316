// The console's main window, constructed offscreen and grabbed to PNG in English and German.
#include <catch2/catch.hpp>

#include "configuration_page.h"
#include "console_help.h"
#include "dashboard_page.h"
#include "diagnostics_page.h"
#include "gui_test_support.h"
#include "hosts_page.h"
#include "main_window.h"
#include "service_page.h"
#include "test_paths.h"
#include "translations.h"

#include <QAction>
#include <QApplication>
#include <QDesktopServices>
#include <QDialog>
#include <QImage>
#include <QLabel>
#include <QPixmap>
#include <QSettings>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QTextBrowser>
#include <QToolBar>
#include <QTranslator>
#include <qcustomplot.h>

using vgpu::console::MainWindow;

namespace {

QImage grabToFile(QWidget& widget, const std::string& name) {
  widget.show();
  QApplication::processEvents();
  const QPixmap pixmap = widget.grab();
  const auto path = vgpu::test::outputDir() / "screenshots" / name;
  std::filesystem::create_directories(path.parent_path());
  REQUIRE(pixmap.save(QString::fromStdString(path.string()), "PNG"));
  REQUIRE(std::filesystem::file_size(path) > 1000);
  return pixmap.toImage();
}

// A blank grab has one colour everywhere; a rendered window has text, frames and a plot.
int distinctColours(const QImage& image) {
  QSet<QRgb> colours;
  for (int y = 0; y < image.height(); y += 4) {
    for (int x = 0; x < image.width(); x += 4) {
      colours.insert(image.pixel(x, y));
    }
  }
  return static_cast<int>(colours.size());
}

} // namespace

TEST_CASE("the main window opens with its dashboard and is grabbed to PNG") {
  MainWindow window;
  CHECK(window.windowTitle() == QStringLiteral("vgpu console"));
  auto* pages = window.findChild<QTabWidget*>(QStringLiteral("pages"));
  REQUIRE(pages != nullptr);
  CHECK(pages->currentWidget() == window.dashboard());
  // Dashboard, Processes, Hosts, Service, Diagnostics, Configuration.
  REQUIRE(pages->count() == 6);
  CHECK(pages->indexOf(window.hostsPage()) == 2);
  CHECK(pages->indexOf(window.servicePage()) == 3);
  CHECK(pages->indexOf(window.diagnosticsPage()) == 4);
  CHECK(pages->indexOf(window.configurationPage()) == 5);
  REQUIRE(window.installAction() != nullptr);
  CHECK(window.installAction()->objectName() == QStringLiteral("installAction"));
  CHECK_FALSE(window.servicePage()->isStarted()); // the bus and journal are touched only when shown
  auto* emptyState = window.findChild<QLabel*>(QStringLiteral("dashboardEmptyState"));
  REQUIRE(emptyState != nullptr);
  CHECK(emptyState->text().contains(QStringLiteral("LD_LIBRARY_PATH")));
  REQUIRE(window.findChild<QCustomPlot*>(QStringLiteral("vramPlot")) != nullptr);

  const QImage image = grabToFile(window, "main-window-en.png");

  // Showing the Service page starts it on this machine's system bus and journal: whatever they
  // answer (no bus in a container, a real systemd elsewhere), the state leaves "reading…".
  pages->setCurrentWidget(window.servicePage());
  CHECK(window.servicePage()->isStarted());
  auto* state = window.findChild<QLabel*>(QStringLiteral("serviceState"));
  REQUIRE(state != nullptr);
  QTRY_VERIFY_WITH_TIMEOUT(state->text() != QStringLiteral("reading…"), 15000);
  CHECK(image.width() >= 800);
  CHECK(distinctColours(image) > 10);
}

TEST_CASE("the main window is translated to German") {
  QTranslator* translator = vgpu::console::installTranslation(*QCoreApplication::instance(), QLocale(QLocale::German));
  REQUIRE(translator != nullptr);
  {
    MainWindow window;
    CHECK(window.windowTitle() == QStringLiteral("vgpu-Konsole"));
    auto* pages = window.findChild<QTabWidget*>(QStringLiteral("pages"));
    REQUIRE(pages != nullptr);
    CHECK(pages->tabText(0) == QStringLiteral("Übersicht"));
    CHECK(pages->tabText(pages->indexOf(window.servicePage())) == QStringLiteral("Dienst"));
    CHECK(pages->tabText(pages->indexOf(window.diagnosticsPage())) == QStringLiteral("Diagnose"));
    CHECK(pages->tabText(pages->indexOf(window.configurationPage())) == QStringLiteral("Konfiguration"));
    grabToFile(window, "main-window-de.png");
  }
  QCoreApplication::removeTranslator(translator);
  delete translator;
}

TEST_CASE("every interactive widget of the main window has an objectName and accessibleName") {
  MainWindow window;
  for (QWidget* widget : window.findChildren<QWidget*>()) {
    if (widget->focusPolicy() == Qt::NoFocus || widget->objectName().startsWith(QStringLiteral("qt_"))) {
      continue;
    }
    // Widgets Qt creates inside composite widgets (tab bar, scroll areas) carry no name of ours.
    if (widget->parentWidget() != nullptr && widget->parentWidget()->inherits("QTabWidget") &&
        widget->inherits("QTabBar")) {
      continue;
    }
    INFO(widget->metaObject()->className());
    CHECK_FALSE(widget->objectName().isEmpty());
    CHECK_FALSE(widget->accessibleName().isEmpty());
  }
}

TEST_CASE("the main window keeps its size, toolbar layout and page between runs, and ignores a damaged file") {
  const auto scratch = vgpu::test::outputDir() / "main-window-layout";
  std::filesystem::remove_all(scratch);
  std::filesystem::create_directories(scratch);
  vgpu::console::ConsoleOptions options;
  options.watchProcesses = false;
  options.watchHosts = false;
  options.watchStatus = false;
  options.rememberLayout = true;
  options.settingsFile = QString::fromStdString((scratch / "console.conf").string());
  QSize closedAt;
  {
    MainWindow window(options);
    window.resize(1300, 900); // not the default 1100 x 720, and above the window's minimum size
    window.show();
    window.pages()->setCurrentWidget(window.hostsPage());
    QApplication::processEvents();
    closedAt = window.size();
    REQUIRE(window.close());
  }
  REQUIRE(closedAt != QSize(1100, 720));
  {
    MainWindow window(options);
    CHECK(window.size() == closedAt);
    window.show();
    QApplication::processEvents();
    CHECK(window.pages()->currentWidget() == window.hostsPage());
    window.pages()->setCurrentWidget(window.diagnosticsPage());
    REQUIRE(window.close());
  }
  {
    MainWindow window(options);
    CHECK(window.pages()->currentWidget() == window.diagnosticsPage());
  }
  // Without rememberLayout (tests, embedders) nothing is read or written.
  options.rememberLayout = false;
  {
    MainWindow window(options);
    CHECK(window.pages()->currentWidget() == window.dashboard());
    CHECK(window.size() == QSize(1100, 720));
  }
  // A damaged file: values that do not restore leave the defaults.
  {
    QSettings damaged(options.settingsFile, QSettings::IniFormat);
    damaged.setValue(QStringLiteral("window/geometry"), QByteArray("not a geometry"));
    damaged.setValue(QStringLiteral("window/state"), QByteArray("\x01\x02"));
    damaged.setValue(QStringLiteral("window/page"), QStringLiteral("noSuchPage"));
  }
  options.rememberLayout = true;
  MainWindow window(options);
  CHECK(window.pages()->currentWidget() == window.dashboard());
  CHECK(window.size() == QSize(1100, 720));
}

TEST_CASE("the menu bar: File, View with a shortcut per page, Help with documentation, shortcuts and About") {
  vgpu::console::ConsoleOptions options;
  options.watchProcesses = false;
  options.watchHosts = false;
  options.watchStatus = false;
  MainWindow window(options);
  window.show();
  auto action = [&window](const char* name) { return vgpu::test::child<QAction>(window, name); };
  CHECK(action("quitAction")->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_Q));
  CHECK(action("refreshStatusAction")->shortcut() == QKeySequence(Qt::Key_F5));
  CHECK(action("documentationAction")->shortcut() == QKeySequence(Qt::Key_F1));
  for (int index = 0; index < window.pages()->count(); ++index) {
    const QString name = QStringLiteral("showPage_") + window.pages()->widget(index)->objectName();
    QAction* show = window.findChild<QAction*>(name);
    INFO(name.toStdString());
    REQUIRE(show != nullptr);
    CHECK(show->shortcut() == QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + index)));
    show->trigger();
    CHECK(window.pages()->currentIndex() == index);
  }
  // The toolbar's button says what it does, not only an icon.
  CHECK(vgpu::test::child<QToolBar>(window, "mainToolBar")->toolButtonStyle() == Qt::ToolButtonTextBesideIcon);

  // Documentation opens this build's docs folder (a URL handler stands in for the desktop).
  QTextBrowser opened;
  QDesktopServices::setUrlHandler(QStringLiteral("file"), &opened, "setSource");
  action("documentationAction")->trigger();
  QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
  CHECK(opened.source() == vgpu::console::documentationUrl());
  CHECK(opened.source().isLocalFile());
}

TEST_CASE("the documentation is the installed folder, else the source tree's docs, else online") {
  const auto scratch = vgpu::test::scratchDir("console-docs");
  const QString installed = QString::fromStdString((scratch / "installed").string());
  const QString project = QString::fromStdString((scratch / "project").string());
  const QUrl online = vgpu::console::documentationUrl(installed, project);
  CHECK(online.scheme() == QStringLiteral("https"));
  std::filesystem::create_directories(scratch / "project");
  CHECK(vgpu::console::documentationUrl(installed, project) == QUrl::fromLocalFile(project));
  std::filesystem::create_directories(scratch / "installed");
  CHECK(vgpu::console::documentationUrl(installed, project) == QUrl::fromLocalFile(installed));
}

TEST_CASE("the keyboard shortcuts dialog lists every action with a shortcut, read from the actions") {
  vgpu::console::ConsoleOptions options;
  options.watchProcesses = false;
  options.watchHosts = false;
  options.watchStatus = false;
  MainWindow window(options);
  // An action added later, as a future feature would: the dialog lists it without being told.
  auto* extra = new QAction(QStringLiteral("E&xtra feature"), &window);
  extra->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
  window.addAction(extra);
  int withShortcut = 0;
  for (const QAction* each : window.findChildren<QAction*>()) {
    withShortcut += each->shortcut().isEmpty() ? 0 : 1;
  }
  vgpu::test::child<QAction>(window, "shortcutsAction")->trigger();
  auto* dialog = vgpu::test::child<QDialog>(window, "shortcutsDialog");
  auto* table = vgpu::test::child<QTableWidget>(*dialog, "shortcutsTable");
  CHECK(table->rowCount() == withShortcut);
  QStringList rows;
  for (int row = 0; row < table->rowCount(); ++row) {
    rows.append(table->item(row, 0)->text() + QStringLiteral(" = ") + table->item(row, 1)->text());
  }
  INFO(rows.join(u'\n').toStdString());
  CHECK(rows.contains(QStringLiteral("Quit = Ctrl+Q")));
  CHECK(rows.contains(QStringLiteral("Show Dashboard = Ctrl+1")));
  CHECK(rows.contains(QStringLiteral("Refresh status = F5")));
  CHECK(rows.contains(QStringLiteral("Documentation = F1")));
  CHECK(rows.contains(QStringLiteral("Extra feature = Ctrl+Shift+X")));
  dialog->close();
}

TEST_CASE("About names the version, Qt, QCustomPlot and the license") {
  const QString text = vgpu::console::aboutText();
  CHECK(text.contains(QStringLiteral("vgpu-console ")));
  CHECK(text.contains(QStringLiteral(QT_VERSION_STR)));
  CHECK(text.contains(QStringLiteral("QCustomPlot 2.1")));
  CHECK(text.contains(QStringLiteral("License")));
}
