#include "platform/log.hpp"

#include <sys/stat.h>
#include <syslog.h>
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

namespace sensorhost::log {

namespace {

std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;
Sink g_sink;

std::string timestamp_now() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buffer;
}

void stderr_sink(const Record& record) {
  std::string line = format_line(record, timestamp_now());
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

int syslog_priority(Level level) {
  switch (level) {
    case Level::trace:
    case Level::debug: return LOG_DEBUG;
    case Level::info: return LOG_INFO;
    case Level::warning: return LOG_WARNING;
    case Level::error: return LOG_ERR;
  }
  return LOG_INFO;
}

void journal_sink(const Record& r) {
  // Empty fields are sent as empty strings: journald keeps them, and queries such as
  // `journalctl SENSORHOST_PLUGIN=dht22` still work for the non-empty ones.
  std::string message(r.message), plugin(r.fields.plugin), sensor(r.fields.sensor);
  sd_journal_send("MESSAGE=%s", message.c_str(), "PRIORITY=%d", syslog_priority(r.level),
                  "SENSORHOST_PLUGIN=%s", plugin.c_str(), "SENSORHOST_SENSOR=%s", sensor.c_str(),
                  "SYSLOG_IDENTIFIER=sensorhost", nullptr);
}

// systemd sets JOURNAL_STREAM=dev:inode for the stream it connected to stderr.
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  struct stat st {};
  if (fstat(2, &st) != 0) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  return dev == static_cast<unsigned long long>(st.st_dev) && ino == static_cast<unsigned long long>(st.st_ino);
}

}  // namespace

std::string_view to_string(Level level) {
  switch (level) {
    case Level::trace: return "TRACE";
    case Level::debug: return "DEBUG";
    case Level::info: return "INFO";
    case Level::warning: return "WARN";
    case Level::error: return "ERROR";
  }
  return "?";
}

std::string format_line(const Record& record, std::string_view timestamp) {
  std::string line(timestamp);
  line += ' ';
  std::string_view level = to_string(record.level);
  line += level;
  line.append(6 - level.size(), ' ');
  if (!record.fields.plugin.empty()) line.append("[plugin=").append(record.fields.plugin).append("] ");
  if (!record.fields.sensor.empty()) line.append("[sensor=").append(record.fields.sensor).append("] ");
  line += record.message;
  return line;
}

void set_level(Level level) { g_level.store(level); }
Level level() { return g_level.load(); }
bool enabled(Level level) { return level >= g_level.load(); }

void use_default_sink() { set_sink(stderr_is_journal() ? Sink(journal_sink) : Sink(stderr_sink)); }

Sink set_sink(Sink sink) {
  std::lock_guard lock(g_mutex);
  std::swap(g_sink, sink);
  return sink;
}

void write(Level level, std::string_view message, Fields fields) {
  if (!enabled(level)) return;
  std::lock_guard lock(g_mutex);
  Record record{level, message, fields};
  if (g_sink) g_sink(record);
  else stderr_sink(record);
}

}  // namespace sensorhost::log
