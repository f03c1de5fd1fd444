#include "sensors/sim_dht22.hpp"

#include <cstdio>

#include "sensors/dht22_waveform.hpp"

namespace sensorhost::sensors {
namespace {
enum Roll : std::uint32_t { kFail = 1, kWhichBit, kPreamble, kJitter };
}

Expected<std::vector<Edge>, std::string> SimEdgeSource::capture(io::WallTime at) {
  const Environment e = env_->at(at);
  auto bytes = encode_dht22(e.humidity_rh, e.temperature_c);
  if (env_->roll(kFail, at) < failure_rate_) {
    const auto bit = static_cast<std::size_t>(env_->roll(kWhichBit, at) * 32.0);  // a data bit, not the checksum
    bytes[bit / 8] ^= static_cast<std::uint8_t>(0x80u >> (bit % 8));
  }
  Dht22WaveformOptions options;
  options.jitter_us = 4.0;
  options.seed = env_->seed() ^ static_cast<std::uint64_t>(env_->roll(kJitter, at) * 1e15);
  const auto mono_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
  auto edges = dht22_waveform(bytes, options, mono_ns);
  // The release/re-request gap of a userspace capture loses 0..3 preamble edges.
  lose_leading_edges(edges, static_cast<std::size_t>(env_->roll(kPreamble, at) * 4.0));
  return edges;
}

std::string SimEdgeSource::describe() const {
  char buf[96];
  std::snprintf(buf, sizeof buf, "simulated waveform (seed %llu, %.0f %% corrupted frames) + real decoder",
                static_cast<unsigned long long>(env_->seed()), failure_rate_ * 100.0);
  return buf;
}

}  // namespace sensorhost::sensors
