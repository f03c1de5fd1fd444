#pragma once
// LEDs: plugins write a plain host-memory buffer during the cycle; the cycle applies
// the whole buffer to the hardware with one write, so LEDs never flicker between
// plugins that share them.
#include <cstddef>
#include <string>
#include <vector>

namespace sensorhost::io {

class LedBuffer {
 public:
  explicit LedBuffer(std::size_t count = 0) : state_(count, false) {}
  std::size_t size() const { return state_.size(); }
  // Out-of-range indices are refused (returns false) rather than silently ignored
  // so a plugin's bad LED number can be reported.
  bool set(std::size_t index, bool on);
  bool get(std::size_t index) const { return index < state_.size() && state_[index]; }
  void clear();
  const std::vector<bool>& levels() const { return state_; }

 private:
  std::vector<bool> state_;
};

// The hardware side of the LED bank (gpiod lines, RevPi LEDs, or a simulation).
class LedOutput {
 public:
  virtual ~LedOutput() = default;
  // Apply every LED at once (one bulk write). Returns false with `error` on failure.
  virtual bool write(const std::vector<bool>& levels, std::string& error) = 0;
  virtual std::size_t count() const = 0;
  virtual std::string describe() const = 0;
};

}  // namespace sensorhost::io
