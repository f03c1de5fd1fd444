#pragma once
// What the process image knows about a node: the local one, or a remote one heard
// through the broker link (a hub). Readings are keyed by node and sensor; the local
// node is one node among others.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "io/reading.hpp"

namespace sensorhost::io {

// A remote node's plugin as its node last reported it.
struct RemotePlugin {
  std::string name;
  std::string state;    // "running", "failed", ... as the node's runtime names it
  std::string version;
  std::string message;  // its last status line, or its last error
  std::uint64_t calls = 0;
  std::uint64_t failures = 0;
};

enum class NodeState {
  online,   // the local node, or a remote node whose status is online and that was heard lately
  silent,   // status online, but nothing heard for its stale_after (the readings turn stale)
  offline,  // status offline: its clean stop, or its last will after a crash
  unknown,  // readings arrived but no status yet
};
std::string_view to_string(NodeState state);

struct NodeStatus {
  std::string name;
  bool local = false;
  NodeState state = NodeState::unknown;
  WallTime last_seen{};      // the last message from it (local: the last snapshot)
  WallTime status_since{};   // when its status last changed
  std::string address;       // its dashboard's URL, empty when unknown
  std::string version;       // its sensorhost version, when it said
  std::chrono::milliseconds stale_after{0};  // readings stale after this silence (remote)
  std::uint64_t messages = 0;  // messages accepted from it
  std::uint64_t rejected = 0;  // messages from it refused (malformed, oversized, bad names)
  std::size_t sensors = 0;     // sensors it has readings for
  std::vector<RemotePlugin> plugins;
  std::vector<bool> leds;

  bool online() const { return state == NodeState::online; }
};

}  // namespace sensorhost::io
