#pragma once
// Schema-checked reading of one TOML table: each get_* call declares a known key,
// checks its type and range, and records an error naming line, column and key when
// something is off. finish() reports every key nobody asked for, with a "did you
// mean" suggestion among the known ones.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <toml.hpp>

#include "config/loader.hpp"

namespace sensorhost::config {

using TomlValue = toml::basic_value<toml::discard_comments, std::map, std::vector>;

class ErrorSink {
 public:
  explicit ErrorSink(std::string file) : file_(std::move(file)) {}
  void add(const TomlValue* at, const std::string& key, std::string message);
  const ConfigErrors& errors() const { return errors_; }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  ConfigErrors errors_;
};

class TableReader {
 public:
  // `path` is the dotted name of the table ("sensors.dht22"); `table` may be null
  // when the table is absent (every key then keeps its default).
  TableReader(const TomlValue* table, std::string path, ErrorSink& sink);

  using Check = std::function<std::optional<std::string>(std::int64_t)>;
  void get_bool(const std::string& key, bool& out);
  void get_string(const std::string& key, std::string& out);
  void get_int(const std::string& key, std::int64_t& out, std::int64_t min, std::int64_t max);
  void get_number(const std::string& key, double& out, double min, double max);
  // One of `choices`; returns the index chosen, or nullopt when absent or wrong.
  std::optional<std::size_t> get_choice(const std::string& key, const std::vector<std::string>& choices);
  const TomlValue* get_raw(const std::string& key);  // declares the key, no type check
  void finish();

  std::string key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  ErrorSink& sink() { return sink_; }

 private:
  const TomlValue* find(const std::string& key);

  const TomlValue* table_;
  std::string path_;
  ErrorSink& sink_;
  std::set<std::string> known_;
};

// "250ms", "2s", "1.5s", "5min", "1h" or a plain number of seconds, in milliseconds;
// nullopt when it is none of these (or not positive).
std::optional<std::int64_t> parse_duration_ms(const TomlValue& v);

// The closest known word to `word` when it is a plausible misspelling, else empty.
std::string did_you_mean(const std::string& word, const std::set<std::string>& known);
std::string toml_type_name(const TomlValue& v);

}  // namespace sensorhost::config
