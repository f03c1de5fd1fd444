#include "sensors/dht22_gpiod.hpp"

#include <gpiod.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace sensorhost::sensors {
namespace {

constexpr const char* kConsumer = "sensorhost-dht22";
constexpr std::size_t kMaxEdges = 100;  // a frame has 84; more means noise

struct ChipCloser {
  void operator()(gpiod_chip* chip) const { gpiod_chip_close(chip); }
};
using ChipPtr = std::unique_ptr<gpiod_chip, ChipCloser>;

// Releases a requested line when it goes out of scope.
struct LineReleaser {
  void operator()(gpiod_line* line) const { gpiod_line_release(line); }
};
using RequestedLine = std::unique_ptr<gpiod_line, LineReleaser>;

std::string sys_error(const std::string& what) { return what + ": " + std::strerror(errno); }

timespec to_timespec(std::chrono::nanoseconds d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d);
  return {static_cast<time_t>(s.count()), static_cast<long>((d - s).count())};
}

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Drives the line low for the start pulse, then hands it back to the pull-up.
Expected<Ok, std::string> send_start(gpiod_line* line, std::chrono::microseconds low, const std::string& where) {
  if (gpiod_line_request_output(line, kConsumer, 0) < 0) return unexpected(sys_error("cannot drive " + where));
  RequestedLine held(line);
  const timespec pulse = to_timespec(low);
  clock_nanosleep(CLOCK_MONOTONIC, 0, &pulse, nullptr);
  return Ok{};
}

Expected<RequestedLine, std::string> request_events(gpiod_line* line, const std::string& where) {
  // Bias flags need Linux >= 5.5; without them the external pull-up still works.
  if (gpiod_line_request_both_edges_events_flags(line, kConsumer, GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP) < 0 &&
      gpiod_line_request_both_edges_events(line, kConsumer) < 0) {
    return unexpected(sys_error("cannot watch edges on " + where));
  }
  return RequestedLine(line);
}

}  // namespace

Expected<std::vector<Edge>, std::string> GpiodEdgeSource::capture(io::WallTime) {
  const std::string where = describe();
  ChipPtr chip(gpiod_chip_open_lookup(chip_.c_str()));
  if (!chip) return unexpected(sys_error("cannot open " + chip_));
  gpiod_line* line = gpiod_chip_get_line(chip.get(), pin_);
  if (!line) return unexpected(sys_error("no line " + std::to_string(pin_) + " on " + chip_));
  if (auto started = send_start(line, options_.start_low, where); !started) return unexpected(started.error());
  auto events = request_events(line, where);
  if (!events) return unexpected(events.error());

  // Tight loop: the v1 kernel FIFO holds only 16 events, so drain it as fast as possible.
  std::vector<Edge> edges;
  edges.reserve(kMaxEdges);
  gpiod_line_event buf[16];
  const std::int64_t deadline = monotonic_ns() + std::chrono::nanoseconds(options_.frame_timeout).count();
  while (edges.size() < kMaxEdges) {
    const std::int64_t left = deadline - monotonic_ns();
    if (left <= 0) break;
    const auto wait = edges.empty() ? std::chrono::nanoseconds(left)
                                    : std::min(std::chrono::nanoseconds(left), std::chrono::nanoseconds(options_.idle_end));
    const timespec ts = to_timespec(wait);
    const int ready = gpiod_line_event_wait(events->get(), &ts);
    if (ready < 0) return unexpected(sys_error("waiting for edges on " + where));
    if (ready == 0) break;  // idle: the frame is over (or never started)
    const int n = gpiod_line_event_read_multiple(events->get(), buf, 16);
    if (n < 0) return unexpected(sys_error("reading edges on " + where));
    for (int i = 0; i < n && edges.size() < kMaxEdges; ++i) {
      edges.push_back({static_cast<std::int64_t>(buf[i].ts.tv_sec) * 1'000'000'000 + buf[i].ts.tv_nsec,
                       buf[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE});
    }
  }
  if (edges.empty()) return unexpected("no answer from the DHT22 on " + where + " (check wiring and pull-up)");
  return edges;
}

std::string GpiodEdgeSource::describe() const { return "libgpiod " + chip_ + " line " + std::to_string(pin_); }

}  // namespace sensorhost::sensors
