// The event log behind /api/events: ids, lazy rendering, drop-oldest for slow readers.
#include "web/events.hpp"

#include <gtest/gtest.h>

namespace sensorhost::web {
namespace {

using namespace std::chrono_literals;

TEST(EventLog, FormatsServerSentEvents) {
  EXPECT_EQ(format_sse(7, "reading", "{\"a\":1}"), "id: 7\nevent: reading\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(format_sse(8, "plugin", "two\nlines"), "id: 8\nevent: plugin\ndata: two\ndata: lines\n\n");
}

TEST(EventLog, DeliversEventsAfterTheCursorInOrder) {
  EventLog log(8);
  std::uint64_t cursor = 0;
  log.publish("reading", [] { return "1"; });
  log.publish("plugin", [] { return "2"; });
  auto batch = log.wait_after(cursor, 0ms);
  ASSERT_EQ(batch.events.size(), 2u);
  EXPECT_EQ(batch.events[0]->wire(), "id: 1\nevent: reading\ndata: 1\n\n");
  EXPECT_EQ(batch.events[1]->id(), 2u);
  EXPECT_EQ(batch.dropped, 0u);
  EXPECT_EQ(cursor, 2u);
  EXPECT_TRUE(log.wait_after(cursor, 0ms).events.empty());  // nothing new: times out empty
  EXPECT_EQ(log.latest("reading")->id(), 1u);
  EXPECT_EQ(log.latest("nothing"), nullptr);
}

TEST(EventLog, RendersEachEventOnceForAllClients) {
  EventLog log;
  int renders = 0;
  log.publish("reading", [&] { return std::to_string(++renders); });
  std::uint64_t a = 0, b = 0;
  const auto first = log.wait_after(a, 0ms).events[0]->wire();
  const auto second = log.wait_after(b, 0ms).events[0]->wire();
  EXPECT_EQ(first, second);
  EXPECT_EQ(renders, 1);
}

TEST(EventLog, ASlowClientLosesTheOldestEventsOnly) {
  EventLog log(4);
  std::uint64_t cursor = 0;
  for (int i = 1; i <= 10; ++i) log.publish("reading", [i] { return std::to_string(i); });
  auto batch = log.wait_after(cursor, 0ms);
  EXPECT_EQ(batch.dropped, 6u);
  ASSERT_EQ(batch.events.size(), 4u);
  EXPECT_EQ(batch.events.front()->id(), 7u);
  EXPECT_EQ(batch.events.back()->id(), 10u);
}

TEST(EventLog, CloseWakesWaitingWriters) {
  EventLog log;
  std::uint64_t cursor = 0;
  std::thread closer([&] { log.close(); });
  auto batch = log.wait_after(cursor, 60s);  // returns at close, not after a minute
  closer.join();
  EXPECT_TRUE(batch.closed);
}

}  // namespace
}  // namespace sensorhost::web
