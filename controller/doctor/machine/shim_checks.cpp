// The shim checks. Files are looked at under the doctor's root; the SONAME comes from readelf and
// the loadability from the probe, both child processes, so no ELF is parsed here and no shim is
// loaded into vgpuctl or the console.
#include "doctor/machine/shim_checks.h"

#include "doctor/engine/remedy_actions.h"

#include "doctor/engine/child_probe.h"
#include "doctor/machine/service_shim_config.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <array>

namespace vgpu::controller::doctor {

namespace {

struct ShimName {
  const char* soname; // the name CUDA software loads, a symlink in the shim directory
  const char* file;   // the library the installer copies
};
constexpr std::array<ShimName, 2> kShimNames{{
    {"libcuda.so.1", "libvgpu-cuda.so"},
    {"libnvidia-ml.so.1", "libvgpu-nvml.so"},
}};

// CUresult values the probe may print, for the summary.
QString cuResultText(int value) {
  switch (value) {
  case 0: return QStringLiteral("CUDA_SUCCESS");
  case 3: return QStringLiteral("CUDA_ERROR_NOT_INITIALIZED");
  case 100: return QStringLiteral("CUDA_ERROR_NO_DEVICE");
  case 999: return QStringLiteral("CUDA_ERROR_UNKNOWN");
  default: break;
  }
  return QStringLiteral("CUresult %1").arg(value);
}

// The libraries come from the vgpu-guest package (or `cmake --install`), not from a helper verb:
// vgpu-helper only points the service or the loader at them, so there is no action to apply.
Remedy reinstallRemedy(const QString& why) {
  return Remedy{QStringLiteral("%1 Install the vgpu-guest package again (apt install --reinstall vgpu-guest; from a "
                               "source tree, cmake --install): it puts libvgpu-cuda.so, libvgpu-nvml.so and their "
                               "libcuda.so.1 / libnvidia-ml.so.1 names into %2.")
                    .arg(why, defaultShimDir()),
                std::nullopt};
}

QString hostPathOf(const DoctorContext& context, const QString& systemPath) {
  return SystemRoot(context.root).hostPath(systemPath);
}

} // namespace

CheckResult checkShimInstalled(const DoctorContext& context) {
  if (context.shimDir.isEmpty()) {
    return CheckResult::skip(QStringLiteral("the shim was not examined (no shim directory given)"));
  }
  QStringList missing;
  QList<Evidence> evidence;
  for (const ShimName& name : kShimNames) {
    const QString systemPath = context.shimDir + u'/' + QLatin1String(name.soname);
    const QFileInfo info(hostPathOf(context, systemPath));
    if (!info.exists()) {
      missing.append(systemPath + (info.isSymLink() ? QStringLiteral(" (a broken symlink)") : QString()));
      continue;
    }
    evidence.append({QStringLiteral("shim library"), systemPath,
                     info.isSymLink() ? QStringLiteral("-> %1").arg(info.symLinkTarget().section(u'/', -1))
                                      : QStringLiteral("%1 bytes").arg(info.size())});
  }
  CheckResult result = missing.isEmpty()
                           ? CheckResult::pass(QStringLiteral("the shim libraries are in %1").arg(context.shimDir))
                           : CheckResult::fail(QStringLiteral("missing: %1").arg(missing.join(QStringLiteral(", "))));
  result.evidence = evidence;
  if (!missing.isEmpty()) {
    result.remedy = reinstallRemedy(QStringLiteral("The shim is not installed where the service looks for it."));
  }
  return result;
}

CheckResult checkShimSoname(const DoctorContext& context) {
  if (context.readelfPath.isEmpty()) {
    return CheckResult::skip(QStringLiteral("readelf not found (Debian package binutils)"));
  }
  static const QRegularExpression kSonameLine(QStringLiteral(R"(\(SONAME\)\s+Library soname: \[([^\]]*)\])"));
  QStringList wrong;
  QList<Evidence> evidence;
  for (const ShimName& name : kShimNames) {
    const QString systemPath = context.shimDir + u'/' + QLatin1String(name.soname);
    const ChildRun run = runChild(context.readelfPath, {QStringLiteral("-d"), hostPathOf(context, systemPath)},
                                  QProcessEnvironment::systemEnvironment());
    if (!run.ran || run.exitCode != 0) {
      wrong.append(QStringLiteral("%1 (readelf: %2)").arg(systemPath, run.ran ? run.output.trimmed() : run.error));
      continue;
    }
    const QRegularExpressionMatch match = kSonameLine.match(run.output);
    const QString soname = match.hasMatch() ? match.captured(1) : QString();
    evidence.append(
        {QStringLiteral("SONAME of %1").arg(QLatin1String(name.soname)),
         QStringLiteral("readelf -d %1").arg(systemPath),
         soname.isEmpty() ? QStringLiteral("(no SONAME)") : QStringLiteral("Library soname: [%1]").arg(soname)});
    if (soname != QLatin1String(name.soname)) {
      wrong.append(QStringLiteral("%1 has SONAME '%2', not %3").arg(systemPath, soname, QLatin1String(name.soname)));
    }
  }
  CheckResult result = wrong.isEmpty()
                           ? CheckResult::pass(QStringLiteral("SONAMEs are libcuda.so.1 and libnvidia-ml.so.1"))
                           : CheckResult::fail(wrong.join(QStringLiteral("; ")));
  result.evidence = evidence;
  if (!wrong.isEmpty()) {
    result.remedy = reinstallRemedy(QStringLiteral("A library with another SONAME is not the shim the loader expects "
                                                   "(a wrong file copied under the shim's name)."));
  }
  return result;
}

CheckResult checkShimLoadable(const DoctorContext& context) {
  if (context.probePath.isEmpty() || !QFileInfo(context.probePath).isExecutable()) {
    return CheckResult::skip(QStringLiteral("vgpu-doctor-probe not found at '%1'").arg(context.probePath));
  }
  const QString systemPath = context.shimDir + QStringLiteral("/libcuda.so.1");
  const ChildRun run = runChild(context.probePath, {QStringLiteral("shim"), hostPathOf(context, systemPath)},
                                serviceProcessEnvironment(context));
  const Evidence probeEvidence{QStringLiteral("probe in the service's environment"), run.command,
                               run.ran ? run.output.trimmed() : run.error};
  CheckResult result;
  const QStringList dlopenError = childValues(run.output, QStringLiteral("dlopen-error"));
  const QStringList init = childValues(run.output, QStringLiteral("cuInit"));
  const QStringList count = childValues(run.output, QStringLiteral("device-count"));
  if (!run.ran) {
    result = CheckResult::fail(QStringLiteral("the probe did not run: %1").arg(run.error));
  } else if (!dlopenError.isEmpty()) {
    result = CheckResult::fail(QStringLiteral("libcuda.so.1 does not load: %1").arg(dlopenError.constFirst()));
    result.remedy = reinstallRemedy(QStringLiteral("The shim cannot be loaded."));
  } else if (init.isEmpty() || count.isEmpty()) {
    result = CheckResult::fail(QStringLiteral("the shim lacks cuInit or cuDeviceGetCount"));
    result.remedy = reinstallRemedy(QStringLiteral("The library is not a complete CUDA driver shim."));
  } else if (init.constFirst().toInt() != 0) {
    result = CheckResult::fail(QStringLiteral("cuInit returned %1").arg(cuResultText(init.constFirst().toInt())));
    result.remedy = Remedy{QStringLiteral("cuInit finds no device: see hardware.pci-stub, and run the probe again "
                                          "with VGPU_LOG=info to read the shim's own reason."),
                           std::nullopt};
  } else if (count.constFirst().toInt() <= 0) {
    result = CheckResult::fail(QStringLiteral("cuInit succeeded but cuDeviceGetCount reports no device"));
  } else {
    // The probe ran with the service's configuration: a device it found there may be the simulator.
    const bool simulated = device::simulatedExplicitly(loadServiceShimConfig(context).config);
    result =
        CheckResult::pass(QStringLiteral("libcuda.so.1 loads; cuInit = CUDA_SUCCESS, %1 %2")
                              .arg(count.constFirst(), simulated ? QStringLiteral("SIMULATED device(s) "
                                                                                  "(backend=sim; see shim.backend)")
                                                                 : QStringLiteral("device(s)")));
  }
  result.evidence.append(probeEvidence);
  return result;
}

CheckResult checkNvmlUuids(const DoctorContext& context) {
  const SystemRoot root(context.root);
  const ChildRun run =
      runChild(context.probePath,
               {QStringLiteral("uuids"), root.hostPath(context.shimDir + QStringLiteral("/libcuda.so.1")),
                root.hostPath(context.shimDir + QStringLiteral("/libnvidia-ml.so.1"))},
               serviceProcessEnvironment(context));
  const Evidence probeEvidence{QStringLiteral("CUDA and NVML UUIDs in the service's environment"), run.command,
                               run.ran ? run.output.trimmed() : run.error};
  const QStringList dlopenError = childValues(run.output, QStringLiteral("dlopen-error"));
  const QStringList cudaUuids = childValues(run.output, QStringLiteral("cuda-uuid"));
  const QStringList nvmlUuids = childValues(run.output, QStringLiteral("nvml-uuid"));
  CheckResult result;
  if (!run.ran) {
    result = CheckResult::fail(QStringLiteral("the probe did not run: %1").arg(run.error));
  } else if (!dlopenError.isEmpty()) {
    result = CheckResult::fail(QStringLiteral("a shim library does not load: %1").arg(dlopenError.constFirst()));
    result.remedy = reinstallRemedy(QStringLiteral("The shim cannot be loaded."));
  } else if (cudaUuids.isEmpty() || cudaUuids != nvmlUuids) {
    const auto listed = [](const QStringList& uuids) {
      return uuids.isEmpty() ? QStringLiteral("none") : uuids.join(QStringLiteral(", "));
    };
    result = CheckResult::fail(
        QStringLiteral("CUDA presents %1 but NVML presents %2").arg(listed(cudaUuids), listed(nvmlUuids)));
    result.explanation = QStringLiteral("Ollama looks each CUDA device up in NVML by its UUID for the free memory; "
                                        "a device NVML does not know is reported without it, or filtered.");
    result.remedy = reinstallRemedy(QStringLiteral("libcuda.so.1 and libnvidia-ml.so.1 must be vgpu's shims from "
                                                   "the same build (both derive the UUID from the machine id and "
                                                   "the PCI address)."));
  } else {
    result = CheckResult::pass(QStringLiteral("CUDA and NVML present the same %1 device(s): %2")
                                   .arg(cudaUuids.size())
                                   .arg(cudaUuids.join(QStringLiteral(", "))));
  }
  result.evidence.append(probeEvidence);
  return result;
}

} // namespace vgpu::controller::doctor
