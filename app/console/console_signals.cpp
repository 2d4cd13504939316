// The self-pipe for termination signals (console_signals.h).
#include "console_signals.h"

#include <QSocketNotifier>
#include <QTextStream>
#include <cerrno>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace vgpu::console {
namespace {

int signalWriteEnd = -1; // written by the handler only

void onTerminationSignal(int number) {
  const auto byte = static_cast<unsigned char>(number);
  const int saved = errno;
  static_cast<void>(::write(signalWriteEnd, &byte, 1) == 1);
  errno = saved;
}

} // namespace

bool quitOnTerminationSignals(QCoreApplication& application) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair) != 0) {
    return false;
  }
  signalWriteEnd = pair[0];
  auto* notifier = new QSocketNotifier(pair[1], QSocketNotifier::Read, &application);
  QObject::connect(notifier, &QSocketNotifier::activated, &application, [readEnd = pair[1]] {
    unsigned char number = 0;
    while (::read(readEnd, &number, 1) == 1) {
      QTextStream(stderr) << "vgpu-console: signal " << number << ": closing\n";
      QCoreApplication::quit();
    }
  });
  struct sigaction action {};
  action.sa_handler = onTerminationSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  bool installed = true;
  for (int number : {SIGTERM, SIGINT, SIGHUP}) {
    installed = ::sigaction(number, &action, nullptr) == 0 && installed;
  }
  return installed;
}

} // namespace vgpu::console
