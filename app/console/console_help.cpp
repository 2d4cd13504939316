// The Help menu's content: documentation location, About text, shortcuts dialog (console_help.h).
#include "console_help.h"

#include <QAction>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QHeaderView>
#include <QTableWidget>
#include <QVBoxLayout>
#include <qcustomplot.h>

#ifndef VGPU_CONSOLE_VERSION
#define VGPU_CONSOLE_VERSION "unknown"
#endif
#ifndef VGPU_INSTALLED_DOCS_DIR
#define VGPU_INSTALLED_DOCS_DIR ""
#endif
#ifndef VGPU_SOURCE_DOCS_DIR
#define VGPU_SOURCE_DOCS_DIR ""
#endif

namespace vgpu::console {

// The translation context of the free functions below.
class ConsoleHelp {
  Q_DECLARE_TR_FUNCTIONS(ConsoleHelp)
};

QUrl documentationUrl(const QString& installedDocs, const QString& projectDocs) {
  for (const QString& folder : {installedDocs, projectDocs}) {
    if (!folder.isEmpty() && QDir(folder).exists()) {
      return QUrl::fromLocalFile(folder);
    }
  }
  return QUrl(QStringLiteral("https://github.com/vgpu/vgpu#readme"));
}

QUrl documentationUrl() {
  return documentationUrl(QStringLiteral(VGPU_INSTALLED_DOCS_DIR), QStringLiteral(VGPU_SOURCE_DOCS_DIR));
}

QString aboutText() {
  QStringList lines;
  lines.append(QStringLiteral("<h3>vgpu-console %1</h3>").arg(QStringLiteral(VGPU_CONSOLE_VERSION)));
  lines.append(ConsoleHelp::tr("<p>The desktop face of vgpu: live telemetry of the processes using the vgpu shim, "
                               "the vgpud hosts, the Ollama service, diagnostics with remedies and the shim's "
                               "configuration. Every change to the system goes through vgpu-helper under polkit.</p>"));
  lines.append(ConsoleHelp::tr("<p>Built with Qt %1 (running on Qt %2) and QCustomPlot %3.</p>")
                   .arg(QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion()),
                        QStringLiteral(QCUSTOMPLOT_VERSION_STR)));
  // debian/copyright: the project has not chosen a license yet, so none is claimed here.
  lines.append(ConsoleHelp::tr("<p>License: none granted yet; all rights reserved by the vgpu maintainers. "
                               "Qt is used under the LGPL v3, QCustomPlot under the GPL v3.</p>"));
  return lines.join(QString());
}

QDialog* createShortcutsDialog(QWidget* window) {
  auto* dialog = new QDialog(window);
  dialog->setObjectName(QStringLiteral("shortcutsDialog"));
  dialog->setWindowTitle(ConsoleHelp::tr("Keyboard shortcuts"));
  auto* table = new QTableWidget(0, 2, dialog);
  table->setObjectName(QStringLiteral("shortcutsTable"));
  table->setAccessibleName(ConsoleHelp::tr("Keyboard shortcuts"));
  table->setHorizontalHeaderLabels({ConsoleHelp::tr("Action"), ConsoleHelp::tr("Shortcut")});
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->verticalHeader()->hide();
  table->horizontalHeader()->setStretchLastSection(true);
  // Read from the actions at the moment the dialog opens: a new action or a changed shortcut
  // shows up without anyone editing a list.
  for (const QAction* action : window->findChildren<QAction*>()) {
    if (action->shortcut().isEmpty()) {
      continue;
    }
    const int row = table->rowCount();
    table->insertRow(row);
    table->setItem(row, 0, new QTableWidgetItem(QString(action->text()).remove(QLatin1Char('&'))));
    table->setItem(row, 1, new QTableWidgetItem(action->shortcut().toString(QKeySequence::NativeText)));
  }
  table->resizeColumnsToContents();
  auto* layout = new QVBoxLayout(dialog);
  layout->addWidget(table);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
  buttons->setObjectName(QStringLiteral("shortcutsButtons"));
  buttons->setAccessibleName(ConsoleHelp::tr("Close"));
  QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
  layout->addWidget(buttons);
  dialog->resize(480, 360);
  return dialog;
}

} // namespace vgpu::console
