#include "plugins/supervisor.hpp"

#include <gtest/gtest.h>

namespace sensorhost::plugins {
namespace {

using namespace std::chrono_literals;
using Clock = Supervisor::Clock;

TEST(Supervisor, ParksAfterRepeatedTrapsAndDoublesTheBackoff) {
  Supervisor s;
  const Clock::time_point t0{};
  EXPECT_FALSE(s.on_trap(t0));
  EXPECT_FALSE(s.on_trap(t0));
  EXPECT_TRUE(s.on_trap(t0));
  EXPECT_TRUE(s.parked());
  EXPECT_EQ(s.current_backoff(), 1s);
  EXPECT_FALSE(s.restart_due(t0 + 999ms));
  EXPECT_TRUE(s.restart_due(t0 + 1s));

  s.on_restarted(t0 + 1s);
  EXPECT_FALSE(s.parked());
  for (int i = 0; i < 3; ++i) s.on_trap(t0 + 1s);
  EXPECT_EQ(s.current_backoff(), 2s);
  s.on_restart_failed(t0 + 3s);
  EXPECT_EQ(s.current_backoff(), 4s);
  EXPECT_EQ(s.parked_until(), t0 + 7s);
}

TEST(Supervisor, BackoffStopsAtItsMaximum) {
  Supervisor s;
  Clock::time_point now{};
  for (int i = 0; i < 3; ++i) s.on_trap(now);
  for (int i = 0; i < 10; ++i) s.on_restart_failed(now);
  EXPECT_EQ(s.current_backoff(), 60s);
}

TEST(Supervisor, ASuccessBetweenTrapsStartsTheCountOver) {
  Supervisor s;
  const Clock::time_point t0{};
  s.on_trap(t0);
  s.on_trap(t0);
  s.on_success(t0);
  EXPECT_FALSE(s.on_trap(t0));
  EXPECT_EQ(s.consecutive_failures(), 1u);
}

TEST(Supervisor, RunningCleanForTheLongestBackoffResetsIt) {
  Supervisor s;
  const Clock::time_point t0{};
  for (int i = 0; i < 3; ++i) s.on_trap(t0);
  s.on_restarted(t0 + 1s);
  s.on_success(t0 + 61s);
  for (int i = 0; i < 3; ++i) s.on_trap(t0 + 62s);
  EXPECT_EQ(s.current_backoff(), 1s);
}

}  // namespace
}  // namespace sensorhost::plugins
