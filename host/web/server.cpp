#include "web/server.hpp"

#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "web/nodes.hpp"
#include "web/render.hpp"
#include "web/server_impl.hpp"

namespace sensorhost::web {

namespace {

std::string reason_phrase(int status) {
  switch (status) {
    case 400: return "bad request";
    case 404: return "not found";
    case 405: return "method not allowed";
    case 408: return "request timeout";
    case 413: return "request body too large";
    case 414: return "request URI too long";
    case 416: return "range not satisfiable";
    default: return status >= 500 ? "internal error" : "request refused";
  }
}

// HTTP threads run at a lower CPU priority (nice +10; Linux nice values are per thread)
// so that a burst of requests cannot take the CPU from the cycle thread on a small board.
// Done once per thread, on its first request.
void lower_thread_priority() {
  thread_local const bool lowered = [] {
    const int current = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
    return ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), std::min(current + 10, 19)) == 0;
  }();
  (void)lowered;
}

}  // namespace

Server::Impl::Impl(config::WebConfig config, ServerSources sources, ServerOptions options)
    : interval_ms(std::max<std::int64_t>(sources.cycle_interval.count(), 1)),
      config_(std::move(config)),
      sources_(std::move(sources)),
      options_(options),
      history_(config_.history_retention, sources_.cycle_interval),
      events_(options.event_backlog) {
  add_routes();
}

void Server::Impl::route(const char* method, const char* path, Handler handler) {
  routes_.push_back({std::regex(path), method, std::move(handler)});
}

void Server::Impl::add_routes() {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  route("GET", "/", [this](Req q, Res r, const std::smatch&) { get_page(q, r); });
  route("GET", "/assets/.+", [this](Req q, Res r, const std::smatch&) { get_asset(q, r); });
  route("GET", "/api/readings", [this](Req q, Res r, const std::smatch&) { get_readings(q, r); });
  route("GET", "/api/history", [this](Req q, Res r, const std::smatch&) { get_history(q, r); });
  route("GET", "/api/plugins", [this](Req q, Res r, const std::smatch&) { get_plugins(q, r); });
  route("GET", "/api/plugins/([^/]+)", [this](Req q, Res r, const std::smatch& m) { get_plugin(q, r, m[1]); });
  route("POST", "/api/plugins/([^/]+)/(reload|rollback|enable|disable)",
        [this](Req q, Res r, const std::smatch& m) { post_admin(q, r, m[1], m[2]); });
  route("GET", "/api/nodes", [this](Req q, Res r, const std::smatch&) { get_nodes(q, r); });
  route("GET", "/api/health", [this](Req q, Res r, const std::smatch&) { get_health(q, r); });
  route("GET", "/api/events", [this](Req q, Res r, const std::smatch&) { get_events(q, r); });
  route("GET", "/metrics", [this](Req q, Res r, const std::smatch&) { get_metrics(q, r); });
}

// One dispatcher for every method, so that a known path asked with the wrong method is
// a 405 with an Allow header and every error has the same JSON body.
void Server::Impl::dispatch(const httplib::Request& req, httplib::Response& res) {
  lower_thread_priority();
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  std::string allow;
  std::smatch match;
  for (const auto& r : routes_) {
    if (!std::regex_match(req.path, match, r.path)) continue;
    if (r.method == method) {
      r.handler(req, res, match);
      return;
    }
    allow += (allow.empty() ? "" : ", ") + r.method;
  }
  if (allow.empty()) {
    res.status = 404;
    res.set_content(error_body(404, "no such endpoint: " + req.path), "application/json");
  } else if (method == "OPTIONS") {
    res.status = 204;
    res.set_header("Allow", allow + ", OPTIONS");
  } else {
    res.status = 405;
    res.set_header("Allow", allow);
    res.set_content(error_body(405, req.method + " is not allowed on " + req.path + " (allowed: " + allow + ")"),
                    "application/json");
  }
}

