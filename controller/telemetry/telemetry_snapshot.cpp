// snapshotAll and SnapshotSession: sequential blocking reads (QLocalSocket's waitFor* calls, no
// event loop needed), each socket bounded by what is left of the overall deadline so one hung
// process cannot stall a pass beyond the timeout. A kept connection that fails is dropped and,
// when its socket is still there, replaced by a fresh one in the same pass (a new process may
// have the old pid).
#include "telemetry/telemetry_snapshot.h"

#include "telemetry/runtime_directory.h"
#include "telemetry/telemetry_decoder.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QLocalSocket>
#include <set>

namespace vgpu::controller::telemetry {
namespace {

constexpr qsizetype kMaxLineBytes = 1 << 20;

int remainingMs(const QDeadlineTimer& deadline) {
  return static_cast<int>(std::max<qint64>(deadline.remainingTime(), 1));
}

} // namespace

struct SnapshotSession::Connection {
  QLocalSocket socket;
  QByteArray buffer;
  std::optional<ProcessHello> hello;

  // The next complete line, or nullopt at the deadline, on EOF or an over-long line.
  std::optional<QByteArray> readLine(const QDeadlineTimer& deadline, QString* why) {
    while (true) {
      const qsizetype end = buffer.indexOf('\n');
      if (end >= 0) {
        QByteArray line = buffer.left(end);
        buffer.remove(0, end + 1);
        return line;
      }
      if (buffer.size() > kMaxLineBytes) {
        *why = QStringLiteral("reply line longer than %1 bytes").arg(kMaxLineBytes);
        return std::nullopt;
      }
      if (deadline.hasExpired() || !socket.waitForReadyRead(remainingMs(deadline))) {
        *why = socket.state() == QLocalSocket::ConnectedState ? QStringLiteral("no reply before the timeout")
                                                              : QStringLiteral("connection closed");
        return std::nullopt;
      }
      buffer.append(socket.readAll());
    }
  }

  // Sends snapshot (and hello when none has arrived yet) and reads until the sample.
  std::optional<ProcessSnapshot> snapshot(const QDeadlineTimer& deadline, QString* why) {
    socket.write(hello ? QByteArray("{\"cmd\":\"snapshot\"}\n")
                       : QByteArray("{\"cmd\":\"hello\"}\n{\"cmd\":\"snapshot\"}\n"));
    if (!socket.waitForBytesWritten(remainingMs(deadline)) && socket.bytesToWrite() > 0) {
      *why = QStringLiteral("cannot send: ") + socket.errorString();
      return std::nullopt;
    }
    while (true) {
      const std::optional<QByteArray> line = readLine(deadline, why);
      if (!line) {
        return std::nullopt;
      }
      const DecodedLine decoded = decodeTelemetryLine(*line);
      if (const auto* received = std::get_if<ProcessHello>(&decoded)) {
        hello = *received;
      } else if (const auto* sample = std::get_if<Sample>(&decoded)) {
        if (!hello) {
          *why = QStringLiteral("sample before hello");
          return std::nullopt;
        }
        return ProcessSnapshot{*hello, *sample};
      } else if (const auto* error = std::get_if<ServerError>(&decoded)) {
        *why = error->code + QStringLiteral(": ") + error->message;
        return std::nullopt;
      } else if (const auto* bad = std::get_if<DecodeError>(&decoded)) {
        *why = bad->message;
        return std::nullopt;
      }
    }
  }
};

SnapshotSession::SnapshotSession(QStringList runtimeDirectories, StaleSockets stale)
    : runtimeDirectories_(std::move(runtimeDirectories)), stale_(stale) {
  runtimeDirectories_.removeAll(QString());
}

SnapshotSession::SnapshotSession(const QString& runtimeDirectory, StaleSockets stale)
    : SnapshotSession(QStringList{runtimeDirectory}, stale) {}

SnapshotSession::~SnapshotSession() = default;

SnapshotResult SnapshotSession::pass(std::chrono::milliseconds timeout) {
  SnapshotResult result;
  const QDeadlineTimer deadline(timeout.count());
  result.errors = unreadableDirectories(runtimeDirectories_);
  std::set<qint64> present;
  for (const auto& [pid, path] : socketFiles(runtimeDirectories_)) {
    present.insert(pid);
    QString why;
    // A kept connection first; when it fails, one fresh connection.
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto& connection = connections_[pid];
      const bool fresh = connection == nullptr;
      if (fresh) {
        connection = std::make_unique<Connection>();
        connection->socket.connectToServer(path);
        if (!connection->socket.waitForConnected(remainingMs(deadline))) {
          const QLocalSocket::LocalSocketError error = connection->socket.error();
          why = connection->socket.errorString();
          connections_.erase(pid);
          const bool refused =
              error == QLocalSocket::ConnectionRefusedError || error == QLocalSocket::ServerNotFoundError;
          if (refused && stale_ == StaleSockets::Remove && removeIfStale(path, pid)) {
            why.clear(); // a dead process's socket, removed: nothing to report
          } else if (refused && !processAlive(pid)) {
            why = QStringLiteral("stale socket of process %1, which is gone (left in place)").arg(pid);
          }
          break;
        }
      }
      if (auto snapshot = connection->snapshot(deadline, &why)) {
        result.processes.append(std::move(*snapshot));
        why.clear();
        break;
      }
      connections_.erase(pid);
      if (fresh || deadline.hasExpired() || !QFileInfo::exists(path)) {
        break;
      }
    }
    if (!why.isEmpty() && QFileInfo::exists(path)) {
      result.errors.append(path + QStringLiteral(": ") + why);
    }
  }
  std::erase_if(connections_, [&present](const auto& entry) { return present.count(entry.first) == 0; });
  return result;
}

SnapshotResult snapshotAll(const QStringList& runtimeDirectories, std::chrono::milliseconds timeout,
                           StaleSockets stale) {
  return SnapshotSession(runtimeDirectories, stale).pass(timeout);
}

SnapshotResult snapshotAll(const QString& runtimeDirectory, std::chrono::milliseconds timeout, StaleSockets stale) {
  return SnapshotSession(runtimeDirectory, stale).pass(timeout);
}

} // namespace vgpu::controller::telemetry
