#pragma once
// The hub's handler of incoming broker messages: it checks every message against the
// topic contract (topics.hpp, messages.hpp) and merges what passes into the process
// image, keyed by node and sensor. Called from the link thread only (not thread-safe);
// the process image it writes is.
//
// Whatever arrives, handle() neither throws nor lets memory grow without bound: nodes,
// sensors and plugins per node and payload sizes are capped (HubLimits), and a message
// over a cap is refused and counted, never half applied.
//
// Messages on the local node's own topics are our own echo and are ignored, except an
// `info` with another instance id that started after us: another process uses our node
// name. (One that started before us is the retained info of our previous run.) The link
// subscribes to its own info before it publishes its own, on every connection: when two
// processes take one client id from each other, each connection then shows the other's
// info, and the one that started earlier reports the collision.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "io/process_image.hpp"
#include "link/messages.hpp"
#include "link/topics.hpp"

namespace sensorhost::link {

struct HubLimits {
  std::size_t max_nodes = 256;
  std::size_t max_sensors_per_node = 64;
  std::size_t max_plugins_per_node = 64;
  std::size_t max_payload_bytes = 16 * 1024;  // the decoders also refuse above max_payload_bytes
};

struct HubOptions {
  std::string prefix = "sensorhost";
  std::string local_node;
  std::string local_instance;          // our NodeInfo::instance
  // Our NodeInfo::started: an info on our own topic from an instance that started before
  // us is our previous run's retained message, not another process.
  WallTime local_started{};
  std::vector<std::string> subscribe;  // node names, {"*"} for all, {} for none
  // A node's stale_after until its info says otherwise: 3 x our own publish interval.
  std::chrono::milliseconds default_stale_after{15'000};
  HubLimits limits;
};

// A node's stale_after from its info: 3 x its publish interval, within 1 s .. 1 h (a
// node cannot make its readings look fresh forever, nor stale at once).
std::chrono::milliseconds stale_after_for(std::chrono::milliseconds publish_interval);

enum class Verdict { accepted, ignored, rejected };
std::string_view to_string(Verdict verdict);

enum class RejectReason {
  bad_topic,         // under the prefix, but not a topic of the contract
  oversized,         // payload over the limit
  malformed,         // not the JSON the contract says (see the reason)
  name_collision,    // another process publishes info under our node name
  too_many_nodes,
  too_many_sensors,  // per node
  too_many_plugins,  // per node
};
inline constexpr std::size_t reject_reason_count = 7;
std::string_view to_string(RejectReason reason);  // "bad_topic", ... (a metrics label)

struct HandleResult {
  Verdict verdict = Verdict::ignored;
  RejectReason reject = RejectReason::bad_topic;  // meaningful when rejected
  std::string node;    // the node the topic names, when the topic parsed
  std::string reason;  // why it was ignored or rejected
  // Set on the first message from another process using our node name, once per
  // instance and for at most 16 instances: the link logs `reason` when set.
  bool collision = false;
};

struct HubCounters {
  std::uint64_t received = 0;  // every message handed to handle()
  std::uint64_t accepted = 0;
  std::uint64_t ignored = 0;
  std::uint64_t rejected = 0;
  std::array<std::uint64_t, reject_reason_count> rejected_by{};  // indexed by RejectReason

  std::uint64_t rejected_for(RejectReason reason) const { return rejected_by[static_cast<std::size_t>(reason)]; }
};

class Hub {
 public:
  Hub(io::ProcessImage& image, HubOptions options);

  // One message from the broker. `retained`: the broker's stored copy (on subscribe),
  // which may be old. `now`: the wall clock at arrival.
  HandleResult handle(std::string_view topic, std::string_view payload, bool retained, WallTime now) noexcept;

  const HubCounters& counters() const { return counters_; }
  const HubOptions& options() const { return options_; }
  // Whether messages of `node` are taken (the subscribe list; never the local node).
  bool subscribed(std::string_view node) const;
  // Remote nodes heard from.
  std::size_t node_count() const { return nodes_.size(); }
  // The node's last info (version, dashboard, publish interval), or null.
  const NodeInfo* info(const std::string& node) const;
  // The last name collision, for health reporting; empty if none.
  const std::string& collision() const { return last_collision_; }
  // Forgets a remote node here and in the process image.
  void forget(const std::string& node);

 private:
  struct Node {
    std::set<std::string> sensors;
    std::set<std::string> plugins;
    std::optional<NodeInfo> info;
    std::chrono::milliseconds stale_after{0};
  };
  struct Message {
    const ParsedTopic& topic;
    std::string_view payload;
    bool retained;
    WallTime now;
  };

  HandleResult route(std::string_view topic, std::string_view payload, bool retained, WallTime now);
  HandleResult own_message(const Message& m);
  HandleResult on_status(const Message& m);
  HandleResult on_info(const Message& m);
  HandleResult on_reading(const Message& m);
  HandleResult on_plugin(const Message& m);
  HandleResult on_leds(const Message& m);

  // A refusal when the topic's sensor or plugin would be one too many for its node.
  std::optional<HandleResult> check_room(const Message& m, std::set<std::string> Node::*names, std::size_t max) const;
  // The node's entry, created on its first accepted message.
  Node& node_entry(const std::string& name);
  // Marks an accepted message from `name` and applies `change` to its status.
  HandleResult accept(const std::string& name, WallTime now, const std::function<void(io::NodeStatus&)>& change);
  static HandleResult ignore(std::string node, std::string reason);
  static HandleResult reject(RejectReason why, std::string node, std::string reason);
  void count(const HandleResult& result);
  bool first_collision(const std::string& instance);

  io::ProcessImage& image_;
  HubOptions options_;
  bool subscribe_all_ = false;
  std::map<std::string, Node, std::less<>> nodes_;
  HubCounters counters_;
  std::vector<std::string> collided_instances_;  // reported once each, at most 16
  std::string last_collision_;
};

}  // namespace sensorhost::link
