// Gathering a machine's doctor inputs for the console. A journal that cannot be read (the user is
// not in systemd-journal/adm) is kept as the log input's readError, so the log checks skip with it.
#include "machine_doctor.h"

#include "doctor/engine/check_table.h"
#include "doctor/engine/doctor_engine.h"
#include "doctor/logs/journal_log_input.h"

#include <QDBusConnection>
#include <QProcessEnvironment>

namespace vgpu::console {

controller::doctor::DoctorReport runDoctorOnThisMachine() {
  controller::doctor::DoctorContext context;
  gatherSystemInputs(context, QProcessEnvironment::systemEnvironment());
  context.ollamaLog = controller::doctor::serviceJournalLog();
  context.unitStatus = controller::doctor::readOllamaUnitStatus(QDBusConnection::systemBus());
  return controller::doctor::runDoctor(controller::doctor::doctorChecks(), context);
}

} // namespace vgpu::console
