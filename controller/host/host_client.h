// HostClient: a live, reconnecting view of one vgpud's admin socket for the console's Hosts page
// and `vgpuctl host watch`. Connects, says hello, subscribes at the interval and emits every
// sample; when the connection fails or ends it says why and tries again after the retry delay
// (a refusal too: group membership or the token may be fixed meanwhile). Needs an event loop.
#pragma once

#include "host/host_decoder.h"
#include "host/host_endpoint.h"

#include <QObject>
#include <QTimer>
#include <memory>

namespace vgpu::controller::host {

class AdminSocket;

class HostClient : public QObject {
  Q_OBJECT

public:
  struct Options {
    HostEndpoint endpoint;
    std::optional<QString> token;
    int intervalMs = 1000; // 100…10000, the protocol's range
    int retryMs = 2000;
  };

  explicit HostClient(Options options, QObject* parent = nullptr);
  ~HostClient() override;

  void start();
  void stop();
  bool isConnected() const { return hello_.has_value(); }
  const std::optional<HostHello>& hello() const { return hello_; }
  const std::optional<HostSample>& latest() const { return latest_; }
  const Options& options() const { return options_; }

  // Sends an action (set-quota, …); its reply arrives as actionReplied / actionFailed.
  bool sendAction(const QJsonObject& request);

signals:
  void connected(const vgpu::controller::host::HostHello& hello);
  void sampleReceived(const vgpu::controller::host::HostSample& sample);
  void actionReplied(const QString& command, const QJsonObject& reply);
  void actionFailed(const vgpu::controller::host::HostServerError& error);
  // The connection failed or ended (`why` says what to do next); a retry follows.
  void disconnected(const QString& why, bool refused);
  // A line that could not be read (skipped; the connection stays).
  void badReply(const QString& what);

private:
  void connectNow();
  void onConnected();
  void onReadyRead();
  void lost(const QString& why, bool refused);
  void send(const QJsonObject& request);

  Options options_;
  std::unique_ptr<AdminSocket> socket_;
  std::unique_ptr<AdminSocket> retired_; // a lost connection, deleted outside its own signals
  QTimer retry_;
  std::optional<HostHello> hello_;
  std::optional<HostSample> latest_;
  bool running_ = false;
  bool reported_ = false; // this connection's loss was reported
};

} // namespace vgpu::controller::host
