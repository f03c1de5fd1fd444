#include "link/topics.hpp"

#include <algorithm>

#include "config/loader.hpp"

namespace sensorhost::link {

namespace {

// Splits `text` at '/' into at most `max_levels` + 1 levels, so that a hostile topic
// with thousands of levels costs no more than a valid one.
std::vector<std::string_view> split_levels(std::string_view text, std::size_t max_levels) {
  std::vector<std::string_view> levels;
  while (levels.size() <= max_levels) {
    const auto slash = text.find('/');
    levels.push_back(text.substr(0, slash));
    if (slash == std::string_view::npos) break;
    text.remove_prefix(slash + 1);
  }
  return levels;
}

std::optional<TopicKind> kind_of(std::string_view level) {
  if (level == "status") return TopicKind::status;
  if (level == "info") return TopicKind::info;
  if (level == "reading") return TopicKind::reading;
  if (level == "plugin") return TopicKind::plugin;
  if (level == "leds") return TopicKind::leds;
  return std::nullopt;
}

bool has_named_level(TopicKind kind) { return kind == TopicKind::reading || kind == TopicKind::plugin; }

}  // namespace

bool valid_name(std::string_view name) { return config::valid_node_name(name); }

bool valid_prefix(std::string_view prefix) { return config::valid_topic_prefix(prefix); }

std::string_view to_string(TopicKind kind) {
  switch (kind) {
    case TopicKind::status: return "status";
    case TopicKind::info: return "info";
    case TopicKind::reading: return "reading";
    case TopicKind::plugin: return "plugin";
    case TopicKind::leds: return "leds";
  }
  return "unknown";
}

std::string Topics::node_topic(std::string_view node, std::string_view rest) const {
  std::string topic;
  topic.reserve(prefix_.size() + node.size() + rest.size() + 2);
  topic.append(prefix_).append("/").append(node).append("/").append(rest);
  return topic;
}

std::string Topics::status(std::string_view node) const { return node_topic(node, "status"); }
std::string Topics::info(std::string_view node) const { return node_topic(node, "info"); }
std::string Topics::leds(std::string_view node) const { return node_topic(node, "leds"); }
std::string Topics::node_filter(std::string_view node) const { return node_topic(node, "#"); }

std::string Topics::reading(std::string_view node, std::string_view sensor) const {
  return node_topic(node, "reading/" + std::string(sensor));
}

std::string Topics::plugin(std::string_view node, std::string_view plugin) const {
  return node_topic(node, "plugin/" + std::string(plugin));
}

std::vector<std::string> Topics::hub_filters(const std::vector<std::string>& subscribe) const {
  if (std::find(subscribe.begin(), subscribe.end(), "*") != subscribe.end()) return {prefix_ + "/+/#"};
  std::vector<std::string> filters;
  for (const auto& node : subscribe) {
    std::string filter = node_filter(node);
    // Invalid names cannot match a valid topic; duplicates would double every message.
    if (valid_name(node) && std::find(filters.begin(), filters.end(), filter) == filters.end())
      filters.push_back(std::move(filter));
  }
  return filters;
}

std::optional<ParsedTopic> parse_topic(std::string_view prefix, std::string_view topic) {
  if (prefix.empty() || topic.size() <= prefix.size() + 1) return std::nullopt;
  if (topic.substr(0, prefix.size()) != prefix || topic[prefix.size()] != '/') return std::nullopt;
  const auto levels = split_levels(topic.substr(prefix.size() + 1), 3);
  if (levels.size() < 2 || levels.size() > 3 || !valid_name(levels[0])) return std::nullopt;
  const auto kind = kind_of(levels[1]);
  if (!kind || has_named_level(*kind) != (levels.size() == 3)) return std::nullopt;
  if (levels.size() == 3 && !valid_name(levels[2])) return std::nullopt;
  return ParsedTopic{std::string(levels[0]), *kind, levels.size() == 3 ? std::string(levels[2]) : std::string()};
}

}  // namespace sensorhost::link
