#include "io/process_image.hpp"

namespace sensorhost::io {

namespace {

std::string seconds_text(WallClock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

}  // namespace

std::string_view to_string(NodeState state) {
  switch (state) {
    case NodeState::online: return "online";
    case NodeState::silent: return "silent";
    case NodeState::offline: return "offline";
    case NodeState::unknown: return "unknown";
  }
  return "unknown";
}

void ProcessImage::set_local_details(std::string address, std::string version) {
  std::lock_guard lock(mutex_);
  local_address_ = std::move(address);
  local_version_ = std::move(version);
}

void ProcessImage::publish(SensorReading reading) {
  reading.node = local_node_;
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[reading.sensor];
  if (reading.status == ReadingStatus::ok) {
    ++entry.counters.successes;
    entry.last_good = std::move(reading);
    entry.last_error.reset();
  } else {
    ++entry.counters.failures;
    entry.counters.last_error = reading.error;
    entry.last_error = std::move(reading);
  }
}

void ProcessImage::publish_remote(SensorReading reading, WallTime received, std::string stale_reason) {
  if (reading.node.empty() || reading.node == local_node_) return;
  std::lock_guard lock(mutex_);
  RemoteNode& node = remote_[reading.node];
  if (node.status.name.empty()) node.status.name = reading.node;
  node.status.last_seen = std::max(node.status.last_seen, received);
  std::string sensor = reading.sensor;
  node.readings[sensor] = RemoteEntry{std::move(reading), received, std::move(stale_reason)};
  node.status.sensors = node.readings.size();
}

bool ProcessImage::update_node(const std::string& name, const std::function<void(NodeStatus&)>& change) {
  if (name.empty() || name == local_node_) return false;
  std::lock_guard lock(mutex_);
  RemoteNode& node = remote_[name];
  node.status.name = name;
  change(node.status);
  node.status.name = name;
  node.status.local = false;
  node.status.sensors = node.readings.size();
  return true;
}

void ProcessImage::remove_node(const std::string& name) {
  std::lock_guard lock(mutex_);
  remote_.erase(name);
}

void ProcessImage::set_stale_after(const std::string& sensor, std::chrono::milliseconds age) {
  std::lock_guard lock(mutex_);
  entries_[sensor].stale_after = age;
}

void ProcessImage::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

SensorReading ProcessImage::current(const Entry& entry, WallTime now) {
  if (!entry.last_good) {
    if (entry.last_error) return *entry.last_error;
    return SensorReading{};  // registered but never read: unreachable through snapshot()
  }
  SensorReading reading = *entry.last_good;
  const auto age = now - reading.time;
  if (age > entry.stale_after) {
    reading.status = ReadingStatus::stale;
    reading.error = "no fresh sample for " + seconds_text(age);
    if (entry.last_error) reading.error += " (last error: " + entry.last_error->error + ")";
  }
  return reading;
}

NodeState ProcessImage::effective_state(const NodeStatus& status, WallTime now) {
  if (status.state != NodeState::online) return status.state;
  if (status.stale_after.count() > 0 && now - status.last_seen > status.stale_after) return NodeState::silent;
  return NodeState::online;
}

SensorReading ProcessImage::current(const RemoteNode& node, const RemoteEntry& entry, WallTime now) {
  SensorReading reading = entry.reading;
  std::string why;
  const NodeState state = effective_state(node.status, now);
  if (state == NodeState::offline)
    why = "node " + node.status.name + " is offline";
  else if (node.status.stale_after.count() > 0 && now - entry.received > node.status.stale_after)
    why = "nothing heard from node " + node.status.name + " for " + seconds_text(now - entry.received);
  else if (!entry.stale_reason.empty())
    why = entry.stale_reason;
  if (!why.empty() && reading.status == ReadingStatus::ok) {
    reading.status = ReadingStatus::stale;
    reading.error = why;
  } else if (!why.empty()) {
    reading.error = why + (reading.error.empty() ? "" : " (" + reading.error + ")");
  }
  return reading;
}

std::vector<SensorReading> ProcessImage::snapshot(WallTime now) const {
  std::lock_guard lock(mutex_);
  std::vector<SensorReading> out;
  out.reserve(entries_.size() + remote_.size() * 3);
  for (const auto& [name, entry] : entries_) {
    if (entry.last_good || entry.last_error) out.push_back(current(entry, now));
  }
  for (const auto& [name, node] : remote_)
    for (const auto& [sensor, entry] : node.readings) out.push_back(current(node, entry, now));
  return out;
}

std::vector<NodeStatus> ProcessImage::nodes(WallTime now) const {
  std::lock_guard lock(mutex_);
  std::vector<NodeStatus> out;
  out.reserve(remote_.size() + 1);
  NodeStatus local;
  local.name = local_node_;
  local.local = true;
  local.state = NodeState::online;
  local.last_seen = now;
  local.address = local_address_;
  local.version = local_version_;
  for (const auto& [name, entry] : entries_) local.sensors += (entry.last_good || entry.last_error) ? 1 : 0;
  out.push_back(std::move(local));
  for (const auto& [name, node] : remote_) {
    out.push_back(node.status);
    out.back().state = effective_state(node.status, now);
  }
  return out;
}

std::map<std::string, SensorCounters> ProcessImage::counters() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, SensorCounters> out;
  for (const auto& [name, entry] : entries_) out[name] = entry.counters;
  return out;
}

}  // namespace sensorhost::io
