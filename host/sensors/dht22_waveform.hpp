#pragma once
// DHT22 simulation at the lowest level: physical values -> frame bytes -> edge timestamps,
// with the faults a real capture shows (timing jitter, a lost preamble, dropped edges,
// corrupted bits). The simulated DHT22 driver feeds these edges to the real decoder.
#include <array>
#include <cstdint>
#include <vector>

#include "sensors/dht22_decoder.hpp"

namespace sensorhost::sensors {

struct Dht22WaveformOptions {
  double jitter_us = 0.0;           // each phase is lengthened/shortened by up to this much
  std::uint64_t seed = 0;           // drives the jitter
  bool include_host_start = false;  // the host's own start pulse (a gpiod capture never sees it)
  double response_us = 80.0;        // sensor's answer: 80 us low, 80 us high
  double low_us = 50.0;             // low phase before each bit and at the end
  double zero_high_us = 26.0;
  double one_high_us = 70.0;
};

// Rounds to the sensor's 0.1 resolution, sets the sign bit and the checksum.
std::array<std::uint8_t, 5> encode_dht22(double humidity, double temperature);

std::vector<Edge> dht22_waveform(const std::array<std::uint8_t, 5>& bytes,
                                 const Dht22WaveformOptions& options = {}, std::int64_t start_ns = 0);

// Index of the rising edge that starts the high phase of `bit` in a waveform made with
// `options` (its falling edge follows it).
std::size_t dht22_bit_edge(const Dht22WaveformOptions& options, std::size_t bit);

// Fault helpers for tests and the simulation.
void lose_leading_edges(std::vector<Edge>& edges, std::size_t count);
void drop_edge(std::vector<Edge>& edges, std::size_t index);

// A small deterministic generator (same numbers on every platform, unlike <random>'s
// distributions): splitmix64 steps.
class SplitMix {
 public:
  explicit SplitMix(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double uniform();  // [0, 1)
  double symmetric() { return uniform() * 2.0 - 1.0; }  // [-1, 1)

 private:
  std::uint64_t state_;
};

}  // namespace sensorhost::sensors
