// The JSON API contract over real loopback HTTP: shapes, auth, errors, health, the page.
#include "web_test_support.hpp"

namespace sensorhost::web::testing {
namespace {

using nlohmann::json;
using plugins::PluginState;

class ApiTest : public ServerFixture {};

TEST_F(ApiTest, BindsAnEphemeralPortAndAnswers) {
  start();
  auto r = client().Get("/api/plugins");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
}

TEST_F(ApiTest, ASecondServerOnTheSamePortFailsWithAClearError) {
  start();
  config::WebConfig web;
  web.listen = "127.0.0.1";
  web.port = server->port();
  Server second(web, {});
  auto started = second.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error(), "cannot listen on 127.0.0.1:" + std::to_string(server->port()) + ": Address already in use");
}

TEST_F(ApiTest, ReadingsBeforeTheFirstCycleAre503) {
  start();
  EXPECT_EQ(get_json("/api/readings", 503), (json{{"error", "no cycle has run yet"}, {"status", 503}}));
}

TEST_F(ApiTest, ReadingsServeTheLatestSnapshot) {
  start();
  server->on_cycle(snapshot(1, epoch_ms(kT0), 21.5));
  server->on_cycle(snapshot(2, epoch_ms(kT0 + 1000), 22.25));
  const json j = get_json("/api/readings");
  EXPECT_EQ(j["cycle"], 2);
  EXPECT_EQ(j["time_ms"], kT0 + 1000);
  EXPECT_EQ(j["time"], "2027-01-15T08:00:01.000Z");
  ASSERT_EQ(j["readings"].size(), 1u);
  const json& dht = j["readings"][0];
  EXPECT_EQ(dht["sensor"], "dht22");
  EXPECT_EQ(dht["status"], "ok");
  EXPECT_EQ(dht["source"], "sim");
  EXPECT_EQ(dht["error"], "");
  EXPECT_EQ(dht["age_ms"], 0);
  EXPECT_EQ(dht["values"][0], (json{{"quantity", "temperature"}, {"value", 22.25}, {"unit", "C"}}));
  EXPECT_EQ(dht["values"][1], (json{{"quantity", "humidity"}, {"value", 45.0}, {"unit", "%RH"}}));
  EXPECT_EQ(j["leds"], (json{true, false, false}));
  EXPECT_EQ(j["stats"]["cycles"], 2);

  server->on_cycle(snapshot(3, epoch_ms(kT0 + 2000), 23.0));
  EXPECT_EQ(get_json("/api/readings")["cycle"], 3);  // the per-cycle cache follows
}

TEST_F(ApiTest, UnknownPathsAre404AndWrongMethods405WithAllow) {
  start();
  auto c = client();
  EXPECT_EQ(get_json("/api/nothing", 404), (json{{"error", "no such endpoint: /api/nothing"}, {"status", 404}}));

  auto post = c.Post("/api/readings", "", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET");
  EXPECT_EQ(body_json(post)["status"], 405);

  auto get_admin = c.Get("/api/plugins/dht22/reload");
  ASSERT_TRUE(get_admin);
  EXPECT_EQ(get_admin->status, 405);
  EXPECT_EQ(get_admin->get_header_value("Allow"), "POST");

  auto del = c.Delete("/metrics");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);
}

TEST_F(ApiTest, PluginsListThePublishedStatus) {
  control.statuses = {plugin_status("dht22", PluginState::running), plugin_status("dashboard", PluginState::failed, "dashboard")};
  control.statuses[1].last_error = "trap: unreachable";
  start();
  const json j = get_json("/api/plugins");
  ASSERT_EQ(j["plugins"].size(), 2u);
  EXPECT_EQ(j["plugins"][0]["name"], "dht22");
  EXPECT_EQ(j["plugins"][0]["state"], "running");
  EXPECT_EQ(j["plugins"][0]["calls"], 10);
  EXPECT_EQ(j["plugins"][0]["fuel_used_total"], 12345);
  EXPECT_DOUBLE_EQ(j["plugins"][0]["total_call_duration_ms"].get<double>(), 2.0);
  EXPECT_EQ(j["plugins"][1]["state"], "failed");
  EXPECT_EQ(j["plugins"][1]["role"], "dashboard");
  EXPECT_EQ(j["plugins"][1]["last_error"], "trap: unreachable");

  EXPECT_EQ(get_json("/api/plugins/dashboard")["name"], "dashboard");
  EXPECT_EQ(get_json("/api/plugins/nope", 404)["error"], "unknown plugin 'nope'");
}

TEST_F(ApiTest, WithoutAPluginRuntimeThePluginListIsEmpty) {
  start("", {}, /*with_control=*/false);
  EXPECT_EQ(get_json("/api/plugins"), (json{{"plugins", json::array()}}));
}

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

TEST_F(ApiTest, AdminIsForbiddenWhenNoTokenIsConfigured) {
  control.statuses = {plugin_status("dht22", PluginState::running)};
  start("");
  auto r = client().Post("/api/plugins/dht22/reload", bearer("anything"), "", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(body_json(r)["status"], 403);
  EXPECT_TRUE(control.requests.empty());
}

TEST_F(ApiTest, AdminNeedsTheRightBearerToken) {
  control.statuses = {plugin_status("dht22", PluginState::running)};
  start("s3cret");
  auto c = client();
  auto none = c.Post("/api/plugins/dht22/reload", "", "text/plain");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer realm=\"sensorhost\"");
  auto wrong = c.Post("/api/plugins/dht22/reload", bearer("s3cre7"), "", "text/plain");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto prefix = c.Post("/api/plugins/dht22/reload", bearer("s3c"), "", "text/plain");
  ASSERT_TRUE(prefix);
  EXPECT_EQ(prefix->status, 401);
  EXPECT_TRUE(control.requests.empty());

  control.result = plugins::AdminResult(std::string("reloaded dht22 (version 0123456789abcdef)"));
  auto ok = c.Post("/api/plugins/dht22/reload", bearer("s3cret"), "", "text/plain");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(body_json(ok), (json{{"plugin", "dht22"}, {"action", "reload"}, {"result", "reloaded dht22 (version 0123456789abcdef)"}}));
  ASSERT_EQ(control.requests.size(), 1u);
  EXPECT_EQ(control.requests[0].first, "dht22");
  EXPECT_EQ(control.requests[0].second, plugins::AdminAction::reload);
}

// `curl -X POST URL` sends neither a body nor Content-Length: that is an empty body.
TEST_F(ApiTest, APostWithoutContentLengthIsAnsweredNormally) {
  control.statuses = {plugin_status("dht22", PluginState::running)};
  start("t");
  RawConnection raw(server->port());
  ASSERT_TRUE(raw.send("POST /api/plugins/dht22/reload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
                       "Connection: close\r\n\r\n"));
  const std::string response = raw.receive_all();
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_EQ(control.requests.size(), 1u);
  // A body that is announced is read and ignored.
  auto with_body = client().Post("/api/plugins/dht22/enable", bearer("t"), "{\"ignored\": true}", "application/json");
  ASSERT_TRUE(with_body);
  EXPECT_EQ(with_body->status, 200);
}

TEST_F(ApiTest, AReloadedTokenTakesEffectAtOnce) {
  control.statuses = {plugin_status("dht22", PluginState::running)};
  start("old");
  server->set_token("new");
  auto c = client();
  EXPECT_EQ(c.Post("/api/plugins/dht22/reload", bearer("old"), "", "text/plain")->status, 401);
  EXPECT_EQ(c.Post("/api/plugins/dht22/reload", bearer("new"), "", "text/plain")->status, 200);
  server->set_token("");
  EXPECT_EQ(c.Post("/api/plugins/dht22/reload", bearer("new"), "", "text/plain")->status, 403);
}

TEST_F(ApiTest, AdminMapsEveryActionAndOutcome) {
  control.statuses = {plugin_status("dht22", PluginState::running)};
  start("t");
  auto c = client();
  for (auto [text, action] : {std::pair{"rollback", plugins::AdminAction::rollback},
                              std::pair{"enable", plugins::AdminAction::enable},
                              std::pair{"disable", plugins::AdminAction::disable}}) {
    auto r = c.Post(std::string("/api/plugins/dht22/") + text, bearer("t"), "", "text/plain");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << text;
    EXPECT_EQ(control.requests.back().second, action) << text;
  }
  auto unknown = c.Post("/api/plugins/ghost/reload", bearer("t"), "", "text/plain");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(body_json(unknown)["error"], "unknown plugin 'ghost'");
  auto bad_action = c.Post("/api/plugins/dht22/explode", bearer("t"), "", "text/plain");
  ASSERT_TRUE(bad_action);
  EXPECT_EQ(bad_action->status, 404);

  control.result = unexpected(plugins::AdminError{plugins::AdminError::Kind::conflict, "dht22 has no previous version"});
  auto conflict = c.Post("/api/plugins/dht22/rollback", bearer("t"), "", "text/plain");
  ASSERT_TRUE(conflict);
  EXPECT_EQ(conflict->status, 409);
  EXPECT_EQ(body_json(conflict), (json{{"error", "dht22 has no previous version"}, {"status", 409}}));

  control.result = unexpected(plugins::AdminError{plugins::AdminError::Kind::not_found, "dht22 was removed"});
  auto gone = c.Post("/api/plugins/dht22/reload", bearer("t"), "", "text/plain");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
}

TEST_F(ApiTest, AdminGives503WhenTheCycleDoesNotAnswer) {
  control.statuses = {plugin_status("dht22", PluginState::running)};
  ServerOptions options;
  options.admin_timeout = 50ms;
  start("t", options);
  control.answer = FakeControl::Answer::never;
  auto r = client().Post("/api/plugins/dht22/reload", bearer("t"), "", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(body_json(r)["error"].get<std::string>().find("did not carry out 'reload' for dht22 within 50 ms"),
            std::string::npos);

  control.answer = FakeControl::Answer::drop;
  auto dropped = client().Post("/api/plugins/dht22/reload", bearer("t"), "", "text/plain");
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->status, 503);
}

TEST_F(ApiTest, HealthReportsTheCycleSensorsAndPlugins) {
  control.statuses = {plugin_status("dht22", PluginState::running), plugin_status("off", PluginState::disabled)};
  start();
  EXPECT_EQ(get_json("/api/health", 503)["reasons"], (json{"cycle: no cycle has run yet"}));

  server->on_cycle(snapshot(1, epoch_ms(kT0), 20.0));
  const json j = get_json("/api/health");
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["reasons"], json::array());
  EXPECT_EQ(j["cycle"]["last_cycle"], 1);
  EXPECT_EQ(j["cycle"]["limit_ms"], 4000);  // 3 x 1000 ms + 1 s slack
  EXPECT_TRUE(j["sensors"]["ok"].get<bool>());
  EXPECT_TRUE(j["plugins"]["ok"].get<bool>());  // disabled is not a fault

