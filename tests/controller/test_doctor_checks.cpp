// The doctor's machine checks through `vgpuctl doctor --json` on a fake machine: the fake Ollama
// tree (real ELF libraries), vgpu's built shims installed under /usr/lib/vgpu, a sysfs fixture
// with the stub PCI device, vgpud answering at the endpoint of the machine's shim.conf (no
// backend line: the production default), and fake-systemd1 on a private bus. A healthy machine passes every
// check; then one fault at a time is injected (each fault an admin meets in the field) and the test asserts the
// check that finds it, its explanation and the remedy (with the helper verb where there is one).
#include <catch2/catch.hpp>

#include "fake_ollama_tree.h"
#include "private_systemd_bus.h"
#include "sysfs_fixture.h"
#include "test_paths.h"
#include "vgpuctl_cli.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

using vgpu::test::FakeOllamaOptions;
using vgpu::test::FakeOllamaTree;

const QString kCudaV12 = QStringLiteral("/usr/local/lib/ollama/cuda_v12");

QString str(const std::filesystem::path& path) {
  return QString::fromStdString(path.string());
}

// One vgpud (simulated executor) for every machine of this process: a healthy guest's shims reach
// vgpud, since with no backend configured they use it and never the in-process simulator.
class SharedVgpud {
public:
  static const std::string& endpoint() {
    static SharedVgpud instance;
    return instance.endpoint_;
  }
  SharedVgpud(const SharedVgpud&) = delete;
  SharedVgpud& operator=(const SharedVgpud&) = delete;

private:
  SharedVgpud() {
    char pattern[] = "/tmp/vgpud-doctor-checks-XXXXXX"; // short: sun_path holds 108 bytes
    REQUIRE(mkdtemp(pattern) != nullptr);
    directory_ = pattern;
    const std::string socket = directory_ + "/vgpud.sock";
    endpoint_ = "unix:" + socket;
    std::vector<std::string> arguments{VGPUD_PATH, "--listen", endpoint_, "--backend", "sim", "--log-level", "warn"};
    std::vector<char*> argv;
    for (std::string& argument : arguments) {
      argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, VGPUD_PATH, nullptr, nullptr, argv.data(), environ) == 0);
    for (int attempt = 0; attempt < 500 && !std::filesystem::exists(socket); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(std::filesystem::exists(socket));
  }
  ~SharedVgpud() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    std::filesystem::remove_all(directory_);
  }

  pid_t pid_ = -1;
  std::string directory_;
  std::string endpoint_;
};

// A machine on which Ollama would use vgpu's shim: the shim installed for the service, the service
// asking for cuda_v12 at debug level, a stub H100 in sysfs.
struct Machine {
  explicit Machine(const std::string& name, const std::string& sysfsFixture = "one-stub")
      : dir(vgpu::test::scratchDir("doctor-checks-" + name)), tree(str(dir / "root"), healthyOptions()),
        sysfs(str(vgpu::test::buildSysfsTree(sysfsFixture))) {
    for (const QString& variant : {QStringLiteral("cuda_v12"), QStringLiteral("cuda_v13")}) {
      replaceFile(QStringLiteral(VGPU_GGML_NEEDS_CUINIT),
                  QStringLiteral("/usr/local/lib/ollama/%1/libggml-cuda.so").arg(variant));
    }
    tree.copyFile(QStringLiteral(VGPU_CUDA_SHIM_FILE), QStringLiteral("/usr/lib/vgpu/libvgpu-cuda.so"), 0755);
    tree.copyFile(QStringLiteral(VGPU_NVML_SHIM_FILE), QStringLiteral("/usr/lib/vgpu/libvgpu-nvml.so"), 0755);
    tree.symlink(QStringLiteral("/usr/lib/vgpu/libcuda.so.1"), QStringLiteral("libvgpu-cuda.so"));
    tree.symlink(QStringLiteral("/usr/lib/vgpu/libnvidia-ml.so.1"), QStringLiteral("libvgpu-nvml.so"));
    tree.writeFile(QStringLiteral("/etc/machine-id"), "4c0d7b1e2f3a49d6a8b7c6d5e4f30211\n");
    tree.writeFile(QStringLiteral("/etc/vgpu/shim.conf"),
                   "endpoint = " + QByteArray::fromStdString(SharedVgpud::endpoint()) + "\n");
    writeServiceEnvironment(QStringLiteral("LD_LIBRARY_PATH=/usr/lib/vgpu"), QStringLiteral("1"));
  }

