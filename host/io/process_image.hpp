#pragma once
// The process image: the latest sample of every sensor of every node, written by the
// driver threads (local sensors) and by the broker link (remote nodes' readings, on a
// hub), and read by the cycle. Writers and the reader only hold the lock for a few
// copies; the cycle never waits on hardware or on the network.
//
// Local sensors: a failed read does not wipe out the last good sample: the good values
// are served until they are older than the sensor's stale_after, then served as stale,
// and the error shows once no good value is left. Success and failure counts are kept
// per sensor.
//
// Remote nodes: a reading is served as its node sent it (its status included) until the
// node goes offline or nothing is heard from it for the node's stale_after; then it is
// served as stale with the reason. A reading that was already old when it arrived (a
// retained message on reconnect) can be published as stale at once.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/node.hpp"
#include "io/reading.hpp"

namespace sensorhost::io {

struct SensorCounters {
  std::uint64_t successes = 0;
  std::uint64_t failures = 0;
  std::string last_error;
};

class ProcessImage {
 public:
  explicit ProcessImage(std::string local_node = "local") : local_node_(std::move(local_node)) {}

  // The local node's name, stamped on every local reading.
  const std::string& local_node() const { return local_node_; }

  // What the local node's entry in nodes() shows besides its sensors.
  void set_local_details(std::string address, std::string version);

  // A local sensor's sample (any thread).
  void publish(SensorReading reading);

  // A remote node's reading, received at `received` (the link's thread). `stale_reason`
  // non-empty: serve it as stale at once, with that reason.
  void publish_remote(SensorReading reading, WallTime received, std::string stale_reason = {});
  // Creates a remote node's entry if needed and lets `change` edit it (state, address,
  // counters, plugins, LEDs, stale_after). The local node's name is refused (false).
  bool update_node(const std::string& node, const std::function<void(NodeStatus&)>& change);
  // Forgets a remote node and its readings.
  void remove_node(const std::string& node);

  // The current reading of every sensor: the local node's first, sorted by sensor, then
  // each remote node's, sorted by node and sensor (see the policies above).
  std::vector<SensorReading> snapshot(WallTime now) const;
  // Every node: the local one first, then the remote ones by name.
  std::vector<NodeStatus> nodes(WallTime now) const;
  // The local sensors' read counters.
  std::map<std::string, SensorCounters> counters() const;

  // Forgets every local sensor (the set of sensors changed on a config reload).
  void clear();

  // How old a local sensor's good sample may get before it counts as stale (default 10 s).
  void set_stale_after(const std::string& sensor, std::chrono::milliseconds age);

 private:
  struct Entry {
    std::optional<SensorReading> last_good;
    std::optional<SensorReading> last_error;
    SensorCounters counters;
    std::chrono::milliseconds stale_after{10'000};
  };
  struct RemoteEntry {
    SensorReading reading;
    WallTime received{};
    std::string stale_reason;
  };
  struct RemoteNode {
    NodeStatus status;
    std::map<std::string, RemoteEntry> readings;  // by sensor
  };
  static SensorReading current(const Entry& entry, WallTime now);
  static SensorReading current(const RemoteNode& node, const RemoteEntry& entry, WallTime now);
  static NodeState effective_state(const NodeStatus& status, WallTime now);

  const std::string local_node_;
  std::string local_address_, local_version_;  // under mutex_
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  std::map<std::string, RemoteNode> remote_;
};

}  // namespace sensorhost::io
