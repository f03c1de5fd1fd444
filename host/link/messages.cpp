#include "link/messages.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>

#include <nlohmann/json.hpp>

#include "link/topics.hpp"

namespace sensorhost::link {

namespace {

// Insertion order on the wire (node and name first, as people read them) and on decode
// (a reading's quantities keep the order the node sent).
using Json = nlohmann::ordered_json;

constexpr std::size_t max_token_bytes = 64;

// ---- text -----------------------------------------------------------------------------

// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629, as strict as the JSON
// parser: no overlongs, no surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_length_at(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  const unsigned lead = byte(0);
  if (lead < 0x80) return 1;
  unsigned low = 0x80, high = 0xBF;
  std::size_t length = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : low;
    high = lead == 0xED ? 0x9F : high;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : low;
    high = lead == 0xF4 ? 0x8F : high;
  } else {
    return 0;
  }
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  return length;
}

// `text` as a decoder accepts it: ill-formed UTF-8 turned into '?', cut to `max` bytes
// at a character boundary.
std::string clean_text(std::string_view text, std::size_t max = max_string_bytes) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_length_at(text, i);
    const std::string_view piece = length ? text.substr(i, length) : std::string_view("?");
    if (out.size() + piece.size() > max) break;
    out.append(piece);
    i += length ? length : 1;
  }
  return out;
}

bool token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("._+~:-").find(c) != std::string_view::npos;
}

// Characters a URL may carry here: printable ASCII without the ones that could end an
// HTML attribute or a JSON string when the dashboard shows it.
bool url_char(char c) { return c > ' ' && c < 0x7F && std::string_view("\"'<>\\`").find(c) == std::string_view::npos; }

// `text` as a token a decoder accepts: other characters become '-'.
std::string token_text(std::string_view text) {
  std::string out(text.substr(0, max_token_bytes));
  std::replace_if(out.begin(), out.end(), [](char c) { return !token_char(c); }, '-');
  return out;
}

enum class Text { free, name, token, url };

// Why `s` breaks `rule`, or null.
const char* text_problem(std::string_view s, Text rule) {
  switch (rule) {
    case Text::free: return s.size() > max_string_bytes ? "longer than 256 bytes" : nullptr;
    case Text::name: return valid_name(s) ? nullptr : "expected a name ([a-z0-9_-]{1,64})";
    case Text::token:
      if (s.size() > max_token_bytes) return "longer than 64 bytes";
      return std::all_of(s.begin(), s.end(), token_char) ? nullptr : "expected letters, digits and ._+~:-";
    case Text::url:
      if (s.empty()) return nullptr;
      if (s.size() > max_string_bytes) return "longer than 256 bytes";
      if (!s.starts_with("http://") && !s.starts_with("https://")) return "expected an http:// or https:// URL";
      return std::all_of(s.begin(), s.end(), url_char) ? nullptr : "expected an http:// or https:// URL";
  }
  return "unknown rule";
}

// ---- time -----------------------------------------------------------------------------

std::int64_t wire_ms(WallTime time) {
  return std::clamp<std::int64_t>(to_unix_ms(time), 0, static_cast<std::int64_t>(max_time_ms));
}

std::string dump(const Json& doc) {
  // replace: a stray byte that slipped past clean_text must not throw here.
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// ---- decoding -------------------------------------------------------------------------

// Our payloads nest 3 deep (reading -> values -> quantity) and have at most ~110 members
// (a reading with 32 quantities). A hostile 16 KiB of brackets would make the parser
// allocate one value per level, and thousands of members cost it quadratic time (an
// ordered object looks keys up one by one): both are refused before parsing.
constexpr std::size_t max_nesting = 8;
constexpr std::size_t max_members = 256;

// Why the payload's shape is out of bounds, or empty. Only counts brackets and members
// outside strings: the parser still judges whether the text is JSON.
std::string shape_problem(std::string_view text) {
  std::size_t depth = 0, members = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_nesting) return "nested deeper than " + std::to_string(max_nesting) + " levels";
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ':' && ++members > max_members) {
      return "more than " + std::to_string(max_members) + " members";
    }
  }
  return {};
}

// Reads fields of one message and keeps its first refusal. Once something failed, every
// getter returns a harmless default, so a decoder reads straight through and checks once.
class Fields {
 public:
  explicit Fields(std::string_view what) : what_(what) {}