  steady_ms += 4001;  // the cycle went quiet
  EXPECT_EQ(get_json("/api/health", 503)["reasons"], (json{"cycle: the last cycle (1) is 4001 ms old, more than 4000 ms"}));
}

TEST_F(ApiTest, HealthNamesFailingSensorsAndPlugins) {
  auto failing = plugin_status("dht22", PluginState::backing_off);
  failing.last_error = "out of fuel";
  control.statuses = {failing};
  start();
  auto s = std::make_shared<cycle::CycleSnapshot>(*snapshot(1, epoch_ms(kT0), 20.0));
  s->readings.push_back(io::error_reading("bme680", io::ReadingSource::i2c, epoch_ms(kT0), "no ACK at 0x76"));
  server->on_cycle(s);
  const json j = get_json("/api/health", 503);
  EXPECT_EQ(j["status"], "unhealthy");
  EXPECT_EQ(j["reasons"], (json{"sensor bme680: error (no ACK at 0x76)", "plugin dht22: backing_off (out of fuel)"}));
  EXPECT_EQ(j["sensors"]["failing"][0]["sensor"], "bme680");
  EXPECT_EQ(j["plugins"]["failing"][0]["state"], "backing_off");
  EXPECT_TRUE(j["cycle"]["ok"].get<bool>());
}