  static FakeOllamaOptions healthyOptions() {
    FakeOllamaOptions options;
    options.numGpuOverride = false;
    return options;
  }

  void replaceFile(const QString& hostSource, const QString& systemPath, uint mode = 0755) {
    tree.remove(systemPath);
    tree.copyFile(hostSource, systemPath, mode);
  }

  // The drop-in vgpu's installer writes, with the settings the field report's admin used.
  void writeServiceEnvironment(const QString& libraryPath, const QString& debug) {
    QByteArray text =
        "[Service]\nEnvironment=\"" + libraryPath.toUtf8() + "\"\nEnvironment=\"OLLAMA_LLM_LIBRARY=cuda_v12\"\n";
    if (!debug.isEmpty()) {
      text += "Environment=\"OLLAMA_DEBUG=" + debug.toUtf8() + "\"\n";
    }
    tree.writeDropIn(QStringLiteral("50-vgpu.conf"), text);
  }

  std::filesystem::path dir;
  FakeOllamaTree tree;
  QString sysfs;
};

struct Report {
  int code = -1;
  QJsonObject json;
  QString err;

  QJsonObject check(const QString& id) const {
    for (const QJsonValue value : json[QStringLiteral("checks")].toArray()) {
      if (value.toObject()[QStringLiteral("id")].toString() == id) {
        return value.toObject();
      }
    }
    FAIL("no check " << id.toStdString());
    return {};
  }
  QString status(const QString& id) const { return check(id)[QStringLiteral("status")].toString(); }
  QString summary(const QString& id) const { return check(id)[QStringLiteral("summary")].toString(); }
  QString remedyText(const QString& id) const {
    return check(id)[QStringLiteral("remedy")].toObject()[QStringLiteral("text")].toString();
  }
  QStringList action(const QString& id) const {
    const QJsonObject action = check(id)[QStringLiteral("remedy")].toObject()[QStringLiteral("action")].toObject();
    QStringList words{action[QStringLiteral("verb")].toString()};
    for (const QJsonValue argument : action[QStringLiteral("arguments")].toArray()) {
      words.append(argument.toString());
    }
    return words;
  }
  QString evidenceText(const QString& id) const {
    return QString::fromUtf8(QJsonDocument(check(id)[QStringLiteral("evidence")].toArray()).toJson());
  }
};

Report doctor(const Machine& machine, const QStringList& extra = {}) {
  QString out;
  QString err;
  QTextStream outStream(&out);
  QTextStream errStream(&err);
  const QStringList arguments{QStringLiteral("vgpuctl"),
                              QStringLiteral("doctor"),
                              QStringLiteral("--json"),
                              QStringLiteral("--root"),
                              machine.tree.root(),
                              QStringLiteral("--sysfs"),
                              machine.sysfs,
                              QStringLiteral("--probe"),
                              QStringLiteral(VGPU_DOCTOR_PROBE_PATH),
                              QStringLiteral("--shim-dir"),
                              QStringLiteral("/usr/lib/vgpu")};
  Report report;
  report.code = vgpu::cli::runVgpuctl(arguments + extra, outStream, errStream);
  outStream.flush();
  errStream.flush();
  report.json = QJsonDocument::fromJson(out.toUtf8()).object();
  report.err = err;
  INFO(out.toStdString());
  REQUIRE(report.json[QStringLiteral("schema")].toString() == QStringLiteral("vgpu-doctor-report"));
  return report;
}

const QStringList kMachineChecks{
    QStringLiteral("hardware.pci-stub"),
    QStringLiteral("shim.installed"),
    QStringLiteral("shim.soname"),
    QStringLiteral("shim.loadable"),
    QStringLiteral("shim.nvml-uuids"),
    QStringLiteral("shim.backend"),
    QStringLiteral("shim.vgpud-endpoint"),
    QStringLiteral("ollama.binary"),
    QStringLiteral("ollama.library-root"),
    QStringLiteral("ollama.variant-folders"),
    QStringLiteral("ollama.requested-library"),
    QStringLiteral("loader.libggml-cuda"),
    QStringLiteral("service.num-gpu"),
    QStringLiteral("service.managed-overrides"),
    QStringLiteral("service.debug-level"),
};

} // namespace

