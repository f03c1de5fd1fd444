#pragma once
// Logging: readable lines on stderr, or structured journal entries (with PLUGIN= and
// SENSOR= fields) when the service's stderr is connected to journald. One process-wide
// logger because every part logs; its sink can be swapped for tests.
#include <functional>
#include <string>
#include <string_view>

namespace sensorhost::log {

enum class Level { trace, debug, info, warning, error };

struct Fields {
  std::string_view plugin;
  std::string_view sensor;
};

struct Record {
  Level level;
  std::string_view message;
  Fields fields;
};

using Sink = std::function<void(const Record&)>;

void set_level(Level level);
Level level();
bool enabled(Level level);
// Chooses journald when stderr is the journal (JOURNAL_STREAM matches), else stderr.
void use_default_sink();
// Replaces the sink (tests); returns the previous one.
Sink set_sink(Sink sink);

void write(Level level, std::string_view message, Fields fields = {});
inline void trace(std::string_view m, Fields f = {}) { write(Level::trace, m, f); }
inline void debug(std::string_view m, Fields f = {}) { write(Level::debug, m, f); }
inline void info(std::string_view m, Fields f = {}) { write(Level::info, m, f); }
inline void warning(std::string_view m, Fields f = {}) { write(Level::warning, m, f); }
inline void error(std::string_view m, Fields f = {}) { write(Level::error, m, f); }

std::string_view to_string(Level level);
// The stderr format, exposed for tests: "2026-11-20T10:00:00.123Z WARN  [sensor=dht22] text".
std::string format_line(const Record& record, std::string_view timestamp);

}  // namespace sensorhost::log
