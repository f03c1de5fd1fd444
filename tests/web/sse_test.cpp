// Live updates over Server-Sent Events, read over real loopback HTTP.
#include "web_test_support.hpp"

namespace sensorhost::web::testing {
namespace {

using nlohmann::json;

class EventsTest : public ServerFixture {};

TEST_F(EventsTest, StreamsAReadingEveryCycleAndPluginEvents) {
  start();
  // As a browser asks: the stream must still not be compressed (which would buffer it).
  SseReader reader(server->port(), {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_TRUE(reader.wait_for_retry());
  EXPECT_EQ(reader.retry(), "3000");
  EXPECT_EQ(reader.content_type(), "text/event-stream");

  for (std::uint64_t n = 1; n <= 3; ++n) server->on_cycle(snapshot(n, epoch_ms(kT0 + 1000 * static_cast<std::int64_t>(n)), 20.0 + n));
  control.emit({plugins::PluginEvent::Kind::reloaded, "dht22", "reloaded dht22 (version 0123456789abcdef)", kT0 + 3500});
  server->on_cycle(snapshot(4, epoch_ms(kT0 + 4000), 24.0));

  ASSERT_TRUE(reader.wait_for("reading", 4));
  ASSERT_TRUE(reader.wait_for("plugin", 1));
  const auto readings = reader.messages("reading");
  for (std::size_t i = 0; i < readings.size(); ++i) {
    const json data = json::parse(readings[i].data);
    EXPECT_EQ(data["cycle"], i + 1);
    EXPECT_DOUBLE_EQ(data["readings"][0]["values"][0]["value"].get<double>(), 21.0 + static_cast<double>(i));
    EXPECT_EQ(data["leds"], (json{true, false, (i + 1) % 2 == 1}));
  }
  const auto plugin = reader.messages("plugin");
  EXPECT_EQ(json::parse(plugin[0].data),
            (json{{"kind", "reloaded"}, {"plugin", "dht22"}, {"message", "reloaded dht22 (version 0123456789abcdef)"},
                  {"time_ms", kT0 + 3500}}));
  // One id sequence across event kinds, in publication order.
  EXPECT_EQ(readings[2].id, "3");
  EXPECT_EQ(plugin[0].id, "4");
  EXPECT_EQ(readings[3].id, "5");
}

TEST_F(EventsTest, ANewClientGetsTheCurrentReadingAtOnce) {
  start();
  server->on_cycle(snapshot(41, epoch_ms(kT0), 19.5));
  server->on_cycle(snapshot(42, epoch_ms(kT0 + 1000), 19.75));
  SseReader reader(server->port());
  ASSERT_TRUE(reader.wait_for("reading", 1));
  const auto first = reader.messages("reading")[0];
  EXPECT_EQ(first.id, "2");
  EXPECT_EQ(json::parse(first.data)["cycle"], 42);
}

TEST_F(EventsTest, AReconnectingClientResumesAfterLastEventId) {
  start();
  for (std::uint64_t n = 1; n <= 5; ++n) server->on_cycle(snapshot(n, epoch_ms(kT0 + static_cast<std::int64_t>(n)), 20.0));
  SseReader reader(server->port(), {{"Last-Event-ID", "2"}});
  ASSERT_TRUE(reader.wait_for("reading", 3));
  const auto readings = reader.messages("reading");
  ASSERT_EQ(readings.size(), 3u);
  EXPECT_EQ(readings[0].id, "3");
  EXPECT_EQ(readings[2].id, "5");
}

TEST_F(EventsTest, TheNumberOfStreamsIsBounded) {
  ServerOptions options;
  options.max_event_clients = 1;
  start("", options);
  SseReader first(server->port());
  ASSERT_TRUE(first.wait_for_retry());
  SseReader second(server->port());
  EXPECT_EQ(second.wait_status(), 503);
}

TEST_F(EventsTest, StopEndsOpenStreams) {
  start();
  SseReader reader(server->port());
  ASSERT_TRUE(reader.wait_for_retry());
  server->stop();
  EXPECT_TRUE(reader.wait_finished());
}

// A client that asks for the stream and never reads it: the cycle goes on, other
// clients are served, and stop() still returns (the write times out).
TEST_F(EventsTest, AStuckClientDelaysNeitherTheCycleNorOtherClients) {
  ServerOptions options;
  options.io_timeout = 200ms;
  start("", options);
  RawConnection stuck(server->port(), /*receive_buffer=*/4096);
  ASSERT_TRUE(stuck.send("GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n"));

  auto big = std::make_shared<cycle::CycleSnapshot>(*snapshot(1, epoch_ms(kT0), 20.0));
  for (int i = 0; i < 40; ++i) big->readings.push_back(big->readings[0]);
  for (std::uint64_t n = 1; n <= 3000; ++n) {
    auto s = std::make_shared<cycle::CycleSnapshot>(*big);
    s->number = n;
    server->on_cycle(s);
  }
  auto r = client().Get("/api/readings");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["cycle"], 3000);
  server->stop();
}

}  // namespace
}  // namespace sensorhost::web::testing
