#include <gtest/gtest.h>

#include <string>

#include "link/topics.hpp"

using namespace sensorhost::link;

TEST(LinkNames, ValidNamesAreLowercaseDigitsUnderscoreAndDash) {
  EXPECT_TRUE(valid_name("dht22"));
  EXPECT_TRUE(valid_name("pi-zero_2"));
  EXPECT_TRUE(valid_name(std::string(64, 'a')));
  EXPECT_FALSE(valid_name(""));
  EXPECT_FALSE(valid_name(std::string(65, 'a')));
  EXPECT_FALSE(valid_name("Dht22"));
  EXPECT_FALSE(valid_name("a b"));
  EXPECT_FALSE(valid_name("a/b"));
  EXPECT_FALSE(valid_name("+"));
  EXPECT_FALSE(valid_name("#"));
  EXPECT_FALSE(valid_name("caf\xc3\xa9"));
  EXPECT_FALSE(valid_name(std::string("a\0b", 3)));
}

TEST(LinkNames, ValidPrefixes) {
  EXPECT_TRUE(valid_prefix("sensorhost"));
  EXPECT_TRUE(valid_prefix("site-1/sensorhost"));
  EXPECT_FALSE(valid_prefix(""));
  EXPECT_FALSE(valid_prefix("/sensorhost"));
  EXPECT_FALSE(valid_prefix("sensorhost/"));
  EXPECT_FALSE(valid_prefix("a//b"));
  EXPECT_FALSE(valid_prefix("sensor+host"));
  EXPECT_FALSE(valid_prefix("sensorhost/#"));
  EXPECT_FALSE(valid_prefix("$SYS"));
  EXPECT_FALSE(valid_prefix(std::string("a\0b", 3)));
  EXPECT_FALSE(valid_prefix(std::string(129, 'a')));
}

TEST(LinkTopics, BuildersFollowTheContract) {
  const Topics topics("sensorhost");
  EXPECT_EQ(topics.status("sat1"), "sensorhost/sat1/status");
  EXPECT_EQ(topics.info("sat1"), "sensorhost/sat1/info");
  EXPECT_EQ(topics.reading("sat1", "dht22"), "sensorhost/sat1/reading/dht22");
  EXPECT_EQ(topics.plugin("sat1", "pi-monitor"), "sensorhost/sat1/plugin/pi-monitor");
  EXPECT_EQ(topics.leds("sat1"), "sensorhost/sat1/leds");
  EXPECT_EQ(topics.node_filter("sat1"), "sensorhost/sat1/#");
}

TEST(LinkTopics, HubFilters) {
  const Topics topics("site/sensorhost");
  EXPECT_EQ(topics.hub_filters({"*"}), std::vector<std::string>{"site/sensorhost/+/#"});
  EXPECT_EQ(topics.hub_filters({"a", "*"}), std::vector<std::string>{"site/sensorhost/+/#"});
  EXPECT_EQ(topics.hub_filters({"a", "b", "a", "Bad Name"}),
            (std::vector<std::string>{"site/sensorhost/a/#", "site/sensorhost/b/#"}));
  EXPECT_TRUE(topics.hub_filters({}).empty());
}

TEST(LinkTopics, EveryBuiltTopicParsesBack) {
  const Topics topics("site/sensorhost");
  const auto check = [&](const std::string& topic, ParsedTopic expected) {
    const auto parsed = parse_topic("site/sensorhost", topic);
    ASSERT_TRUE(parsed) << topic;
    EXPECT_EQ(*parsed, expected) << topic;
  };
  check(topics.status("sat1"), {"sat1", TopicKind::status, ""});
  check(topics.info("sat1"), {"sat1", TopicKind::info, ""});
  check(topics.reading("sat1", "dht22"), {"sat1", TopicKind::reading, "dht22"});
  check(topics.plugin("sat1", "pi-monitor"), {"sat1", TopicKind::plugin, "pi-monitor"});
  check(topics.leds("sat1"), {"sat1", TopicKind::leds, ""});
}

TEST(LinkTopics, MalformedTopicsAreRefused) {
  const char* bad[] = {
      "",
      "sensorhost",
      "sensorhost/",
      "other/sat1/status",
      "sensorhostx/sat1/status",
      "sensorhost/sat1",
      "sensorhost/sat1/",
      "sensorhost//status",
      "sensorhost/sat1/status/extra",
      "sensorhost/sat1/info/x",
      "sensorhost/sat1/leds/",
      "sensorhost/sat1/reading",
      "sensorhost/sat1/reading/",
      "sensorhost/sat1/reading/dht22/extra",
      "sensorhost/sat1/reading/dht22/",
      "sensorhost/sat1/plugin",
      "sensorhost/sat1/unknown",
      "sensorhost/Sat1/status",
      "sensorhost/+/status",
      "sensorhost/#",
      "sensorhost/sat1/#",
      "sensorhost/sat1/reading/+",
      "sensorhost/sat1/reading/dht 22",
      "/sensorhost/sat1/status",
  };
  for (const char* topic : bad) EXPECT_FALSE(parse_topic("sensorhost", topic)) << topic;
  EXPECT_FALSE(parse_topic("sensorhost", "sensorhost/" + std::string(65, 'a') + "/status"));
  EXPECT_FALSE(parse_topic("sensorhost", "sensorhost/sat1/reading/" + std::string(65, 'a')));
  EXPECT_FALSE(parse_topic("sensorhost", "sensorhost/sat1/reading/a" + std::string(10000, '/')));
  EXPECT_FALSE(parse_topic("", "/sat1/status"));
}

TEST(LinkTopics, KindNames) {
  EXPECT_EQ(to_string(TopicKind::status), "status");
  EXPECT_EQ(to_string(TopicKind::reading), "reading");
  EXPECT_EQ(to_string(TopicKind::leds), "leds");
}
