#include "host/host_connection.h"

#include "host/host_socket.h"

#include <QDeadlineTimer>
#include <QJsonDocument>

namespace vgpu::controller::host {

HostConnection::HostConnection(Options options) : options_(std::move(options)) {}

HostConnection::~HostConnection() = default;

bool HostConnection::fail(HostFailure kind, const QString& text) {
  failure_ = kind;
  error_ = text;
  if (socket_) {
    socket_->abort();
  }
  return false;
}

bool HostConnection::isOpen() const {
  return socket_ && socket_->isConnected() && hello_.has_value();
}

void HostConnection::close() {
  if (socket_) {
    socket_->abort();
  }
  socket_.reset();
  hello_.reset();
}

bool HostConnection::open() {
  close();
  failure_ = HostFailure::None;
  error_.clear();
  serverError_.reset();
  socket_ = std::make_unique<AdminSocket>(options_.endpoint);
  socket_->connectToServer();
  if (!socket_->waitForConnected(static_cast<int>(options_.timeout.count()))) {
    return fail(HostFailure::Unreachable, socket_->connectFailureText());
  }
  QJsonObject request{{u"cmd"_qs, u"hello"_qs}};
  if (options_.token) {
    request.insert(u"token"_qs, *options_.token);
  }
  const std::optional<HostDecodedLine> reply = exchange(request, false);
  if (!reply) {
    return false;
  }
  if (const auto* hello = std::get_if<HostHello>(&*reply)) {
    hello_ = *hello;
    return true;
  }
  if (std::holds_alternative<HostServerError>(*reply) || failure_ == HostFailure::Refused) {
    return false;
  }
  return fail(HostFailure::Protocol, options_.endpoint.text() + u": vgpud did not answer hello with hello"_qs);
}

std::optional<HostDecodedLine> HostConnection::nextReply(bool wantSample) {
  const QDeadlineTimer deadline(options_.timeout);
  while (true) {
    QByteArray line;
    bool overlong = false;
    while (socket_->takeLine(&line, &overlong)) {
      if (line.trimmed().isEmpty()) {
        continue;
      }
      HostDecodedLine decoded = decodeHostLine(line);
      if (const auto* error = std::get_if<HostDecodeError>(&decoded)) {
        fail(HostFailure::Protocol, options_.endpoint.text() + u": cannot read vgpud's reply: "_qs + error->message);
        return std::nullopt;
      }
      if (std::holds_alternative<HostUnknownReply>(decoded) ||
          (std::holds_alternative<HostSample>(decoded) && !wantSample)) {
        continue;
      }
      if (const auto* error = std::get_if<HostServerError>(&decoded)) {
        serverError_ = *error;
        if (error->code == u"refused") {
          fail(HostFailure::Refused, refusedAdvice(options_.endpoint));
          return std::nullopt;
        }
        failure_ = HostFailure::Server;
        error_ = error->message.isEmpty() ? error->code : error->code + u": "_qs + error->message;
      }
      return decoded;
    }
    if (overlong) {
      fail(HostFailure::Protocol, options_.endpoint.text() + u": a reply line longer than "_qs +
                                      QString::number(kMaxReplyLineBytes) + u" bytes"_qs);
      return std::nullopt;
    }
    if (!socket_->isConnected() && socket_->device()->bytesAvailable() == 0) {
      fail(HostFailure::Unreachable, options_.endpoint.text() + u": vgpud closed the connection"_qs);
      return std::nullopt;
    }
    const qint64 left = deadline.remainingTime();
    if (left <= 0) {
      fail(HostFailure::Unreachable, options_.endpoint.text() + u": vgpud did not answer within "_qs +
                                         QString::number(options_.timeout.count()) + u" ms"_qs);
      return std::nullopt;
    }
    socket_->waitForReadyRead(static_cast<int>(left));
  }
}

std::optional<HostDecodedLine> HostConnection::exchange(const QJsonObject& request, bool wantSample) {
  serverError_.reset();
  if (!socket_) {
    fail(HostFailure::Unreachable, options_.endpoint.text() + u": not connected"_qs);
    return std::nullopt;
  }
  // A failed write still reads what vgpud sent before closing (its "refused" line).
  socket_->send(QJsonDocument(request).toJson(QJsonDocument::Compact));
  return nextReply(wantSample);
}

std::optional<HostSample> HostConnection::snapshot() {
  const std::optional<HostDecodedLine> reply = exchange(QJsonObject{{u"cmd"_qs, u"snapshot"_qs}}, true);
  if (!reply) {
    return std::nullopt;
  }
  if (const auto* sample = std::get_if<HostSample>(&*reply)) {
    return *sample;
  }
  if (!std::holds_alternative<HostServerError>(*reply)) {
    fail(HostFailure::Protocol, options_.endpoint.text() + u": vgpud did not answer snapshot with a sample"_qs);
  }
  return std::nullopt;
}

std::optional<HostOk> HostConnection::action(const QJsonObject& request) {
  const std::optional<HostDecodedLine> reply = exchange(request, false);
  if (!reply) {
    return std::nullopt;
  }
  if (const auto* ok = std::get_if<HostOk>(&*reply)) {
    return *ok;
  }
  if (!std::holds_alternative<HostServerError>(*reply)) {
    fail(HostFailure::Protocol,
         options_.endpoint.text() + u": unexpected reply to "_qs + request.value(u"cmd"_qs).toString());
  }
  return std::nullopt;
}

QJsonObject setQuotaRequest(std::uint64_t session, std::uint64_t vramQuotaBytes) {
  return {{u"cmd"_qs, u"set-quota"_qs},
          {u"session"_qs, static_cast<qint64>(session)},
          {u"vram_quota_bytes"_qs, static_cast<qint64>(vramQuotaBytes)}};
}

QJsonObject setPriorityRequest(std::uint64_t session, const QString& priority) {
  return {{u"cmd"_qs, u"set-priority"_qs}, {u"session"_qs, static_cast<qint64>(session)}, {u"priority"_qs, priority}};
}

QJsonObject drainRequest(std::uint64_t session) {
  return {{u"cmd"_qs, u"drain"_qs}, {u"session"_qs, static_cast<qint64>(session)}};
}

QJsonObject killRequest(std::uint64_t session) {
  return {{u"cmd"_qs, u"kill"_qs}, {u"session"_qs, static_cast<qint64>(session)}};
}

} // namespace vgpu::controller::host
