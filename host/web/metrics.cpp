#include "web/metrics.hpp"

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <tuple>
#include <utility>

#include "web/history.hpp"
#include "web/render.hpp"

namespace sensorhost::web {

void DurationHistogram::observe(std::chrono::nanoseconds duration) {
  const double seconds = static_cast<double>(duration.count()) / 1e9;
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  sum_ns_.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(duration.count(), 0)), std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_release);  // last: a reader never sees a count ahead of its bucket
}

DurationHistogram::Counts DurationHistogram::read() const {
  Counts c;
  c.count = count_.load(std::memory_order_acquire);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    c.cumulative[i] = running;
  }
  // A concurrent observe() may have landed in a bucket after count_ was read; +Inf must
  // be >= every bucket, so take the larger of the two.
  c.count = std::max(c.count, running);
  c.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return c;
}

std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    if (ch == '\\') out += "\\\\";
    else if (ch == '"') out += "\\\"";
    else if (ch == '\n') out += "\\n";
    else out += ch;
  }
  return out;
}

namespace {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char text[64];
  // Plain decimals where they stay short ("0.0005", not "5e-04"), exponents otherwise.
  const double magnitude = std::fabs(v);
  const auto format = v == 0 || (magnitude >= 1e-6 && magnitude < 1e15) ? std::chars_format::fixed
                                                                         : std::chars_format::general;
  auto [end, ec] = std::to_chars(text, text + sizeof text, v, format);
  return ec == std::errc{} ? std::string(text, end) : "NaN";
}
std::string number(std::uint64_t v) { return std::to_string(v); }

double seconds(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e9; }

