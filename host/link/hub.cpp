#include "link/hub.hpp"

#include <algorithm>
#include <utility>

namespace sensorhost::link {

using namespace std::chrono_literals;

namespace {

// Each of the first few colliding processes is reported once. A hostile stream of new
// instance ids gets no more reports after that: neither memory nor the log grows.
constexpr std::size_t max_reported_collisions = 16;

std::string seconds_text(WallTime::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

void upsert_plugin(std::vector<io::RemotePlugin>& plugins, io::RemotePlugin plugin) {
  auto it = std::find_if(plugins.begin(), plugins.end(), [&](const auto& p) { return p.name == plugin.name; });
  if (it != plugins.end()) *it = std::move(plugin);
  else plugins.push_back(std::move(plugin));
}

}  // namespace

std::chrono::milliseconds stale_after_for(std::chrono::milliseconds publish_interval) {
  const auto interval = std::clamp<std::chrono::milliseconds>(publish_interval, 0ms, 1h);  // no overflow below
  return std::clamp<std::chrono::milliseconds>(3 * interval, 1s, 1h);
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::accepted: return "accepted";
    case Verdict::ignored: return "ignored";
    case Verdict::rejected: return "rejected";
  }
  return "unknown";
}

std::string_view to_string(RejectReason reason) {
  switch (reason) {
    case RejectReason::bad_topic: return "bad_topic";
    case RejectReason::oversized: return "oversized";
    case RejectReason::malformed: return "malformed";
    case RejectReason::name_collision: return "name_collision";
    case RejectReason::too_many_nodes: return "too_many_nodes";
    case RejectReason::too_many_sensors: return "too_many_sensors";
    case RejectReason::too_many_plugins: return "too_many_plugins";
  }
  return "unknown";
}

Hub::Hub(io::ProcessImage& image, HubOptions options) : image_(image), options_(std::move(options)) {
  subscribe_all_ = std::find(options_.subscribe.begin(), options_.subscribe.end(), "*") != options_.subscribe.end();
}

bool Hub::subscribed(std::string_view node) const {
  if (node == options_.local_node) return false;
  return subscribe_all_ || std::find(options_.subscribe.begin(), options_.subscribe.end(), node) != options_.subscribe.end();
}

const NodeInfo* Hub::info(const std::string& node) const {
  const auto it = nodes_.find(node);
  return it != nodes_.end() && it->second.info ? &*it->second.info : nullptr;
}

void Hub::forget(const std::string& node) {
  nodes_.erase(node);
  image_.remove_node(node);
}

HandleResult Hub::handle(std::string_view topic, std::string_view payload, bool retained, WallTime now) noexcept {
  ++counters_.received;
  HandleResult result;
  try {
    result = route(topic, payload, retained, now);
    count(result);
  } catch (...) {
    // Only an allocation can fail on the way; the message is dropped like a bad one.
    result.verdict = Verdict::rejected;
    result.reject = RejectReason::malformed;
    ++counters_.rejected;
    ++counters_.rejected_by[static_cast<std::size_t>(RejectReason::malformed)];
  }
  return result;
}

HandleResult Hub::route(std::string_view topic, std::string_view payload, bool retained, WallTime now) {
  const std::string_view prefix = options_.prefix;
  if (topic.size() <= prefix.size() || !topic.starts_with(prefix) || topic[prefix.size()] != '/')
    return ignore({}, "not under " + options_.prefix + "/");
  // The topic itself is never quoted in a reason: it may be anything.
  const auto parsed = parse_topic(prefix, topic);
  if (!parsed) return reject(RejectReason::bad_topic, {}, "not a topic of the contract");
  const std::string& node = parsed->node;
  // Empty: a retained message being cleared (mosquitto_pub -r -n). Clearing a node's
  // status is how a site retires a node: the hub forgets it. Others: nothing to apply.
  if (payload.empty() && parsed->kind == TopicKind::status && node != options_.local_node && nodes_.contains(node)) {
    forget(node);
    return ignore(node, "status cleared: node forgotten");
  }
  if (payload.empty()) return ignore(node, "empty payload");
  const Message m{*parsed, payload, retained, now};
  if (node == options_.local_node) return own_message(m);
  if (!subscribed(node)) return ignore(node, "node not subscribed");
  if (payload.size() > options_.limits.max_payload_bytes)
    return reject(RejectReason::oversized, node,
                  std::to_string(payload.size()) + " bytes, more than the limit of " +
                      std::to_string(options_.limits.max_payload_bytes));
  if (!nodes_.contains(node) && nodes_.size() >= options_.limits.max_nodes)
    return reject(RejectReason::too_many_nodes, node,
                  "already " + std::to_string(nodes_.size()) + " nodes, the limit");
  switch (parsed->kind) {
    case TopicKind::status: return on_status(m);
    case TopicKind::info: return on_info(m);
    case TopicKind::reading: return on_reading(m);
    case TopicKind::plugin: return on_plugin(m);
    case TopicKind::leds: return on_leds(m);
  }
  return reject(RejectReason::bad_topic, node, "unknown kind");
}

HandleResult Hub::own_message(const Message& m) {
  const std::string& node = m.topic.node;
  if (m.topic.kind != TopicKind::info) return ignore(node, "our own message");
  auto info = decode_info(m.payload, node);
  // We never send a malformed info: someone else writes on our topics.
  if (!info) return reject(RejectReason::malformed, node, std::move(info).error());
  if (info->instance == options_.local_instance) return ignore(node, "our own message");
  if (info->started < options_.local_started) return ignore(node, "the retained info of an earlier run of this node");
  HandleResult result = reject(RejectReason::name_collision, node,
                               "node name '" + node + "' is also used by another process (instance " +
                                   info->instance + ", version " + info->version +
                                   (info->dashboard.empty() ? "" : ", dashboard " + info->dashboard) + ")");
  result.collision = first_collision(info->instance);
  last_collision_ = result.reason;
  return result;
}

HandleResult Hub::on_status(const Message& m) {
  const auto state = decode_status(m.payload);
  if (!state) return reject(RejectReason::malformed, m.topic.node, state.error());
  return accept(m.topic.node, m.now, [&](io::NodeStatus& s) {
    if (s.state == *state) return;
    s.state = *state;  // offline: the process image serves its readings as stale from now
    s.status_since = m.now;
  });
}

HandleResult Hub::on_info(const Message& m) {
  auto info = decode_info(m.payload, m.topic.node);
  if (!info) return reject(RejectReason::malformed, m.topic.node, std::move(info).error());
  Node& node = node_entry(m.topic.node);
  node.stale_after = stale_after_for(info->publish_interval);
  node.info = std::move(*info);
  return accept(m.topic.node, m.now, [&](io::NodeStatus& s) {
    s.address = node.info->dashboard;
    s.version = node.info->version;
  });
}

HandleResult Hub::on_reading(const Message& m) {
  const std::string& sensor = m.topic.name;
  auto decoded = decode_reading(m.payload, m.topic.node, sensor);
  if (!decoded) return reject(RejectReason::malformed, m.topic.node, std::move(decoded).error());
  if (auto full = check_room(m, &Node::sensors, options_.limits.max_sensors_per_node)) return *full;
  Node& node = node_entry(m.topic.node);
  node.sensors.insert(sensor);
  // A retained copy may be the last word of a node long gone: too old, it is stale at once.
  std::string stale_reason;
  const auto age = m.now - decoded->published;
  if (m.retained && age > node.stale_after) stale_reason = "retained reading from " + seconds_text(age) + " ago";
  HandleResult result = accept(m.topic.node, m.now, nullptr);
  image_.publish_remote(std::move(decoded->reading), m.now, std::move(stale_reason));
  return result;
}

HandleResult Hub::on_plugin(const Message& m) {
  auto decoded = decode_plugin(m.payload, m.topic.node, m.topic.name);
  if (!decoded) return reject(RejectReason::malformed, m.topic.node, std::move(decoded).error());
  if (auto full = check_room(m, &Node::plugins, options_.limits.max_plugins_per_node)) return *full;
  node_entry(m.topic.node).plugins.insert(m.topic.name);
  return accept(m.topic.node, m.now,
                [&](io::NodeStatus& s) { upsert_plugin(s.plugins, std::move(decoded->plugin)); });
}

HandleResult Hub::on_leds(const Message& m) {
  auto decoded = decode_leds(m.payload, m.topic.node);
  if (!decoded) return reject(RejectReason::malformed, m.topic.node, std::move(decoded).error());
  return accept(m.topic.node, m.now, [&](io::NodeStatus& s) { s.leds = std::move(decoded->leds); });
}

std::optional<HandleResult> Hub::check_room(const Message& m, std::set<std::string> Node::*names,
                                            std::size_t max) const {
  const auto it = nodes_.find(m.topic.node);
  const std::size_t count = it != nodes_.end() ? (it->second.*names).size() : 0;
  if (count < max || (it != nodes_.end() && (it->second.*names).contains(m.topic.name))) return std::nullopt;
  const bool sensors = m.topic.kind == TopicKind::reading;
  return reject(sensors ? RejectReason::too_many_sensors : RejectReason::too_many_plugins, m.topic.node,
                "more than " + std::to_string(max) + (sensors ? " sensors" : " plugins"));
}

Hub::Node& Hub::node_entry(const std::string& name) {
  auto [it, added] = nodes_.try_emplace(name);
  if (added) it->second.stale_after = options_.default_stale_after;
  return it->second;
}

HandleResult Hub::accept(const std::string& name, WallTime now, const std::function<void(io::NodeStatus&)>& change) {
  const Node& node = node_entry(name);
  image_.update_node(name, [&](io::NodeStatus& s) {
    if (change) change(s);
    s.stale_after = node.stale_after;
    s.last_seen = std::max(s.last_seen, now);
    ++s.messages;
  });
  HandleResult result;
  result.verdict = Verdict::accepted;
  result.node = name;
  return result;
}

HandleResult Hub::ignore(std::string node, std::string reason) {
  HandleResult result;
  result.verdict = Verdict::ignored;
  result.node = std::move(node);
  result.reason = std::move(reason);
  return result;
}

HandleResult Hub::reject(RejectReason why, std::string node, std::string reason) {
  HandleResult result;
  result.verdict = Verdict::rejected;
  result.reject = why;
  result.node = std::move(node);
  result.reason = std::move(reason);
  return result;
}

void Hub::count(const HandleResult& result) {
  switch (result.verdict) {
    case Verdict::accepted: ++counters_.accepted; return;
    case Verdict::ignored: ++counters_.ignored; return;
    case Verdict::rejected: break;
  }
  ++counters_.rejected;
  ++counters_.rejected_by[static_cast<std::size_t>(result.reject)];
  // Only a node we know gets the count: a stream of refused names must not create nodes.
  if (nodes_.contains(result.node)) image_.update_node(result.node, [](io::NodeStatus& s) { ++s.rejected; });
}

bool Hub::first_collision(const std::string& instance) {
  if (collided_instances_.size() >= max_reported_collisions) return false;
  if (std::find(collided_instances_.begin(), collided_instances_.end(), instance) != collided_instances_.end())
    return false;
  collided_instances_.push_back(instance);
  return true;
}

}  // namespace sensorhost::link
