#pragma once
// Turns SIGINT/SIGTERM/SIGHUP into callbacks on a dedicated thread (signalfd), so the
// rest of the service never runs code in a signal handler. Construct it before any
// other thread starts: the signals are blocked in the constructing thread and every
// thread created afterwards inherits that mask.
#include <functional>
#include <thread>

namespace sensorhost::platform {

enum class SignalEvent { stop, reload };

class SignalWatcher {
 public:
  explicit SignalWatcher(std::function<void(SignalEvent)> on_signal);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  void run();

  std::function<void(SignalEvent)> on_signal_;
  int signal_fd_ = -1;
  int stop_fd_ = -1;
  std::thread thread_;
};

}  // namespace sensorhost::platform
