#include "io/led.hpp"

#include <algorithm>

namespace sensorhost::io {

bool LedBuffer::set(std::size_t index, bool on) {
  if (index >= state_.size()) return false;
  state_[index] = on;
  return true;
}

void LedBuffer::clear() { std::fill(state_.begin(), state_.end(), false); }

}  // namespace sensorhost::io
