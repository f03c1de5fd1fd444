#include "link/publisher.hpp"

namespace sensorhost::link {

Publisher::Publisher(PublisherOptions options) : options_(std::move(options)), topics_(options_.prefix) {}

std::vector<Outgoing> Publisher::on_connect() {
  everything_due_ = true;
  const std::string& node = options_.info.node;
  return {Outgoing{topics_.status(node), std::string(status_online), 1, true},
          Outgoing{topics_.info(node), encode_info(options_.info), 1, true}};
}

Outgoing Publisher::offline() const {
  return Outgoing{topics_.status(options_.info.node), std::string(status_offline), 1, true};
}

bool Publisher::heartbeat_due(io::WallTime now) const {
  return everything_due_ || now - last_heartbeat_ >= options_.publish_interval || now < last_heartbeat_;
}

std::vector<Outgoing> Publisher::on_snapshot(const cycle::CycleSnapshot& snapshot,
                                             const std::vector<plugins::PluginStatus>* plugins, io::WallTime now) {
  const bool all = heartbeat_due(now);
  std::vector<Outgoing> out;
  add_readings(snapshot, all, now, out);
  if (plugins) add_plugins(*plugins, all, now, out);
  add_leds(snapshot.leds, all, now, out);
  if (all) {
    last_heartbeat_ = now;
    everything_due_ = false;
  }
  return out;
}

void Publisher::add_readings(const cycle::CycleSnapshot& snapshot, bool all, io::WallTime now,
                             std::vector<Outgoing>& out) {
  for (const auto& r : snapshot.readings) {
    if (r.node != snapshot.node || !valid_name(r.sensor)) continue;
    auto [it, added] = reading_status_.try_emplace(r.sensor, r.status);
    if (!all && !added && it->second == r.status) continue;
    it->second = r.status;
    out.push_back({topics_.reading(options_.info.node, r.sensor), encode_reading(r, now), 0, true});
  }
}

void Publisher::add_plugins(const std::vector<plugins::PluginStatus>& plugins, bool all, io::WallTime now,
                            std::vector<Outgoing>& out) {
  for (const auto& p : plugins) {
    if (!valid_name(p.name)) continue;
    auto [it, added] = plugin_state_.try_emplace(p.name, p.state);
    if (!all && !added && it->second == p.state) continue;
    it->second = p.state;
    out.push_back({topics_.plugin(options_.info.node, p.name), encode_plugin(options_.info.node, p, now), 0, true});
  }
}

void Publisher::add_leds(const std::vector<bool>& leds, bool all, io::WallTime now, std::vector<Outgoing>& out) {
  if (!all && leds == leds_) return;
  leds_ = leds;
  out.push_back({topics_.leds(options_.info.node), encode_leds(options_.info.node, leds, now), 0, true});
}

}  // namespace sensorhost::link
