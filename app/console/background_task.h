// runInBackground(): runs one blocking piece of work (a doctor run, a vgpu-helper call that may
// wait on a polkit dialog) on its own thread and hands the result back on the GUI thread, so the
// console's pages stay responsive. Qt Concurrent is not a dependency of the console, and one
// short-lived QThread per request is all these pages need.
#pragma once

#include <QObject>
#include <QPointer>
#include <QThread>
#include <functional>
#include <memory>

namespace vgpu::console {

// `done` runs on `receiver`'s thread after `work` returns, unless `receiver` was destroyed first.
template <typename Result>
void runInBackground(QObject* receiver, std::function<Result()> work, std::function<void(const Result&)> done) {
  auto result = std::make_shared<Result>();
  QThread* thread = QThread::create([result, work = std::move(work)] { *result = work(); });
  QPointer<QObject> guard(receiver);
  QObject::connect(thread, &QThread::finished, receiver, [result, guard, done = std::move(done)] {
    if (guard) {
      done(*result);
    }
  });
  // Its own connection: when the receiver is gone first, the one above is dropped with it, and
  // the thread object must still go.
  QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
  thread->start();
}

} // namespace vgpu::console
