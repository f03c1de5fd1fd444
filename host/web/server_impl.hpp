#pragma once
// The server's inside, shared by server.cpp (lifecycle, routing, cycle input) and
// handlers.cpp (the endpoints). Not part of the web library's interface.
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <regex>
#include <thread>
#include <vector>

#include "web/events.hpp"
#include "web/history.hpp"
#include "web/metrics.hpp"
#include "web/server.hpp"

namespace sensorhost::web {

class Server::Impl {
 public:
  Impl(config::WebConfig config, ServerSources sources, ServerOptions options);

  Expected<Ok, std::string> start();
  void stop();
  void on_cycle(std::shared_ptr<const cycle::CycleSnapshot> snapshot);

  void set_token(std::string token);
  std::string token() const;

  std::atomic<std::uint16_t> port{0};
  std::atomic<std::int64_t> interval_ms;

 private:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&, const std::smatch&)>;
  struct Route {
    std::regex path;
    std::string method;
    Handler handler;
  };

  void add_routes();
  void route(const char* method, const char* path, Handler handler);
  void dispatch(const httplib::Request& req, httplib::Response& res);
  void configure_http();

  // Endpoints (handlers.cpp).
  void get_page(const httplib::Request& req, httplib::Response& res);
  void get_asset(const httplib::Request& req, httplib::Response& res);
  void get_readings(const httplib::Request& req, httplib::Response& res);
  void get_history(const httplib::Request& req, httplib::Response& res);
  void get_plugins(const httplib::Request& req, httplib::Response& res);
  void get_plugin(const httplib::Request& req, httplib::Response& res, const std::string& name);
  void post_admin(const httplib::Request& req, httplib::Response& res, const std::string& name,
                  const std::string& action);
  void get_nodes(const httplib::Request& req, httplib::Response& res);
  void get_health(const httplib::Request& req, httplib::Response& res);
  void get_events(const httplib::Request& req, httplib::Response& res);
  void get_metrics(const httplib::Request& req, httplib::Response& res);

  std::shared_ptr<const std::vector<plugins::PluginStatus>> plugin_status() const;
  std::string dashboard_notice() const;
  std::chrono::milliseconds snapshot_age() const;
  link::LinkHealth link_health() const;
  std::string readings_body();

  config::WebConfig config_;  // token: under token_mutex_
  mutable std::mutex token_mutex_;
  ServerSources sources_;
  ServerOptions options_;

  // What the cycle published.
  std::atomic<std::shared_ptr<const cycle::CycleSnapshot>> latest_;
  std::atomic<std::int64_t> latest_steady_ns_{0};
  History history_;
  DurationHistogram cycle_durations_;
  EventLog events_;
  // /api/readings rendered once per snapshot, by the first request that asks.
  struct RenderedReadings {
    std::uint64_t cycle;
    std::string body;
  };
  std::atomic<std::shared_ptr<const RenderedReadings>> readings_cache_;

  std::atomic<std::uint64_t> event_clients_{0};
  std::atomic<std::uint64_t> events_dropped_{0};
  std::uint64_t subscription_ = 0;
  bool subscribed_ = false;

  httplib::Server http_;
  std::vector<Route> routes_;
  std::thread thread_;
  std::mutex lifecycle_;
  bool started_ = false;
  bool stopped_ = false;
  std::atomic<bool> listen_returned_{false};
};

}  // namespace sensorhost::web
