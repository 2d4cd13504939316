// The Prometheus text exposition format (0.0.4) of a telemetry snapshot: the vgpu_* families
// documented in docs/metrics.md, each with HELP and TYPE, labels pid/exe/device (the device's
// UUID). Used by `vgpuctl metrics` (once and per scrape).
#pragma once

#include "telemetry/telemetry_snapshot.h"

#include <QByteArray>

namespace vgpu::controller::telemetry {

// The content type a /metrics response carries.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

// The exposition of `snapshot`; `scrapeErrorsTotal` is vgpu_scrape_errors_total (sockets that could
// not be read, counted over the exporter's life).
QByteArray prometheusExposition(const SnapshotResult& snapshot, std::uint64_t scrapeErrorsTotal);

// A label value escaped for the exposition format (backslash, double quote, newline).
QString escapeLabelValue(const QString& value);

} // namespace vgpu::controller::telemetry
