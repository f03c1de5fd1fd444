#include "platform/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

namespace sensorhost::platform {

SystemdNotifier::SystemdNotifier() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0) watchdog_period_ = std::chrono::microseconds(usec);
}

void SystemdNotifier::ready() { sd_notify(0, "READY=1"); }
void SystemdNotifier::stopping() { sd_notify(0, "STOPPING=1"); }
void SystemdNotifier::reloading() { sd_notify(0, "RELOADING=1"); }
void SystemdNotifier::status(const std::string& text) { sd_notify(0, ("STATUS=" + text).c_str()); }

void SystemdNotifier::watchdog(std::chrono::steady_clock::time_point now) {
  if (!watchdog_enabled() || now - last_ping_ < watchdog_period_ / 2) return;
  last_ping_ = now;
  sd_notify(0, "WATCHDOG=1");
}

}  // namespace sensorhost::platform
