#include "link/link.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <set>

#include "link/announcer.hpp"
#include "link/hub.hpp"
#include "link/mqtt_client.hpp"
#include "link/publisher.hpp"
#include "platform/log.hpp"

namespace sensorhost::link {

namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A random id per process start: tells two processes that use one node name apart.
std::string make_instance_id(std::mt19937_64& rng) {
  static const char hex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 16; ++i) id += hex[rng() % 16];
  return id;
}

// A topic as it may go into the journal: anything but printable ASCII becomes '?'.
std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c < 0x20 || c > 0x7e) c = '?';
  return out;
}

std::string broker_url(const config::MqttConfig& m) {
  return std::string(m.tls ? "mqtts://" : "mqtt://") + m.host + ":" + std::to_string(m.port);
}

// An eventfd the cycle thread writes to wake the link thread's poll().
class WakeFd {
 public:
  WakeFd() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~WakeFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  WakeFd(const WakeFd&) = delete;
  WakeFd& operator=(const WakeFd&) = delete;
  int fd() const { return fd_; }
  void wake() const {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(fd_, &one, sizeof one);
  }
  void drain() const {
    std::uint64_t count = 0;
    [[maybe_unused]] auto n = ::read(fd_, &count, sizeof count);
  }

 private:
  int fd_;
};

}  // namespace

class Link::Worker {
 public:
  Worker(config::MqttConfig mqtt, std::string node, LinkSources sources, LinkOptions options);

  Expected<Ok, std::string> init();
  void run();
  void request_stop();
  void push(std::shared_ptr<const cycle::CycleSnapshot> snapshot);
  LinkHealth health() const;

 private:
  // Connection life cycle (link thread).
  void attempt_connection(Steady::time_point now);
  void on_connected(int code, const std::string& why);
  void on_disconnected(bool clean, const std::string& why);
  void connection_failed(const std::string& reason);
  void set_state(LinkState state, const std::string& reason, std::int64_t retry_at_ms = 0);
  void expect_wake_at(Steady::time_point when);
  milliseconds next_backoff();

  // Traffic (link thread).
  void on_message(std::string_view topic, std::string_view payload, bool retained);
  void serve_snapshots();
  void publish_all(const std::vector<Outgoing>& messages);
  int publish(const Outgoing& message);
  void subscribe_all();
  void wait_for_events(Steady::time_point now);
  void service_socket(short revents);
  void say_goodbye();

  bool up() const { return state_ == LinkState::up; }
  bool stop_requested() const;

  config::MqttConfig mqtt_;
  std::string broker_;  // "mqtt://host:port", for messages
  std::string node_;
  LinkSources sources_;
  LinkOptions options_;
  std::mt19937_64 rng_;
  std::string instance_;
  WakeFd wake_;
  // Steady-clock time (ns) from which a new snapshot is worth a wake-up: the next heartbeat
  // while up, never while down (a connect takes the newest snapshot then).
  static constexpr std::int64_t never = INT64_MAX;
  std::atomic<std::int64_t> wake_after_ns_{never};

  // Shared with other threads.
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<const cycle::CycleSnapshot>> queue_;
  bool stop_ = false;
  LinkHealth health_;

  // Link thread only.
  std::unique_ptr<MqttClient> client_;
  Publisher publisher_;
  Hub hub_;
  Announcer announcer_;
  LinkState state_ = LinkState::down;
  unsigned failures_ = 0;
  Steady::time_point retry_at_{};
  Steady::time_point attempt_started_{};
  Steady::time_point up_since_{};
  std::string refusal_;      // the broker's CONNACK refusal, reported with the disconnect
  std::string last_logged_;  // the last failure logged (repeats go to debug)
  std::shared_ptr<const cycle::CycleSnapshot> latest_;
  int goodbye_mid_ = -1;
  bool goodbye_acked_ = false;
  std::set<std::string> collisions_logged_;
};

