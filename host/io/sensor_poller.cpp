#include "io/sensor_poller.hpp"

namespace sensorhost::io {

void SensorPoller::start(std::vector<std::unique_ptr<SensorDriver>> drivers) {
  stop();
  drivers_ = std::move(drivers);
  for (auto& driver : drivers_) {
    image_.set_stale_after(driver->name(), driver->cadence() * 3 + std::chrono::seconds(2));
    image_.publish(driver->read(WallClock::now()));
  }
  for (auto& driver : drivers_) {
    threads_.emplace_back([this, &driver = *driver](std::stop_token stop) { run(stop, driver); });
  }
}

void SensorPoller::stop() {
  for (auto& thread : threads_) thread.request_stop();
  wake_.notify_all();
  threads_.clear();  // jthread joins
  drivers_.clear();
}

void SensorPoller::run(std::stop_token stop, SensorDriver& driver) {
  for (;;) {
    {
      std::unique_lock lock(wake_mutex_);
      wake_.wait_for(lock, stop, driver.cadence(), [] { return false; });
    }
    if (stop.stop_requested()) return;
    image_.publish(driver.read(WallClock::now()));
  }
}

}  // namespace sensorhost::io
