// Runs the real sensorhost binary: exit codes, --cycles, --check-config, signals.
// Events are awaited by reading the child's log lines, never by sleeping.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

struct Child {
  pid_t pid = -1;
  int out = -1;  // stderr of the child (its log)
  std::string log;

  // Reads the log until `text` appears; false on EOF or after 10 s (a hang, not a wait).
  bool wait_for(const std::string& text) {
    while (log.find(text) == std::string::npos) {
      pollfd p{out, POLLIN, 0};
      if (::poll(&p, 1, 10000) <= 0) return false;
      char buffer[4096];
      auto n = ::read(out, buffer, sizeof buffer);
      if (n <= 0) return false;
      log.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
  }
  int exit_code() {
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

Child spawn(std::vector<std::string> args) {
  int fds[2];
  if (::pipe(fds) != 0) std::abort();
  Child child;
  child.pid = ::fork();
  if (child.pid == 0) {
    ::dup2(fds[1], 2);
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    std::vector<char*> argv{const_cast<char*>(SENSORHOST_BIN)};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(SENSORHOST_BIN, argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  child.out = fds[0];
  return child;
}

std::string write_config(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

// Port 0: tests run in parallel, each service on an ephemeral port of its own.
const char* kFast = "[polling]\ninterval = \"20ms\"\n[hardware]\nmode = \"sim\"\n[leds]\npins = [1, 2]\n"
                    "[logging]\nshow_sensor_data = true\n[web]\nlisten = \"127.0.0.1\"\nport = 0\n";

// kFast plus one plugin `counter` (a test component) from `path`.
std::string with_counter(const std::string& path, bool enabled = true) {
  return std::string(kFast) + "[plugins.counter]\npath = \"" + path + "\"\nsensor = \"dht22\"\nled = 1\nenabled = " +
         (enabled ? "true" : "false") + "\n";
}

void copy_over(const std::string& from, const std::string& to) {
  const std::string tmp = to + ".tmp";
  std::ifstream in(from, std::ios::binary);
  std::ofstream(tmp, std::ios::binary) << in.rdbuf();
  std::rename(tmp.c_str(), to.c_str());
}

}  // namespace

TEST(ServiceProcess, CyclesPrintsReadingsAndExitsZero) {
  auto child = spawn({"--config", write_config("fast.toml", kFast), "--sim", "--cycles", "5"});
  ASSERT_TRUE(child.wait_for("stopped after 5 cycles")) << child.log;
  EXPECT_EQ(child.exit_code(), 0);
  EXPECT_NE(child.log.find("cycle 5: bme680 ok"), std::string::npos) << child.log;
}

TEST(ServiceProcess, BadConfigExitsTwoNamingLineColumnAndKey) {
  auto child = spawn({"--config", write_config("bad.toml", "[polling]\ninterval = -2\n")});
  child.wait_for("configuration refused");
  EXPECT_EQ(child.exit_code(), 2);
  EXPECT_NE(child.log.find("bad.toml:2:1: polling.interval: expected a positive duration"), std::string::npos)
      << child.log;
}

TEST(ServiceProcess, CheckConfigPrintsTheEffectiveConfig) {
  auto child = spawn({"--check-config", "config/sim.toml"});
  child.wait_for("[simulation]");
  EXPECT_EQ(child.exit_code(), 0);
  EXPECT_NE(child.log.find("interval = \"250ms\""), std::string::npos) << child.log;
}

TEST(ServiceProcess, SigtermStopsCleanlyWithLedsOff) {
  auto child = spawn({"--config", write_config("term.toml", kFast)});
  ASSERT_TRUE(child.wait_for("cycle 2:")) << child.log;
  ::kill(child.pid, SIGTERM);
  ASSERT_TRUE(child.wait_for("stopped after")) << child.log;
  EXPECT_EQ(child.exit_code(), 0);
  EXPECT_EQ(child.log.find("could not turn the LEDs off"), std::string::npos);
}

TEST(ServiceProcess, SighupWithBadConfigKeepsRunningThenGoodConfigReloads) {
  std::string path = write_config("hup.toml", kFast);
  auto child = spawn({"--config", path});
  ASSERT_TRUE(child.wait_for("cycle 1:")) << child.log;
  write_config("hup.toml", "[polling]\nintervall = 1\n");
  ::kill(child.pid, SIGHUP);
  ASSERT_TRUE(child.wait_for("keeping the running configuration")) << child.log;
  EXPECT_NE(child.log.find("did you mean 'interval'"), std::string::npos);
  write_config("hup.toml", kFast);
  ::kill(child.pid, SIGHUP);
  ASSERT_TRUE(child.wait_for("configuration reloaded")) << child.log;
  ::kill(child.pid, SIGINT);
  ASSERT_TRUE(child.wait_for("stopped after")) << child.log;
  EXPECT_EQ(child.exit_code(), 0);
}

TEST(ServiceProcess, ReplacedPluginFileRunsWithoutARestartAndSighupDisablesIt) {
  const std::string components = SENSORHOST_TEST_RUNTIME_COMPONENTS;
  const std::string plugin = ::testing::TempDir() + "counter.wasm";
  copy_over(components + "/counter-v1.wasm", plugin);
  std::string path = write_config("plugins.toml", with_counter(plugin));
  auto child = spawn({"--config", path});
  ASSERT_TRUE(child.wait_for("counter: v1 poll 2")) << child.log;
  copy_over(components + "/counter-v2.wasm", plugin);
  ASSERT_TRUE(child.wait_for("reloaded: now running version")) << child.log;
  ASSERT_TRUE(child.wait_for("counter: v2 poll")) << child.log;
  EXPECT_NE(child.log.find("state carried over"), std::string::npos);

  write_config("plugins.toml", with_counter(plugin, false));
  ::kill(child.pid, SIGHUP);
  ASSERT_TRUE(child.wait_for("[plugin=counter] disabled")) << child.log;
  ASSERT_TRUE(child.wait_for("counter: disabled")) << child.log;
  ::kill(child.pid, SIGTERM);
  ASSERT_TRUE(child.wait_for("stopped after")) << child.log;
  EXPECT_EQ(child.exit_code(), 0);
}
