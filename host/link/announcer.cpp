#include "link/announcer.hpp"

namespace sensorhost::link {

Announcer::Announcer(AnnouncerOptions options, std::uint64_t seed) : options_(std::move(options)), rng_(seed) {}

bool Announcer::on_message(std::string_view topic, std::string_view payload, io::WallTime now) {
  if (!enabled() || topic != birth_topic()) return false;
  if (payload == "online") {
    std::uniform_int_distribution<int> delay_ms(1000, 5000);
    reannounce_at_ = now + std::chrono::milliseconds(delay_ms(rng_));
  }
  return true;
}

DiscoveryOptions Announcer::options_for(const io::NodeStatus& node) const {
  DiscoveryOptions o;
  o.discovery_prefix = options_.discovery_prefix;
  o.topic_prefix = options_.topic_prefix;
  o.hub = options_.node;
  o.node = node.name;
  o.node_version = node.local ? options_.version : node.version;
  o.origin_version = options_.version;
  // A remote node's stale_after is three of its publish intervals (its info message).
  o.publish_interval = node.local || node.stale_after.count() == 0 ? options_.publish_interval : node.stale_after / 3;
  return o;
}

std::vector<Outgoing> Announcer::on_snapshot(std::shared_ptr<const cycle::CycleSnapshot> snapshot) {
  std::vector<Outgoing> out;
  if (!enabled() || !snapshot) return out;
  last_ = std::move(snapshot);
  for (const auto& node : last_->nodes) {
    const DiscoveryOptions o = options_for(node);
    auto entities = discovery_entities(o, last_->readings);
    auto& announced = announced_[node.name];
    if (entities.empty() || entities == announced) continue;
    for (auto& m : discovery_messages(o, entities)) out.push_back({std::move(m.topic), std::move(m.payload), 1, true});
    announced = std::move(entities);
  }
  return out;
}

std::vector<Outgoing> Announcer::due(io::WallTime now) {
  if (!reannounce_at_ || now < *reannounce_at_) return {};
  reannounce_at_.reset();
  announced_.clear();
  return on_snapshot(last_);
}

}  // namespace sensorhost::link
