#pragma once
// /metrics in the Prometheus text exposition format (version 0.0.4).
// Metric names and labels: host/web/README.md.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cycle/cycle.hpp"
#include "link/health.hpp"
#include "plugins/control.hpp"

namespace sensorhost::web {

// The cycle duration histogram. One writer (the cycle thread, through on_cycle) and any
// number of readers; lock-free so observing never waits on a scrape.
class DurationHistogram {
 public:
  // Upper bounds in seconds, 25 us .. 10 s: dense from 0.5 to 20 ms, where a Pi's cycle
  // with four plugins lies, so a p99 read from the buckets is within a few percent.
  static constexpr std::array<double, 26> kBounds = {
      0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0075,
      0.01,     0.015,   0.02,   0.03,    0.05,   0.075,   0.1,   0.25,   0.5,   1.0,   2.5,   5.0,   10.0};
  void observe(std::chrono::nanoseconds duration);

  struct Counts {
    std::array<std::uint64_t, kBounds.size()> cumulative{};  // per bound, cumulative
    std::uint64_t count = 0;
    double sum_seconds = 0.0;
  };
  Counts read() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size()> buckets_{};  // non-cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_ns_{0};
};

struct MetricsInputs {
  std::string version;
  std::shared_ptr<const cycle::CycleSnapshot> snapshot;              // may be null
  std::shared_ptr<const std::vector<plugins::PluginStatus>> plugins;  // may be null
  const DurationHistogram* cycle_durations = nullptr;
  std::uint64_t event_clients = 0;
  std::uint64_t events_dropped = 0;
  link::LinkHealth link = {};  // the broker link (state disabled when there is none)
};

std::string render_metrics(const MetricsInputs& in);

// Escapes a label value: backslash, double quote and newline.
std::string escape_label(std::string_view value);

}  // namespace sensorhost::web
