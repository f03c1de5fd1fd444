// Costs of the sensor protocol code: the DHT22 decoder (plain and worst case), BME680
// compensation, and one simulated read of each sensor (waveform + decoder; driver + chip model).
#include <benchmark/benchmark.h>

#include "sensors/bme680_compensation.hpp"
#include "sensors/bme680_model.hpp"
#include "sensors/dht22_decoder.hpp"
#include "sensors/dht22_waveform.hpp"
#include "sensors/sim_drivers.hpp"

namespace sensorhost::sensors {
namespace {

const io::WallTime kT0 = io::WallTime(std::chrono::seconds(1'700'000'000));

void decode_frame(benchmark::State& state) {
  Dht22WaveformOptions o;
  o.jitter_us = 5.0;
  auto edges = dht22_waveform(encode_dht22(45.6, 23.4), o);
  lose_leading_edges(edges, 2);
  for (auto _ : state) benchmark::DoNotOptimize(decode_dht22(edges));
}
BENCHMARK(decode_frame)->Name("sensors/dht22_decode_frame");

// A frame with a bad checksum: every offset and every repair is tried before giving up.
void decode_corrupt_frame(benchmark::State& state) {
  auto bytes = encode_dht22(65.2, 35.1);
  bytes[4] ^= 1;
  auto edges = dht22_waveform(bytes);
  drop_edge(edges, dht22_bit_edge({}, 6));
  for (auto _ : state) benchmark::DoNotOptimize(decode_dht22(edges));
}
BENCHMARK(decode_corrupt_frame)->Name("sensors/dht22_decode_worst_case");

void bme680_compensate(benchmark::State& state) {
  const auto c = typical_bme680_calibration();
  for (auto _ : state) {
    const double tf = bme680::t_fine(c, 500000);
    benchmark::DoNotOptimize(bme680::pressure_pa(c, tf, 400000));
    benchmark::DoNotOptimize(bme680::humidity_rh(c, tf, 25000));
    benchmark::DoNotOptimize(bme680::gas_ohm(c, 700, 6));
  }
}
BENCHMARK(bme680_compensate)->Name("sensors/bme680_compensate");

void sim_dht22_read(benchmark::State& state) {
  auto driver = make_sim_dht22(std::make_shared<const SimEnvironment>(1), 0.05);
  auto t = kT0;
  for (auto _ : state) benchmark::DoNotOptimize(driver->read(t += std::chrono::seconds(2)));
}
BENCHMARK(sim_dht22_read)->Name("sensors/sim_dht22_read");

void sim_bme680_read(benchmark::State& state) {
  config::Bme680Config config;
  SimBme680Driver driver(std::make_shared<const SimEnvironment>(1), bme680_settings(config, std::chrono::seconds(3)),
                         true);
  auto t = kT0;
  for (auto _ : state) benchmark::DoNotOptimize(driver.read(t += std::chrono::seconds(3)));
}
BENCHMARK(sim_bme680_read)->Name("sensors/sim_bme680_read");

}  // namespace
}  // namespace sensorhost::sensors
