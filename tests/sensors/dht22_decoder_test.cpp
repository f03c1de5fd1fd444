// The DHT22 decoder on synthesized edge timestamps: normal frames, jitter at the bit
// threshold, lost preamble, dropped edges, negative temperatures, bad checksums and
// implausible values.
#include <gtest/gtest.h>

#include "sensors/dht22_decoder.hpp"
#include "sensors/dht22_waveform.hpp"
#include "sensors/test_support.hpp"

namespace sensorhost::sensors {
namespace {

using Bytes = std::array<std::uint8_t, 5>;

std::vector<Edge> wave(const Bytes& bytes, const Dht22WaveformOptions& options = {}) {
  return dht22_waveform(bytes, options, 1'000'000'000);
}

void expect_decodes(const std::vector<Edge>& edges, double humidity, double temperature) {
  auto decoded = decode_dht22(edges);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_NEAR(decoded->frame.humidity, humidity, 1e-9);
  EXPECT_NEAR(decoded->frame.temperature, temperature, 1e-9);
}

// Applies `fault` to a clean frame of (humidity, temperature) and expects the values back.
template <class Fault>
void expect_survives(double humidity, double temperature, Fault fault) {
  auto edges = wave(encode_dht22(humidity, temperature));
  fault(edges);
  expect_decodes(edges, humidity, temperature);
}

void expect_error(const std::vector<Edge>& edges, const std::string& fragment) {
  auto decoded = decode_dht22(edges);
  ASSERT_FALSE(decoded) << "decoded " << decoded->frame.humidity << " %RH " << decoded->frame.temperature << " C";
  testing::expect_has(decoded.error(), fragment);
}

TEST(Dht22Frame, BytesToValuesWithSignBit) {
  auto f = frame_from_bytes({0x02, 0x8C, 0x01, 0x5F, 0x00});
  EXPECT_DOUBLE_EQ(f.humidity, 65.2);
  EXPECT_DOUBLE_EQ(f.temperature, 35.1);
  // The datasheet's example: 0x8065 is -10.1 C (sign bit + 15-bit magnitude, not two's complement).
  EXPECT_DOUBLE_EQ(frame_from_bytes({0x01, 0x90, 0x80, 0x65, 0x00}).temperature, -10.1);
  EXPECT_EQ(dht22_checksum({0x02, 0x8C, 0x01, 0x5F, 0x00}), 0xEE);
  EXPECT_EQ(dht22_checksum({0xFF, 0xFF, 0x02, 0x03, 0x00}), 0x03);  // low 8 bits of the sum
}

TEST(Dht22Frame, EncodeSetsSignAndChecksum) {
  EXPECT_EQ(encode_dht22(40.0, -10.1), (Bytes{0x01, 0x90, 0x80, 0x65, 0x76}));
  EXPECT_EQ(encode_dht22(65.2, 35.1), (Bytes{0x02, 0x8C, 0x01, 0x5F, 0xEE}));
  EXPECT_EQ(encode_dht22(50.0, -0.0)[2], 0x00);  // no negative zero on the wire
}

TEST(Dht22Decoder, NormalFrame) {
  const auto edges = wave(encode_dht22(45.6, 23.4));
  ASSERT_EQ(edges.size(), 84u);
  expect_decodes(edges, 45.6, 23.4);
}

TEST(Dht22Decoder, FrameWithTheHostStartPulse) {
  Dht22WaveformOptions o;
  o.include_host_start = true;
  expect_decodes(wave(encode_dht22(0.0, 0.0), o), 0.0, 0.0);
  expect_decodes(wave(encode_dht22(100.0, 80.0), o), 100.0, 80.0);
}

TEST(Dht22Decoder, JitterRightAtTheBitThreshold) {
  Dht22WaveformOptions o;
  o.zero_high_us = 49.0;  // 1 us under the 50 us threshold
  o.one_high_us = 51.5;   // 1.5 us over it
  expect_decodes(wave(encode_dht22(55.5, 21.7), o), 55.5, 21.7);
}

TEST(Dht22Decoder, AZeroStretchedPastTheThresholdIsCaught) {
  const auto bytes = encode_dht22(55.5, 21.7);
  auto edges = wave(bytes);
  const std::size_t rise = dht22_bit_edge({}, 0);  // bit 0 is a 0 (55.5 %RH < 6553.6)
  ASSERT_FALSE(bytes[0] & 0x80);
  const std::int64_t stretch = 51'000 - (edges[rise + 1].t_ns - edges[rise].t_ns);
  for (std::size_t i = rise + 1; i < edges.size(); ++i) edges[i].t_ns += stretch;  // 51 us high: a 1
  expect_error(edges, "checksum mismatch");
}

TEST(Dht22Decoder, RandomJitterOnEveryPhase) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    Dht22WaveformOptions o;
    o.jitter_us = 8.0;
    o.seed = seed;
    expect_decodes(wave(encode_dht22(12.3 + seed * 0.4, -20.0 + seed * 0.5), o), 12.3 + seed * 0.4,
                   -20.0 + seed * 0.5);
  }
}

TEST(Dht22Decoder, LostPreambleEdges) {
  for (std::size_t lost = 0; lost <= 3; ++lost) {
    SCOPED_TRACE(lost);
    expect_survives(33.3, 18.8, [&](auto& edges) { lose_leading_edges(edges, lost); });
  }
}

TEST(Dht22Decoder, LosingTheFirstDataBitIsAnErrorNotAWrongValue) {
  auto edges = wave(encode_dht22(33.3, 18.8));
  lose_leading_edges(edges, 4);  // the rising edge of bit 0 is gone: its high time is unknown
  expect_error(edges, "");
}

TEST(Dht22Decoder, DroppedPreambleEdge) {
  for (std::size_t index : {0u, 1u, 2u}) {
    SCOPED_TRACE(index);
    expect_survives(71.9, 5.5, [&](auto& edges) { drop_edge(edges, index); });
  }
}

TEST(Dht22Decoder, DroppedTrailingEdge) {
  // The final rising edge (line released) was not captured.
  expect_survives(71.9, 5.5, [](auto& edges) { edges.pop_back(); });
}

TEST(Dht22Decoder, DroppedDataEdgeBesideAOneBitIsRepaired) {
  const Bytes bytes = encode_dht22(65.2, 35.1);  // bit 6 (0x02 in byte 0) is a 1
  const Dht22WaveformOptions o;
  ASSERT_TRUE(bytes[0] & 0x02);
  for (std::size_t index : {dht22_bit_edge(o, 6), dht22_bit_edge(o, 6) + 1}) {  // its rising or falling edge
    auto edges = wave(bytes, o);
    drop_edge(edges, index);
    SCOPED_TRACE(index);
    auto decoded = decode_dht22(edges);
    ASSERT_TRUE(decoded) << decoded.error();
    EXPECT_TRUE(decoded->info.repaired);
    EXPECT_EQ(decoded->frame.bytes, bytes);
  }
}

TEST(Dht22Decoder, DroppedDataEdgeBesideAZeroBitIsRejected) {
  // low 50 + high 26 looks like one legal phase: not repairable, but never a wrong value.
  const Bytes bytes = encode_dht22(65.2, 35.1);
  ASSERT_FALSE(bytes[0] & 0x80);
  auto edges = wave(bytes);
  drop_edge(edges, dht22_bit_edge({}, 0) + 1);
  expect_error(edges, "");
}

TEST(Dht22Decoder, NegativeTemperatures) {
  for (double t : {-0.1, -10.1, -25.5, -40.0}) {
    SCOPED_TRACE(t);
    expect_decodes(wave(encode_dht22(80.0, t)), 80.0, t);
  }
}

TEST(Dht22Decoder, BadChecksum) {
  Bytes bytes = encode_dht22(45.0, 22.0);
  bytes[4] ^= 0x01;
  expect_error(wave(bytes), "checksum mismatch");
}

TEST(Dht22Decoder, EverySingleBitFlipIsCaught) {
  const Bytes good = encode_dht22(47.3, 19.6);
  for (std::size_t bit = 0; bit < 40; ++bit) {
    Bytes bytes = good;
    bytes[bit / 8] ^= static_cast<std::uint8_t>(0x80u >> (bit % 8));
    Dht22WaveformOptions o;
    o.jitter_us = 4.0;
    o.seed = bit;
    SCOPED_TRACE(bit);
    expect_error(wave(bytes, o), "");
  }
}

TEST(Dht22Decoder, ImplausibleValues) {
  expect_error(wave(encode_dht22(120.0, 20.0)), "implausible humidity 120.0");
  expect_error(wave(encode_dht22(50.0, 85.0)), "implausible temperature 85.0");
  expect_error(wave(encode_dht22(50.0, -45.0)), "implausible temperature -45.0");
}

TEST(Dht22Decoder, TooFewEdges) {
  auto edges = wave(encode_dht22(45.0, 22.0));
  edges.resize(40);
  expect_error(edges, "only 40 edges");
  expect_error({}, "only 0 edges");
}

TEST(Dht22Decoder, UsesTimestampsNotEdgeLabels) {
  // libgpiod v1 labels edges by reading the level late; wrong labels must not matter.
  auto edges = wave(encode_dht22(45.6, 23.4));
  for (auto& e : edges) e.rising = !e.rising;
  expect_decodes(edges, 45.6, 23.4);
}

TEST(Dht22Decoder, NoisePulsesAreNotAFrame) {
  std::vector<Edge> edges;
  SplitMix rng(7);
  std::int64_t t = 0;
  for (int i = 0; i < 90; ++i) edges.push_back({t += static_cast<std::int64_t>(10'000 + rng.uniform() * 90'000), i % 2 == 0});
  expect_error(edges, "");
}

}  // namespace
}  // namespace sensorhost::sensors

