// The DHT22 driver around the decoder: pacing, bounded retries, counts, the simulated
// wire (waveform generator + real decoder), and the kernel IIO backend on a temp folder.
#include <gtest/gtest.h>

#include <deque>

#include "sensors/dht22_driver.hpp"
#include "sensors/dht22_iio.hpp"
#include "sensors/dht22_waveform.hpp"
#include "sensors/sim_dht22.hpp"
#include "sensors/sim_drivers.hpp"
#include "sensors/test_support.hpp"

namespace sensorhost::sensors {
namespace {

using testing::expect_has;

using namespace std::chrono_literals;
using testing::TempTree;

const io::WallTime kT0 = io::WallTime(std::chrono::seconds(1'700'000'000));

// Answers from a script; counts how often it was asked.
class ScriptedSource final : public Dht22Source {
 public:
  std::deque<Expected<Dht22Frame, std::string>> script;
  int calls = 0;
  Expected<Dht22Frame, std::string> sample(io::WallTime) override {
    ++calls;
    auto next = script.front();
    if (script.size() > 1) script.pop_front();
    return next;
  }
  io::ReadingSource source() const override { return io::ReadingSource::gpiod; }
  std::string describe() const override { return "script"; }
};

Dht22Frame frame(double h, double t) { return frame_from_bytes(encode_dht22(h, t)); }

struct DriverWithScript {
  ScriptedSource* source;
  std::unique_ptr<Dht22Driver> driver;
};

DriverWithScript make_driver(std::deque<Expected<Dht22Frame, std::string>> script, Dht22DriverOptions options = {}) {
  auto source = std::make_unique<ScriptedSource>();
  source->script = std::move(script);
  auto* raw = source.get();
  return {raw, std::make_unique<Dht22Driver>(std::move(source), options)};
}

TEST(Dht22Driver, ReadingCarriesValuesUnitsTimeSourceStatus) {
  auto [source, driver] = make_driver({frame(45.5, -3.2)});
  const auto r = driver->read(kT0);
  EXPECT_EQ(r.sensor, "dht22");
  EXPECT_EQ(r.status, io::ReadingStatus::ok);
  EXPECT_EQ(r.source, io::ReadingSource::gpiod);
  EXPECT_EQ(r.time, kT0);
  ASSERT_NE(r.find("temperature"), nullptr);
  EXPECT_DOUBLE_EQ(r.find("temperature")->value, -3.2);
  EXPECT_EQ(r.find("temperature")->unit, "C");
  EXPECT_DOUBLE_EQ(r.find("humidity")->value, 45.5);
  EXPECT_EQ(r.find("humidity")->unit, "%RH");
}

TEST(Dht22Driver, AtMostOneSensorReadPerTwoSeconds) {
  auto [source, driver] = make_driver({frame(40.0, 20.0), frame(41.0, 21.0)});
  EXPECT_EQ(driver->read(kT0).find("humidity")->value, 40.0);
  const auto again = driver->read(kT0 + 1999ms);  // too soon: the previous sample, sensor untouched
  EXPECT_EQ(source->calls, 1);
  EXPECT_EQ(again.time, kT0);
  EXPECT_EQ(driver->read(kT0 + 2s).find("humidity")->value, 41.0);
  EXPECT_EQ(source->calls, 2);
  // A wall clock stepping backwards does not lock the sensor out.
  driver->read(kT0 - 1h);
  EXPECT_EQ(source->calls, 3);
}

TEST(Dht22Driver, CadenceIsNeverBelowTwoSeconds) {
  Dht22DriverOptions o;
  o.cadence = 500ms;
  o.retry_gap = 100ms;
  auto [source, driver] = make_driver({frame(40.0, 20.0)}, o);
  EXPECT_EQ(driver->cadence(), 2000ms);
}

TEST(Dht22Driver, RetriesAreBoundedAndTwoSecondsApart) {
  Dht22DriverOptions o;
  o.cadence = 10s;
  o.retry_gap = 2s;
  o.max_retries = 2;
  auto [source, driver] = make_driver({unexpected(std::string("checksum mismatch"))}, o);
  EXPECT_EQ(driver->cadence(), 10s);
  auto t = kT0;
  auto r = driver->read(t);
  EXPECT_EQ(r.status, io::ReadingStatus::error);
  EXPECT_EQ(r.error, "checksum mismatch");
  EXPECT_EQ(driver->cadence(), 2s);  // retry 1
  driver->read(t += driver->cadence());
  EXPECT_EQ(driver->cadence(), 2s);  // retry 2
  driver->read(t += driver->cadence());
  EXPECT_EQ(driver->cadence(), 10s);  // retries used up: back to the normal cadence
  driver->read(t += driver->cadence());
  EXPECT_EQ(driver->cadence(), 2s);  // a new scheduled sample gets its retries again
  EXPECT_EQ(source->calls, 4);
  EXPECT_EQ(driver->stats().failures, 4u);
  EXPECT_EQ(driver->stats().successes, 0u);
  EXPECT_EQ(driver->stats().last_error, "checksum mismatch");
}

TEST(Dht22Driver, SuccessEndsTheRetriesAndIsCounted) {
  Dht22DriverOptions o;
  o.cadence = 6s;
  auto [source, driver] = make_driver({unexpected(std::string("timeout")), frame(50.0, 25.0)}, o);
  driver->read(kT0);
  EXPECT_EQ(driver->cadence(), 2s);
  EXPECT_EQ(driver->read(kT0 + 2s).status, io::ReadingStatus::ok);
  EXPECT_EQ(driver->cadence(), 6s);
  EXPECT_EQ(driver->stats().successes, 1u);
  EXPECT_EQ(driver->stats().failures, 1u);
}

// The simulated DHT22 is the waveform generator feeding the real decoder.
TEST(SimDht22, ValuesFollowTheEnvironmentThroughTheRealDecoder) {
  auto env = std::make_shared<const SimEnvironment>(42);
  auto driver = make_sim_dht22(env, 0.0);
  for (int i = 0; i < 300; ++i) {
    const auto t = kT0 + std::chrono::seconds(2 * i);
    const auto r = driver->read(t);
    ASSERT_EQ(r.status, io::ReadingStatus::ok) << r.error;
    EXPECT_EQ(r.source, io::ReadingSource::sim);
    EXPECT_NEAR(r.find("temperature")->value, env->at(t).temperature_c, 0.05 + 1e-9);
    EXPECT_NEAR(r.find("humidity")->value, env->at(t).humidity_rh, 0.05 + 1e-9);
  }
}

TEST(SimDht22, FailureRateGivesChecksumErrorsNeverWrongValues) {
  auto env = std::make_shared<const SimEnvironment>(7);
  auto driver = make_sim_dht22(env, 0.3);
  int failures = 0;
  const int reads = 1000;
  for (int i = 0; i < reads; ++i) {
    const auto t = kT0 + std::chrono::seconds(2 * i);
    const auto r = driver->read(t);
    if (r.status != io::ReadingStatus::ok) {
      ++failures;
      expect_has(r.error, "checksum");
      continue;
    }
    EXPECT_NEAR(r.find("temperature")->value, env->at(t).temperature_c, 0.05 + 1e-9);
  }
  EXPECT_GT(failures, reads * 0.25);
  EXPECT_LT(failures, reads * 0.35);
  EXPECT_EQ(driver->stats().failures, static_cast<std::uint64_t>(failures));
}

TEST(SimDht22, DeterministicGivenTheSeed) {
  auto capture = [](std::uint64_t seed) {
    SimEdgeSource source(std::make_shared<const SimEnvironment>(seed), 0.1);
    std::vector<std::int64_t> all;
    for (int i = 0; i < 20; ++i) {
      auto edges = source.capture(kT0 + std::chrono::seconds(2 * i));
      for (const auto& e : *edges) all.push_back(e.t_ns);
    }
    return all;
  };
  EXPECT_EQ(capture(3), capture(3));
  EXPECT_NE(capture(3), capture(4));
}

TEST(Dht22Iio, FindsTheDht11DeviceAndReadsMilliUnits) {
  TempTree tree;
  tree.write("iio:device0/name", "mcp3008\n");
  tree.write("iio:device1/name", "dht11@4\n");
  tree.write("iio:device1/in_temp_input", "-5300\n");
  tree.write("iio:device1/in_humidityrelative_input", "45100\n");
  const auto dir = find_iio_dht(tree.root());
  ASSERT_TRUE(dir);
  EXPECT_EQ(*dir, tree.path("iio:device1"));
  Dht22Driver driver(std::make_unique<IioDht22Source>(*dir));
  const auto r = driver.read(kT0);
  ASSERT_EQ(r.status, io::ReadingStatus::ok) << r.error;
  EXPECT_EQ(r.source, io::ReadingSource::iio);
  EXPECT_DOUBLE_EQ(r.find("temperature")->value, -5.3);
  EXPECT_DOUBLE_EQ(r.find("humidity")->value, 45.1);
}

TEST(Dht22Iio, NoDeviceNoMatch) {
  TempTree tree;
  EXPECT_FALSE(find_iio_dht(tree.root()));
  EXPECT_FALSE(find_iio_dht(tree.path("missing")));
  tree.write("iio:device0/name", "bme680\n");
  EXPECT_FALSE(find_iio_dht(tree.root()));
}

TEST(Dht22Iio, ReadErrorsNameTheFile) {
  TempTree tree;
  tree.write("iio:device0/name", "dht11\n");
  tree.mkdir("iio:device0/in_temp_input");  // read() fails (EISDIR), as EIO would on a failed frame
  tree.write("iio:device0/in_humidityrelative_input", "45100\n");
  Dht22Driver driver(std::make_unique<IioDht22Source>(tree.path("iio:device0")));
  auto r = driver.read(kT0);
  EXPECT_EQ(r.status, io::ReadingStatus::error);
  expect_has(r.error, "in_temp_input");
  EXPECT_EQ(driver.stats().failures, 1u);

  tree.write("iio:device1/name", "dht11\n");
  tree.write("iio:device1/in_temp_input", "21.5\n");
  tree.write("iio:device1/in_humidityrelative_input", "45100\n");
  IioDht22Source bad(tree.path("iio:device1"));
  auto s = bad.sample(kT0);
  ASSERT_FALSE(s);
  expect_has(s.error(), "expected an integer in milli-units");

  tree.write("iio:device2/in_temp_input", "21500\n");
  tree.write("iio:device2/in_humidityrelative_input", "145000\n");
  auto h = IioDht22Source(tree.path("iio:device2")).sample(kT0);
  ASSERT_FALSE(h);
  expect_has(h.error(), "implausible humidity");
}

}  // namespace
}  // namespace sensorhost::sensors
