#include "plugins/control.hpp"

namespace sensorhost::plugins {

// Switches, not tables: -Wswitch names a kind added to control.hpp and forgotten here.
std::string_view to_string(PluginState state) {
  switch (state) {
    case PluginState::running: return "running";
    case PluginState::backing_off: return "backing_off";
    case PluginState::disabled: return "disabled";
    case PluginState::failed: return "failed";
  }
  return "unknown";
}

std::string_view to_string(PluginEvent::Kind kind) {
  using K = PluginEvent::Kind;
  switch (kind) {
    case K::loaded: return "loaded";
    case K::reloaded: return "reloaded";
    case K::reload_failed: return "reload_failed";
    case K::failed: return "failed";
    case K::backing_off: return "backing_off";
    case K::restarted: return "restarted";
    case K::rolled_back: return "rolled_back";
    case K::enabled: return "enabled";
    case K::disabled: return "disabled";
    case K::removed: return "removed";
  }
  return "unknown";
}

std::string_view to_string(AdminAction action) {
  switch (action) {
    case AdminAction::reload: return "reload";
    case AdminAction::rollback: return "rollback";
    case AdminAction::enable: return "enable";
    case AdminAction::disable: return "disable";
  }
  return "unknown";
}

}  // namespace sensorhost::plugins
