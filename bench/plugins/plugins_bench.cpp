// The plugin runtime's figures for the benchmark table:
//   plugins/cycle_four_plugins   one full cycle with the four shipped plugins (p50, p99)
//   plugins/swap_pause           what a hot swap costs the cycle thread
//   plugins/change_to_running    file replaced -> new code running, cycles back to back
// The four plugins come from the build, configured as in config/host.toml, on the
// simulated sensors' readings.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "config/loader.hpp"
#include "cycle/cycle.hpp"
#include "plugins/runtime.hpp"
#include "sensors/factory.hpp"

using namespace sensorhost;
namespace fs = std::filesystem;

namespace {

struct Rig {
  config::Config config;
  sensors::SensorDrivers drivers;
  std::unique_ptr<io::LedOutput> leds;
  io::ProcessImage image;
  std::shared_ptr<plugins::PluginRuntime> runtime;
  std::unique_ptr<cycle::Cycle> cycle;

  explicit Rig(const std::function<void(std::vector<config::PluginConfig>&)>& adjust = {}) {
    config = *config::load_config_file(SENSORHOST_BENCH_CONFIG);
    for (auto& p : config.plugins) p.path = (fs::path(SENSORHOST_BENCH_PLUGIN_DIR) / fs::path(p.path).filename()).string();
    if (adjust) adjust(config.plugins);
    drivers = sensors::make_sensor_drivers(config.dht22, config.bme680, config.cpu, config.simulation,
                                           config::HardwareMode::sim, true);
    leds = std::move(sensors::make_led_output(config.leds, config::HardwareMode::sim, true)->output);
    runtime = std::make_shared<plugins::PluginRuntime>(config.plugins);
    cycle = std::make_unique<cycle::Cycle>(image, *leds, std::chrono::seconds(1));
    cycle->set_plugins({runtime});
  }

  // One cycle; returns its duration in µs. The drivers are read first, outside the
  // timing, as their own threads do in the service.
  double step() {
    const auto now = io::WallClock::now();
    for (auto& driver : drivers.drivers) image.publish(driver->read(now));
    const auto t0 = std::chrono::steady_clock::now();
    cycle->run_once(now);
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  }

  plugins::PluginStatus status(const std::string& name) const {
    for (const auto& s : *runtime->status())
      if (s.name == name) return s;
    return {};
  }
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// The plugin's bytes plus a custom section that makes each copy a distinct version.
std::vector<std::uint8_t> version_of(const std::vector<std::uint8_t>& base, std::uint32_t n) {
  std::vector<std::uint8_t> out = base;
  const std::string name = "bench";
  out.push_back(0);                                      // custom section
  out.push_back(static_cast<std::uint8_t>(1 + name.size() + 4));  // size (fits one LEB byte)
  out.push_back(static_cast<std::uint8_t>(name.size()));
  out.insert(out.end(), name.begin(), name.end());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  return out;
}

void replace_file(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  const fs::path tmp = path.string() + ".tmp";
  std::ofstream(tmp, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  fs::rename(tmp, path);
}

std::vector<std::uint8_t> read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A rig whose dht22 plugin runs from a file of its own, for replacing it.
struct SwapRig {
  fs::path file = fs::temp_directory_path() / "sensorhost-bench-dht22.wasm";
  std::vector<std::uint8_t> base = read_all(fs::path(SENSORHOST_BENCH_PLUGIN_DIR) / "dht22.wasm");
  std::uint32_t next_version = 1;
  std::unique_ptr<Rig> rig;

  SwapRig() {
    replace_file(file, version_of(base, 0));
    rig = std::make_unique<Rig>([this](auto& plugins) {
      for (auto& p : plugins)
        if (p.name == "dht22") p.path = file.string();
    });
    rig->step();
  }
  ~SwapRig() { fs::remove(file); }
  void write_next_version() { replace_file(file, version_of(base, next_version++)); }
};

}  // namespace

static void cycle_four_plugins(benchmark::State& state) {
  Rig rig;
  std::vector<double> us;
  for (auto _ : state) us.push_back(rig.step());
  state.counters["p50_us"] = percentile(us, 0.50);
  state.counters["p99_us"] = percentile(us, 0.99);
  for (const auto& p : *rig.runtime->status()) {
    if (p.calls == 0) continue;
    state.counters[p.name + "_us"] =
        std::chrono::duration<double, std::micro>(p.total_call_duration).count() / static_cast<double>(p.calls);
    state.counters[p.name + "_fuel"] = static_cast<double>(p.fuel_used_total / p.calls);
  }
}
BENCHMARK(cycle_four_plugins)->Name("plugins/cycle_four_plugins")->Unit(benchmark::kMicrosecond);

// The page, rendered on demand by the dashboard plugin (on a web thread, not the cycle).
static void dashboard_render(benchmark::State& state) {
  Rig rig;
  rig.step();
  std::size_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    rig.step();  // a new cycle: the cached page is out of date
    state.ResumeTiming();
    bytes = rig.runtime->dashboard_html()->size();
  }
  state.counters["page_bytes"] = static_cast<double>(bytes);
  state.counters["fuel"] = static_cast<double>(rig.status("dashboard").fuel_used_last);
}
BENCHMARK(dashboard_render)->Name("plugins/dashboard_render")->Unit(benchmark::kMicrosecond);

static void swap_pause(benchmark::State& state) {
  SwapRig swap;
  std::vector<double> cycle_us;
  for (auto _ : state) {
    swap.write_next_version();
    swap.rig->step();  // detects the change (the file is older than nothing: settles next check)
    swap.rig->step();
    swap.rig->runtime->wait_for_loads();
    cycle_us.push_back(swap.rig->step());  // the boundary where the new version is swapped in
    state.SetIterationTime(std::chrono::duration<double>(swap.rig->status("dht22").last_swap_pause).count());
  }
  state.counters["swap_cycle_p50_us"] = percentile(cycle_us, 0.50);
  state.counters["swap_cycle_max_us"] = percentile(cycle_us, 1.0);
  state.counters["reloads"] = static_cast<double>(swap.rig->status("dht22").reloads);
}
BENCHMARK(swap_pause)->Name("plugins/swap_pause")->UseManualTime()->Unit(benchmark::kMicrosecond)->Iterations(30);

static void change_to_running(benchmark::State& state) {
  SwapRig swap;
  for (auto _ : state) {
    const std::string before = swap.rig->status("dht22").version;
    const auto t0 = std::chrono::steady_clock::now();
    swap.write_next_version();
    while (swap.rig->status("dht22").version == before) swap.rig->step();
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
}
BENCHMARK(change_to_running)->Name("plugins/change_to_running")->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(20);
