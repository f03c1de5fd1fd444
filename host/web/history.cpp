#include "web/history.hpp"

#include <algorithm>

namespace sensorhost::web {

std::int64_t to_epoch_ms(io::WallTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

SeriesRing::SeriesRing(std::size_t capacity, std::int64_t slot_ms)
    : capacity_(std::max<std::size_t>(capacity, 1)), slot_ms_(std::max<std::int64_t>(slot_ms, 1)) {}

void SeriesRing::append(std::int64_t t_ms, double value) {
  if (!slots_.empty()) {
    Slot& last = slots_[(head_ + slots_.size() - 1) % slots_.size()];
    // Samples arriving out of order (a clock step back) join the newest slot rather than
    // breaking the ring's time order.
    if (t_ms < last.start_ms + slot_ms_) {
      last.sum += value;
      last.min = std::min(last.min, value);
      last.max = std::max(last.max, value);
      ++last.count;
      return;
    }
  }
  const Slot slot{t_ms, value, value, value, 1};
  if (slots_.size() < capacity_) {
    slots_.push_back(slot);
  } else {
    slots_[head_] = slot;
    head_ = (head_ + 1) % capacity_;
  }
}

std::vector<HistoryPoint> SeriesRing::query(std::int64_t since_ms, std::int64_t until_ms, std::size_t max_points,
                                            std::size_t& group) const {
  // Slots are in time order: find the range by binary search over the logical indices.
  std::size_t lo = 0, hi = slots_.size();
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (at(mid).start_ms + slot_ms_ <= since_ms) lo = mid + 1;
    else hi = mid;
  }
  std::size_t end = lo;
  while (end < slots_.size() && at(end).start_ms <= until_ms) ++end;

  const std::size_t n = end - lo;
  max_points = std::max<std::size_t>(max_points, 1);
  group = std::max<std::size_t>(1, (n + max_points - 1) / max_points);
  std::vector<HistoryPoint> points;
  points.reserve((n + group - 1) / group);
  for (std::size_t first = lo; first < end; first += group) {
    const Slot& s0 = at(first);
    double sum = 0.0, mn = s0.min, mx = s0.max;
    std::uint64_t count = 0;
    for (std::size_t i = first; i < std::min(first + group, end); ++i) {
      const Slot& s = at(i);
      sum += s.sum;
      count += s.count;
      mn = std::min(mn, s.min);
      mx = std::max(mx, s.max);
    }
    points.push_back({s0.start_ms, sum / static_cast<double>(count), mn, mx, count});
  }
  return points;
}

History::RingSize History::ring_size(std::chrono::milliseconds retention, std::chrono::milliseconds cycle_interval,
                                     std::size_t max_slots) {
  const std::int64_t interval = std::max<std::int64_t>(cycle_interval.count(), 1);
  const std::int64_t wanted = retention.count() / interval + 1;
  const auto capacity = static_cast<std::size_t>(std::min<std::int64_t>(wanted, static_cast<std::int64_t>(std::max<std::size_t>(max_slots, 1))));
  const std::int64_t slot_ms = std::max<std::int64_t>(
      interval, (retention.count() + static_cast<std::int64_t>(capacity) - 1) / static_cast<std::int64_t>(capacity));
  return {capacity, slot_ms};
}

History::History(std::chrono::milliseconds retention, std::chrono::milliseconds cycle_interval, std::size_t remote_slots)
    : retention_(std::max(retention, std::chrono::milliseconds(1))),
      local_(ring_size(retention_, cycle_interval, kMaxSlots)),
      remote_(ring_size(retention_, cycle_interval, remote_slots)) {}

void History::record(Readings readings, std::string_view local_node) {
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock) {
    std::lock_guard parked(parked_mutex_);
    if (parked_.size() < kMaxParked) {
      parked_.push_back({std::move(readings), local_node});
      return;
    }
  }
  // Only when queries have held the rings for kMaxParked cycles in a row (a machine far
  // beyond its means) does the cycle wait for them, rather than lose samples.
  if (!lock) lock.lock();
  fold_locked();
  record_locked(*readings, local_node);
}

void History::fold_locked() {
  std::vector<Parked> parked;
  {
    std::lock_guard lock(parked_mutex_);
    parked.swap(parked_);
  }
  for (const auto& p : parked) record_locked(*p.readings, p.local_node);
}

void History::record_locked(const std::vector<io::SensorReading>& readings, std::string_view local_node) {
  std::map<std::string, Sensor>* node = nullptr;  // consecutive readings are mostly of one node
  const std::string* node_name = nullptr;
  for (const auto& reading : readings) {
    if (!node_name || *node_name != reading.node) {
      auto it = nodes_.try_emplace(reading.node).first;
      node = &it->second;
      node_name = &it->first;
    }
    Sensor& sensor = (*node)[reading.sensor];  // known from its first reading, even an error
    if (reading.status != io::ReadingStatus::ok || reading.time == sensor.last_sample) continue;
    sensor.last_sample = reading.time;
    const RingSize& size = reading.node == local_node ? local_ : remote_;
    const std::int64_t t = to_epoch_ms(reading.time);
    for (const auto& m : reading.values) {
      auto it = sensor.series.find(m.quantity);
      if (it == sensor.series.end())
        it = sensor.series.emplace(m.quantity, Series{m.unit, SeriesRing(size.capacity, size.slot_ms)}).first;
      it->second.unit = m.unit;
      it->second.ring.append(t, m.value);
    }
  }
}

bool History::has_node(const std::string& node) {
  std::lock_guard lock(mutex_);
  fold_locked();
  return nodes_.contains(node);
}

Expected<std::vector<HistorySeries>, std::string> History::query(const HistoryQuery& q) {
  std::lock_guard lock(mutex_);
  fold_locked();
  const auto unknown = [&] {
    return unexpected("unknown sensor '" + q.sensor + "'" + (q.node.empty() ? "" : " on node '" + q.node + "'"));
  };
  const auto node = nodes_.find(q.node);
  if (node == nodes_.end()) return unknown();
  const auto sensor = node->second.find(q.sensor);
  if (sensor == node->second.end()) return unknown();
  // Never older than the retention, whatever `since` asks for.
  const std::int64_t since = std::max(q.since_ms, q.until_ms - retention_.count());
  std::vector<HistorySeries> out;
  for (const auto& [quantity, series] : sensor->second.series) {
    if (q.quantity && *q.quantity != quantity) continue;
    HistorySeries s{quantity, series.unit, 1, {}};
    s.points = series.ring.query(since, q.until_ms, q.max_points, s.group);
    out.push_back(std::move(s));
  }
  if (q.quantity && out.empty())
    return unexpected("sensor '" + q.sensor + "' has no quantity '" + *q.quantity + "'");
  return out;
}

}  // namespace sensorhost::web
