// The Prometheus text exposition (0.0.4) of one vgpud, from its admin socket's snapshot: per-GPU
// gauges under dcgm-exporter's names and labels where the meaning matches (DCGM_FI_DEV_FB_USED …,
// labels gpu, UUID, pci_bus_id, device, modelName, Hostname), and our vgpu_host_* families per
// GPU and per session. A figure vgpud did not send has no series. Families: docs/metrics.md.
// Served by `vgpuctl metrics --host`.
#pragma once

#include "host/host_types.h"

#include <QByteArray>
#include <optional>

namespace vgpu::controller::host {

struct HostScrape {
  QString endpoint;                 // "unix:/run/vgpud-admin.sock" (the vgpu_host_up label)
  std::optional<HostHello> hello;   // absent when vgpud could not be reached
  std::optional<HostSample> sample; // absent when vgpud could not be reached
  std::uint64_t scrapeErrorsTotal = 0;
};

// dcgm-exporter's per-GPU label set: gpu, UUID, pci_bus_id, device ("nvidia<index>"), modelName,
// Hostname. Shared with the guest's exposition (controller/telemetry/prometheus_exposition.cpp).
QString dcgmLabels(int index, const QString& uuid, const QString& pciBusId, const QString& modelName,
                   const QString& hostname);

// The MiB dcgm-exporter reports for a byte count (whole MiB, rounded down, as NVML's MiB).
std::uint64_t dcgmMebibytes(std::uint64_t bytes);

QByteArray hostPrometheusExposition(const HostScrape& scrape);

} // namespace vgpu::controller::host
