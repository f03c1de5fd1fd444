#include "web/health.hpp"

#include <string>

#include "web/nodes.hpp"
#include "web/render.hpp"

namespace sensorhost::web {

using nlohmann::json;

std::chrono::milliseconds cycle_age_limit(std::chrono::milliseconds interval) {
  return 3 * interval + std::chrono::milliseconds(1000);
}

namespace {

json cycle_check(const HealthInputs& in, std::vector<std::string>& reasons) {
  const auto limit = cycle_age_limit(in.interval);
  if (!in.snapshot) {
    reasons.push_back("cycle: no cycle has run yet");
    return {{"ok", false}, {"last_cycle", 0}, {"age_ms", nullptr}, {"limit_ms", limit.count()}};
  }
  const bool alive = in.snapshot_age <= limit;
  if (!alive)
    reasons.push_back("cycle: the last cycle (" + std::to_string(in.snapshot->number) + ") is " +
                      std::to_string(in.snapshot_age.count()) + " ms old, more than " + std::to_string(limit.count()) +
                      " ms");
  return {{"ok", alive},
          {"last_cycle", in.snapshot->number},
          {"age_ms", in.snapshot_age.count()},
          {"limit_ms", limit.count()}};
}

json sensors_check(const HealthInputs& in, std::vector<std::string>& reasons) {
  json failing = json::array();
  if (in.snapshot) {
    for (const auto& r : in.snapshot->readings) {
      // Remote nodes' readings (a hub) turn stale when their node goes away: not a fault here.
      if (r.status == io::ReadingStatus::ok || r.node != in.snapshot->node) continue;
      failing.push_back({{"sensor", r.sensor}, {"status", io::to_string(r.status)}, {"error", r.error}});
      reasons.push_back("sensor " + r.sensor + ": " + std::string(io::to_string(r.status)) +
                        (r.error.empty() ? "" : " (" + r.error + ")"));
    }
  }
  return {{"ok", failing.empty()}, {"failing", std::move(failing)}};
}

json plugins_check(const HealthInputs& in, std::vector<std::string>& reasons) {
  json failing = json::array();
  if (in.plugins) {
    for (const auto& p : *in.plugins) {
      // disabled is a choice of the operator, not a fault
      if (p.state == plugins::PluginState::running || p.state == plugins::PluginState::disabled) continue;
      failing.push_back({{"plugin", p.name}, {"state", plugins::to_string(p.state)}, {"last_error", p.last_error}});
      reasons.push_back("plugin " + p.name + ": " + std::string(plugins::to_string(p.state)) +
                        (p.last_error.empty() ? "" : " (" + p.last_error + ")"));
    }
  }
  return {{"ok", failing.empty()}, {"failing", std::move(failing)}};
}

// Informational: `ok` is false only while the link is down, and never adds a reason.
json link_check(const HealthInputs& in) {
  json link = link_json(in.link);
  link["ok"] = in.link.state != link::LinkState::down;
  return link;
}

}  // namespace

Health evaluate_health(const HealthInputs& in) {
  std::vector<std::string> reasons;
  json body = {{"cycle", cycle_check(in, reasons)},
               {"sensors", sensors_check(in, reasons)},
               {"plugins", plugins_check(in, reasons)},
               {"link", link_check(in)}};
  const bool ok = reasons.empty();
  body["status"] = ok ? "ok" : "unhealthy";
  body["reasons"] = reasons;
  return {ok, std::move(body)};
}

}  // namespace sensorhost::web
