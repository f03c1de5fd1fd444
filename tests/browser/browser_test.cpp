// The dashboard in a real browser: runs the sensorhost binary on simulated sensors with
// the built plugins (port 0: the address comes from its log), then tests/browser/
// dashboard.mjs drives Debian's Chromium through playwright-core against it: readings
// under the node's heading, live changes without a reload, a drawn chart, the LED bank,
// plugin status and events.
// Once with the dashboard plugin's page, once with the host's fallback page; screenshots
// in test-artifacts/.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kToken = "browser-test";
constexpr const char* kNode = "bench-node";  // the page heads this node's readings with its name

// Port 0: the service binds an ephemeral port and logs it. Without the dashboard plugin
// the server sends the host's fallback page.
std::string sim_config(bool dashboard_plugin) {
  const std::string plugins = SENSORHOST_TEST_PLUGIN_DIR;
  std::ostringstream toml;
  toml << "[node]\nname = \"" << kNode << "\"\n"
       << "[polling]\ninterval = \"200ms\"\n[hardware]\nmode = \"sim\"\n"
       << "[leds]\npins = [17, 27, 22]\n[logging]\nlevel = \"info\"\nshow_sensor_data = true\n"
       << "[web]\nlisten = \"127.0.0.1\"\nport = 0\ntoken = \"" << kToken << "\"\n"
       << "[plugins.dht22]\npath = \"" << plugins << "/dht22.wasm\"\nled = 0\n"
       << "[plugins.bme680]\npath = \"" << plugins << "/bme680.wasm\"\nled = 1\n"
       << "[plugins.pi-monitor]\npath = \"" << plugins << "/pi-monitor.wasm\"\nsensor = \"cpu\"\nled = 2\n"
       << "[plugins.pi-monitor.settings]\nwarn_c = 40.0\n";
  if (dashboard_plugin)
    toml << "[plugins.dashboard]\npath = \"" << plugins << "/dashboard.wasm\"\nfuel = 50000000\nmemory = \"8MiB\"\n"
         << "[plugins.dashboard.settings]\ntitle = \"Test bench\"\nled_labels = \"comfort, air quality, system\"\n";
  return toml.str();
}

// The service as a child process. A thread drains its log (stdout and stderr) so it never
// blocks on a full pipe; wait_for() waits for a line without polling. Stopped (SIGTERM)
// on destruction.
class Service {
 public:
  explicit Service(const fs::path& config) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      ::close(fds[0]);
      ::execl(SENSORHOST_BIN, SENSORHOST_BIN, "--config", config.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    reader_ = std::thread([this, out = fds[0]] { drain(out); });
  }
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;
  ~Service() { stop(); }

  // The first match of `pattern` in the log (its first group), or nullopt when the
  // service exits or 30 s pass first.
  std::optional<std::string> wait_for(const std::regex& pattern) {
    std::unique_lock lock(mutex_);
    std::smatch match;
    const bool found = changed_.wait_for(lock, 30s, [&] { return std::regex_search(log_, match, pattern) || eof_; });
    if (!found || match.empty()) return std::nullopt;
    return match.size() > 1 ? match[1].str() : match[0].str();
  }

  // SIGTERM, then the exit code (as a shell reports it).
  int stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (reader_.joinable()) reader_.join();
    return exit_code_;
  }
  std::string log() {
    std::lock_guard lock(mutex_);
    return log_;
  }

 private:
  void drain(int out) {
    std::array<char, 4096> buffer{};
    for (ssize_t n; (n = ::read(out, buffer.data(), buffer.size())) > 0;) {
      std::lock_guard lock(mutex_);
      log_.append(buffer.data(), static_cast<std::size_t>(n));
      changed_.notify_all();
    }
    ::close(out);
    std::lock_guard lock(mutex_);
    eof_ = true;
    changed_.notify_all();
  }

  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string log_;
  bool eof_ = false;
};

// Runs a command through the shell; its exit status and combined output.
std::pair<int, std::string> run(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) output += buffer.data();
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Runs the service and dashboard.mjs against it; the screenshot goes to test-artifacts/.
void check_page(bool dashboard_plugin, const std::string& screenshot_name) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("sensorhost-browser-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path config = dir / "host.toml";
  std::ofstream(config) << sim_config(dashboard_plugin);

  const fs::path screenshot = fs::current_path() / "test-artifacts" / screenshot_name;
  fs::remove(screenshot);
  Service service(config);
  const auto url = service.wait_for(std::regex(R"(dashboard on (http://127\.0\.0\.1:[1-9][0-9]*/))"));
  ASSERT_TRUE(url) << service.log();
  // The page and /api/readings need a published cycle (before it: 503, fallback page).
  ASSERT_TRUE(service.wait_for(std::regex("cycle 1:"))) << service.log();
  const auto [status, output] = run(quoted(SENSORHOST_TEST_NODE) + " tests/browser/dashboard.mjs --url " + quoted(*url) +
                                    " --screenshot " + quoted(screenshot.string()) + " --node " + kNode +
                                    (dashboard_plugin ? std::string(" --title 'Test bench' --token ") + kToken
                                                      : std::string(" --fallback")));
  const int service_exit = service.stop();

  EXPECT_EQ(status, 0) << output << "\n--- service log ---\n" << service.log();
  ASSERT_TRUE(fs::exists(screenshot)) << output;
  EXPECT_GT(fs::file_size(screenshot), 10'000u) << "a screenshot of a drawn page is not that small";
  EXPECT_EQ(service_exit, 0) << service.log();
}

TEST(Browser, PluginPageShowsLiveReadingsChartsAndLeds) { check_page(true, "dashboard.png"); }

TEST(Browser, FallbackPageShowsItsNoticeAndTheSameLiveData) { check_page(false, "dashboard-fallback.png"); }

}  // namespace
