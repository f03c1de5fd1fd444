#pragma once
// The service's side of Type=notify: READY=1 after the first good cycle, WATCHDOG=1
// from the cycle thread (so a stuck cycle stops the pings and systemd restarts us),
// STOPPING=1 on the way out. Without NOTIFY_SOCKET every call is a cheap no-op.
#include <chrono>
#include <string>

namespace sensorhost::platform {

class SystemdNotifier {
 public:
  SystemdNotifier();
  void ready();
  void stopping();
  void reloading();
  void status(const std::string& text);
  // Sends WATCHDOG=1 at most every half watchdog period; call it once per cycle.
  void watchdog(std::chrono::steady_clock::time_point now);
  bool watchdog_enabled() const { return watchdog_period_.count() > 0; }

 private:
  std::chrono::microseconds watchdog_period_{0};
  std::chrono::steady_clock::time_point last_ping_{};
};

}  // namespace sensorhost::platform
