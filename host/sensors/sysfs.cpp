#include "sensors/sysfs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace sensorhost::sensors {
namespace fs = std::filesystem;

namespace {

std::string errno_text(const fs::path& file, const char* what, int err) {
  return std::string(what) + " " + file.string() + ": " + std::strerror(err);
}

// Natural order: the trailing number compares numerically.
bool natural_less(const fs::path& a, const fs::path& b) {
  const std::string x = a.filename().string(), y = b.filename().string();
  auto split = [](const std::string& s) {
    std::size_t i = s.size();
    while (i > 0 && std::isdigit(static_cast<unsigned char>(s[i - 1]))) --i;
    long n = i < s.size() ? std::stol(s.substr(i, 9)) : -1;
    return std::pair{s.substr(0, i), n};
  };
  return split(x) < split(y);
}

}  // namespace

Expected<std::string, std::string> read_text(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return unexpected(errno_text(file, "cannot open", errno));
  std::string text;
  char buf[256];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return unexpected(errno_text(file, "cannot read", err));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

Expected<double, std::string> read_milli(const fs::path& file) {
  auto text = read_text(file);
  if (!text) return unexpected(std::move(text).error());
  long long value = 0;
  const char* first = text->data();
  const char* last = first + text->size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last) {
    return unexpected(file.string() + ": expected an integer in milli-units, found \"" + *text + "\"");
  }
  return static_cast<double>(value) / 1000.0;
}

std::vector<fs::path> list_entries(const fs::path& dir, std::string_view prefix) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(prefix)) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end(), natural_less);
  return out;
}

}  // namespace sensorhost::sensors
