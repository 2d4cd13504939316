// A strict checker of the Prometheus text exposition format 0.0.4, for the tests of `vgpuctl
// metrics`: HELP and TYPE (each at most once) before a family's first sample, a family's samples
// contiguous, valid metric and label names, only the \\ \" \n escapes in label values, Go-style
// float values (NaN, +Inf, -Inf), optional integer timestamps, no duplicate series, sample names
// that fit the TYPE (counter: the name; summary: name{quantile}, name_sum, name_count; histogram:
// name_bucket{le}, name_sum, name_count; gauge/untyped: the name), every line newline-terminated.
// Reports the first violation with its line number.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace vgpu::test {

struct PrometheusSample {
  std::string name;
  std::map<std::string, std::string> labels; // values unescaped
  double value = 0.0;
};

struct PrometheusFamily {
  std::string name;
  std::string type;
  std::string help;
  std::vector<PrometheusSample> samples;
};

struct PrometheusExposition {
  std::vector<PrometheusFamily> families;
  std::string error; // "line N: what"; empty when valid
  bool ok() const { return error.empty(); }
  const PrometheusFamily* family(const std::string& name) const;
};

PrometheusExposition parsePrometheusText(const std::string& text);

} // namespace vgpu::test
