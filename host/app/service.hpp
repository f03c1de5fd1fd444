#pragma once
// The running service: wires the configured drivers, LED bank and cycle together,
// paces the cycle, and handles stop and reload requests. main() builds one from a
// validated Config; nothing here parses command lines or files except on reload.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "cycle/cycle.hpp"
#include "cycle/runner.hpp"
#include "io/process_image.hpp"
#include "io/sensor_poller.hpp"
#include "link/link.hpp"
#include "plugins/runtime.hpp"
#include "web/server.hpp"
#include "platform/systemd_notify.hpp"

namespace sensorhost::app {

struct ServiceOptions {
  std::string config_path;     // re-read on reload
  bool force_sim = false;      // --sim
  std::uint64_t max_cycles = 0;  // --cycles N (0: until stopped)
};

class Service {
 public:
  Service(config::Config config, ServiceOptions options);
  ~Service();

  // Brings up the I/O, runs the cycle until stopped, turns the LEDs off.
  // Returns the process exit code.
  int run();
  // Thread-safe; called from the signal thread.
  void request_stop();
  void request_reload();

 private:
  bool start_io(const config::Config& config);
  bool start_web();
  void start_link();
  std::string dashboard_url() const;
  void reload();
  bool after_cycle(const cycle::CycleSnapshot& snapshot);
  void apply_logging(const config::Config& config);

  config::Config config_;
  ServiceOptions options_;
  io::ProcessImage image_;
  io::SensorPoller poller_{image_};
  std::unique_ptr<io::LedOutput> leds_;
  std::unique_ptr<io::LedOutput> previous_leds_;  // kept until the cycle stops using it
  std::unique_ptr<cycle::Cycle> cycle_;
  std::shared_ptr<plugins::PluginRuntime> plugins_;
  std::unique_ptr<web::Server> web_;  // after plugins_: stops before the runtime goes
  std::unique_ptr<link::Link> link_;  // after web_ and plugins_: stops first
  cycle::CycleRunner runner_;  // exists from construction, so an early signal is not lost
  platform::SystemdNotifier systemd_;
  bool ready_sent_ = false;
};

// "dht22 ok 21.3 C 45.0 %RH | cpu stale 47.2 C (no fresh sample for 9 s)"
std::string format_readings(const std::vector<io::SensorReading>& readings);
// "dht22: 21.3 C 45 %RH comfortable | dashboard: rendered 5120 bytes"
std::string format_plugins(const std::vector<plugins::PluginStatus>& plugins);
// "●○○" (LED 0 on)
std::string format_leds(const std::vector<bool>& leds);

}  // namespace sensorhost::app
