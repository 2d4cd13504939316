// Talking to vgpud at a guest endpoint as the shims do, for the install wizard's Test connection
// (the connect is vgpud_connect.h's, shared with the doctor's shim.vgpud-endpoint): a session hello with the token and
// the guest's stub devices, whose reply is vgpud's device snapshot (name, memory, UUID of the GPU that would execute
// the work). A failure says what went wrong and what to do about it (vgpud not running, wrong token, firewall).
#pragma once

#include <QList>
#include <QString>
#include <QtGlobal>

namespace vgpu::controller::doctor {

struct VgpudHelloRequest {
  QString endpoint;
  QString tokenFile;     // host path of the token (tcp/vsock); "" = none
  QString sysfsRoot;     // host path of the sysfs tree the guest's stub GPU is found in
  QString machineIdFile; // host path of /etc/machine-id (the guest-derived UUID)
  int timeoutMilliseconds = 3000;
};

struct VgpudDevice {
  QString name;
  quint64 totalMemoryBytes = 0;
  QString uuid; // "GPU-…"
  QString pciBusId;
  bool simulated = false;
};

struct VgpudHelloResult {
  bool ok = false;
  QString error;  // what failed, naming the endpoint
  QString remedy; // what to do about it
  QString daemonVersion;
  QString backend; // "sim" or "cuda"
  QList<VgpudDevice> devices;
};

// Blocking (run it off the GUI thread): discovery of the stub devices, connect, hello, reply.
VgpudHelloResult probeVgpudHello(const VgpudHelloRequest& request);

} // namespace vgpu::controller::doctor
