// The control plane's costs, in particular the part the cycle thread pays:
//   web/on_cycle            Server::on_cycle (history append, event publish) per cycle
//   web/readings_json       rendering /api/readings for one snapshot
//   web/metrics_render      rendering /metrics (4 plugins, 3 sensors)
//   web/history_query_10k   one /api/history series: a full 10 000-slot ring down to 500 points
// Requests per second under concurrent clients and the cycle p99 with and without HTTP
// load come from bench/web/wrk_bench (run by scripts/bench against the real service).
#include <benchmark/benchmark.h>

#include "web/history.hpp"
#include "web/metrics.hpp"
#include "web/render.hpp"
#include "web/server.hpp"

using namespace sensorhost;

namespace {

std::shared_ptr<cycle::CycleSnapshot> sample_snapshot(std::uint64_t number, io::WallTime time) {
  auto s = std::make_shared<cycle::CycleSnapshot>();
  s->number = number;
  s->time = time;
  s->readings = {
      io::ok_reading("bme680", io::ReadingSource::i2c, time,
                     {{"temperature", 21.4, "C"}, {"humidity", 41.0, "%RH"}, {"pressure", 1013.2, "hPa"},
                      {"gas_resistance", 120000.0, "ohm"}}),
      io::ok_reading("cpu", io::ReadingSource::sysfs, time, {{"temperature", 48.3, "C"}}),
      io::ok_reading("dht22", io::ReadingSource::gpiod, time, {{"temperature", 21.9, "C"}, {"humidity", 44.5, "%RH"}}),
  };
  for (const auto& r : s->readings) s->sensor_counters[r.sensor] = {number, 0, {}};
  s->leds = {true, false, true};
  s->stats.cycles = number;
  s->stats.last_duration = std::chrono::microseconds(800);
  return s;
}

void on_cycle(benchmark::State& state) {
  config::WebConfig web;
  web.listen = "127.0.0.1";
  web.port = 0;
  web::Server server(web, {});
  auto started = server.start();
  if (!started) {
    state.SkipWithError(started.error().c_str());
    return;
  }
  const auto t0 = io::WallClock::now();
  std::uint64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    ++n;
    auto s = sample_snapshot(n, t0 + std::chrono::seconds(2 * n));
    state.ResumeTiming();
    server.on_cycle(std::move(s));
  }
}
BENCHMARK(on_cycle)->Name("web/on_cycle");

void readings_json(benchmark::State& state) {
  const auto s = sample_snapshot(1, io::WallClock::now());
  for (auto _ : state) benchmark::DoNotOptimize(web::dump(web::snapshot_json(*s)));
}
BENCHMARK(readings_json)->Name("web/readings_json");

void metrics_render(benchmark::State& state) {
  auto plugins = std::make_shared<std::vector<plugins::PluginStatus>>();
  for (const char* name : {"dht22", "bme680", "pi-monitor", "dashboard"}) {
    plugins::PluginStatus p;
    p.name = name;
    p.state = plugins::PluginState::running;
    plugins->push_back(p);
  }
  web::DurationHistogram histogram;
  histogram.observe(std::chrono::microseconds(900));
  const web::MetricsInputs in{"0.1.0", sample_snapshot(1, io::WallClock::now()), plugins, &histogram, 2, 0};
  for (auto _ : state) benchmark::DoNotOptimize(web::render_metrics(in));
}
BENCHMARK(metrics_render)->Name("web/metrics_render");

void history_query(benchmark::State& state) {
  web::History history(std::chrono::hours(24), std::chrono::milliseconds(2000));
  const auto t0 = io::WallClock::now();
  for (std::size_t i = 0; i < history.capacity(); ++i) {
    const auto t = t0 + std::chrono::milliseconds(history.slot_ms() * static_cast<std::int64_t>(i));
    history.record(std::make_shared<const std::vector<io::SensorReading>>(std::vector<io::SensorReading>{
        io::ok_reading("dht22", io::ReadingSource::sim, t, {{"temperature", 20.0 + static_cast<double>(i % 7), "C"}})}));
  }
  const std::int64_t until = web::to_epoch_ms(t0) + history.slot_ms() * static_cast<std::int64_t>(history.capacity());
  const web::HistoryQuery q{"dht22", std::string("temperature"), until - 24 * 3'600'000LL, until, 500};
  for (auto _ : state) benchmark::DoNotOptimize(history.query(q));
}
BENCHMARK(history_query)->Name("web/history_query_10k");

}  // namespace
