// hardware.pci-stub over vgpu_device's discovery, run in-process on the configured sysfs root so
// the doctor sees exactly the devices the shims will present, and names the setting that maps an
// NVIDIA device whose id has no profile.
#include "doctor/machine/hardware_checks.h"

#include "doctor/machine/service_shim_config.h"
#include "vgpu/device/device_discovery.h"

#include <QDir>
#include <QFileInfo>

namespace vgpu::controller::doctor {

namespace {

QString fromStd(const std::string& text) {
  return QString::fromStdString(text);
}

QString addressText(const device::PciAddress& address) {
  return QStringLiteral("%1:%2:%3.%4")
      .arg(address.domain, 4, 16, QLatin1Char('0'))
      .arg(static_cast<uint>(address.bus), 2, 16, QLatin1Char('0'))
      .arg(static_cast<uint>(address.device), 2, 16, QLatin1Char('0'))
      .arg(static_cast<uint>(address.function));
}

QString idText(std::uint16_t vendor, std::uint16_t deviceId) {
  return fromStd(device::formatPciId({vendor, deviceId}));
}

// The shims' configuration as they would load it on this machine (or test tree). A missing
// shim.conf is normal (defaults apply) and not reported.
device::ConfigLoad loadConfig(const DoctorContext& context) {
  const SystemRoot root(context.root);
  const QString configPath = root.hostPath(u"/etc/vgpu/shim.conf");
  device::ConfigLoad load;
  if (QFileInfo::exists(configPath)) {
    const std::string path = configPath.toStdString();
    load = device::loadShimConfig([&path](const char* name) -> const char* {
      return std::string_view(name) == "VGPU_CONFIG" ? path.c_str() : nullptr;
    });
  }
  load.config.sysfsRoot = context.sysfsRoot.toStdString();
  if (!root.isRealRoot()) {
    load.config.machineIdFile = root.hostPath(u"/etc/machine-id").toStdString();
  }
  return load;
}

} // namespace

CheckResult checkPciStub(const DoctorContext& context) {
  if (context.sysfsRoot.isEmpty()) {
    return CheckResult::skip(QStringLiteral("the hardware was not examined (no sysfs root given)"));
  }
  const QString devicesDir = context.sysfsRoot + QStringLiteral("/bus/pci/devices");
  if (!QFileInfo(devicesDir).isDir()) {
    return CheckResult::skip(QStringLiteral("no PCI sysfs tree at %1").arg(devicesDir));
  }
  const device::ConfigLoad load = loadConfig(context);
  const device::DiscoveryResult discovery = device::discoverDevices(load.config);
  const QString where = QStringLiteral("libpci on %1").arg(context.sysfsRoot);
  CheckResult result;
  if (!discovery.devices.empty()) {
    // The stub stands for a GPU only when the work goes to one: with backend=sim it is simulated.
    const bool simulated = device::simulatedExplicitly(loadServiceShimConfig(context).config);
    result = CheckResult::pass(
        QStringLiteral("%1 device(s) presented: %2%3")
            .arg(discovery.devices.size())
            .arg(fromStd(std::string(discovery.devices.front().profile->name)),
                 simulated ? QStringLiteral(", SIMULATED (backend=sim; see shim.backend)") : QString()));
    for (const device::PresentedDevice& presented : discovery.devices) {
      result.evidence.append(
          {QStringLiteral("stub PCI device"), where,
           QStringLiteral("%1 %2 (subsystem %3) class %4 → profile %5 (%6), %7")
               .arg(addressText(presented.address), idText(presented.vendorId, presented.deviceId),
                    idText(presented.subsystemVendorId, presented.subsystemDeviceId))
               .arg(presented.classCode, 6, 16, QLatin1Char('0'))
               .arg(fromStd(std::string(presented.profile->key)), fromStd(std::string(presented.profile->name)),
                    fromStd(device::formatGpuUuid(presented.uuid)))});
    }
  } else {
    result = CheckResult::fail(fromStd(discovery.error.empty() ? std::string("no device presented") : discovery.error));
    // Name every NVIDIA candidate without a profile: those need a profile= line.
    const device::PciScanResult scan = device::scanPciDevices(load.config.sysfsRoot);
    QStringList unknown;
    for (const device::PciDevice& candidate : device::selectGpuCandidates(scan.devices, load.config.extraMatches)) {
      result.evidence.append({QStringLiteral("GPU candidate"), where,
                              QStringLiteral("%1 %2 class %3")
                                  .arg(addressText(candidate.address), idText(candidate.vendorId, candidate.deviceId))
                                  .arg(candidate.classCode, 6, 16, QLatin1Char('0'))});
      if (device::findProfileByPciDevice(candidate.deviceId) == nullptr) {
        unknown.append(idText(candidate.vendorId, candidate.deviceId));
      }
    }
    if (!unknown.isEmpty()) {
      result.remedy =
          Remedy{QStringLiteral("No device profile knows %1. Map it to the GPU it stands for with a line "
                                "profile=%2=<profile> in /etc/vgpu/shim.conf (profiles: %3).")
                     .arg(unknown.join(QStringLiteral(", ")), unknown.constFirst(), fromStd(device::profileKeyList())),
                 std::nullopt};
    } else {
      result.remedy = Remedy{QStringLiteral("Give the VM the vgpu stub PCI device (an NVIDIA 3D controller, "
                                            "10de:xxxx class 0302), or list its id with match= in "
                                            "/etc/vgpu/shim.conf."),
                             std::nullopt};
    }
  }
  for (const std::string& warning : discovery.warnings) {
    result.evidence.append({QStringLiteral("discovery warning"), where, fromStd(warning)});
  }
  appendConfigProblems(result, load);
  return result;
}

} // namespace vgpu::controller::doctor
