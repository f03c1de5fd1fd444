#include "plugins/supervisor.hpp"

#include <algorithm>

namespace sensorhost::plugins {

void Supervisor::on_success(Clock::time_point now) {
  consecutive_failures_ = 0;
  // Clean for as long as the longest backoff: the next trouble starts from 1 s again.
  if (current_backoff_.count() > 0 && now - restarted_at_ >= policy_.max_backoff) {
    current_backoff_ = std::chrono::milliseconds(0);
    next_backoff_ = policy_.initial_backoff;
  }
}

bool Supervisor::on_trap(Clock::time_point now) {
  ++consecutive_failures_;
  if (parked_ || consecutive_failures_ < policy_.failures_before_restart) return false;
  park(now);
  return true;
}

void Supervisor::park(Clock::time_point now) {
  parked_ = true;
  current_backoff_ = next_backoff_;
  parked_until_ = now + current_backoff_;
  next_backoff_ = std::min(next_backoff_ * 2, policy_.max_backoff);
}

void Supervisor::on_restarted(Clock::time_point now) {
  parked_ = false;
  consecutive_failures_ = 0;
  restarted_at_ = now;
}

void Supervisor::reset() { *this = Supervisor(policy_); }

}  // namespace sensorhost::plugins
