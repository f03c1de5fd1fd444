#pragma once
// One cycle of the logic plane, in a fixed order:
//   1. snapshot the process image (latest readings with their age and status),
//   2. run every plugin slot on that snapshot, one at a time (they write the LED buffer),
//   3. apply the LED buffer to the hardware with exactly one write,
//   4. publish an immutable snapshot for the control plane (HTTP, SSE, Modbus, metrics).
// Readers only ever see complete snapshots through an atomic shared_ptr swap.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/led.hpp"
#include "io/process_image.hpp"
#include "io/reading.hpp"

namespace sensorhost::cycle {

using SteadyClock = std::chrono::steady_clock;

struct CycleSnapshot;

struct CycleInputs {
  std::uint64_t number = 0;
  io::WallTime time{};
  const std::vector<io::SensorReading>& readings;  // every node's, the local node's first
  // The snapshot these inputs belong to, while the cycle still builds it: its readings,
  // node (the local one's name) and nodes are final, so the control plane may keep them
  // without copying.
  std::shared_ptr<const CycleSnapshot> snapshot;
};

// A plugin as the cycle sees it. The plugin runtime implements it; a slot never
// throws and never blocks: failures are its own business (logged, counted, isolated).
class PluginSlot {
 public:
  virtual ~PluginSlot() = default;
  virtual const std::string& name() const = 0;
  virtual void run(const CycleInputs& inputs, io::LedBuffer& leds) = 0;
};

struct CycleStats {
  std::uint64_t cycles = 0;
  std::uint64_t overruns = 0;            // cycles that took longer than the interval
  std::uint64_t led_write_failures = 0;
  std::chrono::nanoseconds last_duration{0};
  std::chrono::nanoseconds max_duration{0};
  std::chrono::nanoseconds total_duration{0};
};

struct CycleSnapshot {
  std::uint64_t number = 0;
  io::WallTime time{};
  std::string node;  // the local node's name
  // Every node's readings (the local node's first, each stamped with its node) and
  // every node known (the local one first; remote ones on a hub).
  std::vector<io::SensorReading> readings;
  std::vector<io::NodeStatus> nodes;
  std::map<std::string, io::SensorCounters> sensor_counters;  // read successes/failures so far
  std::vector<bool> leds;
  std::string led_error;  // last LED write failure, if the last write failed
  CycleStats stats;
};

class Cycle {
 public:
  // `led_count` LEDs in the buffer; `interval` decides what counts as an overrun.
  Cycle(io::ProcessImage& image, io::LedOutput& leds, std::chrono::nanoseconds interval,
        std::function<SteadyClock::time_point()> steady_now = SteadyClock::now);

  void set_plugins(std::vector<std::shared_ptr<PluginSlot>> plugins) { plugins_ = std::move(plugins); }
  void set_interval(std::chrono::nanoseconds interval) { interval_ = interval; }
  // Drives a different LED bank from the next cycle on (config reload). LEDs that exist
  // in both keep their state.
  void set_led_output(io::LedOutput& leds);

  // Runs one cycle stamped `now` and returns the snapshot it published.
  std::shared_ptr<const CycleSnapshot> run_once(io::WallTime now);
  // The latest published snapshot (never null after the first cycle). Any thread.
  std::shared_ptr<const CycleSnapshot> latest() const { return latest_.load(); }

  // The buffer plugins write; the runtime turns a removed or disabled plugin's LED off in it.
  io::LedBuffer& led_buffer() { return led_buffer_; }

  // Turns every LED off with one write (shutdown).
  bool all_leds_off(std::string& error);

 private:
  io::ProcessImage& image_;
  io::LedOutput* led_output_;
  io::LedBuffer led_buffer_;
  std::chrono::nanoseconds interval_;
  std::function<SteadyClock::time_point()> steady_now_;
  std::vector<std::shared_ptr<PluginSlot>> plugins_;
  CycleStats stats_;
  std::atomic<std::shared_ptr<const CycleSnapshot>> latest_;
};

}  // namespace sensorhost::cycle
