// SIGTERM, SIGINT and SIGHUP close the console as closing its window does: the event loop ends,
// every destructor runs (the demo's vgpud and workload are stopped, its folder removed). The
// handler only writes the signal number to a socket pair (async-signal-safe); a QSocketNotifier
// on the other end quits the application on the event loop's thread.
#pragma once

#include <QCoreApplication>

namespace vgpu::console {

// Installs the handlers for the application's lifetime. False when the socket pair or a handler
// cannot be set up (the console then keeps the default actions).
bool quitOnTerminationSignals(QCoreApplication& application);

} // namespace vgpu::console
