// The part of a strict JSON line decoder that does not depend on the protocol: walking one object,
// naming each member by its path ("sample.devices[0].vram_used_bytes") and keeping the first
// problem, so a bad line names its fault. The control socket's and vgpud's management socket's
// decoders derive their typed readers from it (CRTP: child() and element() return the reader).
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace vgpu::controller {

template <typename Derived> class JsonFields {
public:
  JsonFields(QJsonObject object, QString path, QString* error)
      : object_(std::move(object)), path_(std::move(path)), error_(error) {}

  bool failed() const { return !error_->isEmpty(); }
  Derived child(const QString& key) const { return Derived(object_.value(key).toObject(), path_ + u'.' + key, error_); }
  Derived element(const QString& key, qsizetype i, const QJsonObject& object) const {
    return Derived(object, path_ + u'.' + key + u'[' + QString::number(i) + u']', error_);
  }
  bool has(const QString& key) const { return !object_.value(key).isUndefined(); }

  // An optional boolean: absent = nullopt; anything but true/false is an error.
  std::optional<bool> flag(const QString& key) const {
    const QJsonValue value = object_.value(key);
    if (value.isUndefined()) {
      return std::nullopt;
    }
    if (!value.isBool()) {
      fail(key, QStringLiteral("expected true or false"));
      return std::nullopt;
    }
    return value.toBool();
  }

  // The array member `key` (empty, and an error when present but not an array, or absent and required).
  QJsonArray array(const QString& key, bool required = true) const {
    const QJsonValue value = object_.value(key);
    if (value.isArray()) {
      return value.toArray();
    }
    if (required || !value.isUndefined()) {
      fail(key, value.isUndefined() ? QStringLiteral("missing") : QStringLiteral("expected an array"));
    }
    return {};
  }

  // Whether `key` is an object (an error when present but not one, or absent and required).
  bool object(const QString& key, bool required = true) const {
    const QJsonValue value = object_.value(key);
    if (value.isObject()) {
      return true;
    }
    if (required || !value.isUndefined()) {
      fail(key, value.isUndefined() ? QStringLiteral("missing") : QStringLiteral("expected an object"));
    }
    return false;
  }

  // Records the first problem only: the one that explains the rest.
  void fail(const QString& key, const QString& what) const {
    if (error_->isEmpty()) {
      *error_ = (key.isEmpty() ? path_ : path_ + u'.' + key) + QStringLiteral(": ") + what;
    }
  }

protected:
  QJsonValue member(const QString& key) const { return object_.value(key); }

private:
  QJsonObject object_;
  QString path_;
  QString* error_;
};

} // namespace vgpu::controller
