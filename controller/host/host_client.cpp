#include "host/host_client.h"

#include "host/host_socket.h"

#include <QJsonDocument>

namespace vgpu::controller::host {

HostClient::HostClient(Options options, QObject* parent) : QObject(parent), options_(std::move(options)) {
  qRegisterMetaType<HostHello>();
  qRegisterMetaType<HostSample>();
  qRegisterMetaType<HostServerError>();
  retry_.setSingleShot(true);
  connect(&retry_, &QTimer::timeout, this, &HostClient::connectNow);
}

HostClient::~HostClient() {
  stop();
}

void HostClient::start() {
  running_ = true;
  connectNow();
}

void HostClient::stop() {
  running_ = false;
  retry_.stop();
  socket_.reset();
  retired_.reset();
  hello_.reset();
}

void HostClient::connectNow() {
  if (!running_) {
    return;
  }
  hello_.reset();
  reported_ = false;
  retired_.reset();
  socket_ = std::make_unique<AdminSocket>(options_.endpoint);
  socket_->onConnected(this, [this] { onConnected(); });
  socket_->onReadyRead(this, [this] { onReadyRead(); });
  socket_->onError(this, [this] { lost(socket_->connectFailureText(), false); });
  socket_->onDisconnected(this,
                          [this] { lost(options_.endpoint.text() + u": vgpud closed the connection"_qs, false); });
  socket_->connectToServer();
}

void HostClient::send(const QJsonObject& request) {
  if (socket_) {
    socket_->send(QJsonDocument(request).toJson(QJsonDocument::Compact));
  }
}

void HostClient::onConnected() {
  QJsonObject hello{{u"cmd"_qs, u"hello"_qs}};
  if (options_.token) {
    hello.insert(u"token"_qs, *options_.token);
  }
  send(hello);
  send(QJsonObject{{u"cmd"_qs, u"subscribe"_qs}, {u"interval_ms"_qs, qBound(100, options_.intervalMs, 10000)}});
}

bool HostClient::sendAction(const QJsonObject& request) {
  if (!socket_ || !hello_) {
    return false;
  }
  send(request);
  return true;
}

void HostClient::onReadyRead() {
  if (!socket_) {
    return;
  }
  QByteArray line;
  bool overlong = false;
  while (socket_ && socket_->takeLine(&line, &overlong)) {
    if (line.trimmed().isEmpty()) {
      continue;
    }
    const HostDecodedLine decoded = decodeHostLine(line);
    if (const auto* error = std::get_if<HostDecodeError>(&decoded)) {
      emit badReply(options_.endpoint.text() + u": "_qs + error->message);
    } else if (const auto* hello = std::get_if<HostHello>(&decoded)) {
      hello_ = *hello;
      emit connected(*hello);
    } else if (const auto* sample = std::get_if<HostSample>(&decoded)) {
      latest_ = *sample;
      emit sampleReceived(*sample);
    } else if (const auto* ok = std::get_if<HostOk>(&decoded)) {
      if (ok->command != u"subscribe" && ok->command != u"unsubscribe") {
        emit actionReplied(ok->command, ok->json);
      }
    } else if (const auto* serverError = std::get_if<HostServerError>(&decoded)) {
      if (serverError->code == u"refused") {
        lost(refusedAdvice(options_.endpoint), true);
        return;
      }
      emit actionFailed(*serverError);
    }
  }
  if (overlong) {
    lost(options_.endpoint.text() + u": a reply line longer than "_qs + QString::number(kMaxReplyLineBytes) +
             u" bytes"_qs,
         false);
  }
}

void HostClient::lost(const QString& why, bool refused) {
  if (reported_) {
    return;
  }
  reported_ = true;
  hello_.reset();
  // The socket is kept until the next connection: this may run inside one of its signals.
  if (socket_) {
    socket_->device()->disconnect(this);
    retired_ = std::move(socket_);
  }
  emit disconnected(why, refused);
  if (running_) {
    retry_.start(options_.retryMs);
  }
}

} // namespace vgpu::controller::host
