// ProcessConnection (private to TelemetryClient): one QLocalSocket to one process's control
// socket. Sends hello + subscribe once connected, splits the stream into lines under a length
// bound (a longer line is reported and skipped up to its newline, never buffered whole), decodes
// them and hands the results to the client through the Handlers.
#pragma once

#include "telemetry/telemetry_decoder.h"

#include <QLocalSocket>
#include <functional>
#include <optional>

namespace vgpu::controller::telemetry {

class ProcessConnection : public QObject {
public:
  struct Handlers {
    std::function<void(const DecodedLine&)> decoded;
    std::function<void(const QString&)> badLine; // the line was skipped
    // Connecting failed: `refused` when nothing accepts on the socket (ECONNREFUSED/ENOENT).
    std::function<void(const QString& why, bool refused)> connectFailed;
    std::function<void()> closed; // an established connection ended
  };

  ProcessConnection(qint64 pid, QString path, int intervalMs, qsizetype maxLineBytes, Handlers handlers);

  ~ProcessConnection() override;
  ProcessConnection(const ProcessConnection&) = delete;
  ProcessConnection& operator=(const ProcessConnection&) = delete;

  // Connects (a failure may be reported before this returns).
  void start();
  // Stops every handler call from now on and closes the socket (before deleteLater, and when
  // destroyed, so a closing socket never calls into a client that has moved on).
  void detach();

  qint64 pid() const { return pid_; }
  const QString& path() const { return path_; }
  bool established() const { return established_; }
  // Writes one request line (a compact JSON object); false when not connected.
  bool send(const QJsonObject& request);
  void subscribe(int intervalMs);

  std::optional<ProcessHello> hello;
  std::optional<Sample> latest;
  bool appeared = false; // processAppeared was emitted

private:
  void onConnected();
  void onReadyRead();
  void onError(QLocalSocket::LocalSocketError error);
  void onDisconnected();

  qint64 pid_;
  QString path_;
  int intervalMs_;
  qsizetype maxLineBytes_;
  Handlers handlers_;
  QLocalSocket socket_;
  QByteArray buffer_;
  bool skippingLongLine_ = false;
  bool established_ = false;
  bool finished_ = false; // a failure or close has been reported
};

} // namespace vgpu::controller::telemetry
