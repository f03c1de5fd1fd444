#pragma once
// Paces the cycle: one run per interval on fixed deadlines (start + k * interval), so
// the rate does not drift with the cycle's own duration. A late cycle is counted as an
// overrun by Cycle and the schedule skips the deadlines it missed instead of bursting.
// stop() and wake() interrupt the wait at once (signals, config reload).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

#include "cycle/cycle.hpp"

namespace sensorhost::cycle {

class CycleRunner {
 public:
  // Called on the cycle thread after every cycle; return false to stop the runner.
  using AfterCycle = std::function<bool(const CycleSnapshot&)>;
  // Called on the cycle thread between cycles when wake() asked for it (config reload).
  using BetweenCycles = std::function<void()>;

  explicit CycleRunner(std::chrono::nanoseconds interval) : interval_(interval) {}

  // Runs `cycle` until stop(), until after_cycle returns false, or `max_cycles` (0 = no limit).
  void run(Cycle& cycle, std::uint64_t max_cycles, const AfterCycle& after_cycle,
           const BetweenCycles& between_cycles);
  // Ends run() at once; a stop requested before run() makes run() return before any cycle.
  void stop();
  // Asks the runner to call between_cycles before the next cycle, without waiting.
  void wake();
  void set_interval(std::chrono::nanoseconds interval);

  // Next deadline after `previous` that is not in the past at `now` (pure, tested).
  static SteadyClock::time_point next_deadline(SteadyClock::time_point previous, SteadyClock::time_point now,
                                               std::chrono::nanoseconds interval);

 private:
  std::mutex mutex_;
  std::condition_variable wake_cv_;
  std::chrono::nanoseconds interval_;
  bool stop_requested_ = false;
  bool wake_requested_ = false;
};

}  // namespace sensorhost::cycle
