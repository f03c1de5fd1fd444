#pragma once
// The broker link: publishes this node through an MQTT broker and, on a hub, feeds the
// other nodes' readings into the process image. Topics: host/link/README.md.
//
// It runs on its own thread and never on the cycle's: on_cycle() only queues the
// snapshot's pointer (a bounded queue that drops the oldest, counted), and wakes the
// thread only when a heartbeat is due; the thread looks at the queue every 25 ms for
// state changes (a sensor's status, a plugin's state, an LED) that go out at once. The thread owns the MQTT client and connects without blocking; when the broker
// is down at start or goes away, the service runs on and the link reconnects with
// exponential backoff and jitter, whatever the error (libmosquitto's own loop would give
// up for good on some: authentication, TLS, DNS). Its health shows in /api/health,
// /api/nodes, /metrics and the log.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "cycle/cycle.hpp"
#include "io/process_image.hpp"
#include "link/health.hpp"
#include "plugins/control.hpp"

namespace sensorhost::link {

struct LinkSources {
  io::ProcessImage* image = nullptr;          // a hub's remote readings go here; must outlive the link
  plugins::PluginControl* plugins = nullptr;  // may be null
  std::string version = "unknown";
  std::string dashboard_url;                  // this node's dashboard, shown by hubs
  std::function<io::WallTime()> wall_now = [] { return io::WallClock::now(); };
};

struct LinkOptions {
  std::size_t queue_capacity = 4;                  // snapshots waiting for the link thread
  std::chrono::milliseconds first_retry{500};      // backoff: doubles per failed attempt ...
  std::chrono::milliseconds max_retry{30'000};     // ... up to this; each delay is jittered to 50-100 %
  std::chrono::milliseconds connect_timeout{10'000};  // no CONNACK by then: the attempt failed
  std::chrono::milliseconds stable_after{30'000};  // a connection this old resets the backoff
  std::chrono::milliseconds change_check{25};      // while up: how often the link looks for state changes
  std::chrono::milliseconds stop_timeout{2'000};   // a clean stop waits this long for "offline" to go out
};

class Link {
 public:
  Link(config::MqttConfig mqtt, std::string node, LinkSources sources, LinkOptions options = {});
  ~Link();  // stop()
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  // Starts the link thread (connects in the background). Error: the client settings
  // libmosquitto refused (the service then runs without the link and says why).
  Expected<Ok, std::string> start();
  // Publishes "offline", disconnects cleanly and joins the thread (bounded by stop_timeout).
  void stop();

  // Cycle thread, after every cycle: queues the pointer, wakes the link. Never blocks on
  // the network; a full queue drops its oldest snapshot (counted in health().dropped).
  void on_cycle(std::shared_ptr<const cycle::CycleSnapshot> snapshot);

  LinkHealth health() const;

  class Worker;

 private:
  std::unique_ptr<Worker> worker_;
  std::thread thread_;
};

}  // namespace sensorhost::link
