// The Help menu's content, apart from the window: where the documentation is (installed, the
// source tree, or online), the About text, and the keyboard shortcuts dialog built from the
// window's own actions so it lists exactly what the menus and toolbars offer.
#pragma once

#include <QString>
#include <QUrl>

class QDialog;
class QWidget;

namespace vgpu::console {

// The first folder that exists of `installedDocs` (the package's doc folder) and `projectDocs`
// (the source tree's docs/), as a file URL; otherwise the project's online README.
QUrl documentationUrl(const QString& installedDocs, const QString& projectDocs);
// The same with the folders this build knows (VGPU_INSTALLED_DOCS_DIR, VGPU_SOURCE_DOCS_DIR).
QUrl documentationUrl();

// Rich text for the About box: version, Qt, QCustomPlot, license, what the console is for.
QString aboutText();

// A dialog (objectName "shortcutsDialog") listing every QAction under `window` that has a
// shortcut: its text without mnemonics and the shortcut in the platform's notation.
QDialog* createShortcutsDialog(QWidget* window);

} // namespace vgpu::console
