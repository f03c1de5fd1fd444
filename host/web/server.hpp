#pragma once
// The control plane's HTTP server: dashboard page, JSON API, live events (SSE), plugin
// admin and Prometheus metrics (endpoints: host/web/README.md).
//
// It only ever reads what the cycle published: on_cycle() hands it each immutable
// snapshot, and the plugin runtime's PluginControl publishes status and events. HTTP
// threads never touch the cycle's live data and the cycle never waits on a client:
// on_cycle() stores a pointer, appends to the history rings under a short lock and wakes
// the event writers; slow clients only ever delay their own connection (read/write
// timeouts, a bounded thread pool, a bounded event backlog per client).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/expected.hpp"
#include "config/config.hpp"
#include "cycle/cycle.hpp"
#include "link/health.hpp"
#include "plugins/control.hpp"

namespace sensorhost::web {

struct ServerSources {
  plugins::PluginControl* plugins = nullptr;  // may be null (no plugin runtime); must outlive the server
  std::string version = "unknown";            // sensorhost_build_info{version=...}
  std::chrono::milliseconds cycle_interval{2000};
  std::function<io::WallTime()> wall_now = [] { return io::WallClock::now(); };
  std::function<cycle::SteadyClock::time_point()> steady_now = [] { return cycle::SteadyClock::now(); };
  // The broker link's health (/api/nodes, /api/health, /metrics); null: no link (state
  // "disabled"). Called on HTTP threads, once per request that shows it: must be
  // thread-safe and quick (a copy under a short lock).
  std::function<link::LinkHealth()> link_health;
};

struct ServerOptions {
  std::size_t threads = 16;            // worker threads: every open connection holds one
  std::size_t max_event_clients = 8;   // /api/events streams at once (the rest get 503)
  std::chrono::milliseconds io_timeout{5000};          // per read / write on a socket
  std::chrono::milliseconds keep_alive_timeout{2000};  // idle keep-alive connections close after this
  std::chrono::milliseconds event_keepalive{15000};    // SSE comment when nothing happened
  std::chrono::milliseconds event_retry{3000};         // SSE `retry:` hint for EventSource
  std::size_t event_backlog = 64;      // events a slow SSE client may lag before it loses the oldest
  std::chrono::milliseconds admin_timeout{0};  // 0: three cycle intervals + 2 s
  std::size_t history_points = 500;    // default cap on points per series in /api/history
};

class Server {
 public:
  Server(config::WebConfig config, ServerSources sources, ServerOptions options = {});
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds [web] listen:port (port 0: an ephemeral port) and serves on its own threads.
  // Once only. Error: "cannot listen on 0.0.0.0:8080: Address already in use".
  Expected<Ok, std::string> start();
  // The bound port (after start()).
  std::uint16_t port() const;
  // Closes every connection (event streams included) and joins the threads. Idempotent.
  void stop();

  // Cycle thread, after every cycle: cheap and never blocks on a client.
  void on_cycle(std::shared_ptr<const cycle::CycleSnapshot> snapshot);
  // The cycle interval changed (config reload): health and admin timeouts follow it.
  void set_cycle_interval(std::chrono::milliseconds interval);
  // A reloaded [web] section: the admin token takes effect at once; listen, port and
  // history_retention keep their values until a restart.
  void set_token(std::string token);

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sensorhost::web