namespace sensorhost::sensors {
namespace {

// Whatever happens to the edges, the decoder returns the frame that was sent or an error.
TEST(Dht22Decoder, RandomDamageNeverGivesAWrongValue) {
  int decoded_ok = 0;
  for (std::uint64_t seed = 0; seed < 3000; ++seed) {
    SplitMix rng(seed);
    const Bytes bytes = encode_dht22(rng.uniform() * 100.0, rng.uniform() * 120.0 - 40.0);
    Dht22WaveformOptions o;
    o.seed = seed;
    o.jitter_us = rng.uniform() * 12.0;
    o.include_host_start = rng.uniform() < 0.3;
    auto edges = dht22_waveform(bytes, o);
    lose_leading_edges(edges, static_cast<std::size_t>(rng.uniform() * 6.0));
    const int drops = static_cast<int>(rng.uniform() * 3.0);
    for (int i = 0; i < drops && !edges.empty(); ++i) {
      drop_edge(edges, static_cast<std::size_t>(rng.uniform() * static_cast<double>(edges.size())));
    }
    if (rng.uniform() < 0.2 && edges.size() > 10) {  // a glitch: a 3 us spike inside some phase
      const std::size_t at = static_cast<std::size_t>(rng.uniform() * static_cast<double>(edges.size() - 1));
      const std::int64_t t = (edges[at].t_ns + edges[at + 1].t_ns) / 2;
      edges.insert(edges.begin() + static_cast<std::ptrdiff_t>(at) + 1, {{t, true}, {t + 3000, false}});
    }
    auto decoded = decode_dht22(edges);
    if (!decoded) continue;
    ++decoded_ok;
    ASSERT_EQ(decoded->frame.bytes, bytes) << "seed " << seed;
  }
  EXPECT_GT(decoded_ok, 700);  // enough frames survive for the check to mean something (863 of 3000)
}

}  // namespace
}  // namespace sensorhost::sensors
