#include "cycle/cycle.hpp"

#include <algorithm>

namespace sensorhost::cycle {

Cycle::Cycle(io::ProcessImage& image, io::LedOutput& leds, std::chrono::nanoseconds interval,
             std::function<SteadyClock::time_point()> steady_now)
    : image_(image),
      led_output_(&leds),
      led_buffer_(leds.count()),
      interval_(interval),
      steady_now_(std::move(steady_now)) {}

std::shared_ptr<const CycleSnapshot> Cycle::run_once(io::WallTime now) {
  const auto started = steady_now_();
  auto snapshot = std::make_shared<CycleSnapshot>();
  snapshot->number = stats_.cycles + 1;
  snapshot->time = now;
  snapshot->node = image_.local_node();
  snapshot->readings = image_.snapshot(now);
  snapshot->nodes = image_.nodes(now);
  snapshot->sensor_counters = image_.counters();

  const CycleInputs inputs{snapshot->number, now, snapshot->readings, snapshot};
  for (const auto& plugin : plugins_) plugin->run(inputs, led_buffer_);

  if (!led_output_->write(led_buffer_.levels(), snapshot->led_error)) ++stats_.led_write_failures;
  snapshot->leds = led_buffer_.levels();

  const auto duration = steady_now_() - started;
  ++stats_.cycles;
  stats_.last_duration = duration;
  stats_.max_duration = std::max(stats_.max_duration, stats_.last_duration);
  stats_.total_duration += duration;
  if (duration > interval_) ++stats_.overruns;
  snapshot->stats = stats_;

  std::shared_ptr<const CycleSnapshot> published = std::move(snapshot);
  latest_.store(published);
  return published;
}

void Cycle::set_led_output(io::LedOutput& leds) {
  io::LedBuffer resized(leds.count());
  for (std::size_t i = 0; i < std::min(resized.size(), led_buffer_.size()); ++i) resized.set(i, led_buffer_.get(i));
  led_buffer_ = std::move(resized);
  led_output_ = &leds;
}

bool Cycle::all_leds_off(std::string& error) {
  led_buffer_.clear();
  return led_output_->write(led_buffer_.levels(), error);
}

}  // namespace sensorhost::cycle