  bool ok() const { return error_.empty(); }

  template <class T>
  Expected<T, std::string> result(T value) {
    if (!ok()) return unexpected(std::move(error_));
    return value;
  }

  void fail(std::string_view path, std::string_view why) {
    if (!ok()) return;
    error_.append(what_).append(": ");
    if (!path.empty()) error_.append(path).append(": ");
    error_.append(why);
  }

  // Parses the payload into `doc`; false (and the refusal kept) when it is too big, out
  // of shape, not JSON or not an object.
  bool parse(std::string_view payload, Json& doc) {
    if (payload.size() > max_payload_bytes) {
      fail({}, std::to_string(payload.size()) + " bytes, more than the limit of " +
                   std::to_string(max_payload_bytes));
      return false;
    }
    if (const std::string problem = shape_problem(payload); !problem.empty()) {
      fail({}, problem);
      return false;
    }
    doc = Json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) fail({}, "not valid JSON");
    else if (!doc.is_object()) fail({}, "expected a JSON object");
    return ok();
  }

  const Json* member(const Json& object, std::string_view key, std::string_view parent = {}) {
    if (!ok()) return nullptr;
    const auto it = object.find(key);
    if (it == object.end()) {
      fail(path(parent, key), "missing");
      return nullptr;
    }
    return &*it;
  }

  const Json* object(const Json& object, std::string_view key, std::string_view parent = {}) {
    const Json* value = member(object, key, parent);
    return check(value && value->is_object(), value, parent, key, "expected an object") ? value : nullptr;
  }

  const Json* array(const Json& object, std::string_view key, std::string_view parent = {}) {
    const Json* value = member(object, key, parent);
    return check(value && value->is_array(), value, parent, key, "expected an array") ? value : nullptr;
  }

  std::string text(const Json& object, std::string_view key, Text rule, std::string_view parent = {}) {
    const Json* value = member(object, key, parent);
    if (!check(value && value->is_string(), value, parent, key, "expected a string")) return {};
    const auto& s = value->get_ref<const std::string&>();
    const char* problem = text_problem(s, rule);
    return check(!problem, value, parent, key, problem ? problem : "") ? s : std::string();
  }

  // A name that must equal the one in the topic.
  std::string matching_name(const Json& object, std::string_view key, std::string_view topic_name) {
    std::string name = text(object, key, Text::name);
    if (ok() && name != topic_name)
      fail(key, "'" + name + "' does not match the topic's '" + std::string(topic_name) + "'");
    return name;
  }

  std::uint64_t count(const Json& object, std::string_view key, std::uint64_t max = UINT64_MAX) {
    const Json* value = member(object, key);
    if (!check(value && value->is_number_unsigned(), value, {}, key, "expected a non-negative integer")) return 0;
    const auto n = value->get<std::uint64_t>();
    return check(n <= max, value, {}, key, "more than " + std::to_string(max)) ? n : 0;
  }

  WallTime time(const Json& object, std::string_view key) {
    return from_unix_ms(static_cast<std::int64_t>(count(object, key, max_time_ms)));
  }

  double number(const Json& object, std::string_view key, std::string_view parent = {}) {
    const Json* value = member(object, key, parent);
    const bool finite = value && value->is_number() && std::isfinite(value->get<double>());
    return check(finite, value, parent, key, "expected a finite number") ? value->get<double>() : 0.0;
  }

  bool boolean(const Json& value, std::string_view path) {
    if (!value.is_boolean()) fail(path, "expected true or false");
    return ok() && value.get<bool>();
  }

  // One of `options` by its to_string() name.
  template <class E, std::size_t N>
  E choice(const Json& object, std::string_view key, const std::array<E, N>& options) {
    const std::string name = text(object, key, Text::free);
    for (E option : options)
      if (name == to_string(option)) return option;
    std::string expected = "expected one of";
    for (E option : options) expected.append(" ").append(to_string(option));
    if (ok()) fail(key, expected);
    return options[0];
  }

 private:
  static std::string path(std::string_view parent, std::string_view key) {
    return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
  }

  // Records `why` at parent.key unless `good`; a missing member (null) already failed.
  bool check(bool good, const Json* value, std::string_view parent, std::string_view key, std::string_view why) {
    if (!good && value) fail(path(parent, key), why);
    return good && ok();
  }

  std::string_view what_;
  std::string error_;
};