TEST_CASE("doctor checks: a healthy machine passes every machine check") {
  Machine machine("healthy");
  const Report report = doctor(machine);
  for (const QString& id : kMachineChecks) {
    INFO(id.toStdString() << ": " << report.summary(id).toStdString() << "\n" << report.evidenceText(id).toStdString());
    CHECK(report.status(id) == QStringLiteral("pass"));
  }
  CHECK(report.summary(QStringLiteral("hardware.pci-stub")).contains(QLatin1String("NVIDIA H100")));
  CHECK(report.evidenceText(QStringLiteral("hardware.pci-stub")).contains(QLatin1String("10de:2331")));
  CHECK(report.summary(QStringLiteral("shim.loadable")).contains(QLatin1String("1 device(s)")));
  CHECK(report.summary(QStringLiteral("shim.nvml-uuids")).contains(QLatin1String("same 1 device(s): GPU-")));
  CHECK(report.summary(QStringLiteral("loader.libggml-cuda")).contains(QLatin1String("vgpu's shim")));
  CHECK(report.summary(QStringLiteral("ollama.binary")).contains(QStringLiteral(VGPU_FAKE_OLLAMA_VERSION)));
  // No backend configured: the work goes to vgpud, which answers; nothing says "simulated".
  CHECK(report.summary(QStringLiteral("shim.backend")).contains(QLatin1String("no backend configured")));
  CHECK(report.summary(QStringLiteral("shim.vgpud-endpoint")).contains(QLatin1String("answers at unix:")));
  CHECK_FALSE(report.summary(QStringLiteral("hardware.pci-stub")).contains(QLatin1String("SIMULATED")));
  CHECK_FALSE(report.summary(QStringLiteral("shim.loadable")).contains(QLatin1String("SIMULATED")));
  // No bus given on a test root: systemd is not asked; no Ollama process runs in the test root.
  CHECK(report.status(QStringLiteral("service.daemon-reload")) == QStringLiteral("skip"));
  CHECK(report.status(QStringLiteral("ollama.jetpack-vulkan")) == QStringLiteral("pass"));
  CHECK(report.status(QStringLiteral("runtime.ollama-processes")) == QStringLiteral("skip"));
  CHECK(report.code == 0);
}

TEST_CASE("fault: cuda_v12 missing") {
  Machine machine("cuda-v12-missing");
  machine.tree.remove(kCudaV12);
  const Report report = doctor(machine);
  const QString id = QStringLiteral("ollama.requested-library");
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(report.summary(id).contains(QLatin1String("/usr/local/lib/ollama/cuda_v12 does not exist")));
  CHECK(report.check(id)[QStringLiteral("explanation")].toString().contains(QLatin1String("at user's request")));
  CHECK(report.action(id) ==
        QStringList{QStringLiteral("env-set"), QStringLiteral("OLLAMA_LLM_LIBRARY"), QStringLiteral("cuda_v13")});
  CHECK(report.status(QStringLiteral("loader.libggml-cuda")) == QStringLiteral("skip"));
  CHECK(report.code == 2);
}

TEST_CASE("fault: cuda_v12 unreadable by the service user (mode bits)") {
  Machine machine("cuda-v12-unreadable");
  machine.tree.setMode(kCudaV12, 0700); // owned by the test's uid, never the ollama user's (998)
  const Report report = doctor(machine);
  const QString id = QStringLiteral("ollama.requested-library");
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(report.summary(id).contains(QLatin1String("the service user ollama may not read and enter")));
  CHECK(report.remedyText(id).contains(QLatin1String("chmod 755 /usr/local/lib/ollama/cuda_v12")));
  CHECK(report.status(QStringLiteral("loader.libggml-cuda")) == QStringLiteral("skip"));
  CHECK(report.code == 2);
}

TEST_CASE("fault: cuda_v12 is a broken symlink") {
  Machine machine("cuda-v12-broken-link");
  machine.tree.remove(kCudaV12);
  machine.tree.symlink(kCudaV12, QStringLiteral("/opt/ollama-old/cuda_v12"));
  const Report report = doctor(machine);
  const QString id = QStringLiteral("ollama.requested-library");
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(report.summary(id).contains(QLatin1String("is a broken symlink")));
  CHECK(report.remedyText(id).contains(QLatin1String("Point the symlink")));
  CHECK(report.action(id).value(0) == QStringLiteral("env-set"));
}

