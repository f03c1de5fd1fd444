#include "web/render.hpp"

#include <cstdio>
#include <ctime>

#include "web/nodes.hpp"

namespace sensorhost::web {

using nlohmann::json;

namespace {

double to_ms(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e6; }

json reading_json(const io::SensorReading& r, io::WallTime now) {
  json values = json::array();
  for (const auto& m : r.values) values.push_back({{"quantity", m.quantity}, {"value", m.value}, {"unit", m.unit}});
  return {{"node", r.node},
          {"sensor", r.sensor},
          {"status", io::to_string(r.status)},
          {"source", io::to_string(r.source)},
          {"error", r.error},
          {"time_ms", to_epoch_ms(r.time)},
          {"age_ms", std::chrono::duration_cast<std::chrono::milliseconds>(now - r.time).count()},
          {"values", std::move(values)}};
}

}  // namespace

std::string iso_time(io::WallTime time) {
  const std::int64_t ms = to_epoch_ms(time);
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return text;
}

json snapshot_json(const cycle::CycleSnapshot& s) {
  json readings = json::array();
  for (const auto& r : s.readings) readings.push_back(reading_json(r, s.time));
  json leds = json::array();
  for (bool on : s.leds) leds.push_back(on);
  return {{"cycle", s.number},
          {"time_ms", to_epoch_ms(s.time)},
          {"time", iso_time(s.time)},
          {"node", s.node},
          {"nodes", nodes_json(s.nodes, s.time)},
          {"readings", std::move(readings)},
          {"leds", std::move(leds)},
          {"led_error", s.led_error},
          {"stats",
           {{"cycles", s.stats.cycles},
            {"overruns", s.stats.overruns},
            {"led_write_failures", s.stats.led_write_failures},
            {"last_duration_ms", to_ms(s.stats.last_duration)},
            {"max_duration_ms", to_ms(s.stats.max_duration)}}}};
}

json plugin_status_json(const plugins::PluginStatus& p) {
  return {{"name", p.name},
          {"state", plugins::to_string(p.state)},
          {"role", p.role},
          {"path", p.path},
          {"version", p.version},
          {"loaded_at_ms", p.loaded_at_ms},
          {"calls", p.calls},
          {"failures", p.failures},
          {"consecutive_failures", p.consecutive_failures},
          {"restarts", p.restarts},
          {"reloads", p.reloads},
          {"last_error", p.last_error},
          {"last_message", p.last_message},
          {"fuel_used_last", p.fuel_used_last},
          {"fuel_used_total", p.fuel_used_total},
          {"fuel_limit", p.fuel_limit},
          {"memory_bytes", p.memory_bytes},
          {"memory_limit_bytes", p.memory_limit_bytes},
          {"last_call_duration_ms", to_ms(p.last_call_duration)},
          {"total_call_duration_ms", to_ms(p.total_call_duration)},
          {"state_carried", p.state_carried},
          {"has_previous", p.has_previous},
          {"backoff_until_ms", p.backoff_until_ms},
          {"backoff_ms", p.backoff.count()}};
}

json plugin_event_json(const plugins::PluginEvent& e) {
  return {{"kind", plugins::to_string(e.kind)}, {"plugin", e.plugin}, {"message", e.message}, {"time_ms", e.time_ms}};
}

json history_json(const HistoryQuery& q, const std::vector<HistorySeries>& series) {
  json out_series = json::array();
  for (const auto& s : series) {
    json points = json::array();
    for (const auto& p : s.points)
      points.push_back({{"t", p.t_ms}, {"avg", p.avg}, {"min", p.min}, {"max", p.max}, {"n", p.samples}});
    out_series.push_back({{"quantity", s.quantity}, {"unit", s.unit}, {"group", s.group}, {"points", std::move(points)}});
  }
  return {{"node", q.node},
          {"sensor", q.sensor},
          {"since_ms", q.since_ms},
          {"until_ms", q.until_ms},
          {"max_points", q.max_points},
          {"series", std::move(out_series)}};
}

std::string dump(const json& document) { return document.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string error_body(int status, const std::string& reason) {
  return dump(json{{"error", reason}, {"status", status}});
}

}  // namespace sensorhost::web
