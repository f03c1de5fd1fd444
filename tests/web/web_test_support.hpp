#pragma once
// Test doubles and helpers for the web server tests: a PluginControl the test drives,
// snapshot builders, manual clocks, a server on an ephemeral loopback port, and an SSE
// reader that parses the stream as EventSource would.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "web/server.hpp"

namespace sensorhost::web::testing {

using namespace std::chrono_literals;

// A plugin runtime as the control plane sees it, driven by the test.
class FakeControl : public plugins::PluginControl {
 public:
  enum class Answer { immediately, never, drop };

  std::shared_ptr<const std::vector<plugins::PluginStatus>> status() const override {
    std::lock_guard lock(mutex_);
    return std::make_shared<const std::vector<plugins::PluginStatus>>(statuses);
  }
  std::shared_ptr<const std::string> dashboard_html() const override {
    std::lock_guard lock(mutex_);
    return html;
  }
  std::future<plugins::AdminResult> request(const std::string& plugin, plugins::AdminAction action) override {
    std::lock_guard lock(mutex_);
    requests.emplace_back(plugin, action);
    std::promise<plugins::AdminResult> promise;
    auto future = promise.get_future();
    if (answer == Answer::immediately) promise.set_value(result);
    else if (answer == Answer::never) pending_.push_back(std::move(promise));
    return future;  // Answer::drop: the promise dies here (broken_promise)
  }
  std::uint64_t subscribe(std::function<void(const plugins::PluginEvent&)> listener) override {
    std::lock_guard lock(mutex_);
    listeners_[++next_id_] = std::move(listener);
    return next_id_;
  }
  void unsubscribe(std::uint64_t id) override {
    std::lock_guard lock(mutex_);
    listeners_.erase(id);
  }

  void emit(const plugins::PluginEvent& event) {
    std::lock_guard lock(mutex_);
    for (auto& [id, listener] : listeners_) listener(event);
  }
  std::size_t listener_count() const {
    std::lock_guard lock(mutex_);
    return listeners_.size();
  }

  // Set before the server runs (or under no concurrent request).
  std::vector<plugins::PluginStatus> statuses;
  std::shared_ptr<const std::string> html;
  Answer answer = Answer::immediately;
  plugins::AdminResult result{std::string("done")};
  std::vector<std::pair<std::string, plugins::AdminAction>> requests;

