// libpci scanning made safe for a host process. libpci reports fatal conditions (a sysfs tree it
// cannot open, an entry name it cannot parse, a missing vendor/device/class file) through
// pci_access::error, which must not return (PCI_NONRET; the default exit()s). Ours records the
// message and longjmps back to scanWithLibpci, the only frame between setjmp and libpci; no object
// with a destructor is live in the frames the jump skips (libpci's C frames and the callback).
// The jump target is per thread, so concurrent scans do not interfere.
// The jump leaks whatever libpci holds in the frames it skips. The only such case is sysfs_scan
// meeting a devices/ entry it cannot parse: its open directory (a descriptor and a 32 KiB buffer)
// and the device it just allocated. So the entries are checked here first, with libpci's own
// parse, and such a tree never reaches libpci (checkDeviceEntries).
#include "vgpu/device/pci_discovery.h"

#include <algorithm>
#include <csetjmp>
#include <cstdarg>
#include <cstdio>
#include <filesystem>

extern "C" {
#include <pci/pci.h>
}

namespace vgpu::device {
namespace {

struct ScanContext {
  std::jmp_buf jump;
  char error[512];
  std::vector<std::string>* warnings;
};

thread_local ScanContext* currentScan = nullptr;

// GNU attribute, not [[noreturn]]: it must be part of the type to match pci_access::error.
__attribute__((noreturn)) void onLibpciError(char* format, ...) {
  ScanContext* scan = currentScan;
  std::va_list args;
  va_start(args, format);
  static_cast<void>(std::vsnprintf(scan->error, sizeof scan->error, format, args));
  va_end(args);
  std::longjmp(scan->jump, 1);
}

void onLibpciWarning(char* format, ...) {
  char message[512];
  std::va_list args;
  va_start(args, format);
  static_cast<void>(std::vsnprintf(message, sizeof message, format, args));
  va_end(args);
  ScanContext* scan = currentScan;
  if (scan == nullptr) {
    return;
  }
  std::string text = std::string("libpci: ") + message;
  // libpci repeats a warning for each field it fails to read from the same file.
  if (std::find(scan->warnings->begin(), scan->warnings->end(), text) == scan->warnings->end()) {
    scan->warnings->push_back(std::move(text));
  }
}

void onLibpciDebug(char*, ...) {}

constexpr int kFillFlags = PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT | PCI_FILL_SUBSYS;

PciDevice toPciDevice(pci_dev* dev) {
  PciDevice device;
  device.address.domain = static_cast<std::uint32_t>(dev->domain);
  device.address.bus = dev->bus;
  device.address.device = dev->dev;
  device.address.function = dev->func;
  device.vendorId = dev->vendor_id;
  device.deviceId = dev->device_id;
  device.subsystemVendorId = dev->subsys_vendor_id;
  device.subsystemDeviceId = dev->subsys_id;
  // The revision is config byte 8 (PCI_REVISION_ID); CLASS_EXT reads it from the sysfs "revision"
  // file when present, else from config space.
  device.revision = dev->rev_id;
  device.classCode = (static_cast<std::uint32_t>(dev->device_class) << 8) | dev->prog_if;
  return device;
}

// Every libpci call that may report a fatal error happens here, below the setjmp. Returns false
// when libpci reported one (the message is in context.error).
bool scanWithLibpci(pci_access* access, ScanContext& context, std::vector<PciDevice>& devices) {
  if (setjmp(context.jump) != 0) {
    return false;
  }
  pci_init(access);
  pci_scan_bus(access);
  for (pci_dev* dev = access->devices; dev != nullptr; dev = dev->next) {
    pci_fill_info(dev, kFillFlags);
    devices.push_back(toPciDevice(dev));
  }
  return true;
}

// The names libpci's sysfs_scan (lib/sysfs.c, 3.9) accepts under devices/: anything starting with
// '.' is skipped; the rest must parse as "%x:%x:%x.%d" with a domain that fits an int. An empty
// string when every entry does (or when the directory cannot be listed: libpci reports that
// before it holds anything), else the error.
std::string checkDeviceEntries(const std::string& busPath) {
  std::error_code error;
  std::filesystem::directory_iterator entries(busPath + "/devices", error);
  for (; !error && entries != std::filesystem::directory_iterator(); entries.increment(error)) {
    const std::string name = entries->path().filename().string();
    if (name.empty() || name[0] == '.') {
      continue;
    }
    unsigned int domain = 0;
    unsigned int bus = 0;
    unsigned int device = 0;
    int function = 0;
    if (std::sscanf(name.c_str(), "%x:%x:%x.%d", &domain, &bus, &device, &function) < 4 || domain > 0x7fffffffU) {
      return "entry devices/" + name + " is not a PCI address (domain:bus:device.function)";
    }
  }
  return {};
}

} // namespace

PciScanResult scanPciDevices(std::string_view sysfsRoot) {
  PciScanResult result;
  std::string busPath(sysfsRoot);
  while (busPath.size() > 1 && busPath.back() == '/') {
    busPath.pop_back();
  }
  busPath += "/bus/pci";

  if (std::string bad = checkDeviceEntries(busPath); !bad.empty()) {
    result.error = "libpci could not scan " + busPath + ": " + bad;
    return result;
  }

  pci_access* access = pci_alloc();
  access->error = onLibpciError;
  access->warning = onLibpciWarning;
  access->debug = onLibpciDebug;
  access->method = PCI_ACCESS_SYS_BUS_PCI;
  access->numeric_ids = 1;
  if (pci_set_param(access, const_cast<char*>("sysfs.path"), busPath.data()) != 0) {
    result.error = "libpci has no sysfs.path parameter";
    pci_cleanup(access);
    return result;
  }

  ScanContext context{};
  context.warnings = &result.warnings;
  ScanContext* const previous = currentScan;
  currentScan = &context;
  const bool scanned = scanWithLibpci(access, context, result.devices);
  pci_cleanup(access);
  currentScan = previous;

  if (!scanned) {
    result.devices.clear();
    result.error = "libpci could not scan " + busPath + ": " + context.error;
  }
  return result;
}

bool isGpuCandidate(const PciDevice& device, std::span<const PciId> extraMatches) {
  const std::uint32_t baseAndSubclass = device.classCode >> 8;
  if (device.vendorId == kNvidiaVendorId && (baseAndSubclass == 0x0300 || baseAndSubclass == 0x0302)) {
    return true;
  }
  const PciId id{device.vendorId, device.deviceId};
  return std::find(extraMatches.begin(), extraMatches.end(), id) != extraMatches.end();
}

std::vector<PciDevice> selectGpuCandidates(std::span<const PciDevice> devices, std::span<const PciId> extraMatches) {
  std::vector<PciDevice> candidates;
  for (const PciDevice& device : devices) {
    if (isGpuCandidate(device, extraMatches)) {
      candidates.push_back(device);
    }
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const PciDevice& a, const PciDevice& b) { return a.address < b.address; });
  return candidates;
}

std::string formatPciAddress(const PciAddress& address) {
  char text[32];
  static_cast<void>(std::snprintf(text, sizeof text, "%04x:%02x:%02x.%x", address.domain, address.bus, address.device,
                                  address.function));
  return text;
}

std::string formatNvmlBusId(const PciAddress& address) {
  char text[32];
  static_cast<void>(std::snprintf(text, sizeof text, "%08x:%02x:%02x.%x", address.domain, address.bus, address.device,
                                  address.function));
  return text;
}

} // namespace vgpu::device
