#include "host/host_endpoint.h"

#include "common/bounded_file.h"

namespace vgpu::controller::host {

QString HostEndpoint::text() const {
  if (kind == Kind::Unix) {
    return u"unix:"_qs + path;
  }
  const QString shownHost = host.contains(u':') ? u'[' + host + u']' : host;
  return u"tcp:"_qs + shownHost + u':' + QString::number(port);
}

std::optional<HostEndpoint> parseHostEndpoint(const QString& text, QString* error) {
  HostEndpoint endpoint;
  if (text.startsWith(u"unix:")) {
    endpoint.path = text.mid(5);
    if (endpoint.path.isEmpty()) {
      *error = u"'unix:' needs a socket path (unix:/run/vgpud-admin.sock)"_qs;
      return std::nullopt;
    }
    return endpoint;
  }
  if (text.startsWith(u"tcp:")) {
    endpoint.kind = HostEndpoint::Kind::Tcp;
    const QString rest = text.mid(4);
    const qsizetype colon = rest.lastIndexOf(u':');
    bool portOk = false;
    const uint port = colon > 0 ? rest.mid(colon + 1).toUInt(&portOk) : 0;
    endpoint.host = colon > 0 ? rest.left(colon) : QString();
    if (endpoint.host.startsWith(u'[') && endpoint.host.endsWith(u']')) {
      endpoint.host = endpoint.host.mid(1, endpoint.host.size() - 2);
    }
    if (!portOk || port == 0 || port > 65535 || endpoint.host.isEmpty()) {
      *error = u"cannot read '"_qs + text + u"': expected tcp:HOST:PORT (e.g. tcp:10.0.0.5:7070)"_qs;
      return std::nullopt;
    }
    endpoint.port = static_cast<quint16>(port);
    return endpoint;
  }
  *error = u"cannot read '"_qs + text + u"': expected unix:PATH or tcp:HOST:PORT"_qs;
  return std::nullopt;
}

std::optional<QString> readAdminToken(const QString& path, QString* error) {
  const BoundedFile file = readBoundedFile(path, kMaxAdminTokenBytes);
  if (!file.ok) {
    *error = u"cannot read the token file "_qs + path + u": "_qs + file.error;
    return std::nullopt;
  }
  const QString token = QString::fromUtf8(file.bytes).trimmed();
  if (token.isEmpty()) {
    *error = u"the token file "_qs + path + u" is empty"_qs;
    return std::nullopt;
  }
  return token;
}

} // namespace vgpu::controller::host
