// The endpoints of the web server. Each reads only published data: the latest snapshot,
// the history rings, the event log and the plugin runtime's published status.
#include <algorithm>
#include <cstdlib>
#include <future>

#include "web/health.hpp"
#include "web/nodes.hpp"
#include "web/render.hpp"
#include "web/server_impl.hpp"

#include "web/assets/assets.hpp"

namespace sensorhost::web {

namespace {

constexpr const char* kJson = "application/json";

void send_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, kJson);
}

void send_error(httplib::Response& res, int status, const std::string& reason) {
  send_json(res, status, error_body(status, reason));
}

// Constant-time comparison (for equal lengths), so the token cannot be guessed byte by
// byte from response times.
bool same_secret(std::string_view given, std::string_view expected) {
  if (given.size() != expected.size() || expected.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < given.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
  return diff == 0;
}

// since/until: milliseconds since the epoch, or relative to now: "-90s", "-30min", "-1h", "-2d".
std::optional<std::int64_t> parse_time(const std::string& text, std::int64_t now_ms) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  if (text[0] != '-') {
    if (text.find_first_not_of("0123456789") != std::string::npos || text.size() > 15) return std::nullopt;
    return std::strtoll(text.c_str(), nullptr, 10);
  }
  const double amount = std::strtod(text.c_str() + 1, &end);
  if (end == text.c_str() + 1 || !(amount >= 0) || amount > 1e7) return std::nullopt;
  const std::string unit(end);
  double unit_ms = 0;
  if (unit == "ms") unit_ms = 1;
  else if (unit == "s") unit_ms = 1e3;
  else if (unit == "min") unit_ms = 60e3;
  else if (unit == "h") unit_ms = 3600e3;
  else if (unit == "d") unit_ms = 86400e3;
  else return std::nullopt;
  return now_ms - static_cast<std::int64_t>(amount * unit_ms);
}

std::string bad_time(const char* name, const std::string& value) {
  return std::string(name) + ": expected milliseconds since the epoch or a relative time like -90s, -30min, -1h, -2d; found '" +
         value + "'";
}

// FNV-1a of an asset body: its ETag. Assets are embedded, so this is stable per binary.
std::string etag_of(std::string_view body) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : body) h = (h ^ c) * 1099511628211ULL;
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(h));
  return text;
}


}  // namespace

std::shared_ptr<const std::vector<plugins::PluginStatus>> Server::Impl::plugin_status() const {
  if (!sources_.plugins) return std::make_shared<const std::vector<plugins::PluginStatus>>();
  auto status = sources_.plugins->status();
  return status ? status : std::make_shared<const std::vector<plugins::PluginStatus>>();
}

std::chrono::milliseconds Server::Impl::snapshot_age() const {
  const auto now = sources_.steady_now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(now - std::chrono::nanoseconds(latest_steady_ns_.load()));
}

std::string Server::Impl::dashboard_notice() const {
  const auto all = plugin_status();
  const auto it = std::find_if(all->begin(), all->end(), [](const auto& p) { return p.role == "dashboard"; });
  if (it == all->end()) return "The dashboard plugin is not configured.";
  std::string notice = "The dashboard plugin is " + std::string(plugins::to_string(it->state));
  if (!it->last_error.empty()) notice += ": " + it->last_error;
  else if (it->state == plugins::PluginState::running) notice += ": it has not rendered a page yet";
  return notice;
}

void Server::Impl::get_page(const httplib::Request&, httplib::Response& res) {
  std::shared_ptr<const std::string> html = sources_.plugins ? sources_.plugins->dashboard_html() : nullptr;
  res.set_header("Cache-Control", "no-store");
  res.set_content(html ? *html : assets::fallback_page(dashboard_notice()), "text/html; charset=utf-8");
}

void Server::Impl::get_asset(const httplib::Request& req, httplib::Response& res) {
  if (const auto asset = assets::find(req.path)) {
    const std::string etag = etag_of(asset->body);
    // Revalidated on every load (cheap 304s), so a new binary's assets are never served stale.
    res.set_header("Cache-Control", "no-cache");
    res.set_header("ETag", etag);
    if (req.get_header_value("If-None-Match") == etag) {
      res.status = 304;
      return;
    }
    res.set_content(std::string(asset->body), std::string(asset->content_type));
    return;
  }
  send_error(res, 404, "no such asset: " + req.path);
}

