#pragma once
// JSON documents of the API (shapes documented in host/web/README.md).
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "cycle/cycle.hpp"
#include "plugins/control.hpp"
#include "web/history.hpp"

namespace sensorhost::web {

// /api/readings and the SSE `reading` event: cycle number, time, the local node and every
// node, the readings (each with its node), LEDs.
nlohmann::json snapshot_json(const cycle::CycleSnapshot& snapshot);
nlohmann::json plugin_status_json(const plugins::PluginStatus& status);
nlohmann::json plugin_event_json(const plugins::PluginEvent& event);
nlohmann::json history_json(const HistoryQuery& query, const std::vector<HistorySeries>& series);
// Serialises without ever throwing: invalid UTF-8 (a driver's error text) is replaced.
std::string dump(const nlohmann::json& document);
// {"error": reason, "status": status}
std::string error_body(int status, const std::string& reason);

// Names as they appear on the wire (the plugin runtime's own to_string functions live in
// its library, which the control plane does not link).

// RFC 3339 UTC with milliseconds: "2026-11-21T02:56:45.123Z".
std::string iso_time(io::WallTime time);

}  // namespace sensorhost::web
