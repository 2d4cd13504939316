// `vgpuctl metrics [--once | --listen ADDR:PORT [--allow-remote]] [--runtime-dir DIR] [--timeout MS]`:
// the Prometheus text exposition (0.0.4) of every shim process (families: docs/metrics.md).
// With --host [--endpoint unix:PATH|tcp:HOST:PORT] [--token-file FILE]: the GPU host's exposition
// from vgpud's admin socket instead (controller/host/host_exposition.h; one connection kept between
// scrapes, reconnected when it breaks; vgpu_host_up 0 while vgpud cannot be read).
// --once prints one exposition and exits. --listen (default 127.0.0.1:9835, with --host
// 127.0.0.1:9836; 9400 is dcgm-exporter's) serves it over HTTP on
// that address only: GET /metrics takes a snapshot from every control socket over connections kept
// between scrapes (SnapshotSession: no connect and hello per process and scrape); any other path is
// 404, any other method 405. A non-loopback address needs --allow-remote, because the figures
// name executables and users. Port 0 picks a free port; the address actually bound is printed as
// "listening on http://ADDR:PORT/metrics". Exit codes: 0, 1 cannot listen (or, --host --once: vgpud
// could not be read; the exposition still says vgpu_host_up 0), 2 usage.
#include "vgpuctl_command.h"

#include "host/host_connection.h"
#include "host/host_exposition.h"
#include "telemetry/prometheus_exposition.h"
#include "telemetry/runtime_directory.h"
#include "telemetry/telemetry_snapshot.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <functional>
#include <memory>
#include <optional>

namespace vgpu::cli {
namespace {

using namespace vgpu::controller::telemetry;

constexpr qsizetype kMaxRequestBytes = 16384;

struct ListenAddress {
  QHostAddress address;
  quint16 port = 0;
};

// "127.0.0.1:9835", "[::1]:9835", "localhost:9835"; nullopt when malformed.
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

// The default addresses: not 9400, which dcgm-exporter listens on (both may run on one GPU host).
constexpr char kDefaultGuestListen[] = "127.0.0.1:9835";
constexpr char kDefaultHostListen[] = "127.0.0.1:9836";

// The shim processes' exposition over connections kept between scrapes.
class GuestSource {
public:
  GuestSource(const QStringList& directories, std::chrono::milliseconds timeout)
      : session_(directories), timeout_(timeout) {}
  QByteArray scrape(QString* error) {
    const SnapshotResult snapshot = session_.pass(timeout_);
    errors_ += static_cast<std::uint64_t>(snapshot.errors.size());
    if (!snapshot.errors.isEmpty()) {
      *error = snapshot.errors.join(u"; "_qs);
    }
    return prometheusExposition(snapshot, errors_);
  }

private:
  SnapshotSession session_; // connections kept between scrapes
  std::chrono::milliseconds timeout_;
  std::uint64_t errors_ = 0;
};

// vgpud's exposition through its admin socket; the connection is kept and reopened when it broke.
class HostSource {
public:
  explicit HostSource(const controller::host::HostConnection::Options& options)
      : endpoint_(options.endpoint.text()), connection_(options) {}
  QByteArray scrape(QString* error) {
    using namespace controller::host;
    HostScrape scrape;
    scrape.endpoint = endpoint_;
    std::optional<HostSample> sample;
    if (connection_.isOpen()) {
      sample = connection_.snapshot();
    }
    if (!sample && connection_.open()) { // a fresh connection after a break, or the first one
      sample = connection_.snapshot();
    }
    if (sample) {
      scrape.hello = connection_.hello();
      scrape.sample = std::move(sample);
    } else {
      ++errors_;
      *error = connection_.errorText();
      connection_.close();
    }
    scrape.scrapeErrorsTotal = errors_;
    return hostPrometheusExposition(scrape);
  }

private:
  QString endpoint_;
  controller::host::HostConnection connection_;
  std::uint64_t errors_ = 0;
};

class Exporter {
public:
  explicit Exporter(std::function<QByteArray(QString*)> source) : source_(std::move(source)) {}