std::string Server::Impl::readings_body() {
  const auto snapshot = latest_.load();
  auto cached = readings_cache_.load();
  if (!cached || cached->cycle != snapshot->number) {
    cached = std::make_shared<const RenderedReadings>(RenderedReadings{snapshot->number, dump(snapshot_json(*snapshot))});
    readings_cache_.store(cached);
  }
  return cached->body;
}

void Server::Impl::get_readings(const httplib::Request&, httplib::Response& res) {
  if (!latest_.load()) return send_error(res, 503, "no cycle has run yet");
  send_json(res, 200, readings_body());
}

void Server::Impl::get_history(const httplib::Request& req, httplib::Response& res) {
  const std::int64_t now = to_epoch_ms(sources_.wall_now());
  HistoryQuery q;
  q.sensor = req.get_param_value("sensor");
  if (q.sensor.empty()) return send_error(res, 400, "sensor: missing (e.g. /api/history?sensor=dht22)");
  // `node`: any node the history or the latest snapshot knows; default: this node.
  const auto snapshot = latest_.load();
  q.node = req.get_param_value("node");
  if (q.node.empty()) {
    q.node = snapshot ? snapshot->node : std::string();
  } else if (!history_.has_node(q.node) &&
             !(snapshot && std::any_of(snapshot->nodes.begin(), snapshot->nodes.end(),
                                       [&](const io::NodeStatus& n) { return n.name == q.node; }))) {
    return send_error(res, 404, "unknown node '" + q.node + "' (the nodes are listed at /api/nodes)");
  }
  if (req.has_param("quantity")) q.quantity = req.get_param_value("quantity");
  q.until_ms = now;
  q.since_ms = now - history_.retention().count();
  for (auto [name, target] : {std::pair{"since", &q.since_ms}, std::pair{"until", &q.until_ms}}) {
    if (!req.has_param(name)) continue;
    const std::string value = req.get_param_value(name);
    const auto t = parse_time(value, now);
    if (!t) return send_error(res, 400, bad_time(name, value));
    *target = *t;
  }
  if (q.since_ms > q.until_ms) return send_error(res, 400, "since is after until");
  q.max_points = options_.history_points;
  if (req.has_param("points")) {
    const std::string value = req.get_param_value("points");
    const long n = value.find_first_not_of("0123456789") == std::string::npos && value.size() <= 5
                       ? std::strtol(value.c_str(), nullptr, 10) : 0;
    if (n < 2 || n > 5000) return send_error(res, 400, "points: expected an integer from 2 to 5000, found '" + value + "'");
    q.max_points = static_cast<std::size_t>(n);
  }
  auto series = history_.query(q);
  if (!series) return send_error(res, 404, series.error());
  send_json(res, 200, dump(history_json(q, *series)));
}

void Server::Impl::get_plugins(const httplib::Request&, httplib::Response& res) {
  const auto all = plugin_status();  // held: a temporary would die before the loop body runs
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : *all) list.push_back(plugin_status_json(p));
  send_json(res, 200, dump({{"plugins", std::move(list)}}));
}

void Server::Impl::get_plugin(const httplib::Request&, httplib::Response& res, const std::string& name) {
  const auto all = plugin_status();
  const auto it = std::find_if(all->begin(), all->end(), [&](const auto& p) { return p.name == name; });
  if (it == all->end()) return send_error(res, 404, "unknown plugin '" + name + "'");
  send_json(res, 200, dump(plugin_status_json(*it)));
}