 private:
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::function<void(const plugins::PluginEvent&)>> listeners_;
  std::uint64_t next_id_ = 0;
  std::vector<std::promise<plugins::AdminResult>> pending_;
};

inline plugins::PluginStatus plugin_status(std::string name, plugins::PluginState state, std::string role = "sensor-logic") {
  plugins::PluginStatus s;
  s.name = std::move(name);
  s.state = state;
  s.role = std::move(role);
  s.path = "/plugins/" + s.name + ".wasm";
  s.version = "0123456789abcdef";
  s.calls = 10;
  s.failures = 1;
  s.fuel_used_total = 12345;
  s.total_call_duration = 2ms;
  s.last_call_duration = 200us;
  return s;
}

inline io::WallTime epoch_ms(std::int64_t ms) { return io::WallTime(std::chrono::milliseconds(ms)); }

constexpr std::int64_t kT0 = 1'800'000'000'000;  // a fixed wall-clock origin for the tests

// A snapshot with a DHT22 (temperature, humidity) taken at `time` and three LEDs.
inline std::shared_ptr<const cycle::CycleSnapshot> snapshot(std::uint64_t number, io::WallTime time,
                                                             double temperature, double humidity = 45.0) {
  auto s = std::make_shared<cycle::CycleSnapshot>();
  s->number = number;
  s->time = time;
  s->readings.push_back(io::ok_reading("dht22", io::ReadingSource::sim, time,
                                       {{"temperature", temperature, "C"}, {"humidity", humidity, "%RH"}}));
  s->sensor_counters["dht22"] = {number, 1, "checksum mismatch"};
  s->leds = {true, false, number % 2 == 1};
  s->stats.cycles = number;
  s->stats.last_duration = std::chrono::microseconds(300 + 100 * static_cast<int>(number % 5));
  return s;
}

inline io::NodeStatus node_status(std::string name, io::NodeState state, io::WallTime last_seen, bool local = false) {
  io::NodeStatus n;
  n.name = std::move(name);
  n.local = local;
  n.state = state;
  n.last_seen = last_seen;
  return n;
}

// A hub's snapshot: the local node "hub" with a DHT22 (as snapshot() makes it), and the
// remote node "attic" (state `attic`, last heard at `time` - 1.5 s) with a DHT22 and a
// BME680 of its own, whose readings turn stale unless the node is online.
inline std::shared_ptr<const cycle::CycleSnapshot> hub_snapshot(std::uint64_t number, io::WallTime time,
                                                                 double temperature,
                                                                 io::NodeState attic = io::NodeState::online) {
  auto s = std::make_shared<cycle::CycleSnapshot>(*snapshot(number, time, temperature));
  s->node = "hub";
  s->readings[0].node = "hub";
  const auto heard = time - std::chrono::milliseconds(1500);
  auto remote = io::ok_reading("dht22", io::ReadingSource::gpiod, heard, {{"temperature", 17.5, "C"}, {"humidity", 60.0, "%RH"}});
  remote.node = "attic";
  auto bme = io::ok_reading("bme680", io::ReadingSource::i2c, heard, {{"pressure", 1001.0, "hPa"}});
  bme.node = "attic";
  for (auto* r : {&remote, &bme})
    if (attic != io::NodeState::online) {
      r->status = io::ReadingStatus::stale;
      r->error = "node attic is " + std::string(io::to_string(attic));
    }
  s->readings.push_back(std::move(bme));
  s->readings.push_back(std::move(remote));
  s->nodes.push_back(node_status("hub", io::NodeState::online, time, true));
  s->nodes.back().address = "http://hub.local:8080/";
  s->nodes.back().sensors = 1;
  auto attic_status = node_status("attic", attic, heard);
  attic_status.address = "http://attic.local:8080/";
  attic_status.version = "0.2.0";
  attic_status.stale_after = std::chrono::milliseconds(15000);
  attic_status.status_since = epoch_ms(kT0 - 60'000);
  attic_status.sensors = 2;
  attic_status.messages = 42;
  attic_status.rejected = 3;
  attic_status.plugins = {{"dht22", "running", "50a6c23c", "17.5 C cool", 40, 1}};
  attic_status.leds = {false, true};
  s->nodes.push_back(std::move(attic_status));
  return s;
}

// A server on 127.0.0.1, an ephemeral port, with manual clocks.
class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {}
  void TearDown() override {
    if (server) server->stop();
  }

  void start(std::string token = "", ServerOptions options = {}, bool with_control = true) {
    config::WebConfig web;
    web.listen = "127.0.0.1";
    web.port = 0;
    web.token = std::move(token);
    web.history_retention = 1h;
    ServerSources sources;
    sources.plugins = with_control ? &control : nullptr;
    sources.version = "1.2.3-test";
    sources.cycle_interval = 1000ms;
    sources.wall_now = [this] { return epoch_ms(wall_ms.load()); };
    sources.steady_now = [this] { return cycle::SteadyClock::time_point(std::chrono::milliseconds(steady_ms.load())); };
    sources.link_health = link_health;
    server = std::make_unique<Server>(web, std::move(sources), options);
    auto started = server->start();
    ASSERT_TRUE(started) << started.error();
    ASSERT_NE(server->port(), 0);
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(10s);
    return c;
  }

  static nlohmann::json body_json(const httplib::Result& r) { return nlohmann::json::parse(r->body); }

  // GET `path` expecting `status`; the parsed body (null when there was no response).
  nlohmann::json get_json(const std::string& path, int status = 200) const {
    auto r = client().Get(path);
    if (!r) {
      ADD_FAILURE() << path << ": no response (" << httplib::to_string(r.error()) << ")";
      return nullptr;
    }
    EXPECT_EQ(r->status, status) << path << ": " << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json") << path;
    return nlohmann::json::parse(r->body, nullptr, false);
  }

  FakeControl control;
  std::function<link::LinkHealth()> link_health;  // set before start(); null: no link
  std::atomic<std::int64_t> wall_ms{kT0};
  std::atomic<std::int64_t> steady_ms{1'000'000};
  std::unique_ptr<Server> server;
};

// A raw loopback connection, for requests httplib::Client would not send (no
// Content-Length) and clients that never read.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port, int receive_buffer = 0) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  bool send(const std::string& text) {
    return connected_ && ::send(fd_, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size());
  }
  // Everything until the server closes the connection (or 10 s of silence).
  std::string receive_all() {
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd_, buffer, sizeof buffer, 0)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
    return out;
  }

 private:
  int fd_;
  bool connected_ = false;
};

