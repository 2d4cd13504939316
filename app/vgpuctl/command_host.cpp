// `vgpuctl host gpus|sessions|watch|set-quota|set-priority|drain|kill`: the GPU host's view through
// vgpud's management (admin) socket (docs/management-protocol.md), with the controller's host
// client (controller/host/). gpus and sessions read one snapshot (--json: vgpud's objects as sent,
// docs/vgpuctl-json.md); watch follows the samples live and reconnects when vgpud goes away; the
// actions send one request and print vgpud's answer. Every command takes --endpoint unix:PATH |
// tcp:HOST:PORT (default unix:/run/vgpud-admin.sock) and --token-file FILE (mandatory with tcp:).
// Exit codes: 0 done, 1 vgpud could not be reached, refused us or failed, 2 usage error, 3 no such
// session. watch retries while vgpud cannot be reached and exits 1 when vgpud refuses us.
#include "vgpuctl_command.h"

#include "host/host_client.h"
#include "host/host_connection.h"
#include "host/quota_size.h"
#include "telemetry/process_summary.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <optional>

namespace vgpu::cli {
namespace {

using namespace vgpu::controller::host;
using vgpu::controller::telemetry::humanBytes;

constexpr char kUsage[] = "usage: vgpuctl host gpus|sessions [--json]\n"
                          "       vgpuctl host watch [--json] [--interval MS] [--count N]\n"
                          "       vgpuctl host set-quota SESSION SIZE|none [--json]\n"
                          "       vgpuctl host set-priority SESSION low|normal|high [--json]\n"
                          "       vgpuctl host drain|kill SESSION [--json]\n"
                          "       (all: [--endpoint unix:PATH|tcp:HOST:PORT] [--token-file FILE] [--timeout MS])\n";

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitNoSession = 3;

struct Target {
  HostEndpoint endpoint;
  std::optional<QString> token;
};

std::optional<std::uint64_t> parseSession(const QString& text) {
  bool ok = false;
  const qulonglong id = text.toULongLong(&ok);
  if (!ok || text.isEmpty() || !text.front().isDigit()) {
    return std::nullopt;
  }
  return id;
}

QString orDash(const std::optional<double>& value, const QString& unit, int decimals = 0) {
  return value ? QString::number(*value, 'f', decimals) + unit : QStringLiteral("-");
}

QString padded(const QString& text, int width) {
  return text.leftJustified(width) + u' ';
}

QString hostLine(const HostHello& hello, const HostSample& sample) {
  return QStringLiteral("host %1 (vgpud %2, backend %3%4)\n")
      .arg(sample.hostname.isEmpty() ? hello.hostname : sample.hostname, hello.daemonVersion,
           sample.backend.isEmpty() ? hello.backend : sample.backend,
           sample.simulated ? QStringLiteral(", simulated: kernels are never run") : QString());
}

QString gpuTable(const HostSample& sample) {
  QString text;
  text += padded(QStringLiteral("GPU"), 3) + padded(QStringLiteral("NAME"), 24) + padded(QStringLiteral("UUID"), 40) +
          padded(QStringLiteral("MEMORY USED/TOTAL"), 24) + padded(QStringLiteral("UTIL"), 5) +
          padded(QStringLiteral("TEMP"), 5) + padded(QStringLiteral("POWER"), 8) + QStringLiteral("SESSIONS\n");
  for (const HostGpu& gpu : sample.gpus) {
    const QString memory = (gpu.memoryUsedBytes ? humanBytes(*gpu.memoryUsedBytes) : QStringLiteral("-")) +
                           QStringLiteral(" / ") +
                           (gpu.memoryTotalBytes ? humanBytes(*gpu.memoryTotalBytes) : QStringLiteral("-"));
    text += padded(QString::number(gpu.index), 3) +
            padded(gpu.name + (gpu.simulated ? QStringLiteral(" (sim)") : QString()), 24) +
            padded(gpu.uuid.isEmpty() ? QStringLiteral("-") : gpu.uuid, 40) + padded(memory, 24) +
            padded(orDash(gpu.utilizationGpuPercent, QStringLiteral("%")), 5) +
            padded(orDash(gpu.temperatureC, QStringLiteral("C")), 5) +
            padded(orDash(gpu.powerWatts, QStringLiteral(" W"), 1), 8) +
            (gpu.sessions ? QString::number(*gpu.sessions) : QStringLiteral("-")) + u'\n';
  }
  if (sample.gpus.isEmpty()) {
    text += QStringLiteral("(no GPU in use yet)\n");
  }
  return text;
}

QString sessionTable(const HostSample& sample) {
  QString text;
  text += padded(QStringLiteral("ID"), 5) + padded(QStringLiteral("TRANSPORT"), 9) +
          padded(QStringLiteral("PEER"), 22) + padded(QStringLiteral("PROCESS"), 16) +
          padded(QStringLiteral("STATE"), 8) + padded(QStringLiteral("PRIORITY"), 8) +
          padded(QStringLiteral("VRAM"), 10) + padded(QStringLiteral("QUOTA"), 10) +
          padded(QStringLiteral("LAUNCH/S"), 9) + QStringLiteral("P50\n");
  for (const HostSession& s : sample.sessions) {
    const QString process = s.clientProcess + (s.clientPid ? u'[' + QString::number(*s.clientPid) + u']' : QString());
    const QString quota = !s.vramQuotaBytes        ? QStringLiteral("-")
                          : *s.vramQuotaBytes == 0 ? QStringLiteral("none")
                                                   : humanBytes(*s.vramQuotaBytes);
    const QString p50 = s.latency && s.latency->p50Ns
                            ? QString::number(static_cast<double>(*s.latency->p50Ns) / 1000.0, 'f', 1) + u"us"_qs
                            : QStringLiteral("-");
    text += padded(QString::number(s.id), 5) + padded(s.transport, 9) + padded(s.peerText(), 22) + padded(process, 16) +
            padded(s.state, 8) + padded(s.priority, 8) +
            padded(s.vramUsedBytes ? humanBytes(*s.vramUsedBytes) : QStringLiteral("-"), 10) + padded(quota, 10) +
            padded(orDash(s.launchesPerS, QString(), 1), 9) + p50 + u'\n';
  }
  if (sample.sessions.isEmpty()) {
    text += QStringLiteral("(no sessions)\n");
  }
  return text;
}

QJsonObject listingJson(const HostHello& hello, const HostSample& sample, const QString& member) {
  QJsonArray items;
  if (member == u"gpus") {
    for (const HostGpu& gpu : sample.gpus) {
      items.append(gpu.json);
    }
  } else {
    for (const HostSession& session : sample.sessions) {
      items.append(session.json);
    }
  }
  return {{QStringLiteral("hostname"), sample.hostname.isEmpty() ? hello.hostname : sample.hostname},
          {QStringLiteral("daemon_version"), hello.daemonVersion},
          {QStringLiteral("backend"), sample.backend.isEmpty() ? hello.backend : sample.backend},
          {QStringLiteral("simulated"), sample.simulated},
          {QStringLiteral("time_ms"), static_cast<qint64>(sample.timeMs)},
          {member, items}};
}

int failureExit(CommandContext& context, const QString& verb, const HostConnection& connection) {
  context.err << "vgpuctl host " << verb << ": " << connection.errorText() << '\n';
  return kExitFailed;
}

int runListing(CommandContext& context, const QString& verb, HostConnection& connection, bool json) {
  if (!connection.open()) {
    return failureExit(context, verb, connection);
  }
  const std::optional<HostSample> sample = connection.snapshot();
  if (!sample) {
    return failureExit(context, verb, connection);
  }
  if (json) {
    context.out << QJsonDocument(listingJson(*connection.hello(), *sample, verb)).toJson(QJsonDocument::Indented);
  } else {
    context.out << hostLine(*connection.hello(), *sample)
                << (verb == u"gpus" ? gpuTable(*sample) : sessionTable(*sample));
  }
  return 0;
}

int runAction(CommandContext& context, const QString& verb, const QStringList& words, HostConnection& connection,
              bool json) {
  const bool takesValue = verb == u"set-quota" || verb == u"set-priority";
  if (words.size() != (takesValue ? 3 : 2)) {
    context.err << "vgpuctl host " << verb << ": expected " << (takesValue ? "SESSION and a value" : "SESSION") << '\n'
                << kUsage;
    return kExitUsage;
  }
  const std::optional<std::uint64_t> session = parseSession(words[1]);
  if (!session) {
    context.err << "vgpuctl host " << verb << ": '" << words[1]
                << "' is not a session id (a number; vgpuctl host sessions lists them)\n";
    return kExitUsage;
  }
  QJsonObject request;
  QString done;
  if (verb == u"set-quota") {
    const std::optional<std::uint64_t> bytes = parseQuotaSize(words[2]);
    if (!bytes) {
      context.err << "vgpuctl host set-quota: cannot read the size '" << words[2]
                  << "' (e.g. 8GiB, 512MiB, 1073741824; 0 or none: no quota)\n";
      return kExitUsage;
    }
    request = setQuotaRequest(*session, *bytes);
    done = *bytes == 0 ? QStringLiteral("session %1: no VRAM quota").arg(*session)
                       : QStringLiteral("session %1: VRAM quota %2 per device (from its next allocation)")
                             .arg(*session)
                             .arg(humanBytes(*bytes));
  } else if (verb == u"set-priority") {
    if (words[2] != u"low" && words[2] != u"normal" && words[2] != u"high") {
      context.err << "vgpuctl host set-priority: the priority is low, normal or high, not '" << words[2] << "'\n";
      return kExitUsage;
    }
    request = setPriorityRequest(*session, words[2]);
    done = QStringLiteral("session %1: priority %2").arg(*session).arg(words[2]);
  } else if (verb == u"drain") {
    request = drainRequest(*session);
    done = QStringLiteral("session %1: draining (new allocations, module loads and launches fail; it may finish "
                          "and leave)")
               .arg(*session);
  } else {
    request = killRequest(*session);
    done = QStringLiteral("session %1: killed (its connection is closed and what it held is freed)").arg(*session);
  }
  if (!connection.open()) {
    return failureExit(context, verb, connection);
  }
  const std::optional<HostOk> ok = connection.action(request);
  if (!ok) {
    if (connection.serverError() && connection.serverError()->code == u"no-such-session") {
      context.err << "vgpuctl host " << verb << ": no session " << *session << " on " << connection.hello()->hostname
                  << " (vgpuctl host sessions lists them)\n";
      return kExitNoSession;
    }
    return failureExit(context, verb, connection);
  }
  if (json) {
    context.out << QJsonDocument(ok->json).toJson(QJsonDocument::Compact) << '\n';
  } else {
    context.out << done << '\n';
  }
  return 0;
}

int runWatchHost(CommandContext& context, const Target& target, bool json, int intervalMs, int limit) {
  HostClient::Options options;
  options.endpoint = target.endpoint;
  options.token = target.token;
  options.intervalMs = intervalMs;
  HostClient client(options);
  int printed = 0;
  QEventLoop loop;
  QObject::connect(&client, &HostClient::sampleReceived, &loop, [&](const HostSample& sample) {
    if (limit > 0 && printed >= limit) {
      return;
    }
    if (json) {
      context.out << QJsonDocument(sample.json).toJson(QJsonDocument::Compact) << '\n';
    } else {
      std::uint64_t vram = sample.totalVramUsedBytes.value_or(0);
      double launches = 0;
      for (const HostSession& session : sample.sessions) {
        launches += session.launchesPerS.value_or(0);
      }
      context.out << "seq " << sample.seq << " host " << sample.hostname << " gpus " << sample.gpus.size()
                  << " sessions " << sample.sessions.size() << " vram " << humanBytes(vram) << " launches/s "
                  << QString::number(launches, 'f', 1) << '\n';
      for (const HostSession& s : sample.sessions) {
        context.out << "  session " << s.id << ' ' << s.transport << ' ' << s.peerText() << ' ' << s.clientProcess
                    << ' ' << s.state << " vram " << humanBytes(s.vramUsedBytes.value_or(0)) << " launches/s "
                    << QString::number(s.launchesPerS.value_or(0), 'f', 1) << '\n';
      }
    }
    context.out.flush();
    if (limit > 0 && ++printed >= limit) {
      loop.quit();
    }
  });
  int exitCode = 0;
  QObject::connect(&client, &HostClient::disconnected, &loop, [&](const QString& why, bool refused) {
    if (refused) { // not an admin, or a wrong token: retrying does not change that
      context.err << "vgpuctl host watch: " << why << '\n';
      exitCode = kExitFailed;
      loop.quit();
      return;
    }
    context.err << "vgpuctl host watch: " << why << " (retrying)\n";
    context.err.flush();
  });
  QObject::connect(&client, &HostClient::badReply, &loop,
                   [&](const QString& what) { context.err << "vgpuctl host watch: " << what << '\n'; });
  client.start();
  loop.exec();
  client.stop();
  return exitCode;
}

} // namespace

int runHost(CommandContext& context) {
  QCommandLineParser parser;
  const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("JSON."));
  const QCommandLineOption endpoint(QStringLiteral("endpoint"), QStringLiteral("Admin socket."),
                                    QStringLiteral("ENDPOINT"), QString::fromLatin1(kDefaultAdminEndpoint));
  const QCommandLineOption tokenFile(QStringLiteral("token-file"), QStringLiteral("Token."), QStringLiteral("FILE"));
  const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("ms."), QStringLiteral("MS"),
                                   QStringLiteral("5000"));
  const QCommandLineOption interval(QStringLiteral("interval"), QStringLiteral("ms."), QStringLiteral("MS"),
                                    QStringLiteral("1000"));
  const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("Samples."), QStringLiteral("N"));
  parser.addOptions({json, endpoint, tokenFile, timeout, interval, count});
  const bool parsed = parser.parse(QStringList{QStringLiteral("host")} + context.arguments);
  const QStringList words = parser.positionalArguments();
  static const QStringList kVerbs{QStringLiteral("gpus"),      QStringLiteral("sessions"),     QStringLiteral("watch"),
                                  QStringLiteral("set-quota"), QStringLiteral("set-priority"), QStringLiteral("drain"),
                                  QStringLiteral("kill")};
  bool timeoutOk = false;
  bool intervalOk = false;
  bool countOk = true;
  const int timeoutMs = parser.value(timeout).toInt(&timeoutOk);
  const int intervalMs = parser.value(interval).toInt(&intervalOk);
  const int limit = parser.isSet(count) ? parser.value(count).toInt(&countOk) : 0;
  if (!parsed || words.isEmpty() || !kVerbs.contains(words.front()) || !timeoutOk || timeoutMs <= 0 || !intervalOk ||
      intervalMs < 100 || intervalMs > 10000 || !countOk || limit < 0) {
    context.err << "vgpuctl host: "
                << (!parser.errorText().isEmpty() ? parser.errorText()
                    : words.isEmpty()             ? QStringLiteral("which one: gpus, sessions, watch, set-quota, "
                                                                               "set-priority, drain or kill?")
                    : !kVerbs.contains(words.front())
                        ? QStringLiteral("unknown sub-command '%1'").arg(words.front())
                        : QStringLiteral("bad --timeout, --interval (100-10000) or --count"))
                << '\n'
                << kUsage;
    return kExitUsage;
  }
  const QString& verb = words.front();
  Target target;
  QString error;
  const std::optional<HostEndpoint> parsedEndpoint = parseHostEndpoint(parser.value(endpoint), &error);
  if (!parsedEndpoint) {
    context.err << "vgpuctl host: --endpoint: " << error << '\n';
    return kExitUsage;
  }
  target.endpoint = *parsedEndpoint;
  if (parser.isSet(tokenFile)) {
    target.token = readAdminToken(parser.value(tokenFile), &error);
    if (!target.token) {
      context.err << "vgpuctl host: " << error << '\n';
      return kExitFailed;
    }
  } else if (target.endpoint.kind == HostEndpoint::Kind::Tcp) {
    context.err << "vgpuctl host: a tcp: endpoint needs --token-file FILE (the file vgpud's admin-token-file names)\n";
    return kExitUsage;
  }
  if ((verb == u"gpus" || verb == u"sessions" || verb == u"watch") && words.size() != 1) {
    context.err << "vgpuctl host " << verb << ": unexpected '" << words[1] << "'\n" << kUsage;
    return kExitUsage;
  }
  if (verb == u"watch") {
    return runWatchHost(context, target, parser.isSet(json), intervalMs, limit);
  }
  HostConnection connection({target.endpoint, target.token, std::chrono::milliseconds(timeoutMs)});
  if (verb == u"gpus" || verb == u"sessions") {
    return runListing(context, verb, connection, parser.isSet(json));
  }
  return runAction(context, verb, words, connection, parser.isSet(json));
}

} // namespace vgpu::cli
