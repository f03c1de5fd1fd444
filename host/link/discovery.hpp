#pragma once
// Home Assistant MQTT discovery, per-component topics (they work on every HA version that
// has MQTT discovery; device discovery needs 2024.x): one sensor entity per numeric
// quantity of a node's readings, grouped into one HA device per node.
//
//   topic   <discovery_prefix>/sensor/<node>_<sensor>_<quantity>/config   (retained, QoS 1)
//   entity  unique_id "sensorhost_<node>_<sensor>_<quantity>", state from the reading topic
//
// A hub that publishes for a remote node links the device to its own (via_device) and
// makes the entity depend on both statuses (availability_mode "all"): when the hub is
// gone, nobody keeps the remote node's entities fresh.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "io/reading.hpp"

namespace sensorhost::link {

struct DiscoveryMessage {
  std::string topic;
  std::string payload;  // empty: remove the entity
};

struct DiscoveryOptions {
  std::string discovery_prefix = "homeassistant";
  std::string topic_prefix = "sensorhost";
  std::string hub;   // the node that publishes the messages
  std::string node;  // the node whose entities they describe (== hub for its own sensors)
  std::string node_version;  // the node's sensorhost version (device sw_version; omitted if empty)
  std::string origin_version;  // the publisher's sensorhost version (origin sw)
  std::chrono::milliseconds publish_interval{5000};  // the node's: expire_after = 3 x this

  bool remote() const { return node != hub; }
};

// One HA sensor entity.
struct DiscoveryEntity {
  std::string sensor;
  std::string quantity;
  std::string unit;  // as the reading has it ("C")

  bool operator==(const DiscoveryEntity&) const = default;
};

// The entities of `options.node` in `readings`, sorted by sensor and quantity: numeric
// quantities with valid names; unit "bool" is skipped. Readings of other nodes are
// skipped (an empty node counts as options.hub's), so a whole snapshot can be passed.
// Compare two results to know when to publish again (e.g. a sensor that read for the
// first time).
std::vector<DiscoveryEntity> discovery_entities(const DiscoveryOptions& options,
                                                const std::vector<io::SensorReading>& readings);

// One retained config message per entity.
std::vector<DiscoveryMessage> discovery_messages(const DiscoveryOptions& options,
                                                 const std::vector<DiscoveryEntity>& entities);
// The same for the entities of `readings` (discovery_entities()).
std::vector<DiscoveryMessage> discovery_messages(const DiscoveryOptions& options,
                                                 const std::vector<io::SensorReading>& readings);
// The empty retained payloads that remove those entities from HA.
std::vector<DiscoveryMessage> discovery_removals(const DiscoveryOptions& options,
                                                 const std::vector<DiscoveryEntity>& entities);

// The entity's ids. unique_id keeps the names as they are; the entity id (object_id,
// default_entity_id) is slugged as HA's own entity ids are ([a-z0-9_], no "__", no '_'
// at either end), because HA refuses or rewrites anything else: node "pi-zero" gives
// "sensor.sensorhost_pi_zero_dht22_temperature".
std::string discovery_unique_id(std::string_view node, const DiscoveryEntity& entity);
std::string discovery_object_id(std::string_view node, const DiscoveryEntity& entity);
std::string discovery_topic(const DiscoveryOptions& options, const DiscoveryEntity& entity);

// HA's unit for ours: C -> °C, %RH -> %, ohm -> Ω; others as they are.
std::string ha_unit(std::string_view unit);
// HA's device class for a quantity in HA's unit, or "" (none: gas resistance, unknown
// quantities, or a unit the class does not accept).
std::string ha_device_class(std::string_view quantity, std::string_view ha_unit);

}  // namespace sensorhost::link