Link::Worker::Worker(config::MqttConfig mqtt, std::string node, LinkSources sources, LinkOptions options)
    : mqtt_(std::move(mqtt)),
      broker_(broker_url(mqtt_)),
      node_(std::move(node)),
      sources_(std::move(sources)),
      options_(options),
      rng_(std::random_device{}()),
      instance_(make_instance_id(rng_)),
      publisher_(PublisherOptions{.prefix = mqtt_.topic_prefix,
                                  .publish_interval = mqtt_.publish_interval,
                                  .info = {.node = node_,
                                           .version = sources_.version,
                                           .dashboard = sources_.dashboard_url,
                                           .publish_interval = mqtt_.publish_interval,
                                           .instance = instance_,
                                           .started = sources_.wall_now()}}),
      hub_(*sources_.image, HubOptions{.prefix = mqtt_.topic_prefix,
                                       .local_node = node_,
                                       .local_instance = instance_,
                                       .local_started = publisher_.info().started,
                                       .subscribe = mqtt_.subscribe,
                                       .default_stale_after = stale_after_for(mqtt_.publish_interval),
                                       .limits = {}}),
      announcer_(AnnouncerOptions{.enabled = mqtt_.home_assistant,
                                  .discovery_prefix = mqtt_.discovery_prefix,
                                  .topic_prefix = mqtt_.topic_prefix,
                                  .node = node_,
                                  .version = sources_.version,
                                  .publish_interval = mqtt_.publish_interval}) {
  health_.state = LinkState::connecting;
  health_.broker = broker_;
  health_.since_ms = to_unix_ms(sources_.wall_now());
}

Expected<Ok, std::string> Link::Worker::init() {
  ClientOptions o;
  o.client_id = mqtt_.client_id;
  o.host = mqtt_.host;
  o.port = mqtt_.port;
  o.keepalive_s = static_cast<int>(mqtt_.keepalive.count());
  o.username = mqtt_.username;
  o.password = mqtt_.password;
  o.tls = mqtt_.tls;
  o.ca_file = mqtt_.ca_file;
  o.cert_file = mqtt_.cert_file;
  o.key_file = mqtt_.key_file;
  o.will_topic = publisher_.offline().topic;
  o.will_payload = publisher_.offline().payload;
  ClientCallbacks callbacks;
  callbacks.connected = [this](int code, const std::string& why) { on_connected(code, why); };
  callbacks.disconnected = [this](bool clean, const std::string& why) { on_disconnected(clean, why); };
  callbacks.message = [this](std::string_view t, std::string_view p, bool r) { on_message(t, p, r); };
  callbacks.published = [this](int mid) { goodbye_acked_ = goodbye_acked_ || mid == goodbye_mid_; };
  auto client = MqttClient::create(o, std::move(callbacks));
  if (!client) return unexpected(client.error());
  client_ = std::move(*client);
  return Ok{};
}

bool Link::Worker::stop_requested() const {
  std::lock_guard lock(mutex_);
  return stop_;
}

void Link::Worker::request_stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.wake();
}

void Link::Worker::push(std::shared_ptr<const cycle::CycleSnapshot> snapshot) {
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    // Not connected: only the newest snapshot matters (the connect publishes it), and
    // replacing the older ones is no loss worth counting.
    if (wake_after_ns_.load(std::memory_order_relaxed) == never) queue_.clear();
    was_empty = queue_.empty();
    if (queue_.size() >= options_.queue_capacity) {
      queue_.pop_front();
      ++health_.dropped;
    }
    queue_.push_back(std::move(snapshot));
  }
  // Waking a thread costs a system call and a few microseconds of the cycle's time, so the
  // cycle wakes the link only when a heartbeat is due; state changes in between are picked
  // up by the link's own check every change_check.
  const auto now_ns = Steady::now().time_since_epoch().count();
  if (was_empty && now_ns >= wake_after_ns_.load(std::memory_order_relaxed)) wake_.wake();
}

LinkHealth Link::Worker::health() const {
  std::lock_guard lock(mutex_);
  return health_;
}

void Link::Worker::expect_wake_at(Steady::time_point when) {
  wake_after_ns_.store(when.time_since_epoch().count(), std::memory_order_relaxed);
}

void Link::Worker::set_state(LinkState state, const std::string& reason, std::int64_t retry_at_ms) {
  state_ = state;
  // Up: the next snapshot is wanted at once (the connect publishes everything); otherwise
  // snapshots only wait in the queue for the next connect.
  expect_wake_at(state == LinkState::up ? Steady::time_point{} : Steady::time_point(Steady::duration(never)));
  std::lock_guard lock(mutex_);
  if (health_.state != state) health_.since_ms = to_unix_ms(sources_.wall_now());
  health_.state = state;
  health_.reason = reason;
  health_.retry_at_ms = retry_at_ms;
  if (state == LinkState::up) ++health_.connects;
}

