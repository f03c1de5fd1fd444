#include "sensors/leds.hpp"

#include <gpiod.hpp>

namespace sensorhost::sensors {

struct GpiodLedOutput::Lines {
  gpiod::chip chip;
  gpiod::line_bulk bulk;
};

bool check_led_levels(const std::vector<bool>& levels, std::size_t count, std::string& error) {
  if (levels.size() == count) return true;
  error = "LED write of " + std::to_string(levels.size()) + " levels to a bank of " + std::to_string(count) + " LEDs";
  return false;
}

Expected<std::unique_ptr<GpiodLedOutput>, std::string> GpiodLedOutput::open(const std::string& chip,
                                                                            const std::vector<unsigned>& pins,
                                                                            bool active_low) {
  // The C++ binding reports failures as exceptions; they stop here.
  try {
    auto lines = std::make_unique<Lines>();
    lines->chip.open(chip);
    lines->bulk = lines->chip.get_lines(pins);
    gpiod::line_request request{"sensorhost-leds", gpiod::line_request::DIRECTION_OUTPUT,
                                active_low ? gpiod::line_request::FLAG_ACTIVE_LOW : std::bitset<32>()};
    // Logical values: 0 is off whatever the polarity, so the bank starts dark.
    lines->bulk.request(request, std::vector<int>(pins.size(), 0));
    return std::make_unique<GpiodLedOutput>(Key{}, std::move(lines), chip, pins, active_low);
  } catch (const std::exception& e) {
    std::string list;
    for (unsigned p : pins) list += (list.empty() ? "" : ",") + std::to_string(p);
    return unexpected("cannot request LED lines " + list + " on " + chip + ": " + e.what());
  }
}

GpiodLedOutput::GpiodLedOutput(Key, std::unique_ptr<Lines> lines, std::string chip, std::vector<unsigned> pins,
                               bool active_low)
    : lines_(std::move(lines)), chip_(std::move(chip)), pins_(std::move(pins)), active_low_(active_low) {}

GpiodLedOutput::~GpiodLedOutput() {
  try {
    lines_->bulk.set_values(std::vector<int>(pins_.size(), 0));  // all off on shutdown
    lines_->bulk.release();
  } catch (const std::exception&) {
    // The lines are released with the chip anyway; nothing more to do on the way out.
  }
}

bool GpiodLedOutput::write(const std::vector<bool>& levels, std::string& error) {
  if (!check_led_levels(levels, pins_.size(), error)) return false;
  try {
    lines_->bulk.set_values(std::vector<int>(levels.begin(), levels.end()));  // one bulk call
    return true;
  } catch (const std::exception& e) {
    error = std::string("LED write on ") + chip_ + ": " + e.what();
    return false;
  }
}

std::string GpiodLedOutput::describe() const {
  std::string list;
  for (unsigned p : pins_) list += (list.empty() ? "" : ",") + std::to_string(p);
  return "GPIO LEDs on " + chip_ + " lines " + list + (active_low_ ? " (active-low)" : "");
}

bool SimLedOutput::write(const std::vector<bool>& levels, std::string& error) {
  if (!check_led_levels(levels, last_.size(), error)) return false;
  last_ = levels;
  ++writes_;
  return true;
}

std::string SimLedOutput::describe() const { return "simulated LEDs (" + std::to_string(last_.size()) + ")"; }

}  // namespace sensorhost::sensors