// Writes families in order: HELP and TYPE once, then the samples.
class Exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  // A label with an empty value is left out: Prometheus treats it as absent anyway (a
  // snapshot without node names gives the series their single-node label sets).
  template <class V>
  void sample(std::string_view name, Labels labels, V value) {
    out_ += name;
    bool first = true;
    for (const auto& [key, val] : labels) {
      if (val.empty()) continue;
      out_ += first ? '{' : ',';
      first = false;
      out_ += key;
      out_ += "=\"";
      out_ += escape_label(val);
      out_ += '"';
    }
    if (!first) out_ += '}';
    out_ += ' ';
    out_ += number(value);
    out_ += '\n';
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

void write_cycle(Exposition& x, const MetricsInputs& in) {
  const cycle::CycleStats stats = in.snapshot ? in.snapshot->stats : cycle::CycleStats{};
  x.family("sensorhost_cycle_duration_seconds", "histogram", "Duration of one cycle (plugins and LED write).");
  const auto h = in.cycle_durations ? in.cycle_durations->read() : DurationHistogram::Counts{};
  for (std::size_t i = 0; i < DurationHistogram::kBounds.size(); ++i)
    x.sample("sensorhost_cycle_duration_seconds_bucket", {{"le", number(DurationHistogram::kBounds[i])}},
             h.cumulative[i]);
  x.sample("sensorhost_cycle_duration_seconds_bucket", {{"le", "+Inf"}}, h.count);
  x.sample("sensorhost_cycle_duration_seconds_sum", {}, h.sum_seconds);
  x.sample("sensorhost_cycle_duration_seconds_count", {}, h.count);
  x.family("sensorhost_cycles_total", "counter", "Cycles run since the service started.");
  x.sample("sensorhost_cycles_total", {}, stats.cycles);
  x.family("sensorhost_cycle_overruns_total", "counter", "Cycles that took longer than the cycle interval.");
  x.sample("sensorhost_cycle_overruns_total", {}, stats.overruns);
  x.family("sensorhost_led_write_failures_total", "counter", "LED bank writes that failed.");
  x.sample("sensorhost_led_write_failures_total", {}, stats.led_write_failures);
  x.family("sensorhost_last_cycle_timestamp_seconds", "gauge", "Wall-clock time of the last published cycle.");
  if (in.snapshot)
    x.sample("sensorhost_last_cycle_timestamp_seconds", {}, static_cast<double>(to_epoch_ms(in.snapshot->time)) / 1e3);
}

void write_sensors(Exposition& x, const cycle::CycleSnapshot& s) {
  x.family("sensorhost_sensor_read_successes_total", "counter", "Successful reads per sensor.");
  for (const auto& [sensor, c] : s.sensor_counters)
    x.sample("sensorhost_sensor_read_successes_total", {{"sensor", sensor}}, c.successes);
  x.family("sensorhost_sensor_read_failures_total", "counter", "Failed reads per sensor.");
  for (const auto& [sensor, c] : s.sensor_counters)
    x.sample("sensorhost_sensor_read_failures_total", {{"sensor", sensor}}, c.failures);
  x.family("sensorhost_sensor_up", "gauge", "1 when the sensor's current reading is ok, 0 when stale or failed.");
  for (const auto& r : s.readings)
    x.sample("sensorhost_sensor_up", {{"node", r.node}, {"sensor", r.sensor}}, r.status == io::ReadingStatus::ok ? 1.0 : 0.0);
  x.family("sensorhost_reading_age_seconds", "gauge", "Age of the sensor's current sample at the last cycle.");
  for (const auto& r : s.readings)
    x.sample("sensorhost_reading_age_seconds", {{"node", r.node}, {"sensor", r.sensor}}, seconds(s.time - r.time));
  x.family("sensorhost_reading", "gauge", "Latest value of each sensor quantity, in the unit of its label.");
  for (const auto& r : s.readings)
    for (const auto& m : r.values)
      x.sample("sensorhost_reading", {{"node", r.node}, {"sensor", r.sensor}, {"quantity", m.quantity}, {"unit", m.unit}},
               m.value);
  x.family("sensorhost_led_on", "gauge", "State of each LED of the bank after the last cycle (1 lit).");
  for (std::size_t i = 0; i < s.leds.size(); ++i)
    x.sample("sensorhost_led_on", {{"led", std::to_string(i)}}, s.leds[i] ? 1.0 : 0.0);
}

void write_plugins(Exposition& x, const std::vector<plugins::PluginStatus>& all) {
  using Counter = std::uint64_t plugins::PluginStatus::*;
  const std::pair<const char*, Counter> counters[] = {
      {"sensorhost_plugin_calls_total", &plugins::PluginStatus::calls},
      {"sensorhost_plugin_failures_total", &plugins::PluginStatus::failures},
      {"sensorhost_plugin_restarts_total", &plugins::PluginStatus::restarts},
      {"sensorhost_plugin_reloads_total", &plugins::PluginStatus::reloads},
      {"sensorhost_plugin_fuel_used_total", &plugins::PluginStatus::fuel_used_total},
  };
  const char* helps[] = {"Plugin calls.", "Plugin calls that trapped, ran out of fuel or returned an error.",
                         "Re-instantiations by the supervisor.", "Successful hot swaps.",
                         "Fuel (instructions) consumed by all calls."};
  for (std::size_t k = 0; k < std::size(counters); ++k) {
    x.family(counters[k].first, "counter", helps[k]);
    for (const auto& p : all) x.sample(counters[k].first, {{"plugin", p.name}}, p.*counters[k].second);
  }
  x.family("sensorhost_plugin_call_duration_seconds", "summary", "Time spent in plugin calls.");
  for (const auto& p : all) {
    x.sample("sensorhost_plugin_call_duration_seconds_sum", {{"plugin", p.name}}, seconds(p.total_call_duration));
    x.sample("sensorhost_plugin_call_duration_seconds_count", {{"plugin", p.name}}, p.calls);
  }
  x.family("sensorhost_plugin_last_call_duration_seconds", "gauge", "Duration of the plugin's last call.");
  for (const auto& p : all)
    x.sample("sensorhost_plugin_last_call_duration_seconds", {{"plugin", p.name}}, seconds(p.last_call_duration));
  x.family("sensorhost_plugin_memory_bytes", "gauge", "Current linear memory size of the plugin.");
  for (const auto& p : all) x.sample("sensorhost_plugin_memory_bytes", {{"plugin", p.name}}, p.memory_bytes);
  x.family("sensorhost_plugin_state", "gauge", "1 for the plugin's current supervision state.");
  const plugins::PluginState states[] = {plugins::PluginState::running, plugins::PluginState::backing_off,
                                         plugins::PluginState::disabled, plugins::PluginState::failed};
  for (const auto& p : all)
    for (auto st : states)
      x.sample("sensorhost_plugin_state", {{"plugin", p.name}, {"state", plugins::to_string(st)}}, p.state == st ? 1.0 : 0.0);
}

// Every node the snapshot knows, the local one included.
void write_nodes(Exposition& x, const cycle::CycleSnapshot& s) {
  x.family("sensorhost_node_up", "gauge", "1 when the node is online (heard lately), 0 when silent, offline or unknown.");
  for (const auto& n : s.nodes) x.sample("sensorhost_node_up", {{"node", n.name}}, n.online() ? 1.0 : 0.0);
  x.family("sensorhost_node_last_seen_timestamp_seconds", "gauge", "Wall-clock time the node was last heard from.");
  for (const auto& n : s.nodes)
    if (n.last_seen.time_since_epoch().count() != 0)  // never heard: no sample rather than 1970
      x.sample("sensorhost_node_last_seen_timestamp_seconds", {{"node", n.name}},
               static_cast<double>(to_epoch_ms(n.last_seen)) / 1e3);
  x.family("sensorhost_node_messages_total", "counter", "Broker messages accepted from the node.");
  for (const auto& n : s.nodes) x.sample("sensorhost_node_messages_total", {{"node", n.name}}, n.messages);
  x.family("sensorhost_node_rejected_total", "counter", "Broker messages from the node refused (malformed, oversized, bad names).");
  for (const auto& n : s.nodes) x.sample("sensorhost_node_rejected_total", {{"node", n.name}}, n.rejected);
}

void write_link(Exposition& x, const link::LinkHealth& h) {
  x.family("sensorhost_mqtt_link_up", "gauge", "1 while the broker link is connected.");
  x.sample("sensorhost_mqtt_link_up", {}, h.state == link::LinkState::up ? 1.0 : 0.0);
  x.family("sensorhost_mqtt_link_state", "gauge", "1 for the broker link's current state.");
  for (auto st : {link::LinkState::disabled, link::LinkState::connecting, link::LinkState::up, link::LinkState::down})
    x.sample("sensorhost_mqtt_link_state", {{"state", link::to_string(st)}}, h.state == st ? 1.0 : 0.0);
  const std::tuple<const char*, const char*, std::uint64_t> counters[] = {
      {"sensorhost_mqtt_connects_total", "Successful connections to the broker.", h.connects},
      {"sensorhost_mqtt_messages_published_total", "Messages handed to the broker.", h.published},
      {"sensorhost_mqtt_messages_received_total", "Messages accepted from subscribed nodes.", h.received},
      {"sensorhost_mqtt_messages_rejected_total", "Messages from subscribed topics refused (malformed, oversized, hostile).", h.rejected},
      {"sensorhost_mqtt_snapshots_dropped_total", "Cycle snapshots dropped by the link's full hand-off queue.", h.dropped},
  };
  for (const auto& [name, help, value] : counters) {
    x.family(name, "counter", help);
    x.sample(name, {}, value);
  }
}

}  // namespace

std::string render_metrics(const MetricsInputs& in) {
  Exposition x;
  x.family("sensorhost_build_info", "gauge", "Build of the running service.");
  x.sample("sensorhost_build_info", {{"version", in.version}}, 1.0);
  write_cycle(x, in);
  if (in.snapshot) {
    write_sensors(x, *in.snapshot);
    write_nodes(x, *in.snapshot);
  }
  write_link(x, in.link);
  write_plugins(x, in.plugins ? *in.plugins : std::vector<plugins::PluginStatus>{});
  x.family("sensorhost_web_event_clients", "gauge", "Clients connected to /api/events.");
  x.sample("sensorhost_web_event_clients", {}, in.event_clients);
  x.family("sensorhost_web_events_dropped_total", "counter", "Live events skipped for clients that fell behind.");
  x.sample("sensorhost_web_events_dropped_total", {}, in.events_dropped);
  return x.take();
}

}  // namespace sensorhost::web
