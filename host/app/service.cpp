#include "app/service.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "config/loader.hpp"
#include "platform/log.hpp"
#include "sensors/factory.hpp"

namespace sensorhost::app {

namespace {

log::Level to_log_level(config::LogLevel level) { return static_cast<log::Level>(static_cast<int>(level)); }

// "resident 11.2 MB (peak 12.0 MB)" from /proc/self/status, for the stop line.
std::string memory_usage() {
  std::ifstream status("/proc/self/status");
  std::string line, rss = "?", hwm = "?";
  auto mb = [](const std::string& l) {
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(1);
    out << std::stod(l.substr(l.find(':') + 1)) / 1024.0 << " MB";
    return out.str();
  };
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss = mb(line);
    if (line.rfind("VmHWM:", 0) == 0) hwm = mb(line);
  }
  return "resident " + rss + " (peak " + hwm + ")";
}

std::string dashboard_address(const config::WebConfig& web) {
  std::string host = (web.listen == "0.0.0.0" || web.listen == "::") ? "localhost" : web.listen;
  return "http://" + host + ":" + std::to_string(web.port) + "/";
}

// Whether two [mqtt] sections configure the same link.
bool same_link(const config::MqttConfig& a, const config::MqttConfig& b) {
  return config::render_mqtt(a) == config::render_mqtt(b);
}

}  // namespace

std::string format_readings(const std::vector<io::SensorReading>& readings) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  for (std::size_t i = 0; i < readings.size(); ++i) {
    const auto& r = readings[i];
    out << (i ? " | " : "") << r.sensor << ' ' << io::to_string(r.status);
    for (const auto& m : r.values) {
      if (m.unit == "bool")
        out << ' ' << m.quantity << '=' << (m.value != 0 ? "yes" : "no");
      else
        out << ' ' << m.value << ' ' << m.unit;
    }
    if (!r.error.empty()) out << " (" << r.error << ')';
  }
  return out.str();
}

std::string format_plugins(const std::vector<plugins::PluginStatus>& plugins) {
  if (plugins.empty()) return "none configured";
  std::string out;
  for (const auto& p : plugins) {
    out += (out.empty() ? "" : " | ") + p.name + ": ";
    if (p.state != plugins::PluginState::running)
      out += std::string(plugins::to_string(p.state)) + (p.last_error.empty() ? "" : " (" + p.last_error + ")");
    else if (p.role == "dashboard")
      out += std::to_string(p.calls) + " page(s) rendered on request";  // not called by the cycle
    else
      out += p.last_message;
  }
  return out;
}

std::string format_leds(const std::vector<bool>& leds) {
  std::string out;
  for (bool on : leds) out += on ? "●" : "○";
  return out.empty() ? "none" : out;
}

