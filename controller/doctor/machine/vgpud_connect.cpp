// connectVgpudEndpoint: the endpoint's transport chosen by its prefix (the shims' parser accepted it).
#include "doctor/machine/vgpud_connect.h"

#include "vgpu/tcp_socket.h"

namespace vgpu::controller::doctor {

SocketResult connectVgpudEndpoint(const QString& endpoint, int timeoutMilliseconds) {
  if (endpoint.startsWith(QLatin1String("tcp:"))) {
    return connectTcp(endpoint.mid(4).toStdString(), timeoutMilliseconds);
  }
  if (endpoint.startsWith(QLatin1String("vsock:"))) {
    return connectVsock(endpoint.mid(6).toStdString(), timeoutMilliseconds);
  }
  return connectUnix(endpoint.mid(5).toStdString());
}

} // namespace vgpu::controller::doctor