milliseconds Link::Worker::next_backoff() {
  const unsigned step = std::min(failures_++, 16u);
  const auto full = std::min<std::int64_t>(options_.max_retry.count(), options_.first_retry.count() << step);
  // Jitter: somewhere in the upper half, so nodes that lost one broker do not return in step.
  std::uniform_int_distribution<std::int64_t> jitter(full / 2, full);
  return milliseconds(jitter(rng_));
}

void Link::Worker::attempt_connection(Steady::time_point now) {
  refusal_.clear();
  attempt_started_ = now;
  set_state(LinkState::connecting, health().reason);
  if (auto started = client_->connect(); !started) connection_failed(started.error());
}

void Link::Worker::connection_failed(const std::string& reason) {
  const bool was_up = up();
  // The backoff restarts only after a connection that lasted: two processes that take one
  // client id from each other (or a broker that drops us at once) must not reconnect in a loop.
  if (was_up && Steady::now() - up_since_ > options_.stable_after) failures_ = 0;
  const auto delay = next_backoff();
  retry_at_ = Steady::now() + delay;
  set_state(LinkState::down, reason, to_unix_ms(sources_.wall_now()) + delay.count());
  const std::string line = "mqtt: " + broker_ + (was_up ? " lost: " : " unreachable: ") + reason + "; retrying in " +
                           std::to_string(delay.count()) + " ms";
  if (was_up || reason != last_logged_) log::warning(line);
  else log::debug(line);
  last_logged_ = reason;
}

void Link::Worker::on_connected(int code, const std::string& why) {
  if (code != 0) {
    refusal_ = "the broker refused the connection: " + why;
    return;
  }
  up_since_ = Steady::now();
  last_logged_.clear();
  set_state(LinkState::up, {});
  log::info("mqtt: connected to " + broker_ + " as " + mqtt_.client_id);
  // Subscribe first: the retained info on our own topic is then the last one published
  // before we came, which tells a process that took our name (see Hub) from our own
  // previous run.
  subscribe_all();
  publish_all(publisher_.on_connect());
  announcer_.on_connect();
  if (latest_) publish_all(publisher_.on_snapshot(*latest_, sources_.plugins ? sources_.plugins->status().get() : nullptr,
                                                  sources_.wall_now()));
}

void Link::Worker::on_disconnected(bool clean, const std::string& why) {
  if (clean && stop_requested()) return;
  connection_failed(refusal_.empty() ? why : refusal_);
}

void Link::Worker::subscribe_all() {
  const Topics topics(mqtt_.topic_prefix);
  for (const auto& filter : topics.hub_filters(mqtt_.subscribe)) client_->subscribe(filter, 0);
  // Our own info too (a hub of "*" has it already): another process that takes our node
  // name shows there with another instance id.
  if (!mqtt_.subscribes_all()) client_->subscribe(topics.info(node_), 0);
  if (announcer_.enabled()) client_->subscribe(announcer_.birth_topic(), 0);
}

void Link::Worker::on_message(std::string_view topic, std::string_view payload, bool retained) {
  const auto now = sources_.wall_now();
  if (announcer_.on_message(topic, payload, now)) return;
  const HandleResult result = hub_.handle(topic, payload, retained, now);
  std::lock_guard lock(mutex_);
  if (result.verdict == Verdict::accepted) ++health_.received;
  if (result.verdict != Verdict::rejected) return;
  ++health_.rejected;
  if (result.collision && collisions_logged_.insert(result.reason).second) log::error("mqtt: " + result.reason);
  else log::debug("mqtt: refused " + printable(topic.substr(0, 200)) + ": " + result.reason);
}

int Link::Worker::publish(const Outgoing& m) {
  auto mid = client_->publish(m.topic, m.payload, m.qos, m.retain);
  if (!mid) return -1;
  std::lock_guard lock(mutex_);
  ++health_.published;
  return *mid;
}

void Link::Worker::publish_all(const std::vector<Outgoing>& messages) {
  for (const auto& m : messages) publish(m);
}

