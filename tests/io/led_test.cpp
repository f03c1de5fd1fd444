#include <gtest/gtest.h>

#include "io/led.hpp"

using sensorhost::io::LedBuffer;

TEST(LedBuffer, SetGetAndClear) {
  LedBuffer leds(3);
  EXPECT_TRUE(leds.set(1, true));
  EXPECT_TRUE(leds.get(1));
  EXPECT_FALSE(leds.get(0));
  leds.clear();
  EXPECT_EQ(leds.levels(), (std::vector<bool>{false, false, false}));
}

TEST(LedBuffer, OutOfRangeIndexIsRefused) {
  LedBuffer leds(2);
  EXPECT_FALSE(leds.set(2, true));
  EXPECT_FALSE(leds.get(7));
  EXPECT_EQ(leds.levels(), (std::vector<bool>{false, false}));
}
