#include "plugins/managed_plugin.hpp"

#include <algorithm>

#include "platform/log.hpp"

namespace sensorhost::plugins {

namespace {

using SteadyClock = std::chrono::steady_clock;

std::int64_t unix_ms(io::WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string short_version(const std::string& version) { return version.substr(0, 8); }

}  // namespace

ManagedPlugin::ManagedPlugin(config::PluginConfig config, const HostEnv& env, ManagedOptions options, EventSink emit)
    : config_(std::move(config)),
      env_(env),
      options_(options),
      emit_(std::move(emit)),
      enabled_(config_.enabled),
      supervisor_(options.supervision) {}

bool ManagedPlugin::healthy() const { return enabled_ && running_ && !supervisor_.parked(); }

void ManagedPlugin::load_now() {
  adopt(load_version(config_, env_, running_ ? running_->checked.version : "", true));
}

bool ManagedPlugin::reconfigure(const config::PluginConfig& next, io::LedBuffer& bank) {
  const bool needs_new_version = next.path != config_.path || next.role != config_.role ||
                                 next.grants != config_.grants || next.fuel != config_.fuel ||
                                 next.memory_pages != config_.memory_pages || next.sensor != config_.sensor;
  if (config_.led != next.led) release_led(bank);
  config_ = next;
  for (auto* p : {running_.get(), previous_.get()})
    if (p && p->caps.settings) p->caps.settings = plugin_settings(config_);
  set_enabled(next.enabled, bank);  // host.toml wins over an admin enable/disable
  if (needs_new_version) ++generation_;  // loads started for the old configuration are dropped
  return needs_new_version;
}

std::optional<LoaderThread::Task> ManagedPlugin::check_file(io::WallTime now) {
  auto identity = stat_file(config_.path);
  if (!identity) {
    if (!missing_reported_) log::warning(config_.path + " is missing; the running version stays", {.plugin = name(), .sensor = {}});
    missing_reported_ = true;
    return std::nullopt;
  }
  missing_reported_ = false;
  if (load_in_flight_ || identity == considered_) {
    pending_.reset();
    return std::nullopt;
  }
  const auto age = now.time_since_epoch() - std::chrono::nanoseconds(identity->mtime_ns);
  if (pending_ != identity && age < options_.settle) {
    pending_ = identity;  // maybe still being written: look again next cycle
    return std::nullopt;
  }
  pending_.reset();
  return reload_task();
}

LoaderThread::Task ManagedPlugin::reload_task(std::optional<std::promise<AdminResult>> reply) {
  const bool forced = reply.has_value();
  if (reply) reload_replies_.push_back(std::move(*reply));
  load_in_flight_ = true;
  return [config = config_, &env = env_, running = running_ ? running_->checked.version : "", forced,
          generation = generation_] {
    LoadOutcome outcome = load_version(config, env, running, forced);
    outcome.generation = generation;
    return outcome;
  };
}

void ManagedPlugin::adopt(LoadOutcome outcome) {
  load_in_flight_ = false;
  if (outcome.kind == LoadOutcome::Kind::unstable) return;  // the next check tries again
  considered_ = outcome.file;
  AdminResult reply = unexpected(AdminError{AdminError::Kind::conflict, outcome.error});
  if (outcome.kind == LoadOutcome::Kind::unchanged) {
    log::debug("file touched, content unchanged (version " + short_version(outcome.version) + ")", {.plugin = name(), .sensor = {}});
    reply = "plugin " + name() + " is already running version " + outcome.version;
  } else if (outcome.kind == LoadOutcome::Kind::failed) {
    last_error_ = outcome.error;
    emit(running_ ? PluginEvent::Kind::reload_failed : PluginEvent::Kind::failed,
         outcome.error + (running_ ? "; version " + short_version(running_->checked.version) + " keeps running" : ""));
  } else {
    swap_in(std::move(outcome.loaded));
    reply = "plugin " + name() + " now runs version " + running_->checked.version;
  }
  for (auto& r : reload_replies_) r.set_value(reply);
  reload_replies_.clear();
}

void ManagedPlugin::swap_in(std::unique_ptr<LoadedPlugin> next) {
  const auto started = SteadyClock::now();
  std::string why;
  state_carried_ = running_ && carry_state(*running_, next, why);
  if (running_) previous_ = std::move(running_);
  running_ = std::move(next);
  supervisor_.reset();
  last_swap_pause_ = SteadyClock::now() - started;
  last_error_.clear();
  const std::string version = "version " + short_version(running_->checked.version);
  if (!previous_) {
    emit(PluginEvent::Kind::loaded, version + " from " + config_.path);
    return;
  }
  ++reloads_;
  emit(PluginEvent::Kind::reloaded,
       "now running " + version + (state_carried_ ? ", state carried over" : ", started fresh: " + why));
}

bool ManagedPlugin::carry_state(LoadedPlugin& from, std::unique_ptr<LoadedPlugin>& into, std::string& why) {
  LoadedPlugin& to = *into;
  if (!from.state || !to.state) {
    why = std::string(from.state ? "the new" : "the old") + " version does not export state snapshot/restore";
    return false;
  }
  from.instance->store().set_fuel(config_.fuel);
  auto snapshot = from.state->snapshot(*from.instance);
  if (!snapshot) {
    why = "snapshot trapped: " + snapshot.error().to_string();
    return false;
  }
  to.instance->store().set_fuel(config_.fuel);
  auto restored = to.state->restore(*to.instance, *snapshot);
  if (restored && *restored) return true;
  why = restored ? "the new version refused the snapshot: " + restored->error()
                 : "restore trapped: " + restored.error().to_string();
  if (!restored) {
    // A trap may have left the new instance half restored: start it over, clean. The
    // whole LoadedPlugin is replaced: an instance's imports refer to its own capabilities.
    if (auto fresh = instantiate(to.checked, config_, env_)) into = std::move(*fresh);
  }
  return false;
}

bool ManagedPlugin::callable(SteadyClock::time_point now) {
  if (!enabled_ || !running_) return false;
  if (!supervisor_.parked()) return true;
  if (!supervisor_.restart_due(now)) return false;
  restart(now);
  return !supervisor_.parked();
}

void ManagedPlugin::restart(SteadyClock::time_point now) {
  auto fresh = instantiate(running_->checked, config_, env_);
  if (!fresh) {
    last_error_ = fresh.error();
    supervisor_.on_restart_failed(now);
    emit(PluginEvent::Kind::backing_off, "restart failed: " + fresh.error() + "; next try in " +
                                             std::to_string(supervisor_.current_backoff().count()) + " ms");
    return;
  }
  running_ = std::move(*fresh);
  ++restarts_;
  supervisor_.on_restarted(now);
  emit(PluginEvent::Kind::restarted, "re-instantiated after its backoff (state starts fresh)");
}

// Runs one export call with the fuel budget and records fuel, duration and the outcome.
// `call` returns Expected<PluginResult, Trap>; true when the plugin answered ok.
template <class Call>
bool ManagedPlugin::metered_call(Call&& call) {
  auto& store = running_->instance->store();
  store.set_fuel(config_.fuel);
  const auto started = SteadyClock::now();
  auto result = call();
  last_call_ = SteadyClock::now() - started;
  total_call_ += last_call_;
  ++calls_;
  fuel_last_ = config_.fuel - std::min(config_.fuel, store.fuel());
  fuel_total_ += fuel_last_;
  last_call_ok_ = result && *result;
  if (!result) {
    record_failure(result.error().to_string(), true);
    return false;
  }
  if (!*result) {
    record_failure(result->error(), false);
    return false;
  }
  last_message_ = **result;
  supervisor_.on_success(env_.steady_now());
  return true;
}

void ManagedPlugin::record_failure(const std::string& error, bool trapped) {
  ++failures_;
  last_error_ = error;
  if (!trapped) {
    // The plugin answered with an error of its own (a bad reading, say): counted, not restarted.
    log::warning("poll failed: " + error, {.plugin = name(), .sensor = {}});
    return;
  }
  const auto now = env_.steady_now();
  if (supervisor_.on_trap(now))
    emit(PluginEvent::Kind::backing_off, "trapped " + std::to_string(supervisor_.consecutive_failures()) +
                                             " times in a row (" + error + "); restart in " +
                                             std::to_string(supervisor_.current_backoff().count()) + " ms");
  else
    emit(PluginEvent::Kind::failed, error);
}

void ManagedPlugin::run_sensor_logic(const cycle::CycleInputs& inputs, io::LedBuffer& bank) {
  if (!callable(env_.steady_now())) return;
  const std::string& node = config_.node.empty() ? inputs.snapshot->node : config_.node;
  const io::SensorReading* reading = io::find_reading(inputs.readings, node, config_.sensor);
  if (!reading) {
    last_message_ = "waiting for a " + config_.sensor + " reading" +
                    (config_.node.empty() ? std::string() : " from node " + config_.node);
    return;
  }
  // The plugin writes its own view of the bank; a call that fails leaves the bank as it was.
  running_->leds = bank;
  LoadedPlugin& p = *running_;
  if (metered_call([&] { return p.sensor_logic->poll(*p.instance, *reading); })) bank = running_->leds;
}

std::optional<std::string> ManagedPlugin::render(std::uint64_t generated_ms, const std::vector<api::NodeReadings>& nodes,
                                                 const std::vector<api::PluginStatus>& plugins) {
  if (!callable(env_.steady_now())) return std::nullopt;
  LoadedPlugin& p = *running_;
  static const std::vector<io::SensorReading> none;
  const auto& local = nodes.empty() ? none : nodes.front().readings;
  if (!metered_call([&] { return p.dashboard->render(*p.instance, generated_ms, local, plugins, nodes); }))
    return std::nullopt;
  std::string page = std::move(last_message_);
  last_message_ = "rendered " + std::to_string(page.size()) + " bytes";
  return page;
}

AdminResult ManagedPlugin::rollback() {
  if (!previous_)
    return unexpected(AdminError{AdminError::Kind::conflict, "plugin " + name() + " has no previous version to roll back to"});
  const auto started = SteadyClock::now();
  std::string why;
  state_carried_ = carry_state(*running_, previous_, why);
  std::swap(running_, previous_);
  supervisor_.reset();
  last_swap_pause_ = SteadyClock::now() - started;
  const std::string message = "rolled back to version " + short_version(running_->checked.version) +
                              (state_carried_ ? ", state carried over" : " (" + why + ")");
  emit(PluginEvent::Kind::rolled_back, message);
  return message;
}

AdminResult ManagedPlugin::set_enabled(bool enabled, io::LedBuffer& bank) {
  if (enabled_ == enabled) return "plugin " + name() + " is already " + (enabled ? "enabled" : "disabled");
  enabled_ = enabled;
  if (!enabled) release_led(bank);
  supervisor_.reset();
  emit(enabled ? PluginEvent::Kind::enabled : PluginEvent::Kind::disabled, enabled ? "enabled" : "disabled");
  return "plugin " + name() + (enabled ? " enabled" : " disabled");
}

void ManagedPlugin::release_led(io::LedBuffer& bank) const {
  if (config_.led) bank.set(*config_.led, false);
}

void ManagedPlugin::abandon_replies(const std::string& why) {
  for (auto& r : reload_replies_) r.set_value(unexpected(AdminError{AdminError::Kind::conflict, why}));
  reload_replies_.clear();
}

PluginStatus ManagedPlugin::status() const {
  PluginStatus s;
  s.name = config_.name;
  s.role = is_dashboard() ? "dashboard" : "sensor-logic";
  s.path = config_.path;
  s.state = !enabled_              ? PluginState::disabled
            : !running_            ? PluginState::failed
            : supervisor_.parked() ? PluginState::backing_off
                                   : PluginState::running;
  if (running_) {
    s.version = running_->checked.version;
    s.loaded_at_ms = unix_ms(running_->loaded_at);
    s.memory_bytes = running_->instance->memory_bytes();
  }
  s.calls = calls_;
  s.failures = failures_;
  s.consecutive_failures = supervisor_.consecutive_failures();
  s.restarts = restarts_;
  s.reloads = reloads_;
  s.last_error = last_error_;
  s.last_message = last_message_;
  s.last_call_ok = last_call_ok_;
  s.fuel_used_last = fuel_last_;
  s.fuel_used_total = fuel_total_;
  s.fuel_limit = config_.fuel;
  s.memory_limit_bytes = static_cast<std::uint64_t>(config_.memory_pages) * 65536;
  s.last_call_duration = last_call_;
  s.total_call_duration = total_call_;
  s.state_carried = state_carried_;
  s.last_swap_pause = last_swap_pause_;
  s.has_previous = previous_ != nullptr;
  if (supervisor_.parked()) {
    const auto left = supervisor_.parked_until() - env_.steady_now();
    s.backoff_until_ms = unix_ms(env_.wall_now()) + std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
  }
  s.backoff = supervisor_.current_backoff();
  return s;
}

}  // namespace sensorhost::plugins
