// History rings: slot sizing, merging, wrap-around, downsampling; /api/history over HTTP.
#include "web/history.hpp"

#include "web_test_support.hpp"

namespace sensorhost::web::testing {
namespace {

using nlohmann::json;

std::shared_ptr<const std::vector<io::SensorReading>> shared(std::vector<io::SensorReading> readings) {
  return std::make_shared<const std::vector<io::SensorReading>>(std::move(readings));
}

TEST(SeriesRing, MergesSamplesWithinASlotAndKeepsMinMaxAverage) {
  SeriesRing ring(10, 1000);
  ring.append(0, 1.0);
  ring.append(400, 3.0);  // same slot
  ring.append(1000, 10.0);
  std::size_t group = 0;
  auto points = ring.query(0, 5000, 500, group);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(group, 1u);
  EXPECT_EQ(points[0].t_ms, 0);
  EXPECT_DOUBLE_EQ(points[0].avg, 2.0);
  EXPECT_DOUBLE_EQ(points[0].min, 1.0);
  EXPECT_DOUBLE_EQ(points[0].max, 3.0);
  EXPECT_EQ(points[0].samples, 2u);
  EXPECT_DOUBLE_EQ(points[1].avg, 10.0);
}

TEST(SeriesRing, OverwritesTheOldestSlotsWhenFull) {
  SeriesRing ring(4, 10);
  for (int i = 0; i < 7; ++i) ring.append(i * 10, i);
  EXPECT_EQ(ring.size(), 4u);
  std::size_t group = 0;
  auto points = ring.query(0, 1000, 500, group);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points.front().t_ms, 30);
  EXPECT_EQ(points.back().t_ms, 60);
}

TEST(SeriesRing, QueriesATimeWindow) {
  SeriesRing ring(100, 10);
  for (int i = 0; i < 50; ++i) ring.append(i * 10, i);
  std::size_t group = 0;
  auto points = ring.query(105, 200, 500, group);
  ASSERT_EQ(points.size(), 11u);  // slots 100 (covers 105), 110 ... 200
  EXPECT_EQ(points.front().t_ms, 100);
  EXPECT_EQ(points.back().t_ms, 200);
}

TEST(SeriesRing, DownsamplesLongRangesByMergingRuns) {
  SeriesRing ring(5000, 10);
  for (int i = 0; i < 2000; ++i) ring.append(i * 10, i % 2 == 0 ? 1.0 : 3.0);
  std::size_t group = 0;
  auto points = ring.query(0, 100'000, 500, group);
  EXPECT_EQ(group, 4u);
  ASSERT_EQ(points.size(), 500u);
  for (const auto& p : points) {
    EXPECT_DOUBLE_EQ(p.avg, 2.0);
    EXPECT_DOUBLE_EQ(p.min, 1.0);
    EXPECT_DOUBLE_EQ(p.max, 3.0);
    EXPECT_EQ(p.samples, 4u);
  }
  EXPECT_EQ(points[1].t_ms, 40);
  ring.query(0, 100'000, 3, group);
  EXPECT_EQ(group, 667u);  // ceil(2000 / 3): never more points than asked
}

TEST(History, SizesTheRingFromRetentionAndInterval) {
  History fine(std::chrono::minutes(10), std::chrono::milliseconds(250));
  EXPECT_EQ(fine.capacity(), 2401u);
  EXPECT_EQ(fine.slot_ms(), 250);
  History coarse(std::chrono::hours(24), std::chrono::milliseconds(2000));
  EXPECT_EQ(coarse.capacity(), History::kMaxSlots);  // bounded memory whatever the config
  EXPECT_EQ(coarse.slot_ms(), 8640);
}

TEST(History, RecordsEachSampleOnceAndOnlyGoodOnes) {
  History h(std::chrono::hours(1), std::chrono::milliseconds(100));
  const auto t = epoch_ms(kT0);
  std::vector<io::SensorReading> readings = {io::ok_reading("dht22", io::ReadingSource::sim, t, {{"temperature", 20.0, "C"}})};
  h.record(shared(readings));
  h.record(shared(readings));  // the same sample seen by the next cycle
  readings[0].status = io::ReadingStatus::stale;
  readings[0].time = epoch_ms(kT0 + 500);
  h.record(shared(readings));
  h.record(shared({io::error_reading("bme680", io::ReadingSource::i2c, t, "no ACK")}));
  auto series = h.query({"dht22", std::nullopt, kT0 - 1000, kT0 + 1000, 500});
  ASSERT_TRUE(series);
  ASSERT_EQ(series->size(), 1u);
  EXPECT_EQ((*series)[0].unit, "C");
  ASSERT_EQ((*series)[0].points.size(), 1u);
  EXPECT_EQ((*series)[0].points[0].samples, 1u);
  auto bme = h.query({"bme680", std::nullopt, 0, kT0 + 1000, 500});
  ASSERT_TRUE(bme);  // known sensor, no good sample yet
  EXPECT_TRUE(bme->empty());
  EXPECT_EQ(h.query({"bme680", std::string("pressure"), 0, kT0, 500}).error(), "sensor 'bme680' has no quantity 'pressure'");
  EXPECT_EQ(h.query({"sht31", std::nullopt, 0, kT0, 500}).error(), "unknown sensor 'sht31'");
}

// Queries running against the cycle: samples recorded while a query holds the rings are
// parked and folded in later, none lost and the order kept.
TEST(History, RecordingDuringQueriesLosesNothing) {
  History h(std::chrono::hours(2), std::chrono::milliseconds(1000));  // 7201 slots of 1 s
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) h.query({"dht22", std::nullopt, 0, kT0 + 5'000'000, 500});
  });
  constexpr int kSamples = 5000;
  for (int i = 0; i < kSamples; ++i)
    h.record(shared({io::ok_reading("dht22", io::ReadingSource::sim, epoch_ms(kT0 + 1000LL * i), {{"temperature", 1.0 * i, "C"}})}));
  done = true;
  reader.join();
  auto series = h.query({"dht22", std::string("temperature"), 0, kT0 + 5'000'000, 5000});
  ASSERT_TRUE(series);
  const auto& points = (*series)[0].points;
  ASSERT_EQ(points.size(), static_cast<std::size_t>(kSamples));
  for (int i = 0; i < kSamples; ++i) ASSERT_DOUBLE_EQ(points[i].avg, 1.0 * i);
}

