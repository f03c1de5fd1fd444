#pragma once
// The plugin runtime: every configured plugin, run by the cycle as one slot.
//
// Each cycle, on the cycle thread and in this order:
//   1. admin requests from the control plane are carried out,
//   2. finished loads are swapped in (the boundary: no call of that plugin is running),
//   3. every plugin file is checked (one stat); changed, settled files go to the loader,
//   4. the sensor-logic plugins are called in config order, writing the LED buffer,
//   5. readings and status are published for the control plane (atomic shared_ptr swaps).
//
// The dashboard is not called by the cycle: its page is rendered on demand, on the web
// server's thread that asks for it, from the latest published readings and status, and
// cached per cycle. A dashboard plugin is only touched under dashboard_mutex_; the cycle
// thread merely try-locks it, and when a render is in progress its bookkeeping for the
// dashboard (swap, file check, admin) waits for the next cycle. So no page request ever
// delays a cycle, and the cycle's time does not include the page.
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "cycle/cycle.hpp"
#include "plugins/control.hpp"
#include "plugins/loader_thread.hpp"
#include "plugins/managed_plugin.hpp"

namespace sensorhost::plugins {

struct RuntimeOptions {
  ManagedOptions plugins;
  std::function<io::WallTime()> wall_now = [] { return std::chrono::system_clock::now(); };
  std::function<std::chrono::steady_clock::time_point()> steady_now = [] { return std::chrono::steady_clock::now(); };
};

class PluginRuntime final : public PluginControl, public cycle::PluginSlot {
 public:
  // Loads every configured plugin on the calling thread; failures are reported, not fatal.
  explicit PluginRuntime(const std::vector<config::PluginConfig>& plugins, RuntimeOptions options = {});
  ~PluginRuntime() override;

  // host.toml was reloaded (cycle thread, between cycles): plugins added, removed,
  // enabled, disabled or reconfigured follow. New versions load off the cycle thread.
  void apply_config(const std::vector<config::PluginConfig>& plugins, io::LedBuffer& bank);

  // cycle::PluginSlot
  const std::string& name() const override { return name_; }
  void run(const cycle::CycleInputs& inputs, io::LedBuffer& leds) override;

  // PluginControl
  std::shared_ptr<const std::vector<PluginStatus>> status() const override { return status_.load(); }
  std::shared_ptr<const std::string> dashboard_html() const override;
  std::future<AdminResult> request(const std::string& plugin, AdminAction action) override;
  std::uint64_t subscribe(std::function<void(const PluginEvent&)> listener) override;
  void unsubscribe(std::uint64_t id) override;

  // Blocks until the loader has finished every load handed to it (tests, benchmarks).
  void wait_for_loads() { loader_.wait_idle(); }

 private:
  struct Request {
    std::string plugin;
    AdminAction action;
    std::promise<AdminResult> reply;
  };

  std::unique_ptr<ManagedPlugin> make_plugin(const config::PluginConfig& config);
  ManagedPlugin* find(const std::string& name);
  void serve_requests(io::LedBuffer& bank);
  void adopt_finished_loads();
  void check_files(io::WallTime now);
  void publish_inputs(const cycle::CycleInputs& inputs);
  void publish_status();
  // Runs `f` on `p` now if `p` is not a dashboard or the dashboard lock is free.
  template <class F>
  bool when_free(ManagedPlugin& p, F&& f);
  void emit(PluginEvent::Kind kind, const std::string& plugin, const std::string& message);
  // `node` empty: the local node.
  std::optional<io::SensorReading> latest(const std::string& node, const std::string& sensor) const;
  std::vector<io::NodeStatus> nodes() const;

  std::string name_ = "plugins";
  RuntimeOptions options_;
  HostEnv env_;
  std::vector<std::unique_ptr<ManagedPlugin>> plugins_;

  // The cycle in progress, for the sensors capability (only answered on the cycle thread).
  const cycle::CycleInputs* current_ = nullptr;
  std::atomic<std::thread::id> cycle_thread_{};

  std::mutex requests_mutex_;
  std::deque<Request> requests_;

  std::mutex listeners_mutex_;
  std::map<std::uint64_t, std::function<void(const PluginEvent&)>> listeners_;
  std::uint64_t next_listener_ = 1;

  std::atomic<std::shared_ptr<const std::vector<PluginStatus>>> status_;

  struct PublishedInputs {
    std::uint64_t number = 0;
    io::WallTime time{};
    std::shared_ptr<const cycle::CycleSnapshot> snapshot;  // its readings, node and nodes
  };
  // The dashboard's view: every node with its readings, the local node first.
  static std::vector<api::NodeReadings> readings_by_node(const PublishedInputs& inputs);
  std::atomic<std::shared_ptr<const PublishedInputs>> inputs_;
  mutable std::mutex dashboard_mutex_;
  mutable std::uint64_t rendered_for_ = 0;  // the cycle number the cached page shows
  mutable std::shared_ptr<const std::string> rendered_;
  std::deque<LoadOutcome> deferred_loads_;  // dashboard loads that met a render in progress

  LoaderThread loader_;  // last: its thread stops before the members its tasks use go
};

}  // namespace sensorhost::plugins
