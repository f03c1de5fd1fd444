#pragma once
// The JSON payloads of the topic contract (topics.hpp), both ways.
//
// Encoders take what this node has and never fail: strings longer than the contract
// allows are cut (at a UTF-8 boundary), non-finite values are left out, so that what
// one sensorhost sends another always accepts.
//
// Decoders take what arrived from the broker, which may be anything: they check the
// size before parsing, then every field's presence, exact type and bounds, names against
// valid_name() and the node (and sensor or plugin) against the topic's. They never throw;
// a refusal says where and why: "reading: values.temperature.value: expected a finite
// number". Unknown extra fields are ignored, so that a newer node can add fields without
// being refused by an older hub.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"
#include "io/node.hpp"
#include "io/reading.hpp"
#include "plugins/control.hpp"

namespace sensorhost::link {

using io::WallTime;

inline constexpr std::size_t max_payload_bytes = 16 * 1024;  // checked before parsing
inline constexpr std::size_t max_string_bytes = 256;         // every free-text field
inline constexpr std::size_t max_quantities = 32;            // per reading
inline constexpr std::size_t max_leds = 64;                  // per LED bank
// Timestamps are Unix ms up to the year 2200: later ones would overflow the
// nanosecond system_clock when converted.
inline constexpr std::uint64_t max_time_ms = 7'258'118'400'000;
// publish_interval_ms accepted in info: 1 ms .. 1 day.
inline constexpr std::uint64_t max_publish_interval_ms = 86'400'000;

inline constexpr std::string_view status_online = "online";
inline constexpr std::string_view status_offline = "offline";

// What <prefix>/<node>/info says about a node.
struct NodeInfo {
  std::string node;
  std::string version;     // its sensorhost version
  std::string dashboard;   // its dashboard's URL (http:// or https://), or ""
  std::chrono::milliseconds publish_interval{0};
  std::string instance;    // random per process start: two processes with one name differ
  WallTime started{};

  bool operator==(const NodeInfo&) const = default;
};

// A decoded reading message: the reading (node set) and when it was sent.
struct ReadingMessage {
  io::SensorReading reading;
  WallTime published{};
};

// A decoded plugin message.
struct PluginMessage {
  std::string node;
  io::RemotePlugin plugin;
  std::string role;
  WallTime published{};
};

// A decoded LED bank message.
struct LedsMessage {
  std::string node;
  std::vector<bool> leds;
  WallTime published{};
};

std::int64_t to_unix_ms(WallTime time);
WallTime from_unix_ms(std::int64_t ms);

// reading.node must be set (the process image stamps it).
std::string encode_reading(const io::SensorReading& reading, WallTime published);
std::string encode_plugin(std::string_view node, const plugins::PluginStatus& status, WallTime published);
std::string encode_leds(std::string_view node, const std::vector<bool>& leds, WallTime published);
std::string encode_info(const NodeInfo& info);

// The plugin's message line: its last error while it is failing, else its last status line.
std::string plugin_message(const plugins::PluginStatus& status);

// `node`, `sensor` and `plugin` are the names from the topic the payload arrived on.
// online or offline.
Expected<io::NodeState, std::string> decode_status(std::string_view payload);
Expected<NodeInfo, std::string> decode_info(std::string_view payload, std::string_view node);
Expected<ReadingMessage, std::string> decode_reading(std::string_view payload, std::string_view node,
                                                     std::string_view sensor);
Expected<PluginMessage, std::string> decode_plugin(std::string_view payload, std::string_view node,
                                                   std::string_view plugin);
Expected<LedsMessage, std::string> decode_leds(std::string_view payload, std::string_view node);

}  // namespace sensorhost::link
