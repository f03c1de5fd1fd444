#include "web/nodes.hpp"

#include <algorithm>

#include "web/history.hpp"

namespace sensorhost::web {

using nlohmann::json;

namespace {

json plugin_json(const io::RemotePlugin& p) {
  return {{"name", p.name},       {"state", p.state},  {"version", p.version},
          {"message", p.message}, {"calls", p.calls},  {"failures", p.failures}};
}

}  // namespace

json node_json(const io::NodeStatus& n, io::WallTime now) {
  json plugins = json::array();
  for (const auto& p : n.plugins) plugins.push_back(plugin_json(p));
  json leds = json::array();
  for (bool on : n.leds) leds.push_back(on);
  const bool seen = n.last_seen.time_since_epoch().count() != 0;
  return {{"name", n.name},
          {"local", n.local},
          {"state", io::to_string(n.state)},
          {"online", n.online()},
          {"last_seen_ms", to_epoch_ms(n.last_seen)},
          {"age_ms", seen ? json(std::max<std::int64_t>(0, to_epoch_ms(now) - to_epoch_ms(n.last_seen))) : json()},
          {"since_ms", to_epoch_ms(n.status_since)},
          {"stale_after_ms", n.stale_after.count()},
          {"address", n.address},
          {"version", n.version},
          {"sensors", n.sensors},
          {"messages", n.messages},
          {"rejected", n.rejected},
          {"plugins", std::move(plugins)},
          {"leds", std::move(leds)}};
}

json nodes_json(const std::vector<io::NodeStatus>& nodes, io::WallTime now) {
  json out = json::array();
  for (const auto& n : nodes) out.push_back(node_json(n, now));
  return out;
}

json link_json(const link::LinkHealth& h) {
  return {{"state", link::to_string(h.state)},
          {"broker", h.broker},
          {"reason", h.reason},
          {"since_ms", h.since_ms},
          {"retry_at_ms", h.retry_at_ms},
          {"connects", h.connects},
          {"published", h.published},
          {"received", h.received},
          {"rejected", h.rejected},
          {"dropped", h.dropped}};
}

json nodes_document(const cycle::CycleSnapshot& s, const link::LinkHealth& health) {
  return {{"node", s.node}, {"link", link_json(health)}, {"nodes", nodes_json(s.nodes, s.time)}};
}

std::vector<NodeChange> node_changes(const std::vector<io::NodeStatus>& before, const std::vector<io::NodeStatus>& after) {
  std::vector<NodeChange> changes;
  std::size_t hint = 0;  // where the previous match was: the lists are usually in the same order
  for (const auto& node : after) {
    const auto same = [&](const io::NodeStatus& b) { return b.name == node.name; };
    auto it = std::find_if(before.begin() + static_cast<std::ptrdiff_t>(std::min(hint, before.size())), before.end(), same);
    if (it == before.end()) it = std::find_if(before.begin(), before.end(), same);
    if (it == before.end()) {
      changes.push_back({node.name, node.state, std::nullopt});
      continue;
    }
    hint = static_cast<std::size_t>(it - before.begin()) + 1;
    if (it->state != node.state) changes.push_back({node.name, node.state, it->state});
  }
  return changes;
}

json node_event_json(const NodeChange& c, io::WallTime time) {
  return {{"node", c.node},
          {"state", io::to_string(c.state)},
          {"previous", c.previous ? json(io::to_string(*c.previous)) : json()},
          {"time_ms", to_epoch_ms(time)}};
}

}  // namespace sensorhost::web
