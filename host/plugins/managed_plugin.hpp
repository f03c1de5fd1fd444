#pragma once
// One configured plugin over its lifetime: the running version, the previous good one
// (instant rollback), the file watch, supervision and its counters. Everything here runs
// on the cycle thread except the load tasks it hands out, which only use copies.
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "cycle/cycle.hpp"
#include "io/led.hpp"
#include "plugins/control.hpp"
#include "plugins/loaded_plugin.hpp"
#include "plugins/loader_thread.hpp"
#include "plugins/supervisor.hpp"

namespace sensorhost::plugins {

using EventSink = std::function<void(PluginEvent::Kind, const std::string& plugin, const std::string& message)>;

struct ManagedOptions {
  SupervisionPolicy supervision;
  // A changed file whose mtime is younger than this is read only when a second check
  // finds it unchanged (a writer may still be at it).
  std::chrono::milliseconds settle{100};
};

class ManagedPlugin {
 public:
  ManagedPlugin(config::PluginConfig config, const HostEnv& env, ManagedOptions options, EventSink emit);

  const std::string& name() const { return config_.name; }
  const config::PluginConfig& config() const { return config_; }
  std::uint64_t generation() const { return generation_; }
  bool is_dashboard() const { return config_.role == config::PluginRole::dashboard; }
  // Running and not parked: its output can be trusted this cycle.
  bool healthy() const;

  // Loads the file on the calling thread (start-up). A failure leaves the plugin failed.
  void load_now();
  // Settings, enabled, LED: applied in place. Anything else that changed (path, role,
  // grants, limits) needs a new version: returns true and the caller reloads.
  bool reconfigure(const config::PluginConfig& next, io::LedBuffer& bank);

  // The watcher's check, once per cycle: a load task when the file changed and settled.
  std::optional<LoaderThread::Task> check_file(io::WallTime now);
  // A load task regardless of the file's identity (admin reload, reconfiguration).
  LoaderThread::Task reload_task(std::optional<std::promise<AdminResult>> reply = std::nullopt);
  // Takes a finished load at the cycle boundary: swaps in a ready version (state carried
  // when both versions export it) or reports why the running one stays.
  void adopt(LoadOutcome outcome);

  // Sensor logic: poll() with the plugin's sensor reading from `inputs`.
  void run_sensor_logic(const cycle::CycleInputs& inputs, io::LedBuffer& bank);
  // Dashboard: the page, or nullopt when the call failed or the plugin is not running.
  // `nodes`: every node with its readings, the local node first.
  std::optional<std::string> render(std::uint64_t generated_ms, const std::vector<api::NodeReadings>& nodes,
                                    const std::vector<api::PluginStatus>& plugins);

  AdminResult rollback();
  AdminResult set_enabled(bool enabled, io::LedBuffer& bank);
  // Turns this plugin's configured LED off (disabled or removed).
  void release_led(io::LedBuffer& bank) const;
  // Answers pending admin replies (the runtime is going away).
  void abandon_replies(const std::string& why);

  PluginStatus status() const;

 private:
  bool callable(std::chrono::steady_clock::time_point now);
  void restart(std::chrono::steady_clock::time_point now);
  template <class Call>
  bool metered_call(Call&& call);
  void record_failure(const std::string& error, bool trapped);
  void swap_in(std::unique_ptr<LoadedPlugin> next);
  // Snapshot of `from` restored into `into`; `into` may be replaced by a clean instance.
  bool carry_state(LoadedPlugin& from, std::unique_ptr<LoadedPlugin>& into, std::string& why);
  void emit(PluginEvent::Kind kind, const std::string& message) const { emit_(kind, config_.name, message); }

  config::PluginConfig config_;
  const HostEnv& env_;
  ManagedOptions options_;
  EventSink emit_;
  std::uint64_t generation_ = 1;
  bool enabled_;

  std::unique_ptr<LoadedPlugin> running_;
  std::unique_ptr<LoadedPlugin> previous_;
  Supervisor supervisor_;

  // File watch.
  std::optional<FileIdentity> considered_;  // the identity last loaded, refused or found unchanged
  std::optional<FileIdentity> pending_;     // seen changed once, not yet settled
  bool load_in_flight_ = false;
  bool missing_reported_ = false;
  std::vector<std::promise<AdminResult>> reload_replies_;

  // Counters for status().
  std::uint64_t calls_ = 0, failures_ = 0, restarts_ = 0, reloads_ = 0;
  std::uint64_t fuel_last_ = 0, fuel_total_ = 0;
  std::chrono::nanoseconds last_call_{0}, total_call_{0}, last_swap_pause_{0};
  std::string last_error_, last_message_;
  bool state_carried_ = false;
  bool last_call_ok_ = true;
};

}  // namespace sensorhost::plugins
