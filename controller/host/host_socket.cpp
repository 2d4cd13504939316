#include "host/host_socket.h"

#include <QLocalSocket>
#include <QTcpSocket>

namespace vgpu::controller::host {

AdminSocket::AdminSocket(HostEndpoint endpoint) : endpoint_(std::move(endpoint)) {
  if (endpoint_.kind == HostEndpoint::Kind::Unix) {
    local_ = std::make_unique<QLocalSocket>();
  } else {
    tcp_ = std::make_unique<QTcpSocket>();
  }
}

AdminSocket::~AdminSocket() {
  if (local_) {
    local_->disconnect();
    local_->abort();
  }
  if (tcp_) {
    tcp_->disconnect();
    tcp_->abort();
  }
}

QIODevice* AdminSocket::device() const {
  return local_ ? static_cast<QIODevice*>(local_.get()) : static_cast<QIODevice*>(tcp_.get());
}

void AdminSocket::connectToServer() {
  buffer_.clear();
  if (local_) {
    local_->connectToServer(endpoint_.path);
  } else {
    tcp_->connectToHost(endpoint_.host, endpoint_.port);
  }
}

bool AdminSocket::waitForConnected(int ms) {
  return local_ ? local_->waitForConnected(ms) : tcp_->waitForConnected(ms);
}

bool AdminSocket::isConnected() const {
  return local_ ? local_->state() == QLocalSocket::ConnectedState : tcp_->state() == QAbstractSocket::ConnectedState;
}

bool AdminSocket::waitForReadyRead(int ms) {
  return local_ ? local_->waitForReadyRead(ms) : tcp_->waitForReadyRead(ms);
}

void AdminSocket::abort() {
  if (local_) {
    local_->abort();
  } else {
    tcp_->abort();
  }
}

void AdminSocket::onConnected(QObject* receiver, std::function<void()> handler) {
  if (local_) {
    QObject::connect(local_.get(), &QLocalSocket::connected, receiver, std::move(handler));
  } else {
    QObject::connect(tcp_.get(), &QTcpSocket::connected, receiver, std::move(handler));
  }
}

void AdminSocket::onError(QObject* receiver, std::function<void()> handler) {
  if (local_) {
    QObject::connect(local_.get(), &QLocalSocket::errorOccurred, receiver,
                     [handler = std::move(handler)](auto) { handler(); });
  } else {
    QObject::connect(tcp_.get(), &QTcpSocket::errorOccurred, receiver,
                     [handler = std::move(handler)](auto) { handler(); });
  }
}

void AdminSocket::onDisconnected(QObject* receiver, std::function<void()> handler) {
  if (local_) {
    QObject::connect(local_.get(), &QLocalSocket::disconnected, receiver, std::move(handler));
  } else {
    QObject::connect(tcp_.get(), &QTcpSocket::disconnected, receiver, std::move(handler));
  }
}

void AdminSocket::onReadyRead(QObject* receiver, std::function<void()> handler) {
  QObject::connect(device(), &QIODevice::readyRead, receiver, std::move(handler));
}

QString AdminSocket::connectFailureText() const {
  const QString where = endpoint_.text();
  if (local_) {
    switch (local_->error()) {
    case QLocalSocket::ServerNotFoundError:
      return where + u": no such socket: is vgpud running with admin-listen = "_qs + where +
             u" (vgpud.conf or --admin-listen)?"_qs;
    case QLocalSocket::ConnectionRefusedError:
      return where + u": nothing accepts connections there: is vgpud running?"_qs;
    case QLocalSocket::SocketAccessError:
      return where + u": permission denied: you need to be root or in group "_qs +
             QString::fromLatin1(kDefaultAdminGroup) + u" (then log in again)"_qs;
    case QLocalSocket::SocketTimeoutError: return where + u": vgpud did not answer in time"_qs;
    case QLocalSocket::PeerClosedError: return where + u": vgpud closed the connection"_qs;
    default: return where + u": "_qs + local_->errorString();
    }
  }
  switch (tcp_->error()) {
  case QAbstractSocket::ConnectionRefusedError:
    return where + u": connection refused: is vgpud running with admin-listen = "_qs + where + u"?"_qs;
  case QAbstractSocket::HostNotFoundError: return where + u": unknown host"_qs;
  case QAbstractSocket::SocketTimeoutError: return where + u": vgpud did not answer in time"_qs;
  case QAbstractSocket::RemoteHostClosedError: return where + u": vgpud closed the connection"_qs;
  default: return where + u": "_qs + tcp_->errorString();
  }
}

bool AdminSocket::send(const QByteArray& json) {
  if (!isConnected()) {
    return false;
  }
  return device()->write(json + '\n') == json.size() + 1;
}

bool AdminSocket::takeLine(QByteArray* line, bool* overlong) {
  *overlong = false;
  buffer_.append(device()->readAll());
  const qsizetype newline = buffer_.indexOf('\n');
  if (newline < 0) {
    *overlong = buffer_.size() > kMaxReplyLineBytes;
    return false;
  }
  if (newline > kMaxReplyLineBytes) {
    *overlong = true;
    return false;
  }
  *line = buffer_.left(newline);
  buffer_.remove(0, newline + 1);
  return true;
}

QString refusedAdvice(const HostEndpoint& endpoint) {
  if (endpoint.kind == HostEndpoint::Kind::Tcp) {
    return u"vgpud refused the connection: give the admin token with --token-file (vgpud's admin-token-file, "
           u"not the tenants' token)"_qs;
  }
  return u"vgpud refused the connection: you need to be root or in group "_qs +
         QString::fromLatin1(kDefaultAdminGroup) + u" (vgpud's admin-group; then log in again)"_qs;
}

} // namespace vgpu::controller::host