// Reads /api/events on its own thread and parses the messages.
class SseReader {
 public:
  struct Message {
    std::string id, event, data;
  };

  SseReader(std::uint16_t port, httplib::Headers headers = {}) : client_("127.0.0.1", port) {
    client_.set_read_timeout(10s);
    thread_ = std::thread([this, headers] {
      auto result = client_.Get("/api/events", headers, [this](const httplib::Response& r) {
        std::lock_guard lock(mutex_);
        status_ = r.status;
        content_type_ = r.get_header_value("Content-Type");
        changed_.notify_all();
        return true;
      }, [this](const char* data, std::size_t size) {
        feed(std::string(data, size));
        return true;
      });
      std::lock_guard lock(mutex_);
      finished_ = true;
      if (result && status_ == 0) status_ = result->status;
      changed_.notify_all();
    });
  }
  ~SseReader() {
    client_.stop();
    thread_.join();
  }

  // Blocks until `n` messages named `event` arrived (or the stream ended / 10 s passed).
  bool wait_for(const std::string& event, std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return count(event) >= n || finished_; }) && count(event) >= n;
  }
  // Blocks until the stream ended (server stop): true if it did.
  bool wait_finished() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return finished_; });
  }
  bool wait_for_retry() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return !retry_.empty() || finished_; }) && !retry_.empty();
  }
  int wait_status() {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 10s, [&] { return status_ != 0 || finished_; });
    return status_;
  }
  std::vector<Message> messages(const std::string& event) const {
    std::lock_guard lock(mutex_);
    std::vector<Message> out;
    for (const auto& m : messages_)
      if (m.event == event) out.push_back(m);
    return out;
  }
  std::string retry() const {
    std::lock_guard lock(mutex_);
    return retry_;
  }
  std::string content_type() const {
    std::lock_guard lock(mutex_);
    return content_type_;
  }

 private:
  std::size_t count(const std::string& event) const {
    return static_cast<std::size_t>(std::count_if(messages_.begin(), messages_.end(), [&](const auto& m) { return m.event == event; }));
  }
  void feed(const std::string& chunk) {
    std::lock_guard lock(mutex_);
    buffer_ += chunk;
    for (std::size_t end; (end = buffer_.find("\n\n")) != std::string::npos;) {
      parse_block(buffer_.substr(0, end));
      buffer_.erase(0, end + 2);
    }
    changed_.notify_all();
  }
  void parse_block(const std::string& block) {
    Message m;
    std::size_t start = 0;
    while (start <= block.size()) {
      std::size_t nl = block.find('\n', start);
      if (nl == std::string::npos) nl = block.size();
      const std::string line = block.substr(start, nl - start);
      start = nl + 1;
      const auto value = [&](const char* field) { return line.substr(std::string(field).size() + 2); };
      if (line.rfind("id: ", 0) == 0) m.id = value("id");
      else if (line.rfind("event: ", 0) == 0) m.event = value("event");
      else if (line.rfind("data: ", 0) == 0) m.data += (m.data.empty() ? "" : "\n") + value("data");
      else if (line.rfind("retry: ", 0) == 0) retry_ = value("retry");
    }
    if (!m.event.empty()) messages_.push_back(std::move(m));
  }

  httplib::Client client_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string buffer_, retry_, content_type_;
  std::vector<Message> messages_;
  int status_ = 0;
  bool finished_ = false;
};

}  // namespace sensorhost::web::testing
