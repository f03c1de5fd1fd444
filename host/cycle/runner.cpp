#include "cycle/runner.hpp"

namespace sensorhost::cycle {

SteadyClock::time_point CycleRunner::next_deadline(SteadyClock::time_point previous, SteadyClock::time_point now,
                                                   std::chrono::nanoseconds interval) {
  auto next = previous + interval;
  if (next > now) return next;
  // Missed one or more deadlines: skip to the first one still ahead.
  auto missed = (now - next) / interval + 1;
  return next + missed * interval;
}

void CycleRunner::run(Cycle& cycle, std::uint64_t max_cycles, const AfterCycle& after_cycle,
                      const BetweenCycles& between_cycles) {
  auto deadline = SteadyClock::now();
  for (std::uint64_t done = 0; max_cycles == 0 || done < max_cycles; ++done) {
    {
      std::lock_guard lock(mutex_);
      if (stop_requested_) return;
    }
    auto snapshot = cycle.run_once(io::WallClock::now());
    if (after_cycle && !after_cycle(*snapshot)) return;
    if (max_cycles != 0 && done + 1 == max_cycles) return;

    std::unique_lock lock(mutex_);
    deadline = next_deadline(deadline, SteadyClock::now(), interval_);
    for (;;) {
      wake_cv_.wait_until(lock, deadline, [&] { return stop_requested_ || wake_requested_; });
      if (stop_requested_) return;
      if (!wake_requested_) break;  // deadline reached
      wake_requested_ = false;
      lock.unlock();
      if (between_cycles) between_cycles();
      lock.lock();
      // A reload may change the interval: run the next cycle now and restart the schedule.
      deadline = SteadyClock::now();
      break;
    }
  }
}

void CycleRunner::stop() {
  std::lock_guard lock(mutex_);
  stop_requested_ = true;
  wake_cv_.notify_all();
}

void CycleRunner::wake() {
  std::lock_guard lock(mutex_);
  wake_requested_ = true;
  wake_cv_.notify_all();
}

void CycleRunner::set_interval(std::chrono::nanoseconds interval) {
  std::lock_guard lock(mutex_);
  interval_ = interval;
}

}  // namespace sensorhost::cycle
