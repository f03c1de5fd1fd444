#pragma once
// A thin RAII adapter over libmosquitto, driven by the link's own thread (no loop_start):
// the link polls socket() together with its wake-up fd and calls on_readable /
// on_writable / on_tick, so one thread owns the client and nothing in libmosquitto runs
// elsewhere. Connecting never blocks on the network (connect_async), so stop() and new
// snapshots are served while a broker is unreachable.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/expected.hpp"

struct mosquitto;

namespace sensorhost::link {

struct ClientOptions {
  std::string client_id;
  std::string host;
  std::uint16_t port = 1883;
  int keepalive_s = 30;
  std::string username, password;
  bool tls = false;
  std::string ca_file, cert_file, key_file;
  // The last will: published by the broker when we vanish without a clean disconnect.
  std::string will_topic, will_payload;
};

struct ClientCallbacks {
  // CONNACK: 0 accepted, else the broker's refusal (`why` says it in words).
  std::function<void(int code, const std::string& why)> connected;
  // The connection ended; `clean` when we asked for it.
  std::function<void(bool clean, const std::string& why)> disconnected;
  std::function<void(std::string_view topic, std::string_view payload, bool retained)> message;
  // A QoS 1 message was acknowledged (mid as returned by publish()).
  std::function<void(int mid)> published;
};

class MqttClient {
 public:
  // Error: the options libmosquitto refused (a bad TLS file, an id it rejects).
  static Expected<std::unique_ptr<MqttClient>, std::string> create(const ClientOptions& options,
                                                                   ClientCallbacks callbacks);
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Starts a connection attempt without waiting for the network (first or next).
  Expected<Ok, std::string> connect();
  // Clean DISCONNECT (the broker then drops the will).
  void disconnect();

  int socket() const;     // -1 while not connected
  bool wants_write() const;
  // Each returns an error when the connection broke (disconnected() was called).
  Expected<Ok, std::string> on_readable();
  Expected<Ok, std::string> on_writable();
  Expected<Ok, std::string> on_tick();  // keepalive pings and retries; call at least every second

  // Ok: the message id (QoS 1) or 0.
  Expected<int, std::string> publish(const std::string& topic, std::string_view payload, int qos, bool retain);
  Expected<Ok, std::string> subscribe(const std::string& filter, int qos);

  static std::string error_text(int rc);   // libmosquitto's return codes
  static std::string reason_text(int rc);  // a callback's code: MQTT 5 reason or libmosquitto error
  static constexpr int kSessionTakenOver = 0x8E;

  // Only create() can call this (Key is private): the client must live at a fixed
  // address, which libmosquitto's callbacks point to.
 private:
  struct Key {};

 public:
  MqttClient(Key, const ClientOptions& options, ClientCallbacks callbacks);

 private:
  Expected<Ok, std::string> check(int rc) const;

  struct Deleter {
    void operator()(mosquitto* m) const;
  };
  ClientOptions options_;
  ClientCallbacks callbacks_;
  std::unique_ptr<mosquitto, Deleter> handle_;
  bool first_connect_ = true;
};

}  // namespace sensorhost::link
