// Throws malformed, hostile and valid messages at Hub::handle in a deterministic mix and
// checks that the process image stays consistent: bounded, and holding only what the
// contract allows. Fast enough to run under ASan/UBSan in every test pass.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "link/hub.hpp"

using namespace sensorhost;
using namespace sensorhost::link;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int message_count = 10'000;
const WallTime t0 = from_unix_ms(1'700'000'000'000);

HubLimits fuzz_limits() {
  HubLimits limits;
  limits.max_nodes = 16;  // lower than the defaults so that every limit is hit
  limits.max_sensors_per_node = 8;
  limits.max_plugins_per_node = 8;
  return limits;
}

class MessageFuzzer {
 public:
  struct Message {
    std::string topic, payload;
    bool retained = false;
  };

  Message next(WallTime now) {
    Message m;
    m.retained = pick(2) == 0;
    const Target target = random_target();
    m.topic = pick(6) == 0 ? bad_topic() : target.topic;
    m.payload = payload_for(target, now);
    return m;
  }

 private:
  struct Target {
    std::string node, name, topic;
    TopicKind kind;
  };

  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  template <class T>
  const T& one_of(const std::vector<T>& options) { return options[pick(options.size())]; }
  char any_byte() { return static_cast<char>(pick(256)); }

  // A topic of the contract: mostly 12 nodes, sometimes 40 (more than the limit) or our
  // own; 20 sensors and plugins (more than the limits).
  Target random_target() {
    Target t;
    t.node = pick(20) == 0 ? std::string("hub") : "n" + std::to_string(pick(pick(5) == 0 ? 40 : 12));
    t.kind = static_cast<TopicKind>(pick(5));
    const Topics topics("sensorhost");
    switch (t.kind) {
      case TopicKind::status: t.topic = topics.status(t.node); break;
      case TopicKind::info: t.topic = topics.info(t.node); break;
      case TopicKind::leds: t.topic = topics.leds(t.node); break;
      case TopicKind::reading: t.name = "s" + std::to_string(pick(20)); t.topic = topics.reading(t.node, t.name); break;
      case TopicKind::plugin: t.name = "p" + std::to_string(pick(20)); t.topic = topics.plugin(t.node, t.name); break;
    }
    return t;
  }

  std::string bad_topic() {
    static const std::vector<std::string> fixed{
        "sensorhost/+/status", "sensorhost/n1/#", "sensorhost/n1/reading/+", "sensorhost/#", "sensorhost//status",
        "sensorhost/n1//s1", "sensorhost/n1/reading/", "sensorhost/n1/reading//", "sensorhost/", "sensorhost",
        "sensorhost/n1/status/x", "sensorhost/N1/status", "sensorhost/n1/plugin", "other/n1/status",
        "/sensorhost/n1/status", "sensorhost/n1/reading/s1/extra", "sensorhost/n 1/status", "sensorhost/n1/Info"};
    switch (pick(4)) {
      case 0: return one_of(fixed);
      case 1: return "sensorhost/" + std::string(65 + pick(300), 'a') + "/status";
      case 2: return "sensorhost/n1/reading/" + std::string(65 + pick(300), 's');
      default: {
        std::string topic = "sensorhost/";
        for (std::size_t i = pick(40); i > 0; --i) topic += any_byte();
        return topic;
      }
    }
  }

  // ---- valid payloads ----

  // A valid payload for the target, mostly reused: encoding is the costly part of a
  // round, and the published times still vary enough to be stale or fresh.
  const std::string& valid_payload(const Target& t, WallTime now) {
    std::string& cached = valid_[t.topic];
    if (cached.empty() || pick(16) == 0) cached = fresh_payload(t, now);
    return cached;
  }

