// Translation loading from the resources that qt_add_translations() embeds under :/i18n.
#include "translations.h"

#include <QCoreApplication>
#include <QTranslator>

namespace vgpu::console {

QTranslator* installTranslation(QCoreApplication& app, const QLocale& locale) {
  auto* translator = new QTranslator(&app);
  if (translator->load(locale, QStringLiteral("vgpu"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
    QCoreApplication::installTranslator(translator);
    return translator;
  }
  delete translator;
  return nullptr;
}

} // namespace vgpu::console
