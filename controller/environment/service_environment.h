// The managed drop-in /etc/systemd/system/ollama.service.d/50-vgpu.conf: the only file through
// which vgpu sets ollama.service's environment. Its first line is a marker; a file at that path
// whose first line does not start with "# Managed by vgpu" belongs to someone else and is never overwritten. render()
// produces the exact bytes (values quoted per systemd.exec); parse() reads them back.
#pragma once

#include "common/system_root.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace vgpu::controller {

QString managedDropInPath();   // system path of 50-vgpu.conf
QString managedMarker();       // the marker line render() writes, without the newline
QString managedMarkerPrefix(); // what marks a file as vgpu's: its first line starts with this

class ServiceEnvironment {
public:
  const QMap<QString, QString>& variables() const { return variables_; }
  std::optional<QString> value(const QString& name) const;
  void set(const QString& name, const QString& value) { variables_.insert(name, value); }
  void remove(const QString& name) { variables_.remove(name); }

  // The file's bytes: marker, [Service], one Environment= line per variable in name order.
  // nullopt with `error` when a value cannot be written into a unit file (newline, control chars).
  std::optional<QByteArray> render(QString* error) const;

  bool operator==(const ServiceEnvironment& other) const { return variables_ == other.variables_; }

private:
  QMap<QString, QString> variables_;
};

enum class DropInState {
  Absent,     // no file: setting a variable creates it
  Managed,    // our marker on the first line
  Foreign,    // a file at our path without the marker: refuse to overwrite it
  Unreadable, // exists but cannot be read
};
QString dropInStateName(DropInState state);

struct ManagedDropIn {
  DropInState state = DropInState::Absent;
  ServiceEnvironment environment; // for Managed
  QByteArray bytes;               // the file as read
  QStringList problems;           // lines of a managed file that vgpu does not write (dropped on rewrite)
  QString error;                  // for Foreign/Unreadable: the message to show
};

// Parses the bytes of a file at the managed path (`origin` names it in messages).
ManagedDropIn parseServiceEnvironmentFile(const QByteArray& bytes, const QString& origin);
// Reads <root>/etc/systemd/system/ollama.service.d/50-vgpu.conf.
ManagedDropIn loadServiceEnvironment(const SystemRoot& root);

} // namespace vgpu::controller
