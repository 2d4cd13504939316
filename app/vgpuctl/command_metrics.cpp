// `vgpuctl metrics [--once | --listen ADDR:PORT [--allow-remote]] [--runtime-dir DIR] [--timeout MS]`:
// the Prometheus text exposition (0.0.4) of every shim process (families: docs/metrics.md).
// --once prints one exposition and exits. --listen (default 127.0.0.1:9400) serves it over HTTP on
// that address only: GET /metrics takes a snapshot from every control socket over connections kept
// between scrapes (SnapshotSession: no connect and hello per process and scrape); any other path is
// 404, any other method 405. A non-loopback address needs --allow-remote, because the figures
// name executables and users. Port 0 picks a free port; the address actually bound is printed as
// "listening on http://ADDR:PORT/metrics". Exit codes: 0, 1 cannot listen, 2 usage.
#include "vgpuctl_command.h"

#include "telemetry/prometheus_exposition.h"
#include "telemetry/runtime_directory.h"
#include "telemetry/telemetry_snapshot.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <optional>

namespace vgpu::cli {
namespace {

using namespace vgpu::controller::telemetry;

constexpr qsizetype kMaxRequestBytes = 16384;

struct ListenAddress {
  QHostAddress address;
  quint16 port = 0;
};

// "127.0.0.1:9400", "[::1]:9400", "localhost:9400"; nullopt when malformed.
std::optional<ListenAddress> parseListen(const QString& text) {
  const qsizetype colon = text.lastIndexOf(u':');
  if (colon <= 0) {
    return std::nullopt;
  }
  QString host = text.left(colon);
  bool portOk = false;
  const uint port = text.mid(colon + 1).toUInt(&portOk);
  if (!portOk || port > 65535) {
    return std::nullopt;
  }
  if (host.startsWith(u'[') && host.endsWith(u']')) {
    host = host.mid(1, host.size() - 2);
  }
  ListenAddress result;
  result.port = static_cast<quint16>(port);
  if (host == u"localhost") {
    result.address = QHostAddress(QHostAddress::LocalHost);
  } else if (!result.address.setAddress(host)) {
    return std::nullopt;
  }
  return result;
}

QByteArray httpResponse(const char* status, const char* contentType, const QByteArray& body) {
  return QByteArray("HTTP/1.1 ") + status + "\r\nContent-Type: " + contentType +
         "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

class Exporter {
public:
  Exporter(const QStringList& directories, std::chrono::milliseconds timeout)
      : session_(directories), timeout_(timeout) {}

  QByteArray scrape() {
    const SnapshotResult snapshot = session_.pass(timeout_);
    errors_ += static_cast<std::uint64_t>(snapshot.errors.size());
    return prometheusExposition(snapshot, errors_);
  }

  // Answers one HTTP request on `socket` once its header has arrived, then closes it.
  void serve(QTcpSocket* socket) {
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
      QByteArray& buffer = pending_[socket];
      buffer.append(socket->readAll());
      if (!buffer.contains("\r\n\r\n") && !buffer.contains("\n\n")) {
        if (buffer.size() > kMaxRequestBytes) {
          finish(socket, httpResponse("431 Request Header Fields Too Large", "text/plain", "request too large\n"));
        }
        return;
      }
      const QList<QByteArray> words = buffer.left(buffer.indexOf('\n')).trimmed().split(' ');
      const QByteArray method = words.value(0);
      const QByteArray path = words.value(1);
      if (method != "GET" && method != "HEAD") {
        finish(socket, httpResponse("405 Method Not Allowed", "text/plain", "only GET\n"));
      } else if (path == "/metrics" || path.startsWith("/metrics?")) {
        QByteArray response = httpResponse("200 OK", kPrometheusContentType, scrape());
        if (method == "HEAD") {
          response.truncate(response.indexOf("\r\n\r\n") + 4);
        }
        finish(socket, response);
      } else {
        finish(socket, httpResponse("404 Not Found", "text/plain", "vgpu metrics are at /metrics\n"));
      }
    });
    QObject::connect(socket, &QTcpSocket::disconnected, socket, [this, socket] {
      pending_.remove(socket);
      socket->deleteLater();
    });
  }

private:
  void finish(QTcpSocket* socket, const QByteArray& response) {
    pending_.remove(socket);
    socket->write(response);
    socket->disconnectFromHost();
  }

