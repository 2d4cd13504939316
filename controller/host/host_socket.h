// AdminSocket (private to the host clients): one connection to vgpud's admin socket over a
// QLocalSocket (unix:) or a QTcpSocket (tcp:), with the line framing of the protocol (a line
// longer than the bound is an error, never buffered whole) and failures phrased with what to do
// next (the socket missing, permission denied, nothing listening).
#pragma once

#include "host/host_endpoint.h"

#include <QByteArray>
#include <QIODevice>
#include <QObject>
#include <functional>
#include <memory>

class QLocalSocket;
class QTcpSocket;

namespace vgpu::controller::host {

// The longest reply line accepted (a sample with many sessions stays far below).
inline constexpr qsizetype kMaxReplyLineBytes = qsizetype{8} << 20;

class AdminSocket {
public:
  explicit AdminSocket(HostEndpoint endpoint);
  ~AdminSocket();
  AdminSocket(const AdminSocket&) = delete;
  AdminSocket& operator=(const AdminSocket&) = delete;

  QIODevice* device() const;
  const HostEndpoint& endpoint() const { return endpoint_; }

  // Starts connecting (asynchronous).
  void connectToServer();
  // Blocking connect, at most `ms`.
  bool waitForConnected(int ms);
  bool isConnected() const;
  // Blocking read of more bytes, at most `ms`.
  bool waitForReadyRead(int ms);
  void abort();

  // Connect to the socket's signals (the receiver's thread): connected, failed (before or after
  // connecting, with connectFailureText()), disconnected, readyRead.
  void onConnected(QObject* receiver, std::function<void()> handler);
  void onError(QObject* receiver, std::function<void()> handler);
  void onDisconnected(QObject* receiver, std::function<void()> handler);
  void onReadyRead(QObject* receiver, std::function<void()> handler);

  // Why connecting failed, with the next step ("is vgpud running with admin-listen = …?").
  QString connectFailureText() const;

  // Writes one request line (compact JSON + '\n').
  bool send(const QByteArray& json);

  // The next complete line from what has arrived (without '\n'), or false. A line over
  // kMaxReplyLineBytes sets `overlong`.
  bool takeLine(QByteArray* line, bool* overlong);

private:
  HostEndpoint endpoint_;
  std::unique_ptr<QLocalSocket> local_;
  std::unique_ptr<QTcpSocket> tcp_;
  QByteArray buffer_;
};

// The next step after vgpud refused a connection ("refused"): group membership, or the token.
QString refusedAdvice(const HostEndpoint& endpoint);

} // namespace vgpu::controller::host