TEST_CASE("fault: cuda_v12 without a ggml file") {
  Machine machine("cuda-v12-no-ggml");
  machine.tree.remove(kCudaV12 + QStringLiteral("/libggml-cuda.so"));
  const Report report = doctor(machine);
  const QString id = QStringLiteral("ollama.requested-library");
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(report.summary(id).contains(QLatin1String("has no *ggml-* file directly inside")));
  CHECK(report.remedyText(id).contains(QLatin1String("Restore libggml-cuda.so")));
}

TEST_CASE("fault: libggml-cuda.so needs a symbol the shim lacks") {
  Machine machine("missing-symbol");
  machine.replaceFile(QStringLiteral(VGPU_GGML_NEEDS_MISSING), kCudaV12 + QStringLiteral("/libggml-cuda.so"));
  const Report report = doctor(machine);
  const QString id = QStringLiteral("loader.libggml-cuda");
  INFO(report.evidenceText(id).toStdString());
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(report.summary(id).contains(QLatin1String("it needs cuNoSuchSymbolForTest")));
  CHECK(report.summary(id).contains(QLatin1String("vgpu's shim")));
  CHECK(report.remedyText(id).contains(QLatin1String("vgpu's shim does not export cuNoSuchSymbolForTest")));
  CHECK(report.check(id)[QStringLiteral("explanation")].toString().contains(QLatin1String("initial_count=0")));
  CHECK(report.status(QStringLiteral("ollama.requested-library")) == QStringLiteral("pass"));
  CHECK(report.code == 2);
}

TEST_CASE("fault: shim with a wrong SONAME") {
  Machine machine("wrong-soname");
  // Another library copied under the shim's file name: a real ELF whose SONAME is not libcuda.so.1.
  machine.replaceFile(QStringLiteral(VGPU_GGML_NEEDS_CUINIT), QStringLiteral("/usr/lib/vgpu/libvgpu-cuda.so"));
  const Report report = doctor(machine);
  const QString id = QStringLiteral("shim.soname");
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(report.summary(id).contains(
      QLatin1String("/usr/lib/vgpu/libcuda.so.1 has SONAME 'libdoctor-ggml-cuda-needs-cuinit.so', not libcuda.so.1")));
  CHECK(report.action(id).value(0).isEmpty()); // the package brings the files back, not a helper verb
  CHECK(report.remedyText(id).contains(QLatin1String("vgpu-guest")));
  CHECK(report.status(QStringLiteral("shim.loadable")) == QStringLiteral("skip"));
}

TEST_CASE("fault: NVML presents another UUID than CUDA") {
  Machine machine("nvml-uuid-mismatch");
  machine.replaceFile(QStringLiteral(VGPU_FAKE_NVML), QStringLiteral("/usr/lib/vgpu/libvgpu-nvml.so"));
  const Report report = doctor(machine);
  const QString id = QStringLiteral("shim.nvml-uuids");
  CHECK(report.status(QStringLiteral("shim.soname")) == QStringLiteral("pass"));
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(report.summary(id).contains(QLatin1String("NVML presents GPU-00000000-1111-2222-3333-444444444444")));
  CHECK(report.remedyText(id).contains(QLatin1String("vgpu-guest")));
}

