#include "link/discovery.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

#include "link/topics.hpp"

namespace sensorhost::link {

namespace {

using Json = nlohmann::ordered_json;

// Our units with HA's spelling; anything else is passed through as it is.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> unit_names{{
    {"C", "°C"}, {"F", "°F"}, {"%RH", "%"}, {"hPa", "hPa"}, {"ohm", "Ω"},
}};

struct DeviceClass {
  std::string_view quantity;
  std::string_view device_class;
  std::string_view units;  // the HA units the class accepts, separated by '|'
};
// HA refuses an entity whose unit its device class does not accept, so the class is only
// given with a unit from its list. Gas resistance has no class in HA: none is given.
constexpr std::array<DeviceClass, 3> device_classes{{
    {"temperature", "temperature", "°C|°F|K"},
    {"humidity", "humidity", "%"},
    {"pressure", "atmospheric_pressure", "Pa|hPa|kPa|bar|cbar|mbar|mmHg|inHg|psi"},
}};

bool in_list(std::string_view list, std::string_view item) {
  while (!list.empty()) {
    const auto bar = list.find('|');
    if (list.substr(0, bar) == item) return true;
    if (bar == std::string_view::npos) break;
    list.remove_prefix(bar + 1);
  }
  return false;
}

// HA's slug: [a-z0-9] kept, runs of anything else one '_', none at either end.
std::string slug(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) out.push_back(c);
    else if (!out.empty() && out.back() != '_') out.push_back('_');
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string device_id(std::string_view node) { return "sensorhost-" + std::string(node); }

// "gas_resistance" -> "gas resistance": HA shows the name to people.
std::string display_name(const DiscoveryEntity& entity) {
  std::string quantity = entity.quantity;
  std::replace(quantity.begin(), quantity.end(), '_', ' ');
  return entity.sensor + " " + quantity;
}

// The value when the reading has the quantity, else None (an error reading has no
// values). Brackets, not dots: value_json.values would be the dict's values() method.
std::string value_template(std::string_view quantity) {
  const std::string q(quantity);
  return "{{ value_json['values']['" + q + "']['value'] if '" + q + "' in value_json['values'] else None }}";
}

long long expire_after_seconds(std::chrono::milliseconds interval) {
  const double seconds = std::ceil(3.0 * static_cast<double>(interval.count()) / 1000.0);
  return std::max(1LL, static_cast<long long>(seconds));
}

Json availability(const DiscoveryOptions& options) {
  const Topics topics(options.topic_prefix);
  Json list = Json::array({Json{{"topic", topics.status(options.node)}}});
  if (options.remote()) list.push_back(Json{{"topic", topics.status(options.hub)}});
  return list;
}

Json device(const DiscoveryOptions& options) {
  Json dev{{"identifiers", Json::array({device_id(options.node)})},
           {"name", options.node},
           {"manufacturer", "sensorhost"},
           {"model", "sensorhost node"}};
  if (!options.node_version.empty()) dev["sw_version"] = options.node_version;
  if (options.remote()) dev["via_device"] = device_id(options.hub);
  return dev;
}

Json origin(const DiscoveryOptions& options) {
  // The full key names (HA expands "sw" to "sw_version"); no support URL on purpose.
  Json o{{"name", "sensorhost"}};
  if (!options.origin_version.empty()) o["sw_version"] = options.origin_version;
  return o;
}

// The parts every entity of one node shares, built once per call.
struct Shared {
  Json availability, device, origin;
  long long expire_after;
};

