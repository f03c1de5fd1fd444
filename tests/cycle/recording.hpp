#pragma once
// Test doubles for the cycle's collaborators: they record what the cycle did, in order.
#include <string>
#include <vector>

#include "cycle/cycle.hpp"

namespace sensorhost::fakes {

struct EventLog {
  std::vector<std::string> events;
};

class RecordingLeds : public io::LedOutput {
 public:
  RecordingLeds(EventLog& log, std::size_t count) : log_(log), count_(count) {}
  bool write(const std::vector<bool>& levels, std::string& error) override {
    log_.events.push_back("led-write");
    writes.push_back(levels);
    if (fail_next) {
      fail_next = false;
      error = "line busy";
      return false;
    }
    return true;
  }
  std::size_t count() const override { return count_; }
  std::string describe() const override { return "recording"; }

  std::vector<std::vector<bool>> writes;
  bool fail_next = false;

 private:
  EventLog& log_;
  std::size_t count_;
};

// A plugin that turns one LED on when its sensor's temperature is above a threshold.
class ThresholdPlugin : public cycle::PluginSlot {
 public:
  ThresholdPlugin(EventLog& log, std::string name, std::size_t led, double above)
      : log_(log), name_(std::move(name)), led_(led), above_(above) {}
  const std::string& name() const override { return name_; }
  void run(const cycle::CycleInputs& inputs, io::LedBuffer& leds) override {
    log_.events.push_back("plugin:" + name_);
    seen_readings = inputs.readings.size();
    bool hot = false;
    for (const auto& r : inputs.readings)
      if (auto* t = r.find("temperature")) hot = hot || t->value > above_;
    leds.set(led_, hot);
  }
  std::size_t seen_readings = 0;

 private:
  EventLog& log_;
  std::string name_;
  std::size_t led_;
  double above_;
};

}  // namespace sensorhost::fakes
