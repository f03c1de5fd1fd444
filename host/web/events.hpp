#pragma once
// The live event stream behind /api/events (Server-Sent Events).
//
// Producers (the cycle thread for readings, the plugin runtime for plugin events) append
// to one bounded ring and wake the writers; that is all they do, whatever the number of
// clients. Each SSE client keeps its own cursor (the id of the last event it sent) and
// copies what it has not sent yet: the ring is, for every client, a bounded queue that
// drops the oldest events when the client falls more than `capacity` events behind.
// A reading event is turned into JSON once, by the first writer that needs it, never on
// the cycle thread.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sensorhost::web {

class StreamEvent {
 public:
  StreamEvent(std::uint64_t id, std::string name, std::function<std::string()> render)
      : id_(id), name_(std::move(name)), render_(std::move(render)) {}

  std::uint64_t id() const { return id_; }
  const std::string& name() const { return name_; }
  // "id: N\nevent: NAME\ndata: JSON\n\n"; rendered on first use, shared by every client.
  const std::string& wire() const;

 private:
  std::uint64_t id_;
  std::string name_;
  std::function<std::string()> render_;
  mutable std::once_flag once_;
  mutable std::string wire_;
};

class EventLog {
 public:
  explicit EventLog(std::size_t capacity = 64) : capacity_(capacity) {}

  // Never blocks beyond a short lock; any thread.
  void publish(std::string name, std::function<std::string()> render);

  struct Batch {
    std::vector<std::shared_ptr<const StreamEvent>> events;  // oldest first
    std::uint64_t dropped = 0;  // events this client missed because it was too slow
    bool closed = false;        // close() was called: end the stream
  };
  // The events after `cursor`, waiting up to `timeout` for one to arrive. Advances `cursor`.
  Batch wait_after(std::uint64_t& cursor, std::chrono::milliseconds timeout) const;
  // The id of the newest event (0: none yet) and the newest event named `name`.
  std::uint64_t last_id() const;
  std::shared_ptr<const StreamEvent> latest(const std::string& name) const;

  // Wakes every waiting writer for good (server stop).
  void close();

 private:
  Batch collect(std::uint64_t& cursor) const;

  std::size_t capacity_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::deque<std::shared_ptr<const StreamEvent>> ring_;
  std::uint64_t next_id_ = 1;
  bool closed_ = false;
};

// One SSE message: "id: 7\nevent: reading\ndata: {...}\n\n" (data split on newlines).
std::string format_sse(std::uint64_t id, const std::string& name, const std::string& data);

}  // namespace sensorhost::web
