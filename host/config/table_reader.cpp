#include "config/table_reader.hpp"

#include <algorithm>
#include <charconv>

namespace sensorhost::config {

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// toml11 v3 knows where a value is, not where its key is: find the key on the
// value's line so the column points at what the user typed.
unsigned key_column(const toml::source_location& loc, const std::string& key) {
  const std::string& line = loc.line_str();
  auto eq = line.find('=');
  auto pos = line.find(key);
  if (pos != std::string::npos && (eq == std::string::npos || pos < eq)) return static_cast<unsigned>(pos + 1);
  return static_cast<unsigned>(loc.column());
}

}  // namespace

// "250ms", "2s", "1.5s" or a plain number of seconds.
std::optional<std::int64_t> parse_duration_ms(const TomlValue& v) {
  double seconds = 0;
  if (v.is_integer()) {
    seconds = static_cast<double>(v.as_integer());
  } else if (v.is_floating()) {
    seconds = v.as_floating();
  } else if (v.is_string()) {
    const std::string& s = v.as_string().str;
    double number = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
    if (ec != std::errc()) return std::nullopt;
    std::string unit(end, s.data() + s.size());
    unit.erase(std::remove(unit.begin(), unit.end(), ' '), unit.end());
    if (unit == "ms") seconds = number / 1000.0;
    else if (unit == "s") seconds = number;
    else if (unit == "min") seconds = number * 60;
    else if (unit == "h") seconds = number * 3600;
    else return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!(seconds > 0) || seconds > 1e9) return std::nullopt;  // the range check reports it
  return static_cast<std::int64_t>(seconds * 1000.0 + 0.5);
}

std::string did_you_mean(const std::string& word, const std::set<std::string>& known) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : known) {
    std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string toml_type_name(const TomlValue& v) {
  switch (v.type()) {
    case toml::value_t::boolean: return "a boolean";
    case toml::value_t::integer: return "an integer";
    case toml::value_t::floating: return "a number";
    case toml::value_t::string: return "a string";
    case toml::value_t::array: return "an array";
    case toml::value_t::table: return "a table";
    case toml::value_t::offset_datetime:
    case toml::value_t::local_datetime:
    case toml::value_t::local_date:
    case toml::value_t::local_time: return "a date/time";
    case toml::value_t::empty: return "nothing";
  }
  return "an unknown value";
}

void ErrorSink::add(const TomlValue* at, const std::string& key, std::string message) {
  ConfigError error{file_, 0, 0, key, std::move(message)};
  if (at) {
    auto loc = at->location();
    error.line = static_cast<unsigned>(loc.line());
    auto leaf = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
    error.column = key_column(loc, leaf);
  }
  errors_.push_back(std::move(error));
}

TableReader::TableReader(const TomlValue* table, std::string path, ErrorSink& sink)
    : table_(table), path_(std::move(path)), sink_(sink) {
  if (table_ && !table_->is_table()) {
    sink_.add(table_, path_, "expected a table, found " + toml_type_name(*table_));
    table_ = nullptr;
  }
}

const TomlValue* TableReader::find(const std::string& key) {
  known_.insert(key);
  if (!table_) return nullptr;
  const auto& table = table_->as_table();
  auto it = table.find(key);
  return it == table.end() ? nullptr : &it->second;
}

const TomlValue* TableReader::get_raw(const std::string& key) { return find(key); }

void TableReader::get_bool(const std::string& key, bool& out) {
  const TomlValue* v = find(key);
  if (!v) return;
  if (!v->is_boolean()) {
    sink_.add(v, key_path(key), "expected true or false, found " + toml_type_name(*v));
    return;
  }
  out = v->as_boolean();
}

void TableReader::get_string(const std::string& key, std::string& out) {
  const TomlValue* v = find(key);
  if (!v) return;
  if (!v->is_string()) {
    sink_.add(v, key_path(key), "expected a string, found " + toml_type_name(*v));
    return;
  }
  out = v->as_string().str;
}

void TableReader::get_int(const std::string& key, std::int64_t& out, std::int64_t min, std::int64_t max) {
  const TomlValue* v = find(key);
  if (!v) return;
  if (!v->is_integer()) {
    sink_.add(v, key_path(key), "expected an integer, found " + toml_type_name(*v));
    return;
  }
  auto value = v->as_integer();
  if (value < min || value > max) {
    sink_.add(v, key_path(key),
              "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", found " +
                  std::to_string(value));
    return;
  }
  out = value;
}

void TableReader::get_number(const std::string& key, double& out, double min, double max) {
  const TomlValue* v = find(key);
  if (!v) return;
  double value = 0;
  if (v->is_integer()) {
    value = static_cast<double>(v->as_integer());
  } else if (v->is_floating()) {
    value = v->as_floating();
  } else {
    sink_.add(v, key_path(key), "expected a number, found " + toml_type_name(*v));
    return;
  }
  if (!(value >= min && value <= max)) {
    sink_.add(v, key_path(key),
              "expected a number from " + toml::format(TomlValue(min)) + " to " + toml::format(TomlValue(max)) +
                  ", found " + toml::format(*v));
    return;
  }
  out = value;
}

std::optional<std::size_t> TableReader::get_choice(const std::string& key, const std::vector<std::string>& choices) {
  const TomlValue* v = find(key);
  if (!v) return std::nullopt;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "\"" : ", \"") + c + "\"";
  if (!v->is_string()) {
    sink_.add(v, key_path(key), "expected one of " + list + ", found " + toml_type_name(*v));
    return std::nullopt;
  }
  auto it = std::find(choices.begin(), choices.end(), v->as_string().str);
  if (it == choices.end()) {
    sink_.add(v, key_path(key), "expected one of " + list + ", found \"" + v->as_string().str + "\"");
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - choices.begin());
}

void TableReader::finish() {
  if (!table_) return;
  for (const auto& [key, value] : table_->as_table()) {
    if (known_.count(key)) continue;
    std::string message = "unknown key '" + key + "'";
    std::string suggestion = did_you_mean(key, known_);
    if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
    else {
      std::string keys;
      for (const auto& k : known_) keys += (keys.empty() ? "" : ", ") + k;
      message += "; known keys here: " + keys;
    }
    sink_.add(&value, key_path(key), message);
  }
}

}  // namespace sensorhost::config
