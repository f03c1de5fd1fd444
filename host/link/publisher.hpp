#pragma once
// What this node tells the broker, and when (pure logic, on data; the link thread sends).
//
//   - after every (re)connect: status "online", info, then everything current;
//   - readings, plugin status and LEDs every publish interval (the heartbeat a hub's
//     staleness check relies on), and at once when something changes state: a sensor's
//     status, a plugin's state, an LED, a sensor or plugin that appears;
//   - only the local node's readings: a hub never republishes what it heard.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "cycle/cycle.hpp"
#include "link/messages.hpp"
#include "link/topics.hpp"
#include "plugins/control.hpp"

namespace sensorhost::link {

struct Outgoing {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = true;
};

struct PublisherOptions {
  std::string prefix = "sensorhost";
  std::chrono::milliseconds publish_interval{5000};
  NodeInfo info;  // this node (its name, version, dashboard, instance)
};

class Publisher {
 public:
  explicit Publisher(PublisherOptions options);

  // Status "online" and info; the next snapshot then publishes everything.
  std::vector<Outgoing> on_connect();
  // What `snapshot` (and the plugins' status, may be null) calls for at `now`.
  std::vector<Outgoing> on_snapshot(const cycle::CycleSnapshot& snapshot,
                                    const std::vector<plugins::PluginStatus>* plugins, io::WallTime now);
  // Status "offline" (a clean stop; the same payload as the last will).
  Outgoing offline() const;

  // When the next heartbeat is due (everything is due before the first).
  io::WallTime next_heartbeat() const { return everything_due_ ? io::WallTime{} : last_heartbeat_ + options_.publish_interval; }

  const Topics& topics() const { return topics_; }
  const NodeInfo& info() const { return options_.info; }

 private:
  bool heartbeat_due(io::WallTime now) const;
  void add_readings(const cycle::CycleSnapshot& snapshot, bool all, io::WallTime now, std::vector<Outgoing>& out);
  void add_plugins(const std::vector<plugins::PluginStatus>& plugins, bool all, io::WallTime now,
                   std::vector<Outgoing>& out);
  void add_leds(const std::vector<bool>& leds, bool all, io::WallTime now, std::vector<Outgoing>& out);

  PublisherOptions options_;
  Topics topics_;
  bool everything_due_ = true;  // after a connect
  io::WallTime last_heartbeat_{};
  std::map<std::string, io::ReadingStatus> reading_status_;  // by sensor, as last published
  std::map<std::string, plugins::PluginState> plugin_state_;  // by plugin, as last published
  std::vector<bool> leds_;
};

}  // namespace sensorhost::link
