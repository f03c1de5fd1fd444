#pragma once
// When to send Home Assistant discovery (the messages themselves: discovery.hpp).
//
// Discovery is retained, so HA finds it after its own restarts too; still, as HA's docs
// ask, it is sent again when HA announces itself on `<discovery_prefix>/status`
// ("online"), after a random delay of 1-5 s so that many nodes do not answer at once.
// It is also sent after every (re)connect and whenever a node's set of entities grows (a
// sensor read for the first time). A hub with discovery on announces every node it hears
// (linked to itself with via_device) besides its own sensors.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "cycle/cycle.hpp"
#include "link/discovery.hpp"
#include "link/publisher.hpp"

namespace sensorhost::link {

struct AnnouncerOptions {
  bool enabled = false;
  std::string discovery_prefix = "homeassistant";
  std::string topic_prefix = "sensorhost";
  std::string node;  // this node
  std::string version;
  std::chrono::milliseconds publish_interval{5000};
};

class Announcer {
 public:
  explicit Announcer(AnnouncerOptions options, std::uint64_t seed = std::random_device{}());

  bool enabled() const { return options_.enabled; }
  // HA's birth and will topic.
  std::string birth_topic() const { return options_.discovery_prefix + "/status"; }

  // After a (re)connect: everything is announced again with the next snapshot.
  void on_connect() { announced_.clear(); }
  // True when `topic` was HA's status (consumed); "online" schedules a re-announcement.
  bool on_message(std::string_view topic, std::string_view payload, io::WallTime now);
  // Discovery for the entities `snapshot` shows that were not announced yet.
  std::vector<Outgoing> on_snapshot(std::shared_ptr<const cycle::CycleSnapshot> snapshot);
  // The re-announcement HA asked for, once it is due: everything the last snapshot shows.
  std::vector<Outgoing> due(io::WallTime now);

 private:
  DiscoveryOptions options_for(const io::NodeStatus& node) const;

  AnnouncerOptions options_;
  std::mt19937_64 rng_;
  std::map<std::string, std::vector<DiscoveryEntity>> announced_;  // by node
  std::optional<io::WallTime> reannounce_at_;
  std::shared_ptr<const cycle::CycleSnapshot> last_;  // what the re-announcement sends
};

}  // namespace sensorhost::link
