// A stand-in for vgpud's admin socket (docs/management-protocol.md) for the client tests: a
// QLocalServer (or, with a token, a QTcpServer on 127.0.0.1) on its own thread, so in-process
// vgpuctl commands may block on it. It answers hello, snapshot, subscribe/unsubscribe and the
// actions per the spec from a fixture sample, refuses when told to (or on a wrong token), and
// records every request it was sent.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>
#include <QThread>
#include <atomic>
#include <optional>

namespace vgpu::test {

class FakeAdminServer : public QThread {
public:
  struct Options {
    QString socketPath;            // unix: listen here
    std::optional<QString> token;  // set: listen on tcp 127.0.0.1 (a free port) and demand it in hello
    QByteArray sample;             // the sample line served (its "seq" is replaced per sample)
    bool refuseEveryone = false;   // answer every connection with one "refused" line and close it
    QByteArray garbageBeforeHello; // a line sent before the hello reply (the client must cope)
  };

  explicit FakeAdminServer(Options options);
  ~FakeAdminServer() override;

  // Starts the thread and waits until it listens; false when it cannot.
  bool listen();
  // "unix:PATH" or "tcp:127.0.0.1:PORT".
  QString endpoint() const;
  // Every request line received so far, parsed (unparseable lines as {"raw": text}).
  QList<QJsonObject> requests() const;
  // Requests whose "cmd" is `command`.
  QList<QJsonObject> requests(const QString& command) const;
  // Closes every open connection (the clients see vgpud go away); the server keeps listening.
  void dropConnections();

protected:
  void run() override;

private:
  QByteArray answer(const QJsonObject& request, bool* close, bool* subscribe, int* intervalMs);
  QByteArray sampleLine();

  Options options_;
  mutable QMutex mutex_;
  QList<QJsonObject> requests_;
  std::atomic<int> port_{0};
  std::atomic<bool> listening_{false};
  std::atomic<bool> failed_{false};
  std::atomic<int> dropGeneration_{0};
  std::atomic<std::uint64_t> seq_{0};
};

} // namespace vgpu::test
