// One connection to a process's control socket: connect, request, line splitting with a bound,
// decoding. See process_connection.h.
#include "telemetry/process_connection.h"

#include <QJsonDocument>

namespace vgpu::controller::telemetry {

ProcessConnection::ProcessConnection(qint64 pid, QString path, int intervalMs, qsizetype maxLineBytes,
                                     Handlers handlers)
    : pid_(pid), path_(std::move(path)), intervalMs_(intervalMs), maxLineBytes_(maxLineBytes),
      handlers_(std::move(handlers)) {
  connect(&socket_, &QLocalSocket::connected, this, &ProcessConnection::onConnected);
  connect(&socket_, &QLocalSocket::readyRead, this, &ProcessConnection::onReadyRead);
  connect(&socket_, &QLocalSocket::errorOccurred, this, &ProcessConnection::onError);
  connect(&socket_, &QLocalSocket::disconnected, this, &ProcessConnection::onDisconnected);
}

ProcessConnection::~ProcessConnection() {
  detach();
}

void ProcessConnection::detach() {
  finished_ = true;
  QObject::disconnect(&socket_, nullptr, this, nullptr);
  socket_.abort();
}

void ProcessConnection::start() {
  socket_.connectToServer(path_);
}

bool ProcessConnection::send(const QJsonObject& request) {
  if (!established_ || socket_.state() != QLocalSocket::ConnectedState) {
    return false;
  }
  socket_.write(QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n');
  return true;
}

void ProcessConnection::subscribe(int intervalMs) {
  intervalMs_ = intervalMs;
  send({{QStringLiteral("cmd"), QStringLiteral("subscribe")}, {QStringLiteral("interval_ms"), intervalMs_}});
}

void ProcessConnection::onConnected() {
  established_ = true;
  send({{QStringLiteral("cmd"), QStringLiteral("hello")}});
  subscribe(intervalMs_);
}

void ProcessConnection::onReadyRead() {
  buffer_.append(socket_.readAll());
  while (!finished_) {
    const qsizetype end = buffer_.indexOf('\n');
    if (end < 0) {
      if (buffer_.size() > maxLineBytes_) {
        // Drop what we have and keep dropping until the newline: the bound holds for any stream.
        if (!skippingLongLine_) {
          handlers_.badLine(QStringLiteral("reply line longer than %1 bytes skipped").arg(maxLineBytes_));
        }
        skippingLongLine_ = true;
        buffer_.clear();
      }
      return;
    }
    const QByteArray line = buffer_.left(end);
    buffer_.remove(0, end + 1);
    if (skippingLongLine_) {
      skippingLongLine_ = false; // the tail of the over-long line
      continue;
    }
    if (line.size() > maxLineBytes_) {
      handlers_.badLine(QStringLiteral("reply line longer than %1 bytes skipped").arg(maxLineBytes_));
      continue;
    }
    if (line.trimmed().isEmpty()) {
      continue;
    }
    const DecodedLine decoded = decodeTelemetryLine(line);
    if (const auto* error = std::get_if<DecodeError>(&decoded)) {
      handlers_.badLine(error->message);
      continue;
    }
    handlers_.decoded(decoded); // may end in this object's deletion later (deleteLater), never now
  }
}

void ProcessConnection::onError(QLocalSocket::LocalSocketError error) {
  if (finished_) {
    return;
  }
  if (!established_) {
    finished_ = true;
    const bool refused = error == QLocalSocket::ConnectionRefusedError || error == QLocalSocket::ServerNotFoundError;
    handlers_.connectFailed(socket_.errorString(), refused);
    return;
  }
  if (error != QLocalSocket::PeerClosedError) {
    handlers_.badLine(socket_.errorString());
  }
  onDisconnected();
}

void ProcessConnection::onDisconnected() {
  if (finished_) {
    return;
  }
  finished_ = true;
  if (established_) {
    handlers_.closed();
  }
}

} // namespace vgpu::controller::telemetry
