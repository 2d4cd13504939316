#include "fake_admin_server.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <list>
#include <memory>

namespace vgpu::test {

namespace {

QByteArray line(const QJsonObject& object) {
  return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray error(const QString& command, const QString& code, const QString& message) {
  QJsonObject object{{u"type"_qs, u"error"_qs}, {u"error"_qs, code}, {u"message"_qs, message}};
  if (!command.isEmpty()) {
    object.insert(u"cmd"_qs, command);
  }
  return line(object);
}

} // namespace

FakeAdminServer::FakeAdminServer(Options options) : options_(std::move(options)) {}

FakeAdminServer::~FakeAdminServer() {
  quit();
  wait();
}

bool FakeAdminServer::listen() {
  start();
  const QDeadlineTimer deadline(10000);
  while (!listening_ && !failed_ && !deadline.hasExpired()) {
    QThread::msleep(5);
  }
  return listening_;
}

QString FakeAdminServer::endpoint() const {
  if (options_.token) {
    return u"tcp:127.0.0.1:"_qs + QString::number(port_);
  }
  return u"unix:"_qs + options_.socketPath;
}

QList<QJsonObject> FakeAdminServer::requests() const {
  const QMutexLocker lock(&mutex_);
  return requests_;
}

QList<QJsonObject> FakeAdminServer::requests(const QString& command) const {
  QList<QJsonObject> matching;
  for (const QJsonObject& request : requests()) {
    if (request.value(u"cmd"_qs).toString() == command) {
      matching.append(request);
    }
  }
  return matching;
}

void FakeAdminServer::dropConnections() {
  ++dropGeneration_;
}

QByteArray FakeAdminServer::sampleLine() {
  QJsonObject sample = QJsonDocument::fromJson(options_.sample).object();
  sample.insert(u"seq"_qs, static_cast<qint64>(seq_++));
  return line(sample);
}

QByteArray FakeAdminServer::answer(const QJsonObject& request, bool* close, bool* subscribe, int* intervalMs) {
  const QString command = request.value(u"cmd"_qs).toString();
  const auto sessionExists = [&] {
    const qint64 id = request.value(u"session"_qs).toInteger(-1);
    const QJsonArray sessions = QJsonDocument::fromJson(options_.sample).object().value(u"sessions"_qs).toArray();
    for (const QJsonValue session : sessions) {
      if (session.toObject().value(u"id"_qs).toInteger(-2) == id) {
        return true;
      }
    }
    return false;
  };
  if (request.contains(u"raw"_qs)) {
    return error({}, u"malformed-json"_qs, u"not JSON"_qs);
  }
  if (command == u"hello") {
    if (options_.token && request.value(u"token"_qs).toString() != *options_.token) {
      *close = true;
      return error(command, u"refused"_qs, u"wrong token"_qs);
    }
    QJsonObject hello{{u"type"_qs, u"hello"_qs},
                      {u"protocol"_qs, 1},
                      {u"daemon_version"_qs, u"0.1.0"_qs},
                      {u"hostname"_qs, u"gpu-host-1"_qs},
                      {u"backend"_qs, u"cuda"_qs},
                      {u"simulated"_qs, false},
                      {u"pid"_qs, 812},
                      {u"started_ms"_qs, 1764158400000LL}};
    return options_.garbageBeforeHello + line(hello);
  }
  if (command == u"snapshot") {
    return sampleLine();
  }
  if (command == u"subscribe") {
    const QJsonValue interval = request.value(u"interval_ms"_qs);
    if (!interval.isDouble() || interval.toInt() < 100 || interval.toInt() > 10000) {
      return error(command, u"bad-request"_qs, u"interval_ms: an integer 100…10000"_qs);
    }
    *subscribe = true;
    *intervalMs = interval.toInt();
    return line({{u"type"_qs, u"ok"_qs}, {u"cmd"_qs, command}, {u"interval_ms"_qs, *intervalMs}}) + sampleLine();
  }
  if (command == u"unsubscribe") {
    *intervalMs = 0;
    return line({{u"type"_qs, u"ok"_qs}, {u"cmd"_qs, command}});
  }
  if (command == u"set-quota" || command == u"set-priority" || command == u"drain" || command == u"kill") {
    if (!request.value(u"session"_qs).isDouble()) {
      return error(command, u"bad-request"_qs, u"session: missing or not an integer"_qs);
    }
    if (command == u"set-quota" &&
        (!request.value(u"vram_quota_bytes"_qs).isDouble() || request.value(u"vram_quota_bytes"_qs).toDouble() < 0)) {
      return error(command, u"bad-request"_qs, u"vram_quota_bytes: missing or not an integer"_qs);
    }
    if (command == u"set-priority") {
      const QString priority = request.value(u"priority"_qs).toString();
      if (priority != u"low" && priority != u"normal" && priority != u"high") {
        return error(command, u"bad-request"_qs, u"priority: low, normal or high"_qs);
      }
    }
    if (!sessionExists()) {
      return error(command, u"no-such-session"_qs,
                   u"no session "_qs + QString::number(request.value(u"session"_qs).toInteger()));
    }
    QJsonObject ok = request;
    ok.insert(u"type"_qs, u"ok"_qs);
    return line(ok);
  }
  return error(command, u"unknown-cmd"_qs, u"unknown command"_qs);
}

void FakeAdminServer::run() {
  std::unique_ptr<QLocalServer> local;
  std::unique_ptr<QTcpServer> tcp;
  // Per connection: the device, its buffer, its subscription timer.
  struct Client {
    QIODevice* device = nullptr;
    QByteArray buffer;
    std::unique_ptr<QTimer> timer;
    int generation = 0;
  };
  std::list<Client> clients;

  const auto closeDevice = [](QIODevice* device) {
    if (auto* socket = qobject_cast<QLocalSocket*>(device)) {
      socket->flush();
      socket->disconnectFromServer();
    } else if (auto* tcpSocket = qobject_cast<QTcpSocket*>(device)) {
      tcpSocket->flush();
      tcpSocket->disconnectFromHost();
    }
  };

  const auto accept = [&](QIODevice* device) {
    clients.push_back(Client{device, {}, std::make_unique<QTimer>(), dropGeneration_});
    Client* client = &clients.back();
    if (options_.refuseEveryone) {
      device->write(error({}, u"refused"_qs, u"uid 1000 is not root, vgpud's uid or in group vgpud-admin"_qs));
      closeDevice(device);
      return;
    }
    QObject::connect(client->timer.get(), &QTimer::timeout, device, [this, device] { device->write(sampleLine()); });
    QObject::connect(device, &QIODevice::readyRead, device, [this, client, device, closeDevice] {
      client->buffer.append(device->readAll());
      qsizetype newline = 0;
      while ((newline = client->buffer.indexOf('\n')) >= 0) {
        const QByteArray text = client->buffer.left(newline);
        client->buffer.remove(0, newline + 1);
        QJsonParseError parseError{};
        QJsonObject request = QJsonDocument::fromJson(text, &parseError).object();
        if (parseError.error != QJsonParseError::NoError) {
          request = QJsonObject{{u"raw"_qs, QString::fromUtf8(text)}};
        }
        {
          const QMutexLocker lock(&mutex_);
          requests_.append(request);
        }
        bool close = false;
        bool subscribe = false;
        int intervalMs = -1;
        device->write(answer(request, &close, &subscribe, &intervalMs));
        if (subscribe) {
          client->timer->start(intervalMs);
        } else if (intervalMs == 0) {
          client->timer->stop();
        }
        if (close) {
          closeDevice(device);
          return;
        }
      }
    });
  };

  if (options_.token) {
    tcp = std::make_unique<QTcpServer>();
    if (!tcp->listen(QHostAddress::LocalHost, 0)) {
      failed_ = true;
      return;
    }
    port_ = tcp->serverPort();
    QObject::connect(tcp.get(), &QTcpServer::newConnection, tcp.get(), [&] {
      while (QTcpSocket* socket = tcp->nextPendingConnection()) {
        accept(socket);
      }
    });
  } else {
    QLocalServer::removeServer(options_.socketPath);
    local = std::make_unique<QLocalServer>();
    if (!local->listen(options_.socketPath)) {
      failed_ = true;
      return;
    }
    QObject::connect(local.get(), &QLocalServer::newConnection, local.get(), [&] {
      while (QLocalSocket* socket = local->nextPendingConnection()) {
        accept(socket);
      }
    });
  }
  // Drops requested by the test thread are carried out here, in the sockets' thread.
  QTimer dropper;
  QObject::connect(&dropper, &QTimer::timeout, &dropper, [&] {
    for (Client& client : clients) {
      if (client.generation != dropGeneration_) {
        client.generation = dropGeneration_;
        client.timer->stop();
        closeDevice(client.device);
      }
    }
  });
  dropper.start(20);
  listening_ = true;
  exec();
  dropper.stop();
  for (Client& client : clients) {
    client.timer.reset();
  }
  clients.clear();
  tcp.reset();
  local.reset();
}

} // namespace vgpu::test