class HistoryApiTest : public ServerFixture {
 protected:
  // One sample a second for `n` seconds, ending at the fixture's "now".
  void feed(int n) {
    for (int i = 0; i < n; ++i) {
      const std::int64_t t = kT0 - (n - 1 - i) * 1000LL;
      server->on_cycle(snapshot(static_cast<std::uint64_t>(i + 1), epoch_ms(t), 20.0 + (i % 10), 40.0));
    }
  }
};

TEST_F(HistoryApiTest, ReturnsEverySeriesOfASensor) {
  start();
  feed(5);
  const json j = get_json("/api/history?sensor=dht22");
  EXPECT_EQ(j["sensor"], "dht22");
  EXPECT_EQ(j["until_ms"], kT0);
  EXPECT_EQ(j["since_ms"], kT0 - 3'600'000);
  EXPECT_EQ(j["max_points"], 500);
  ASSERT_EQ(j["series"].size(), 2u);
  EXPECT_EQ(j["series"][0]["quantity"], "humidity");
  EXPECT_EQ(j["series"][1]["quantity"], "temperature");
  EXPECT_EQ(j["series"][1]["unit"], "C");
  EXPECT_EQ(j["series"][1]["group"], 1);
  ASSERT_EQ(j["series"][1]["points"].size(), 5u);
  EXPECT_EQ(j["series"][1]["points"][4], (json{{"t", kT0}, {"avg", 24.0}, {"min", 24.0}, {"max", 24.0}, {"n", 1}}));
}

TEST_F(HistoryApiTest, FiltersByQuantityAndRelativeSince) {
  start();
  feed(100);
  const json j = get_json("/api/history?sensor=dht22&quantity=temperature&since=-10s");
  EXPECT_EQ(j["since_ms"], kT0 - 10'000);
  ASSERT_EQ(j["series"].size(), 1u);
  EXPECT_EQ(j["series"][0]["points"].size(), 11u);
  const json absolute = get_json("/api/history?sensor=dht22&quantity=temperature&since=" +
                                 std::to_string(kT0 - 4000) + "&until=" + std::to_string(kT0 - 2000));
  EXPECT_EQ(absolute["series"][0]["points"].size(), 3u);
}

TEST_F(HistoryApiTest, DownsamplesLongRangesToAtMost500Points) {
  start();
  feed(3000);
  const json j = get_json("/api/history?sensor=dht22&quantity=temperature&since=-1h");
  const auto& points = j["series"][0]["points"];
  EXPECT_EQ(j["series"][0]["group"], 6);
  EXPECT_EQ(points.size(), 500u);
  EXPECT_DOUBLE_EQ(points[0]["min"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(points[0]["max"].get<double>(), 25.0);
  EXPECT_DOUBLE_EQ(points[0]["avg"].get<double>(), 22.5);
  EXPECT_EQ(get_json("/api/history?sensor=dht22&quantity=temperature&points=100")["series"][0]["points"].size(), 100u);
}

TEST_F(HistoryApiTest, BadParametersAre400AndUnknownSeries404) {
  start();
  feed(2);
  const std::pair<const char*, int> cases[] = {
      {"/api/history", 400},
      {"/api/history?sensor=dht22&since=yesterday", 400},
      {"/api/history?sensor=dht22&since=-5parsecs", 400},
      {"/api/history?sensor=dht22&until=-", 400},
      {"/api/history?sensor=dht22&since=-1s&until=-1h", 400},
      {"/api/history?sensor=dht22&points=1", 400},
      {"/api/history?sensor=dht22&points=lots", 400},
      {"/api/history?sensor=sht31", 404},
      {"/api/history?sensor=dht22&quantity=pressure", 404},
  };
  for (const auto& [path, status] : cases) EXPECT_EQ(get_json(path, status)["status"], status) << path;
  EXPECT_EQ(get_json("/api/history", 400)["error"], "sensor: missing (e.g. /api/history?sensor=dht22)");
  EXPECT_EQ(get_json("/api/history?sensor=dht22&since=yesterday", 400)["error"],
            "since: expected milliseconds since the epoch or a relative time like -90s, -30min, -1h, -2d; found "
            "'yesterday'");
  EXPECT_EQ(get_json("/api/history?sensor=sht31", 404)["error"], "unknown sensor 'sht31'");
}

}  // namespace
}  // namespace sensorhost::web::testing