void Server::Impl::configure_http() {
  // httplib owns and deletes the queue it gets here (its API); the pool is fixed-size.
  const std::size_t threads = std::max<std::size_t>(options_.threads, 2);
  http_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which would let a second
  // service bind the same port silently instead of failing with "address in use".
  http_.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http_.set_tcp_nodelay(true);
  http_.set_read_timeout(options_.io_timeout);
  http_.set_write_timeout(options_.io_timeout);
  http_.set_keep_alive_timeout(std::max<time_t>(1, std::chrono::ceil<std::chrono::seconds>(options_.keep_alive_timeout).count()));
  http_.set_payload_max_length(64 * 1024);

  const auto handler = [this](const httplib::Request& req, httplib::Response& res) { dispatch(req, res); };
  // No endpoint takes a body. A request without Content-Length or Transfer-Encoding has
  // none (RFC 9112 6.3), but httplib would wait for the connection to close (`curl -X POST`
  // gets a 400): bodies are read, and dropped, only when announced.
  const auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& read) {
    if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding"))
      read([](const char*, std::size_t) { return true; });
    dispatch(req, res);
  };
  http_.Get(".*", handler);
  http_.Options(".*", handler);
  http_.Post(".*", with_body);
  http_.Put(".*", with_body);
  http_.Patch(".*", with_body);
  http_.Delete(".*", with_body);
  // Errors httplib produces itself (malformed request, body too large) get the JSON body too.
  http_.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty() || res.status < 400) return httplib::Server::HandlerResponse::Unhandled;
    res.set_content(error_body(res.status, reason_phrase(res.status)), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  http_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(error_body(500, "internal error: " + what), "application/json");
  });
}

Expected<Ok, std::string> Server::Impl::start() {
  std::lock_guard lock(lifecycle_);
  if (started_) return unexpected(std::string("the web server was already started"));
  configure_http();
  const std::string where = config_.listen + ":" + std::to_string(config_.port);
  errno = 0;
  int bound = config_.port;
  const bool ok = config_.port == 0 ? (bound = http_.bind_to_any_port(config_.listen)) > 0
                                    : http_.bind_to_port(config_.listen, config_.port);
  if (!ok) {
    const int err = errno;
    return unexpected("cannot listen on " + where + ": " +
                      (err ? std::string(std::strerror(err)) : std::string("address not usable")));
  }
  port = static_cast<std::uint16_t>(bound);
  started_ = true;
  thread_ = std::thread([this] {
    lower_thread_priority();
    http_.listen_after_bind();
    listen_returned_ = true;
  });
  if (sources_.plugins) {
    subscription_ = sources_.plugins->subscribe([this](const plugins::PluginEvent& e) {
      events_.publish("plugin", [e] { return dump(plugin_event_json(e)); });
    });
    subscribed_ = true;
  }
  return Ok{};
}

void Server::Impl::stop() {
  std::lock_guard lock(lifecycle_);
  if (!started_ || stopped_) return;
  stopped_ = true;
  if (subscribed_) sources_.plugins->unsubscribe(subscription_);
  // httplib's stop() is a no-op until its accept loop has begun: wait for that (it is the
  // first thing the listen thread does) so the stop cannot be lost.
  while (!http_.is_running() && !listen_returned_) std::this_thread::yield();
  http_.stop();
  events_.close();  // ends every event stream, so the pool's threads can be joined
  thread_.join();
}

void Server::Impl::on_cycle(std::shared_ptr<const cycle::CycleSnapshot> snapshot) {
  if (!snapshot) return;
  cycle_durations_.observe(snapshot->stats.last_duration);
  history_.record(std::shared_ptr<const std::vector<io::SensorReading>>(snapshot, &snapshot->readings), snapshot->node);
  latest_steady_ns_ = sources_.steady_now().time_since_epoch().count();
  const auto previous = latest_.exchange(snapshot);
  events_.publish("reading", [snapshot] { return dump(snapshot_json(*snapshot)); });
  // Only the cycle thread stores snapshots, so `previous` is the one before this one.
  if (previous)
    for (auto& change : node_changes(previous->nodes, snapshot->nodes))
      events_.publish("node", [change = std::move(change), time = snapshot->time] {
        return dump(node_event_json(change, time));
      });
}

void Server::Impl::set_token(std::string token) {
  std::lock_guard lock(token_mutex_);
  config_.token = std::move(token);
}

std::string Server::Impl::token() const {
  std::lock_guard lock(token_mutex_);
  return config_.token;
}

Server::Server(config::WebConfig config, ServerSources sources, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(sources), options)) {}

Server::~Server() { stop(); }

Expected<Ok, std::string> Server::start() { return impl_->start(); }

std::uint16_t Server::port() const { return impl_->port; }

void Server::stop() { impl_->stop(); }

void Server::on_cycle(std::shared_ptr<const cycle::CycleSnapshot> snapshot) { impl_->on_cycle(std::move(snapshot)); }

void Server::set_cycle_interval(std::chrono::milliseconds interval) {
  impl_->interval_ms = std::max<std::int64_t>(interval.count(), 1);
}

void Server::set_token(std::string token) { impl_->set_token(std::move(token)); }

}  // namespace sensorhost::web
