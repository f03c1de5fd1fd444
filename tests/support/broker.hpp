#pragma once
// A real mosquitto broker for a test, on a loopback port of its own, stopped by the test
// (or at the latest by the destructor). Installed by scripts/install-deps.
#include <arpa/inet.h>

#include <memory>
#include <string>

#include "support/process.hpp"

namespace sensorhost::testing {

class Broker {
 public:
  // `name` keeps the files of parallel tests apart. `settings` replaces the default
  // "anyone may connect" (allow_anonymous, password_file, ...); `extra` is appended (more
  // listeners, TLS).
  explicit Broker(const std::string& dir, const std::string& name, const std::string& settings = "allow_anonymous true\n",
                  const std::string& extra = "")
      : port_(free_port()), dir_(dir), name_(name) {
    config_ = dir_ + name_ + "-mosquitto.conf";
    std::ofstream(config_) << "per_listener_settings false\nlistener " << port_ << " 127.0.0.1\n" << settings
                           << "persistence false\nlog_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\n"
                           << extra;
    start();
  }

  std::uint16_t port() const { return port_; }
  std::string url() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }

  // Starts mosquitto on the same port and waits until it accepts connections.
  bool start() {
    process_ = std::make_unique<ChildProcess>("mosquitto", std::vector<std::string>{"-c", config_},
                                              dir_ + name_ + "-mosquitto.log");
    return eventually([&] { return accepts(); }, std::chrono::seconds(10));
  }
  void stop() {
    if (!process_) return;
    process_->signal(SIGTERM);
    process_->wait();
    process_.reset();
  }
  std::string log() const { return process_ ? process_->log() : std::string(); }

 private:
  bool accepts() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
  }

  std::uint16_t port_;
  std::string dir_, name_, config_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace sensorhost::testing
