#include "sensors/dht22_decoder.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace sensorhost::sensors {
namespace {

constexpr std::size_t kBits = 40;
// Rising edge of bit 0 through the falling edge that ends bit 39's high phase.
constexpr std::size_t kDataEdges = 2 * kBits;

// How far a candidate got before it was rejected (see rank()).
enum class Stage { structure, checksum, implausible, ok };

struct Attempt {
  Stage stage = Stage::structure;
  std::string reason;
  Dht22Frame frame;
};

double gap_us(std::span<const std::int64_t> t, std::size_t i) {
  return static_cast<double>(t[i + 1] - t[i]) / 1000.0;
}

std::string fmt_us(const char* what, std::size_t bit, double us) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s of bit %zu is %.1f us", what, bit, us);
  return buf;
}

// Reads 40 bits starting at edge `o` (the rising edge of bit 0).
Attempt try_offset(std::span<const std::int64_t> t, std::size_t o, const Dht22Timing& timing) {
  Attempt a;
  std::array<std::uint8_t, 5> bytes{};
  for (std::size_t bit = 0; bit < kBits; ++bit) {
    const std::size_t rise = o + 2 * bit;
    if (rise > 0) {  // the 50 us low before this bit, when it was captured
      const double low = gap_us(t, rise - 1);
      if (low < timing.min_low_us || low > timing.max_low_us) {
        a.reason = fmt_us("low time", bit, low);
        return a;
      }
    }
    const double high = gap_us(t, rise);
    if (high < timing.min_high_us || high > timing.max_high_us) {
      a.reason = fmt_us("high time", bit, high);
      return a;
    }
    if (high > timing.bit_threshold_us) bytes[bit / 8] |= static_cast<std::uint8_t>(0x80u >> (bit % 8));
  }
  a.frame = frame_from_bytes(bytes);
  const std::uint8_t want = dht22_checksum(bytes);
  if (want != bytes[4]) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "checksum mismatch: frame says 0x%02x, bytes sum to 0x%02x", bytes[4], want);
    a.stage = Stage::checksum;
    a.reason = buf;
    return a;
  }
  a.reason = dht22_implausible(a.frame);
  a.stage = a.reason.empty() ? Stage::ok : Stage::implausible;
  return a;
}

// Candidate offsets, end-aligned ones first: the end of a frame is always captured,
// its start often is not.
std::vector<std::size_t> candidate_offsets(std::size_t n) {
  std::vector<std::size_t> out;
  if (n < kDataEdges) return out;
  const std::size_t last = n - kDataEdges;  // the frame ends with bit 39's falling edge
  if (last >= 1) out.push_back(last - 1);   // usual: one more edge, the line released at the end
  out.push_back(last);
  for (std::size_t o = last >= 1 ? last - 1 : 0; o > 0; --o) out.push_back(o - 1);
  return out;
}

struct Search {
  Attempt best;
  std::size_t offset = 0;
  bool found_any = false;
};

// A bad checksum and implausible values rank alike: among failed candidates the first
// one with a frame's shape (end-aligned first) explains the failure best.
int rank(Stage stage) {
  return stage == Stage::ok ? 2 : stage == Stage::structure ? 0 : 1;
}

void consider(Search& s, Attempt a, std::size_t offset) {
  if (!s.found_any || rank(a.stage) > rank(s.best.stage)) {
    s.best = std::move(a);
    s.offset = offset;
    s.found_any = true;
  }
}

Search search_offsets(std::span<const std::int64_t> t, const Dht22Timing& timing) {
  Search s;
  for (std::size_t o : candidate_offsets(t.size())) {
    consider(s, try_offset(t, o, timing), o);
    if (s.best.stage == Stage::ok) break;
  }
  return s;
}

// One lost edge merges a 50 us low with a neighbouring high into one interval too long
// for any single phase. Re-insert the edge on either side of the nominal low and search again.
Search search_repaired(std::span<const std::int64_t> t, const Dht22Timing& timing) {
  Search s;
  std::vector<std::int64_t> fixed(t.size() + 1);
  const auto low_ns = static_cast<std::int64_t>(timing.nominal_low_us * 1000.0);
  for (std::size_t j = 1; j < t.size(); ++j) {
    if (gap_us(t, j - 1) <= timing.max_high_us) continue;
    for (std::int64_t inserted : {t[j - 1] + low_ns, t[j] - low_ns}) {
      std::copy(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(j), fixed.begin());
      fixed[j] = inserted;
      std::copy(t.begin() + static_cast<std::ptrdiff_t>(j), t.end(), fixed.begin() + static_cast<std::ptrdiff_t>(j) + 1);
      Search r = search_offsets(fixed, timing);
      if (r.found_any) consider(s, std::move(r.best), r.offset);
      if (s.best.stage == Stage::ok) return s;
    }
  }
  return s;
}

}  // namespace

Dht22Frame frame_from_bytes(const std::array<std::uint8_t, 5>& bytes) {
  Dht22Frame f;
  f.bytes = bytes;
  f.humidity = ((bytes[0] << 8) | bytes[1]) / 10.0;
  const int magnitude = ((bytes[2] & 0x7F) << 8) | bytes[3];
  f.temperature = ((bytes[2] & 0x80) ? -magnitude : magnitude) / 10.0;
  return f;
}

std::uint8_t dht22_checksum(const std::array<std::uint8_t, 5>& bytes) {
  return static_cast<std::uint8_t>(bytes[0] + bytes[1] + bytes[2] + bytes[3]);
}

std::string dht22_implausible(const Dht22Frame& frame) {
  char buf[96];
  if (frame.humidity < 0.0 || frame.humidity > 100.0) {
    std::snprintf(buf, sizeof buf, "implausible humidity %.1f %%RH (expected 0..100)", frame.humidity);
    return buf;
  }
  if (frame.temperature < -40.0 || frame.temperature > 80.0) {
    std::snprintf(buf, sizeof buf, "implausible temperature %.1f C (expected -40..80)", frame.temperature);
    return buf;
  }
  return {};
}

Expected<Dht22Decoded, std::string> decode_dht22(std::span<const Edge> edges, const Dht22Timing& timing) {
  if (edges.size() + 1 < kDataEdges) {
    return unexpected("only " + std::to_string(edges.size()) + " edges captured, a frame needs " +
                      std::to_string(kDataEdges));
  }
  std::vector<std::int64_t> t(edges.size());
  for (std::size_t i = 0; i < edges.size(); ++i) t[i] = edges[i].t_ns;

  Search plain = search_offsets(t, timing);
  bool repaired = false;
  // Repair only when no alignment even has the shape of a frame: a shaped frame with a
  // bad checksum is a corrupted frame, not a missing edge.
  if (!plain.found_any || plain.best.stage == Stage::structure) {
    Search fixed = search_repaired(t, timing);
    if (fixed.found_any && (!plain.found_any || rank(fixed.best.stage) > rank(plain.best.stage))) {
      plain = std::move(fixed);
      repaired = true;
    }
  }
  if (!plain.found_any) return unexpected(std::string("no alignment of the edges gives a frame"));
  if (plain.best.stage != Stage::ok) {
    if (plain.best.stage == Stage::structure) return unexpected("no valid frame in the edges: " + plain.best.reason);
    return unexpected(plain.best.reason);
  }
  return Dht22Decoded{plain.best.frame, {plain.offset, repaired}};
}

}  // namespace sensorhost::sensors
