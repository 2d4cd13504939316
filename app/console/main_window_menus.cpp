// The main window's menu bar (File, View, Help) and the toolbar's text labels: kept apart from
// main_window.cpp so the window's assembly and its desktop furniture change independently.
#include "main_window.h"

#include "change_applier.h"
#include "console_help.h"

#include <QAction>
#include <QDesktopServices>
#include <QDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QTabWidget>
#include <QToolBar>

namespace vgpu::console {

namespace {

QAction* namedAction(QMenu* menu, const QString& text, const char* objectName, const QKeySequence& shortcut = {}) {
  QAction* action = menu->addAction(text);
  action->setObjectName(QString::fromLatin1(objectName));
  action->setShortcut(shortcut);
  return action;
}

} // namespace

void MainWindow::buildMenus() {
  menuBar()->setObjectName(QStringLiteral("menuBar"));
  menuBar()->setAccessibleName(tr("Menu bar"));
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->setObjectName(QStringLiteral("fileMenu"));
  file->setAccessibleName(tr("File menu"));
  file->addAction(installAction_);
  file->addSeparator();
  // Ctrl+Q spelled out: QKeySequence::Quit is empty where the platform theme defines no binding.
  QAction* quit = namedAction(file, tr("&Quit"), "quitAction", QKeySequence(Qt::CTRL | Qt::Key_Q));
  // close() and not qApp->quit(): the window's layout is saved on close (closeEvent).
  connect(quit, &QAction::triggered, this, &QWidget::close);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  view->setObjectName(QStringLiteral("viewMenu"));
  view->setAccessibleName(tr("View menu"));
  for (int index = 0; index < pages_->count(); ++index) {
    QWidget* page = pages_->widget(index);
    QAction* show = view->addAction(tr("Show %1").arg(pages_->tabText(index).remove(QLatin1Char('&'))));
    show->setObjectName(QStringLiteral("showPage_") + page->objectName());
    if (index < 9) {
      show->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + index)));
    }
    connect(show, &QAction::triggered, this, [this, page] { pages_->setCurrentWidget(page); });
  }
  view->addSeparator();
  QAction* refresh = namedAction(view, tr("&Refresh status"), "refreshStatusAction", QKeySequence::Refresh);
  connect(refresh, &QAction::triggered, this, &MainWindow::refreshStatus);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->setObjectName(QStringLiteral("helpMenu"));
  help->setAccessibleName(tr("Help menu"));
  QAction* docs = namedAction(help, tr("&Documentation"), "documentationAction", QKeySequence::HelpContents);
  connect(docs, &QAction::triggered, this, [] { QDesktopServices::openUrl(documentationUrl()); });
  QAction* keys = namedAction(help, tr("&Keyboard shortcuts…"), "shortcutsAction");
  connect(keys, &QAction::triggered, this, [this] {
    QDialog* dialog = createShortcutsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
  });
  QAction* about = namedAction(help, tr("&About vgpu-console"), "aboutAction");
  connect(about, &QAction::triggered, this,
          [this] { QMessageBox::about(this, tr("About vgpu-console"), aboutText()); });

  gateInstallAction();
  // An icon alone does not say what the install button does.
  if (auto* tools = findChild<QToolBar*>(QStringLiteral("mainToolBar"))) {
    tools->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  }
}

// The wizard installs through vgpu-helper under pkexec, as the pages' Apply does: without pkexec
// or polkit it could only fail at its last step, so it is not offered, and the tooltip says why.
void MainWindow::gateInstallAction() {
  const PrivilegeCheck check = applier_->privileges();
  installAction_->setEnabled(check.ok());
  if (!check.ok()) {
    installAction_->setToolTip(check.problem());
  }
}

} // namespace vgpu::console
