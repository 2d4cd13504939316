// vgpu-console entry point.
#include "console_startup.h"
#include "main_window.h"
#include "translations.h"

#include <QApplication>
#include <QTextStream>
#include <cstdio>

int main(int argc, char** argv) {
  if (const auto message = vgpu::console::missingDisplayMessage(QProcessEnvironment::systemEnvironment())) {
    std::fputs(message->toLocal8Bit().constData(), stderr);
    return 2;
  }
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("vgpu-console"));
  QApplication::setOrganizationName(QStringLiteral("vgpu"));
  QApplication::setApplicationVersion(QStringLiteral(VGPU_CONSOLE_VERSION));
  vgpu::console::installTranslation(app, QLocale());

  vgpu::console::MainWindow window;
  window.show();
  return QApplication::exec();
}
