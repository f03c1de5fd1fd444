#include "sensors/dht22_waveform.hpp"

#include <cmath>

namespace sensorhost::sensors {

std::uint64_t SplitMix::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double SplitMix::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

std::array<std::uint8_t, 5> encode_dht22(double humidity, double temperature) {
  const auto h = static_cast<unsigned>(std::lround(std::fabs(humidity) * 10.0));
  const auto t = static_cast<unsigned>(std::lround(std::fabs(temperature) * 10.0));
  std::array<std::uint8_t, 5> b{};
  b[0] = static_cast<std::uint8_t>(h >> 8);
  b[1] = static_cast<std::uint8_t>(h);
  b[2] = static_cast<std::uint8_t>(((t >> 8) & 0x7F) | (temperature < 0 && t != 0 ? 0x80 : 0));
  b[3] = static_cast<std::uint8_t>(t);
  b[4] = dht22_checksum(b);
  return b;
}

std::vector<Edge> dht22_waveform(const std::array<std::uint8_t, 5>& bytes, const Dht22WaveformOptions& o,
                                 std::int64_t start_ns) {
  SplitMix rng(o.seed);
  std::vector<Edge> edges;
  edges.reserve(86);
  double t_us = static_cast<double>(start_ns) / 1000.0;
  // Each call ends the current phase after `us` (with jitter) and records the new level.
  auto phase = [&](double us, bool rising_after) {
    t_us += us + o.jitter_us * rng.symmetric();
    edges.push_back({static_cast<std::int64_t>(std::llround(t_us * 1000.0)), rising_after});
  };
  if (o.include_host_start) {
    edges.push_back({start_ns, false});  // host drives low
    phase(1100.0, true);                 // host releases, pull-up takes the line high
  }
  phase(30.0, false);           // sensor pulls low
  phase(o.response_us, true);   // 80 us low
  phase(o.response_us, false);  // 80 us high, then bit 0's low
  for (std::size_t bit = 0; bit < 40; ++bit) {
    const bool one = (bytes[bit / 8] >> (7 - bit % 8)) & 1;
    phase(o.low_us, true);
    phase(one ? o.one_high_us : o.zero_high_us, false);
  }
  phase(o.low_us, true);  // final low, then the line is released
  return edges;
}

std::size_t dht22_bit_edge(const Dht22WaveformOptions& options, std::size_t bit) {
  return (options.include_host_start ? 2 : 0) + 3 + 2 * bit;
}

void lose_leading_edges(std::vector<Edge>& edges, std::size_t count) {
  edges.erase(edges.begin(), edges.begin() + static_cast<std::ptrdiff_t>(std::min(count, edges.size())));
}

void drop_edge(std::vector<Edge>& edges, std::size_t index) {
  if (index < edges.size()) edges.erase(edges.begin() + static_cast<std::ptrdiff_t>(index));
}

}  // namespace sensorhost::sensors
