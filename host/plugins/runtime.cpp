#include "plugins/runtime.hpp"

#include <malloc.h>

#include <algorithm>

#include "platform/log.hpp"

namespace sensorhost::plugins {

namespace {

log::Level event_level(PluginEvent::Kind kind) {
  switch (kind) {
    case PluginEvent::Kind::failed:
    case PluginEvent::Kind::reload_failed:
    case PluginEvent::Kind::backing_off:
      return log::Level::warning;
    default:
      return log::Level::info;
  }
}

// A plugin as the dashboard shows it: healthy when running and its last call answered ok.
api::PluginStatus dashboard_view(const PluginStatus& s) {
  if (s.state != PluginState::running)
    return {s.name, false, std::string(to_string(s.state)) + (s.last_error.empty() ? "" : ": " + s.last_error)};
  return {s.name, s.last_call_ok, s.last_call_ok ? s.last_message : s.last_error};
}

std::uint64_t unix_ms(io::WallTime t) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

}  // namespace

PluginRuntime::PluginRuntime(const std::vector<config::PluginConfig>& plugins, RuntimeOptions options)
    : options_(std::move(options)) {
  env_.wall_now = options_.wall_now;
  env_.steady_now = options_.steady_now;
  env_.latest = [this](const std::string& sensor) { return latest({}, sensor); };
  env_.latest_of = [this](const std::string& node, const std::string& sensor) { return latest(node, sensor); };
  env_.nodes = [this] { return nodes(); };
  for (const auto& config : plugins) {
    plugins_.push_back(make_plugin(config));
    plugins_.back()->load_now();
  }
  publish_status();
  ::malloc_trim(0);  // loading leaves megabytes of parse and rewrite garbage on the heap
}

PluginRuntime::~PluginRuntime() {
  std::lock_guard lock(requests_mutex_);
  for (auto& r : requests_)
    r.reply.set_value(unexpected(AdminError{AdminError::Kind::conflict, "the service is stopping"}));
  for (auto& p : plugins_) p->abandon_replies("the service is stopping");
}

std::unique_ptr<ManagedPlugin> PluginRuntime::make_plugin(const config::PluginConfig& config) {
  return std::make_unique<ManagedPlugin>(
      config, env_, options_.plugins,
      [this](PluginEvent::Kind kind, const std::string& plugin, const std::string& message) { emit(kind, plugin, message); });
}

ManagedPlugin* PluginRuntime::find(const std::string& name) {
  for (auto& p : plugins_)
    if (p->name() == name) return p.get();
  return nullptr;
}

std::optional<io::SensorReading> PluginRuntime::latest(const std::string& node, const std::string& sensor) const {
  // Start-up code runs on the loader thread, where no cycle is in progress.
  if (std::this_thread::get_id() != cycle_thread_.load() || !current_) return std::nullopt;
  if (const io::SensorReading* r = find_reading(current_->readings, node.empty() ? current_->snapshot->node : node, sensor))
    return *r;
  return std::nullopt;
}

std::vector<io::NodeStatus> PluginRuntime::nodes() const {
  if (std::this_thread::get_id() != cycle_thread_.load() || !current_) return {};
  return current_->snapshot->nodes;
}

void PluginRuntime::run(const cycle::CycleInputs& inputs, io::LedBuffer& leds) {
  cycle_thread_.store(std::this_thread::get_id());
  serve_requests(leds);
  adopt_finished_loads();
  check_files(inputs.time);
  current_ = &inputs;
  for (auto& p : plugins_)
    if (!p->is_dashboard()) p->run_sensor_logic(inputs, leds);
  current_ = nullptr;
  publish_inputs(inputs);
  publish_status();
}

template <class F>
bool PluginRuntime::when_free(ManagedPlugin& p, F&& f) {
  if (!p.is_dashboard()) {
    f();
    return true;
  }
  std::unique_lock lock(dashboard_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return false;
  f();
  return true;
}

void PluginRuntime::serve_requests(io::LedBuffer& bank) {
  std::deque<Request> requests, busy;
  {
    std::lock_guard lock(requests_mutex_);
    requests.swap(requests_);
  }
  for (auto& r : requests) {
    ManagedPlugin* p = find(r.plugin);
    if (!p) {
      r.reply.set_value(unexpected(AdminError{AdminError::Kind::not_found, "no plugin named '" + r.plugin + "' is configured"}));
      continue;
    }
    const bool served = when_free(*p, [&] {
      switch (r.action) {
        case AdminAction::reload: loader_.submit(p->reload_task(std::move(r.reply))); break;
        case AdminAction::rollback: r.reply.set_value(p->rollback()); break;
        case AdminAction::enable: r.reply.set_value(p->set_enabled(true, bank)); break;
        case AdminAction::disable: r.reply.set_value(p->set_enabled(false, bank)); break;
      }
    });
    if (!served) busy.push_back(std::move(r));
  }
  std::lock_guard lock(requests_mutex_);
  for (auto& r : busy) requests_.push_front(std::move(r));
}

void PluginRuntime::adopt_finished_loads() {
  for (auto& outcome : loader_.take_finished()) deferred_loads_.push_back(std::move(outcome));
  std::deque<LoadOutcome> waiting;
  for (auto& outcome : deferred_loads_) {
    ManagedPlugin* p = find(outcome.plugin);
    if (!p || p->generation() != outcome.generation) continue;  // removed or reconfigured meanwhile
    if (!when_free(*p, [&] { p->adopt(std::move(outcome)); })) waiting.push_back(std::move(outcome));
  }
  deferred_loads_ = std::move(waiting);
}

void PluginRuntime::check_files(io::WallTime now) {
  for (auto& p : plugins_) {
    std::optional<LoaderThread::Task> task;
    when_free(*p, [&] { task = p->check_file(now); });
    if (task) loader_.submit(std::move(*task));
  }
}

void PluginRuntime::publish_inputs(const cycle::CycleInputs& inputs) {
  inputs_.store(std::make_shared<const PublishedInputs>(PublishedInputs{inputs.number, inputs.time, inputs.snapshot}));
}

std::vector<api::NodeReadings> PluginRuntime::readings_by_node(const PublishedInputs& inputs) {
  std::vector<api::NodeReadings> out;
  if (!inputs.snapshot) return out;
  const cycle::CycleSnapshot& s = *inputs.snapshot;
  out.reserve(s.nodes.size() + 1);
  for (const auto& node : s.nodes) out.push_back({node, {}});
  if (out.empty() || out.front().node.name != s.node) {  // no node list: the local node alone
    io::NodeStatus local;
    local.name = s.node;
    local.local = true;
    local.state = io::NodeState::online;
    out.insert(out.begin(), {std::move(local), {}});
  }
  // Readings come grouped by node, in the same order as the nodes.
  for (const auto& r : s.readings) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& n) { return n.node.name == r.node; });
    if (it != out.end()) it->readings.push_back(r);
  }
  return out;
}

