// cycle/sim_no_plugins: one cycle (process image snapshot, LED flush, publish) with the
// simulated sensors' readings in the image and no plugins.
#include <benchmark/benchmark.h>

#include "cycle/cycle.hpp"
#include "sensors/factory.hpp"

using namespace sensorhost;

static void cycle_sim_no_plugins(benchmark::State& state) {
  config::Config config;
  config.leds.pins = {17, 27, 22};
  auto drivers = sensors::make_sensor_drivers(config.dht22, config.bme680, config.cpu, config.simulation,
                                              config::HardwareMode::sim, true);
  auto leds = sensors::make_led_output(config.leds, config::HardwareMode::sim, true);
  io::ProcessImage image;
  const auto now = io::WallClock::now();
  for (auto& driver : drivers.drivers) image.publish(driver->read(now));
  cycle::Cycle cycle(image, *leds->output, std::chrono::seconds(1));
  for (auto _ : state) benchmark::DoNotOptimize(cycle.run_once(now));
}
BENCHMARK(cycle_sim_no_plugins)->Name("cycle/sim_no_plugins");