Service::Service(config::Config config, ServiceOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      image_(config_.node.name),
      runner_(std::chrono::duration_cast<std::chrono::nanoseconds>(config_.polling.interval)) {}

Service::~Service() {
  if (link_) link_->stop();
  poller_.stop();
}

void Service::apply_logging(const config::Config& config) { log::set_level(to_log_level(config.logging.level)); }

bool Service::start_io(const config::Config& config) {
  auto led_choice = sensors::make_led_output(config.leds, config.hardware.mode, options_.force_sim);
  if (!led_choice) {
    log::error("LEDs: " + led_choice.error());
    return false;
  }
  log::info("LEDs: " + led_choice->description);
  auto drivers = sensors::make_sensor_drivers(config.dht22, config.bme680, config.cpu, config.simulation,
                                              config.hardware.mode, options_.force_sim);
  for (const auto& line : drivers.descriptions) log::info("sensor " + line);

  poller_.stop();
  image_.clear();
  poller_.start(std::move(drivers.drivers));
  previous_leds_ = std::move(leds_);
  leds_ = std::move(led_choice->output);
  return true;
}

int Service::run() {
  apply_logging(config_);
  log::info("sensorhost starting with " + config_.source + (options_.force_sim ? " (--sim)" : ""));
  if (!start_io(config_)) return 1;
  const auto interval = std::chrono::duration_cast<std::chrono::nanoseconds>(config_.polling.interval);
  cycle_ = std::make_unique<cycle::Cycle>(image_, *leds_, interval);
  plugins_ = std::make_shared<plugins::PluginRuntime>(config_.plugins);
  cycle_->set_plugins({plugins_});
  if (!start_web()) return 1;
  image_.set_local_details(dashboard_url(), SENSORHOST_VERSION);
  start_link();
  log::info("cycle every " + std::to_string(config_.polling.interval.count()) + " ms");

  runner_.run(
      *cycle_, options_.max_cycles, [this](const cycle::CycleSnapshot& s) { return after_cycle(s); },
      [this] { reload(); });

  systemd_.stopping();
  if (link_) link_->stop();  // says "offline" before the dashboard goes
  web_->stop();
  std::string error;
  if (!cycle_->all_leds_off(error)) log::warning("could not turn the LEDs off: " + error);
  poller_.stop();
  const auto& stats = cycle_->latest() ? cycle_->latest()->stats : cycle::CycleStats{};
  log::info("stopped after " + std::to_string(stats.cycles) + " cycles (" + std::to_string(stats.overruns) +
            " overruns); " + memory_usage());
  return 0;
}

bool Service::start_web() {
  web::ServerSources sources;
  sources.plugins = plugins_.get();
  sources.version = SENSORHOST_VERSION;
  sources.cycle_interval = config_.polling.interval;
  sources.link_health = [this] { return link_ ? link_->health() : link::LinkHealth{}; };
  web_ = std::make_unique<web::Server>(config_.web, std::move(sources));
  if (auto started = web_->start(); !started) {
    log::error("web: " + started.error() + " (set [web] listen/port in " + config_.source + ")");
    return false;
  }
  config::WebConfig bound = config_.web;
  bound.port = web_->port();
  log::info("dashboard on " + dashboard_address(bound) + ", API under /api, metrics at /metrics" +
            (config_.web.token.empty() ? " (plugin admin off: no [web] token)" : ""));
  return true;
}

// What other nodes show as this node's dashboard: [node] dashboard_url, else the host
// name (or the listen address) and the port the server bound.
std::string Service::dashboard_url() const {
  if (!config_.node.dashboard_url.empty()) return config_.node.dashboard_url;
  config::WebConfig bound = config_.web;
  bound.port = web_->port();
  const bool any = bound.listen == "0.0.0.0" || bound.listen == "::";
  if (!any) return dashboard_address(bound);
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return dashboard_address(bound);
  bound.listen = host;
  return dashboard_address(bound);
}

void Service::start_link() {
  if (!config_.mqtt.enabled) {
    log::info("mqtt: off ([mqtt] enabled = false); node " + config_.node.name + " stands alone");
    return;
  }
  link::LinkSources sources;
  sources.image = &image_;
  sources.plugins = plugins_.get();
  sources.version = SENSORHOST_VERSION;
  sources.dashboard_url = dashboard_url();
  link_ = std::make_unique<link::Link>(config_.mqtt, config_.node.name, std::move(sources));
  if (auto started = link_->start(); !started) {
    log::error("mqtt: " + started.error() + " (see [mqtt] in " + config_.source + "); running without the broker link");
    link_.reset();
    return;
  }
  const auto& subscribe = config_.mqtt.subscribe;
  log::info("mqtt: node " + config_.node.name + " publishes to " + link_->health().broker + " every " +
            std::to_string(config_.mqtt.publish_interval.count()) + " ms" +
            (subscribe.empty() ? std::string() : config_.mqtt.subscribes_all() ? "; hub of every node" : "; hub of " + std::to_string(subscribe.size()) + " node(s)"));
}

bool Service::after_cycle(const cycle::CycleSnapshot& snapshot) {
  systemd_.watchdog(cycle::SteadyClock::now());
  web_->on_cycle(cycle_->latest());
  if (link_) link_->on_cycle(cycle_->latest());
  if (!ready_sent_ && snapshot.led_error.empty()) {
    systemd_.ready();
    ready_sent_ = true;
  }
  if (config_.logging.show_sensor_data) {
    log::info("cycle " + std::to_string(snapshot.number) + ": " + format_readings(snapshot.readings));
    log::info("plugins: " + format_plugins(*plugins_->status()) + " | LEDs " + format_leds(snapshot.leds));
  }
  if (!snapshot.led_error.empty()) log::warning("LED write failed: " + snapshot.led_error);
  return true;
}

void Service::request_stop() { runner_.stop(); }

void Service::request_reload() { runner_.wake(); }

// Runs on the cycle thread between two cycles, so nothing else touches the I/O meanwhile.
void Service::reload() {
  systemd_.reloading();
  auto loaded = config::load_config_file(options_.config_path);
  if (!loaded) {
    log::error("reload: " + options_.config_path + " has errors; keeping the running configuration:\n" +
               config::format_errors(loaded.error()));
    systemd_.ready();
    return;
  }
  config::Config next = std::move(*loaded);
  if (next.web.listen != config_.web.listen || next.web.port != config_.web.port)
    log::warning("reload: [web] listen/port changes take effect after a restart");
  if (next.node.name != config_.node.name || !same_link(next.mqtt, config_.mqtt))
    log::warning("reload: [node] and [mqtt] changes take effect after a restart");
  apply_logging(next);
  if (!start_io(next)) {
    log::error("reload: the new hardware settings failed; restarting with the running configuration");
    start_io(config_);
  } else {
    config_ = std::move(next);
  }
  cycle_->set_led_output(*leds_);
  previous_leds_.reset();
  plugins_->apply_config(config_.plugins, cycle_->led_buffer());
  const auto interval = std::chrono::duration_cast<std::chrono::nanoseconds>(config_.polling.interval);
  cycle_->set_interval(interval);
  runner_.set_interval(interval);
  web_->set_cycle_interval(config_.polling.interval);
  web_->set_token(config_.web.token);
  log::info("reload: configuration reloaded from " + options_.config_path);
  systemd_.ready();
}

}  // namespace sensorhost::app
