// Precompiled for the Qt targets (cmake/VgpuPrecompiledHeaders.cmake): the Qt and standard headers
// most of their files include, parsed once per target instead of once per file. Only headers
// that every user may see: nothing of ours, so a change to vgpu's headers never rebuilds it.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>
