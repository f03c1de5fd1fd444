// The dashboard's two page sources and its assets, without a browser: the embedded
// assets (web/assets), the host's fallback page, and the page the REAL dashboard
// component renders (built by the plugin pipeline, loaded through the typed facade).
// Both pages must carry the markup dashboard.js relies on (host/web/assets/README.md).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "component/plugin_api.hpp"
#include "web/assets/assets.hpp"

namespace sensorhost {
namespace {

using component::plugin_api::NodeReadings;
using component::plugin_api::PluginStatus;
namespace assets = web::assets;

// What dashboard.js looks for in every page (the containers it fills and the assets).
const std::vector<std::string> kContract = {
    "<body data-dashboard",
    "data-conn=",
    "data-field=\"conn\"",
    "data-field=\"updated\"",
    "data-readings",
    "data-leds",
    "data-plugins",
    "data-charts",
    "href=\"/assets/dashboard.css\"",
    "href=\"/assets/uplot.css\"",
    "src=\"/assets/dashboard.js\"",
    "src=\"/assets/uplot.js\"",
    "href=\"/assets/icon.svg\"",
};

void expect_contract(const std::string& page) {
  for (const auto& needle : kContract) EXPECT_NE(page.find(needle), std::string::npos) << "missing " << needle;
  // Every linked asset is embedded.
  for (const char* path : {"/assets/dashboard.css", "/assets/uplot.css", "/assets/dashboard.js",
                           "/assets/uplot.js", "/assets/icon.svg"})
    EXPECT_TRUE(assets::find(path)) << path;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

TEST(WebAssets, FindGivesContentTypesAndBodies) {
  auto js = assets::find("/assets/dashboard.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(js->body.find("new EventSource"), std::string_view::npos);
  auto css = assets::find("/assets/dashboard.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  auto uplot = assets::find("/assets/uplot.js");
  ASSERT_TRUE(uplot);
  EXPECT_EQ(uplot->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(uplot->body.find("uPlot"), std::string_view::npos) << "the chart library from node_modules";
  EXPECT_GT(uplot->body.size(), 20'000u);
  EXPECT_EQ(assets::find("/assets/uplot.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(assets::find("/assets/icon.svg")->content_type, "image/svg+xml");
}

TEST(WebAssets, UnknownPathsAreNotFound) {
  for (const char* path : {"/assets/", "/assets/missing.js", "/dashboard.js", "/assets/dashboard.js/", "",
                           "/assets/../assets/dashboard.js"})
    EXPECT_FALSE(assets::find(path)) << path;
  EXPECT_EQ(assets::paths().size(), 5u);
  for (auto path : assets::paths()) EXPECT_TRUE(path.starts_with("/assets/")) << path;
}

TEST(WebAssets, FallbackPageShowsTheNoticeEscaped) {
  const std::string page = assets::fallback_page("plugin <dashboard> failed: \"trap\" & 'fuel'");
  expect_contract(page);
  EXPECT_NE(page.find("data-notice"), std::string::npos);
  EXPECT_NE(page.find("data-fallback"), std::string::npos);
  EXPECT_NE(page.find("plugin &lt;dashboard&gt; failed: &quot;trap&quot; &amp; &#39;fuel&#39;"), std::string::npos)
      << page;
  EXPECT_EQ(page.find("<dashboard>"), std::string::npos);
  EXPECT_EQ(assets::html_escape("a<b>&\"'c"), "a&lt;b&gt;&amp;&quot;&#39;c");
}

// ---- The dashboard component ----------------------------------------------------------

io::SensorReading reading(std::string sensor, std::vector<io::Measurement> values) {
  return io::ok_reading(std::move(sensor), io::ReadingSource::sim,
                        io::WallTime(std::chrono::milliseconds(1'700'000'000'000)), std::move(values));
}

io::NodeStatus node(std::string name, io::NodeState state, std::string address = {}) {
  io::NodeStatus n;
  n.name = std::move(name);
  n.state = state;
  n.address = std::move(address);
  n.last_seen = io::WallTime(std::chrono::milliseconds(1'699'999'990'000));
  return n;
}

io::NodeStatus local_node(std::string name) {
  io::NodeStatus n = node(std::move(name), io::NodeState::online);
  n.local = true;
  return n;
}

struct Dashboard {
  std::map<std::string, config::SettingValue> settings;
  component::plugin_api::HostCapabilities caps;
  component::Linker linker;
  std::unique_ptr<component::Instance> instance;
  std::optional<component::plugin_api::DashboardRender> render;
  std::uint64_t fuel_used = 0;

  explicit Dashboard(std::map<std::string, config::SettingValue> with = {}) : settings(std::move(with)) {
    caps.log = [](component::plugin_api::LogLevel, const std::string&) {};
    caps.settings = settings;
    caps.now_ms = [] { return std::uint64_t{1'700'000'000'000}; };
    caps.monotonic_ms = [] { return std::uint64_t{1}; };
    auto bound = component::plugin_api::bind(linker, caps);
    EXPECT_TRUE(bound) << (bound ? "" : bound.error());
    auto c = component::Component::load_file(std::string(SENSORHOST_TEST_PLUGIN_DIR) + "/dashboard.wasm");
    EXPECT_TRUE(c) << c.error().message;
    if (!c) return;
    auto i = component::Instance::instantiate(*c, linker);
    EXPECT_TRUE(i) << i.error().message;
    if (!i) return;
    instance = std::move(*i);
    auto r = component::plugin_api::DashboardRender::bind(*instance);
    EXPECT_TRUE(r) << r.error();
    if (r) render = *r;
  }

  // The page of a single node "bench" with `readings`.
  std::string page(const std::vector<io::SensorReading>& readings, const std::vector<PluginStatus>& plugins) {
    return page(readings, plugins, {{local_node("bench"), readings}});
  }

  // The page, with the fuel the call used (the config gives the dashboard 50M per call).
  std::string page(const std::vector<io::SensorReading>& readings, const std::vector<PluginStatus>& plugins,
                   const std::vector<NodeReadings>& nodes) {
    if (!render) return {};
    instance->store().set_fuel(50'000'000);
    auto html = render->render(*instance, 1'700'000'000'000, readings, plugins, nodes);
    fuel_used = 50'000'000 - instance->store().fuel();
    EXPECT_TRUE(html) << html.error().to_string();
    if (!html) return {};
    EXPECT_TRUE(*html) << html->error();
    return *html ? html->value() : std::string();
  }
};

const std::vector<io::SensorReading> kSnapshot = {
    reading("dht22", {{"temperature", 21.53, "C"}, {"humidity", 45.2, "%RH"}}),
    reading("bme680", {{"temperature", 22.04, "C"}, {"humidity", 41.0, "%RH"}, {"pressure", 1013.25, "hPa"},
                       {"gas_resistance", 123456.0, "ohm"}, {"heat_stable", 1.0, "bool"}}),
    reading("cpu", {{"temperature", -0.04, "C"}}),
};
const std::vector<PluginStatus> kPlugins = {
    {"dht22", true, "21.5 C comfortable"}, {"bme680", true, "IAQ 42 good"}, {"pi-monitor", false, "trap: unreachable"}};

TEST(DashboardPlugin, RendersTheMarkupTheScriptUpdates) {
  Dashboard d;
  const std::string page = d.page(kSnapshot, kPlugins);
  expect_contract(page);
  EXPECT_NE(page.find("<article class=\"sensor\" data-sensor=\"dht22\" data-status=\"ok\">"), std::string::npos) << page;
  EXPECT_NE(page.find("<div class=\"value\" data-sensor=\"dht22\" data-quantity=\"temperature\">"), std::string::npos);
  EXPECT_NE(page.find("data-quantity=\"temperature\"><dt>temperature</dt><dd><span class=\"number\" "
                      "data-field=\"value\">21.5</span> <span class=\"unit\" data-field=\"unit\">\u00b0C</span>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("data-field=\"value\">1013</span>"), std::string::npos) << "no decimals from 100 up";
  EXPECT_NE(page.find("data-field=\"value\">123456</span> <span class=\"unit\" data-field=\"unit\">\u03a9"),
            std::string::npos);
  EXPECT_NE(page.find("data-field=\"value\">0.0</span>"), std::string::npos) << "no negative zero";
  EXPECT_NE(page.find("<dt>gas resistance</dt>"), std::string::npos);
  EXPECT_NE(page.find("<time data-field=\"time\" data-ms=\"1700000000000\">22:13:20 UTC</time>"), std::string::npos);
  EXPECT_EQ(count(page, "data-chart=\""), 4u) << "one chart per quantity, not per sensor, none for a flag";
  EXPECT_NE(page.find("data-field=\"value\">yes</span> <span class=\"unit\" data-field=\"unit\"></span>"),
            std::string::npos);
  EXPECT_NE(page.find("data-chart=\"gas_resistance\""), std::string::npos);
  EXPECT_NE(page.find("<li class=\"plugin\" data-plugin=\"pi-monitor\" data-healthy=\"false\">"), std::string::npos);
  EXPECT_NE(page.find("data-field=\"last-error\">trap: unreachable</p>"), std::string::npos) << page;
  EXPECT_NE(page.find("data-field=\"message\">IAQ 42 good</p>"), std::string::npos);
  EXPECT_NE(page.find("<title>sensorhost</title>"), std::string::npos);
  EXPECT_NE(page.find("data-history=\"1h\""), std::string::npos);
  EXPECT_LT(d.fuel_used, 500'000u) << "fuel of one render (the budget is 50M)";
  std::cout << "[ fuel     ] render of 3 sensors, 8 values, 3 plugins: " << d.fuel_used << " fuel, " << page.size()
            << " bytes\n";
}

TEST(DashboardPlugin, EscapesEveryStringFromReadingsPluginsAndSettings) {
  Dashboard d({{"title", std::string("<b>Lab</b> & \"bench\"")}, {"led_labels", std::string("a<1>, 'b' ,c&d")}});
  auto bad = io::error_reading("<img src=x onerror=alert(1)>", io::ReadingSource::sysfs,
                               io::WallTime(std::chrono::milliseconds(5'000)), "checksum \"bad\" & <late>");
  auto odd = reading("dht\"22", {{"temp<er>ature", 1.0, "<u>"}});
  const std::string page = d.page({bad, odd}, {{"evil</li><script>", false, "x<y & 'z'"}});
  expect_contract(page);
  for (const char* raw : {"<img", "<b>Lab", "<u>", "<script>", "temp<er>", "a<1>", "'b'", "x<y"})
    EXPECT_EQ(page.find(raw), std::string::npos) << raw << " unescaped in\n" << page;
  EXPECT_NE(page.find("<title>&lt;b&gt;Lab&lt;/b&gt; &amp; &quot;bench&quot;</title>"), std::string::npos) << page;
  EXPECT_NE(page.find("data-sensor=\"&lt;img src=x onerror=alert(1)&gt;\" data-status=\"error\""), std::string::npos);
  EXPECT_NE(page.find("data-field=\"error\">checksum &quot;bad&quot; &amp; &lt;late&gt;</p>"), std::string::npos);
  EXPECT_NE(page.find("data-sensor=\"dht&quot;22\" data-quantity=\"temp&lt;er&gt;ature\""), std::string::npos);
  EXPECT_NE(page.find("data-plugin=\"evil&lt;/li&gt;&lt;script&gt;\""), std::string::npos);
  EXPECT_NE(page.find("x&lt;y &amp; &#39;z&#39;"), std::string::npos);
  // LED labels from the settings, trimmed, in order.
  EXPECT_NE(page.find("data-led=\"0\" data-on=\"unknown\"><span class=\"lamp\" aria-hidden=\"true\"></span>"
                      "<span class=\"label\">a&lt;1&gt;</span>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("data-led=\"1\" data-on=\"unknown\"><span class=\"lamp\" aria-hidden=\"true\"></span>"
                      "<span class=\"label\">&#39;b&#39;</span>"),
            std::string::npos);
  EXPECT_NE(page.find("<span class=\"label\">c&amp;d</span>"), std::string::npos);
  EXPECT_EQ(count(page, "data-led=\""), 3u);
}

TEST(DashboardPlugin, AnEmptySnapshotStillGivesTheWholePage) {
  Dashboard d;
  const std::string page = d.page({}, {});
  expect_contract(page);
  EXPECT_NE(page.find("data-empty"), std::string::npos);
  EXPECT_EQ(count(page, "data-led=\""), 0u) << "no labels set: dashboard.js draws the bank from the readings";
  EXPECT_NE(page.find("</html>"), std::string::npos);
}

TEST(DashboardPlugin, ALargeSnapshotGrowsThePageAcrossCalls) {
  Dashboard d;
  std::vector<io::SensorReading> many;
  for (int i = 0; i < 40; ++i)
    many.push_back(reading("sensor" + std::to_string(i), {{"q" + std::to_string(i % 7), i * 1.5, "C"}}));
  const std::string big = d.page(many, kPlugins);
  EXPECT_EQ(count(big, "<article class=\"sensor\""), 40u);
  EXPECT_EQ(count(big, "data-chart=\""), 7u);
  const std::string small = d.page(kSnapshot, kPlugins);  // the same instance, its buffer hint now larger
  EXPECT_EQ(count(small, "<article class=\"sensor\""), 3u);
  EXPECT_EQ(small.find("sensor39"), std::string::npos) << "nothing left over from the previous page";
}

// ---- Nodes: readings grouped by node -----------------------------------------------

TEST(DashboardPlugin, ASingleNodeHasItsHeading) {
  Dashboard d;
  const std::string page = d.page(kSnapshot, kPlugins);
  EXPECT_NE(page.find("<div class=\"nodes\" data-readings>\n<section class=\"node\" data-node=\"bench\" "
                      "data-state=\"online\" data-local=\"true\">\n<header class=\"node-head\"><h3 "
                      "data-field=\"node-name\">bench</h3><span class=\"badge node-state\" "
                      "data-field=\"node-state\">online</span><span class=\"node-local\">this node</span></header>\n"
                      "<div class=\"sensors\" data-node-sensors>\n<article class=\"sensor\" data-sensor=\"dht22\""),
            std::string::npos)
      << page;
  EXPECT_EQ(count(page, "<section class=\"node"), 1u);
  EXPECT_EQ(page.find("node-down"), std::string::npos);
  EXPECT_EQ(page.find("node-link"), std::string::npos) << "no link to the page itself";
}

TEST(DashboardPlugin, GroupsReadingsByNodeAndGreysNodesThatAreAway) {
  Dashboard d;
  const std::vector<NodeReadings> nodes = {
      {local_node("hub"), {kSnapshot[2]}},
      {node("attic", io::NodeState::offline, "http://attic.local:8080/"), {kSnapshot[0]}},
      {node("barn", io::NodeState::silent, "javascript:alert(1)"), {kSnapshot[1]}},
      {node("cellar\"<x>", io::NodeState::online, "https://cellar.local/?a=1&b=\"2\""), {}},
  };
  const std::string page = d.page({kSnapshot[2]}, kPlugins, nodes);
  expect_contract(page);
  const auto hub = page.find("data-node=\"hub\"");
  const auto attic = page.find("data-node=\"attic\"");
  const auto barn = page.find("data-node=\"barn\"");
  ASSERT_NE(hub, std::string::npos);
  EXPECT_LT(hub, attic);
  EXPECT_LT(attic, barn);
  EXPECT_NE(page.find("<section class=\"node node-down\" data-node=\"attic\" data-state=\"offline\" data-local=\"false\">"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("data-field=\"node-state\">offline</span><a class=\"node-link\" data-field=\"node-link\" "
                      "href=\"http://attic.local:8080/\">dashboard</a><span class=\"node-seen\">last heard "
                      "<time data-field=\"node-seen\" data-ms=\"1699999990000\">22:13:10 UTC</time></span>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<section class=\"node node-down\" data-node=\"barn\" data-state=\"silent\""), std::string::npos);
  EXPECT_EQ(page.find("javascript:"), std::string::npos) << "only http(s) addresses become links";
  EXPECT_NE(page.find("data-node=\"cellar&quot;&lt;x&gt;\" data-state=\"online\""), std::string::npos);
  EXPECT_NE(page.find("href=\"https://cellar.local/?a=1&amp;b=&quot;2&quot;\""), std::string::npos);
  EXPECT_NE(page.find("data-field=\"node-name\">cellar&quot;&lt;x&gt;</h3>"), std::string::npos);
  // Each node's cards in its own group; a node without readings says so.
  EXPECT_EQ(count(page, "<article class=\"sensor\""), 3u);
  EXPECT_EQ(count(page, "data-empty"), 1u);
  // Charts per quantity over every node: the remote BME680 brings pressure and gas.
  EXPECT_EQ(count(page, "data-chart=\""), 4u);
  EXPECT_NE(page.find("data-chart=\"pressure\""), std::string::npos);
}

TEST(DashboardPlugin, WithoutANodeListTheReadingsFormOneGroupWithoutHeading) {
  Dashboard d;
  const std::string page = d.page(kSnapshot, kPlugins, {});
  expect_contract(page);
  EXPECT_NE(page.find("<section class=\"node\" data-node=\"\">\n<div class=\"sensors\" data-node-sensors>"),
            std::string::npos)
      << page;
  EXPECT_EQ(count(page, "<article class=\"sensor\""), 3u);
  EXPECT_EQ(page.find("node-head"), std::string::npos);
}

TEST(DashboardPlugin, AHubOfFiftyNodesRendersWithinItsFuel) {
  Dashboard d;
  std::vector<NodeReadings> nodes = {{local_node("hub"), kSnapshot}};
  for (int i = 0; i < 50; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "node%02d", i);
    nodes.push_back({node(name, i % 5 == 0 ? io::NodeState::offline : io::NodeState::online,
                          std::string("http://") + name + ".local:8080/"),
                     kSnapshot});
  }
  const std::string page = d.page(kSnapshot, kPlugins, nodes);
  EXPECT_EQ(count(page, "<section class=\"node"), 51u);
  EXPECT_EQ(count(page, "<article class=\"sensor\""), 153u);
  EXPECT_EQ(count(page, "data-chart=\""), 4u);
  EXPECT_LT(d.fuel_used, 10'000'000u) << "the budget is 50M";
  std::cout << "[ fuel     ] render of 51 nodes x 3 sensors: " << d.fuel_used << " fuel, " << page.size() << " bytes\n";
}

}  // namespace
}  // namespace sensorhost
