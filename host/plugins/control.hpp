#pragma once
// The plugin runtime as the control plane sees it (web API, SSE, metrics, dashboard):
// published status, admin requests and events. Everything here is safe to call from any
// thread; none of it blocks the cycle (requests are carried out by the cycle thread at
// the next cycle boundary and answered through a future).
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"

namespace sensorhost::plugins {

// Where a plugin stands in its supervision.
enum class PluginState {
  running,      // instantiated and called every cycle
  backing_off,  // failed repeatedly; restarts at `backoff_until_ms`
  disabled,     // enabled = false in host.toml, or disabled through the admin API
  failed,       // never loaded (bad file, wrong world, grant refused); retried on file change
};
std::string_view to_string(PluginState state);

struct PluginStatus {
  std::string name;
  PluginState state = PluginState::failed;
  std::string role;           // "sensor-logic" | "dashboard"
  std::string path;           // the .wasm file
  std::string version;        // content hash of the running component, 16 hex digits
  std::int64_t loaded_at_ms = 0;  // wall clock, ms since the epoch (0: never)
  std::uint64_t calls = 0;
  std::uint64_t failures = 0;            // calls that trapped, ran out of fuel or returned err
  std::uint64_t consecutive_failures = 0;
  std::uint64_t restarts = 0;            // re-instantiations by the supervisor
  std::uint64_t reloads = 0;             // successful hot swaps
  std::string last_error;                // the last failure or refused reload, with its reason
  std::string last_message;              // the last ok status line (sensor logic)
  bool last_call_ok = true;              // the last call answered ok
  std::uint64_t fuel_used_last = 0;      // fuel the last call consumed
  std::uint64_t fuel_used_total = 0;
  std::uint64_t fuel_limit = 0;          // per call
  std::uint64_t memory_bytes = 0;        // current linear memory size
  std::uint64_t memory_limit_bytes = 0;
  std::chrono::nanoseconds last_call_duration{0};
  std::chrono::nanoseconds total_call_duration{0};
  bool state_carried = false;            // the last swap carried the state (snapshot/restore)
  std::chrono::nanoseconds last_swap_pause{0};  // time the last swap took on the cycle thread
  bool has_previous = false;             // a rollback target exists
  std::int64_t backoff_until_ms = 0;     // wall clock when backing_off
  std::chrono::milliseconds backoff{0};  // current backoff step
};

// What the control plane can ask of one plugin.
enum class AdminAction { reload, rollback, enable, disable };
std::string_view to_string(AdminAction action);

struct AdminError {
  enum class Kind { not_found, conflict } kind;  // -> HTTP 404 / 409
  std::string reason;
};
// Ok: a one-line description of what happened ("reloaded dht22 (version 1a2b...)").
using AdminResult = Expected<std::string, AdminError>;

// Something that happened to a plugin, for live updates and logs.
struct PluginEvent {
  enum class Kind { loaded, reloaded, reload_failed, failed, backing_off, restarted, rolled_back, enabled, disabled, removed };
  Kind kind;
  std::string plugin;
  std::string message;
  std::int64_t time_ms = 0;  // wall clock
};
std::string_view to_string(PluginEvent::Kind kind);

class PluginControl {
 public:
  virtual ~PluginControl() = default;
  // The status of every configured plugin, in config order, as of the last cycle.
  virtual std::shared_ptr<const std::vector<PluginStatus>> status() const = 0;
  // The dashboard plugin's page for the latest cycle, rendered on the calling thread on
  // first request and cached for that cycle; null when the plugin is disabled, failing
  // or not configured (the web server then renders its fallback page).
  virtual std::shared_ptr<const std::string> dashboard_html() const = 0;
  // Carried out on the cycle thread at the next boundary.
  virtual std::future<AdminResult> request(const std::string& plugin, AdminAction action) = 0;
  // Registers a listener for events; it is called on the cycle or loader thread and must
  // not block. Returns an id for unsubscribe().
  virtual std::uint64_t subscribe(std::function<void(const PluginEvent&)> listener) = 0;
  virtual void unsubscribe(std::uint64_t id) = 0;
};

}  // namespace sensorhost::plugins