  std::string fresh_payload(const Target& t, WallTime now) {
    const WallTime published = now - std::chrono::milliseconds(pick(120'000));
    switch (t.kind) {
      case TopicKind::status: return pick(2) ? "online" : "offline";
      case TopicKind::info: {
        const std::string instance = t.node == "hub" && pick(3) ? "aaaa" : "i" + std::to_string(pick(50));
        return encode_info({t.node, "0.4.0", pick(2) ? "" : "http://" + t.node + ":8080/",
                            std::chrono::milliseconds(1 + pick(20'000)), instance, t0});
      }
      case TopicKind::leds: return encode_leds(t.node, std::vector<bool>(pick(pick(8) ? 8 : 70), pick(2) == 0), published);
      case TopicKind::plugin: {
        plugins::PluginStatus s;
        s.name = t.name;
        s.state = static_cast<plugins::PluginState>(pick(4));
        s.role = "sensor-logic";
        s.last_message = std::string(pick(2) ? pick(40) : 260, 'm');
        s.calls = pick(1000);
        return encode_plugin(t.node, s, published);
      }
      case TopicKind::reading: return valid_reading(t, published);
    }
    return {};
  }

  std::string valid_reading(const Target& t, WallTime published) {
    static const std::vector<std::string> quantities{"temperature", "humidity", "pressure", "gas_resistance", "q1"};
    std::vector<io::Measurement> values;
    for (std::size_t i = pick(6); i > 0; --i)
      values.push_back({one_of(quantities), std::uniform_real_distribution<double>(-1e6, 1e6)(rng_), "C"});
    auto r = io::ok_reading(t.name, static_cast<io::ReadingSource>(pick(5)), published - 1s, std::move(values));
    r.status = static_cast<io::ReadingStatus>(pick(3));
    r.node = t.node;
    return encode_reading(r, published);
  }

  // ---- hostile payloads ----

  std::string payload_for(const Target& t, WallTime now) {
    const int kind = static_cast<int>(pick(10));
    if (kind == 4) return random_bytes();
    const std::string& valid = valid_payload(t, now);
    switch (kind) {
      case 0: case 1: return valid;
      case 2: return valid_payload(random_target(), now);  // another node, kind or name
      case 3: return mutated(valid);
      case 5: return with_number(valid, {"1e999", "-1e999", "18446744073709551616", "-9223372036854775809", "1e308",
                                         "4.9e-324", "-0", "1.5", "99999999999999999999999", "0x10", "01"});
      case 6: return with_number(valid, {"NaN", "Infinity", "-Infinity", "nan", "inf", "null", "true"});
      case 7: return deep(valid);
      case 8: return wrong_type(valid);
      default: return bad_utf8(valid);
    }
  }

  std::string mutated(std::string s) {
    for (std::size_t i = 1 + pick(4); i > 0 && !s.empty(); --i) {
      const std::size_t at = pick(s.size());
      switch (pick(5)) {
        case 0: s[at] = any_byte(); break;
        case 1: s.insert(at, 1, any_byte()); break;
        case 2: s.erase(at, 1 + pick(8)); break;
        case 3: s.insert(at, s.substr(at, pick(64))); break;
        default: s.resize(at); break;
      }
    }
    return s;
  }

  std::string random_bytes() {
    std::string s(pick(pick(50) == 0 ? 20'000 : 512), '\0');
    for (char& c : s) c = any_byte();
    return s;
  }

  // `valid` with one number replaced by `token`.
  std::string with_number(std::string valid, const std::vector<std::string>& tokens) {
    std::vector<std::size_t> starts;
    for (std::size_t i = 1; i < valid.size(); ++i)
      if (std::isdigit(static_cast<unsigned char>(valid[i])) && (valid[i - 1] == ':' || valid[i - 1] == '['))
        starts.push_back(i);
    if (starts.empty()) return one_of(tokens);
    const std::size_t at = one_of(starts);
    const std::size_t end = valid.find_first_of(",}]", at);
    return valid.replace(at, end - at, one_of(tokens));
  }

  std::string deep(const std::string& valid) {
    const std::size_t depth = 100 + pick(8000);
    switch (pick(3)) {
      case 0: return std::string(depth, '[') + std::string(depth, ']');
      case 1: {
        std::string s;
        for (std::size_t i = 0; i < depth / 6; ++i) s += "{\"a\":";
        return s + "1" + std::string(depth / 6, '}');
      }
      default: {
        const std::size_t colon = valid.find(':');
        if (colon == std::string::npos) return std::string(depth, '[');
        return valid.substr(0, colon + 1) + std::string(depth, '[') + std::string(depth, ']') +
               valid.substr(valid.find_first_of(",}", colon));
      }
    }
  }

  std::string wrong_type(const std::string& valid) {
    json doc = json::parse(valid, nullptr, false);
    if (!doc.is_object() || doc.empty()) return "[]";
    static const std::vector<json> values{nullptr, true, 1, -1, 1.5, "str", json::array(), json::object(),
                                          std::string(300, 'x'), json(std::vector<int>(100, 1)),
                                          json{{"value", "1"}, {"unit", 2}}};
    auto it = doc.begin();
    std::advance(it, pick(doc.size()));
    json* target = &*it;
    if (target->is_object() && !target->empty() && pick(2)) {  // one level down: values.<quantity>
      auto inner = target->begin();
      std::advance(inner, pick(target->size()));
      target = &*inner;
    }
    *target = one_of(values);
    return doc.dump();
  }

  std::string bad_utf8(std::string valid) {
    static const std::vector<std::string> bad{"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
                                              "\x80", "\xf0\x9f", std::string("\0", 1)};
    const std::size_t quote = valid.find('"', pick(valid.size() + 1));
    valid.insert(quote == std::string::npos ? valid.size() : quote + 1, one_of(bad));
    return valid;
  }

  std::mt19937 rng_{20240611};
  std::map<std::string, std::string> valid_;  // by topic
};

void expect_consistent(const io::ProcessImage& image, const Hub& hub, WallTime now) {
  const HubLimits limits = fuzz_limits();
  const auto nodes = image.nodes(now);
  ASSERT_FALSE(nodes.empty());
  EXPECT_TRUE(nodes[0].local);
  EXPECT_LE(nodes.size() - 1, limits.max_nodes);
  EXPECT_EQ(nodes.size() - 1, hub.node_count());
  for (std::size_t i = 1; i < nodes.size(); ++i) {
    const auto& n = nodes[i];
    EXPECT_TRUE(valid_name(n.name) && n.name != "hub") << n.name;
    EXPECT_LE(n.sensors, limits.max_sensors_per_node);
    EXPECT_LE(n.plugins.size(), limits.max_plugins_per_node);
    EXPECT_LE(n.leds.size(), max_leds);
    EXPECT_LE(n.address.size(), max_string_bytes);
    for (const auto& p : n.plugins) EXPECT_TRUE(valid_name(p.name) && p.message.size() <= max_string_bytes);
  }
  for (const auto& r : image.snapshot(now)) {
    EXPECT_TRUE(valid_name(r.node) && r.node != "hub") << r.node;
    EXPECT_TRUE(valid_name(r.sensor)) << r.sensor;
    EXPECT_LE(r.values.size(), max_quantities);
    for (const auto& m : r.values) EXPECT_TRUE(valid_name(m.quantity) && std::isfinite(m.value));
  }
}

}  // namespace

TEST(HubFuzz, HostileMessagesNeitherCrashNorCorruptTheImage) {
  io::ProcessImage image("hub");
  HubOptions options;
  options.local_node = "hub";
  options.local_instance = "aaaa";
  options.subscribe = {"*"};
  options.limits = fuzz_limits();
  Hub hub(image, options);
  MessageFuzzer fuzzer;

  std::chrono::steady_clock::duration elapsed{};  // in handle() only
  WallTime now = t0;
  for (int i = 0; i < message_count; ++i) {
    now += 100ms;
    const auto m = fuzzer.next(now);
    const auto started = std::chrono::steady_clock::now();
    hub.handle(m.topic, m.payload, m.retained, now);
    elapsed += std::chrono::steady_clock::now() - started;
    if (i % 2000 == 0) expect_consistent(image, hub, now);
  }
  expect_consistent(image, hub, now);

  const auto& c = hub.counters();
  EXPECT_EQ(c.received, static_cast<std::uint64_t>(message_count));
  EXPECT_EQ(c.accepted + c.ignored + c.rejected, c.received);
  // About a tenth of the messages are valid (so acceptance is exercised too); a few fewer
  // since an empty retained status retires its node, whose next messages start it afresh.
  EXPECT_GT(c.accepted, 900u);
  for (std::size_t reason = 0; reason < reject_reason_count; ++reason)
    EXPECT_GT(c.rejected_by[reason], 0u) << to_string(static_cast<RejectReason>(reason));
  std::printf("fuzz: %d messages, %lld ms in Hub::handle: %llu accepted, %llu ignored, %llu rejected\n", message_count,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()),
              static_cast<unsigned long long>(c.accepted), static_cast<unsigned long long>(c.ignored),
              static_cast<unsigned long long>(c.rejected));
}
