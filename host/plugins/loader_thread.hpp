#pragma once
// The loader thread: reads, compiles and instantiates new plugin versions off the cycle
// thread. Outcomes wait in an outbox until the cycle thread takes them at a boundary.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "plugins/loaded_plugin.hpp"
#include "plugins/plugin_file.hpp"

namespace sensorhost::plugins {

struct LoadOutcome {
  enum class Kind {
    ready,      // `loaded` is a new, instantiated version
    unchanged,  // same content as the running version (a touch, or a copy of the same build)
    unstable,   // the file changed while it was read: try again at the next check
    failed,     // `error` says why; the running version stays
  };
  Kind kind = Kind::failed;
  std::string plugin;
  std::uint64_t generation = 0;  // the plugin's configuration generation the load was made for
  std::optional<FileIdentity> file;
  std::unique_ptr<LoadedPlugin> loaded;
  std::string version;
  std::string error;
  std::chrono::nanoseconds load_time{0};
};

// Reads `config.path` and makes a new version of it. Unless `forced`, content equal to
// `running_version` gives `unchanged` without compiling anything.
LoadOutcome load_version(const config::PluginConfig& config, const HostEnv& env, const std::string& running_version,
                         bool forced);

class LoaderThread {
 public:
  using Task = std::function<LoadOutcome()>;

  LoaderThread();
  ~LoaderThread();  // finishes the task in progress, drops the queued ones
  LoaderThread(const LoaderThread&) = delete;
  LoaderThread& operator=(const LoaderThread&) = delete;

  void submit(Task task);
  std::vector<LoadOutcome> take_finished();
  // Blocks until every submitted task has finished (tests and benchmarks).
  void wait_idle();

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<Task> queue_;
  std::vector<LoadOutcome> finished_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace sensorhost::plugins
