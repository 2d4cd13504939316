// Loads the console's compiled-in translation for a locale.
#pragma once

#include <QLocale>

class QCoreApplication;
class QTranslator;

namespace vgpu::console {

// Installs the translation matching `locale` (falls back to English). Returns the translator
// installed, owned by `app`, or nullptr when English is used.
QTranslator* installTranslation(QCoreApplication& app, const QLocale& locale);

} // namespace vgpu::console