// Runs a decoder so that nothing escapes it: bad_alloc or a library surprise become a
// refusal like any other.
template <class T, class Decode>
Expected<T, std::string> guarded(std::string_view what, Decode&& decode) noexcept {
  try {
    return decode();
  } catch (const std::exception& e) {
    return unexpected(std::string(what) + ": " + e.what());
  } catch (...) {
    return unexpected(std::string(what) + ": unexpected failure");
  }
}

std::vector<io::Measurement> quantities(Fields& f, const Json& doc) {
  const Json* values = f.object(doc, "values");
  if (!values) return {};
  if (values->size() > max_quantities) {
    f.fail("values", std::to_string(values->size()) + " quantities, more than " + std::to_string(max_quantities));
    return {};
  }
  std::vector<io::Measurement> out;
  for (auto it = values->begin(); it != values->end() && f.ok(); ++it) {
    // The key is checked before it goes into any message: it may be anything.
    if (!valid_name(it.key())) {
      f.fail("values", "a quantity name is not [a-z0-9_-]{1,64}");
      break;
    }
    const std::string path = "values." + it.key();
    if (!it.value().is_object()) f.fail(path, "expected an object");
    if (!f.ok()) break;
    const double value = f.number(it.value(), "value", path);
    std::string unit = f.text(it.value(), "unit", Text::free, path);
    out.push_back({it.key(), value, std::move(unit)});
  }
  return out;
}

constexpr std::array reading_statuses{io::ReadingStatus::ok, io::ReadingStatus::stale, io::ReadingStatus::error};
constexpr std::array reading_sources{io::ReadingSource::sim, io::ReadingSource::gpiod, io::ReadingSource::iio,
                                     io::ReadingSource::i2c, io::ReadingSource::sysfs};

}  // namespace

