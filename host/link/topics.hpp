#pragma once
// The broker link's public topic contract (documented in host/link/README.md):
//
//   <prefix>/<node>/status           "online" | "offline" (retained, QoS 1; "offline" is the will)
//   <prefix>/<node>/info             retained JSON: version, dashboard, publish interval, instance
//   <prefix>/<node>/reading/<sensor> retained JSON: one sensor's sample
//   <prefix>/<node>/plugin/<name>    retained JSON: one plugin's status
//   <prefix>/<node>/leds             retained JSON: the LED bank
//
// Node, sensor and plugin names are [a-z0-9_-]{1,64}: they become topic levels, Home
// Assistant ids and template keys, so nothing in them may need quoting or escaping.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sensorhost::link {

// [a-z0-9_-]{1,64}: node, sensor, plugin and quantity names (config::valid_node_name,
// the same rule the config loader applies to [node] name).
bool valid_name(std::string_view name);
// A topic prefix: 1..128 bytes of levels separated by '/', no empty level, no wildcard,
// no NUL, not starting with '$' (reserved for broker topics): config::valid_topic_prefix.
bool valid_prefix(std::string_view prefix);

enum class TopicKind { status, info, reading, plugin, leds };
std::string_view to_string(TopicKind kind);

struct ParsedTopic {
  std::string node;
  TopicKind kind = TopicKind::status;
  std::string name;  // the sensor (reading) or plugin (plugin); empty for the others

  bool operator==(const ParsedTopic&) const = default;
};

// The topic builders for one prefix. Names are used as given: callers pass valid names.
class Topics {
 public:
  explicit Topics(std::string prefix) : prefix_(std::move(prefix)) {}

  const std::string& prefix() const { return prefix_; }
  std::string status(std::string_view node) const;
  std::string info(std::string_view node) const;
  std::string reading(std::string_view node, std::string_view sensor) const;
  std::string plugin(std::string_view node, std::string_view plugin) const;
  std::string leds(std::string_view node) const;
  // Everything one node publishes: "<prefix>/<node>/#".
  std::string node_filter(std::string_view node) const;
  // What a hub subscribes to for `subscribe` (config [mqtt] subscribe): {"<prefix>/+/#"}
  // when it holds "*", else one node_filter per valid name; none for an empty list.
  std::vector<std::string> hub_filters(const std::vector<std::string>& subscribe) const;

 private:
  std::string node_topic(std::string_view node, std::string_view rest) const;

  std::string prefix_;
};

// The node, kind and name of a topic under `prefix`; nullopt for anything else: another
// prefix, a missing or extra level, an unknown kind, an invalid name, a wildcard.
std::optional<ParsedTopic> parse_topic(std::string_view prefix, std::string_view topic);

}  // namespace sensorhost::link