TEST_CASE("fault: NVIDIA's libcuda.so.1 found before the shim") {
  Machine machine("nvidia-first");
  machine.tree.copyFile(QStringLiteral(VGPU_FAKE_NVIDIA_CUDA), QStringLiteral("/opt/nvidia/lib/libcuda.so.1"), 0755);
  machine.writeServiceEnvironment(QStringLiteral("LD_LIBRARY_PATH=/opt/nvidia/lib:/usr/lib/vgpu"), QStringLiteral("1"));
  const Report report = doctor(machine);
  const QString id = QStringLiteral("loader.libggml-cuda");
  INFO(report.evidenceText(id).toStdString());
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(report.summary(id).contains(QLatin1String("another library, e.g. NVIDIA's driver")));
  CHECK(report.summary(id).contains(QLatin1String("/opt/nvidia/lib/libcuda.so.1")));
  CHECK(report.summary(id).contains(QLatin1String("found before vgpu's shim")));
  CHECK(report.action(id).value(0) == QStringLiteral("install"));
  CHECK(report.remedyText(id).contains(QLatin1String("Put /usr/lib/vgpu first")));

  // Listed in ld.so.conf too: the shadowing model names the copy past LD_LIBRARY_PATH.
  machine.tree.writeFile(QStringLiteral("/etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n");
  machine.tree.writeFile(QStringLiteral("/etc/ld.so.conf.d/nvidia.conf"), "/opt/nvidia/lib\n");
  const Report withConf = doctor(machine);
  CHECK(withConf.evidenceText(id).contains(QLatin1String("/opt/nvidia/lib/libcuda.so.1 -> libcuda.so.1 (not vgpu's)")));
}

TEST_CASE("fault: override.conf overrides the shim's LD_LIBRARY_PATH: the loader does not offer to reinstall") {
  Machine machine("override-ld");
  machine.tree.writeDropIn(QStringLiteral("override.conf"),
                           "[Service]\nEnvironment=\"LD_LIBRARY_PATH=/opt/elsewhere/lib\"\n");
  const Report report = doctor(machine);
  const QString id = QStringLiteral("service.managed-overrides");
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(
      report.summary(id).contains(QLatin1String("overridden by /etc/systemd/system/ollama.service.d/override.conf:2")));
  CHECK(report.summary(id).contains(QLatin1String("LD_LIBRARY_PATH=/opt/elsewhere/lib")));
  CHECK(report.summary(id).contains(QLatin1String("the shim is not loaded by Ollama's runners")));
  const QString loader = QStringLiteral("loader.libggml-cuda");
  INFO(report.summary(loader).toStdString() << "\n" << report.remedyText(loader).toStdString());
  if (report.status(loader) == QStringLiteral("fail")) {
    CHECK(report.action(loader).value(0) != QStringLiteral("install"));
    CHECK(report.remedyText(loader).contains(QLatin1String("service.managed-overrides")));
  }
}

TEST_CASE("fault: OLLAMA_NUM_GPU set") {
  Machine machine("num-gpu");
  machine.tree.writeDropIn(QStringLiteral("override.conf"), "[Service]\nEnvironment=\"OLLAMA_NUM_GPU=999\"\n");
  const Report report = doctor(machine);
  const QString id = QStringLiteral("service.num-gpu");
  CHECK(report.status(id) == QStringLiteral("warn"));
  CHECK(report.summary(id).contains(QLatin1String("Ollama never reads it")));
  CHECK(report.evidenceText(id).contains(QLatin1String("override.conf")));
  CHECK(report.action(id) == QStringList{QStringLiteral("env-unset"), QStringLiteral("OLLAMA_NUM_GPU")});
  CHECK(report.code == 1);
}

TEST_CASE("fault: OLLAMA_DEBUG too low to decide") {
  Machine machine("debug-low");
  machine.writeServiceEnvironment(QStringLiteral("LD_LIBRARY_PATH=/usr/lib/vgpu"), QStringLiteral("0"));
  const Report report = doctor(machine);
  const QString id = QStringLiteral("service.debug-level");
  CHECK(report.status(id) == QStringLiteral("warn"));
  CHECK(report.summary(id).contains(QLatin1String("OLLAMA_DEBUG is '0'")));
  CHECK(report.action(id) ==
        QStringList{QStringLiteral("env-set"), QStringLiteral("OLLAMA_DEBUG"), QStringLiteral("1")});
  CHECK(report.check(id)[QStringLiteral("remedy")]
            .toObject()[QStringLiteral("action")]
            .toObject()[QStringLiteral("temporary")]
            .toBool());
  CHECK(report.code == 1);
}

TEST_CASE("fault: drop-in written but not reloaded (fake systemd)") {
  vgpu::test::PrivateSystemdBus bus;
  REQUIRE(bus.isReady());
  Machine machine("not-reloaded");
  const QString id = QStringLiteral("service.daemon-reload");
  const Report clean = doctor(machine, {QStringLiteral("--bus"), bus.address()});
  CHECK(clean.status(id) == QStringLiteral("pass"));
  REQUIRE(bus.setUnitProperty(QStringLiteral("ollama.service"), QStringLiteral("NeedDaemonReload"), true));
  const Report report = doctor(machine, {QStringLiteral("--bus"), bus.address()});
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(report.summary(id).contains(QLatin1String("changed since the last daemon-reload")));
  CHECK(report.action(id) == QStringList{QStringLiteral("daemon-reload")});
  CHECK(report.code == 2);
}

TEST_CASE("fault: vgpud unreachable") {
  Machine machine("vgpud");
  // A socket path nobody listens on (kept short for sun_path; the scratch tree may be deep).
  machine.tree.writeFile(QStringLiteral("/etc/vgpu/shim.conf"),
                         "backend=remote\nendpoint=unix:/tmp/vgpu-doctor-checks-no-vgpud.sock\n");
  const Report report = doctor(machine);
  CHECK(report.status(QStringLiteral("shim.vgpud-endpoint")) == QStringLiteral("fail"));
  CHECK(report.summary(QStringLiteral("shim.vgpud-endpoint"))
            .startsWith(QLatin1String("vgpud unreachable at unix:/tmp/vgpu-doctor-checks-no-vgpud.sock")));
  CHECK(report.remedyText(QStringLiteral("shim.vgpud-endpoint")).contains(QLatin1String("Start vgpud")));
  CHECK(report.code == 2);
}

TEST_CASE("fault: only an endpoint configured and no vgpud there: no device, never the simulator") {
  Machine machine("endpoint-only");
  machine.tree.writeFile(QStringLiteral("/etc/vgpu/shim.conf"), "endpoint = unix:/tmp/vgpu-doctor-checks-none.sock\n");
  const Report report = doctor(machine);
  // The guest has its stub, but nothing executes: fail, not skip, with the remedy.
  CHECK(report.status(QStringLiteral("hardware.pci-stub")) == QStringLiteral("pass"));
  CHECK(report.status(QStringLiteral("shim.vgpud-endpoint")) == QStringLiteral("fail"));
  CHECK(report.summary(QStringLiteral("shim.vgpud-endpoint"))
            .startsWith(QLatin1String("vgpud unreachable at unix:/tmp/vgpu-doctor-checks-none.sock")));
  CHECK(report.evidenceText(QStringLiteral("shim.vgpud-endpoint"))
            .contains(QLatin1String("backend=remote (default: no backend configured)")));
  CHECK(report.remedyText(QStringLiteral("shim.vgpud-endpoint")).contains(QLatin1String("Start vgpud")));
  CHECK(report.status(QStringLiteral("shim.backend")) == QStringLiteral("pass"));
  // The shims in the service's environment present no device: cuInit fails, NVML shows none.
  CHECK(report.status(QStringLiteral("shim.loadable")) == QStringLiteral("fail"));
  CHECK(report.summary(QStringLiteral("shim.loadable")).contains(QLatin1String("CUDA_ERROR_NO_DEVICE")));
  CHECK(report.status(QStringLiteral("shim.nvml-uuids")) == QStringLiteral("skip"));
  CHECK(report.code == 2);
}

TEST_CASE("fault: shim.conf selects the simulated device for Ollama") {
  Machine machine("conf-sim");
  machine.tree.writeFile(QStringLiteral("/etc/vgpu/shim.conf"), "backend = sim\n");
  const Report report = doctor(machine);
  const QString id = QStringLiteral("shim.backend");
  INFO(report.summary(id).toStdString() << "\n" << report.evidenceText(id).toStdString());
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(report.summary(id).contains(QLatin1String("Ollama would run on the simulated device (backend=sim from "
                                                  "/etc/vgpu/shim.conf)")));
  CHECK(report.remedyText(id).contains(QLatin1String("Delete the line backend = sim from /etc/vgpu/shim.conf")));
  CHECK(report.action(id).value(0).isEmpty()); // an edit of shim.conf: no helper verb does it
  // Where the doctor shows the device, it says it is simulated.
  CHECK(report.summary(QStringLiteral("hardware.pci-stub")).contains(QLatin1String("SIMULATED (backend=sim")));
  CHECK(report.summary(QStringLiteral("shim.loadable")).contains(QLatin1String("1 SIMULATED device(s)")));
  CHECK(report.status(QStringLiteral("shim.vgpud-endpoint")) == QStringLiteral("skip"));
  CHECK(report.code == 2);
}

TEST_CASE("fault: ollama.service's environment selects the simulated device") {
  Machine machine("unit-sim");
  machine.tree.writeDropIn(QStringLiteral("60-sim.conf"), "[Service]\nEnvironment=\"VGPU_BACKEND=sim\"\n");
  const Report report = doctor(machine);
  const QString id = QStringLiteral("shim.backend");
  INFO(report.summary(id).toStdString() << "\n" << report.evidenceText(id).toStdString());
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(report.summary(id).contains(QLatin1String("backend=sim from VGPU_BACKEND in ollama.service (")));
  CHECK(report.remedyText(id).startsWith(QLatin1String("Remove VGPU_BACKEND=sim from ollama.service's environment (")));
  CHECK(report.remedyText(id).contains(QLatin1String("60-sim.conf:2")));
  CHECK(report.code == 2);
}

TEST_CASE("fault: JETSON_JETPACK makes an arm64 Ollama skip the requested cuda_v12; an x86_64 one ignores it") {
  Machine machine("jetpack");
  machine.tree.writeDropIn(QStringLiteral("60-jetson.conf"), "[Service]\nEnvironment=\"JETSON_JETPACK=6\"\n");
  const QString id = QStringLiteral("ollama.jetpack-vulkan");
  // The fake binary is an x86_64 ELF: Ollama detects JetPack only on linux/arm64.
  const Report x86 = doctor(machine);
  INFO(x86.summary(id).toStdString() << "\n" << x86.evidenceText(id).toStdString());
  CHECK(x86.status(id) == QStringLiteral("pass"));
  CHECK(x86.evidenceText(id).contains(QLatin1String("only on linux/arm64")));
  // The same binary marked arm64 (ELF e_machine 183).
  QFile binary(machine.tree.hostPath(QStringLiteral("/usr/local/bin/ollama")));
  REQUIRE(binary.open(QIODevice::ReadWrite));
  REQUIRE(binary.seek(18));
  binary.write(QByteArray("\xb7\x00", 2));
  binary.close();
  const Report report = doctor(machine);
  INFO(report.summary(id).toStdString() << "\n" << report.evidenceText(id).toStdString());
  CHECK(report.status(id) == QStringLiteral("warn"));
  CHECK(report.summary(id).contains(QLatin1String("JETSON_JETPACK=6")));
  CHECK(report.action(id) == QStringList{QStringLiteral("env-unset"), QStringLiteral("JETSON_JETPACK")});
}

TEST_CASE("hardware.pci-stub fails on an unknown id with the profile= remedy, and without a device") {
  Machine unknown("unknown-id", "unknown-id");
  const Report report = doctor(unknown);
  const QString id = QStringLiteral("hardware.pci-stub");
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(report.remedyText(id).contains(QLatin1String("profile=10de:1234=<profile>")));
  CHECK(report.evidenceText(id).contains(QLatin1String("0000:00:05.0 10de:1234")));
  // The shim finds no device either: cuInit says so in the service's environment.
  CHECK(report.status(QStringLiteral("shim.loadable")) == QStringLiteral("fail"));
  CHECK(report.summary(QStringLiteral("shim.loadable")).contains(QLatin1String("CUDA_ERROR_NO_DEVICE")));

  Machine none("zero-stubs", "zero-stubs");
  const Report noDevice = doctor(none);
  CHECK(noDevice.status(id) == QStringLiteral("fail"));
  CHECK(noDevice.remedyText(id).contains(QLatin1String("stub PCI device")));
}

TEST_CASE("shim.installed fails without the shim; the loader then finds no libcuda.so.1") {
  Machine machine("no-shim");
  machine.tree.remove(QStringLiteral("/usr/lib/vgpu"));
  const Report report = doctor(machine);
  CHECK(report.status(QStringLiteral("shim.installed")) == QStringLiteral("fail"));
  CHECK(report.action(QStringLiteral("shim.installed")).value(0).isEmpty()); // the package brings the files
  CHECK(report.remedyText(QStringLiteral("shim.installed")).contains(QLatin1String("vgpu-guest")));
  CHECK(report.status(QStringLiteral("shim.soname")) == QStringLiteral("skip"));
  CHECK(report.status(QStringLiteral("loader.libggml-cuda")) == QStringLiteral("fail"));
}

TEST_CASE("ollama.binary, library root and variant folders fail on a broken install") {
  Machine noVariants("no-cuda-variants");
  noVariants.tree.remove(kCudaV12);
  noVariants.tree.remove(QStringLiteral("/usr/local/lib/ollama/cuda_v13"));
  const Report variants = doctor(noVariants);
  CHECK(variants.status(QStringLiteral("ollama.variant-folders")) == QStringLiteral("fail"));
  CHECK(variants.summary(QStringLiteral("ollama.variant-folders")).contains(QLatin1String("visible: vulkan")));

  Machine noRoot("no-library-root");
  noRoot.tree.remove(QStringLiteral("/usr/local/lib/ollama"));
  const Report root = doctor(noRoot);
  CHECK(root.status(QStringLiteral("ollama.library-root")) == QStringLiteral("fail"));
  CHECK(root.status(QStringLiteral("ollama.variant-folders")) == QStringLiteral("skip"));

  Machine noBinary("no-binary");
  noBinary.tree.remove(QStringLiteral("/usr/local/bin/ollama"));
  const Report binary = doctor(noBinary);
  CHECK(binary.status(QStringLiteral("ollama.binary")) == QStringLiteral("fail"));
  CHECK(binary.status(QStringLiteral("ollama.library-root")) == QStringLiteral("skip"));
}

TEST_CASE("the vgpuctl binary finds a fault too") {
  Machine machine("binary-num-gpu");
  machine.tree.writeDropIn(QStringLiteral("override.conf"), "[Service]\nEnvironment=\"OLLAMA_NUM_GPU=999\"\n");
  QProcess process;
  process.start(QStringLiteral(VGPUCTL_PATH),
                {QStringLiteral("doctor"), QStringLiteral("--root"), machine.tree.root(), QStringLiteral("--sysfs"),
                 machine.sysfs, QStringLiteral("--probe"), QStringLiteral(VGPU_DOCTOR_PROBE_PATH),
                 QStringLiteral("--shim-dir"), QStringLiteral("/usr/lib/vgpu")}); // the fixture's shim directory
  REQUIRE(process.waitForFinished(30000));
  const QString out = QString::fromUtf8(process.readAllStandardOutput());
  INFO(out.toStdString());
  CHECK(process.exitCode() == 1);
  CHECK(out.contains(QLatin1String("OLLAMA_NUM_GPU=999 is set, but Ollama never reads it")));
  CHECK(out.contains(QLatin1String("env-unset")));
}

TEST_CASE("service checks skip without ollama.service; relative --root and --sysfs work") {
  Machine machine("no-unit");
  machine.tree.remove(QStringLiteral("/etc/systemd/system/ollama.service"));
  const Report report = doctor(machine);
  CHECK(report.status(QStringLiteral("service.num-gpu")) == QStringLiteral("skip"));
  CHECK(report.status(QStringLiteral("service.debug-level")) == QStringLiteral("skip"));

  // libpci and the probe get absolute paths even when vgpuctl was given relative ones.
  Machine relative("relative-paths");
  QString out;
  QString err;
  QTextStream outStream(&out);
  QTextStream errStream(&err);
  const int code = vgpu::cli::runVgpuctl(
      {QStringLiteral("vgpuctl"), QStringLiteral("doctor"), QStringLiteral("--json"), QStringLiteral("--root"),
       QDir::current().relativeFilePath(relative.tree.root()), QStringLiteral("--sysfs"),
       QDir::current().relativeFilePath(relative.sysfs), QStringLiteral("--probe"),
       QStringLiteral(VGPU_DOCTOR_PROBE_PATH), QStringLiteral("--shim-dir"), QStringLiteral("/usr/lib/vgpu")},
      outStream, errStream);
  outStream.flush();
  INFO(out.toStdString());
  CHECK(code == 0);
  CHECK(out.contains(QLatin1String("cuInit = CUDA_SUCCESS, 1 device(s)")));
}

TEST_CASE("without OLLAMA_LLM_LIBRARY the loader check probes every visible CUDA folder") {
  Machine machine("no-requested-library");
  machine.tree.writeDropIn(
      QStringLiteral("50-vgpu.conf"),
      "[Service]\nEnvironment=\"LD_LIBRARY_PATH=/usr/lib/vgpu\"\nEnvironment=\"OLLAMA_DEBUG=1\"\n");
  machine.replaceFile(QStringLiteral(VGPU_GGML_NEEDS_MISSING),
                      QStringLiteral("/usr/local/lib/ollama/cuda_v13/libggml-cuda.so"));
  const Report report = doctor(machine);
  CHECK(report.status(QStringLiteral("ollama.requested-library")) == QStringLiteral("pass"));
  const QString id = QStringLiteral("loader.libggml-cuda");
  CHECK(report.check(id)[QStringLiteral("evidence")].toArray().size() >= 2);
  CHECK(report.evidenceText(id).contains(QLatin1String("cuda_v12/libggml-cuda.so with LD_LIBRARY_PATH")));
  // The worst folder decides: cuda_v13's libggml-cuda.so needs a symbol the shim lacks.
  CHECK(report.status(id) == QStringLiteral("fail"));
  CHECK(report.summary(id).startsWith(QLatin1String("cuda_v13/libggml-cuda.so does not load")));
}