std::int64_t to_unix_ms(WallTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

WallTime from_unix_ms(std::int64_t ms) {
  return WallTime{std::chrono::duration_cast<WallTime::duration>(std::chrono::milliseconds(ms))};
}

// ---- encoders -------------------------------------------------------------------------

std::string encode_reading(const io::SensorReading& reading, WallTime published) {
  Json values = Json::object();
  for (const auto& m : reading.values) {
    // A hub refuses a whole reading for one bad quantity: leave such a quantity out.
    if (values.size() >= max_quantities) break;
    if (!valid_name(m.quantity) || !std::isfinite(m.value)) continue;
    values[m.quantity] = Json{{"value", m.value}, {"unit", clean_text(m.unit)}};
  }
  Json doc{{"node", reading.node},
           {"sensor", reading.sensor},
           {"status", to_string(reading.status)},
           {"source", to_string(reading.source)},
           {"timestamp_ms", wire_ms(reading.time)},
           {"published_ms", wire_ms(published)},
           {"values", std::move(values)},
           {"error", clean_text(reading.error)}};
  return dump(doc);
}

std::string plugin_message(const plugins::PluginStatus& status) {
  const bool failing = status.state == plugins::PluginState::failed ||
                       status.state == plugins::PluginState::backing_off || !status.last_call_ok;
  return failing && !status.last_error.empty() ? status.last_error : status.last_message;
}

std::string encode_plugin(std::string_view node, const plugins::PluginStatus& status, WallTime published) {
  Json doc{{"node", node},
           {"plugin", status.name},
           {"state", to_string(status.state)},
           {"role", status.role},
           {"version", token_text(status.version)},
           {"message", clean_text(plugin_message(status))},
           {"calls", status.calls},
           {"failures", status.failures},
           {"published_ms", wire_ms(published)}};
  return dump(doc);
}

std::string encode_leds(std::string_view node, const std::vector<bool>& leds, WallTime published) {
  Json levels = Json::array();
  for (std::size_t i = 0; i < leds.size() && i < max_leds; ++i) levels.push_back(static_cast<bool>(leds[i]));
  Json doc{{"node", node}, {"leds", std::move(levels)}, {"published_ms", wire_ms(published)}};
  return dump(doc);
}

std::string encode_info(const NodeInfo& info) {
  const auto interval = std::clamp<std::int64_t>(info.publish_interval.count(), 1, max_publish_interval_ms);
  // A dashboard address a hub would refuse (and with it the whole info) is left out.
  const bool good_url = text_problem(info.dashboard, Text::url) == nullptr;
  Json doc{{"node", info.node},
           {"version", token_text(info.version)},
           {"dashboard", good_url ? info.dashboard : std::string()},
           {"publish_interval_ms", interval},
           {"instance", info.instance},
           {"started_ms", wire_ms(info.started)}};
  return dump(doc);
}

// ---- decoders -------------------------------------------------------------------------

Expected<io::NodeState, std::string> decode_status(std::string_view payload) {
  if (payload == status_online) return io::NodeState::online;
  if (payload == status_offline) return io::NodeState::offline;
  return unexpected(std::string("status: expected online or offline"));
}

Expected<NodeInfo, std::string> decode_info(std::string_view payload, std::string_view node) {
  return guarded<NodeInfo>("info", [&]() -> Expected<NodeInfo, std::string> {
    Fields f("info");
    Json doc;
    NodeInfo info;
    if (!f.parse(payload, doc)) return f.result(std::move(info));
    info.node = f.matching_name(doc, "node", node);
    info.version = f.text(doc, "version", Text::token);
    info.dashboard = f.text(doc, "dashboard", Text::url);
    const auto interval = f.count(doc, "publish_interval_ms", max_publish_interval_ms);
    if (f.ok() && interval == 0) f.fail("publish_interval_ms", "expected at least 1");
    info.publish_interval = std::chrono::milliseconds(interval);
    info.instance = f.text(doc, "instance", Text::name);
    info.started = f.time(doc, "started_ms");
    return f.result(std::move(info));
  });
}

Expected<ReadingMessage, std::string> decode_reading(std::string_view payload, std::string_view node,
                                                     std::string_view sensor) {
  return guarded<ReadingMessage>("reading", [&]() -> Expected<ReadingMessage, std::string> {
    Fields f("reading");
    Json doc;
    ReadingMessage m;
    if (!f.parse(payload, doc)) return f.result(std::move(m));
    io::SensorReading& r = m.reading;
    r.node = f.matching_name(doc, "node", node);
    r.sensor = f.matching_name(doc, "sensor", sensor);
    r.status = f.choice(doc, "status", reading_statuses);
    r.source = f.choice(doc, "source", reading_sources);
    r.time = f.time(doc, "timestamp_ms");
    m.published = f.time(doc, "published_ms");
    r.values = quantities(f, doc);
    r.error = f.text(doc, "error", Text::free);
    return f.result(std::move(m));
  });
}

Expected<PluginMessage, std::string> decode_plugin(std::string_view payload, std::string_view node,
                                                   std::string_view plugin) {
  return guarded<PluginMessage>("plugin", [&]() -> Expected<PluginMessage, std::string> {
    Fields f("plugin");
    Json doc;
    PluginMessage m;
    if (!f.parse(payload, doc)) return f.result(std::move(m));
    m.node = f.matching_name(doc, "node", node);
    m.plugin.name = f.matching_name(doc, "plugin", plugin);
    m.plugin.state = f.text(doc, "state", Text::name);
    m.role = f.text(doc, "role", Text::name);
    m.plugin.version = f.text(doc, "version", Text::token);
    m.plugin.message = f.text(doc, "message", Text::free);
    m.plugin.calls = f.count(doc, "calls");
    m.plugin.failures = f.count(doc, "failures");
    m.published = f.time(doc, "published_ms");
    return f.result(std::move(m));
  });
}

Expected<LedsMessage, std::string> decode_leds(std::string_view payload, std::string_view node) {
  return guarded<LedsMessage>("leds", [&]() -> Expected<LedsMessage, std::string> {
    Fields f("leds");
    Json doc;
    LedsMessage m;
    if (!f.parse(payload, doc)) return f.result(std::move(m));
    m.node = f.matching_name(doc, "node", node);
    const Json* levels = f.array(doc, "leds");
    if (levels && levels->size() > max_leds)
      f.fail("leds", std::to_string(levels->size()) + " LEDs, more than " + std::to_string(max_leds));
    for (std::size_t i = 0; levels && f.ok() && i < levels->size(); ++i)
      m.leds.push_back(f.boolean((*levels)[i], "leds[" + std::to_string(i) + "]"));
    m.published = f.time(doc, "published_ms");
    return f.result(std::move(m));
  });
}

}  // namespace sensorhost::link