void Link::Worker::serve_snapshots() {
  std::shared_ptr<const cycle::CycleSnapshot> newest;
  {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) return;
    newest = std::move(queue_.back());
    queue_.clear();
  }
  latest_ = std::move(newest);
  if (!up()) return;
  auto plugins = sources_.plugins ? sources_.plugins->status() : nullptr;
  const auto now = sources_.wall_now();
  publish_all(publisher_.on_snapshot(*latest_, plugins.get(), now));
  expect_wake_at(Steady::now() + (publisher_.next_heartbeat() - now));
  publish_all(announcer_.on_snapshot(latest_));
}

void Link::Worker::service_socket(short revents) {
  Expected<Ok, std::string> done = Ok{};
  if (revents & (POLLIN | POLLERR | POLLHUP)) done = client_->on_readable();
  if (done && (revents & POLLOUT) && client_->socket() >= 0) done = client_->on_writable();
  // libmosquitto reports most broken connections through the disconnect callback, but
  // not every one (a TLS handshake that fails while connecting): a closed socket while we
  // thought we were connecting or up is a failure all the same.
  if (client_->socket() < 0 && state_ != LinkState::down && !stop_requested())
    connection_failed(done ? std::string("the broker closed the connection") : done.error());
}

void Link::Worker::wait_for_events(Steady::time_point now) {
  // libmosquitto's keepalive bookkeeping wants a tick each second; while up, the queue is
  // looked at every change_check too (the cycle only wakes us for heartbeats).
  milliseconds timeout = up() ? options_.change_check : milliseconds(1000);
  if (state_ == LinkState::down) timeout = std::min(timeout, std::chrono::ceil<milliseconds>(retry_at_ - now));
  timeout = std::max(timeout, milliseconds(0));
  pollfd fds[2] = {{wake_.fd(), POLLIN, 0}, {client_->socket(), 0, 0}};
  if (fds[1].fd >= 0) fds[1].events = static_cast<short>(POLLIN | (client_->wants_write() ? POLLOUT : 0));
  const int n = ::poll(fds, fds[1].fd >= 0 ? 2 : 1, static_cast<int>(timeout.count()));
  if (n > 0 && (fds[0].revents & POLLIN)) wake_.drain();
  if (n > 0 && fds[1].fd >= 0 && fds[1].revents) service_socket(fds[1].revents);
  if (client_->socket() >= 0) client_->on_tick();
}

void Link::Worker::run() {
  // Below the cycle thread's priority (nice +5): publishing can wait a little, a cycle cannot.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 5);
  attempt_connection(Steady::now());
  while (!stop_requested()) {
    const auto now = Steady::now();
    if (state_ == LinkState::down && now >= retry_at_) attempt_connection(now);
    if (state_ == LinkState::connecting && now - attempt_started_ > options_.connect_timeout) {
      client_->disconnect();
      connection_failed("no answer from the broker within " + std::to_string(options_.connect_timeout.count() / 1000) + " s");
    }
    serve_snapshots();
    if (up()) publish_all(announcer_.due(sources_.wall_now()));
    wait_for_events(Steady::now());
  }
  say_goodbye();
}

// A clean stop: "offline" (the broker drops the will on a clean DISCONNECT, so we say it
// ourselves), then DISCONNECT, within stop_timeout.
void Link::Worker::say_goodbye() {
  if (!up()) return;
  const auto deadline = Steady::now() + options_.stop_timeout;
  goodbye_mid_ = publish(publisher_.offline());
  while (goodbye_mid_ > 0 && !goodbye_acked_ && up() && Steady::now() < deadline) wait_for_events(Steady::now());
  client_->disconnect();
  while (client_->socket() >= 0 && client_->wants_write() && Steady::now() < deadline) wait_for_events(Steady::now());
  set_state(LinkState::down, "stopped");
}

Link::Link(config::MqttConfig mqtt, std::string node, LinkSources sources, LinkOptions options)
    : worker_(std::make_unique<Worker>(std::move(mqtt), std::move(node), std::move(sources), options)) {}

Link::~Link() { stop(); }

Expected<Ok, std::string> Link::start() {
  if (auto ready = worker_->init(); !ready) return ready;
  thread_ = std::thread([this] { worker_->run(); });
  return Ok{};
}

void Link::stop() {
  if (!thread_.joinable()) return;
  worker_->request_stop();
  thread_.join();
}

void Link::on_cycle(std::shared_ptr<const cycle::CycleSnapshot> snapshot) { worker_->push(std::move(snapshot)); }

LinkHealth Link::health() const { return worker_->health(); }

}  // namespace sensorhost::link
