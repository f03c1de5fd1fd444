#pragma once
// The nodes of the site as the control plane shows them: the node list of /api/readings
// and /api/nodes, the broker link's health (/api/nodes, /api/health) and the SSE `node`
// events (a node's state changed between two snapshots). Shapes: host/web/README.md.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "cycle/cycle.hpp"
#include "io/node.hpp"
#include "link/health.hpp"

namespace sensorhost::web {

// One node; `now` (the snapshot's time) gives its age_ms.
nlohmann::json node_json(const io::NodeStatus& node, io::WallTime now);
nlohmann::json nodes_json(const std::vector<io::NodeStatus>& nodes, io::WallTime now);
nlohmann::json link_json(const link::LinkHealth& health);
// GET /api/nodes: {"node": local name, "link": {...}, "nodes": [...]}.
nlohmann::json nodes_document(const cycle::CycleSnapshot& snapshot, const link::LinkHealth& health);

// A node whose state differs between two snapshots; `previous` is empty for a node the
// earlier snapshot did not have.
struct NodeChange {
  std::string node;
  io::NodeState state = io::NodeState::unknown;
  std::optional<io::NodeState> previous;
};
// Cycle thread: linear in the number of nodes when both lists are in the same order (as
// the process image gives them) and allocation-free when nothing changed.
std::vector<NodeChange> node_changes(const std::vector<io::NodeStatus>& before, const std::vector<io::NodeStatus>& after);
// The SSE `node` event: {"node", "state", "previous" (null for a new node), "time_ms"}.
nlohmann::json node_event_json(const NodeChange& change, io::WallTime time);

}  // namespace sensorhost::web