std::string config_payload(const DiscoveryOptions& options, const Shared& shared, const DiscoveryEntity& entity) {
  const std::string object_id = discovery_object_id(options.node, entity);
  const std::string unit = ha_unit(entity.unit);
  const std::string device_class = ha_device_class(entity.quantity, unit);
  Json doc{{"name", display_name(entity)},
           {"unique_id", discovery_unique_id(options.node, entity)},
           {"object_id", object_id},  // HA before 2025.10
           {"default_entity_id", "sensor." + object_id},
           {"state_topic", Topics(options.topic_prefix).reading(options.node, entity.sensor)},
           {"value_template", value_template(entity.quantity)}};
  if (!unit.empty()) doc["unit_of_measurement"] = unit;
  if (!device_class.empty()) doc["device_class"] = device_class;
  doc["state_class"] = "measurement";
  doc["expire_after"] = shared.expire_after;
  doc["availability"] = shared.availability;
  if (options.remote()) doc["availability_mode"] = "all";
  doc["device"] = shared.device;
  doc["origin"] = shared.origin;
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool entity_of(const DiscoveryOptions& options, const io::SensorReading& reading, const io::Measurement& m) {
  // A local driver's reading has no node yet: it is the publisher's own.
  const std::string& node = reading.node.empty() ? options.hub : reading.node;
  return node == options.node && valid_name(reading.sensor) &&
         valid_name(m.quantity) && m.unit != "bool" && std::isfinite(m.value);
}

}  // namespace

std::string ha_unit(std::string_view unit) {
  for (const auto& [ours, theirs] : unit_names)
    if (unit == ours) return std::string(theirs);
  return std::string(unit);
}

std::string ha_device_class(std::string_view quantity, std::string_view unit) {
  for (const auto& c : device_classes)
    if (quantity == c.quantity && in_list(c.units, unit)) return std::string(c.device_class);
  return {};
}

std::string discovery_unique_id(std::string_view node, const DiscoveryEntity& entity) {
  return "sensorhost_" + std::string(node) + "_" + entity.sensor + "_" + entity.quantity;
}

std::string discovery_object_id(std::string_view node, const DiscoveryEntity& entity) {
  return slug(discovery_unique_id(node, entity));
}

std::string discovery_topic(const DiscoveryOptions& options, const DiscoveryEntity& entity) {
  return options.discovery_prefix + "/sensor/" + options.node + "_" + entity.sensor + "_" + entity.quantity +
         "/config";
}

std::vector<DiscoveryEntity> discovery_entities(const DiscoveryOptions& options,
                                                const std::vector<io::SensorReading>& readings) {
  std::vector<DiscoveryEntity> entities;
  for (const auto& reading : readings)
    for (const auto& m : reading.values)
      if (entity_of(options, reading, m)) entities.push_back({reading.sensor, m.quantity, m.unit});
  const auto key = [](const DiscoveryEntity& e) { return std::tie(e.sensor, e.quantity); };
  const auto before = [&](const auto& a, const auto& b) { return key(a) < key(b); };
  const auto same = [&](const auto& a, const auto& b) { return key(a) == key(b); };
  std::stable_sort(entities.begin(), entities.end(), before);
  // One entity per sensor and quantity, whatever a reading repeats.
  entities.erase(std::unique(entities.begin(), entities.end(), same), entities.end());
  return entities;
}

std::vector<DiscoveryMessage> discovery_messages(const DiscoveryOptions& options,
                                                 const std::vector<DiscoveryEntity>& entities) {
  const Shared shared{availability(options), device(options), origin(options),
                      expire_after_seconds(options.publish_interval)};
  std::vector<DiscoveryMessage> out;
  out.reserve(entities.size());
  for (const auto& entity : entities)
    out.push_back({discovery_topic(options, entity), config_payload(options, shared, entity)});
  return out;
}

std::vector<DiscoveryMessage> discovery_messages(const DiscoveryOptions& options,
                                                 const std::vector<io::SensorReading>& readings) {
  return discovery_messages(options, discovery_entities(options, readings));
}

std::vector<DiscoveryMessage> discovery_removals(const DiscoveryOptions& options,
                                                 const std::vector<DiscoveryEntity>& entities) {
  std::vector<DiscoveryMessage> out;
  out.reserve(entities.size());
  for (const auto& entity : entities) out.push_back({discovery_topic(options, entity), {}});
  return out;
}

}  // namespace sensorhost::link