TEST_F(ApiTest, ThePageIsTheDashboardPluginsOrAFallbackWithANotice) {
  auto dashboard = plugin_status("dashboard", PluginState::backing_off, "dashboard");
  dashboard.last_error = "trap: out of bounds memory access";
  control.statuses = {dashboard};
  start();
  auto fallback = client().Get("/");
  ASSERT_TRUE(fallback);
  EXPECT_EQ(fallback->status, 200);
  EXPECT_EQ(fallback->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(fallback->body.find("The dashboard plugin is backing_off: trap: out of bounds memory access"),
            std::string::npos);

  control.html = std::make_shared<const std::string>("<html><body>rendered by the plugin</body></html>");
  auto page = client().Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->body, "<html><body>rendered by the plugin</body></html>");
}

TEST_F(ApiTest, TheFallbackSaysWhenNoDashboardIsConfigured) {
  start("", {}, /*with_control=*/false);
  auto page = client().Get("/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("The dashboard plugin is not configured."), std::string::npos);
}

TEST_F(ApiTest, AssetsAreServedWithAnETagAndRevalidated) {
  start();
  auto js = client().Get("/assets/dashboard.js");
  ASSERT_TRUE(js);
  ASSERT_EQ(js->status, 200);
  EXPECT_NE(js->get_header_value("Content-Type").find("javascript"), std::string::npos);
  EXPECT_EQ(js->get_header_value("Cache-Control"), "no-cache");
  const std::string etag = js->get_header_value("ETag");
  ASSERT_EQ(etag.size(), 18u);
  auto again = client().Get("/assets/dashboard.js", {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
}

TEST_F(ApiTest, UnknownAssetsAre404) {
  start();
  EXPECT_EQ(get_json("/assets/does-not-exist.js", 404)["error"], "no such asset: /assets/does-not-exist.js");
}

TEST_F(ApiTest, StopIsIdempotentAndTheServerNoLongerAnswers) {
  start();
  const auto port = server->port();
  server->stop();
  server->stop();
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1s);
  EXPECT_FALSE(c.Get("/api/health"));
}

}  // namespace
}  // namespace sensorhost::web::testing
