#pragma once
// DHT22 / AM2302 frame decoding from edge timestamps.
//
// The decoder only trusts timestamps, not the edge types: libgpiod's v1 event interface
// reads the line level in the interrupt thread to label an edge, which can be wrong for
// short pulses, while the timestamps are taken in the hard IRQ and are good. Edges on a
// one-wire line alternate, so the gaps alone carry the frame.
//
// Frame on the wire (after the host start pulse): 80 us low, 80 us high, then for each of
// 40 bits 50 us low followed by 22-30 us high (0) or 68-75 us high (1), then ~50 us low.
// A capture often misses the preamble (the release/re-request gap), so the decoder tries
// every offset into the edge list, end-aligned candidates first, and accepts a candidate
// only when its pulses have plausible lengths, the checksum passes and the values are
// physically plausible. One dropped data edge is repaired when the merged interval is too
// long to be a single phase (it then must be a 50 us low plus a high).
#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "common/expected.hpp"

namespace sensorhost::sensors {

struct Edge {
  std::int64_t t_ns = 0;  // monotonic timestamp
  bool rising = false;    // as labelled by the source (informative only, see above)
};

struct Dht22Frame {
  std::array<std::uint8_t, 5> bytes{};
  double humidity = 0.0;     // %RH
  double temperature = 0.0;  // C
};

struct Dht22DecodeInfo {
  std::size_t offset = 0;  // index of the first data edge (rising edge of bit 0)
  bool repaired = false;   // a dropped edge was re-inserted
};

struct Dht22Decoded {
  Dht22Frame frame;
  Dht22DecodeInfo info;
};

struct Dht22Timing {
  double bit_threshold_us = 50.0;  // high time above this is a 1
  double min_high_us = 10.0;
  double max_high_us = 95.0;
  // The lows are the sensor's steady 50 us; a tight window is what rejects alignments
  // shifted by one edge (those read 26/70 us highs as lows).
  double min_low_us = 35.0;
  double max_low_us = 65.0;
  double nominal_low_us = 50.0;    // used to re-insert a dropped edge
};

// The 5 bytes of a frame to physical values (sign bit, x10 scaling). No checks.
Dht22Frame frame_from_bytes(const std::array<std::uint8_t, 5>& bytes);
std::uint8_t dht22_checksum(const std::array<std::uint8_t, 5>& bytes);
// Empty when plausible (0..100 %RH, -40..80 C), otherwise why not.
std::string dht22_implausible(const Dht22Frame& frame);

Expected<Dht22Decoded, std::string> decode_dht22(std::span<const Edge> edges,
                                                 const Dht22Timing& timing = {});

}  // namespace sensorhost::sensors
