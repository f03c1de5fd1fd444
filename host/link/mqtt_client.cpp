#include "link/mqtt_client.hpp"

#include <mosquitto.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace sensorhost::link {

namespace {

// mosquitto_lib_init is not thread-safe and must run once per process.
void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

std::string_view as_view(const void* data, int length) {
  return length > 0 ? std::string_view(static_cast<const char*>(data), static_cast<std::size_t>(length))
                    : std::string_view();
}

}  // namespace

// Callbacks get MQTT 5 reason codes (128 and up) from the broker's CONNACK or DISCONNECT,
// and libmosquitto's own error codes (small numbers) for what happened locally.
std::string MqttClient::reason_text(int rc) {
  if (rc == kSessionTakenOver)
    return "the broker gave our client id to another connection (session taken over): does another process use "
           "this node's name or client id?";
  if (rc >= 128) {
    std::string text = std::string("the broker said: ") + mosquitto_reason_string(rc);
    if (text.back() == '.') text.pop_back();
    return text;
  }
  return error_text(rc);
}

std::string MqttClient::error_text(int rc) {
  if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
  if (rc == MOSQ_ERR_TLS)
    return "TLS handshake failed (does ca_file hold the CA that signed the broker's certificate, and does the "
           "certificate name this host?)";
  std::string text = mosquitto_strerror(rc);
  if (!text.empty() && text.back() == '.') text.pop_back();  // the log line goes on after it
  return text;
}

void MqttClient::Deleter::operator()(mosquitto* m) const { mosquitto_destroy(m); }

MqttClient::MqttClient(Key, const ClientOptions& options, ClientCallbacks callbacks)
    : options_(options), callbacks_(std::move(callbacks)) {}

MqttClient::~MqttClient() = default;

Expected<Ok, std::string> MqttClient::check(int rc) const {
  if (rc == MOSQ_ERR_SUCCESS) return Ok{};
  return unexpected(error_text(rc));
}

Expected<std::unique_ptr<MqttClient>, std::string> MqttClient::create(const ClientOptions& options,
                                                                      ClientCallbacks callbacks) {
  init_library();
  auto client = std::make_unique<MqttClient>(Key{}, options, std::move(callbacks));
  // clean_session: a hub re-subscribes on every connect and wants no backlog from a
  // broker session (QoS 1 messages queued while it was away would arrive stale anyway).
  client->handle_.reset(mosquitto_new(options.client_id.c_str(), true, client.get()));
  if (!client->handle_) return unexpected("cannot create the MQTT client: " + std::string(std::strerror(errno)));
  mosquitto* m = client->handle_.get();
  mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
  // MQTT 5: the broker then says why it ends a connection (e.g. "session taken over" when
  // another process connects with our client id) instead of just closing it.
  mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  auto configured = client->check(mosquitto_will_set(m, options.will_topic.c_str(),
                                                     static_cast<int>(options.will_payload.size()),
                                                     options.will_payload.data(), 1, true));
  if (configured && !options.username.empty())
    configured = client->check(mosquitto_username_pw_set(m, options.username.c_str(),
                                                         options.password.empty() ? nullptr : options.password.c_str()));
  if (configured && options.tls) {
    const char* ca = options.ca_file.empty() ? nullptr : options.ca_file.c_str();
    // Without a CA file, trust the system's store.
    const char* ca_path = ca ? nullptr : "/etc/ssl/certs";
    configured = client->check(mosquitto_tls_set(m, ca, ca_path,
                                                 options.cert_file.empty() ? nullptr : options.cert_file.c_str(),
                                                 options.key_file.empty() ? nullptr : options.key_file.c_str(), nullptr));
  }
  if (!configured) return unexpected("MQTT client settings refused: " + configured.error());

  mosquitto_connect_callback_set(m, [](mosquitto*, void* self, int rc) {
    auto* c = static_cast<MqttClient*>(self);
    if (c->callbacks_.connected) c->callbacks_.connected(rc, rc == 0 ? std::string() : reason_text(rc));
  });
  mosquitto_disconnect_callback_set(m, [](mosquitto*, void* self, int rc) {
    auto* c = static_cast<MqttClient*>(self);
    if (c->callbacks_.disconnected) c->callbacks_.disconnected(rc == 0, rc == 0 ? "disconnected" : reason_text(rc));
  });
  mosquitto_message_callback_set(m, [](mosquitto*, void* self, const mosquitto_message* msg) {
    auto* c = static_cast<MqttClient*>(self);
    if (c->callbacks_.message && msg && msg->topic)
      c->callbacks_.message(msg->topic, as_view(msg->payload, msg->payloadlen), msg->retain);
  });
  mosquitto_publish_callback_set(m, [](mosquitto*, void* self, int mid) {
    auto* c = static_cast<MqttClient*>(self);
    if (c->callbacks_.published) c->callbacks_.published(mid);
  });
  return client;
}

Expected<Ok, std::string> MqttClient::connect() {
  mosquitto* m = handle_.get();
  const int rc = first_connect_ ? mosquitto_connect_async(m, options_.host.c_str(), options_.port, options_.keepalive_s)
                                : mosquitto_reconnect_async(m);
  // connect_async stores the host even when the first attempt fails: later ones reconnect.
  if (rc == MOSQ_ERR_SUCCESS || rc == MOSQ_ERR_ERRNO) first_connect_ = false;
  return check(rc);
}

void MqttClient::disconnect() { mosquitto_disconnect(handle_.get()); }

int MqttClient::socket() const { return mosquitto_socket(handle_.get()); }

bool MqttClient::wants_write() const { return mosquitto_want_write(handle_.get()); }

Expected<Ok, std::string> MqttClient::on_readable() { return check(mosquitto_loop_read(handle_.get(), 1)); }

Expected<Ok, std::string> MqttClient::on_writable() { return check(mosquitto_loop_write(handle_.get(), 1)); }

Expected<Ok, std::string> MqttClient::on_tick() { return check(mosquitto_loop_misc(handle_.get())); }

Expected<int, std::string> MqttClient::publish(const std::string& topic, std::string_view payload, int qos,
                                               bool retain) {
  int mid = 0;
  const int rc = mosquitto_publish(handle_.get(), &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(),
                                   qos, retain);
  if (rc != MOSQ_ERR_SUCCESS) return unexpected(error_text(rc));
  return mid;
}

Expected<Ok, std::string> MqttClient::subscribe(const std::string& filter, int qos) {
  return check(mosquitto_subscribe(handle_.get(), nullptr, filter.c_str(), qos));
}

}  // namespace sensorhost::link