  QByteArray scrape(QString* error) { return source_(error); }
  QByteArray scrape() {
    QString ignored;
    return source_(&ignored);
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

  std::function<QByteArray(QString*)> source_;
  QHash<QTcpSocket*, QByteArray> pending_;
};

} // namespace

int runMetrics(CommandContext& context) {
  QCommandLineParser parser;
  const QCommandLineOption once(QStringLiteral("once"), QStringLiteral("Print once."));
  const QCommandLineOption listen(QStringLiteral("listen"), QStringLiteral("Serve."), QStringLiteral("ADDR:PORT"));
  const QCommandLineOption allowRemote(QStringLiteral("allow-remote"), QStringLiteral("Non-loopback."));
  const QCommandLineOption runtimeDir(QStringLiteral("runtime-dir"), QStringLiteral("Sockets."), QStringLiteral("DIR"));
  const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("ms."), QStringLiteral("MS"),
                                   QStringLiteral("2000"));
  const QCommandLineOption hostOption(QStringLiteral("host"), QStringLiteral("vgpud."));
  const QCommandLineOption endpoint(QStringLiteral("endpoint"), QStringLiteral("Admin socket."),
                                    QStringLiteral("ENDPOINT"),
                                    QString::fromLatin1(controller::host::kDefaultAdminEndpoint));
  const QCommandLineOption tokenFile(QStringLiteral("token-file"), QStringLiteral("Token."), QStringLiteral("FILE"));
  parser.addOptions({once, listen, allowRemote, runtimeDir, timeout, hostOption, endpoint, tokenFile});
  constexpr char kUsage[] = "usage: vgpuctl metrics [--once | --listen ADDR:PORT [--allow-remote]] [--runtime-dir DIR] "
                            "[--timeout MS]\n"
                            "       vgpuctl metrics --host [--endpoint unix:PATH|tcp:HOST:PORT] [--token-file FILE]\n"
                            "                       [--once | --listen ADDR:PORT [--allow-remote]] [--timeout MS]\n";
  bool timeoutOk = false;
  const bool parsed = parser.parse(QStringList{QStringLiteral("metrics")} + context.arguments);
  const int timeoutMs = parser.value(timeout).toInt(&timeoutOk);
  const bool host = parser.isSet(hostOption);
  if (!parsed || !parser.positionalArguments().isEmpty() || !timeoutOk || timeoutMs <= 0 ||
      (parser.isSet(once) && parser.isSet(listen)) || (host && parser.isSet(runtimeDir)) ||
      (!host && (parser.isSet(endpoint) || parser.isSet(tokenFile)))) {
    context.err << "vgpuctl metrics: "
                << (!parser.errorText().isEmpty() ? parser.errorText()
                    : host && parser.isSet(runtimeDir)
                        ? QStringLiteral("--runtime-dir is the guest's; --host reads vgpud's admin socket")
                    : !host && (parser.isSet(endpoint) || parser.isSet(tokenFile))
                        ? QStringLiteral("--endpoint and --token-file go with --host")
                        : QStringLiteral("bad arguments"))
                << '\n'
                << kUsage;
    return 2;
  }
  std::function<QByteArray(QString*)> source;
  if (host) {
    using namespace controller::host;
    QString error;
    const std::optional<HostEndpoint> target = parseHostEndpoint(parser.value(endpoint), &error);
    if (!target) {
      context.err << "vgpuctl metrics: --endpoint: " << error << '\n';
      return 2;
    }
    HostConnection::Options options{*target, std::nullopt, std::chrono::milliseconds(timeoutMs)};
    if (parser.isSet(tokenFile)) {
      options.token = readAdminToken(parser.value(tokenFile), &error);
      if (!options.token) {
        context.err << "vgpuctl metrics: " << error << '\n';
        return 1;
      }
    } else if (target->kind == HostEndpoint::Kind::Tcp) {
      context.err << "vgpuctl metrics: a tcp: endpoint needs --token-file FILE (vgpud's admin-token-file)\n";
      return 2;
    }
    source = [hostSource = std::make_shared<HostSource>(options)](QString* why) { return hostSource->scrape(why); };
  } else {
    source = [guestSource = std::make_shared<GuestSource>(
                  parser.isSet(runtimeDir) ? QStringList{parser.value(runtimeDir)} : defaultRuntimeDirectories(),
                  std::chrono::milliseconds(timeoutMs))](QString* why) { return guestSource->scrape(why); };
  }
  Exporter exporter(std::move(source));
  if (parser.isSet(once)) {
    QString error;
    context.out << QString::fromUtf8(exporter.scrape(&error));
    if (host && !error.isEmpty()) {
      context.err << "vgpuctl metrics: " << error << '\n';
      return 1;
    }
    return 0;
  }
  const QString listenText = parser.isSet(listen)
                                 ? parser.value(listen)
                                 : QString::fromLatin1(host ? kDefaultHostListen : kDefaultGuestListen);
  const std::optional<ListenAddress> address = parseListen(listenText);
  if (!address) {
    context.err << "vgpuctl metrics: cannot read --listen '" << listenText << "' (ADDR:PORT)\n" << kUsage;
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
    context.err << "vgpuctl metrics: cannot listen on " << listenText << ": " << server.errorString() << '\n';
    return 1;
  }
  QObject::connect(&server, &QTcpServer::newConnection, &server, [&] {
    while (QTcpSocket* socket = server.nextPendingConnection()) {
      exporter.serve(socket);
    }
  });
  const QString bound = server.serverAddress().protocol() == QAbstractSocket::IPv6Protocol
                            ? u'[' + server.serverAddress().toString() + u']'
                            : server.serverAddress().toString();
  context.out << "listening on http://" << bound << ':' << server.serverPort() << "/metrics\n";
  context.out.flush();
  QEventLoop loop;
  loop.exec();
  return 0;
}

} // namespace vgpu::cli
