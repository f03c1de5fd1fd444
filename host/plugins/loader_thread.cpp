#include "plugins/loader_thread.hpp"

#include <malloc.h>

namespace sensorhost::plugins {

LoadOutcome load_version(const config::PluginConfig& config, const HostEnv& env, const std::string& running_version,
                         bool forced) {
  const auto started = std::chrono::steady_clock::now();
  LoadOutcome out;
  out.plugin = config.name;
  auto finish = [&](LoadOutcome::Kind kind, std::string error = {}) {
    out.kind = kind;
    out.error = std::move(error);
    out.load_time = std::chrono::steady_clock::now() - started;
    return std::move(out);
  };
  out.file = stat_file(config.path);
  if (!out.file) return finish(LoadOutcome::Kind::failed, "plugins." + config.name + ": " + config.path + " does not exist");
  auto bytes = read_file(config.path);
  if (!bytes) return finish(LoadOutcome::Kind::failed, "plugins." + config.name + ": " + bytes.error());
  // A writer still at work changes the identity under us: wait for it to finish.
  if (stat_file(config.path) != out.file) return finish(LoadOutcome::Kind::unstable);
  out.version = content_hash(*bytes);
  if (!forced && out.version == running_version) return finish(LoadOutcome::Kind::unchanged);
  auto checked = check_component(*bytes, config);
  if (!checked) return finish(LoadOutcome::Kind::failed, checked.error());
  checked->file = *out.file;
  auto loaded = instantiate(*checked, config, env);
  if (!loaded) return finish(LoadOutcome::Kind::failed, loaded.error());
  out.loaded = std::move(*loaded);
  return finish(LoadOutcome::Kind::ready);
}

LoaderThread::LoaderThread() : thread_([this] { loop(); }) {}

LoaderThread::~LoaderThread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  thread_.join();
}

void LoaderThread::submit(Task task) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
}

std::vector<LoadOutcome> LoaderThread::take_finished() {
  std::lock_guard lock(mutex_);
  return std::exchange(finished_, {});
}

void LoaderThread::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void LoaderThread::loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) break;
    Task task = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    LoadOutcome outcome = task();
    ::malloc_trim(0);  // hand the load's garbage back, so a service that reloads for months stays small
    lock.lock();
    finished_.push_back(std::move(outcome));
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
  busy_ = false;
  idle_.notify_all();
}

}  // namespace sensorhost::plugins
