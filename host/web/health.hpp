#pragma once
// GET /api/health: is the cycle alive, are this node's sensors ok, are the plugins ok;
// and, for information only, the broker link's state (a hub's remote nodes and the link
// come and go without the service being unhealthy: /api/nodes tells about them).
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "cycle/cycle.hpp"
#include "link/health.hpp"
#include "plugins/control.hpp"

namespace sensorhost::web {

struct HealthInputs {
  std::shared_ptr<const cycle::CycleSnapshot> snapshot;  // null: no cycle yet
  std::chrono::milliseconds snapshot_age{0};             // since on_cycle received it (steady clock)
  std::chrono::milliseconds interval{2000};
  std::shared_ptr<const std::vector<plugins::PluginStatus>> plugins;  // null: no plugin runtime
  link::LinkHealth link = {};  // shown, never a reason to be unhealthy
};

struct Health {
  bool ok = false;
  nlohmann::json body;  // {"status": "ok"|"unhealthy", "reasons": [...], "cycle": {...}, ...}
};

// The cycle counts as alive while its last snapshot is younger than three intervals plus
// a second of slack (a loaded Pi Zero may run a cycle late without being stuck).
std::chrono::milliseconds cycle_age_limit(std::chrono::milliseconds interval);

Health evaluate_health(const HealthInputs& in);

}  // namespace sensorhost::web
