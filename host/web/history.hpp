#pragma once
// In-memory history of every (node, sensor, quantity) series for /api/history.
//
// Each series is a ring of time slots. The slot width is chosen so that the whole
// retention fits in at most kMaxSlots slots (never narrower than one cycle interval):
// with a 2 s cycle and 24 h retention that is 10 000 slots of 8.64 s, each keeping the
// average, minimum and maximum of the samples that fell into it. Memory is bounded per
// series whatever the config says, and nothing is ever allocated after the ring is full.
// Remote nodes' series (a hub) get at most `remote_slots` slots (default 1440: one-minute
// slots over 24 h, 58 KB a series), so a hub of 50 nodes stays within tens of MB.
//
// Samples are recorded once per sensor sample (by the reading's own time), not once per
// cycle: a DHT22 read every 2 s is not counted eight times by a 250 ms cycle, and stale
// or failed readings add nothing.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "io/reading.hpp"

namespace sensorhost::web {

struct HistoryPoint {
  std::int64_t t_ms = 0;  // start of the slot (or of the first slot of a downsampled group)
  double avg = 0.0;
  double min = 0.0;
  double max = 0.0;
  std::uint64_t samples = 0;
};

// One series: a ring of slots, oldest overwritten first.
class SeriesRing {
 public:
  SeriesRing(std::size_t capacity, std::int64_t slot_ms);

  void append(std::int64_t t_ms, double value);
  // The slots in [since, until], downsampled to at most `max_points` by merging runs of
  // consecutive slots (count-weighted average, min of mins, max of maxes).
  // `group` receives how many slots were merged into each point (1: raw slots).
  std::vector<HistoryPoint> query(std::int64_t since_ms, std::int64_t until_ms, std::size_t max_points,
                                  std::size_t& group) const;
  std::size_t size() const { return slots_.size(); }

 private:
  struct Slot {
    std::int64_t start_ms;
    double sum, min, max;
    std::uint64_t count;
  };
  const Slot& at(std::size_t i) const { return slots_[(head_ + i) % slots_.size()]; }

  std::size_t capacity_;
  std::int64_t slot_ms_;
  std::vector<Slot> slots_;  // grows to capacity_, then wraps at head_
  std::size_t head_ = 0;     // index of the oldest slot once full
};

struct HistorySeries {
  std::string quantity;
  std::string unit;
  std::size_t group = 1;
  std::vector<HistoryPoint> points;
};

struct HistoryQuery {
  std::string sensor;
  std::optional<std::string> quantity;  // none: every quantity of the sensor
  std::int64_t since_ms = 0;
  std::int64_t until_ms = 0;
  std::size_t max_points = 500;
  std::string node = {};  // the node that took the readings (the readings' `node`)
};

class History {
 public:
  static constexpr std::size_t kMaxSlots = 10'000;
  static constexpr std::size_t kMaxRemoteSlots = 1440;

  History(std::chrono::milliseconds retention, std::chrono::milliseconds cycle_interval,
          std::size_t remote_slots = kMaxRemoteSlots);

  // Cycle thread: appends every new ok sample, keyed by the reading's node and sensor;
  // readings of another node than `local_node` are remote (coarser rings). Does not wait
  // for a query: when one holds the rings (a downsampling pass), the readings are parked
  // and folded in by whoever takes the lock next. `local_node` must live as long as
  // `readings` (on_cycle: both point into the same snapshot).
  void record(std::shared_ptr<const std::vector<io::SensorReading>> readings, std::string_view local_node = {});

  // Error: the reason the sensor or quantity is unknown (-> 404). A node without any
  // reading is reported as an unknown sensor of that node (has_node() tells them apart).
  // Not const: it first folds in what record() parked.
  Expected<std::vector<HistorySeries>, std::string> query(const HistoryQuery& query);
  // Whether any reading of `node` was recorded (even a failed one).
  bool has_node(const std::string& node);

  std::chrono::milliseconds retention() const { return retention_; }
  std::int64_t slot_ms() const { return local_.slot_ms; }
  std::size_t capacity() const { return local_.capacity; }
  std::int64_t remote_slot_ms() const { return remote_.slot_ms; }
  std::size_t remote_capacity() const { return remote_.capacity; }

 private:
  struct Series {
    std::string unit;
    SeriesRing ring;
  };
  struct Sensor {
    io::WallTime last_sample{};
    std::map<std::string, Series> series;  // by quantity
  };
  struct RingSize {
    std::size_t capacity;
    std::int64_t slot_ms;
  };
  static RingSize ring_size(std::chrono::milliseconds retention, std::chrono::milliseconds interval,
                            std::size_t max_slots);

  using Readings = std::shared_ptr<const std::vector<io::SensorReading>>;
  struct Parked {
    Readings readings;
    std::string_view local_node;  // points into what `readings` keeps alive
  };
  static constexpr std::size_t kMaxParked = 256;  // cycles; beyond, record() waits for the lock
  void fold_locked();
  void record_locked(const std::vector<io::SensorReading>& readings, std::string_view local_node);

  std::chrono::milliseconds retention_;
  RingSize local_, remote_;
  std::mutex mutex_;  // the rings
  std::map<std::string, std::map<std::string, Sensor>> nodes_;  // by node, then sensor
  std::mutex parked_mutex_;  // held for a push or a swap only
  std::vector<Parked> parked_;
};

std::int64_t to_epoch_ms(io::WallTime time);

}  // namespace sensorhost::web
