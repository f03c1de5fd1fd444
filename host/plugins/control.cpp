#include "plugins/control.hpp"

namespace sensorhost::plugins {

std::string_view to_string(PluginState state) {
  static constexpr std::string_view names[] = {"running", "backing_off", "disabled", "failed"};
  return names[static_cast<int>(state)];
}

std::string_view to_string(AdminAction action) {
  static constexpr std::string_view names[] = {"reload", "rollback", "enable", "disable"};
  return names[static_cast<int>(action)];
}

std::string_view to_string(PluginEvent::Kind kind) {
  static constexpr std::string_view names[] = {"loaded",     "reloaded",    "reload_failed", "failed",   "backing_off",
                                               "restarted",  "rolled_back", "enabled",       "disabled", "removed"};
  return names[static_cast<int>(kind)];
}

}  // namespace sensorhost::plugins
