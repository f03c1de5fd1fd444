// /metrics: the exposition format checked by promtool on the live output.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "web/metrics.hpp"
#include "web_test_support.hpp"

namespace sensorhost::web::testing {
namespace {

struct Check {
  int status;
  std::string output;
};

// Runs `promtool check metrics` on `text` (promtool comes from Debian's prometheus
// package, installed by scripts/install-deps).
Check promtool_check(const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto file = dir / ("sensorhost-metrics-" + std::to_string(::getpid()) + ".txt");
  std::ofstream(file) << text;
  const std::string command = "promtool check metrics < '" + file.string() + "' 2>&1";
  Check check{-1, {}};
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) check.output += buffer;
    const int raw = ::pclose(pipe);
    check.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  }
  std::filesystem::remove(file);
  return check;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

class MetricsTest : public ServerFixture {};

TEST_F(MetricsTest, LiveOutputPassesPromtool) {
  auto dashboard = plugin_status("dashboard", plugins::PluginState::failed, "dashboard");
  dashboard.last_error = "bad \"world\"\n";
  control.statuses = {plugin_status("dht22", plugins::PluginState::running), dashboard};
  start();
  for (std::uint64_t n = 1; n <= 3; ++n) server->on_cycle(snapshot(n, epoch_ms(kT0 + 1000 * static_cast<std::int64_t>(n)), 22.0));
  auto r = client().Get("/metrics");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = r->body;

  const Check check = promtool_check(text);
  EXPECT_EQ(check.status, 0) << check.output << "\n" << text;
  EXPECT_EQ(check.output, "") << text;  // no lint findings either

  EXPECT_TRUE(has_line(text, "sensorhost_build_info{version=\"1.2.3-test\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_cycle_duration_seconds_count 3")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_cycle_duration_seconds_bucket{le=\"0.0005\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_cycle_duration_seconds_bucket{le=\"0.001\"} 3")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_cycle_duration_seconds_bucket{le=\"0.00025\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_cycles_total 3")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_reading{sensor=\"dht22\",quantity=\"temperature\",unit=\"C\"} 22")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_reading{sensor=\"dht22\",quantity=\"humidity\",unit=\"%RH\"} 45")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_sensor_read_successes_total{sensor=\"dht22\"} 3")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_sensor_read_failures_total{sensor=\"dht22\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_led_on{led=\"0\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_plugin_calls_total{plugin=\"dht22\"} 10")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_plugin_failures_total{plugin=\"dht22\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_plugin_fuel_used_total{plugin=\"dht22\"} 12345")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_plugin_call_duration_seconds_sum{plugin=\"dht22\"} 0.002")) << text;
  EXPECT_TRUE(has_line(text, "sensorhost_plugin_state{plugin=\"dashboard\",state=\"failed\"} 1")) << text;
}

TEST_F(MetricsTest, EveryNodesReadingsAndTheLinkPassPromtool) {
  link_health = [] {
    link::LinkHealth h;
    h.state = link::LinkState::down;
    h.reason = "broker \"gone\"";
    h.connects = 3;
    h.published = 1500;
    h.received = 700;
    h.rejected = 9;
    h.dropped = 2;
    return h;
  };
  start();
  auto s = std::make_shared<cycle::CycleSnapshot>(*hub_snapshot(2, epoch_ms(kT0), 22.0, io::NodeState::silent));
  s->nodes.push_back(node_status("garage", io::NodeState::unknown, {}));
  server->on_cycle(s);
  auto r = client().Get("/metrics");
  ASSERT_TRUE(r);
  const std::string& text = r->body;
  const Check check = promtool_check(text);
  EXPECT_EQ(check.status, 0) << check.output << "\n" << text;
  EXPECT_EQ(check.output, "") << text;

  for (const char* line : {
           "sensorhost_sensor_up{node=\"hub\",sensor=\"dht22\"} 1",
           "sensorhost_sensor_up{node=\"attic\",sensor=\"dht22\"} 0",
           "sensorhost_reading_age_seconds{node=\"attic\",sensor=\"bme680\"} 1.5",
           "sensorhost_reading{node=\"hub\",sensor=\"dht22\",quantity=\"temperature\",unit=\"C\"} 22",
           "sensorhost_reading{node=\"attic\",sensor=\"dht22\",quantity=\"temperature\",unit=\"C\"} 17.5",
           "sensorhost_reading{node=\"attic\",sensor=\"bme680\",quantity=\"pressure\",unit=\"hPa\"} 1001",
           "sensorhost_sensor_read_successes_total{sensor=\"dht22\"} 2",  // local counters: unchanged
           "sensorhost_node_up{node=\"hub\"} 1",
           "sensorhost_node_up{node=\"attic\"} 0",
           "sensorhost_node_up{node=\"garage\"} 0",
           "sensorhost_node_last_seen_timestamp_seconds{node=\"hub\"} 1800000000",
           "sensorhost_node_last_seen_timestamp_seconds{node=\"attic\"} 1799999998.5",
           "sensorhost_node_messages_total{node=\"attic\"} 42",
           "sensorhost_node_messages_total{node=\"hub\"} 0",
           "sensorhost_node_rejected_total{node=\"attic\"} 3",
           "sensorhost_mqtt_link_up 0",
           "sensorhost_mqtt_link_state{state=\"down\"} 1",
           "sensorhost_mqtt_link_state{state=\"up\"} 0",
           "sensorhost_mqtt_link_state{state=\"disabled\"} 0",
           "sensorhost_mqtt_connects_total 3",
           "sensorhost_mqtt_messages_published_total 1500",
           "sensorhost_mqtt_messages_received_total 700",
           "sensorhost_mqtt_messages_rejected_total 9",
           "sensorhost_mqtt_snapshots_dropped_total 2",
       })
    EXPECT_TRUE(has_line(text, line)) << line << "\n" << text;
  // A node never heard from has no last-seen sample (not 1970).
  EXPECT_EQ(text.find("sensorhost_node_last_seen_timestamp_seconds{node=\"garage\"}"), std::string::npos);
}

TEST_F(MetricsTest, WithoutALinkTheLinkIsDisabled) {
  start();
  server->on_cycle(snapshot(1, epoch_ms(kT0), 20.0));
  auto r = client().Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_TRUE(has_line(r->body, "sensorhost_mqtt_link_state{state=\"disabled\"} 1")) << r->body;
  EXPECT_TRUE(has_line(r->body, "sensorhost_mqtt_link_up 0")) << r->body;
  EXPECT_EQ(promtool_check(r->body).output, "") << r->body;
}

TEST_F(MetricsTest, PromtoolRejectsABrokenExposition) {
  // The check above can fail: promtool flags a counter without the _total suffix.
  const Check check = promtool_check("# HELP bad_counter x\n# TYPE bad_counter counter\nbad_counter 1\n");
  EXPECT_NE(check.output, "");
}

TEST(DurationHistogram, CountsIntoCumulativeBuckets) {
  DurationHistogram h;
  h.observe(std::chrono::microseconds(60));    // <= 0.0001
  h.observe(std::chrono::microseconds(100));   // <= 0.0001 (inclusive bound)
  h.observe(std::chrono::milliseconds(3));     // <= 0.005
  h.observe(std::chrono::seconds(20));         // only +Inf
  const auto c = h.read();
  EXPECT_EQ(c.count, 4u);
  EXPECT_EQ(c.cumulative[1], 0u);   // 0.00005
  EXPECT_EQ(c.cumulative[2], 2u);   // 0.0001
  EXPECT_EQ(c.cumulative[8], 2u);   // 0.002
  EXPECT_EQ(c.cumulative[9], 3u);   // 0.003 (inclusive bound)
  EXPECT_EQ(c.cumulative.back(), 3u);
  EXPECT_NEAR(c.sum_seconds, 20.00316, 1e-9);
}

TEST(Metrics, EscapesLabelValues) {
  EXPECT_EQ(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  const std::string text = render_metrics({"v\"1", nullptr, nullptr, nullptr, 0, 0});
  EXPECT_TRUE(has_line("\n" + text, "sensorhost_build_info{version=\"v\\\"1\"} 1")) << text;
  EXPECT_EQ(promtool_check(text).output, "") << text;
}

}  // namespace
}  // namespace sensorhost::web::testing