  SnapshotSession session_; // connections kept between scrapes
  std::chrono::milliseconds timeout_;
  std::uint64_t errors_ = 0;
  QHash<QTcpSocket*, QByteArray> pending_;
};

} // namespace

int runMetrics(CommandContext& context) {
  QCommandLineParser parser;
  const QCommandLineOption once(QStringLiteral("once"), QStringLiteral("Print once."));
  const QCommandLineOption listen(QStringLiteral("listen"), QStringLiteral("Serve."), QStringLiteral("ADDR:PORT"),
                                  QStringLiteral("127.0.0.1:9400"));
  const QCommandLineOption allowRemote(QStringLiteral("allow-remote"), QStringLiteral("Non-loopback."));
  const QCommandLineOption runtimeDir(QStringLiteral("runtime-dir"), QStringLiteral("Sockets."), QStringLiteral("DIR"));
  const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("ms."), QStringLiteral("MS"),
                                   QStringLiteral("2000"));
  parser.addOptions({once, listen, allowRemote, runtimeDir, timeout});
  constexpr char kUsage[] = "usage: vgpuctl metrics [--once | --listen ADDR:PORT [--allow-remote]] [--runtime-dir DIR] "
                            "[--timeout MS]\n";
  bool timeoutOk = false;
  const bool parsed = parser.parse(QStringList{QStringLiteral("metrics")} + context.arguments);
  const int timeoutMs = parser.value(timeout).toInt(&timeoutOk);
  if (!parsed || !parser.positionalArguments().isEmpty() || !timeoutOk || timeoutMs <= 0 ||
      (parser.isSet(once) && parser.isSet(listen))) {
    context.err << "vgpuctl metrics: "
                << (parser.errorText().isEmpty() ? QStringLiteral("bad arguments") : parser.errorText()) << '\n'
                << kUsage;
    return 2;
  }
  Exporter exporter(parser.isSet(runtimeDir) ? QStringList{parser.value(runtimeDir)} : defaultRuntimeDirectories(),
                    std::chrono::milliseconds(timeoutMs));
  if (parser.isSet(once)) {
    context.out << QString::fromUtf8(exporter.scrape());
    return 0;
  }
  const std::optional<ListenAddress> address = parseListen(parser.value(listen));
  if (!address) {
    context.err << "vgpuctl metrics: cannot read --listen '" << parser.value(listen) << "' (ADDR:PORT)\n" << kUsage;
    return 2;
  }
  if (!address->address.isLoopback() && !parser.isSet(allowRemote)) {
    context.err << "vgpuctl metrics: " << address->address.toString()
                << " is not a loopback address; the metrics name users and executables, so serving them beyond "
                   "this machine needs --allow-remote\n";
    return 2;
  }
  QTcpServer server;
  if (!server.listen(address->address, address->port)) {
    context.err << "vgpuctl metrics: cannot listen on " << parser.value(listen) << ": " << server.errorString() << '\n';
    return 1;
  }
  QObject::connect(&server, &QTcpServer::newConnection, &server, [&] {
    while (QTcpSocket* socket = server.nextPendingConnection()) {
      exporter.serve(socket);
    }
  });
  const QString host = server.serverAddress().protocol() == QAbstractSocket::IPv6Protocol
                           ? u'[' + server.serverAddress().toString() + u']'
                           : server.serverAddress().toString();
  context.out << "listening on http://" << host << ':' << server.serverPort() << "/metrics\n";
  context.out.flush();
  QEventLoop loop;
  loop.exec();
  return 0;
}

} // namespace vgpu::cli
