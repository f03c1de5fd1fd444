#pragma once
// The restart policy of one plugin, on an injected clock: calls that trap (or run out of
// fuel) count up; after `failures_before_restart` in a row the plugin is parked and
// re-instantiated once its backoff has passed. The backoff doubles with each restart
// (1 s, 2 s, 4 s ... 60 s) and resets once the plugin has run clean for `max_backoff`.
#include <chrono>
#include <cstdint>

namespace sensorhost::plugins {

struct SupervisionPolicy {
  unsigned failures_before_restart = 3;
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{60'000};
};

class Supervisor {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Supervisor(SupervisionPolicy policy = {}) : policy_(policy), next_backoff_(policy.initial_backoff) {}

  void on_success(Clock::time_point now);
  // A trapped call. True when this failure parks the plugin (a backoff starts now).
  bool on_trap(Clock::time_point now);
  // The restart itself failed (trap while starting): park again with the next step.
  void on_restart_failed(Clock::time_point now) { park(now); }
  void on_restarted(Clock::time_point now);
  // A new version or an admin action: start over.
  void reset();

  bool parked() const { return parked_; }
  bool restart_due(Clock::time_point now) const { return parked_ && now >= parked_until_; }
  Clock::time_point parked_until() const { return parked_until_; }
  std::chrono::milliseconds current_backoff() const { return current_backoff_; }
  std::uint64_t consecutive_failures() const { return consecutive_failures_; }

 private:
  void park(Clock::time_point now);

  SupervisionPolicy policy_;
  std::uint64_t consecutive_failures_ = 0;
  bool parked_ = false;
  Clock::time_point parked_until_{};
  Clock::time_point restarted_at_{};
  std::chrono::milliseconds current_backoff_{0};
  std::chrono::milliseconds next_backoff_;
};

}  // namespace sensorhost::plugins