void Server::Impl::post_admin(const httplib::Request& req, httplib::Response& res, const std::string& name,
                              const std::string& action_text) {
  const std::string expected = token();
  if (expected.empty())
    return send_error(res, 403, "the plugin admin API is off: set [web] token in host.toml to enable it");
  const std::string auth = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (auth.rfind(prefix, 0) != 0 || !same_secret(std::string_view(auth).substr(prefix.size()), expected)) {
    res.set_header("WWW-Authenticate", "Bearer realm=\"sensorhost\"");
    return send_error(res, 401, auth.empty() ? "missing Authorization: Bearer <token>" : "wrong bearer token");
  }
  const auto all = plugin_status();
  if (!sources_.plugins || std::none_of(all->begin(), all->end(), [&](const auto& p) { return p.name == name; }))
    return send_error(res, 404, "unknown plugin '" + name + "'");

  using plugins::AdminAction;
  const AdminAction action = action_text == "reload"     ? AdminAction::reload
                             : action_text == "rollback" ? AdminAction::rollback
                             : action_text == "enable"   ? AdminAction::enable
                                                         : AdminAction::disable;
  const auto timeout = options_.admin_timeout.count() > 0
                           ? options_.admin_timeout
                           : std::chrono::milliseconds(3 * interval_ms.load() + 2000);
  auto future = sources_.plugins->request(name, action);
  if (!future.valid() || future.wait_for(timeout) != std::future_status::ready)
    return send_error(res, 503, "the cycle did not carry out '" + action_text + "' for " + name + " within " +
                                    std::to_string(timeout.count()) + " ms; it may still happen at a later cycle");
  std::optional<plugins::AdminResult> result;
  try {
    result.emplace(future.get());
  } catch (const std::future_error& e) {
    return send_error(res, 503, "the plugin runtime dropped the request: " + std::string(e.what()));
  }
  if (!*result) {
    const auto& err = result->error();
    return send_error(res, err.kind == plugins::AdminError::Kind::not_found ? 404 : 409, err.reason);
  }
  send_json(res, 200, dump({{"plugin", name}, {"action", action_text}, {"result", result->value()}}));
}

link::LinkHealth Server::Impl::link_health() const {
  return sources_.link_health ? sources_.link_health() : link::LinkHealth{};
}

void Server::Impl::get_nodes(const httplib::Request&, httplib::Response& res) {
  const auto snapshot = latest_.load();
  if (!snapshot) return send_error(res, 503, "no cycle has run yet");
  send_json(res, 200, dump(nodes_document(*snapshot, link_health())));
}

void Server::Impl::get_health(const httplib::Request&, httplib::Response& res) {
  const Health health = evaluate_health({latest_.load(), snapshot_age(), std::chrono::milliseconds(interval_ms.load()),
                                         plugin_status(), link_health()});
  send_json(res, health.ok ? 200 : 503, dump(health.body));
}

void Server::Impl::get_metrics(const httplib::Request&, httplib::Response& res) {
  MetricsInputs in{sources_.version,      latest_.load(),          plugin_status(), &cycle_durations_,
                   event_clients_.load(), events_dropped_.load(),  link_health()};
  res.set_header("Cache-Control", "no-store");
  res.set_content(render_metrics(in), "text/plain; version=0.0.4; charset=utf-8");
}

void Server::Impl::get_events(const httplib::Request& req, httplib::Response& res) {
  if (event_clients_.fetch_add(1) >= options_.max_event_clients) {
    event_clients_.fetch_sub(1);
    res.set_header("Retry-After", "5");
    return send_error(res, 503, "too many live event clients (" + std::to_string(options_.max_event_clients) + ")");
  }
  struct Client {
    std::uint64_t cursor = 0;
    bool greeted = false;
  };
  auto client = std::make_shared<Client>();
  client->cursor = events_.last_id();
  // EventSource sends the id of the last event it saw when it reconnects: resume from
  // there when it is still in the backlog (older ids are reported as dropped).
  const std::string last = req.get_header_value("Last-Event-ID");
  const bool resuming =
      !last.empty() && last.find_first_not_of("0123456789") == std::string::npos && last.size() < 20;
  if (resuming) client->cursor = std::min<std::uint64_t>(std::strtoull(last.c_str(), nullptr, 10), client->cursor);

  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream",
      [this, client, resuming](std::size_t, httplib::DataSink& sink) {
        std::string out;
        if (!client->greeted) {
          client->greeted = true;
          out = "retry: " + std::to_string(options_.event_retry.count()) + "\n\n";
          // A new client starts from the current state rather than waiting a cycle.
          // (A reading newer than the cursor comes with the next batch anyway.)
          if (auto current = events_.latest("reading"); current && !resuming && current->id() <= client->cursor)
            out += current->wire();
          return sink.write(out.data(), out.size());
        }
        const auto batch = events_.wait_after(client->cursor, options_.event_keepalive);
        if (batch.closed) return false;
        if (batch.dropped) {
          events_dropped_ += batch.dropped;
          out += ": skipped " + std::to_string(batch.dropped) + " events (client too slow)\n\n";
        }
        for (const auto& e : batch.events) out += e->wire();
        if (out.empty()) out = ": keep-alive\n\n";
        return sink.write(out.data(), out.size());
      },
      [this](bool) { event_clients_.fetch_sub(1); });
}

}  // namespace sensorhost::web
