#pragma once
// The broker link's health, as the control plane shows it (/api/health, /api/nodes,
// /metrics, the log). A plain value: the web server reads it without linking the link.
#include <cstdint>
#include <string>
#include <string_view>

namespace sensorhost::link {

enum class LinkState {
  disabled,    // [mqtt] enabled = false
  connecting,  // a connection attempt is under way
  up,          // connected: the broker accepted us
  down,        // not connected: `reason` says why, `retry_at_ms` when the next attempt is
};

inline std::string_view to_string(LinkState state) {
  switch (state) {
    case LinkState::disabled: return "disabled";
    case LinkState::connecting: return "connecting";
    case LinkState::up: return "up";
    case LinkState::down: return "down";
  }
  return "unknown";
}

struct LinkHealth {
  LinkState state = LinkState::disabled;
  std::string broker;          // "mqtt://host:port"
  std::string reason;          // why it is down (or the last disconnect)
  std::int64_t since_ms = 0;   // when the state last changed (Unix ms)
  std::int64_t retry_at_ms = 0;  // down: the next connection attempt (Unix ms)
  std::uint64_t connects = 0;    // successful connections since start
  std::uint64_t published = 0;   // messages handed to the broker
  std::uint64_t received = 0;    // messages accepted from subscribed nodes
  std::uint64_t rejected = 0;    // messages refused (malformed, oversized, hostile)
  std::uint64_t dropped = 0;     // cycle snapshots dropped by the full hand-off queue
};

}  // namespace sensorhost::link
