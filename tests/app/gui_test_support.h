// Shared by the console's GUI tests: finding a widget by objectName (the test fails when it is
// missing), grabbing a widget to a PNG in the test output's screenshots folder, and a recording
// ChangeApplier that answers as vgpu-helper does.
#pragma once

#include "change_applier.h"
#include "test_paths.h"

#include <QApplication>
#include <QMutex>
#include <QWidget>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

namespace Catch {
template <> struct StringMaker<QString> {
  static std::string convert(const QString& value) { return '"' + value.toStdString() + '"'; }
};
template <> struct StringMaker<QStringList> {
  static std::string convert(const QStringList& value) { return '[' + value.join(u',').toStdString() + ']'; }
};
} // namespace Catch

namespace vgpu::test {

template <typename T> T* child(QObject& parent, const char* name) {
  T* widget = parent.findChild<T*>(QString::fromLatin1(name));
  INFO(name);
  REQUIRE(widget != nullptr);
  return widget;
}

inline void grabToFile(QWidget& widget, const std::string& name, QSize size = QSize(1000, 700)) {
  widget.resize(size);
  widget.show();
  QApplication::processEvents();
  const auto path = outputDir() / "screenshots" / name;
  std::filesystem::create_directories(path.parent_path());
  REQUIRE(widget.grab().save(QString::fromStdString(path.string()), "PNG"));
  REQUIRE(std::filesystem::file_size(path) > 1000);
}

// Records every verb; answers success with a transaction id for the verbs that change files and
// a "done" job for the systemd verbs, as vgpu-helper does. `failVerb` makes that verb fail.
class RecordingChangeApplier : public console::ChangeApplier {
public:
  controller::HelperReply run(const controller::HelperCommand& command) override {
    QMutexLocker lock(&mutex_);
    calls_.append(command.commandLine());
    controller::HelperReply reply;
    const QString verb = command.verbName();
    reply.ok = verb != failVerb_;
    reply.exitCode = reply.ok ? 0 : 1;
    reply.message = QStringLiteral("%1 %2").arg(verb, reply.ok ? QStringLiteral("done") : QStringLiteral("failed"));
    if (verb.startsWith(QLatin1String("env-")) || verb == QLatin1String("install")) {
      reply.data.insert(QStringLiteral("transaction"),
                        QStringLiteral("20261126T1035158%1Z-2458f2").arg(calls_.size(), 2, 10, QLatin1Char('0')));
    }
    if (verb == QLatin1String("restart-ollama") || verb == QLatin1String("daemon-reload")) {
      reply.data.insert(
          QStringLiteral("job"),
          QJsonObject{{QStringLiteral("result"), reply.ok ? QStringLiteral("done") : QStringLiteral("failed")}});
    }
    return reply;
  }
  QList<QStringList> calls() {
    QMutexLocker lock(&mutex_);
    return calls_;
  }
  void failVerb(const QString& verb) {
    QMutexLocker lock(&mutex_);
    failVerb_ = verb;
  }

private:
  QMutex mutex_;
  QList<QStringList> calls_;
  QString failVerb_;
};

} // namespace vgpu::test
