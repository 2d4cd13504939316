// The managed machine's inputs for the console's pages (see managed_machine.h).
#include "managed_machine.h"

#include "changes/helper_client.h"
#include "doctor/engine/check_table.h"
#include "doctor/engine/doctor_engine.h"
#include "doctor/logs/journal_log_input.h"
#include "journal/journal_reader.h"
#include "journal/plain_log_reader.h"

#include <QProcessEnvironment>

namespace vgpu::console {

QDBusConnection ManagedMachine::bus() const {
  if (busAddress.isEmpty()) {
    return QDBusConnection::systemBus();
  }
  // One named connection per address: every caller shares it, as they share the system bus.
  const QString name = QStringLiteral("vgpu-console-machine:") + busAddress;
  const QDBusConnection existing(name);
  return existing.isConnected() ? existing : QDBusConnection::connectToBus(busAddress, name);
}

controller::HelperLaunch ManagedMachine::helperLaunch() const {
  controller::HelperLaunch launch;
  if (!helperPath.isEmpty()) {
    launch.helperPath = helperPath;
    launch.testRoot = root;
  }
  return launch;
}

std::unique_ptr<controller::LogSource> ManagedMachine::openLog(QString* error) const {
  if (logFile.isEmpty()) {
    return controller::JournalReader::openSystem(error);
  }
  return std::make_unique<controller::PlainLogReader>(logFile);
}

controller::doctor::DoctorContext ManagedMachine::doctorContext() const {
  controller::doctor::DoctorContext context;
  context.root = root;
  context.sysfsRoot = sysfsRoot;
  // A demo machine's processes are not this machine's: the runtime checks skip without a proc tree.
  if (!isThisMachine()) {
    context.procRoot = root + QStringLiteral("/proc");
  }
  controller::doctor::gatherSystemInputs(context, isThisMachine() ? QProcessEnvironment::systemEnvironment()
                                                                  : QProcessEnvironment());
  return context;
}

controller::doctor::DoctorReport ManagedMachine::runDoctor() const {
  controller::doctor::DoctorContext context = doctorContext();
  context.ollamaLog = logFile.isEmpty() ? controller::doctor::serviceJournalLog()
                                        : controller::doctor::DoctorContext::readOllamaLog(logFile);
  context.unitStatus = controller::doctor::readOllamaUnitStatus(bus());
  return controller::doctor::runDoctor(controller::doctor::doctorChecks(), context);
}

} // namespace vgpu::console
