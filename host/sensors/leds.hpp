#pragma once
// LED banks: GPIO lines through libgpiod (all lines requested together, one bulk set per
// write, all off when the bank is destroyed) and a recording simulation.
#include <memory>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "io/led.hpp"

namespace sensorhost::sensors {

class GpiodLedOutput final : public io::LedOutput {
 public:
  // Requests every pin as an output, off. With `active_low` a lit LED is a low line.
  static Expected<std::unique_ptr<GpiodLedOutput>, std::string> open(const std::string& chip,
                                                                     const std::vector<unsigned>& pins,
                                                                     bool active_low);
  ~GpiodLedOutput() override;
  GpiodLedOutput(const GpiodLedOutput&) = delete;
  GpiodLedOutput& operator=(const GpiodLedOutput&) = delete;

  bool write(const std::vector<bool>& levels, std::string& error) override;
  std::size_t count() const override { return pins_.size(); }
  std::string describe() const override;

  struct Lines;  // libgpiod objects, kept out of this header

 private:
  struct Key {
    explicit Key() = default;
  };

 public:
  GpiodLedOutput(Key, std::unique_ptr<Lines> lines, std::string chip, std::vector<unsigned> pins, bool active_low);

 private:
  std::unique_ptr<Lines> lines_;
  std::string chip_;
  std::vector<unsigned> pins_;
  bool active_low_;
};

// Records what would be written: the number of writes and the last levels.
class SimLedOutput final : public io::LedOutput {
 public:
  explicit SimLedOutput(std::size_t count) : last_(count, false) {}
  bool write(const std::vector<bool>& levels, std::string& error) override;
  std::size_t count() const override { return last_.size(); }
  std::string describe() const override;

  std::size_t writes() const { return writes_; }
  const std::vector<bool>& last_levels() const { return last_; }

 private:
  std::vector<bool> last_;
  std::size_t writes_ = 0;
};

// Shared by both outputs: a write must cover every LED of the bank.
bool check_led_levels(const std::vector<bool>& levels, std::size_t count, std::string& error);

}  // namespace sensorhost::sensors
