// The embedded default's folder and process (see demo_session.h).
#include "demo_session.h"

#include "telemetry/telemetry_snapshot.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QTextStream>
#include <array>
#include <cerrno>
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>
#include <utility>

namespace vgpu::console {

namespace {

// The stub the demo presents: an H100 PCIe (10de:2331, 3D controller), as the field report's
// hypervisor names it (tests/data/sysfs/one-stub.devices).
constexpr unsigned kVendor = 0x10de;
constexpr unsigned kDevice = 0x2331;
constexpr unsigned kClass = 0x030200;
constexpr unsigned kSubVendor = 0x10de;
constexpr unsigned kSubDevice = 0x16c1;
constexpr unsigned kRevision = 0xa1;

QByteArray hexLine(unsigned value, int digits) {
  return QByteArray("0x") + QByteArray::number(value, 16).rightJustified(digits, '0') + '\n';
}

// A 64-byte PCI configuration header (type 0), what libpci reads from sysfs.
QByteArray configHeader() {
  std::array<char, 64> bytes{};
  const auto put16 = [&](std::size_t at, unsigned value) {
    bytes[at] = static_cast<char>(value & 0xffU);
    bytes[at + 1] = static_cast<char>((value >> 8U) & 0xffU);
  };
  put16(0x00, kVendor);
  put16(0x02, kDevice);
  put16(0x06, 0x0010);
  bytes[0x08] = static_cast<char>(kRevision);
  bytes[0x09] = static_cast<char>(kClass & 0xffU);
  bytes[0x0a] = static_cast<char>((kClass >> 8U) & 0xffU);
  bytes[0x0b] = static_cast<char>((kClass >> 16U) & 0xffU);
  put16(0x2c, kSubVendor);
  put16(0x2e, kSubDevice);
  return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

bool writeFile(const QString& path, const QByteArray& contents, QString* error) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(contents) != contents.size()) {
    *error = DemoSession::tr("Cannot write %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

QString fromEnvironmentOr(const char* variable, const QString& fallback) {
  const QString value = qEnvironmentVariable(variable);
  return value.isEmpty() ? fallback : value;
}

} // namespace

DemoPrograms locateDemoPrograms() {
  DemoPrograms programs;
#ifdef VGPU_BUILD_SHIM_DIR
  programs.shimLibraryDirectory = QStringLiteral(VGPU_BUILD_SHIM_DIR);
#endif
#ifdef VGPU_BUILD_DEMO_WORKLOAD
  programs.workload = QStringLiteral(VGPU_BUILD_DEMO_WORKLOAD);
#endif
#ifdef VGPU_BUILD_VGPUD
  programs.vgpud = QStringLiteral(VGPU_BUILD_VGPUD);
#endif
#ifdef VGPU_BUILD_DEMO_MACHINE
  programs.machine = QStringLiteral(VGPU_BUILD_DEMO_MACHINE);
#endif
#ifdef VGPU_BUILD_HELPER
  programs.helper = QStringLiteral(VGPU_BUILD_HELPER);
#endif
  for (auto [variable, program] :
       {std::pair{"VGPU_DEMO_MACHINE", &programs.machine}, std::pair{"VGPU_DEMO_HELPER", &programs.helper}}) {
    *program = fromEnvironmentOr(variable, *program);
    if (!QFileInfo(*program).isExecutable()) {
      program->clear();
    }
  }
  programs.vgpud = fromEnvironmentOr("VGPU_DEMO_VGPUD", programs.vgpud);
  if (!QFileInfo(programs.vgpud).isExecutable()) {
    programs.vgpud.clear();
  }
  programs.shimLibraryDirectory = fromEnvironmentOr("VGPU_DEMO_SHIM_DIR", programs.shimLibraryDirectory);
  programs.workload = fromEnvironmentOr("VGPU_DEMO_WORKLOAD", programs.workload);
  if (!QFileInfo::exists(programs.shimLibraryDirectory + QStringLiteral("/libcuda.so.1"))) {
    programs.shimLibraryDirectory.clear();
  }
  if (!QFileInfo(programs.workload).isExecutable()) {
    programs.workload.clear();
  }
  return programs;
}

bool demoWanted(const QStringList& runtimeDirectories, const QString& vgpudSocket, QString* reason) {
  if (!vgpudSocket.isEmpty() && QFileInfo::exists(vgpudSocket)) {
    *reason = DemoSession::tr("vgpud is running (%1)").arg(vgpudSocket);
    return false;
  }
  if (!runtimeDirectories.isEmpty()) {
    const auto snapshot = controller::telemetry::snapshotAll(runtimeDirectories, std::chrono::milliseconds(1500));
    if (!snapshot.processes.isEmpty()) {
      *reason =
          DemoSession::tr("%n process(es) already use the shim", nullptr, static_cast<int>(snapshot.processes.size()));
      return false;
    }
  }
  return true;
}

namespace {

constexpr const char* kFolderPattern = "vgpu-demo-";
constexpr const char* kOwnerFile = "console.pid";

// In the demo's children, between fork and exec: they get SIGTERM when the console dies, however
// it dies (SIGKILL included), so no demo process outlives it. Async-signal-safe calls only.
void dieWithConsole() {
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
}

bool processAlive(qint64 pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH);
}

} // namespace

int DemoSession::reclaimStaleFolders() {
  int reclaimed = 0;
  const QDir temporary(QDir::tempPath());
  const auto entries = temporary.entryInfoList({QString::fromLatin1(kFolderPattern) + QLatin1Char('*')},
                                               QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks | QDir::Hidden);
  for (const QFileInfo& entry : entries) {
    // Only this user's folders, and only those a console left behind: it wrote its pid there and
    // is gone (killed before it could remove the folder).
    if (entry.ownerId() != ::getuid()) {
      continue;
    }
    QFile owner(entry.filePath() + QLatin1Char('/') + QString::fromLatin1(kOwnerFile));
    if (!owner.open(QIODevice::ReadOnly)) {
      continue;
    }
    bool ok = false;
    const qint64 pid = owner.read(32).trimmed().toLongLong(&ok);
    if (ok && !processAlive(pid) && QDir(entry.filePath()).removeRecursively()) {
      ++reclaimed;
    }
  }
  return reclaimed;
}

DemoSession::DemoSession(DemoPrograms programs, QObject* parent) : QObject(parent), programs_(std::move(programs)) {
  workload_.setChildProcessModifier(dieWithConsole);
  vgpud_.setChildProcessModifier(dieWithConsole);
  machineProcess_.setChildProcessModifier(dieWithConsole);
  workload_.setProcessChannelMode(QProcess::MergedChannels);
  connect(&workload_, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus) {
    emit workloadFinished(exitCode, QString::fromLocal8Bit(workload_.readAll()));
  });
}

DemoSession::~DemoSession() {
  stop();
}

bool DemoSession::writeDeviceTree(QString* error) {
  const QString device = folder_->filePath(QStringLiteral("sysfs/bus/pci/devices/0000:00:05.0"));
  if (!QDir().mkpath(device)) {
    *error = tr("Cannot create %1").arg(device);
    return false;
  }
  const QString config = folder_->filePath(QStringLiteral("shim.conf"));
  const QString machineId = folder_->filePath(QStringLiteral("machine-id"));
  return writeFile(device + QStringLiteral("/vendor"), hexLine(kVendor, 4), error) &&
         writeFile(device + QStringLiteral("/device"), hexLine(kDevice, 4), error) &&
         writeFile(device + QStringLiteral("/class"), hexLine(kClass, 6), error) &&
         writeFile(device + QStringLiteral("/subsystem_vendor"), hexLine(kSubVendor, 4), error) &&
         writeFile(device + QStringLiteral("/subsystem_device"), hexLine(kSubDevice, 4), error) &&
         writeFile(device + QStringLiteral("/config"), configHeader(), error) &&
         writeFile(machineId, "7667707564656d6f7667707564656d6f\n", error) && // "vgpudemo" twice, in hex
         writeFile(config,
                   "# The console's demo: one simulated H100 PCIe on a private PCI tree.\n" +
                       (vgpudEndpoint_.isEmpty() ? QByteArray("backend = sim\n")
                                                 : "backend = remote\nendpoint = " + vgpudEndpoint_.toUtf8() + "\n") +
                       "sysfs_root = " + folder_->filePath(QStringLiteral("sysfs")).toUtf8() +
                       "\nmachine_id_file = " + machineId.toUtf8() + "\n",
                   error);
}

bool DemoSession::startVgpud(QString* error) {
  const QString socket = folder_->filePath(QStringLiteral("vgpud.sock"));
  vgpud_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
  // The management socket in the same folder: the Hosts page watches it in demo mode.
  const QString adminSocket = folder_->filePath(QStringLiteral("admin.sock"));
  vgpud_.start(programs_.vgpud,
               {QStringLiteral("--listen"), QStringLiteral("unix:") + socket, QStringLiteral("--backend"),
                QStringLiteral("sim"), QStringLiteral("--admin-listen"), QStringLiteral("unix:") + adminSocket});
  if (!vgpud_.waitForStarted(5000)) {
    *error = tr("Cannot start %1: %2").arg(programs_.vgpud, vgpud_.errorString());
    return false;
  }
  // vgpud creates its socket once it listens; the workload's cuInit must not race it.
  for (int waited = 0; waited < 5000 && !QFileInfo::exists(socket); waited += 20) {
    if (vgpud_.waitForFinished(20)) {
      *error = tr("vgpud exited with status %1 before listening").arg(vgpud_.exitCode());
      return false;
    }
  }
  if (!QFileInfo::exists(socket)) {
    *error = tr("vgpud did not create %1 within 5 s").arg(socket);
    vgpud_.kill();
    vgpud_.waitForFinished(1000);
    return false;
  }
  vgpudEndpoint_ = QStringLiteral("unix:") + socket;
  adminEndpoint_ = QStringLiteral("unix:") + adminSocket;
  return true;
}

// The demo machine prints its bus address, then "ready" once fake-systemd1 owns its name.
bool DemoSession::startMachine(QString* error) {
  if (programs_.machine.isEmpty() || programs_.helper.isEmpty()) {
    *error = tr("vgpu-demo-machine or vgpu-helper was not found (they are built with the tests: scripts/dev build)");
    return false;
  }
  const QString root = folder_->filePath(QStringLiteral("machine"));
  machineProcess_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
  machineProcess_.start(programs_.machine,
                        {QStringLiteral("--root"), root, QStringLiteral("--shim-dir"), programs_.shimLibraryDirectory});
  QString address;
  QElapsedTimer clock;
  clock.start();
  while (clock.elapsed() < 20000 && machineProcess_.state() != QProcess::NotRunning) {
    if (!machineProcess_.canReadLine() && !machineProcess_.waitForReadyRead(100)) {
      continue;
    }
    const QString line = QString::fromUtf8(machineProcess_.readLine()).trimmed();
    if (line.startsWith(QLatin1String("address "))) {
      address = line.mid(8);
    } else if (line == QLatin1String("ready") && !address.isEmpty()) {
      // The demo guest's shim configuration is the machine's /etc/vgpu/shim.conf: the doctor and
      // the header then find the demo's vgpud (or its simulated device) where a guest's would be.
      if (!QDir().mkpath(root + QStringLiteral("/etc/vgpu")) ||
          !QFile::copy(folder_->filePath(QStringLiteral("shim.conf")), root + QStringLiteral("/etc/vgpu/shim.conf"))) {
        *error = tr("Cannot write %1").arg(root + QStringLiteral("/etc/vgpu/shim.conf"));
        break;
      }
      ManagedMachine machine;
      machine.root = root;
      machine.sysfsRoot = folder_->filePath(QStringLiteral("sysfs"));
      machine.busAddress = address;
      machine.helperPath = programs_.helper;
      machine.logFile = root + QStringLiteral("/var/log/ollama/demo.log");
      machine.demo = true;
      machine_ = machine;
      return true;
    }
  }
  if (error->isEmpty()) {
    *error = tr("%1 did not become ready within 20 s").arg(programs_.machine);
  }
  machineProcess_.kill();
  machineProcess_.waitForFinished(1000);
  return false;
}

bool DemoSession::start(const QString& runtimeDirectory, QString* error) {
  if (programs_.workload.isEmpty() || programs_.shimLibraryDirectory.isEmpty()) {
    *error = tr("The demo workload or the shim library was not found (build them with scripts/dev build, or set "
                "VGPU_DEMO_WORKLOAD and VGPU_DEMO_SHIM_DIR).");
    return false;
  }
  folder_ = std::make_unique<QTemporaryDir>(QDir::tempPath() + QLatin1Char('/') + QString::fromLatin1(kFolderPattern) +
                                            QStringLiteral("XXXXXX"));
  if (!folder_->isValid()) {
    *error = tr("Cannot create the demo folder: %1").arg(folder_->errorString());
    return false;
  }
  // Who owns the folder: a later console reclaims it if this one is killed before removing it.
  if (!writeFile(folder_->filePath(QString::fromLatin1(kOwnerFile)), QByteArray::number(::getpid()) + '\n', error)) {
    return false;
  }
  if (!programs_.vgpud.isEmpty()) {
    QString why;
    if (!startVgpud(&why)) {
      // The demo still works, on the shim's in-process simulated device; the console says why.
      QTextStream(stderr) << "vgpu-console: demo without vgpud: " << why << "\n";
    }
  }
  if (!writeDeviceTree(error)) {
    return false;
  }
  if (!startMachine(&machineError_)) {
    // The dashboard's demo still works; the other pages then show this machine, as without --demo.
    QTextStream(stderr) << "vgpu-console: demo without its Ollama machine: " << machineError_ << "\n";
  }
  runtimeDirectory_ = runtimeDirectory;
  if (runtimeDirectory_.isEmpty()) {
    runtimeDirectory_ = folder_->filePath(QStringLiteral("run"));
    QDir().mkpath(runtimeDirectory_);
    QFile::setPermissions(runtimeDirectory_, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
  }
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  const QString libraryPath = environment.value(QStringLiteral("LD_LIBRARY_PATH"));
  environment.insert(QStringLiteral("LD_LIBRARY_PATH"),
                     libraryPath.isEmpty() ? programs_.shimLibraryDirectory
                                           : programs_.shimLibraryDirectory + QLatin1Char(':') + libraryPath);
  environment.insert(QStringLiteral("VGPU_CONFIG"), folder_->filePath(QStringLiteral("shim.conf")));
  environment.insert(QStringLiteral("VGPU_RUNTIME_DIR"), runtimeDirectory_);
  for (const char* variable : {"VGPU_SYSFS_ROOT", "VGPU_MACHINE_ID_FILE", "VGPU_BACKEND", "VGPU_ENDPOINT",
                               "VGPU_PROFILE", "VGPU_MATCH", "VGPU_TELEMETRY"}) {
    environment.remove(QString::fromLatin1(variable)); // the demo's configuration file decides
  }
  workload_.setProcessEnvironment(environment);
  workload_.start(programs_.workload, {});
  if (!workload_.waitForStarted(5000)) {
    *error = tr("Cannot start %1: %2").arg(programs_.workload, workload_.errorString());
    return false;
  }
  return true;
}

void DemoSession::stop() {
  // The workload first: it frees its allocations in vgpud before vgpud goes.
  for (QProcess* process : {&workload_, &vgpud_, &machineProcess_}) {
    if (process->state() == QProcess::NotRunning) {
      continue;
    }
    process->terminate();
    if (!process->waitForFinished(3000)) {
      process->kill();
      process->waitForFinished(1000);
    }
  }
}

bool DemoSession::running() const {
  return workload_.state() != QProcess::NotRunning;
}

qint64 DemoSession::machinePid() const {
  return machineProcess_.processId();
}

qint64 DemoSession::workloadPid() const {
  return workload_.processId();
}

} // namespace vgpu::console
