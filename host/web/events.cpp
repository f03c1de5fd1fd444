#include "web/events.hpp"

#include <algorithm>

namespace sensorhost::web {

std::string format_sse(std::uint64_t id, const std::string& name, const std::string& data) {
  std::string out = "id: " + std::to_string(id) + "\nevent: " + name + "\n";
  std::size_t start = 0;
  while (true) {
    const std::size_t nl = data.find('\n', start);
    out += "data: " + data.substr(start, nl == std::string::npos ? std::string::npos : nl - start) + "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out + "\n";
}

const std::string& StreamEvent::wire() const {
  std::call_once(once_, [this] { wire_ = format_sse(id_, name_, render_()); });
  return wire_;
}

void EventLog::publish(std::string name, std::function<std::string()> render) {
  {
    std::lock_guard lock(mutex_);
    ring_.push_back(std::make_shared<const StreamEvent>(next_id_++, std::move(name), std::move(render)));
    if (ring_.size() > capacity_) ring_.pop_front();
  }
  changed_.notify_all();
}

EventLog::Batch EventLog::collect(std::uint64_t& cursor) const {
  Batch batch;
  batch.closed = closed_;
  if (ring_.empty() || ring_.back()->id() <= cursor) return batch;
  const std::uint64_t oldest = ring_.front()->id();
  if (cursor + 1 < oldest) batch.dropped = oldest - cursor - 1;
  // Ids are consecutive in the ring, so the first unsent event is found by arithmetic.
  const std::size_t first = cursor < oldest ? 0 : static_cast<std::size_t>(cursor + 1 - oldest);
  batch.events.assign(ring_.begin() + static_cast<std::ptrdiff_t>(first), ring_.end());
  cursor = ring_.back()->id();
  return batch;
}

EventLog::Batch EventLog::wait_after(std::uint64_t& cursor, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return closed_ || (!ring_.empty() && ring_.back()->id() > cursor); });
  return collect(cursor);
}

std::uint64_t EventLog::last_id() const {
  std::lock_guard lock(mutex_);
  return next_id_ - 1;
}

std::shared_ptr<const StreamEvent> EventLog::latest(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(ring_.rbegin(), ring_.rend(), [&](const auto& e) { return e->name() == name; });
  return it == ring_.rend() ? nullptr : *it;
}

void EventLog::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

}  // namespace sensorhost::web