std::shared_ptr<const std::string> PluginRuntime::dashboard_html() const {
  auto inputs = inputs_.load();
  auto statuses = status_.load();
  std::lock_guard lock(dashboard_mutex_);
  if (!inputs || (rendered_ && rendered_for_ == inputs->number)) return rendered_;
  std::vector<api::PluginStatus> plugins;
  for (const auto& s : *statuses) plugins.push_back(dashboard_view(s));
  rendered_.reset();
  for (const auto& p : plugins_) {
    if (!p->is_dashboard()) continue;
    if (auto page = p->render(unix_ms(inputs->time), readings_by_node(*inputs), plugins)) {
      rendered_ = std::make_shared<const std::string>(std::move(*page));
      break;
    }
  }
  rendered_for_ = inputs->number;
  return rendered_;
}

void PluginRuntime::publish_status() {
  auto previous = status_.load();
  auto statuses = std::make_shared<std::vector<PluginStatus>>();
  statuses->reserve(plugins_.size());
  for (const auto& p : plugins_) {
    if (when_free(*p, [&] { statuses->push_back(p->status()); })) continue;
    // A render is in progress: the dashboard's last published status stands.
    for (const auto& s : *previous)  // set by the constructor, so never null here
      if (s.name == p->name()) statuses->push_back(s);
  }
  status_.store(std::move(statuses));
}

void PluginRuntime::apply_config(const std::vector<config::PluginConfig>& plugins, io::LedBuffer& bank) {
  std::lock_guard lock(dashboard_mutex_);  // a reload may wait for a page being rendered
  rendered_.reset();
  std::vector<std::unique_ptr<ManagedPlugin>> next;
  for (const auto& config : plugins) {
    auto it = std::find_if(plugins_.begin(), plugins_.end(), [&](const auto& p) { return p && p->name() == config.name; });
    if (it == plugins_.end()) {
      next.push_back(make_plugin(config));
      emit(PluginEvent::Kind::loaded, config.name, "added by the reloaded configuration; loading");
      loader_.submit(next.back()->reload_task());
      continue;
    }
    std::unique_ptr<ManagedPlugin> p = std::move(*it);
    if (p->reconfigure(config, bank)) loader_.submit(p->reload_task());
    next.push_back(std::move(p));
  }
  for (auto& gone : plugins_) {
    if (!gone) continue;
    gone->release_led(bank);
    gone->abandon_replies("plugin " + gone->name() + " was removed from the configuration");
    emit(PluginEvent::Kind::removed, gone->name(), "removed by the reloaded configuration");
  }
  plugins_ = std::move(next);
  auto statuses = std::make_shared<std::vector<PluginStatus>>();
  for (const auto& p : plugins_) statuses->push_back(p->status());
  status_.store(std::move(statuses));
}

std::future<AdminResult> PluginRuntime::request(const std::string& plugin, AdminAction action) {
  std::promise<AdminResult> reply;
  auto answer = reply.get_future();
  std::lock_guard lock(requests_mutex_);
  requests_.push_back({plugin, action, std::move(reply)});
  return answer;
}

std::uint64_t PluginRuntime::subscribe(std::function<void(const PluginEvent&)> listener) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.emplace(next_listener_, std::move(listener));
  return next_listener_++;
}

void PluginRuntime::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.erase(id);
}

void PluginRuntime::emit(PluginEvent::Kind kind, const std::string& plugin, const std::string& message) {
  log::write(event_level(kind), std::string(to_string(kind)) + ": " + message, {.plugin = plugin, .sensor = {}});
  const PluginEvent event{kind, plugin, message, static_cast<std::int64_t>(unix_ms(env_.wall_now()))};
  std::lock_guard lock(listeners_mutex_);
  for (const auto& [id, listener] : listeners_) listener(event);
}

}  // namespace sensorhost::plugins
